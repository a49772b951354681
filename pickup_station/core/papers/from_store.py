"""Papers filled from the station store: the receipt of a hand-over, an order's shelf label."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.core.identity import mask_name, safe_phone
from pickup_station.core.papers.model import (
    STATION_KEYS,
    PickupReceipt,
    PrinterTestPage,
    ReceiptItem,
    ReceiptNotFound,
    ShelfLabel,
    StationInfo,
)
from pickup_station.core.timezone import station_tz
from pickup_station.store.db import get_meta, parse_iso, utcnow
from pickup_station.store.models import Operator, Order, Pickup

# ---- from the store -------------------------------------------------------------------------

def station_info(session: Session) -> StationInfo:
    name, sid, addr = (get_meta(session, k) or "" for k in STATION_KEYS)
    return StationInfo(name=name, station_id=sid, address=addr)


def _local(text: str | None, tz: tzinfo) -> datetime | None:
    dt = parse_iso(text)
    return dt.astimezone(tz) if dt else None


def pickup_receipt_from_store(
    session: Session, pickup_id: str, *, reprint: bool = False, tz: tzinfo | None = None,
    now: datetime | None = None,
) -> PickupReceipt:
    """The receipt of one hand-over, as it stands in the store (a reprint says 补打)."""
    pickup = session.get(Pickup, pickup_id)
    if pickup is None:
        pickup = session.scalar(select(Pickup).where(Pickup.receipt_no == pickup_id))
    if pickup is None:
        raise ReceiptNotFound("papers.no_pickup", pickup_id=pickup_id)
    tz = tz or station_tz(session)
    order: Order = pickup.order
    operator = session.get(Operator, pickup.operator_id)
    handed, missing = [], []
    for line in pickup.lines:
        if line.qty_handed > 0:
            handed.append(ReceiptItem(line.name, line.qty_handed))
        gap = line.qty_ordered - line.qty_handed
        if gap > 0:
            missing.append(ReceiptItem(line.name, gap, line.reason or "short"))
    return PickupReceipt(
        station=station_info(session),
        picked_at=_local(pickup.picked_at, tz) or (now or utcnow()).astimezone(tz),
        order_id=order.order_id,
        batch_id=order.batch_id,
        customer_name=mask_name(order.customer_name),
        phone=safe_phone(order.phone_masked),
        receipt_no=pickup.receipt_no,
        operator_name=operator.name if operator else pickup.operator_id,
        items_handed=handed,
        items_not_handed=missing,
        proxy_name=pickup.proxy_name or "",
        shelf_slot=order.shelf_slot or "",
        reprint=reprint,
        printed_at=(now or utcnow()).astimezone(tz) if reprint else None,
        undone_at=_local(pickup.undone_at, tz),
    )


def shelf_label_from_store(session: Session, order_id: str) -> ShelfLabel:
    """The bag label of one order (slot, pickup code, masked customer, item count)."""
    order = session.get(Order, order_id)
    if order is None:
        raise ReceiptNotFound("papers.no_order", order_id=order_id)
    count = sum(max(i.qty - i.qty_short, 0) for i in order.items)
    return ShelfLabel(
        station=station_info(session),
        order_id=order.order_id,
        batch_id=order.batch_id,
        shelf_slot=order.shelf_slot or "",
        pickup_code=order.pickup_code or "",
        customer_name=mask_name(order.customer_name),
        phone=safe_phone(order.phone_masked),
        item_count=count,
        line_count=len(order.items),
    )


def make_test_page(station: StationInfo, description: str,
                   now: datetime | None = None) -> PrinterTestPage:
    return PrinterTestPage(station=station, description=description,
                    printed_at=(now or datetime.now().astimezone()))
