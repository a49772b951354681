"""Receiving a batch by product (到货签收), as the leader counts the truck. No Qt.

1. `pick_list(store, batch)`: one line per product of the batch (SKU, name, category, expected
   quantity, how many orders, perishable or not).
2. The leader enters the received count per product; `preview(store, batch, received, rule)`
   assigns each product's shortfall to order lines by a visible rule (`RULES`; default
   `latest_first`: the latest orders, by order id, go short first). The preview lists each
   affected line with its short quantity and flags perishables; the leader may change any
   line (`ShortLine.qty_short`) as long as each product's lines still add up to its shortfall.
3. `sign_off_received(...)` signs the batch off with those lines (one `item_short` event per
   line, stage `arrival`), stores the counts (`batch_receipts`) and gives the shelf slots,
   in one transaction. Per-order short/damaged entry (`arrival.sign_off`) stays for damage
   found later.
4. `correct_received(...)`: a box found later or a miscount after sign-off. The product's
   shortfall is recomputed and the difference taken from (or given to) lines of orders still
   on the shelf by the same rule; recorded as one `arrival_corrected` event with each line's
   short quantity before and after.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.core import arrival, shelves
from pickup_station.core import operators as ops
from pickup_station.core.events import record_event
from pickup_station.core.identity import mask_name
from pickup_station.errors import Refused
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import Batch, BatchReceipt, Order, OrderItem

RULES = {  # rule -> the catalogue key of its wording
    "latest_first": "receiving.rule.latest_first",
    "earliest_first": "receiving.rule.earliest_first",
    "largest_first": "receiving.rule.largest_first",
}
DEFAULT_RULE = "latest_first"


class ShortfallMismatch(Refused):
    code = "shortfall_mismatch"


@dataclass
class PickLine:
    """One product of a batch as the leader counts it."""

    sku: str
    name: str
    category: str
    storage: str  # dry / fresh / chilled / frozen
    expected: int
    orders: int
    received: int | None = None  # after sign-off: what was counted

    @property
    def perishable(self) -> bool:
        return self.storage in shelves.PERISHABLE


@dataclass
class ShortLine:
    """One order line that goes short; the leader may change `qty_short` before signing off."""

    order_id: str
    item_id: int
    sku: str
    name: str
    customer: str  # masked
    qty_ordered: int
    qty_short: int
    perishable: bool


@dataclass
class ReceivingPreview:
    batch_id: str
    rule: str
    products: list[PickLine]
    received: dict[str, int]
    shorts: list[ShortLine] = field(default_factory=list)

    def shortfall(self, sku: str) -> int:
        line = next(p for p in self.products if p.sku == sku)
        return max(line.expected - self.received.get(sku, line.expected), 0)

    @property
    def surplus(self) -> dict[str, int]:
        return {p.sku: self.received[p.sku] - p.expected for p in self.products
                if self.received.get(p.sku, p.expected) > p.expected}


@dataclass
class CorrectionResult:
    batch_id: str
    sku: str
    received_before: int
    received_after: int
    lines: list[dict] = field(default_factory=list)  # order_id, item_id, before, after
    surplus: int = 0


def _lines(s: Session, batch_id: str, sku: str | None = None) -> list:
    stmt = (select(OrderItem.id, OrderItem.order_id, OrderItem.sku, OrderItem.name,
                   OrderItem.category, OrderItem.qty, OrderItem.qty_short,
                   OrderItem.qty_damaged, Order.customer_name, Order.status,
                   Order.pickup_state)
            .join(Order, Order.order_id == OrderItem.order_id)
            .where(Order.batch_id == batch_id))
    if sku is not None:
        stmt = stmt.where(OrderItem.sku == sku)
    return list(s.execute(stmt))


def _batch(s: Session, batch_id: str) -> Batch:
    batch = s.get(Batch, batch_id)
    if batch is None:
        raise Refused("arrival.unknown_batch", batch_id=batch_id,
                      code="unknown_batch")
    return batch


def pick_list(store: Store, batch_id: str) -> list[PickLine]:
    """Products of the batch's active orders, cold ones last (as they come off the truck)."""
    with store.reader() as s:
        _batch(s, batch_id)
        known = shelves.category_storage(s)
        counted = dict(s.execute(select(BatchReceipt.sku, BatchReceipt.received)
                                 .where(BatchReceipt.batch_id == batch_id)).all())
        products: dict[str, PickLine] = {}
        for r in _lines(s, batch_id):
            if r.status != "active":
                continue
            p = products.get(r.sku)
            if p is None:
                p = products[r.sku] = PickLine(r.sku, r.name, r.category or "",
                                               shelves.storage_for(r.category, known), 0, 0,
                                               counted.get(r.sku))
            p.expected += r.qty
            p.orders += 1
    order = {"dry": 0, "fresh": 1, "chilled": 2, "frozen": 3}
    return sorted(products.values(), key=lambda p: (order[p.storage], p.sku))


def _ranked(lines: list, rule: str) -> list:
    if rule == "latest_first":
        return sorted(lines, key=lambda r: r.order_id, reverse=True)
    if rule == "earliest_first":
        return sorted(lines, key=lambda r: r.order_id)
    return sorted(lines, key=lambda r: (-r.qty, r.order_id))


def _check_rule(rule: str) -> str:
    if rule not in RULES:
        raise Refused("receiving.bad_rule", rule=rule,
                      code="bad_rule")
    return rule


