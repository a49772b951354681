"""Small hand-made batches for the leader's-day tests (shelves, receiving, returns, closing)."""

from __future__ import annotations

import zlib

from pickup_station.core import manifest
from pickup_station.core import operators as ops
from pickup_station.store.db import Store

APPLE = {"sku": "FRU-1", "name": "苹果 1kg", "qty": 2, "unit_price_cents": 990,
         "category": "水果"}
RICE = {"sku": "GRN-1", "name": "大米 5kg", "qty": 1, "unit_price_cents": 4990,
        "category": "粮油"}
MILK = {"sku": "MLK-1", "name": "鲜牛奶 950ml", "qty": 1, "unit_price_cents": 1290,
        "category": "蛋奶"}
SHRIMP = {"sku": "SEA-1", "name": "冻虾仁 250g", "qty": 1, "unit_price_cents": 2990,
          "category": "水产"}


def order(oid: str, phone: str, *items: dict, name: str = "张三丰") -> dict:
    return {"order_id": oid, "customer_name": name, "phone": phone,
            "pickup_code": f"{zlib.crc32(oid.encode()) % 10**6:06d}", "items": [dict(i) for i in items]}


def load(store: Store, batch_id: str, orders: list[dict], *, operators: bool = True) -> None:
    with store.session() as s:
        manifest.apply_manifest(s, [{"batch_id": batch_id, "station_id": "ST1",
                                     "expected_at": "2026-11-22T01:00:00+00:00",
                                     "orders": orders}])
        if operators and s.get(ops.Operator, "leader") is None:
            ops.add_operator(s, "leader", "王芳", "2468", role="leader")
            ops.add_operator(s, "a1", "小李", "5678")
