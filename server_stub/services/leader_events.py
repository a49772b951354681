"""The effect of the leader's-day events (issue 10, docs/leader-events.md) on HQ's books.

`PushSession._apply` (services/events.py) hands each of these types to `HANDLERS`; the data
was checked already with the models of `pickup_station.sync.event_data`. A handler runs only
for a freshly inserted event (so a duplicate has no second effect), checks everything before
writing anything, raises `Refused` to refuse (the push answers `rejected` with its reason) and
writes in the push's transaction. No import of events.py (the services have no cycles): the
push session is seen through the `Push` protocol.
These events are few (a handful per batch and day): plain statements, one event at a time.

- `slots_assigned`: the slot each order of a batch was given at the station's sign-off.
- `arrival_checked`: the sign-off (first one stands); by product: the counts per product.
- `arrival_corrected`: a product's received count and its lines' short quantities
  (absolute: the correction that occurred last wins, whatever the order they arrive in).
- `order_returned`: the order reads `returned` at HQ; a later hand-over of it is refused.
- `reminder_requested`: a row HQ's notifier will read.
- `batch_closed` / `batch_reopened`: the batch's state at the station (latest report wins).
- `day_closed`: the station's day closing, one per station and local day.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso
from ..rawsql import Raw

if TYPE_CHECKING:
    from pickup_station.sync.event_data import (
        ArrivalCorrectedData,
        ArrivalData,
        DayClosedData,
        OrderReturnedData,
        ReminderRequestedData,
        SlotsAssignedData,
    )

    from ..schemas import EventIn


class Push(Protocol):  # what a handler uses of services/events.py's PushSession
    conn: Connection
    raw: Raw  # the push's statements on its own cursor (rawsql.py)
    station_id: str
    now: str
    orders: dict[str, dict]  # this push's orders (prefetched), with their in-push state
    items: dict[str, set[str]]  # order_id -> its skus

    def _arrival(self, event: EventIn, data: Any) -> None: ...


class Refused(Exception):
    """The event is `rejected` with `reason` (and `detail`); it has no effect."""

    def __init__(self, reason: str, detail: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def handle(session: Push, event: EventIn, data: Any) -> bool:
    """Applies an event of the leader's day (True), or lets events.py apply it (False; a
    hand-over of a returned order is refused first)."""
    if event.type == "pickup_confirmed":
        pickup_guard(session, event)
        return False
    handler = HANDLERS.get(event.type)
    if handler is None:
        return False
    handler(session, event, data)
    return True


def _batch(session: Push, event: EventIn):
    b = m.batches.c
    row = session.conn.execute(select(m.batches).where(
        b.batch_id == (event.batch_id or ""), b.station_id == session.station_id)).first()
    if row is None:
        raise Refused("unknown_batch")
    return row


def _order(session: Push, event: EventIn) -> dict:
    order = session.orders.get(event.order_id or "")
    if order is None:
        raise Refused("unknown_order")
    if event.batch_id and event.batch_id != order["batch_id"]:
        raise Refused("invalid_event", {
            "message": f"order {event.order_id} is in batch {order['batch_id']}"})
    return order


def _returned(session: Push) -> dict[str, str]:
    """order_id -> returned_at of this push's orders that went back to HQ (one query a push)."""
    cache = session.__dict__.get("_returned")
    if cache is None:
        cache = dict(session.raw.rows_in(  # on a push's hot path
            "SELECT order_id, returned_at FROM order_returns WHERE order_id",
            sorted(session.orders)))
        session.__dict__["_returned"] = cache
    return cache


def pickup_guard(session: Push, event: EventIn) -> None:
    """A returned order cannot be handed over: refused with `order_returned`."""
    if event.order_id in _returned(session):
        order_id = event.order_id
        raise Refused("order_returned", {
            "message": f"order {order_id} was returned to HQ; it cannot be handed over",
            "returned_at": _returned(session)[order_id]})


# --- handlers ------------------------------------------------------------------------------

