"""What a station pulls: its change feed, turned into wire data with a few bulk queries.

A station gets the masked phone and its last 4 digits, never the number, and a customer key
that only the server can compute (HMAC with its secret).
One page = one query for the change rows + one per kind for the current rows (batches with
their order counts, orders, items, the hand-overs that stand, HQ's resolved review items),
whatever the page size: no N+1.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..identifiers import customer_key, phone_digits, phone_masked
from . import chunked, pickup_echo, review


def pull(conn: Connection, station_id: str, after: int, limit: int, secret: str) -> dict:
    c = m.changes.c
    rows = conn.execute(
        select(c.seq, c.kind, c.op, c.entity_id, c.batch_id)
        .where(c.station_id == station_id, c.seq > after)
        .order_by(c.seq).limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    batch_ids = [r.entity_id for r in rows if r.kind == "batch"]
    order_ids = [r.entity_id for r in rows if r.kind == "order" and r.op == "upsert"]
    batches = _batches(conn, batch_ids)
    orders = _orders(conn, order_ids, secret)
    reviews = review.station_view(conn, station_id,
                                  [r.entity_id for r in rows if r.kind == review.STATION_VIEW])
    changes = []
    for r in rows:
        if r.kind == "batch":
            data = batches.get(r.entity_id)
        elif r.kind == review.STATION_VIEW:
            data = reviews.get(r.entity_id)
        elif r.op == "delete":
            data = {"order_id": r.entity_id, "batch_id": r.batch_id}
        else:
            data = orders.get(r.entity_id)
        if data is None:  # cannot happen inside one snapshot; never send half a change
            continue
        changes.append({"seq": r.seq, "kind": r.kind, "op": r.op, "data": data})
    cursor = str(rows[-1].seq) if rows else str(after)
    return {"changes": changes, "cursor": cursor, "has_more": has_more}


def _batches(conn: Connection, ids: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    b, o = m.batches.c, m.orders.c
    for part in chunked(ids):
        counts = dict(conn.execute(
            select(o.batch_id, func.count()).where(o.batch_id.in_(part), o.removed == 0)
            .group_by(o.batch_id)).all())
        for r in conn.execute(select(m.batches).where(b.batch_id.in_(part))):
            out[r.batch_id] = {
                "batch_id": r.batch_id, "station_id": r.station_id, "expected_at": r.expected_at,
                "status": r.status, "dispatched_at": r.dispatched_at,
                "order_count": counts.get(r.batch_id, 0),
            }
    return out


def _orders(conn: Connection, ids: list[str], secret: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    o, i = m.orders.c, m.order_items.c
    for part in chunked(ids):
        items: dict[str, list] = defaultdict(list)
        for oid, sku, name, qty, price, category in conn.execute(
            select(i.order_id, i.sku, i.name, i.qty, i.unit_price_cents, i.category)
            .where(i.order_id.in_(part)).order_by(i.order_id, i.line_no)
        ).all():
            items[oid].append({"sku": sku, "name": name, "qty": qty,
                               "unit_price_cents": price, "category": category})
        rows = conn.execute(
            select(o.order_id, o.batch_id, o.customer_name, o.phone, o.token_sha256,
                   o.pickup_code, o.status, o.cancel_reason, o.shelf_slot, o.active_pickup)
            .where(o.order_id.in_(part))).all()
        # the hand-over that stands, for the station's other counters (services/pickup_echo.py)
        held = pickup_echo.standing(conn, [r[-1] for r in rows if r[-1] is not None])
        for (oid, batch_id, customer_name, phone, sha, code, status, cancel_reason,
             shelf_slot, active_pickup) in rows:
            digits = phone_digits(phone)
            out[oid] = {
                "order_id": oid, "batch_id": batch_id, "customer_name": customer_name,
                "phone_masked": phone_masked(digits), "phone_last4": digits[-4:],
                "customer_key": customer_key(digits, secret), "token_sha256": sha,
                "pickup_code": code, "status": status, "cancel_reason": cancel_reason,
                "shelf_slot": shelf_slot, "items": items.get(oid, []),
                "pickup": held.get(active_pickup),
            }
    return out
