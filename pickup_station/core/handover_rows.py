"""What one hand-over reads and writes, as a few Core statements on the transaction's
connection: the counter's hot path (confirm → committed, bench/counter_latency.py), where the
ORM's identity map and unit of work were most of the time. Used by `core.counter` only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import insert, text

from pickup_station.core import journal
from pickup_station.core import operators as ops
from pickup_station.errors import Refused
from pickup_station.store.models import OutboxEvent, Pickup, PickupLine


@dataclass
class Writes:
    """What one hand-over writes, gathered and then sent as a few multi-row statements
    (the ORM's unit of work was most of a hand-over's time at the counter)."""

    pickups: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)  # order_id, pickup_state, updated_at

    def write(self, conn) -> None:
        """Core statements on the transaction's connection: no ORM unit of work."""
        if self.pickups:
            conn.execute(insert(Pickup.__table__), self.pickups)
        if self.lines:
            conn.execute(insert(PickupLine.__table__), self.lines)
        if self.events:
            conn.execute(insert(OutboxEvent.__table__), self.events)
            journal.append(conn, self.events)  # the hand-over's journal entry, same transaction
        if self.orders:
            conn.execute(_SET_PICKUP_STATE, [{"oid": o["order_id"], "state": o["pickup_state"],
                                              "at": o["updated_at"]} for o in self.orders])


class ReceiptNumbers:
    """Receipt numbers `<station>-<yymmdd>-<nnnn>` of one hand-over transaction: the day's
    counter, the station id and this counter's id are read in one query, the counter written
    back once (`save`). The counter (PC) id is made once and kept: it goes with each hand-over,
    so HQ and the station's other counters can tell where it happened."""

    def __init__(self, conn, day: str):
        self.conn, self.day = conn, day
        self.key = f"receipt_seq:{day}"
        meta = dict(conn.execute(_META_KEYS, {"a": self.key, "b": "station_id",
                                              "c": "counter_id"}).all())
        self.n = self.start = int(meta.get(self.key) or 0)
        self.stored = self.key in meta
        self.station = meta.get("station_id") or "ST"
        self.counter_id = meta.get("counter_id")
        if not self.counter_id:
            self.counter_id = "C-" + uuid.uuid4().hex[:8]
            conn.execute(_META_INSERT, {"k": "counter_id", "v": self.counter_id})

    def next(self) -> str:
        self.n += 1
        return f"{self.station}-{self.day}-{self.n:04d}"

    def save(self) -> None:
        if self.n != self.start:
            self.conn.execute(_META_UPDATE if self.stored else _META_INSERT,
                              {"k": self.key, "v": str(self.n)})


# The hand-over's statements, compiled once (the counter's hot path: Core on the session's
# connection, no ORM identity map or unit of work; measured in bench/counter_latency.py).
_META_KEYS = text("SELECT key, value FROM meta WHERE key IN (:a, :b, :c)")
_META_UPDATE = text("UPDATE meta SET value = :v WHERE key = :k")
_META_INSERT = text("INSERT INTO meta (key, value) VALUES (:k, :v)")
_OPERATOR = text("SELECT operator_id, name, role FROM operators "
                 "WHERE operator_id = :o AND active = 1")
_SET_PICKUP_STATE = text("UPDATE orders SET pickup_state = :state, updated_at = :at "
                         "WHERE order_id = :oid")
STILL_OPEN = text("SELECT 1 FROM orders WHERE batch_id = :b AND status = 'active' "
                   "AND pickup_state = 'open' LIMIT 1")
_ORDERS = (
    "SELECT o.order_id, o.batch_id, o.status, o.pickup_state, b.status AS batch_status "
    "FROM orders o JOIN batches b ON b.batch_id = o.batch_id WHERE o.order_id IN ({})")
_ITEMS = (
    "SELECT id, order_id, sku, name, qty, unit_price_cents, qty_short, qty_damaged "
    "FROM order_items WHERE order_id IN ({}) ORDER BY id")


@dataclass
class OrderRow:
    """What a hand-over reads of one order: its state, its batch's status, its items."""

    order_id: str
    batch_id: str
    status: str
    pickup_state: str
    batch_status: str
    items: list = field(default_factory=list)


def load_orders(conn, ids: list[str]) -> dict[str, OrderRow]:
    marks = ", ".join(f":o{i}" for i in range(len(ids)))
    params = {f"o{i}": o for i, o in enumerate(ids)}
    orders = {r.order_id: OrderRow(*r) for r in conn.execute(text(_ORDERS.format(marks)), params)}
    for item in conn.execute(text(_ITEMS.format(marks)), params):
        orders[item.order_id].items.append(item)
    return orders


def operator_of(conn, operator_id: str) -> ops.OperatorInfo:
    row = conn.execute(_OPERATOR, {"o": operator_id}).first()
    if row is None:
        raise Refused("operators.unknown_operator", operator_id=operator_id)
    return ops.OperatorInfo(*row)
