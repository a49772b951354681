"""HQ's reports of the whole chain (issue 11): one station's day, every station's day side by
side, commission per station per month.

Days and months are HQ's (UTC+8, `identifiers.HQ_TZ`); stored times are UTC ISO text, so a
day is a text range [start, end) over an indexed time column. Each figure is one grouped query
over that range, whatever the number of stations. Plain functions, no commit, typed rows.

- arrivals: batches signed off at the station in the day (`arrived_at`); `batches_due`: batches
  whose day at HQ is the day;
- pickups: hand-overs made in the day (`picked_up_at`), `undone` of them undone since;
  `picked_up_value_cents`: the ordered value of the orders whose hand-over of the day stands;
- shortages: units reported short or damaged (accepted `item_short` / `item_damaged` events)
  in the day; returns: orders sent back to HQ in the day;
- closing: the station's own day closing (`day_closed`) and its count discrepancies.
Commission: the month's batches (by their day at HQ), the value of their orders whose hand-over
stands (whenever it was made), at the batch's rate (basis points), rounded half up per batch;
value in batches without a rate is shown as `unrated_value_cents`. A partial hand-over counts
the whole order's value (the hand-over's lines are not priced here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso
from ..errors import not_found
from ..identifiers import HQ_TZ, name_masked
from .hq_lists import commission_of

SHORT_TYPES = ("item_short", "item_damaged")


@dataclass(slots=True)
class DayFigures:
    """One station's day at HQ (a row of the daily report)."""

    station_id: str
    station_name: str
    day: str
    last_seen_at: str | None = None
    batches_due: int = 0
    batches_arrived: int = 0
    pickups: int = 0
    undone: int = 0
    picked_up_value_cents: int = 0
    shortage_qty: int = 0
    returns: int = 0
    closed: bool = False
    closed_at: str | None = None
    closing_pickups: int | None = None  # what the station counted at its closing
    discrepancy_count: int = 0


@dataclass(slots=True)
class CommissionRow:
    station_id: str
    station_name: str
    month: str
    batches: int = 0
    orders_picked_up: int = 0
    picked_up_value_cents: int = 0
    commission_cents: int = 0
    unrated_value_cents: int = 0


@dataclass(slots=True)
class StationDay:
    figures: DayFigures
    arrivals: list[dict] = field(default_factory=list)
    pickups: list[dict] = field(default_factory=list)
    shortages: list[dict] = field(default_factory=list)
    returns: list[dict] = field(default_factory=list)
    closing: dict | None = None


def day_range(day: date) -> tuple[str, str]:
    start = datetime.combine(day, time(), HQ_TZ)
    return iso(start), iso(start + timedelta(days=1))


def _stations(conn: Connection, station_id: str | None) -> list:
    s = m.stations.c
    stmt = select(s.station_id, s.name, s.last_seen_at).order_by(s.station_id)
    if station_id is not None:
        stmt = stmt.where(s.station_id == station_id)
    return conn.execute(stmt).all()


def _grouped(conn: Connection, stmt, station_col, station_id: str | None, *,
             group: bool = True) -> dict:
    """station_id -> the rest of its row (grouped by station unless `group` is False)."""
    if station_id is not None:
        stmt = stmt.where(station_col == station_id)
    if group:
        stmt = stmt.group_by(station_col)
    return {r[0]: r[1:] for r in conn.execute(stmt)}


def day_figures(conn: Connection, day: date, station_id: str | None = None
                ) -> list[DayFigures]:
    """Every station's day (or one station's), ordered by station_id."""
    lo, hi = day_range(day)
    d = day.isoformat()
    b, p, o, e, r, c = (m.batches.c, m.pickups.c, m.orders.c, m.events.c, m.order_returns.c,
                        m.day_closings.c)
    due = _grouped(conn, select(b.station_id, func.count()).where(b.day == d),
                   b.station_id, station_id)
    arrived = _grouped(conn, select(b.station_id, func.count()).where(
        b.arrived_at >= lo, b.arrived_at < hi), b.station_id, station_id)
    standing = p.undone_at.is_(None)
    picked = _grouped(conn, select(
        p.station_id, func.count(), func.sum(case((standing, 0), else_=1)),
        func.sum(case((and_(standing, o.status == "active"), o.value_cents), else_=0)))
        .join(m.orders, o.order_id == p.order_id)
        .where(p.picked_up_at >= lo, p.picked_up_at < hi), p.station_id, station_id)
    short = _grouped(conn, select(e.station_id, func.sum(e.qty)).where(
        e.occurred_at >= lo, e.occurred_at < hi, e.type.in_(SHORT_TYPES),
        e.status == "accepted"), e.station_id, station_id)
    returns = _grouped(conn, select(r.station_id, func.count()).where(
        r.returned_at >= lo, r.returned_at < hi), r.station_id, station_id)
    closings = _grouped(conn, select(c.station_id, c.closed_at, c.totals, c.discrepancy_count)
                        .where(c.day == d), c.station_id, station_id, group=False)
    out = []
    for s in _stations(conn, station_id):
        f = DayFigures(s.station_id, s.name, d, s.last_seen_at)
        f.batches_due = due.get(s.station_id, (0,))[0]
        f.batches_arrived = arrived.get(s.station_id, (0,))[0]
        n, undone, value = picked.get(s.station_id, (0, 0, 0))
        f.pickups, f.undone, f.picked_up_value_cents = n, int(undone or 0), int(value or 0)
        f.shortage_qty = int(short.get(s.station_id, (0,))[0] or 0)
        f.returns = returns.get(s.station_id, (0,))[0]
        closing = closings.get(s.station_id)
        if closing is not None:
            f.closed, f.closed_at, f.discrepancy_count = True, closing[0], closing[2]
            f.closing_pickups = int(json.loads(closing[1]).get("pickups", 0))
        out.append(f)
    return out


