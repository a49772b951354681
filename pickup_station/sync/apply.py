"""Applying one pull page to the store: manifest.py's semantics, with a fast path for new orders.

`apply_changes(session, changes)` runs inside the caller's transaction (the engine saves the
cursor in the same one). Batches, deletions and orders handed over at this counter go
through `manifest.apply_batch / apply_order / remove_order` unchanged, so a cancel that arrives
for an order already handed over still lands in the needs-attention list. Orders new to the
station (the bulk of a first download: 20,000 orders) and open orders HQ changed are validated
the same way and written with a few `executemany` per page instead of one ORM flush per order
(~50× faster; same fields, same shelf-slot numbering).
Then the hand-overs of the station's other counters (`counter_echo.py`); HQ's resolved review
items go to the needs-attention list (`hq_review.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from pickup_station.core import manifest
from pickup_station.core.manifest import ApplyReport
from pickup_station.errors import ManifestError
from pickup_station.store.db import get_meta, iso, set_meta, utcnow
from pickup_station.store.models import Batch, Order, OrderItem
from pickup_station.sync.counter_echo import apply_echoes
from pickup_station.sync.hq_review import apply_review
from pickup_station.sync.protocol import Change

_ORDERS = Order.__table__
_ITEMS = OrderItem.__table__


def shelf_slot_for(n: int) -> str:
    """The n-th shelf slot, exactly as `manifest.next_shelf_slot` numbers them."""
    zones = manifest.SHELF_ZONES
    zone = zones[(n // 300) % len(zones)]
    return f"{zone}-{(n // 30) % 10 + 1}-{n % 30 + 1:02d}"


class _Pending:
    """Order rows of this page not yet written: inserts of new orders, rewrites of open ones."""

    def __init__(self, session: Session):
        self.session = session
        self.inserts: list[dict] = []
        self.updates: list[dict] = []
        self.items: list[dict] = []
        self.ids: set[str] = set()
        self.slot_seq: int | None = None
        self.now = iso(utcnow())

    def next_slot(self) -> str:
        if self.slot_seq is None:
            self.slot_seq = int(get_meta(self.session, "shelf_slot_seq", "0"))
        slot = shelf_slot_for(self.slot_seq)
        self.slot_seq += 1
        return slot

    def add(self, data: dict, known: _Known | None) -> _Known:
        """Queue an order that is new, or known and still open. Returns what is now known."""
        order_id = str(data["order_id"]).strip()
        status = data.get("status") or "active"
        if status not in manifest.ORDER_STATUSES:
            raise ManifestError("manifest.bad_status", order_id=order_id, status=status)
        items = data.get("items") or []
        if not isinstance(items, list) or not items:
            raise ManifestError("manifest.no_items", order_id=order_id)
        rows = [manifest.item_row(order_id, item) for item in items]
        # shelf slots are given at sign-off (core/shelves.py), never at download
        slot = known.shelf_slot if known else None
        key = data.get("customer_key") or (known.customer_key if known else None)
        row = {
            "batch_id": str(data["batch_id"]).strip(),
            "customer_name": str(data.get("customer_name") or "").strip() or "?",
            "phone_masked": data.get("phone_masked") or "",
            "phone_last4": str(data.get("phone_last4") or "")[-4:],
            "customer_key": key,
            "token_sha256": (data.get("token_sha256") or "").lower() or None,
            "pickup_code": str(data["pickup_code"]) if data.get("pickup_code") else None,
            "status": status,
            "cancel_reason": data.get("cancel_reason"),
            "shelf_slot": slot,
            "updated_at": self.now,
        }
        if known is None:
            self.inserts.append({"order_id": order_id, "pickup_state": "open", **row})
        else:
            self.updates.append({"b_order_id": order_id, **row})
        self.items += rows
        self.ids.add(order_id)
        return _Known("open", key, slot)

    def _keep_shortages(self, ids: list[str]) -> None:
        """What the arrival check found short or damaged is not in HQ's manifest: carry it
        over to the rewritten items (by sku), or a batch PUT again would put it back on the
        shelf and the counter would report the shortage a second time."""
        i = _ITEMS.c
        found: dict[tuple[str, str], tuple[int, int]] = {}
        for n in range(0, len(ids), 500):
            for r in self.session.execute(
                    select(i.order_id, i.sku, i.qty_short, i.qty_damaged)
                    .where(i.order_id.in_(ids[n:n + 500]),
                           (i.qty_short > 0) | (i.qty_damaged > 0))):
                short, damaged = found.get((r.order_id, r.sku), (0, 0))
                found[(r.order_id, r.sku)] = (short + r.qty_short, damaged + r.qty_damaged)
        for row in self.items:
            kept = found.pop((row["order_id"], row["sku"]), None)
            if kept:
                row["qty_short"] = min(kept[0], row["qty"])
                row["qty_damaged"] = min(kept[1], row["qty"] - row["qty_short"])

    def flush(self) -> None:
        if self.inserts or self.updates:
            self.session.flush()  # batches added through the ORM go first (foreign keys)
            if self.updates:
                ids = [u["b_order_id"] for u in self.updates]
                self._keep_shortages(ids)
                self.session.execute(
                    update(_ORDERS).where(_ORDERS.c.order_id == bindparam("b_order_id")),
                    self.updates)
                for i in range(0, len(ids), 500):
                    self.session.execute(delete(_ITEMS).where(_ITEMS.c.order_id.in_(ids[i:i + 500])))
            conn = self.session.connection()
            if self.inserts:
                _executemany(conn, _ORDERS, self.inserts)
            _executemany(conn, _ITEMS, self.items)
            self.session.expire_all()  # ORM objects loaded earlier must not shadow these rows
            self.inserts, self.updates, self.items = [], [], []
        self.ids.clear()
        if self.slot_seq is not None:
            set_meta(self.session, "shelf_slot_seq", str(self.slot_seq))
            self.session.flush()
            self.slot_seq = None


def _executemany(conn, table, rows: list[dict]) -> None:
    """A plain INSERT executemany on the session's connection (same transaction), without
    SQLAlchemy's per-row statement processing: the hot path of a first download."""
    cols = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    conn.exec_driver_sql(sql, [tuple(r[c] for c in cols) for r in rows])


