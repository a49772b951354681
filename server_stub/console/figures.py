"""What the console's pages read: stations with online/offline, today's figures per station,
the list of batches. Data functions (no commit); a few grouped queries per page, whatever the
number of stations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, parse_iso
from ..services import reports

ONLINE_WITHIN_MINUTES = 5  # ten sync rounds of a station (it syncs every 30 s)


@dataclass(frozen=True)
class StationRow:
    station_id: str
    name: str
    last_seen_at: str | None
    app_version: str | None
    pending_events: int | None
    clock_skew_seconds: float | None
    online: bool


def stations(conn: Connection, now: datetime) -> list[StationRow]:
    """Every station; online when its last heartbeat is under ONLINE_WITHIN_MINUTES old."""
    fresh = now - timedelta(minutes=ONLINE_WITHIN_MINUTES)
    out = []
    for s in reports.list_stations(conn):
        seen = parse_iso(s["last_seen_at"])
        out.append(StationRow(
            station_id=s["station_id"], name=s["name"], last_seen_at=s["last_seen_at"],
            app_version=s["app_version"], pending_events=s["pending_events"],
            clock_skew_seconds=s["clock_skew_seconds"],
            online=seen is not None and seen >= fresh))
    return out


def station_choices(conn: Connection) -> list[tuple[str, str]]:
    s = m.stations.c
    return [(r.station_id, r.name) for r in
            conn.execute(select(s.station_id, s.name).order_by(s.station_id))]


DAY_FIGURES = ("pickups", "undone", "arrived", "waiting", "short", "rejected", "review")


@dataclass
class StationDay:
    station_id: str
    name: str
    figures: dict[str, int] = field(default_factory=dict)
    day_closed: bool = False


def today(conn: Connection, start: datetime, end: datetime, day: str) -> list[StationDay]:
    """Per station, for the HQ-local day [start, end): hand-overs (still standing) and undos,
    batches signed off, shortages reported (items), events refused; and now: orders waiting at
    the counter, open items of the needs-review queue. `day` (YYYY-MM-DD) finds the day closing."""
    lo, hi = iso(start), iso(end)
    rows = {sid: StationDay(sid, name) for sid, name in station_choices(conn)}
    p, b, e, o, r = m.pickups.c, m.batches.c, m.events.c, m.orders.c, m.review_items.c
    counts = [
        ("pickups", select(p.station_id, func.count()).where(
            p.picked_up_at >= lo, p.picked_up_at < hi, p.undone_at.is_(None))
         .group_by(p.station_id)),
        ("undone", select(p.station_id, func.count()).where(
            p.undone_at >= lo, p.undone_at < hi).group_by(p.station_id)),
        ("arrived", select(b.station_id, func.count()).where(
            b.arrived_at >= lo, b.arrived_at < hi).group_by(b.station_id)),
        ("short", select(e.station_id, func.coalesce(func.sum(e.qty), 0)).where(
            e.type == "item_short", e.status == "accepted", e.occurred_at >= lo,
            e.occurred_at < hi).group_by(e.station_id)),
        ("rejected", select(e.station_id, func.count()).where(
            e.status == "rejected", e.received_at >= lo, e.received_at < hi)
         .group_by(e.station_id)),
        ("waiting", select(o.station_id, func.count()).join(
            m.batches, b.batch_id == o.batch_id).where(
            b.arrived_at.is_not(None), o.status == "active", o.removed == 0,
            o.active_pickup.is_(None), o.order_id.not_in(select(m.order_returns.c.order_id)))
         .group_by(o.station_id)),
        ("review", select(r.station_id, func.count()).where(r.state == "open")
         .group_by(r.station_id)),
    ]
    for name, stmt in counts:
        for sid, n in conn.execute(stmt):
            if sid in rows:
                rows[sid].figures[name] = int(n or 0)
    d = m.day_closings.c
    for (sid,) in conn.execute(select(d.station_id).where(d.day == day)):
        if sid in rows:
            rows[sid].day_closed = True
    for row in rows.values():
        for name in DAY_FIGURES:
            row.figures.setdefault(name, 0)
    return list(rows.values())


def totals(days: list[StationDay]) -> dict[str, int]:
    return {name: sum(d.figures[name] for d in days) for name in DAY_FIGURES}


@dataclass(frozen=True)
class BatchLine:
    batch_id: str
    station_id: str
    expected_at: str | None
    status: str
    arrived_at: str | None
    closed: bool
    orders: int
    picked_up: int
    cancelled: int
    review: int


def batches(conn: Connection, station_id: str | None, limit: int,
            offset: int) -> list[BatchLine]:
    """Batches, newest first, with their orders and open review items counted (one grouped
    query)."""
    b, o, r = m.batches.c, m.orders.c, m.review_items.c
    live = and_(o.removed == 0)
    open_review = (select(func.count()).where(r.batch_id == b.batch_id, r.state == "open")
                   .scalar_subquery())
    stmt = (select(
        b.batch_id, b.station_id, b.expected_at, b.status, b.arrived_at, b.station_state,
        func.count(o.order_id).label("orders"),
        func.count(case((o.active_pickup.is_not(None), 1))).label("picked_up"),
        func.count(case((o.status == "cancelled", 1))).label("cancelled"),
        open_review.label("review"))
        .select_from(m.batches).outerjoin(m.orders, and_(o.batch_id == b.batch_id, live))
        .group_by(b.batch_id, b.station_id, b.expected_at, b.status, b.arrived_at,
                  b.station_state, b.created_at)
        .order_by(b.created_at.desc(), b.batch_id).limit(limit).offset(offset))
    if station_id:
        stmt = stmt.where(b.station_id == station_id)
    return [BatchLine(batch_id=r.batch_id, station_id=r.station_id, expected_at=r.expected_at,
                      status=r.status, arrived_at=r.arrived_at,
                      closed=r.station_state == "closed", orders=r.orders,
                      picked_up=r.picked_up, cancelled=r.cancelled, review=r.review)
            for r in conn.execute(stmt)]


def open_review_orders(conn: Connection, batch_id: str) -> set[str]:
    """The batch's orders with an open item in the needs-review queue."""
    r = m.review_items.c
    return {oid for (oid,) in conn.execute(select(r.order_id).where(
        r.batch_id == batch_id, r.state == "open", r.order_id.is_not(None)))}
