"""HQ's lists of the whole chain (issue 11): batches and orders, filtered and paged.

Plain functions over an open connection (no commit, no HTTP): the routes (routes/hq.py), the
exports (services/hq_export.py) and the browser console call the same ones. Each answers a
`Page` of typed rows (dataclasses) with `total` (rows matching the filters) and `next` (an
opaque cursor for the following page, None on the last one).

Paging is keyset, so a page never skips or repeats a row while others are written:
- batches: the batch's day at HQ (UTC+8) newest first, then batch_id descending (a batch
  always has a day: the batch PUT sets it, migration 0006 filled it in);
- orders: newest first (order_id descending).
Personal data is masked in every row: `phone_masked` (`138****1234`), `customer_masked`
(`张*`). Pickup tokens and codes are not in the lists (a spreadsheet travels; a code collects
goods).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..errors import invalid
from ..identifiers import name_masked, phone_masked
from . import chunked

Row = TypeVar("Row")
BATCH_STATUSES = ("created", "dispatched", "arrived", "closed")
ORDER_STATUSES = ("pending", "arrived", "picked_up", "returned", "cancelled")


# Orders counted at most this far: past it `total` stops there and `total_exact` is False (a
# count of half a million rows per page view would cost more than the page).
ORDER_COUNT_CAP = 10_000


@dataclass(slots=True)
class Page(Generic[Row]):
    rows: list[Row]
    total: int
    next: str | None = None
    total_exact: bool = True


@dataclass(slots=True)
class BatchRow:
    batch_id: str
    station_id: str
    station_name: str
    day: str | None
    expected_at: str | None
    status: str  # created | dispatched | arrived | closed
    dispatched_at: str | None
    arrived_at: str | None
    closed_at: str | None
    commission_rate: int | None  # basis points
    order_count: int = 0
    picked_up: int = 0
    returned: int = 0
    cancelled: int = 0
    value_cents: int = 0
    picked_up_value_cents: int = 0
    commission_cents: int = 0


@dataclass(slots=True)
class OrderRow:
    order_id: str
    batch_id: str
    station_id: str
    day: str | None
    customer_masked: str
    phone_masked: str
    status: str  # pending | arrived | picked_up | partially_picked_up | returned | cancelled
    value_cents: int
    shelf_slot: str | None
    needs_review: bool
    picked_up_at: str | None = None
    receipt_no: str | None = None
    returned_at: str | None = None
    cancelled_at: str | None = None
    items: int = 0  # units ordered


@dataclass(slots=True)
class BatchFilter:
    station_id: str | None = None
    day: str | None = None  # YYYY-MM-DD (checked by the route)
    status: str | None = None


@dataclass(slots=True)
class OrderFilter:
    station_id: str | None = None
    order_id: str | None = None
    phone_last4: str | None = None
    batch_id: str | None = None
    status: str | None = None


def commission_of(value_cents: int, rate_bp: int | None) -> int:
    """Commission in cents, half up: value × rate / 10,000."""
    if not rate_bp or value_cents <= 0:
        return 0
    return (value_cents * rate_bp + 5_000) // 10_000


# --- cursors ---------------------------------------------------------------------------------

def encode_cursor(key: list) -> str:
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str | None, size: int) -> list | None:
    """The key a `next` cursor holds; 422 `invalid_cursor` for anything this server did not
    make."""
    if not text:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        key = None
    if not (isinstance(key, list) and len(key) == size
            and all(isinstance(k, str) for k in key)):
        raise invalid("cursor is not a `next` value of this list", "invalid_cursor")
    return key


# --- batches ---------------------------------------------------------------------------------

def _batch_status_condition(status: str):
    b = m.batches.c
    closed = b.station_state == "closed"
    open_ = or_(b.station_state.is_(None), b.station_state != "closed")
    return {
        "closed": closed,
        "arrived": and_(open_, b.arrived_at.is_not(None)),
        "dispatched": and_(open_, b.arrived_at.is_(None), b.status == "dispatched"),
        "created": and_(open_, b.arrived_at.is_(None), b.status != "dispatched"),
    }[status]


def _batch_where(flt: BatchFilter) -> list:
    b = m.batches.c
    where = []
    if flt.station_id:
        where.append(b.station_id == flt.station_id)
    if flt.day:
        where.append(b.day == flt.day)
    if flt.status:
        where.append(_batch_status_condition(flt.status))
    return where


def _batch_status(r) -> str:
    if r.station_state == "closed":
        return "closed"
    if r.arrived_at is not None:
        return "arrived"
    return "dispatched" if r.status == "dispatched" else "created"


def list_batches(conn: Connection, flt: BatchFilter, limit: int,
                 cursor: str | None = None, *, with_total: bool = True) -> Page[BatchRow]:
    b, s = m.batches.c, m.stations.c
    where = _batch_where(flt)
    key = decode_cursor(cursor, 2)
    stmt = (select(b.batch_id, b.station_id, s.name, b.day, b.expected_at, b.status,
                   b.dispatched_at, b.arrived_at, b.closed_at, b.station_state,
                   b.commission_rate)
            .join(m.stations, s.station_id == b.station_id)
            .where(*where).order_by(b.day.desc(), b.batch_id.desc()).limit(limit + 1))
    if key is not None:  # (day, batch_id) descending: one backward index scan
        stmt = stmt.where(or_(b.day < key[0], and_(b.day == key[0], b.batch_id < key[1])))
    found = conn.execute(stmt).all()
    more = len(found) > limit
    found = found[:limit]
    rows = [BatchRow(r.batch_id, r.station_id, r.name, r.day, r.expected_at, _batch_status(r),
                     r.dispatched_at, r.arrived_at, r.closed_at, r.commission_rate)
            for r in found]
    _batch_figures(conn, rows)
    total = conn.execute(select(func.count()).select_from(m.batches).where(*where)
                         ).scalar_one() if with_total else -1
    nxt = encode_cursor([rows[-1].day or "", rows[-1].batch_id]) if more else None
    return Page(rows, total, nxt)


def _batch_figures(conn: Connection, rows: list[BatchRow]) -> None:
    """Orders, hand-overs, returns and values of a page of batches (two grouped queries)."""
    by_id = {r.batch_id: r for r in rows}
    o, r_ = m.orders.c, m.order_returns.c
    active = o.status == "active"
    picked = and_(active, o.active_pickup.is_not(None))
    for part in chunked(list(by_id)):
        for g in conn.execute(
                select(o.batch_id, func.count(),
                       func.sum(case((o.status == "cancelled", 1), else_=0)),
                       func.sum(case((picked, 1), else_=0)),
                       func.sum(case((active, o.value_cents), else_=0)),
                       func.sum(case((picked, o.value_cents), else_=0)))
                .where(o.batch_id.in_(part), o.removed == 0).group_by(o.batch_id)):
            row = by_id[g[0]]
            row.order_count, row.cancelled, row.picked_up = g[1], int(g[2]), int(g[3])
            row.value_cents, row.picked_up_value_cents = int(g[4] or 0), int(g[5] or 0)
            row.commission_cents = commission_of(row.picked_up_value_cents, row.commission_rate)
        for batch_id, n in conn.execute(select(r_.batch_id, func.count()).where(
                r_.batch_id.in_(part)).group_by(r_.batch_id)):
            by_id[batch_id].returned = n


# --- orders ----------------------------------------------------------------------------------

def _order_status_condition(status: str, indexed: bool):
    """The SQL of an order status. `indexed=False` writes the order's own columns so that no
    index can serve them (coalesce): the planner then walks the index of the order (order_id)
    or of a selective filter (station, batch, phone) instead of the status index, which would
    mean sorting or scanning most orders (SQLite's statistics take `active_pickup IS NULL` for
    a rare value)."""
    o, b, r = m.orders.c, m.batches.c, m.order_returns.c
    state = o.status if indexed else func.coalesce(o.status, "")
    pickup = o.active_pickup if indexed else func.coalesce(o.active_pickup, 0)
    held = pickup.is_not(None) if indexed else pickup != 0
    waiting = and_(state == "active", pickup.is_(None) if indexed else pickup == 0)
    returned = exists().where(r.order_id == o.order_id)
    return {
        "cancelled": state == "cancelled",
        "picked_up": and_(state == "active", held),
        "returned": and_(waiting, o.order_id.in_(select(r.order_id))),
        "arrived": and_(waiting, ~returned, b.arrived_at.is_not(None)),
        "pending": and_(waiting, ~returned, b.arrived_at.is_(None)),
    }[status]


def _order_where(flt: OrderFilter, *, indexed: bool = False) -> list:
    o = m.orders.c
    where = [o.removed == 0]
    if flt.station_id:
        where.append(o.station_id == flt.station_id)
    if flt.order_id:
        where.append(o.order_id == flt.order_id)
    if flt.phone_last4:
        where.append(o.phone_last4 == flt.phone_last4)
    if flt.batch_id:
        where.append(o.batch_id == flt.batch_id)
    if flt.status:
        where.append(_order_status_condition(flt.status, indexed))
    return where


def _selective(flt: OrderFilter) -> bool:
    return bool(flt.station_id or flt.order_id or flt.phone_last4 or flt.batch_id)


def list_orders(conn: Connection, flt: OrderFilter, limit: int,
                cursor: str | None = None, *, with_total: bool = True) -> Page[OrderRow]:
    """Newest first (order_id descending)."""
    o, b = m.orders.c, m.batches.c
    key = decode_cursor(cursor, 1)
    # PostgreSQL's statistics judge the status conditions well (and its plans for them are
    # the fast ones); SQLite's do not: there the page walks the order_id or filter index
    indexed = conn.dialect.name != "sqlite"
    stmt = (select(o.order_id, o.batch_id, o.station_id, b.day, b.arrived_at,
                   o.customer_name, o.phone, o.status, o.value_cents,
                   func.coalesce(o.station_slot, o.shelf_slot).label("shelf_slot"),
                   o.needs_review, o.active_pickup, o.cancelled_at)
            .join(m.batches, b.batch_id == o.batch_id)
            .where(*_order_where(flt, indexed=indexed)).order_by(o.order_id.desc())
            .limit(limit + 1))
    if key is not None:
        stmt = stmt.where(o.order_id < key[0])
    found = conn.execute(stmt).all()
    more = len(found) > limit
    found = found[:limit]
    rows = _order_rows(conn, found)
    total = _count_orders(conn, flt) if with_total else -1
    return Page(rows, min(total, ORDER_COUNT_CAP),
                encode_cursor([rows[-1].order_id]) if more else None,
                total_exact=total <= ORDER_COUNT_CAP)


def _count_orders(conn: Connection, flt: OrderFilter) -> int:
    """Matching orders, counted up to ORDER_COUNT_CAP + 1. Over the whole chain the status
    index counts (index only); with a selective filter, or for pending orders (a few batches
    not arrived), that filter or the batches lead."""
    o, b = m.orders.c, m.batches.c
    indexed = not _selective(flt) and flt.status != "pending"
    matching = select(o.order_id).where(*_order_where(flt, indexed=indexed)).limit(
        ORDER_COUNT_CAP + 1)
    if flt.status == "returned":  # few: counted from the returns, not over every order
        matching = matching.select_from(m.order_returns.join(
            m.orders, o.order_id == m.order_returns.c.order_id))
    if flt.status in ("arrived", "pending"):
        matching = matching.join(m.batches, b.batch_id == o.batch_id)
    return conn.execute(select(func.count()).select_from(matching.subquery())).scalar_one()


def _order_rows(conn: Connection, found: list) -> list[OrderRow]:
    """Rows of a page, completed with hand-overs, returns and units (three small queries)."""
    ids = [r.order_id for r in found]
    p, r_, i = m.pickups.c, m.order_returns.c, m.order_items.c
    held = [r.active_pickup for r in found if r.active_pickup is not None]
    pickups, returns, units = {}, {}, {}
    for part in chunked(held):
        pickups.update((x.id, x) for x in conn.execute(
            select(p.id, p.picked_up_at, p.receipt_no, p.lines).where(p.id.in_(part))))
    for part in chunked(ids):
        returns.update(conn.execute(select(r_.order_id, r_.returned_at).where(
            r_.order_id.in_(part))).all())
        units.update(conn.execute(select(i.order_id, func.sum(i.qty)).where(
            i.order_id.in_(part)).group_by(i.order_id)).all())
    rows = []
    for r in found:
        pk = pickups.get(r.active_pickup)
        n = int(units.get(r.order_id) or 0)
        rows.append(OrderRow(
            r.order_id, r.batch_id, r.station_id, r.day, name_masked(r.customer_name),
            phone_masked(r.phone), _order_status(r, pk, n, r.order_id in returns),
            int(r.value_cents), r.shelf_slot, bool(r.needs_review),
            picked_up_at=pk.picked_up_at if pk else None,
            receipt_no=pk.receipt_no if pk else None,
            returned_at=returns.get(r.order_id), cancelled_at=r.cancelled_at, items=n))
    return rows


def _order_status(r, pk, units: int, returned: bool) -> str:
    """As the batch reconciliation says it (services/reports.py, leader_view.py)."""
    if r.status == "cancelled":
        return "cancelled"
    if pk is not None:
        lines = json.loads(pk.lines) if pk.lines else []
        handed = sum(int(ln.get("qty_handed", 0)) for ln in lines) if lines else units
        return "picked_up" if handed >= units else "partially_picked_up"
    if returned:
        return "returned"
    return "arrived" if r.arrived_at is not None else "pending"


def all_rows(fetch, flt, chunk: int = 2000) -> Iterator:
    """Every row matching `flt`, page after page (for exports): `fetch` is list_batches or
    list_orders bound to a connection."""
    cursor = None
    while True:
        page = fetch(flt, chunk, cursor, with_total=False)
        yield from page.rows
        if page.next is None:
            return
        cursor = page.next