@dataclass
class _Known:
    pickup_state: str
    customer_key: str | None
    shelf_slot: str | None




def _known_orders(session: Session, ids: set[str]) -> dict[str, _Known]:
    found: dict[str, _Known] = {}
    ids_list = list(ids)
    o = _ORDERS.c
    for i in range(0, len(ids_list), 500):
        for r in session.execute(select(o.order_id, o.pickup_state, o.customer_key, o.shelf_slot)
                                 .where(o.order_id.in_(ids_list[i:i + 500]))):
            found[r.order_id] = _Known(r.pickup_state, r.customer_key, r.shelf_slot)
    return found


def _known_batches(session: Session, ids: set[str]) -> set[str]:
    found: set[str] = set()
    ids_list = list(ids)
    for i in range(0, len(ids_list), 500):
        found.update(session.scalars(select(Batch.batch_id)
                                     .where(Batch.batch_id.in_(ids_list[i:i + 500]))))
    return found


def apply_changes(session: Session, changes: list[Change]) -> ApplyReport:
    """Apply a page of changes in order. Raises ManifestError on bad data (caller rolls back)."""
    report = ApplyReport()
    order_ids = {str(c.data["order_id"]).strip() for c in changes if c.kind == "order"}
    batch_ids = {str(c.data["batch_id"]).strip() for c in changes if c.data.get("batch_id")}
    known = _known_orders(session, order_ids)
    known_batches = _known_batches(session, batch_ids)
    pending = _Pending(session)
    echoes: dict[str, dict | None] = {}  # order -> the hand-over HQ holds (counter_echo.py)
    for change in changes:
        data = change.data
        if change.kind == "review":  # HQ resolved an item of its review queue (hq_review.py)
            report.attention.append(apply_review(session, data))
            continue
        if change.kind == "order":
            echoes.pop(str(data.get("order_id") or "").strip(), None)
            if change.op == "upsert" and "pickup" in data:
                echoes[str(data["order_id"]).strip()] = data["pickup"]
        if change.kind == "batch":
            report.add(manifest.apply_batch(session, data))
            known_batches.add(str(data["batch_id"]).strip())
            continue
        order_id = str(data.get("order_id") or "").strip()
        if order_id in pending.ids:  # the same order twice in a page: keep the order of events
            pending.flush()
        if change.op == "delete":
            pending.flush()
            removed = manifest.remove_order(session, data)
            report.add(removed)
            if removed.removed:
                known.pop(order_id, None)
            continue
        batch_id = str(data.get("batch_id") or "").strip()
        if not order_id or not batch_id:
            raise ManifestError("manifest.order_lacks_ids")
        mine = known.get(order_id)
        if mine is not None and mine.pickup_state != "open":
            # handed over here: manifest.py decides what may change and what needs attention
            pending.flush()
            report.add(manifest.apply_order(session, data))
            continue
        if batch_id not in known_batches:
            manifest.apply_batch(session, {"batch_id": batch_id})
            known_batches.add(batch_id)
        known[order_id] = pending.add(data, mine)
        report.orders += 1
    pending.flush()
    apply_echoes(session, echoes)
    return report
