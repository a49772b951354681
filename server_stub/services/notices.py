"""The notification outbox (issue 11): what a customer is told, written in the transaction of
its cause. Delivery is the notifier's job (server_stub/notifier/); this module only adds rows.

- `after_push(push, accepted)`: one call per station push with its accepted events.
  `arrival_checked` (the first sign-off, in this push): `short` for each order with a line
  marked short or damaged at arrival (what is missing, what is ready), `ready` for the others;
  an `item_short` / `item_damaged` (stage `arrival`) reported after the sign-off gives that
  order a `short` notice too; `reminder_requested`: a `reminder`.
- `order_cancelled(conn, order_id)`: HQ cancelled an order whose batch had arrived.
- `sweep_overdue(conn, ...)`: a `reminder` for each order waiting longer than the threshold.

One notice per cause: `cause_key` is UNIQUE (`ready:O1`, `short:O1`, `cancelled:O1`,
`overdue:O1`, `reminder:S1:<event_id>`) and rows are inserted with ON CONFLICT DO NOTHING, so a
re-sent event or a re-run sweep adds nothing. Only orders still waiting at the counter (active,
not handed over, not returned) are notified. No personal data is stored here: the customer's
name and phone are read from the order when the notice is sent.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, parse_iso, utcnow
from ..rawsql import Raw
from . import chunked

if TYPE_CHECKING:
    from ..schemas import EventIn

KINDS = ("ready", "short", "reminder", "cancelled")
STATES = ("pending", "failed", "delivered", "dead")
ITEM_REPORTS = ("item_short", "item_damaged")


class Push(Protocol):  # what is used of services/events.py's PushSession
    db: Any
    conn: Connection
    raw: Raw  # the push's statements on its own cursor (rawsql.py)
    station_id: str
    now: str
    orders: dict[str, dict]  # the push's orders (order_id -> row with batch_id)


def after_push(push: Push, accepted: list[EventIn]) -> None:
    """The notices of one push's accepted events (a few queries, only when a push has an
    arrival, a late shortage or a reminder; hand-overs cost nothing here)."""
    arrivals = {e.batch_id for e in accepted if e.type == "arrival_checked" and e.batch_id}
    reported = {e.order_id for e in accepted if e.type in ITEM_REPORTS and e.order_id
                and (e.data or {}).get("stage", "arrival") == "arrival"}
    reminders = [e for e in accepted if e.type == "reminder_requested" and e.order_id]
    if not (arrivals or reported or reminders):
        return
    outbox = Outbox(push.conn, push.now)
    signed_now = _signed_off_in(push, arrivals)
    if signed_now:
        outbox.arrivals(push.station_id, signed_now)
    if reported:
        reported = _in_arrived_batches(push, reported, skip=set(signed_now))
    if reported:
        outbox.late_shorts(push.station_id, reported, skip_batches=signed_now)
    if reminders:
        outbox.requested_reminders(push.station_id, reminders)
    outbox.insert()


def _in_arrived_batches(push: Push, order_ids: set[str], skip: set[str]) -> set[str]:
    """The orders whose batch had arrived before this push (a shortage found at the sign-off
    itself, or before it, is told by the "ready" or "short" notice of the arrival): one small
    query on the batches instead of reading every reported order."""
    batch_of = {oid: push.orders[oid]["batch_id"] for oid in order_ids}  # accepted: known
    arrived = {r[0] for r in push.raw.rows_in(  # on a push's hot path
        "SELECT batch_id FROM batches WHERE arrived_at IS NOT NULL AND batch_id",
        sorted(set(batch_of.values()) - skip))}
    return {oid for oid, bid in batch_of.items() if bid in arrived}


def _signed_off_in(push: Push, batch_ids: set[str]) -> list[str]:
    """The batches of `batch_ids` whose first sign-off is in this push."""
    b = m.batches.c
    found = []
    for part in chunked(sorted(batch_ids)):
        found += push.conn.execute(select(b.batch_id).where(
            b.batch_id.in_(part), b.station_id == push.station_id,
            b.arrived_received_at == push.now)).scalars().all()
    return found


def order_cancelled(conn: Connection, order_id: str) -> None:
    """HQ cancelled `order_id`: a `cancelled` notice when its batch had arrived (once)."""
    outbox = Outbox(conn, iso(utcnow()))
    order = outbox.orders([order_id]).get(order_id)
    if order is None or order["arrived_at"] is None or order["status"] != "cancelled":
        return
    if order["active_pickup"] is not None or order["returned"]:
        return
    outbox.add("cancelled", order, f"cancelled:{order_id}", {
        "reason": order["cancel_reason"], "cancelled_at": order["cancelled_at"]})
    outbox.insert()


def sweep_overdue(conn: Connection, *, hours: float, horizon_days: float,
                  limit: int = 1000) -> int:
    """A `reminder` for each order waiting more than `hours` after its batch arrived (within
    the last `horizon_days`, batch not closed at the station), once per order. Answers how
    many were added."""
    now = utcnow()
    cutoff, horizon = iso(now - timedelta(hours=hours)), iso(now - timedelta(days=horizon_days))
    o, b, n, r = m.orders.c, m.batches.c, m.notices.c, m.order_returns.c
    ids = conn.execute(
        select(o.order_id).join(m.batches, b.batch_id == o.batch_id).where(
            b.arrived_at <= cutoff, b.arrived_at >= horizon,
            b.station_state.is_distinct_from("closed"),
            o.status == "active", o.removed == 0, o.active_pickup.is_(None),
            ~exists().where(r.order_id == o.order_id),
            ~exists().where(and_(n.order_id == o.order_id,
                                 n.cause_key == literal("overdue:") + o.order_id)))
        .order_by(b.arrived_at, o.order_id).limit(limit)).scalars().all()
    if not ids:
        return 0
    outbox = Outbox(conn, iso(now))
    for order in outbox.orders(ids).values():
        waited = (now - parse_iso(order["arrived_at"])).total_seconds() / 3600
        outbox.add("reminder", order, f"overdue:{order['order_id']}", {
            "reminder": {"source": "overdue", "hours_waiting": round(waited, 1)}})
    return outbox.insert()


class Outbox:
    """Notices gathered for one transaction, inserted in one statement. (Their give-up time,
    `deadline_at`, is set by the notifier at the first failed attempt.)"""

    def __init__(self, conn: Connection, now: str):
        self.conn, self.now = conn, now
        self.rows: list[dict] = []

    # --- what the orders are -------------------------------------------------------------------

    def orders(self, order_ids) -> dict[str, dict]:
        """order_id -> the order with its station, batch arrival and lines (three queries)."""
        o, b, s, r = m.orders.c, m.batches.c, m.stations.c, m.order_returns.c
        found: dict[str, dict] = {}
        ids = sorted(set(order_ids))
        for part in chunked(ids):
            for row in self.conn.execute(
                    select(o.order_id, o.batch_id, o.station_id, o.pickup_code,
                           func.coalesce(o.station_slot, o.shelf_slot).label("shelf_slot"),
                           o.status, o.removed, o.active_pickup, o.cancel_reason,
                           o.cancelled_at, b.arrived_at, s.name, s.address,
                           r.order_id.label("returned"))
                    .join(m.batches, b.batch_id == o.batch_id)
                    .join(m.stations, s.station_id == o.station_id)
                    .outerjoin(m.order_returns, r.order_id == o.order_id)
                    .where(o.order_id.in_(part))
                    .order_by(o.batch_id, o.position, o.order_id)):
                found[row.order_id] = {**row._mapping, "items": []}
        i = m.order_items.c
        for part in chunked(ids):
            for it in self.conn.execute(select(i.order_id, i.sku, i.name, i.qty).where(
                    i.order_id.in_(part)).order_by(i.order_id, i.line_no)):
                found[it.order_id]["items"].append({"sku": it.sku, "name": it.name,
                                                    "qty": it.qty})
        return found

    def batch_orders(self, batch_ids) -> dict[str, dict]:
        o = m.orders.c
        ids: list[str] = []
        for part in chunked(sorted(batch_ids)):
            ids += self.conn.execute(select(o.order_id).where(o.batch_id.in_(part))).scalars()
        return self.orders(ids)

    def missing_lines(self, order_ids) -> dict[str, dict[str, dict]]:
        """order_id -> sku -> {short, damaged}: accepted reports of stage `arrival`."""
        e = m.events.c
        out: dict[str, dict[str, dict]] = defaultdict(dict)
        for part in chunked(sorted(set(order_ids))):
            for oid, sku, kind, payload in self.conn.execute(
                    select(e.order_id, e.sku, e.type, e.payload).where(
                        e.order_id.in_(part), e.type.in_(ITEM_REPORTS),
                        e.status == "accepted").order_by(e.id)):
                data = json.loads(payload).get("data") or {}
                if data.get("stage", "arrival") != "arrival":
                    continue
                line = out[oid].setdefault(sku, {"short": 0, "damaged": 0})
                line["short" if kind == "item_short" else "damaged"] += int(data.get("qty", 0))
        return out

    # --- the notices ---------------------------------------------------------------------------

    def arrivals(self, station_id: str, batch_ids: list[str]) -> None:
        orders = {k: v for k, v in self.batch_orders(batch_ids).items()
                  if v["station_id"] == station_id and _waiting(v)}
        missing = self.missing_lines(orders)
        for oid, order in orders.items():
            if missing.get(oid):
                self._short(order, missing[oid])
            else:
                self.add("ready", order, f"ready:{oid}", {"ready": order["items"]})

    def late_shorts(self, station_id: str, order_ids: set[str], skip_batches) -> None:
        orders = {k: v for k, v in self.orders(order_ids).items()
                  if v["station_id"] == station_id and v["arrived_at"] is not None
                  and v["batch_id"] not in set(skip_batches) and _waiting(v)}
        missing = self.missing_lines(orders)
        for oid, order in orders.items():
            if missing.get(oid):
                self._short(order, missing[oid])

    def _short(self, order: dict, lines: dict[str, dict]) -> None:
        ready, gone = [], []
        for it in order["items"]:
            line = lines.get(it["sku"])
            if line is None:
                ready.append(it)
                continue
            lost = min(it["qty"], line["short"] + line["damaged"])
            gone.append({"sku": it["sku"], "name": it["name"], "qty": it["qty"],
                         "short": line["short"], "damaged": line["damaged"]})
            if it["qty"] > lost:
                ready.append({**it, "qty": it["qty"] - lost})
        self.add("short", order, f"short:{order['order_id']}", {"missing": gone, "ready": ready})

    def requested_reminders(self, station_id: str, events: list[EventIn]) -> None:
        orders = self.orders(e.order_id for e in events)
        for ev in events:
            order = orders.get(ev.order_id)
            if order is None or order["station_id"] != station_id or not _waiting(order):
                continue
            data = ev.data or {}
            slot = data.get("shelf_slot") or order["shelf_slot"]
            self.add("reminder", {**order, "shelf_slot": slot},
                     f"reminder:{station_id}:{ev.event_id}",
                     {"reminder": {"source": "station",
                                   "days_waiting": data.get("days_waiting")}},
                     event_id=ev.event_id)

    def add(self, kind: str, order: dict, cause_key: str, extra: dict, *,
            event_id: str | None = None) -> None:
        content = {"station": {"station_id": order["station_id"], "name": order["name"],
                               "address": order["address"]},
                   "pickup_code": order["pickup_code"], "shelf_slot": order["shelf_slot"],
                   "arrived_at": order["arrived_at"], **extra}
        self.rows.append({
            "idempotency_key": str(uuid.uuid4()), "cause_key": cause_key, "kind": kind,
            "station_id": order["station_id"], "order_id": order["order_id"],
            "batch_id": order["batch_id"], "event_id": event_id,
            "content": json.dumps(content, ensure_ascii=False, separators=(",", ":")),
            "state": "pending", "attempts": 0, "created_at": self.now,
            "next_attempt_at": self.now})

    def insert(self) -> int:
        """All gathered notices in one statement; a cause already notified adds nothing."""
        if not self.rows:
            return 0
        if self.conn.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(m.notices).on_conflict_do_nothing(index_elements=["cause_key"])
        added = self.conn.execute(stmt.returning(m.notices.c.id), self.rows).all()
        self.rows = []
        return len(added)


def _waiting(order: dict) -> bool:
    """Still at the counter: active, not dropped, not handed over, not returned."""
    return (order["status"] == "active" and not order["removed"]
            and order["active_pickup"] is None and not order["returned"])

