"""Realistic station data for the demo, the tests and the benchmarks.

`generate(...)` makes delivery batches in manifest shape (Chinese names, grocery items, phones,
pickup tokens and codes), reproducible from a seed. `bulk_load` puts them straight into a store
(fast, for 100,000-order benchmarks); the demo sends them through the sync server instead.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from pickup_station.core.identity import CustomerKeys, mask_phone, token_sha256
from pickup_station.core.shelves import adopt_legacy_slots
from pickup_station.store.db import Store, iso, set_meta
from pickup_station.store.models import Batch, Order, OrderItem

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国红梅志强海燕晓东子涵雨轩浩然欣怡梓萱"
ITEMS = [  # sku, name, unit price in fen, category
    ("VEG-001", "本地小白菜 500g", 390, "蔬菜"), ("VEG-002", "西红柿 1kg", 780, "蔬菜"),
    ("VEG-003", "土豆 2kg", 990, "蔬菜"), ("VEG-004", "黄瓜 500g", 450, "蔬菜"),
    ("FRU-001", "海南香蕉 1kg", 890, "水果"), ("FRU-002", "赣南脐橙 2.5kg", 2990, "水果"),
    ("FRU-003", "红富士苹果 5斤", 2590, "水果"), ("FRU-004", "阳光玫瑰葡萄 1串", 1990, "水果"),
    ("MEA-001", "冷鲜猪五花 500g", 1680, "肉禽"), ("MEA-002", "鸡翅中 1kg", 3990, "肉禽"),
    ("EGG-001", "土鸡蛋 30枚", 2690, "蛋奶"), ("MLK-001", "鲜牛奶 950ml", 1290, "蛋奶"),
    ("SEA-001", "冻虾仁 250g", 2990, "水产"), ("SEA-002", "鲈鱼 1条", 2490, "水产"),
    ("GRN-001", "五常大米 5kg", 4990, "粮油"), ("OIL-001", "花生油 1.8L", 3290, "粮油"),
    ("SNK-001", "每日坚果 30包", 5990, "零食"), ("DAY-001", "抽纸 24包", 3590, "日用"),
    ("BRD-001", "全麦吐司", 990, "烘焙"), ("TOF-001", "内酯豆腐 2盒", 390, "豆制品"),
]


@dataclass
class DemoCustomer:
    name: str
    phone: str


def make_token(rng: random.Random) -> str:
    return base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode()


def _customers(rng: random.Random, n: int) -> list[DemoCustomer]:
    out, phones = [], set()
    while len(out) < n:
        phone = rng.choice(["138", "139", "150", "186", "177", "131", "158"]) + \
            f"{rng.randrange(10**8):08d}"
        if phone in phones:
            continue
        phones.add(phone)
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        out.append(DemoCustomer(rng.choice(SURNAMES) + given, phone))
    return out


def generate(*, batches: int = 3, orders_per_batch: int = 200, customers: int | None = None,
             station_id: str = "ST001", seed: int = 7, start: datetime | None = None,
             with_tokens: bool = True) -> list[dict]:
    """Batches in manifest shape: orders carry `phone`, `pickup_token` and `pickup_code`."""
    rng = random.Random(seed)
    total = batches * orders_per_batch
    people = _customers(rng, customers or max(1, int(total * 0.7)))
    start = start or datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    used_codes: set[str] = set()
    out = []
    for b in range(batches):
        day = start - timedelta(days=batches - 1 - b)
        batch_id = f"B{day:%Y%m%d}-{station_id}-{b + 1:02d}"
        orders = []
        for n in range(orders_per_batch):
            person = people[rng.randrange(len(people))]
            while True:
                code = f"{rng.randrange(10**6):06d}"
                if code not in used_codes:
                    used_codes.add(code)
                    break
            picks = rng.sample(ITEMS, rng.choice([1, 1, 2, 2, 3, 4]))
            order = {
                "order_id": f"O{day:%y%m%d}{b + 1:02d}{n + 1:06d}",
                "customer_name": person.name, "phone": person.phone, "pickup_code": code,
                "items": [{"sku": sku, "name": name, "qty": rng.choice([1, 1, 1, 2, 3]),
                           "unit_price_cents": price, "category": cat}
                          for sku, name, price, cat in picks],
            }
            if with_tokens:
                order["pickup_token"] = make_token(rng)
            orders.append(order)
        out.append({"batch_id": batch_id, "station_id": station_id,
                    "expected_at": iso(day), "orders": orders})
    return out


# Customers the demo sets up on purpose, so that each case of the counter can be tried (and
# screenshotted) with a known code: docs/demo-codes.md lists them. Positions are (batch, order
# index) in the batches of `generate`, at the end of each batch (the code sheet shows the first
# orders, the morning's pickups come from the 11th on). The last batch is the one on the truck.
SHOWCASE_PEOPLE = {
    "five_orders": ("赵小雨", "13752605005", [(0, -10), (0, -9), (0, -8), (1, -10), (1, -9)]),
    "mixed": ("钱多多", "15800113113", [(1, -8), (2, -8)]),
    "shared_last4_a": ("孙丽", "13900008888", [(0, -7)]),
    "shared_last4_b": ("周建国", "18612348888", [(1, -7), (2, -7)]),
    "already_picked_up": ("吴敏", "13112340001", [(0, -6)]),
    "cancelled": ("郑强", "15012340002", [(0, -5)]),
    "not_arrived": ("冯娟", "17712340003", [(2, -6)]),
    "ready": ("陈静", "18612340004", [(0, -4)]),
}


def showcase(batches: list[dict]) -> dict[str, dict]:
    """Give the showcase customers their orders (in place); answers case → the order to scan
    (its `pickup_code`, `order_id`, `phone_last4`). Needs batches of at least 10 orders, 3 batches."""
    cases = {}
    for case, (name, phone, where) in SHOWCASE_PEOPLE.items():
        for b, n in where:
            order = batches[b]["orders"][n]
            order["customer_name"], order["phone"] = name, phone
        b, n = where[0]
        first = batches[b]["orders"][n]
        cases[case] = {"pickup_code": first["pickup_code"], "order_id": first["order_id"],
                       "phone_last4": phone[-4:]}
    used = {o["pickup_code"] for b in batches for o in b["orders"]}
    cases["unknown"] = {"pickup_code": next(c for c in (f"{n:06d}" for n in range(10**6))
                                            if c not in used)}
    return cases


def bulk_load(store: Store, batches: list[dict], *, arrived: bool = True,
              station_id: str = "ST001", station_name: str = "演示自提点") -> int:
    """Load generated batches straight into the store with bulk inserts. Returns orders loaded."""
    now = iso(datetime.now(UTC))
    n_orders = 0
    customer_key = CustomerKeys()
    with store.session() as s:
        set_meta(s, "station_id", station_id)
        set_meta(s, "station_name", station_name)
        slot = 0
        for b in batches:
            s.add(Batch(batch_id=b["batch_id"], station_id=station_id,
                        expected_at=b.get("expected_at"),
                        status="arrived" if arrived else "expected",
                        arrived_at=now if arrived else None, updated_at=now))
            s.flush()
            order_rows, item_rows = [], []
            for o in b["orders"]:
                phone = o["phone"]
                order_rows.append({
                    "order_id": o["order_id"], "batch_id": b["batch_id"],
                    "customer_name": o["customer_name"], "phone_masked": mask_phone(phone),
                    "phone_last4": phone[-4:], "customer_key": customer_key(phone),
                    "token_sha256": token_sha256(o["pickup_token"]) if o.get("pickup_token")
                    else None,
                    "pickup_code": o["pickup_code"], "status": "active", "pickup_state": "open",
                    "shelf_slot": f"{'ABCDEFGH'[(slot // 300) % 8]}-{(slot // 30) % 10 + 1}"
                                  f"-{slot % 30 + 1:02d}",
                    "updated_at": now,
                })
                slot += 1
                for it in o["items"]:
                    item_rows.append({"order_id": o["order_id"], "sku": it["sku"],
                                      "name": it["name"], "qty": it["qty"],
                                      "unit_price_cents": it.get("unit_price_cents", 0),
                                      "category": it.get("category"),
                                      "qty_short": 0, "qty_damaged": 0})
            s.execute(insert(Order), order_rows)
            s.execute(insert(OrderItem), item_rows)
            n_orders += len(order_rows)
        set_meta(s, "shelf_slot_seq", str(slot))
        adopt_legacy_slots(s)  # the slots written above are held, as a migrated store's
    return n_orders
