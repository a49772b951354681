"""The leader's figures: day closing (日结) and uncollected orders (滞留), by SQL counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from pickup_station.core.identity import mask_name
from pickup_station.core.reports.common import (
    COMMISSION_ROUNDING,
    DEFAULT_COMMISSION_RATE,
    SHORTAGE_REASONS,
    _aware,
    _window,
    local_day_window,
    local_text,
    safe_phone,
    station_tz,
    tz_name,
)
from pickup_station.store.db import iso, parse_iso
from pickup_station.store.models import Batch, Operator, Order, OrderItem, Pickup, PickupLine

# ---- day closing (日结) -----------------------------------------------------------------------

@dataclass
class BatchLine:
    """One delivery batch on the day closing: how far its orders have gone."""

    batch_id: str
    arrived_at_local: str = ""
    orders: int = 0  # active orders of the batch
    picked_up: int = 0  # active orders handed over (fully or partly), to date
    picked_up_today: int = 0  # orders of this batch handed over on the day
    remaining: int = 0  # active orders still open (on the shelf)
    uncollected: int = 0  # of the remaining: waiting longer than the limit
    short_items: int = 0  # qty found short or damaged at arrival, when signed off that day


@dataclass
class OperatorLine:
    """What one person at the counter did on the day."""

    operator_id: str
    name: str = ""
    pickups: int = 0
    items_handed: int = 0
    value_handed_cents: int = 0
    undos: int = 0


@dataclass
class CommissionLine:
    """Commission (佣金) of one category: handed value x rate."""

    category: str
    value_cents: int
    rate: float
    commission_cents: int


@dataclass
class ShortageLine:
    """A quantity short or damaged, found at arrival or at the counter."""

    stage: str  # arrival / counter
    kind: str  # short / damaged
    batch_id: str
    order_id: str
    sku: str
    name: str
    qty: int


@dataclass
class DayFigures:
    """The leader's figures for one local day. Counter figures count pickups made that day
    and not undone since; `undos` counts undos made that day (whatever day the pickup was).
    `waiting`/`uncollected` are open orders as of `as_of` (the day's end, or now for today)."""

    day: date
    tz: str
    as_of: str  # UTC ISO
    pickups: int = 0
    orders_handed: int = 0
    orders_partial: int = 0
    items_handed: int = 0
    value_handed_cents: int = 0
    proxy_pickups: int = 0
    overrides: int = 0
    undos: int = 0
    arrival_short_qty: int = 0
    arrival_damaged_qty: int = 0
    counter_short_qty: int = 0  # beyond what arrival already recorded for that item
    counter_damaged_qty: int = 0
    waiting: int = 0  # 待提货: arrived, active, not picked up
    uncollected: int = 0  # 滞留: waiting longer than `uncollected_after_days`
    uncollected_after_days: int = 3
    commission_cents: int = 0
    commission_rounding: str = COMMISSION_ROUNDING
    batches: list[BatchLine] = field(default_factory=list)
    operators: list[OperatorLine] = field(default_factory=list)
    commission: list[CommissionLine] = field(default_factory=list)
    shortage_lines: list[ShortageLine] = field(default_factory=list)

    @property
    def shortage_qty(self) -> int:
        """缺货破损: everything found short or damaged on the day, arrival and counter."""
        return (self.arrival_short_qty + self.arrival_damaged_qty
                + self.counter_short_qty + self.counter_damaged_qty)

    def to_dict(self) -> dict:
        """Plain JSON-able dict for the CLI and the day-closing slip: the keys that
        `receipts.DaySummary.from_dict` knows (`day`, `pickups`, `orders_handed`,
        `items_handed`, `uncollected`, `shortages` (total qty), `undos`, `batches[]` with
        `batch_id`, `orders`, `picked_up`, `uncollected`, `short_items`) mean the same here."""
        d = asdict(self)
        d["day"] = self.day.isoformat()
        d["shortages"] = self.shortage_qty
        return d


def _rate_table(rates: dict | None, default_rate) -> tuple[dict[str, Decimal], Decimal]:
    def dec(value) -> Decimal:
        r = Decimal(str(value))
        if not (Decimal(0) <= r <= Decimal(1)):
            raise ValueError(f"commission rate {value!r} is not between 0 and 1")
        return r

    table = {str(k): dec(v) for k, v in (rates or {}).items()}
    default = dec(default_rate) if default_rate is not None else table.pop(
        "default", DEFAULT_COMMISSION_RATE)
    return table, default


def commission_for(value_by_category: dict[str, int], rates: dict | None = None,
                   default_rate=None) -> list[CommissionLine]:
    """Commission per category; rates are fractions (0.08 = 8 %), unknown categories take the
    default (10 % unless given, or a `"default"` key in `rates`)."""
    table, default = _rate_table(rates, default_rate)
    out = []
    for category in sorted(value_by_category):
        value = value_by_category[category]
        rate = table.get(category, default)
        cents = int((Decimal(value) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        out.append(CommissionLine(category, value, float(rate), cents))
    return out


def _operator_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Operator.operator_id, Operator.name)).all())


