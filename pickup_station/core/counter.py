"""The counter: look up what a customer brings, hand over, undo. No Qt.

`Counter.lookup(text)` answers with a `Verdict`; `Counter.hand_over(...)` records pickups and
their outbox events in one transaction and returns only after the commit, so whatever the
screen calls done is on disk. Scanning the same code twice never hands over twice: the state is
re-checked inside the write transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from pickup_station.core import batch_state, shelves
from pickup_station.core import handover_rows as rows
from pickup_station.core import operators as ops
from pickup_station.core.events import event_row, record_event
from pickup_station.core.identity import mask_name
from pickup_station.core.scanning import ScanQuery, parse_scan
from pickup_station.core.verdicts import CustomerCandidate, ItemView, OrderView, Verdict
from pickup_station.errors import Refused
from pickup_station.store.db import Store, iso, parse_iso, utcnow
from pickup_station.store.models import Batch, Order, OrderItem, OtherCounterPickup, Pickup

UNDO_WINDOW = timedelta(minutes=10)
# `Counter.warm_up`: an open order of an arrived batch, and an operator, to rehearse with
_REHEARSAL_ORDER = sql_text("SELECT o.order_id FROM orders o JOIN batches b ON b.batch_id = "
                            "o.batch_id WHERE o.status = 'active' AND o.pickup_state = 'open' "
                            "AND b.status = 'arrived' LIMIT 1")
_REHEARSAL_OPERATOR = sql_text("SELECT operator_id FROM operators WHERE active = 1 LIMIT 1")
LINE_REASONS = ("short", "damaged", "declined")


class _Rehearsed(Exception):
    """Rolls back `Counter.warm_up`'s transaction."""


@dataclass
class LineChoice:
    """How much of one order item is handed over; the rest is short, damaged or declined."""

    item_id: int
    qty_handed: int
    reason: str | None = None


@dataclass
class OrderChoice:
    order_id: str
    lines: list[LineChoice] | None = None  # None: everything that arrived


@dataclass
class Override:
    """A leader-approved exception, recorded on the pickup and in its event."""

    kind: str  # batch_not_arrived / no_code
    reason: str
    approved_by: str  # operator id of the leader who entered the PIN


@dataclass
class HandedOver:
    pickup_id: str
    receipt_no: str
    order_id: str
    items_handed: int
    items_missing: int


@dataclass
class HandoverResult:
    pickups: list[HandedOver] = field(default_factory=list)
    picked_at: str = ""

    @property
    def receipt_nos(self) -> list[str]:
        return [p.receipt_no for p in self.pickups]


