"""A hand-over made at one counter reaches the station's other counters (issue 11).

Several counters (PCs) of one pickup point share the station's token and its change feed. A
push that hands an order over (or undoes a hand-over) re-emits the order in that feed, and
every pulled order carries the hand-over that stands for it (`"pickup": {...}` or `null`): a
counter that has synced refuses the same code as already picked up, with the time, the receipt
number and the counter that handed over. The counter that made the hand-over recognises its
own `pickup_id` and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..rawsql import Raw
from . import chunked


def emit_order_changes(raw: Raw, station_id: str, order_ids: set[str]) -> None:
    """Move these orders to the end of the station's change feed (two statements per 900
    orders). The op follows the order as it is now (an order HQ dropped meanwhile stays a
    `delete`). Call with the feed lock held (the push takes it for its order updates)."""
    ids = sorted(order_ids)
    raw.rows_in(_DROP, ids, (station_id,))
    raw.rows_in(_ADD, ids, (station_id,), " ORDER BY order_id")


_DROP = "DELETE FROM changes WHERE station_id = ? AND kind = 'order' AND entity_id"
_ADD = ("INSERT INTO changes (station_id, kind, op, entity_id, batch_id)"
        " SELECT station_id, 'order', CASE WHEN removed = 1 THEN 'delete' ELSE 'upsert' END,"
        " order_id, batch_id FROM orders WHERE station_id = ? AND order_id")


def pickup_rows(conn: Connection, where) -> list[dict[str, Any]]:
    """Hand-overs as HQ holds them, with the counter that reported each (from its event)."""
    p, e = m.pickups.c, m.events.c
    rows = conn.execute(
        select(p.id, p.station_id, p.pickup_id, p.order_id, p.picked_up_at, p.received_at,
               p.receipt_no, p.operator_id, p.lines, p.event_id, p.undone_at, e.payload)
        .select_from(m.pickups.outerjoin(m.events, and_(
            e.station_id == p.station_id, e.event_id == p.event_id)))
        .where(where)).all()
    return [{"row": r.id, "station_id": r.station_id, "pickup_id": r.pickup_id,
             "order_id": r.order_id, "picked_up_at": r.picked_up_at,
             "received_at": r.received_at, "receipt_no": r.receipt_no,
             "operator_id": r.operator_id, "counter_id": _counter_of(r.payload),
             "event_id": r.event_id, "undone_at": r.undone_at, "partial": _partial(r.lines)}
            for r in rows]


def standing(conn: Connection, row_ids: list[int]) -> dict[int, dict]:
    """pickups.id -> the `pickup` of a pulled order (docs/protocol.md)."""
    out: dict[int, dict] = {}
    for part in chunked(sorted(set(row_ids))):
        for r in pickup_rows(conn, m.pickups.c.id.in_(part)):
            out[r["row"]] = {k: r[k] for k in ("pickup_id", "picked_up_at", "receipt_no",
                                               "operator_id", "counter_id", "partial")}
    return out


def _counter_of(payload: str | None) -> str | None:
    try:
        value = json.loads(payload or "{}").get("data", {}).get("counter_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _partial(lines: str | None) -> bool:
    try:
        return any(int(ln.get("qty_handed", 0)) < int(ln.get("qty_ordered", 0))
                   for ln in json.loads(lines or "[]"))
    except (ValueError, TypeError, AttributeError):
        return False