def _count_pickups(session: Session, fig: DayFigures, lo: datetime, hi: datetime, op):
    """Add the day's hand-overs (not undone) to `fig`, line by line (plain rows, no ORM:
    a busy day has thousands). Returns (orders handed per batch, handed value per category)."""
    first = (lambda col: select(col).where(OrderItem.order_id == Pickup.order_id,
                                           OrderItem.sku == PickupLine.sku)
             .order_by(OrderItem.id).limit(1).scalar_subquery())
    rows = session.execute(
        select(Pickup.pickup_id, Pickup.order_id, Order.batch_id, Pickup.operator_id,
               Pickup.proxy_name, Pickup.override_kind, PickupLine.sku, PickupLine.name,
               PickupLine.qty_ordered, PickupLine.qty_handed, PickupLine.unit_price_cents,
               PickupLine.reason, first(OrderItem.category),
               first(OrderItem.qty_short + OrderItem.qty_damaged))
        .join(Order, Order.order_id == Pickup.order_id)
        .outerjoin(PickupLine, PickupLine.pickup_id == Pickup.pickup_id)
        .where(_window(Pickup.picked_at, lo, hi),
               or_(Pickup.undone_at.is_(None), Pickup.undone_at == ""))
        .order_by(Pickup.picked_at, Pickup.pickup_id, PickupLine.id)).all()
    value_by_cat: dict[str, int] = defaultdict(int)
    partial_orders, batch_today = set(), defaultdict(set)
    last = None
    for (pid, order_id, batch_id, operator_id, proxy, override, sku, name, ordered, handed,
         price, reason, category, known) in rows:
        line_op = op(operator_id)
        if pid != last:
            last = pid
            fig.pickups += 1
            fig.proxy_pickups += bool(proxy)
            fig.overrides += bool(override)
            batch_today[batch_id].add(order_id)
            line_op.pickups += 1
        if sku is None:  # a pickup without lines
            continue
        value = handed * price
        fig.items_handed += handed
        fig.value_handed_cents += value
        line_op.items_handed += handed
        line_op.value_handed_cents += value
        value_by_cat[category or ""] += value
        missing = ordered - handed
        if missing <= 0:
            continue
        partial_orders.add(order_id)
        new = max(0, missing - (known or 0))  # beyond what arrival already recorded
        if reason in SHORTAGE_REASONS and new:
            fig.shortage_lines.append(ShortageLine("counter", reason, batch_id, order_id, sku,
                                              name, new))
            if reason == "short":
                fig.counter_short_qty += new
            else:
                fig.counter_damaged_qty += new
    fig.orders_handed = len(set().union(*batch_today.values())) if batch_today else 0
    fig.orders_partial = len(partial_orders)
    return batch_today, value_by_cat


def _arrived_batches(session: Session) -> list[tuple[str, datetime]]:
    """Arrived, not closed batches with their arrival time (a handful of rows: whether an
    order waits, and for how long, depends only on its batch)."""
    out = []
    for batch_id, arrived in session.execute(
            select(Batch.batch_id, Batch.arrived_at)
            .where(Batch.arrived_at.is_not(None), Batch.status != "closed")).all():
        dt = parse_iso(arrived)
        if dt is not None:
            out.append((batch_id, dt))
    return out


_WAITING = (Order.status == "active", Order.pickup_state == "open")


