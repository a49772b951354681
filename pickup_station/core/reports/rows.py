"""The pickups report (提货明细): one row per pickup line, streamed in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.core.identity import mask_name
from pickup_station.core.reports.common import _window, local_day_window, local_text, safe_phone
from pickup_station.store.db import parse_iso
from pickup_station.store.models import Operator, Order, Pickup, PickupLine

# ---- the pickups report -----------------------------------------------------------------------

@dataclass(slots=True)
class PickupRow:
    """One line of one hand-over: what a leader reconciles against HQ, line by line."""

    receipt_no: str
    picked_at_local: str
    batch_id: str
    order_id: str
    customer: str  # masked
    phone: str  # masked
    sku: str
    item: str
    qty_ordered: int
    qty_handed: int
    not_handed_reason: str
    unit_price_cents: int
    amount_cents: int  # qty_handed x unit price
    operator_id: str
    operator_name: str
    proxy_name: str
    override_kind: str
    override_reason: str
    override_by: str
    undone_at_local: str
    undone_by: str
    undo_reason: str
    pickup_id: str
    picked_at: str  # UTC ISO as stored


def iter_pickup_rows(session: Session, start: date, end: date, tz: tzinfo,
                     stats: dict | None = None):
    """Stream the report rows for local days `start`..`end` inclusive, in time order."""
    lo, hi = local_day_window(start, end, tz)
    stmt = (
        select(Pickup.pickup_id, Pickup.receipt_no, Pickup.picked_at, Pickup.operator_id,
               Pickup.proxy_name, Pickup.override_kind, Pickup.override_reason,
               Pickup.override_by, Pickup.undone_at, Pickup.undone_by, Pickup.undo_reason,
               Order.order_id, Order.batch_id, Order.customer_name, Order.phone_masked,
               Operator.name, PickupLine.sku, PickupLine.name, PickupLine.qty_ordered,
               PickupLine.qty_handed, PickupLine.unit_price_cents, PickupLine.reason)
        .select_from(Pickup).join(Order, Order.order_id == Pickup.order_id)
        .outerjoin(PickupLine, PickupLine.pickup_id == Pickup.pickup_id)
        .outerjoin(Operator, Operator.operator_id == Pickup.operator_id)
        .where(_window(Pickup.picked_at, lo, hi))
        .order_by(Pickup.picked_at, Pickup.receipt_no, PickupLine.id)
    )
    last_pid, last_local, seen = None, "", 0
    names: dict[str, str] = {}  # masked once per customer name / phone, not once per line
    phones: dict[str, str] = {}
    # Core rows on the session's connection (same transaction), not ORM rows: a 100,000-pickup
    # export spent a fifth of its time in the ORM's row loading
    for r in session.connection().execution_options(yield_per=2000).execute(stmt):
        if r[0] != last_pid:
            dt = parse_iso(r[2])
            if dt is None or not (lo <= dt < hi):
                continue
            last_pid = r[0]
            last_local = dt.astimezone(tz).isoformat(" ", "seconds")[:19]
            seen += 1
        qty_handed, price = r[19] or 0, r[20] or 0
        customer = names.get(r[13])
        if customer is None:
            customer = names[r[13]] = mask_name(r[13])
        phone = phones.get(r[14])
        if phone is None:
            phone = phones[r[14]] = safe_phone(r[14])
        yield PickupRow(
            receipt_no=r[1], picked_at_local=last_local, batch_id=r[12], order_id=r[11],
            customer=customer, phone=phone, sku=r[16] or "",
            item=r[17] or "", qty_ordered=r[18] or 0, qty_handed=qty_handed,
            not_handed_reason=r[21] or "", unit_price_cents=price,
            amount_cents=qty_handed * price, operator_id=r[3], operator_name=r[15] or "",
            proxy_name=r[4] or "", override_kind=r[5] or "", override_reason=r[6] or "",
            override_by=r[7] or "", undone_at_local=local_text(r[8], tz), undone_by=r[9] or "",
            undo_reason=r[10] or "", pickup_id=r[0], picked_at=r[2])
    if stats is not None:
        stats["pickups"] = seen


def pickups_report(session: Session, start: date, end: date, tz: tzinfo) -> list[PickupRow]:
    """All report rows for local days `start`..`end` inclusive (one per pickup line)."""
    return list(iter_pickup_rows(session, start, end, tz))
