"""What a station pushes: events recorded at the counter, applied once each.

The whole push is one transaction. All its events are inserted into `events` in one statement,
INSERT ... ON CONFLICT (station_id, event_id) DO NOTHING RETURNING event_id: an event that was
not inserted was there already, and is a `duplicate` (same body) or makes the whole push fail
with 422 `event_id_conflict` (different body; the rollback stores nothing). Only freshly
inserted events have an effect, so concurrent retries of one event never apply it twice.
Effects are worked out in memory in event order (first hand-over wins) and written in bulk.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import Database, iso, now_iso
from ..errors import Conflict, Invalid
from ..rawsql import Raw
from ..schemas import (
    EVENT_DATA,
    ArrivalData,
    EventIn,
    ItemReportData,
    PickupConfirmedData,
    PickupUndoneData,
    canonical_uuid,
)
from . import journal, leader_events, notices, review

DATA_MODELS: dict[str, type[BaseModel]] = EVENT_DATA


class Rejected(Exception):
    def __init__(self, reason: str, detail: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# what json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")) writes,
# without making an encoder for every event
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def body_hash(event: EventIn) -> tuple[str, str]:
    """The canonical JSON of an event and its SHA-256 (what 'the same body' means); the event
    id in its canonical spelling, so one UUID written two ways is one event."""
    doc = event.model_dump(mode="json", exclude={"journal"})  # the link: services/journal.py
    doc["event_id"] = canonical_uuid(event.event_id)
    payload = _CANONICAL.encode(doc)
    return payload, hashlib.sha256(payload.encode("utf-8")).hexdigest()


EVENT_COLUMNS = ("station_id", "event_id", "type", "order_id", "batch_id", "occurred_at",
                 "received_at", "body_sha256", "payload", "status", "reason", "sku", "qty")
PICKUP_COLUMNS = ("station_id", "pickup_id", "order_id", "batch_id", "receipt_no", "operator_id",
                  "proxy_name", "picked_up_at", "received_at", "event_id", "lines", "override",
                  "undone_at", "undone_received_at", "undo_event_id", "undo_reason")
_ORDERS = ("SELECT o.order_id, o.batch_id, o.status, o.cancelled_at, o.cancel_reason,"
           " o.active_pickup, o.needs_review, o.review_reason, i.sku"
           " FROM orders o LEFT JOIN order_items i ON i.order_id = o.order_id"
           " WHERE o.station_id = ? AND o.removed = 0 AND o.order_id")
_HELD_COLUMNS = ("id", "pickup_id", "picked_up_at", "receipt_no", "station_id")
_HELD = f"SELECT {', '.join(_HELD_COLUMNS)} FROM pickups WHERE id"
_USED = "SELECT pickup_id FROM pickups WHERE station_id = ? AND pickup_id"
_STORED = ("SELECT event_id, body_sha256, status, reason FROM events"
           " WHERE station_id = ? AND event_id")
_NEW_EVENTS = " ON CONFLICT (station_id, event_id) DO NOTHING RETURNING event_id"
_NEW_PICKUPS = " ON CONFLICT (station_id, pickup_id) DO NOTHING RETURNING id, pickup_id"
_ORDER_STATE = ("UPDATE orders SET active_pickup = ?, needs_review = ?, review_reason = ?,"
                " updated_at = ? WHERE order_id = ?")
_UNDO = ("UPDATE pickups SET undone_at = ?, undone_received_at = ?, undo_event_id = ?,"
         " undo_reason = ? WHERE id = ?")
_REJECT = "UPDATE events SET status = 'rejected', reason = ? WHERE station_id = ? AND event_id = ?"


class Prepared:
    """What a push's events are, worked out before its transaction (it needs no database):
    each event under its canonical id, its canonical body and hash, its data checked. On SQLite
    this is done by the request, so the one writer only writes."""

    def __init__(self, events: list[EventIn]):
        # one UUID has one spelling inside: the canonical one (stored, deduplicated); the
        # answers echo each id as it was sent
        self.sent_ids = [e.event_id for e in events]
        self.events = [e if e.event_id == (key := canonical_uuid(e.event_id))
                       else e.model_copy(update={"event_id": key}) for e in events]
        self.hashes = [body_hash(e) for e in self.events]
        self.checked = [PushSession._check(e) for e in self.events]


class PushSession:
    """Applies one push for one station inside one open transaction."""

    def __init__(self, db: Database, conn: Connection, station_id: str, prepared: Prepared):
        self.sent_ids, self.events = prepared.sent_ids, prepared.events
        self.prepared = prepared
        self.db, self.conn, self.station_id = db, conn, station_id
        self.raw = Raw(conn)  # the statements of this path: rawsql.py says why
        self.now = now_iso()
        self.orders: dict[str, dict] = {}
        self.items: dict[str, set[str]] = defaultdict(set)
        self.held: dict[int, dict] = {}  # pickups.id -> the hand-over that stands
        self.dirty_orders: set[str] = set()
        self.feed: list[int] = []  # pickup rows to (re)append to HQ's feed, in order
        self.undos: list[dict] = []
        # hand-overs of this push, inserted together at the end: until then each has a stand-in
        # row id (negative) wherever a row id goes (held, active_pickup, feed, undos)
        self.new_pickups: dict[int, dict] = {}
        self.used_pickup_ids: set[str] = set()
        self.inserted_rows: set[int] = set()  # pickups rows inserted by this push

    _ORDER_COLS = ("order_id", "batch_id", "status", "cancelled_at", "cancel_reason",
                   "active_pickup", "needs_review", "review_reason")

    def _prefetch(self) -> None:
        """The push's orders with their SKUs, then the hand-overs that stand: two statements."""
        ids = sorted({e.order_id for e in self.events if e.order_id})
        for *order, sku in self.raw.rows_in(_ORDERS, ids, (self.station_id,)):
            if order[0] not in self.orders:
                self.orders[order[0]] = dict(zip(self._ORDER_COLS, order, strict=True))
            if sku is not None:
                self.items[order[0]].add(sku)
        rows = sorted({od["active_pickup"] for od in self.orders.values() if od["active_pickup"]})
        for r in self.raw.rows_in(_HELD, rows):
            self.held[r[0]] = dict(zip(_HELD_COLUMNS, r, strict=True))

    def _prefetch_pickup_ids(self, checked: list) -> None:
        """Which pickup_ids of this push the station has used already (one query)."""
        ids = sorted({c.pickup_id for c in checked if isinstance(c, PickupConfirmedData)})
        self.used_pickup_ids.update(r[0] for r in self.raw.rows_in(_USED, ids,
                                                                   (self.station_id,)))

    def run(self) -> list[dict]:
        results: list[dict] = []
        fresh: list[tuple[EventIn, BaseModel | Rejected, dict]] = []
        seen: dict[str, str] = {}
        self.db.lock_station(self.conn, self.station_id)
        self._prefetch()
        for event, (payload, digest), checked in zip(self.events, self.prepared.hashes,
                                                     self.prepared.checked, strict=True):
            if event.event_id in seen:
                if seen[event.event_id] != digest:
                    raise _id_conflict(event.event_id)
                continue
            seen[event.event_id] = digest
            order = self.orders.get(event.order_id or "")
            refused = isinstance(checked, Rejected)
            report = isinstance(checked, ItemReportData)
            row = (self.station_id, event.event_id, event.type, event.order_id,
                   event.batch_id or (order["batch_id"] if order else None),
                   iso(event.occurred_at), self.now, digest, payload,
                   "rejected" if refused else "accepted", checked.reason if refused else None,
                   checked.sku if report else None, checked.qty if report else None)
            fresh.append((event, checked, row))
        inserted = {r[0] for r in self.raw.insert("events", EVENT_COLUMNS,
                                                  [r for _, _, r in fresh], _NEW_EVENTS)}
        stored = self._check_duplicates(
            [e.event_id for e, _, _ in fresh if e.event_id not in inserted], seen)
        self._prefetch_pickup_ids([c for e, c, _ in fresh if e.event_id in inserted])
        outcome: dict[str, dict] = {}
        rejects = []
        for event, checked, _row in fresh:
            if event.event_id not in inserted:
                # no second effect; an event refused the first time says so again
                # (`first_status`, `reason`), so a station whose first answer was lost still
                # learns that it was refused instead of dropping it as if it had been taken
                outcome[event.event_id] = stored.get(event.event_id) or {
                    "event_id": event.event_id, "status": "duplicate"}
                continue
            result = {"event_id": event.event_id, "status": "accepted"}
            try:
                if isinstance(checked, Rejected):
                    raise checked
                self._apply(event, checked)
            except Rejected as r:
                result.update(status="rejected", reason=r.reason)
                if r.detail:
                    result["detail"] = r.detail
                if not isinstance(checked, Rejected):
                    rejects.append((r.reason, self.station_id, event.event_id))
            outcome[event.event_id] = result
        self._write(rejects)
        review.after_push(self, fresh, outcome)  # HQ's review queue; the other counters' feed
        notices.after_push(self, [e for e in self.events
                                  if outcome[e.event_id]["status"] == "accepted"])
        journal.record_links(self.conn, self.db.dialect, self.station_id, self.events, self.now)
        done: set[str] = set()
        for event in self.events:  # one result per event sent, in the order sent
            if event.event_id in done:
                results.append({"event_id": event.event_id, "status": "duplicate"})
            else:
                done.add(event.event_id)
                results.append(outcome[event.event_id])
        return [r if r["event_id"] == sent else {**r, "event_id": sent}
                for r, sent in zip(results, self.sent_ids, strict=True)]

    def _check_duplicates(self, ids: list[str], seen: dict[str, str]) -> dict[str, dict]:
        """Events stored before: a different body under the same id fails the push (422); one
        that was rejected then is a `duplicate` that says so (`first_status`, `reason`)."""
        again: dict[str, dict] = {}
        for event_id, digest, status, reason in self.raw.rows_in(_STORED, ids,
                                                                 (self.station_id,)):
            if digest != seen[event_id]:
                raise _id_conflict(event_id)
            if status == "rejected":
                again[event_id] = {"event_id": event_id, "status": "duplicate",
                                   "first_status": "rejected", "reason": reason or "rejected"}
        return again

    def _insert_pickups(self) -> None:
        """All hand-overs of the push in one statement; stand-in row ids become real ones."""
        if not self.new_pickups:
            return
        got = {pid: rid for rid, pid in self.raw.insert(
            "pickups", PICKUP_COLUMNS,
            [tuple(row[c] for c in PICKUP_COLUMNS) for row in self.new_pickups.values()],
            _NEW_PICKUPS)}
        real: dict[int, int] = {}
        for stand_in, row in self.new_pickups.items():
            if row["pickup_id"] not in got:  # taken since the prefetch: retry the push
                raise Conflict(f"pickup_id {row['pickup_id']} was stored meanwhile; retry",
                               "retry")
            real[stand_in] = got[row["pickup_id"]]
        for order in self.orders.values():
            if order["active_pickup"] in real:
                order["active_pickup"] = real[order["active_pickup"]]
        for undo in self.undos:
            undo["k_row"] = real.get(undo["k_row"], undo["k_row"])
        self.feed = [real.get(r, r) for r in self.feed]
        self.inserted_rows = set(real.values())

    def _write(self, rejects: list[tuple]) -> None:
        self._insert_pickups()
        if self.feed or self.dirty_orders:  # before any order row is locked (no deadlock
            self.db.lock_feed(self.conn)     # with HQ, which takes it first, then the rows)
        self.raw.many(_REJECT, rejects)
        self.raw.many(_UNDO, [(u["v_at"], u["v_now"], u["v_event"], u["v_reason"], u["k_row"])
                              for u in self.undos])
        self.raw.many(_ORDER_STATE, [
            (self.orders[oid]["active_pickup"], self.orders[oid]["needs_review"],
             self.orders[oid]["review_reason"], self.now, oid)
            for oid in sorted(self.dirty_orders)])
        if self.feed:
            last = list(dict.fromkeys(reversed(self.feed)))[::-1]  # keep each row's last place
            # a hand-over inserted by this push has no feed row yet: no DELETE to look for one
            self.raw.rows_in("DELETE FROM pickup_feed WHERE pickup_row",
                             [r for r in last if r not in self.inserted_rows])
            self.raw.insert("pickup_feed", ("pickup_row", "station_id"),
                            [(r, self.station_id) for r in last])

    # --- effects ------------------------------------------------------------------------------

    @staticmethod
    def _check(event: EventIn) -> BaseModel | Rejected:
        model = DATA_MODELS.get(event.type)
        if model is None:
            return Rejected("invalid_event", {"message": f"unknown event type {event.type}"})
        try:
            return model.model_validate(event.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"]))
            return Rejected("invalid_event", {"message": f"data.{where}: {first['msg']}"})

    def _apply(self, event: EventIn, data: BaseModel) -> None:
        try:  # the leader's day (issue 10): returns, corrections, closings...
            if leader_events.handle(self, event, data):
                return None
        except leader_events.Refused as r:
            raise Rejected(r.reason, r.detail) from None
        if event.type == "arrival_checked":
            return self._arrival(event, data)
        order = self.orders.get(event.order_id or "")
        if order is None:
            raise Rejected("unknown_order")
        if event.type == "pickup_confirmed":
            self._pickup(event, data, order)
        elif event.type == "pickup_undone":
            self._undo(event, data, order)
        elif data.sku not in self.items[event.order_id]:
            raise Rejected("invalid_event", {"message": f"sku {data.sku} not in the order"})
        return None

    def _arrival(self, event: EventIn, data: ArrivalData) -> None:
        b = m.batches.c
        row = self.conn.execute(select(b.arrived_at).where(
            b.batch_id == (event.batch_id or ""), b.station_id == self.station_id)).first()
        if row is None:
            raise Rejected("unknown_batch")
        if row.arrived_at is None:  # the first sign-off stands
            self.conn.execute(update(m.batches).where(b.batch_id == event.batch_id).values(
                arrived_at=iso(event.occurred_at), arrived_received_at=self.now,
                arrived_by=data.operator_id, updated_at=self.now))

    def _pickup(self, event: EventIn, data: PickupConfirmedData, order: dict) -> None:
        if order["status"] != "active":
            # The goods left the counter before the cancel reached it: HQ must look at it.
            before = iso(event.occurred_at) <= (order["cancelled_at"] or "")
            order["needs_review"] = 1
            order["review_reason"] = ("handed_over_before_cancel" if before
                                      else "handed_over_offline_after_cancel")
            self.dirty_orders.add(event.order_id)
            raise Rejected("order_cancelled", {"cancelled_at": order["cancelled_at"],
                                               "cancel_reason": order["cancel_reason"]})
        if order["active_pickup"] is not None:
            held = self.held[order["active_pickup"]]
            if held["pickup_id"] == data.pickup_id:
                return  # the same hand-over reported again under a new event id
            raise Rejected("already_picked_up", {"picked_up_at": held["picked_up_at"],
                                                 "receipt_no": held["receipt_no"],
                                                 "station_id": held["station_id"]})
        row = {"station_id": self.station_id, "pickup_id": data.pickup_id,
               "order_id": event.order_id, "batch_id": order["batch_id"],
               "receipt_no": data.receipt_no, "operator_id": data.operator_id,
               "proxy_name": data.proxy_name, "picked_up_at": iso(event.occurred_at),
               "received_at": self.now, "event_id": event.event_id,
               "lines": json.dumps([ln.model_dump() for ln in data.items]),
               "override": json.dumps(data.override) if data.override else None,
               "undone_at": None, "undone_received_at": None, "undo_event_id": None,
               "undo_reason": None}
        if data.pickup_id in self.used_pickup_ids:
            raise Rejected("invalid_event", {"message": f"pickup_id {data.pickup_id} was "
                                                        "already used for a hand-over"})
        self.used_pickup_ids.add(data.pickup_id)
        pickup_row = -1 - len(self.new_pickups)  # stand-in until the insert (_write)
        self.new_pickups[pickup_row] = row
        self.held[pickup_row] = {"pickup_id": data.pickup_id, "picked_up_at": row["picked_up_at"],
                                 "receipt_no": data.receipt_no, "station_id": self.station_id}
        order["active_pickup"] = pickup_row
        self.dirty_orders.add(event.order_id)
        self.feed.append(pickup_row)

    def _undo(self, event: EventIn, data: PickupUndoneData, order: dict) -> None:
        row = order["active_pickup"]
        if row is None:
            raise Rejected("not_picked_up")
        if data.pickup_id and data.pickup_id != self.held[row]["pickup_id"]:
            raise Rejected("not_picked_up", {"message": "another hand-over stands for this order"})
        self.undos.append({"k_row": row, "v_at": iso(event.occurred_at), "v_now": self.now,
                           "v_event": event.event_id, "v_reason": data.reason})
        order["active_pickup"] = None
        self.dirty_orders.add(event.order_id)
        self.feed.append(row)


def _id_conflict(event_id: str) -> Invalid:
    return Invalid(f"event {event_id} was already received with a different body; "
                   "nothing of this push was stored", "event_id_conflict")


def push(db: Database, conn: Connection, station_id: str, prepared: Prepared) -> list[dict]:
    """One push's results, in the order sent (`prepared` outside the transaction)."""
    return PushSession(db, conn, station_id, prepared).run()