def station_day(conn: Connection, station_id: str, day: date) -> StationDay:
    """That station's day: the figures, then what lies behind them, line by line."""
    figures = day_figures(conn, day, station_id)
    if not figures:
        raise not_found(f"station {station_id}")
    lo, hi = day_range(day)
    b, p, o, e, r, c = (m.batches.c, m.pickups.c, m.orders.c, m.events.c, m.order_returns.c,
                        m.day_closings.c)
    out = StationDay(figures[0])
    orders_in = select(func.count()).where(o.batch_id == b.batch_id, o.removed == 0)
    out.arrivals = [dict(x._mapping) for x in conn.execute(
        select(b.batch_id, b.day, b.expected_at, b.arrived_at, b.arrived_by,
               orders_in.scalar_subquery().label("order_count"))
        .where(b.station_id == station_id, b.arrived_at >= lo, b.arrived_at < hi)
        .order_by(b.arrived_at, b.batch_id))]
    out.pickups = [{**x._mapping, "proxy_name": name_masked(x.proxy_name)
                    if x.proxy_name else None} for x in conn.execute(
        select(p.pickup_id, p.order_id, p.batch_id, p.receipt_no, p.operator_id, p.proxy_name,
               p.picked_up_at, p.undone_at, o.value_cents)
        .join(m.orders, o.order_id == p.order_id)
        .where(p.station_id == station_id, p.picked_up_at >= lo, p.picked_up_at < hi)
        .order_by(p.picked_up_at, p.id))]
    out.shortages = [dict(x._mapping) for x in conn.execute(
        select(e.event_id, e.type, e.order_id, e.batch_id, e.sku, e.qty, e.occurred_at)
        .where(e.station_id == station_id, e.occurred_at >= lo, e.occurred_at < hi,
               e.type.in_(SHORT_TYPES), e.status == "accepted")
        .order_by(e.occurred_at, e.id))]
    out.returns = [{**x._mapping, "items": json.loads(x._mapping["items"])}
                   for x in conn.execute(
        select(r.order_id, r.batch_id, r.returned_at, r.operator_id, r.reason, r.shelf_slot,
               r["items"])
        .where(r.station_id == station_id, r.returned_at >= lo, r.returned_at < hi)
        .order_by(r.returned_at, r.order_id))]
    row = conn.execute(select(m.day_closings).where(
        c.station_id == station_id, c.day == day.isoformat())).first()
    if row is not None:
        out.closing = {"event_id": row.event_id, "operator_id": row.operator_id,
                       "closed_at": row.closed_at, "received_at": row.received_at,
                       "totals": json.loads(row.totals), "operators": json.loads(row.operators),
                       "counted": json.loads(row.counted),
                       "discrepancies": json.loads(row.discrepancies)}
    return out


def commission(conn: Connection, year: int, month: int) -> list[CommissionRow]:
    """Commission per station for the month's batches (by their day at HQ), every station
    (ordered by station_id). Read from the batches' day index and the orders' covering index
    (ix_orders_batch_figures): no pickup row is touched."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    o, b = m.orders.c, m.batches.c
    rows = {s.station_id: CommissionRow(s.station_id, s.name, f"{year:04d}-{month:02d}")
            for s in _stations(conn, None)}
    in_month = and_(b.day >= first.isoformat(), b.day < after.isoformat())
    for station_id, n in conn.execute(select(b.station_id, func.count()).where(in_month)
                                      .group_by(b.station_id)):
        if station_id in rows:
            rows[station_id].batches = n
    for station_id, rate, n, value in conn.execute(
            select(b.station_id, b.commission_rate, func.count(), func.sum(o.value_cents))
            .join(m.orders, o.batch_id == b.batch_id)
            .where(in_month, o.status == "active", o.removed == 0,
                   o.active_pickup.is_not(None))
            .group_by(b.station_id, b.batch_id, b.commission_rate)):
        row = rows.get(station_id)
        if row is None:
            continue
        value = int(value or 0)
        row.orders_picked_up += n
        row.picked_up_value_cents += value
        if rate is None:
            row.unrated_value_cents += value
        row.commission_cents += commission_of(value, rate)
    return list(rows.values())
