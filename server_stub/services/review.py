"""HQ's needs-review queue (issue 11): what a person at HQ must look at, and their note.

Kinds (docs/protocol.md "Needs review"):
- `double_redemption`: a second `pickup_confirmed` of an order whose hand-over stands (another
  counter of the station, or another station): the second is still `rejected`
  (`already_picked_up`); the item names both hand-overs (counter, operator, times, receipts).
- `pickup_after_cancel`: a hand-over of a cancelled order (`rejected` / `order_cancelled`).
- `shelf_discrepancy`: a `day_closed` whose shelf count differs from what was expected.
- `order_returned`: goods sent back to HQ (an accepted `order_returned`).

Items are made by `after_push`, in the push's transaction, from the freshly stored events only
(a duplicate makes none; one item per causing event: UNIQUE (station_id, event_id)), with one
multi-row INSERT. `resolve` closes an item with a note and puts it in the station's change feed
(kind `review`), so the station's counters show the note after their next pull.
`list_items` / `get_item` answer typed rows (`ReviewRow`) for the API and HQ's console.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, now_iso
from ..errors import Conflict, not_found
from . import chunked, pickup_echo

STATION_VIEW = "review"  # the change kind a station pulls
API_RESOLVER = "api"  # `resolved_by` of an item resolved with the admin token


@dataclass(frozen=True)
class ReviewRow:
    """One item of the queue, as HQ reads it."""

    id: int
    station_id: str
    kind: str
    state: str  # open / resolved
    order_id: str | None
    batch_id: str | None
    event_id: str
    occurred_at: str
    created_at: str
    note: str | None
    resolved_at: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    resolved_by: str | None = None  # the HQ console user, or API_RESOLVER

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- made by a push ----------------------------------------------------------------------------

def after_push(session: Any, fresh: list[tuple], outcome: dict[str, dict]) -> None:
    """The push's review items and its orders' re-emission for the other counters.
    `session` is services/events.py's PushSession after its writes (real pickup row ids);
    `fresh` its (event, checked data, row) triples; `outcome` the result per event id."""
    if session.dirty_orders:
        pickup_echo.emit_order_changes(session.raw, session.station_id, session.dirty_orders)
    made = [event for event, _, _ in fresh
            if outcome.get(event.event_id, {}).get("status") in ("accepted", "rejected")]
    if not made:
        return
    rows = _items(session, made, {e.event_id: c for e, c, _ in fresh}, outcome)
    if rows:
        session.conn.execute(_insert_once(session.db.dialect), rows)


def _insert_once(dialect: str):
    """INSERT ... ON CONFLICT (station_id, event_id) DO NOTHING: one item per causing event."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    return dialect_insert(m.review_items).on_conflict_do_nothing(
        index_elements=["station_id", "event_id"])


def _items(session: Any, events: list, checked: dict, outcome: dict) -> list[dict]:
    doubles = [e for e in events if e.type == "pickup_confirmed"
               and outcome[e.event_id].get("reason") == "already_picked_up"]
    firsts = _first_pickups(session.conn, doubles, outcome)
    rows = []
    for event in events:
        result, data = outcome[event.event_id], checked[event.event_id]
        kind_body = None
        reason = result.get("reason") if result["status"] == "rejected" else None
        if event.type == "pickup_confirmed" and reason in ("already_picked_up",
                                                           "order_cancelled"):
            second = _reported(session, event, data)  # valid data: it got that far
            if reason == "already_picked_up":
                first = firsts.get(event.event_id)
                kind_body = ("double_redemption", {
                    "pickups": [first or dict(result.get("detail") or {}, status="accepted"),
                                second]})
            else:
                order = session.orders.get(event.order_id, {})
                kind_body = ("pickup_after_cancel", {
                    "cancelled_at": order.get("cancelled_at"),
                    "cancel_reason": order.get("cancel_reason"),
                    "review_reason": order.get("review_reason"), "pickup": second})
        elif event.type == "day_closed" and result["status"] == "accepted" \
                and data.discrepancies:
            kind_body = ("shelf_discrepancy", {
                "day": data.day, "operator_id": data.operator_id,
                "discrepancies": [d.model_dump() for d in data.discrepancies]})
        elif event.type == "order_returned" and result["status"] == "accepted":
            kind_body = ("order_returned", {
                "operator_id": data.operator_id, "reason": data.reason,
                "shelf_slot": data.shelf_slot or None,
                "items": [it.model_dump() for it in data.items]})
        if kind_body is not None:
            rows.append(_row(session, event, *kind_body))
    return rows


def _row(session: Any, event: Any, kind: str, body: dict) -> dict:
    order = session.orders.get(event.order_id or "") or {}
    return {"station_id": session.station_id, "kind": kind, "order_id": event.order_id,
            "batch_id": event.batch_id or order.get("batch_id"), "event_id": event.event_id,
            "occurred_at": iso(event.occurred_at), "created_at": session.now,
            "body": json.dumps(body, ensure_ascii=False), "state": "open"}


def _reported(session: Any, event: Any, data: Any) -> dict:
    """The refused hand-over as the station reported it."""
    return {"station_id": session.station_id, "event_id": event.event_id,
            "pickup_id": data.pickup_id, "receipt_no": data.receipt_no,
            "operator_id": data.operator_id, "counter_id": data.counter_id,
            "picked_up_at": iso(event.occurred_at), "received_at": session.now,
            "status": "rejected"}


