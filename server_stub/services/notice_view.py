"""HQ's side of the notices (issue 11): the list with delivery states, counts per day, retry.

Personal data stays masked here: the list shows `phone_masked` (`138****1234`) and a masked
name, read from the order; the notice rows themselves hold none.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, utcnow
from ..errors import conflict, invalid, not_found
from ..identifiers import name_masked, phone_masked

RETRYABLE = ("failed", "dead")
MAX_COUNT_DAYS = 366


def list_notices(conn: Connection, filters: dict, after: int, limit: int, *,
                 newest_first: bool = False, offset: int = 0) -> dict:
    """Notices oldest first, filtered (state, kind, station_id, order_id, day = the UTC date
    of created_at); `next_after` is the last row's id. HQ's console pages by number instead:
    newest first, `offset` rows skipped."""
    n, o = m.notices.c, m.orders.c
    stmt = (select(m.notices, o.customer_name, o.phone)
            .outerjoin(m.orders, o.order_id == n.order_id)
            .where(n.id > after).order_by(n.id.desc() if newest_first else n.id)
            .offset(offset).limit(limit + 1))
    for name in ("state", "kind", "station_id", "order_id"):
        if filters.get(name):
            stmt = stmt.where(n[name] == filters[name])
    if filters.get("day"):
        start = filters["day"]
        stmt = stmt.where(n.created_at >= start.isoformat(),
                          n.created_at < (start + timedelta(days=1)).isoformat())
    rows = conn.execute(stmt).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {"notices": [notice_out(r) for r in rows],
            "next_after": str(rows[-1].id) if rows else str(after), "has_more": has_more}


def notice_out(r) -> dict:
    return {
        "id": r.id, "idempotency_key": r.idempotency_key, "kind": r.kind, "state": r.state,
        "station_id": r.station_id, "order_id": r.order_id, "batch_id": r.batch_id,
        "event_id": r.event_id,
        "customer_name_masked": name_masked(r.customer_name or ""),
        "phone_masked": phone_masked(r.phone or ""),
        "content": json.loads(r.content), "attempts": r.attempts, "last_error": r.last_error,
        "last_attempt_at": r.last_attempt_at, "created_at": r.created_at,
        "next_attempt_at": r.next_attempt_at, "deadline_at": r.deadline_at,
        "delivered_at": r.delivered_at, "dead_at": r.dead_at,
    }


def get_notice(conn: Connection, notice_id: int) -> dict:
    n, o = m.notices.c, m.orders.c
    row = conn.execute(select(m.notices, o.customer_name, o.phone)
                       .outerjoin(m.orders, o.order_id == n.order_id)
                       .where(n.id == notice_id)).first()
    if row is None:
        raise not_found(f"notice {notice_id}")
    return notice_out(row)


def counts(conn: Connection, first: date, last: date) -> dict:
    """Notices per state per UTC day of created_at, `first`..`last` inclusive."""
    if last < first:
        raise invalid("to is before from", "invalid_range")
    if (last - first).days >= MAX_COUNT_DAYS:
        raise invalid(f"at most {MAX_COUNT_DAYS} days at once", "invalid_range")
    n = m.notices.c
    day = func.substr(n.created_at, 1, 10)
    per_day: dict[str, dict] = {}
    for d, state, count in conn.execute(
            select(day, n.state, func.count()).where(
                n.created_at >= first.isoformat(),
                n.created_at < (last + timedelta(days=1)).isoformat())
            .group_by(day, n.state)):
        per_day.setdefault(d, {s: 0 for s in ("pending", "failed", "delivered", "dead")})
        per_day[d][state] = int(count)
    days = []
    for k in range((last - first).days + 1):
        d = (first + timedelta(days=k)).isoformat()
        states = per_day.get(d, {s: 0 for s in ("pending", "failed", "delivered", "dead")})
        days.append({"day": d, **states, "total": sum(states.values())})
    return {"from": first.isoformat(), "to": last.isoformat(), "days": days}


def _requeue(give_up_s: float) -> dict:
    now = utcnow()
    return {"state": "pending", "next_attempt_at": iso(now), "lease_until": None,
            "dead_at": None, "deadline_at": iso(now + timedelta(seconds=give_up_s))}


def retry(conn: Connection, notice_id: int, give_up_s: float) -> dict:
    """A failed or dead notice goes back to pending now, with a new give-up time."""
    n = m.notices.c
    state = conn.execute(select(n.state).where(n.id == notice_id)).scalar_one_or_none()
    if state is None:
        raise not_found(f"notice {notice_id}")
    if state == "delivered":
        raise conflict(f"notice {notice_id} was delivered already", "already_delivered")
    if state in RETRYABLE:
        conn.execute(update(m.notices).where(n.id == notice_id).values(**_requeue(give_up_s)))
    return get_notice(conn, notice_id)


def retry_dead(conn: Connection, give_up_s: float, station_id: str | None) -> dict:
    """Every dead notice (of one station, when given) goes back to pending."""
    n = m.notices.c
    stmt = update(m.notices).where(n.state == "dead").values(**_requeue(give_up_s))
    if station_id:
        stmt = stmt.where(n.station_id == station_id)
    return {"retried": conn.execute(stmt).rowcount}
