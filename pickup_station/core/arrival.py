"""Arrival check (到货签收): the leader signs a delivery batch off against its manifest.

Everything counts as received unless listed as short (缺货) or damaged (破损). Signing off
marks the batch arrived, records shortages on the order items, gives the orders their shelf
slots (core/shelves.py) and queues `arrival_checked` plus one `item_short` / `item_damaged`
event per line, all in one transaction; `slots_assigned` (just before `arrival_checked`) tells
HQ which slot each order is in, for the customer's "ready for pickup" notice. Receiving by
product (the pick list, the shortfall assigned to orders by a rule, corrections after sign-off)
is in core/receiving.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pickup_station.core import operators as ops
from pickup_station.core import shelves
from pickup_station.core.counter import record_event
from pickup_station.core.timezone import local_text, station_tz
from pickup_station.errors import Refused
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import Batch, BatchReceipt, Order, OrderItem

SLOTS_PER_EVENT = 2000  # orders per `slots_assigned` (the wire allows event_data.MAX_SLOT_LINES)


@dataclass
class ArrivalIssue:
    order_id: str
    sku: str
    qty: int
    kind: str = "short"  # short / damaged
    note: str = ""


@dataclass
class ArrivalResult:
    batch_id: str
    orders: int
    lines_short: int
    lines_damaged: int
    arrived_at: str
    slots_assigned: int = 0


@dataclass
class BatchSummary:
    batch_id: str
    status: str
    expected_at: str | None
    arrived_at: str | None
    orders: int
    open_orders: int


def parse_issue(text: str, kind: str = "short") -> ArrivalIssue:
    """`ORDER_ID:SKU:QTY` as the CLI takes it."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[2].strip().isdigit():
        raise ValueError(f"expected ORDER_ID:SKU:QTY, got {text!r}")
    return ArrivalIssue(parts[0].strip(), parts[1].strip(), int(parts[2]), kind)


def list_batches(store: Store) -> list[BatchSummary]:
    with store.reader() as s:
        counts = dict(s.execute(select(Order.batch_id, func.count()).group_by(Order.batch_id)).all())
        open_counts = dict(s.execute(
            select(Order.batch_id, func.count())
            .where(Order.pickup_state == "open", Order.status == "active")
            .group_by(Order.batch_id)).all())
        return [BatchSummary(b.batch_id, b.status, b.expected_at, b.arrived_at,
                             counts.get(b.batch_id, 0), open_counts.get(b.batch_id, 0))
                for b in s.scalars(select(Batch).order_by(Batch.expected_at.desc(),
                                                          Batch.batch_id))]


def sign_off(store: Store, batch_id: str, operator_id: str,
             issues: list[ArrivalIssue] | None = None, *,
             by_product: dict | None = None) -> ArrivalResult:
    """Sign the batch off: shortages and damage recorded, shelf slots given (all or nothing:
    `ShelvesFull` when they do not suffice). `by_product` (from `receiving.sign_off_received`)
    adds the counts per product to the store and to `arrival_checked`."""
    issues = issues or []
    now = iso(utcnow())
    with store.session() as s:
        operator = ops.get_operator(s, operator_id)
        batch = s.get(Batch, batch_id)
        if batch is None:
            raise Refused("arrival.unknown_batch", batch_id=batch_id,
                          code="unknown_batch")
        if batch.status != "expected":
            at = local_text(batch.arrived_at, station_tz(s))  # the station's clock, not UTC
            raise Refused("arrival.already_arrived", batch_id=batch_id, arrived_at=at,
                          code="already_arrived")
        counted = _apply_issues(s, batch_id, issues, operator.operator_id)
        batch.status = "arrived"
        batch.arrived_at = now
        batch.arrived_by = operator.operator_id
        n_orders = s.scalar(select(func.count()).where(Order.batch_id == batch_id)) or 0
        slots = shelves.assign_batch(s, batch_id, now)
        data = {"operator_id": operator.operator_id, "order_count": n_orders,
                "lines_short": counted["short"], "lines_damaged": counted["damaged"]}
        if by_product is not None:
            data.update(by_product)
            for p in by_product["received"]:
                s.merge(BatchReceipt(batch_id=batch_id, sku=p["sku"], name=p["name"],
                                     expected=p["expected"], received=p["received"],
                                     rule=by_product.get("rule"), updated_at=now))
        _record_slots(s, batch_id, now)
        record_event(s, "arrival_checked", data, batch_id=batch_id, occurred_at=now)
    return ArrivalResult(batch_id, n_orders, counted["short"], counted["damaged"], now,
                         len(slots.slots))


def _record_slots(s: Session, batch_id: str, now: str) -> None:
    """`slots_assigned` (before `arrival_checked`, so HQ knows the slots when it tells the
    customers their goods are ready): each order of the batch with its slot text."""
    rows = s.execute(select(Order.order_id, Order.shelf_slot).where(
        Order.batch_id == batch_id, Order.shelf_slot.is_not(None))
        .order_by(Order.order_id)).all()
    for start in range(0, len(rows), SLOTS_PER_EVENT):
        lines = [{"order_id": oid, "slot": slot}
                 for oid, slot in rows[start:start + SLOTS_PER_EVENT]]
        record_event(s, "slots_assigned", {"lines": lines}, batch_id=batch_id, occurred_at=now)


def _apply_issues(s: Session, batch_id: str, issues: list[ArrivalIssue], operator_id: str):
    counted = {"short": 0, "damaged": 0}
    for issue in issues:
        if issue.kind not in counted:
            raise Refused("arrival.bad_issue_kind", kind=issue.kind)
        item = s.scalars(select(OrderItem).join(Order).where(
            Order.order_id == issue.order_id, Order.batch_id == batch_id,
            OrderItem.sku == issue.sku)).first()
        if item is None:
            raise Refused("arrival.unknown_item", batch_id=batch_id, order_id=issue.order_id,
                          sku=issue.sku, code="unknown_item")
        if issue.qty <= 0 or item.qty_short + item.qty_damaged + issue.qty > item.qty:
            raise Refused("arrival.too_many_missing", name=item.name)
        if issue.kind == "short":
            item.qty_short += issue.qty
        else:
            item.qty_damaged += issue.qty
        counted[issue.kind] += 1
        record_event(s, f"item_{issue.kind}", {
            "sku": issue.sku, "qty": issue.qty, "stage": "arrival", "note": issue.note,
            "operator_id": operator_id,
        }, order_id=issue.order_id, batch_id=batch_id)
    return counted