class Counter:
    def __init__(self, store: Store, *, tz: tzinfo | None = None, clock=utcnow):
        self.store = store
        self.tz = tz or datetime.now().astimezone().tzinfo
        self.clock = clock

    # --- looking up ------------------------------------------------------------------
    def lookup(self, text: str) -> Verdict:
        query = parse_scan(text)
        if query.kind in ("empty", "invalid", "pairing"):
            reason = {"empty": "empty", "pairing": "pairing_code"}.get(query.kind, "invalid")
            return Verdict.refusal(query, reason)
        with self.store.reader() as s:
            if query.kind == "token":
                orders = self._orders(s, Order.token_sha256 == query.value)
            elif query.kind == "code":
                orders = self._orders(s, Order.pickup_code == query.value)
            elif query.kind == "phone4":
                return self._by_phone(s, query)
            else:
                orders = self._orders(s, Order.order_id == query.value)
            return self._verdict_for(s, query, orders)

    def lookup_order(self, order_id: str, *, no_code: bool = False) -> Verdict:
        """The verdict for one chosen order (after a phone-number pick, or a no-code search)."""
        query = ScanQuery("order_id", order_id, order_id)
        with self.store.reader() as s:
            return self._verdict_for(s, query, self._orders(s, Order.order_id == order_id))

    def search_orders(self, text: str, limit: int = 50) -> list[OrderView]:
        """Open orders whose customer name, order id or phone end matches (no-code hand-over)."""
        text = text.strip()
        if not text:
            return []
        like = f"%{text}%"
        with self.store.reader() as s:
            rows = self._orders(
                s,
                (Order.pickup_state == "open") & (Order.status == "active")
                & (Order.customer_name.like(like) | Order.order_id.like(like)
                   | (Order.phone_last4 == text)),
                limit=limit,
            )
            return self._views(s, rows)

    # Plain rows, not ORM objects: a lookup is on the way to the screen, and building mapped
    # instances costs more than the queries. The batch comes in the same query (a join).
    _ORDER_COLUMNS = (Order.order_id, Order.batch_id, Order.customer_name, Order.phone_masked,
                      Order.customer_key, Order.status, Order.cancel_reason, Order.pickup_state,
                      Order.shelf_slot, Batch.status.label("batch_status"),
                      Batch.expected_at.label("batch_expected_at"))
    _ITEM_COLUMNS = (OrderItem.order_id, OrderItem.id, OrderItem.sku, OrderItem.name,
                     OrderItem.qty, OrderItem.qty_short, OrderItem.qty_damaged,
                     OrderItem.unit_price_cents, OrderItem.category)

    def _orders(self, s: Session, where, limit: int = 20) -> list:
        stmt = (select(*self._ORDER_COLUMNS).join(Batch, Batch.batch_id == Order.batch_id)
                .where(where).order_by(Order.order_id).limit(limit))
        return list(s.connection().execute(stmt))  # Core rows: no ORM result context

    def _views(self, s: Session, rows: list, scanned: str | None = None) -> list[OrderView]:
        """Views of order rows from `_orders`, their items read in one query."""
        items: dict[str, list[ItemView]] = {r.order_id: [] for r in rows}
        if items:
            for i in s.connection().execute(select(*self._ITEM_COLUMNS)
                               .where(OrderItem.order_id.in_(list(items)))
                               .order_by(OrderItem.id)):
                items[i.order_id].append(ItemView(i.id, i.sku, i.name, i.qty, i.qty_short,
                                                  i.qty_damaged, i.unit_price_cents,
                                                  i.category or ""))
        return [OrderView(
            order_id=o.order_id, batch_id=o.batch_id, batch_status=o.batch_status,
            customer=mask_name(o.customer_name), phone=o.phone_masked,
            shelf_slot=o.shelf_slot or "", status=o.status, pickup_state=o.pickup_state,
            scanned=o.order_id == scanned, items=items[o.order_id],
            expected_at="" if o.batch_status != "expected" else self._local(o.batch_expected_at),
        ) for o in rows]

    def _candidates(self, s: Session, query: ScanQuery, rows: list) -> Verdict:
        """Open orders of several customers: one row per customer (grouped by the opaque
        `customer_key`; an order without one stands alone), arrived orders first."""
        views = self._views(s, rows)
        groups: dict[str, list[OrderView]] = {}
        for row, view in zip(rows, views, strict=True):
            groups.setdefault(row.customer_key or f"order:{row.order_id}", []).append(view)
        customers = []
        for orders in groups.values():
            orders.sort(key=lambda o: (not o.arrived, o.order_id))
            customers.append(CustomerCandidate(
                customer=orders[0].customer, phone=orders[0].phone,
                order_ids=[o.order_id for o in orders],
                items=sum(o.item_count for o in orders),
                waiting=sum(not o.arrived for o in orders),
                shelf_slots=[o.shelf_slot for o in orders if o.shelf_slot]))
        return Verdict(kind="candidates", query=query, orders=views, customers=customers)

    def _by_phone(self, s: Session, query: ScanQuery) -> Verdict:
        orders = self._orders(s, Order.phone_last4 == query.value, limit=200)
        open_orders = [o for o in orders if o.status == "active" and o.pickup_state == "open"]
        if not open_orders:
            if orders:
                return self._verdict_for(s, query, orders)
            return Verdict.refusal(query, "unknown")
        return self._candidates(s, query, open_orders)

    def _verdict_for(self, s: Session, query: ScanQuery, orders: list) -> Verdict:
        if not orders:
            return Verdict.refusal(query, "unknown")
        open_active = [o for o in orders if o.pickup_state == "open" and o.status == "active"]
        if len(open_active) > 1:  # a reused code in stale data: let the host choose
            return self._candidates(s, query, open_active)
        primary = open_active[0] if open_active else orders[0]
        if primary.status in ("cancelled", "refunded"):
            return Verdict.refusal(query, primary.status, orders=self._views(s, [primary]),
                                   detail={"reason": primary.cancel_reason or ""})
        if primary.pickup_state == "returned":
            return Verdict.refusal(query, "returned", orders=self._views(s, [primary]))
        if primary.pickup_state != "open":
            return self._already(s, query, primary)
        siblings = []
        if primary.customer_key:
            siblings = self._orders(
                s, (Order.customer_key == primary.customer_key)
                & (Order.order_id != primary.order_id) & (Order.pickup_state == "open")
                & (Order.status == "active"), limit=50)
        views = self._views(s, [primary, *siblings], scanned=primary.order_id)
        if not any(v.arrived for v in views):  # all on the truck: only the leader can allow it
            return Verdict.refusal(query, "not_arrived", orders=views, detail={
                "batch_id": primary.batch_id, "expected_at": self._local(primary.batch_expected_at)})
        if not all(v.arrived for v in views):  # the arrived ones go as usual
            return Verdict(kind="partly_ready", query=query, orders=views)
        return Verdict(kind="ready", query=query, orders=views)

    def _already(self, s: Session, query: ScanQuery, order) -> Verdict:
        pickup = s.scalars(select(Pickup).where(Pickup.order_id == order.order_id,
                                                Pickup.undone_at.is_(None))
                           .order_by(Pickup.picked_at.desc())).first()
        detail = {}
        if pickup is None:  # handed over at another counter of the station (sync/counter_echo)
            pickup = s.get(OtherCounterPickup, order.order_id)
        if pickup is not None:
            name = pickup.operator_id or ""
            try:
                name = ops.get_operator(s, pickup.operator_id).name if name else name
            except Refused:
                pass
            detail = {"picked_at": self._local(pickup.picked_at), "operator": name,
                      "receipt_no": pickup.receipt_no,
                      "proxy_name": getattr(pickup, "proxy_name", None) or "",
                      "counter_id": getattr(pickup, "counter_id", None) or ""}
        return Verdict.refusal(query, "already_picked_up", orders=self._views(s, [order]),
                               detail=detail)

    def _local(self, text: str | None) -> str:
        dt = parse_iso(text)
        return dt.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if dt else ""

    # --- handing over ------------------------------------------------------------------
    def hand_over(self, choices: list[OrderChoice], operator_id: str, *,
                  proxy_name: str | None = None, override: Override | None = None
                  ) -> HandoverResult:
        """Hand over one or more orders in one transaction; refuses all if any may not go.

        Arrived orders go as they are; an order whose batch is still on the truck goes only with
        a `batch_not_arrived` override, which is recorded on that order alone."""
        if not choices:
            raise Refused("counter.no_order_chosen")
        with self.store.session() as s:
            return self._hand_over_in(s, choices, operator_id, proxy_name, override)

    def warm_up(self) -> bool:
        """Rehearse a hand-over of one open order in a transaction that is rolled back: its
        statements are compiled and their pages read now, not at the first customer's confirm
        (the first hand-over of a process cost 16-30 ms CPU, the next ones ~3 ms). Nothing is
        written. False when there is no open order or no operator to rehearse with."""
        with self.store.reader() as s:
            order_id = s.execute(_REHEARSAL_ORDER).scalar()
            operator_id = s.execute(_REHEARSAL_OPERATOR).scalar()
        if order_id is None or operator_id is None:
            return False
        try:
            with self.store.session() as s:
                self._hand_over_in(s, [OrderChoice(order_id)], operator_id, None, None)
                raise _Rehearsed
        except _Rehearsed:
            return True
        except Refused:  # the order went meanwhile: nothing to rehearse with
            return False

    def _hand_over_in(self, s: Session, choices: list[OrderChoice], operator_id: str,
                      proxy_name: str | None, override: Override | None) -> HandoverResult:
        """`hand_over` inside its write transaction `s`."""
        proxy_name = (proxy_name or "").strip() or None
        now = self.clock()
        result = HandoverResult(picked_at=iso(now))
        conn = s.connection()  # Core only below: this is the counter's hot path
        operator = rows.operator_of(conn, operator_id)
        if override is not None:
            approver = rows.operator_of(conn, override.approved_by)
            if not approver.is_leader:
                raise Refused("counter.leader_approval_needed")
            if not override.reason.strip():
                raise Refused("counter.reason_needed")
        # every chosen order with its items and batch in two queries, inside the write
        # transaction (so the state checked below is the state committed over)
        ids = list(dict.fromkeys(c.order_id for c in choices))
        orders = rows.load_orders(conn, ids)
        receipts = rows.ReceiptNumbers(conn, now.astimezone(self.tz).strftime("%y%m%d"))
        writes = rows.Writes()
        seen = set()
        for choice in choices:
            if choice.order_id in seen:
                continue
            seen.add(choice.order_id)
            result.pickups.append(self._hand_over_one(
                choice, orders.get(choice.order_id), operator, proxy_name, override, now,
                receipts, writes))
        writes.write(conn)
        receipts.save()
        # the goods left the shelf: free their slots; a batch with nothing left is closed
        # (the full check only for a batch whose last open order just went)
        shelves.release_orders(conn, [p.order_id for p in result.pickups], result.picked_at)
        arrived = {o.batch_id for o in orders.values() if o.batch_status == "arrived"}
        emptied = {b for b in arrived
                   if conn.execute(rows.STILL_OPEN, {"b": b}).first() is None}
        if emptied:
            batch_state.close_finished(s, emptied, result.picked_at)
        return result

    def _hand_over_one(self, choice: OrderChoice, order: rows.OrderRow | None,
                       operator: ops.OperatorInfo, proxy_name, override: Override | None,
                       now: datetime, receipts: rows.ReceiptNumbers, writes: rows.Writes) -> HandedOver:
        if order is None:
            raise Refused("counter.unknown_order", order_id=choice.order_id, code="unknown")
        if order.status != "active":
            raise Refused("counter.order_not_active", order_id=order.order_id, code=order.status)
        if order.pickup_state == "returned":
            raise Refused("counter.order_returned", order_id=order.order_id, code="returned")
        if order.pickup_state != "open":
            raise Refused("counter.order_already_picked_up", order_id=order.order_id,
                          code="already_picked_up")
        if order.batch_status == "expected" and not (
                override and override.kind == "batch_not_arrived"):
            raise Refused("counter.batch_not_arrived", order_id=order.order_id,
                          code="not_arrived")
        if override and override.kind == "batch_not_arrived" and order.batch_status != "expected":
            override = None  # an arrived order of the same customer needs no exception
        by_id = {i.id: i for i in order.items}
        wanted = {c.item_id: c for c in (choice.lines or [])}
        if choice.lines is not None and set(wanted) - set(by_id):
            raise Refused("counter.item_not_in_order")
        pickup_id = str(uuid.uuid4())
        receipt_no = receipts.next()
        at = iso(now)
        lines: list[dict] = []
        events: list[dict] = []
        handed_total, missing_total = 0, 0
        for item in order.items:
            available = max(0, item.qty - item.qty_short - item.qty_damaged)
            pick = wanted.get(item.id)
            if choice.lines is None:
                qty, reason = available, None
            elif pick is None:
                qty, reason = 0, "declined"
            else:
                qty, reason = pick.qty_handed, pick.reason
            if not 0 <= qty <= item.qty:
                raise Refused("counter.bad_quantity", item=item.name)
            if qty < item.qty and reason is None:
                reason = "damaged" if item.qty_damaged and not item.qty_short else "short"
            if reason not in (None, *LINE_REASONS):
                raise Refused("counter.bad_line_reason", reason=reason)
            if qty == item.qty:
                reason = None
            handed_total += qty
            missing_total += item.qty - qty
            lines.append({"pickup_id": pickup_id, "sku": item.sku, "name": item.name,
                          "qty_ordered": item.qty, "qty_handed": qty,
                          "unit_price_cents": item.unit_price_cents, "reason": reason})
            # shortage found at the counter beyond what the arrival check recorded
            extra = (item.qty - qty) - (item.qty_short + item.qty_damaged)
            if extra > 0 and reason in ("short", "damaged"):
                events.append(event_row(f"item_{reason}", {
                    "sku": item.sku, "qty": extra, "stage": "counter", "note": "",
                    "operator_id": operator.operator_id,
                }, order_id=order.order_id, batch_id=order.batch_id, occurred_at=at))
        if handed_total == 0:
            raise Refused("counter.nothing_to_hand_over", code="nothing_to_hand")
        writes.pickups.append({
            "pickup_id": pickup_id, "receipt_no": receipt_no, "order_id": order.order_id,
            "operator_id": operator.operator_id, "picked_at": at, "proxy_name": proxy_name,
            "override_kind": override.kind if override else None,
            "override_reason": override.reason if override else None,
            "override_by": override.approved_by if override else None})
        writes.lines.extend(lines)
        writes.orders.append({
            "order_id": order.order_id, "updated_at": at,
            "pickup_state": "picked_up" if missing_total == 0 else "partially_picked_up"})
        writes.events.extend(events)
        writes.events.append(event_row("pickup_confirmed", {
            "pickup_id": pickup_id, "receipt_no": receipt_no,
            "operator_id": operator.operator_id, "proxy_name": proxy_name,
            "items": [{"sku": ln["sku"], "qty_ordered": ln["qty_ordered"],
                       "qty_handed": ln["qty_handed"], "reason": ln["reason"]} for ln in lines],
            "override": ({"kind": override.kind, "reason": override.reason,
                          "approved_by": override.approved_by} if override else None),
            "counter_id": receipts.counter_id,
        }, order_id=order.order_id, batch_id=order.batch_id, occurred_at=at))
        return HandedOver(pickup_id, receipt_no, order.order_id, handed_total, missing_total)

    # --- undoing -----------------------------------------------------------------------
    def undo(self, pickup_id: str, operator_id: str, reason: str, *,
             leader_id: str | None = None) -> None:
        """Undo a pickup: anyone within 10 minutes, after that only with the leader's approval."""
        reason = (reason or "").strip()
        if not reason:
            raise Refused("counter.undo_reason_needed")
        now = self.clock()
        with self.store.session() as s:
            operator = ops.get_operator(s, operator_id)
            pickup = s.get(Pickup, pickup_id)
            if pickup is None:
                raise Refused("counter.no_such_pickup")
            if pickup.undone_at:
                raise Refused("counter.already_undone")
            late = now - parse_iso(pickup.picked_at) > UNDO_WINDOW
            leader = None
            if late or leader_id:
                leader = ops.get_operator(s, leader_id) if leader_id else None
                if late and (leader is None or not leader.is_leader):
                    raise Refused("counter.undo_needs_leader_pin", code="leader_pin_required")
            pickup.undone_at = iso(now)
            pickup.undone_by = operator.operator_id
            pickup.undo_reason = reason
            pickup.undo_override_by = leader.operator_id if (late and leader) else None
            order = pickup.order
            order.pickup_state = "open"
            order.updated_at = iso(now)
            shelves.restore_order(s, order.order_id, iso(now))  # the goods are back
            batch_state.reopen(s, order.batch_id, iso(now))
            record_event(s, "pickup_undone", {
                "pickup_id": pickup.pickup_id, "receipt_no": pickup.receipt_no,
                "operator_id": operator.operator_id, "reason": reason,
                "leader_override": bool(late),
                "approved_by": leader.operator_id if (late and leader) else None,
            }, order_id=order.order_id, batch_id=order.batch_id, occurred_at=iso(now))

    def recent_pickups(self, limit: int = 20) -> list[dict]:
        # plain rows in one joined query: this runs after every hand-over, next to the UI
        with self.store.reader() as s:
            rows = s.execute(
                select(Pickup.pickup_id, Pickup.receipt_no, Pickup.order_id,
                       Order.customer_name, Pickup.picked_at, Pickup.operator_id,
                       Pickup.proxy_name, Pickup.undone_at)
                .join(Order, Order.order_id == Pickup.order_id)
                .order_by(Pickup.picked_at.desc()).limit(limit)).all()
            return [{"pickup_id": r.pickup_id, "receipt_no": r.receipt_no,
                     "order_id": r.order_id, "customer": mask_name(r.customer_name),
                     "picked_at": self._local(r.picked_at), "picked_at_utc": r.picked_at,
                     "operator_id": r.operator_id, "proxy_name": r.proxy_name or "",
                     "undone": bool(r.undone_at)} for r in rows]
