"""What HQ reads back: stations, batch reconciliation (对账), the pickups feed."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso
from ..identifiers import phone_masked
from ..rawsql import Raw
from . import leader_view
from .batches import batch_row

STATION_FIELDS = ("station_id", "name", "address", "leader_name", "created_at",
                  "token_issued_at", "last_seen_at", "app_version", "pending_events",
                  "clock_skew_seconds")


def list_stations(conn: Connection) -> list[dict]:
    """Every station (HQ polls it: thousands of rows, read as plain tuples, rawsql.py)."""
    return [dict(zip(STATION_FIELDS, r, strict=True)) for r in Raw(conn).rows(
        f"SELECT {', '.join(STATION_FIELDS)} FROM stations ORDER BY station_id")]


def batch_view(conn: Connection, batch_id: str) -> dict:
    """Per order: status, per item qty / received / short / damaged / handed, the pickup."""
    b = batch_row(conn, batch_id)
    o, i, e, p = m.orders.c, m.order_items.c, m.events.c, m.pickups.c
    orders = conn.execute(select(m.orders).where(o.batch_id == batch_id, o.removed == 0)
                          .order_by(o.position, o.order_id)).all()
    items = defaultdict(list)
    for it in conn.execute(select(m.order_items).where(i.order_id.in_(
            select(o.order_id).where(o.batch_id == batch_id))).order_by(i.order_id, i.line_no)):
        items[it.order_id].append(it)
    reported: dict[tuple[str, str, str], int] = {}
    for r in conn.execute(
        select(e.order_id, e.sku, e.type, func.sum(e.qty))
        .where(e.order_id.in_(select(o.order_id).where(o.batch_id == batch_id)),
               e.status == "accepted",
               e.type.in_(("item_short", "item_damaged")))
        .group_by(e.order_id, e.sku, e.type)
    ):
        reported[(r[0], r[1], r[2])] = int(r[3] or 0)
    pickups = {r.id: r for r in conn.execute(select(m.pickups).where(p.id.in_(
        select(o.active_pickup).where(o.batch_id == batch_id, o.active_pickup.is_not(None)))))}
    arrived = b.arrived_at is not None
    out_orders = []
    for r in orders:
        pk = pickups.get(r.active_pickup)
        handed = {}
        if pk is not None:
            for line in json.loads(pk.lines):
                handed[line["sku"]] = handed.get(line["sku"], 0) + int(line.get("qty_handed", 0))
        out_items, qty_total, handed_total = [], 0, 0
        for it in items[r.order_id]:
            short = reported.get((r.order_id, it.sku, "item_short"), 0)
            damaged = reported.get((r.order_id, it.sku, "item_damaged"), 0)
            if pk is None:
                got = 0
            elif handed:
                got = handed.get(it.sku, 0)
            else:  # a hand-over without lines gave the whole order
                got = it.qty
            qty_total += it.qty
            handed_total += got
            out_items.append({
                "sku": it.sku, "name": it.name, "qty": it.qty,
                "unit_price_cents": it.unit_price_cents, "category": it.category,
                "received": max(0, it.qty - short) if arrived else 0,
                "short": short, "damaged": damaged, "handed": got,
            })
        if r.status == "cancelled":
            status = "cancelled"
        elif pk is not None:
            status = "picked_up" if handed_total >= qty_total else "partially_picked_up"
        else:
            status = "arrived" if arrived else "pending"
        out_orders.append({
            "order_id": r.order_id, "customer_name": r.customer_name,
            "phone_masked": phone_masked(r.phone), "pickup_code": r.pickup_code,
            "shelf_slot": r.shelf_slot, "status": status, "order_status": r.status,
            "cancel_reason": r.cancel_reason, "cancelled_at": r.cancelled_at,
            "needs_review": bool(r.needs_review), "review_reason": r.review_reason,
            "pickup_id": pk.pickup_id if pk else None,
            "picked_up_at": pk.picked_up_at if pk else None,
            "picked_up_received_at": pk.received_at if pk else None,
            "receipt_no": pk.receipt_no if pk else None,
            "operator_id": pk.operator_id if pk else None,
            "proxy_name": pk.proxy_name if pk else None,
            "override": json.loads(pk.override) if pk and pk.override else None,
            "items": out_items,
        })
    leader = leader_view.annotate(conn, b, out_orders)  # issue 10: returns, corrections...
    counts = defaultdict(int)
    for od in out_orders:
        counts[od["status"]] += 1
    return {
        "batch_id": b.batch_id, "station_id": b.station_id, "expected_at": b.expected_at,
        "status": b.status, "dispatched_at": b.dispatched_at, "arrived": arrived,
        "arrived_at": b.arrived_at, "arrived_received_at": b.arrived_received_at,
        "arrived_by": b.arrived_by, "created_at": b.created_at, "updated_at": b.updated_at,
        "order_count": len(out_orders), "status_counts": dict(counts), "orders": out_orders,
        **leader,
    }


def pickups_feed(conn: Connection, station_id: str | None, after: int | None,
                 when: datetime | None, limit: int) -> dict:
    """Confirmed pickups, oldest first; an undone pickup comes again, marked `undone`.

    `after`: the `next_since` of the previous page; `when`: pickups received (or undone) at or
    after this time. `next_since` never goes backwards: a page with nothing new answers the
    cursor it was given, or, for a time, the feed's newest position (so the next poll does
    not start again from the beginning).
    """
    f, p = m.pickup_feed.c, m.pickups.c
    q = (select(f.seq, m.pickups).join(m.pickups, m.pickups.c.id == f.pickup_row)
         .order_by(f.seq).limit(limit + 1))
    after = after or 0
    if when is not None:
        q = q.where(func.coalesce(p.undone_received_at, p.received_at) >= iso(when))
    q = q.where(f.seq > after)
    if station_id:
        q = q.where(f.station_id == station_id)
    rows = conn.execute(q).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "pickups": [{
            "seq": r.seq, "station_id": r.station_id, "pickup_id": r.pickup_id,
            "order_id": r.order_id, "batch_id": r.batch_id, "receipt_no": r.receipt_no,
            "operator_id": r.operator_id, "proxy_name": r.proxy_name,
            "picked_up_at": r.picked_up_at, "received_at": r.received_at,
            "items": json.loads(r.lines),
            "override": json.loads(r.override) if r.override else None,
            "undone": r.undone_at is not None, "undone_at": r.undone_at,
            "undone_received_at": r.undone_received_at, "undo_reason": r.undo_reason,
        } for r in rows],
        "next_since": str(rows[-1].seq) if rows else str(_resume_at(conn, after, when)),
        "has_more": has_more,
    }


def _resume_at(conn: Connection, after: int, when: datetime | None) -> int:
    """Where an empty page leaves the reader: its cursor, or for a time the newest position
    (everything up to it was received before that time)."""
    if when is None:
        return after
    newest = conn.execute(select(func.max(m.pickup_feed.c.seq))).scalar_one_or_none() or 0
    return max(after, int(newest))