def _waiting_counts(session: Session, batch_ids: list[str]) -> dict[str, int]:
    """Active open orders per batch, counted by SQLite (no order is loaded)."""
    if not batch_ids:
        return {}
    return dict(session.execute(
        select(Order.batch_id, func.count()).where(Order.batch_id.in_(batch_ids), *_WAITING)
        .group_by(Order.batch_id)).all())


def day_figures(session: Session, day: date, tz: tzinfo, *, uncollected_after_days: int = 3,
                commission_rates: dict | None = None, default_rate=None,
                now: datetime | None = None) -> DayFigures:
    """Day closing (日结) for the station's local `day` in `tz`."""
    lo, hi = local_day_window(day, day, tz)
    now = _aware(now)
    as_of = min(now, hi)
    fig = DayFigures(day=day, tz=tz_name(tz), as_of=iso(as_of),
                     uncollected_after_days=uncollected_after_days)
    names = _operator_names(session)
    ops: dict[str, OperatorLine] = {}

    def op(op_id: str) -> OperatorLine:
        if op_id not in ops:
            ops[op_id] = OperatorLine(op_id, names.get(op_id, ""))
        return ops[op_id]

    batch_today, value_by_cat = _count_pickups(session, fig, lo, hi, op)
    for undone_by, operator_id in session.execute(
            select(Pickup.undone_by, Pickup.operator_id)
            .where(_window(Pickup.undone_at, lo, hi))).all():
        fig.undos += 1
        op(undone_by or operator_id).undos += 1

    # arrival findings of batches signed off on the day
    arrived_today = session.scalars(
        select(Batch).where(_window(Batch.arrived_at, lo, hi))).all()
    arrival_short: dict[str, int] = defaultdict(int)
    if arrived_today:
        rows = session.execute(
            select(OrderItem, Order.batch_id).join(Order, Order.order_id == OrderItem.order_id)
            .where(Order.batch_id.in_([bt.batch_id for bt in arrived_today]),
                   (OrderItem.qty_short > 0) | (OrderItem.qty_damaged > 0))
            .order_by(Order.batch_id, OrderItem.order_id, OrderItem.id)).all()
        for it, batch_id in rows:
            for kind, qty in (("short", it.qty_short), ("damaged", it.qty_damaged)):
                if qty:
                    fig.shortage_lines.append(ShortageLine("arrival", kind, batch_id, it.order_id,
                                                      it.sku, it.name, qty))
            fig.arrival_short_qty += it.qty_short
            fig.arrival_damaged_qty += it.qty_damaged
            arrival_short[batch_id] += it.qty_short + it.qty_damaged

    # waiting and uncollected, as of the day's end (or now)
    limit = timedelta(days=uncollected_after_days)
    waiting_by_batch: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    arrived_before = [(b, at) for b, at in _arrived_batches(session) if at < as_of]
    counts = _waiting_counts(session, [b for b, _ in arrived_before])
    for batch_id, arrived in arrived_before:
        n = counts.get(batch_id, 0)
        if not n:
            continue
        fig.waiting += n
        waiting_by_batch[batch_id][0] += n
        if as_of - arrived > limit:
            fig.uncollected += n
            waiting_by_batch[batch_id][1] += n

    fig.batches = _batch_lines(session, tz, set(batch_today) | set(waiting_by_batch)
                               | {bt.batch_id for bt in arrived_today},
                               batch_today, waiting_by_batch, arrival_short)
    fig.operators = sorted(ops.values(), key=lambda o: (-o.pickups, o.operator_id))
    fig.commission = commission_for(dict(value_by_cat), commission_rates, default_rate)
    fig.commission_cents = sum(c.commission_cents for c in fig.commission)
    return fig


def _batch_lines(session: Session, tz: tzinfo, batch_ids: set[str], today: dict,
                 waiting: dict, arrival_short: dict) -> list[BatchLine]:
    if not batch_ids:
        return []
    batches = {b.batch_id: b for b in session.scalars(
        select(Batch).where(Batch.batch_id.in_(batch_ids))).all()}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for batch_id, total, picked in session.execute(
            select(Order.batch_id, func.count(),
                   func.sum(case((Order.pickup_state != "open", 1), else_=0)))
            .where(Order.batch_id.in_(batch_ids), Order.status == "active")
            .group_by(Order.batch_id)).all():
        counts[batch_id] = [total, picked or 0]
    lines = []
    for batch_id in sorted(batch_ids):
        b = batches.get(batch_id)
        total, picked = counts[batch_id]
        lines.append(BatchLine(
            batch_id=batch_id, arrived_at_local=local_text(b.arrived_at if b else None, tz),
            orders=total, picked_up=picked, picked_up_today=len(today.get(batch_id, ())),
            remaining=total - picked, uncollected=waiting.get(batch_id, [0, 0])[1],
            short_items=arrival_short.get(batch_id, 0)))
    return lines