def arrival_checked(session: Push, event: EventIn, data: ArrivalData) -> None:
    batch = _batch(session, event)
    session._arrival(event, data)
    if not data.by_product or batch.arrived_at is not None:
        return  # the first sign-off stands
    at, b = iso(event.occurred_at), m.batches.c
    session.conn.execute(update(m.batches).where(b.batch_id == batch.batch_id).values(
        by_product=1, receive_rule=data.rule, updated_at=session.now))
    r = m.batch_receipts.c
    known = set(session.conn.execute(select(r.sku).where(r.batch_id == batch.batch_id))
                .scalars())
    rows = [{"batch_id": batch.batch_id, "sku": p.sku, "name": p.name, "expected": p.expected,
             "received": p.received, "counted_at": at, "updated_at": session.now}
            for p in data.received or [] if p.sku not in known]
    if rows:
        session.conn.execute(m.batch_receipts.insert(), rows)


def slots_assigned(session: Push, event: EventIn, data: SlotsAssignedData) -> None:
    """`orders.station_slot` of the batch's orders (all listed orders must be in the batch)."""
    batch = _batch(session, event)
    o = m.orders.c
    ids = [ln.order_id for ln in data.lines]
    found: set[str] = set()
    for start in range(0, len(ids), 900):
        found.update(session.conn.execute(select(o.order_id).where(
            o.order_id.in_(ids[start:start + 900]), o.batch_id == batch.batch_id))
            .scalars())
    missing = [oid for oid in ids if oid not in found]
    if missing:
        raise Refused("invalid_event", {
            "message": f"{len(missing)} order(s) not in batch {batch.batch_id}",
            "order_ids": missing[:20]})
    session.conn.execute(
        update(m.orders).where(o.order_id == bindparam("oid"))
        .values(station_slot=bindparam("slot")),
        [{"oid": ln.order_id, "slot": ln.slot} for ln in data.lines])


def arrival_corrected(session: Push, event: EventIn, data: ArrivalCorrectedData) -> None:
    batch = _batch(session, event)
    o, i = m.orders.c, m.order_items.c
    ids = [ln.order_id for ln in data.lines]
    found = set()
    for start in range(0, len(ids), 900):
        found.update(session.conn.execute(
            select(i.order_id).join(m.orders, o.order_id == i.order_id).where(
                i.order_id.in_(ids[start:start + 900]), i.sku == data.sku,
                o.batch_id == batch.batch_id, o.removed == 0)).scalars())
    missing = [oid for oid in ids if oid not in found]
    if missing:
        raise Refused("invalid_event", {
            "message": f"no line of sku {data.sku} in batch {batch.batch_id} for order "
                       f"{missing[0]}"})
    at = iso(event.occurred_at)
    session.conn.execute(m.batch_corrections.insert().values(
        station_id=session.station_id, batch_id=batch.batch_id, event_id=event.event_id,
        sku=data.sku, expected=data.expected, received_before=data.received_before,
        received_after=data.received_after, surplus=data.surplus, note=data.note or None,
        operator_id=data.operator_id, occurred_at=at, received_at=session.now,
        lines=json.dumps([ln.model_dump() for ln in data.lines], ensure_ascii=False)))
    r = m.batch_receipts.c
    row = session.conn.execute(select(r.counted_at).where(
        r.batch_id == batch.batch_id, r.sku == data.sku)).first()
    if row is None:
        session.conn.execute(m.batch_receipts.insert().values(
            batch_id=batch.batch_id, sku=data.sku, name=_product_name(session, batch, data.sku),
            expected=data.expected, received=data.received_after, counted_at=at,
            updated_at=session.now))
    elif row.counted_at <= at:
        session.conn.execute(update(m.batch_receipts).where(
            r.batch_id == batch.batch_id, r.sku == data.sku).values(
            received=data.received_after, expected=data.expected, counted_at=at,
            updated_at=session.now))
    s = m.line_shorts.c
    for ln in data.lines:
        old = session.conn.execute(select(s.corrected_at).where(
            s.order_id == ln.order_id, s.sku == ln.sku)).first()
        values = {"qty_short": ln.qty_short_after, "corrected_at": at,
                  "event_id": event.event_id}
        if old is None:
            session.conn.execute(m.line_shorts.insert().values(
                order_id=ln.order_id, sku=ln.sku, **values))
        elif old.corrected_at <= at:
            session.conn.execute(update(m.line_shorts).where(
                s.order_id == ln.order_id, s.sku == ln.sku).values(**values))


