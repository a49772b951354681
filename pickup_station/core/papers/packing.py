"""The packing list (打包单) of a batch: per product (what to take off the truck pile), then per
order with its items and shelf slot (what goes in each bag, and where the bag goes). No Qt.

`packing_list_from_store(session, batch_id)` fills it; `layout()` lays it out on 58 / 80 mm
paper through `PackingList.lay_out`. Customers are masked as on every paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.core.identity import mask_name, safe_phone
from pickup_station.core.papers.from_store import station_info
from pickup_station.core.papers.layout import _when, two_columns
from pickup_station.core.papers.model import ReceiptNotFound, StationInfo
from pickup_station.core.timezone import station_tz
from pickup_station.store.db import utcnow
from pickup_station.store.models import Batch, Order, OrderItem


@dataclass(frozen=True)
class PackingItem:
    name: str
    qty: int  # what goes in the bag (ordered minus short and damaged)
    short: int = 0


@dataclass(frozen=True)
class PackingProduct:
    sku: str
    name: str
    qty: int
    orders: int


@dataclass(frozen=True)
class PackingOrder:
    order_id: str
    shelf_slot: str
    customer_name: str  # masked
    phone: str  # masked
    pickup_code: str
    items: list[PackingItem] = field(default_factory=list)


@dataclass(frozen=True)
class PackingList:
    station: StationInfo
    batch_id: str
    printed_at: datetime
    products: list[PackingProduct] = field(default_factory=list)
    orders: list[PackingOrder] = field(default_factory=list)

    @property
    def total_items(self) -> int:
        return sum(p.qty for p in self.products)

    def lay_out(self, s) -> None:
        """Lines on the sheet of `layout()` (called by it)."""
        s.header(self.station)
        s.large("打包单")
        s.kv("批次：", self.batch_id)
        s.kv("打印：", _when(self.printed_at))
        s.rule("=")
        s.text(f"按商品（{len(self.products)} 种，共 {self.total_items} 件）", bold=True)
        for p in self.products:
            s.rows(two_columns(p.name, f"x{p.qty}", s.cols))
        s.rule("=")
        s.text(f"按订单（{len(self.orders)} 单，按货架号）", bold=True)
        for o in self.orders:
            s.rule()
            s.rows(two_columns(f"货架 {o.shelf_slot or '未分配'}", o.pickup_code, s.cols),
                   bold=True)
            s.kv("顾客：", f"{o.customer_name}  {o.phone}".strip())
            s.kv("订单：", o.order_id)
            for i in o.items:
                s.rows(two_columns(f"{i.name}（缺{i.short}）" if i.short else i.name,
                                   f"x{i.qty}", s.cols))
        s.rule("=")


def packing_list_from_store(session: Session, batch_id: str, *, tz: tzinfo | None = None,
                            now: datetime | None = None) -> PackingList:
    """The batch's active orders by shelf slot, and its products by SKU."""
    if session.get(Batch, batch_id) is None:
        raise ReceiptNotFound("arrival.unknown_batch", batch_id=batch_id)
    tz = tz or station_tz(session)
    rows = session.execute(
        select(Order.order_id, Order.shelf_slot, Order.customer_name, Order.phone_masked,
               Order.pickup_code, OrderItem.sku, OrderItem.name, OrderItem.qty,
               OrderItem.qty_short, OrderItem.qty_damaged)
        .join(OrderItem, OrderItem.order_id == Order.order_id)
        .where(Order.batch_id == batch_id, Order.status == "active")
        .order_by(Order.order_id, OrderItem.id)).all()
    products: dict[str, list] = {}
    orders: dict[str, tuple] = {}
    for r in rows:
        qty = max(r.qty - r.qty_short - r.qty_damaged, 0)
        p = products.setdefault(r.sku, [r.name, 0, set()])
        p[1] += qty
        p[2].add(r.order_id)
        _head, items = orders.setdefault(r.order_id, (r, []))
        items.append(PackingItem(r.name, qty, r.qty_short + r.qty_damaged))
    return PackingList(
        station=station_info(session), batch_id=batch_id,
        printed_at=(now or utcnow()).astimezone(tz),
        products=[PackingProduct(sku, n, q, len(o)) for sku, (n, q, o) in sorted(products.items())],
        orders=[PackingOrder(h.order_id, h.shelf_slot or "", mask_name(h.customer_name),
                             safe_phone(h.phone_masked), h.pickup_code or "", items)
                for h, items in sorted(orders.values(),
                                       key=lambda hi: (hi[0].shelf_slot or "~", hi[0].order_id))])