def _first_pickups(conn: Connection, doubles: list, outcome: dict) -> dict[str, dict]:
    """event_id of a refused second hand-over -> the hand-over that stood (one query)."""
    if not doubles:
        return {}
    held: dict[str, list[dict]] = {}
    for part in chunked(sorted({e.order_id for e in doubles})):
        for row in pickup_echo.pickup_rows(conn, m.pickups.c.order_id.in_(part)):
            held.setdefault(row["order_id"], []).append(row)
    out = {}
    for event in doubles:
        said = outcome[event.event_id].get("detail") or {}
        rows = held.get(event.order_id, [])
        match = [r for r in rows if r["receipt_no"] == said.get("receipt_no")
                 and r["picked_up_at"] == said.get("picked_up_at")] or rows
        if match:
            first = match[0]
            out[event.event_id] = {k: first[k] for k in (
                "station_id", "event_id", "pickup_id", "receipt_no", "operator_id",
                "counter_id", "picked_up_at", "received_at")} | {"status": "accepted"}
    return out


# --- HQ reads and resolves -----------------------------------------------------------------

def _to_row(r) -> ReviewRow:
    try:
        detail = json.loads(r.body)
    except ValueError:
        detail = {}
    return ReviewRow(r.id, r.station_id, r.kind, r.state, r.order_id, r.batch_id, r.event_id,
                     r.occurred_at, r.created_at, r.note, r.resolved_at,
                     detail if isinstance(detail, dict) else {}, r.resolved_by)


def list_items(conn: Connection, *, state: str | None = None, kind: str | None = None,
               station_id: str | None = None, limit: int = 100, offset: int = 0,
               newest_first: bool = False) -> tuple[list[ReviewRow], bool]:
    """Items oldest first (open ones are worked through in the order they came; HQ's console
    lists resolved ones newest first), filtered; and whether more follow after
    `offset + limit`."""
    r = m.review_items.c
    q = select(m.review_items)
    if state:
        q = q.where(r.state == state)
    if kind:
        q = q.where(r.kind == kind)
    if station_id:
        q = q.where(r.station_id == station_id)
    order = r.id.desc() if newest_first else r.id
    rows = conn.execute(q.order_by(order).offset(offset).limit(limit + 1)).all()
    return [_to_row(x) for x in rows[:limit]], len(rows) > limit


def count_open(conn: Connection, station_id: str | None = None) -> int:
    r = m.review_items.c
    q = select(func.count()).select_from(m.review_items).where(r.state == "open")
    if station_id:
        q = q.where(r.station_id == station_id)
    return int(conn.execute(q).scalar_one())


def get_item(conn: Connection, review_id: int) -> ReviewRow:
    row = conn.execute(select(m.review_items).where(m.review_items.c.id == review_id)).first()
    if row is None:
        raise not_found(f"review item {review_id}")
    return _to_row(row)


def resolve(conn: Connection, review_id: int, note: str,
            resolved_by: str = API_RESOLVER) -> ReviewRow:
    """Close an open item with HQ's note and who closed it (a console user; `api` for the
    admin token); its station pulls the note (change kind `review`; not who closed it).
    A resolved item is not resolved again: 409 `already_resolved`."""
    item = get_item(conn, review_id)
    r = m.review_items.c
    done = conn.execute(update(m.review_items).where(r.id == review_id, r.state == "open")
                        .values(state="resolved", note=note, resolved_at=now_iso(),
                                resolved_by=resolved_by))
    if done.rowcount != 1:
        raise Conflict(f"review item {review_id} was resolved already", "already_resolved")
    c = m.changes.c
    conn.execute(delete(m.changes).where(and_(
        c.station_id == item.station_id, c.kind == STATION_VIEW,
        c.entity_id == str(review_id))))
    conn.execute(insert(m.changes).values(station_id=item.station_id, kind=STATION_VIEW,
                                          op="upsert", entity_id=str(review_id), batch_id=""))
    return get_item(conn, review_id)


# --- what the station pulls ----------------------------------------------------------------

def station_view(conn: Connection, station_id: str, ids: list[str]) -> dict[str, dict]:
    """entity_id -> `data` of a `review` change (docs/protocol.md): the item with HQ's note and
    its details, nothing personal (operators and counters by id)."""
    r = m.review_items.c
    wanted = [int(i) for i in ids if i.isascii() and i.isdigit()]
    out: dict[str, dict] = {}
    for part in chunked(wanted):
        for row in conn.execute(select(m.review_items).where(
                r.id.in_(part), r.station_id == station_id)):
            item = _to_row(row)
            events = [p.get("event_id") for p in item.detail.get("pickups", [])]
            out[str(item.id)] = {
                "review_id": item.id, "kind": item.kind, "state": item.state,
                "event_id": item.event_id,
                "event_ids": [e for e in events if e] or [item.event_id],
                "order_id": item.order_id, "batch_id": item.batch_id,
                "occurred_at": item.occurred_at, "note": item.note,
                "resolved_at": item.resolved_at, "detail": item.detail}
    return out
