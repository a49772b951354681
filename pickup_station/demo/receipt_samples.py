"""A small, realistic station in a store, to look at receipts without a counter session: for
`scripts/render_receipts.py`, the printer tests and the demo. Writes rows with the ORM only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pickup_station.core.papers import BatchSummaryLine, DaySummary, StationInfo
from pickup_station.store.db import Store, iso, set_meta
from pickup_station.store.models import Batch, Operator, Order, OrderItem, Pickup, PickupLine

STATION = StationInfo("幸福里社区自提点（3号楼便利店）", "ST-0042",
                      "杭州市西湖区文三路 123 号幸福里小区 3 幢 1 楼")


@dataclass(frozen=True)
class SampleIds:
    """The ids the sample rows got."""

    full_pickup: str = "pk-full-0001"  # everything handed, a proxy collector
    short_pickup: str = "pk-short-0002"  # one line short, one damaged
    order_full: str = "O-20261122-0007"
    order_short: str = "O-20261122-0008"
    order_open: str = "O-20261122-0009"  # on the shelf, not collected
    receipt_full: str = "R0042-20261122-0001"
    receipt_short: str = "R0042-20261122-0002"


IDS = SampleIds()


def seed(store: Store, *, picked_at: datetime | None = None) -> SampleIds:
    """Station meta, one batch, three orders (two picked up) and an operator."""
    when = picked_at or datetime(2026, 11, 22, 2, 5, 3, tzinfo=UTC)  # 10:05 in Shanghai
    with store.session() as s:
        for key, value in (("station_name", STATION.name), ("station_id", STATION.station_id),
                           ("station_address", STATION.address), ("station_tz", "Asia/Shanghai")):
            set_meta(s, key, value)
        s.add(Operator(operator_id="op-1", name="王小明", role="assistant", pin_salt="x",
                       pin_hash="x"))
        s.add(Batch(batch_id="B-20261122-A", station_id=STATION.station_id, status="arrived"))
        s.flush()
        orders = [
            (IDS.order_full, "张三丰", "138****1234", "1234", "A-3-12", "482913",
             [("sku-1", "有机西红柿 500g", 2, 0), ("sku-2", "农夫山泉饮用天然水 550ml×24瓶/箱", 1, 0),
              ("sku-3", "Fresh milk 1L (鲜牛奶)", 3, 0)]),
            (IDS.order_short, "欧阳娜娜", "139****5678", "5678", "B-1-07", "605117",
             [("sku-4", "土鸡蛋 30枚", 1, 0), ("sku-5", "五常大米 5kg", 1, 1),
              ("sku-6", "紫皮洋葱 1kg", 2, 0)]),
            (IDS.order_open, "李雷", "137****0000", "0000", "C-2-01", "771203",
             [("sku-7", "香蕉 1把", 1, 0)]),
        ]
        for oid, name, phone, last4, slot, code, items in orders:
            s.add(Order(order_id=oid, batch_id="B-20261122-A", customer_name=name,
                        phone_masked=phone, phone_last4=last4, shelf_slot=slot,
                        pickup_code=code, pickup_state="open"))
            s.flush()
            for sku, item_name, qty, short in items:
                s.add(OrderItem(order_id=oid, sku=sku, name=item_name, qty=qty,
                                unit_price_cents=990, qty_short=short))
        s.flush()
        s.add(Pickup(pickup_id=IDS.full_pickup, receipt_no=IDS.receipt_full,
                     order_id=IDS.order_full, operator_id="op-1", picked_at=iso(when),
                     proxy_name="李四（邻居）"))
        s.add(Pickup(pickup_id=IDS.short_pickup, receipt_no=IDS.receipt_short,
                     order_id=IDS.order_short, operator_id="op-1", picked_at=iso(when)))
        s.flush()
        for sku, name, qty in (("sku-1", "有机西红柿 500g", 2),
                               ("sku-2", "农夫山泉饮用天然水 550ml×24瓶/箱", 1),
                               ("sku-3", "Fresh milk 1L (鲜牛奶)", 3)):
            s.add(PickupLine(pickup_id=IDS.full_pickup, sku=sku, name=name, qty_ordered=qty,
                             qty_handed=qty))
        for sku, name, ordered, handed, reason in (("sku-4", "土鸡蛋 30枚", 1, 0, "damaged"),
                                                    ("sku-5", "五常大米 5kg", 1, 0, "short"),
                                                    ("sku-6", "紫皮洋葱 1kg", 2, 2, None)):
            s.add(PickupLine(pickup_id=IDS.short_pickup, sku=sku, name=name,
                             qty_ordered=ordered, qty_handed=handed, reason=reason))
        s.get(Order, IDS.order_full).pickup_state = "picked_up"
        s.get(Order, IDS.order_short).pickup_state = "partially_picked_up"
    return IDS


def day_summary(day: date = date(2026, 11, 22)) -> DaySummary:
    """A day closing as the reports module would fill it."""
    return DaySummary.from_dict({
        "day": day.isoformat(), "station": {"name": STATION.name, "station_id": STATION.station_id,
                                            "address": STATION.address},
        "pickups": 37, "orders_handed": 36, "items_handed": 112, "uncollected": 5,
        "shortages": 3, "undos": 1,
        "batches": [BatchSummaryLine("B-20261122-A", 30, 27, 3, 2),
                    {"batch_id": "B-20261122-B", "orders": 11, "picked_up": 9, "uncollected": 2,
                     "short_items": 1}],
        "printed_at": datetime(2026, 11, 22, 21, 30).astimezone(),
    })