# ---- uncollected (滞留) -----------------------------------------------------------------------

@dataclass
class UncollectedOrder:
    """An order sitting on the shelf: arrived, active, not picked up."""

    order_id: str
    batch_id: str
    customer: str  # masked name
    phone: str  # masked phone
    shelf_slot: str
    arrived_at: str  # UTC ISO
    arrived_at_local: str
    days_waiting: int  # whole days since arrival
    overdue: bool  # waiting longer than the limit (滞留)
    items: str  # "苹果×2、牛奶×1"
    item_count: int
    value_cents: int


def _listed_batches(session: Session, now: datetime, after_days: int,
                    all_waiting: bool) -> dict[str, tuple[datetime, bool]]:
    """Batches whose waiting orders the uncollected list shows: batch -> (arrival, overdue)."""
    limit = timedelta(days=after_days)
    out = {}
    for batch_id, arrived in _arrived_batches(session):
        if arrived > now:
            continue
        overdue = now - arrived > limit
        if overdue or all_waiting:
            out[batch_id] = (arrived, overdue)
    return out


def uncollected_total(session: Session, now: datetime, after_days: int, *,
                      all_waiting: bool = False) -> int:
    """How many orders `uncollected` lists with no `limit` (one count, nothing loaded)."""
    batches = _listed_batches(session, _aware(now), after_days, all_waiting)
    return sum(_waiting_counts(session, list(batches)).values())


def uncollected(session: Session, now: datetime, after_days: int, *, all_waiting: bool = False,
                tz: tzinfo | None = None, limit: int | None = None) -> list[UncollectedOrder]:
    """Orders whose batch arrived more than `after_days` days before `now` and that nobody
    collected, oldest first (then by shelf slot and order id). `all_waiting=True` lists every
    waiting order, flagged `overdue`. `limit` keeps the first rows only (SQLite sorts; the
    screen asks for a page, the count comes from `uncollected_total`)."""
    tz = tz or station_tz(session)
    now = _aware(now)
    batches = _listed_batches(session, now, after_days, all_waiting)
    if not batches:
        return []
    # oldest arrival first: batches that arrived at the same instant share a rank
    instants = sorted({arrived for arrived, _ in batches.values()})
    rank = {b: instants.index(arrived) for b, (arrived, _) in batches.items()}
    stmt = (select(Order.order_id, Order.batch_id, Order.customer_name, Order.phone_masked,
                   Order.shelf_slot)
            .where(Order.batch_id.in_(list(batches)), *_WAITING)
            .order_by(case(rank, value=Order.batch_id), func.coalesce(Order.shelf_slot, ""),
                      Order.order_id))
    if limit is not None:
        stmt = stmt.limit(max(0, limit))
    orders = session.execute(stmt).all()
    ids = [o.order_id for o in orders]
    items: dict[str, list] = defaultdict(list)
    for chunk in range(0, len(ids), 500):
        for it in session.execute(
                select(OrderItem.order_id, OrderItem.name, OrderItem.qty,
                       OrderItem.unit_price_cents)
                .where(OrderItem.order_id.in_(ids[chunk:chunk + 500]))
                .order_by(OrderItem.id)).all():
            items[it.order_id].append(it)
    out = []
    for order in orders:
        arrived, overdue = batches[order.batch_id]
        its = items[order.order_id]
        out.append(UncollectedOrder(
            order_id=order.order_id, batch_id=order.batch_id,
            customer=mask_name(order.customer_name), phone=safe_phone(order.phone_masked),
            shelf_slot=order.shelf_slot or "", arrived_at=iso(arrived),
            arrived_at_local=arrived.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            days_waiting=(now - arrived) // timedelta(days=1), overdue=overdue,
            items="、".join(f"{it.name}×{it.qty}" for it in its),
            item_count=sum(it.qty for it in its),
            value_cents=sum(it.qty * it.unit_price_cents for it in its)))
    return out
