"""A chain of stations' history for bench/hq_bench.py, written straight into the server's tables.

The schema comes from the server's own migrations (`server_stub.db.Database` migrates the empty
database); rows go in by COPY on PostgreSQL and by executemany in one transaction per table on
SQLite, never through HTTP. The shape (per station, one batch a day of about 50 orders):

- batches: dispatched; arrived except the last 2 days; closed at the station except the last 4;
  commission 8-12 % (one batch in 10 without a rate);
- orders: ids in time order; 2 % cancelled; of the arrived others 85 % picked up, 1 % returned;
  1-2 lines each; phones random (mobile numbers), names random;
- events: one `arrival_checked` a batch, one `pickup_confirmed` a hand-over, `item_short` for
  3 % of orders, `order_returned` per return, the rest `reminder_requested` up to --events;
- day closings: one a station and closed day.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌伟红玉兰"
PRODUCTS = [("FRU-APPLE", "苹果 1kg", 1290, "fruit"), ("VEG-CABB", "白菜", 390, "veg"),
            ("DAI-MILK", "牛奶 1L", 1150, "dairy"), ("MEA-PORK", "猪肉 500g", 2380, "meat"),
            ("EGG-30", "鸡蛋 30 枚", 2190, "egg"), ("RIC-5KG", "大米 5kg", 3990, "grain")]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass
class Chain:
    stations: int
    days: int
    first_day: date
    rows: dict[str, int] = field(default_factory=dict)
    order_ids: list[str] = field(default_factory=list)  # a sample, for searches
    last4: list[str] = field(default_factory=list)

    def day(self, n: int) -> date:
        return self.first_day + timedelta(days=n)

    def station(self, n: int) -> str:
        return f"S{n + 1:03d}"


class Writer:
    """Rows to a table: COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, raw, dialect: str):
        self.raw, self.dialect = raw, dialect

    def write(self, table: str, columns: tuple[str, ...], rows) -> int:
        n = 0
        if self.dialect == "postgresql":
            with self.raw.cursor() as cur, cur.copy(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        chunk: list = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 20_000:
                self.raw.executemany(sql, chunk)
                n += len(chunk)
                chunk = []
        self.raw.executemany(sql, chunk)
        return n + len(chunk)


BATCH_COLS = ("batch_id", "station_id", "expected_at", "status", "dispatched_at", "arrived_at",
              "arrived_received_at", "arrived_by", "created_at", "by_product", "station_state",
              "station_state_at", "closed_at", "updated_at", "day", "commission_rate")
ORDER_COLS = ("order_id", "batch_id", "station_id", "position", "customer_name", "phone",
              "pickup_token", "token_sha256", "pickup_code", "status", "cancel_reason",
              "cancelled_at", "removed", "active_pickup", "updated_at", "needs_review",
              "phone_last4", "value_cents")
ITEM_COLS = ("order_id", "line_no", "sku", "name", "qty", "unit_price_cents", "category")
PICKUP_COLS = ("id", "station_id", "pickup_id", "order_id", "batch_id", "receipt_no",
               "operator_id", "picked_up_at", "received_at", "event_id", "lines")
EVENT_COLS = ("station_id", "event_id", "type", "order_id", "batch_id", "occurred_at",
              "received_at", "body_sha256", "payload", "status", "sku", "qty")
RETURN_COLS = ("order_id", "station_id", "batch_id", "event_id", "returned_at", "received_at",
               "operator_id", "reason", "items")
CLOSING_COLS = ("station_id", "day", "event_id", "operator_id", "closed_at", "received_at",
                "totals", "operators", "counted", "discrepancies", "discrepancy_count")


def seed(writer: Writer, *, stations: int, orders: int, events: int, seed_: int = 11,
         today: date | None = None) -> Chain:
    rnd = random.Random(seed_)
    per_batch = 50 if orders >= stations * 50 else max(1, orders // stations)
    days = max(1, orders // (stations * per_batch))
    today = today or datetime.now(CST).date()
    chain = Chain(stations, days, today - timedelta(days=days - 1))
    plan = _plan(chain, rnd, orders, per_batch)
    w = writer.write
    chain.rows["stations"] = w("stations", ("station_id", "name", "address", "created_at"), [
        (chain.station(s), f"自提点 {s + 1:03d}", f"幸福路 {s + 1} 号",
         iso(datetime.combine(chain.first_day, datetime.min.time(), CST)))
        for s in range(stations)])
    chain.rows["batches"] = w("batches", BATCH_COLS, _batches(chain, rnd))
    chain.rows["orders"] = w("orders", ORDER_COLS, _orders(chain, plan, rnd))
    chain.rows["order_items"] = w("order_items", ITEM_COLS, _items(plan))
    chain.rows["pickups"] = w("pickups", PICKUP_COLS, _pickups(plan))
    chain.rows["order_returns"] = w("order_returns", RETURN_COLS, _returns(plan))
    chain.rows["events"] = w("events", EVENT_COLS, _events(chain, plan, rnd, events))
    chain.rows["day_closings"] = w("day_closings", CLOSING_COLS, _closings(chain, rnd))
    return chain


@dataclass(slots=True)
class PlannedOrder:
    order_id: str
    batch_id: str
    station_id: str
    day: int
    fate: str  # pending / waiting / picked / returned / cancelled
    lines: list
    pickup_row: int | None = None
    at: datetime | None = None


def _batch_id(chain: Chain, s: int, d: int) -> str:
    return f"B{chain.day(d):%Y%m%d}-{chain.station(s)}"


def _arrived(chain: Chain, d: int) -> bool:
    return d < chain.days - 2 or chain.days <= 2


def _plan(chain: Chain, rnd: random.Random, orders: int, per_batch: int) -> list[PlannedOrder]:
    plan, n, pickup_row = [], 0, 0
    for d in range(chain.days):
        for s in range(chain.stations):
            for _ in range(per_batch):
                if n >= orders:
                    break
                n += 1
                roll = rnd.random()
                if roll < 0.02:
                    fate = "cancelled"
                elif not _arrived(chain, d):
                    fate = "pending"
                else:
                    fate = "picked" if roll < 0.87 else "returned" if roll < 0.88 else "waiting"
                k = rnd.choice((1, 1, 2))
                lines = rnd.sample(PRODUCTS, k)
                order = PlannedOrder(f"O{chain.day(d):%y%m%d}{n:07d}", _batch_id(chain, s, d),
                                     chain.station(s), d, fate,
                                     [(p, rnd.choice((1, 1, 2))) for p in lines])
                if fate in ("picked", "returned"):
                    order.at = datetime.combine(chain.day(d), datetime.min.time(), CST) + \
                        timedelta(hours=rnd.uniform(10, 21) + 24 * rnd.choice((0, 0, 0, 1)))
                if fate == "picked":
                    pickup_row += 1
                    order.pickup_row = pickup_row
                plan.append(order)
    chain.order_ids = [o.order_id for o in rnd.sample(plan, min(200, len(plan)))]
    return plan


def _batches(chain: Chain, rnd: random.Random):
    for d in range(chain.days):
        day = chain.day(d)
        start = datetime.combine(day, datetime.min.time(), CST)
        for s in range(chain.stations):
            arrived = _arrived(chain, d)
            closed = d < chain.days - 4
            at = iso(start + timedelta(hours=9)) if arrived else None
            shut = iso(start + timedelta(hours=22)) if closed else None
            rate = None if rnd.random() < 0.1 else rnd.choice((800, 1000, 1000, 1200))
            yield (_batch_id(chain, s, d), chain.station(s), iso(start + timedelta(hours=8)),
                   "dispatched", iso(start + timedelta(hours=5)), at, at,
                   "leader" if arrived else None, iso(start - timedelta(hours=12)), 0,
                   "closed" if closed else None, shut, shut, iso(start), day.isoformat(), rate)


def _phone(rnd: random.Random) -> str:
    return "1" + rnd.choice("3578") + "".join(rnd.choice("0123456789") for _ in range(9))


def _orders(chain: Chain, plan: list[PlannedOrder], rnd: random.Random):
    for pos, o in enumerate(plan):
        phone = _phone(rnd)
        if len(chain.last4) < 200 and rnd.random() < 0.01:
            chain.last4.append(phone[-4:])
        token = secrets.token_hex(10).upper()
        stamp = iso(datetime.combine(chain.day(o.day), datetime.min.time(), CST))
        cancelled = o.fate == "cancelled"
        yield (o.order_id, o.batch_id, o.station_id, pos % 50,
               rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(("", "", GIVEN[pos % 30])),
               phone, token, hashlib.sha256(token.encode()).hexdigest(),
               f"{rnd.randrange(1_000_000):06d}", "cancelled" if cancelled else "active",
               "顾客取消" if cancelled else None, stamp if cancelled else None, 0, o.pickup_row,
               stamp, 0, phone[-4:], sum(p[2] * q for p, q in o.lines))


def _items(plan: list[PlannedOrder]):
    for o in plan:
        for n, ((sku, name, price, cat), qty) in enumerate(o.lines, 1):
            yield (o.order_id, n, sku, name, qty, price, cat)


def _pickups(plan: list[PlannedOrder]):
    for o in plan:
        if o.pickup_row is not None:
            lines = json.dumps([{"sku": p[0], "qty_ordered": q, "qty_handed": q}
                                for p, q in o.lines])
            yield (o.pickup_row, o.station_id, f"PK-{o.order_id}", o.order_id, o.batch_id,
                   f"R{o.pickup_row:08d}", "op1", iso(o.at), iso(o.at), _eid(o.order_id, "p"),
                   lines)


def _returns(plan: list[PlannedOrder]):
    for o in plan:
        if o.fate == "returned":
            items = json.dumps([{"sku": p[0], "qty": q} for p, q in o.lines])
            yield (o.order_id, o.station_id, o.batch_id, _eid(o.order_id, "r"), iso(o.at),
                   iso(o.at), "leader", "超时未取", items)


def _eid(key: str, kind: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{key}"))


def _event(o_station, event_id, type_, order_id, batch_id, at, sku=None, qty=None):
    return (o_station, event_id, type_, order_id, batch_id, at, at,
            hashlib.sha256(event_id.encode()).hexdigest(), "{}", "accepted", sku, qty)


def _events(chain: Chain, plan: list[PlannedOrder], rnd: random.Random, total: int):
    n = 0
    for d in range(chain.days):
        if _arrived(chain, d):
            at = iso(datetime.combine(chain.day(d), datetime.min.time(), CST)
                     + timedelta(hours=9))
            for s in range(chain.stations):
                n += 1
                yield _event(chain.station(s), _eid(_batch_id(chain, s, d), "a"),
                             "arrival_checked", None, _batch_id(chain, s, d), at)
    shorts = []
    for o in plan:
        if o.pickup_row is not None:
            n += 1
            yield _event(o.station_id, _eid(o.order_id, "p"), "pickup_confirmed", o.order_id,
                         o.batch_id, iso(o.at))
        elif o.fate == "returned":
            n += 1
            yield _event(o.station_id, _eid(o.order_id, "r"), "order_returned", o.order_id,
                         o.batch_id, iso(o.at))
        if o.fate != "pending" and rnd.random() < 0.03:
            shorts.append(o)
    for o in shorts:
        n += 1
        at = datetime.combine(chain.day(o.day), datetime.min.time(), CST) + timedelta(hours=9)
        yield _event(o.station_id, str(uuid.uuid4()), "item_short", o.order_id, o.batch_id,
                     iso(at), o.lines[0][0][0], 1)
    while n < total:  # the rest: reminders asked for orders waiting on the shelf
        o = plan[rnd.randrange(len(plan))]
        n += 1
        at = datetime.combine(chain.day(o.day), datetime.min.time(), CST) + timedelta(
            hours=rnd.uniform(24, 72))
        yield _event(o.station_id, str(uuid.uuid4()), "reminder_requested", o.order_id,
                     o.batch_id, iso(at))


def _closings(chain: Chain, rnd: random.Random):
    for d in range(max(0, chain.days - 4)):
        day = chain.day(d)
        at = iso(datetime.combine(day, datetime.min.time(), CST) + timedelta(hours=21))
        for s in range(chain.stations):
            off = rnd.random() < 0.05
            disc = [{"sku": "FRU-APPLE", "expected": 5, "counted": 4, "difference": -1}] \
                if off else []
            yield (chain.station(s), day.isoformat(), _eid(f"{s}:{day}", "c"), "leader", at, at,
                   json.dumps({"pickups": 40, "items_handed": 60, "shortages": 1, "returns": 0,
                               "undos": 0}), "[]",
                   json.dumps([{"sku": "FRU-APPLE", "expected": 5, "counted": 4 if off else 5}]),
                   json.dumps(disc), len(disc))