def _product_name(session: Push, batch, sku: str) -> str:
    o, i = m.orders.c, m.order_items.c
    return session.conn.execute(select(i.name).join(m.orders, o.order_id == i.order_id).where(
        o.batch_id == batch.batch_id, i.sku == sku).limit(1)).scalar_one_or_none() or sku


def order_returned(session: Push, event: EventIn, data: OrderReturnedData) -> None:
    order = _order(session, event)
    if order["active_pickup"] is not None:
        raise Refused("already_picked_up", {
            "message": f"order {event.order_id} was handed over; it cannot be returned"})
    returned = _returned(session)
    if event.order_id in returned:
        raise Refused("already_returned", {"returned_at": returned[event.order_id]})
    skus = session.items[event.order_id]
    stray = [it.sku for it in data.items if it.sku not in skus]
    if stray:
        raise Refused("invalid_event", {"message": f"sku {stray[0]} not in the order"})
    at = iso(event.occurred_at)
    session.conn.execute(m.order_returns.insert().values(
        order_id=event.order_id, station_id=session.station_id, batch_id=order["batch_id"],
        event_id=event.event_id, returned_at=at, received_at=session.now,
        operator_id=data.operator_id, reason=data.reason, shelf_slot=data.shelf_slot or None,
        items=json.dumps([it.model_dump() for it in data.items], ensure_ascii=False)))
    returned[event.order_id] = at


def reminder_requested(session: Push, event: EventIn,
                       data: ReminderRequestedData) -> None:
    order = _order(session, event)
    session.conn.execute(m.reminder_requests.insert().values(
        station_id=session.station_id, order_id=event.order_id, batch_id=order["batch_id"],
        event_id=event.event_id, operator_id=data.operator_id,
        shelf_slot=data.shelf_slot or None, days_waiting=float(data.days_waiting),
        requested_at=iso(event.occurred_at), received_at=session.now))


def _station_state(state: str) -> Callable:
    def handler(session: Push, event: EventIn, data) -> None:
        batch = _batch(session, event)
        at = iso(event.occurred_at)
        if batch.station_state_at is not None and batch.station_state_at > at:
            return  # a later report stands (accepted, no effect)
        values = {"station_state": state, "station_state_at": at, "updated_at": session.now}
        if state == "closed":
            values.update(closed_at=at, closed_counts=json.dumps(data.model_dump()))
        else:
            values.update(closed_at=None, closed_counts=None)
        session.conn.execute(update(m.batches).where(
            m.batches.c.batch_id == batch.batch_id).values(**values))
    handler.__name__ = f"batch_{state}"
    return handler


def day_closed(session: Push, event: EventIn, data: DayClosedData) -> None:
    d = m.day_closings.c
    first = session.conn.execute(select(d.event_id).where(
        d.station_id == session.station_id, d.day == data.day)).first()
    if first is not None:
        raise Refused("day_already_closed", {
            "message": f"{data.day} was closed already by event {first.event_id}",
            "day": data.day})
    session.conn.execute(m.day_closings.insert().values(
        station_id=session.station_id, day=data.day, event_id=event.event_id,
        operator_id=data.operator_id, closed_at=iso(event.occurred_at), received_at=session.now,
        totals=json.dumps(data.totals.model_dump()),
        operators=json.dumps([o.model_dump() for o in data.operators]),
        counted=json.dumps([c.model_dump() for c in data.counted]),
        discrepancies=json.dumps([x.model_dump() for x in data.discrepancies]),
        discrepancy_count=len(data.discrepancies)))


HANDLERS: dict[str, Callable] = {
    "slots_assigned": slots_assigned,
    "arrival_checked": arrival_checked,
    "arrival_corrected": arrival_corrected,
    "order_returned": order_returned,
    "reminder_requested": reminder_requested,
    "batch_closed": _station_state("closed"),  # data: BatchClosedData
    "batch_reopened": _station_state("open"),
    "day_closed": day_closed,
}