def preview(store: Store, batch_id: str, received: dict[str, int],
            rule: str = DEFAULT_RULE) -> ReceivingPreview:
    """Who goes short, by the rule, for the counts entered (products not listed: all came)."""
    _check_rule(rule)
    products = pick_list(store, batch_id)
    by_sku = {p.sku: p for p in products}
    unknown = set(received) - set(by_sku)
    if unknown:
        raise Refused("receiving.not_in_batch", skus=", ".join(sorted(unknown)),
                      code="unknown_item")
    counts = {p.sku: int(received.get(p.sku, p.expected)) for p in products}
    if any(v < 0 for v in counts.values()):
        raise Refused("receiving.negative_count",
                      code="bad_count")
    result = ReceivingPreview(batch_id, rule, products, counts)
    with store.reader() as s:
        for p in products:
            gap = max(p.expected - counts[p.sku], 0)
            if not gap:
                continue
            lines = [r for r in _lines(s, batch_id, p.sku) if r.status == "active"]
            for r in _ranked(lines, rule):
                take = min(gap, r.qty)
                if take:
                    result.shorts.append(ShortLine(r.order_id, r.id, r.sku, r.name,
                                                   mask_name(r.customer_name), r.qty, take,
                                                   p.perishable))
                    gap -= take
                if not gap:
                    break
    return result


def sign_off_received(store: Store, batch_id: str, operator_id: str, plan: ReceivingPreview,
                      damaged: list[arrival.ArrivalIssue] | None = None
                      ) -> arrival.ArrivalResult:
    """Sign off with the (possibly edited) preview: each product's lines must add up to its
    shortfall (`shortfall_mismatch` otherwise)."""
    per_sku: dict[str, int] = defaultdict(int)
    for line in plan.shorts:
        if line.qty_short < 0 or line.qty_short > line.qty_ordered:
            raise ShortfallMismatch("receiving.bad_short_qty", order_id=line.order_id,
                                    name=line.name)
        per_sku[line.sku] += line.qty_short
    for p in plan.products:
        want = plan.shortfall(p.sku)
        if per_sku.get(p.sku, 0) != want:
            raise ShortfallMismatch(
                "receiving.short_mismatch", name=p.name, want=want, assigned=per_sku.get(p.sku, 0))
    issues = [arrival.ArrivalIssue(ln.order_id, ln.sku, ln.qty_short, "short")
              for ln in plan.shorts if ln.qty_short > 0]
    extra = {"by_product": True, "rule": plan.rule,
             "received": [{"sku": p.sku, "name": p.name, "expected": p.expected,
                           "received": plan.received[p.sku]} for p in plan.products]}
    return arrival.sign_off(store, batch_id, operator_id, issues + list(damaged or []),
                            by_product=extra)


def correct_received(store: Store, batch_id: str, operator_id: str, sku: str, received: int,
                     *, note: str = "") -> CorrectionResult:
    """After sign-off: the real count of one product (a box found, a miscount)."""
    if received < 0:
        raise Refused("receiving.negative_count", code="bad_count")
    now = iso(utcnow())
    with store.session() as s:
        op = ops.get_operator(s, operator_id)
        batch = _batch(s, batch_id)
        if batch.status == "expected":
            raise Refused("receiving.not_arrived", batch_id=batch_id,
                          code="not_arrived")
        lines = [r for r in _lines(s, batch_id, sku) if r.status == "active"]
        if not lines:
            raise Refused("receiving.not_in_batch", skus=sku,
                          code="unknown_item")
        expected = sum(r.qty for r in lines)
        row = s.get(BatchReceipt, (batch_id, sku))
        before = row.received if row else expected - sum(r.qty_short for r in lines)
        rule = (row.rule if row and row.rule in RULES else DEFAULT_RULE)
        delta = max(expected - received, 0) - sum(r.qty_short for r in lines)
        result = CorrectionResult(batch_id, sku, before, received)
        open_lines = [r for r in _ranked(lines, rule) if r.pickup_state == "open"]
        changes: dict[int, int] = {}
        if delta > 0:  # fewer than thought: more go short, by the rule
            for r in open_lines:
                take = min(delta, r.qty - r.qty_short - r.qty_damaged)
                if take > 0:
                    changes[r.id] = r.qty_short + take
                    delta -= take
            if delta:
                raise Refused("receiving.cannot_correct", sku=sku, delta=delta,
                              code="cannot_correct")
        elif delta < 0:  # more than thought: orders still here get their goods back
            give = -delta
            for r in reversed(open_lines):
                back = min(give, r.qty_short)
                if back > 0:
                    changes[r.id] = r.qty_short - back
                    give -= back
            result.surplus = give
        by_id = {r.id: r for r in lines}
        for item_id, after in changes.items():
            r = by_id[item_id]
            s.get(OrderItem, item_id).qty_short = after
            result.lines.append({"order_id": r.order_id, "item_id": item_id, "sku": sku,
                                 "qty_short_before": r.qty_short, "qty_short_after": after})
        name = lines[0].name
        if row is None:
            s.add(BatchReceipt(batch_id=batch_id, sku=sku, name=name, expected=expected,
                               received=received, rule=rule, updated_at=now))
        else:
            row.received, row.updated_at = received, now
        s.flush()
        shelves.assign_batch(s, batch_id, now)  # an order that now has goods gets a slot
        record_event(s, "arrival_corrected", {
            "operator_id": op.operator_id, "sku": sku, "expected": expected,
            "received_before": before, "received_after": received, "note": note,
            "surplus": result.surplus,
            "lines": [{k: ln[k] for k in ("order_id", "sku", "qty_short_before",
                                           "qty_short_after")} for ln in result.lines],
        }, batch_id=batch_id, occurred_at=now)
    return result
