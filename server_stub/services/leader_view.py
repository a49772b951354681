"""HQ's reconciliation (`GET /api/v1/batches/{id}`) with what the leader's day reported.

`annotate` runs inside `reports.batch_view` on the orders it built and adds, without taking any
field away:
- per order line: `ordered`, `returned`; `short` / `received` follow the corrections (the
  corrected absolute short quantity, plus shortages reported after it);
- per order: `returned` (status `returned`, time, reason, operator), reminders asked;
- per batch: the counts by product, the corrections, closed at the station or not.
A few bulk queries per batch, whatever its size.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import models as m


def annotate(conn: Connection, batch, orders: list[dict]) -> dict:
    """Completes `orders` (the view's order dicts) in place; answers the batch-level fields."""
    batch_id = batch.batch_id
    o = m.orders.c
    in_batch = select(o.order_id).where(o.batch_id == batch_id)
    shorts = _corrected_shorts(conn, in_batch)
    r = m.order_returns.c
    returns = {row.order_id: row for row in conn.execute(
        select(m.order_returns).where(r.batch_id == batch_id))}
    q = m.reminder_requests.c
    reminders: dict[str, list[str]] = defaultdict(list)
    for oid, at in conn.execute(select(q.order_id, q.requested_at).where(
            q.order_id.in_(in_batch)).order_by(q.id)):
        reminders[oid].append(at)
    arrived = batch.arrived_at is not None
    for order in orders:
        ret = returns.get(order["order_id"])
        back: dict[str, int] = defaultdict(int)
        if ret is not None:
            for it in json.loads(ret.items):
                back[it["sku"]] += int(it["qty"])
        for item in order["items"]:
            item["ordered"] = item["qty"]
            corrected = shorts.get((order["order_id"], item["sku"]))
            if corrected is not None:
                item["short"] = min(corrected, item["qty"])
                item["received"] = max(0, item["qty"] - item["short"]) if arrived else 0
            item["returned"] = back.pop(item["sku"], 0)  # one line per sku gets it
        order["returned"] = ret is not None
        order["returned_at"] = ret.returned_at if ret else None
        order["return_reason"] = ret.reason if ret else None
        order["returned_by"] = ret.operator_id if ret else None
        if ret is not None and order["pickup_id"] is None:
            order["status"] = "returned"
        order["reminders"] = len(reminders.get(order["order_id"], ()))
        asked = reminders.get(order["order_id"])
        order["last_reminder_at"] = asked[-1] if asked else None
    return _batch_fields(conn, batch)


def _corrected_shorts(conn: Connection, in_batch) -> dict[tuple[str, str], int]:
    """(order, sku) -> short quantity of the lines a correction set: its absolute value plus
    the shortages reported (item_short) after it."""
    s, e = m.line_shorts.c, m.events.c
    base = {(row.order_id, row.sku): (row.qty_short, row.corrected_at) for row in
            conn.execute(select(s.order_id, s.sku, s.qty_short, s.corrected_at).where(
                s.order_id.in_(in_batch)))}
    if not base:
        return {}
    out = {key: qty for key, (qty, _at) in base.items()}
    orders = sorted({oid for oid, _sku in base})
    for oid, sku, qty, at in conn.execute(
            select(e.order_id, e.sku, e.qty, e.occurred_at).where(
                e.order_id.in_(orders), e.type == "item_short", e.status == "accepted")):
        hit = base.get((oid, sku))
        if hit is not None and at > hit[1]:
            out[(oid, sku)] += int(qty or 0)
    return out


def _batch_fields(conn: Connection, batch) -> dict:
    r, c = m.batch_receipts.c, m.batch_corrections.c
    products = [{
        "sku": row.sku, "name": row.name, "expected": row.expected, "received": row.received,
        "short": max(row.expected - row.received, 0),
        "surplus": max(row.received - row.expected, 0), "counted_at": row.counted_at,
    } for row in conn.execute(select(m.batch_receipts).where(r.batch_id == batch.batch_id)
                              .order_by(r.sku))]
    corrections = [{
        "event_id": row.event_id, "sku": row.sku, "expected": row.expected,
        "received_before": row.received_before, "received_after": row.received_after,
        "surplus": row.surplus, "note": row.note, "operator_id": row.operator_id,
        "occurred_at": row.occurred_at, "received_at": row.received_at,
        "lines": json.loads(row.lines),
    } for row in conn.execute(select(m.batch_corrections).where(
        c.batch_id == batch.batch_id).order_by(c.occurred_at, c.id))]
    return {
        "by_product": bool(batch.by_product), "receive_rule": batch.receive_rule,
        "received_by_product": products, "corrections": corrections,
        "closed": batch.station_state == "closed", "station_state": batch.station_state,
        "closed_at": batch.closed_at,
        "closed_counts": json.loads(batch.closed_counts) if batch.closed_counts else None,
    }


def reminders(conn: Connection, station_id: str | None, after: int, limit: int) -> dict:
    """Reminder requests, oldest first, for HQ's notifier: `next_after` is the last row's id."""
    q = m.reminder_requests.c
    stmt = select(m.reminder_requests).where(q.id > after).order_by(q.id).limit(limit + 1)
    if station_id:
        stmt = stmt.where(q.station_id == station_id)
    rows = conn.execute(stmt).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "reminders": [{
            "id": r.id, "station_id": r.station_id, "order_id": r.order_id,
            "batch_id": r.batch_id, "event_id": r.event_id, "operator_id": r.operator_id,
            "shelf_slot": r.shelf_slot, "days_waiting": r.days_waiting,
            "requested_at": r.requested_at, "received_at": r.received_at,
            "notified_at": r.notified_at,
        } for r in rows],
        "next_after": str(rows[-1].id) if rows else str(after),
        "has_more": has_more,
    }


def day_closings(conn: Connection, station_id: str, limit: int) -> dict:
    """A station's day closings (日结), the latest day first."""
    d = m.day_closings.c
    rows = conn.execute(select(m.day_closings).where(d.station_id == station_id)
                        .order_by(d.day.desc()).limit(limit)).all()
    return {"day_closings": [{
        "station_id": r.station_id, "day": r.day, "event_id": r.event_id,
        "operator_id": r.operator_id, "closed_at": r.closed_at, "received_at": r.received_at,
        "totals": json.loads(r.totals), "operators": json.loads(r.operators),
        "counted": json.loads(r.counted), "discrepancies": json.loads(r.discrepancies),
    } for r in rows]}
