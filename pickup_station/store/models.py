"""Tables of the station's local store (SQLAlchemy 2.x ORM).

The schema itself is created and upgraded by the numbered migrations in
`migrations.py`; these classes map onto it. `tests/unit/test_store.py` checks that the two agree.
Times are stored as UTC ISO-8601 text; money as integer cents (fen).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts of this store: station id, pull cursor, last sync, receipt counter."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class Batch(Base):
    """One delivery batch (配送批次) for this pickup point."""

    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(String, primary_key=True)
    station_id: Mapped[str | None] = mapped_column(String)
    expected_at: Mapped[str | None] = mapped_column(String)  # UTC ISO
    # expected (not yet here) / arrived (signed off) / closed (day closed, leftovers returned)
    status: Mapped[str] = mapped_column(String, default="expected")
    dispatched_at: Mapped[str | None] = mapped_column(String)
    arrived_at: Mapped[str | None] = mapped_column(String)
    arrived_by: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[str | None] = mapped_column(String)

    orders: Mapped[list[Order]] = relationship(back_populates="batch")


class Order(Base):
    __tablename__ = "orders"
    order_id: Mapped[str] = mapped_column(String, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    customer_name: Mapped[str] = mapped_column(String)
    phone_masked: Mapped[str] = mapped_column(String, default="")
    phone_last4: Mapped[str] = mapped_column(String, default="", index=True)
    customer_key: Mapped[str | None] = mapped_column(String, index=True)
    token_sha256: Mapped[str | None] = mapped_column(String, unique=True)
    pickup_code: Mapped[str | None] = mapped_column(String, index=True)
    # active / cancelled / refunded (HQ's view of the order)
    status: Mapped[str] = mapped_column(String, default="active")
    cancel_reason: Mapped[str | None] = mapped_column(String)
    # open / picked_up / partially_picked_up (what happened at this counter)
    pickup_state: Mapped[str] = mapped_column(String, default="open")
    shelf_slot: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[str | None] = mapped_column(String)

    batch: Mapped[Batch] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), index=True)
    sku: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    qty: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[str | None] = mapped_column(String)
    qty_short: Mapped[int] = mapped_column(Integer, default=0)  # found short at arrival
    qty_damaged: Mapped[int] = mapped_column(Integer, default=0)  # found damaged at arrival

    order: Mapped[Order] = relationship(back_populates="items")


class Operator(Base):
    """Whoever stands at the counter. The leader (团长) may approve overrides."""

    __tablename__ = "operators"
    operator_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String, default="assistant")  # leader / assistant
    pin_salt: Mapped[str] = mapped_column(String)
    pin_hash: Mapped[str] = mapped_column(String)
    active: Mapped[int] = mapped_column(Integer, default=1)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)  # wrong PINs in a row
    locked_until: Mapped[str | None] = mapped_column(String)  # UTC ISO; after 5 wrong PINs
    must_change_pin: Mapped[int] = mapped_column(Integer, default=0)  # the default leader PIN


class Pickup(Base):
    """One hand-over (核销) of one order, with its receipt number."""

    __tablename__ = "pickups"
    pickup_id: Mapped[str] = mapped_column(String, primary_key=True)  # uuid
    receipt_no: Mapped[str] = mapped_column(String, unique=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), index=True)
    operator_id: Mapped[str] = mapped_column(String)
    picked_at: Mapped[str] = mapped_column(String, index=True)  # UTC ISO
    proxy_name: Mapped[str | None] = mapped_column(String)
    override_kind: Mapped[str | None] = mapped_column(String)  # batch_not_arrived / no_code
    override_reason: Mapped[str | None] = mapped_column(String)
    override_by: Mapped[str | None] = mapped_column(String)
    undone_at: Mapped[str | None] = mapped_column(String)
    undone_by: Mapped[str | None] = mapped_column(String)
    undo_reason: Mapped[str | None] = mapped_column(String)
    undo_override_by: Mapped[str | None] = mapped_column(String)  # leader who allowed a late undo

    lines: Mapped[list[PickupLine]] = relationship(
        back_populates="pickup", cascade="all, delete-orphan", order_by="PickupLine.id"
    )
    order: Mapped[Order] = relationship()


class PickupLine(Base):
    __tablename__ = "pickup_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pickup_id: Mapped[str] = mapped_column(ForeignKey("pickups.pickup_id"), index=True)
    sku: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    qty_ordered: Mapped[int] = mapped_column(Integer)
    qty_handed: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String)  # short / damaged when not all handed

    pickup: Mapped[Pickup] = relationship(back_populates="lines")


class OtherCounterPickup(Base):
    """A hand-over made at another counter (PC) of this station, learnt from a pull: the order
    is picked up here too, and a scan of its code says when, where and which receipt."""

    __tablename__ = "other_counter_pickups"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id", ondelete="CASCADE"),
                                          primary_key=True)
    pickup_id: Mapped[str] = mapped_column(String)
    receipt_no: Mapped[str | None] = mapped_column(String)
    operator_id: Mapped[str | None] = mapped_column(String)
    counter_id: Mapped[str | None] = mapped_column(String)
    picked_at: Mapped[str] = mapped_column(String)  # UTC ISO
    partial: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[str] = mapped_column(String)


class OutboxEvent(Base):
    """An event waiting for upload. Deleted only after the server answered for it."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String, unique=True)
    type: Mapped[str] = mapped_column(String)
    order_id: Mapped[str | None] = mapped_column(String)
    batch_id: Mapped[str | None] = mapped_column(String)
    payload: Mapped[str] = mapped_column(Text)  # JSON of the event's `data`
    occurred_at: Mapped[str] = mapped_column(String)  # UTC ISO with offset
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String)


class JournalEntry(Base):
    """One entry of the hand-over journal: a pickup, undo, return or day closing, hash-chained
    (`pickup_station.journal_form`; written by `core/journal.py`, checked by `journal_check`)."""

    __tablename__ = "journal"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, 3 ... no gaps
    kind: Mapped[str] = mapped_column(String)  # the event type
    record_id: Mapped[str] = mapped_column(String)  # pickup_id / order_id / day
    event_id: Mapped[str] = mapped_column(String, unique=True)  # the outbox event it travels in
    body: Mapped[str] = mapped_column(Text)  # the canonical record (UTF-8 JSON)
    prev_hash: Mapped[str] = mapped_column(String)
    hash: Mapped[str] = mapped_column(String)


class AttentionItem(Base):
    """Something the host must look at: a rejected event, an order cancelled after hand-over."""

    __tablename__ = "attention"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String)  # rejected_event / cancelled_after_pickup / ...
    event_id: Mapped[str | None] = mapped_column(String)
    event_type: Mapped[str | None] = mapped_column(String)
    order_id: Mapped[str | None] = mapped_column(String)
    reason: Mapped[str] = mapped_column(String)
    detail: Mapped[str | None] = mapped_column(Text)  # JSON
    created_at: Mapped[str] = mapped_column(String)
    resolved_at: Mapped[str | None] = mapped_column(String)


class Shelf(Base):
    """One shelf of the station's layout (货架): slots are `NAME-LEVEL-POSITION`, e.g. A-3-12."""

    __tablename__ = "shelves"
    name: Mapped[str] = mapped_column(String, primary_key=True)
    area: Mapped[str] = mapped_column(String)  # normal / chilled / frozen / overflow
    levels: Mapped[int] = mapped_column(Integer)
    positions: Mapped[int] = mapped_column(Integer)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class SlotAssignment(Base):
    """A slot held for one customer's orders of one batch, from sign-off until freed.
    A partial UNIQUE index keeps a slot held by at most one assignment at a time."""

    __tablename__ = "slot_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slot: Mapped[str] = mapped_column(String)
    area: Mapped[str] = mapped_column(String)
    batch_id: Mapped[str | None] = mapped_column(String)
    group_key: Mapped[str] = mapped_column(String)  # customer key (or order id), 'legacy'
    assigned_at: Mapped[str] = mapped_column(String)
    freed_at: Mapped[str | None] = mapped_column(String)


class OrderSlot(Base):
    """Which assignment holds an order's goods; released when the order leaves the shelf."""

    __tablename__ = "order_slots"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("slot_assignments.id"),
                                               primary_key=True)
    released_at: Mapped[str | None] = mapped_column(String)


class Category(Base):
    """How an item category is kept: dry / fresh / chilled / frozen (area and uncollected days)."""

    __tablename__ = "categories"
    category: Mapped[str] = mapped_column(String, primary_key=True)
    storage: Mapped[str] = mapped_column(String)


class UncollectedThreshold(Base):
    __tablename__ = "uncollected_thresholds"
    storage: Mapped[str] = mapped_column(String, primary_key=True)
    days: Mapped[int] = mapped_column(Integer)


class BatchReceipt(Base):
    """What the leader counted off the truck, per product of a batch (到货签收 by product)."""

    __tablename__ = "batch_receipts"
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    expected: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)


class OrderReturn(Base):
    """An uncollected order sent back to HQ (退回)."""

    __tablename__ = "order_returns"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), primary_key=True)
    returned_at: Mapped[str] = mapped_column(String)
    operator_id: Mapped[str] = mapped_column(String)
    reason: Mapped[str] = mapped_column(String)
    items: Mapped[int] = mapped_column(Integer, default=0)


class Reminder(Base):
    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), index=True)
    requested_at: Mapped[str] = mapped_column(String)
    operator_id: Mapped[str] = mapped_column(String)


class DayClosing(Base):
    """A closed day (日结): figures, goods count and discrepancies as JSON, for reprints."""

    __tablename__ = "day_closings"
    day: Mapped[str] = mapped_column(String, primary_key=True)  # local YYYY-MM-DD
    closed_at: Mapped[str] = mapped_column(String)
    operator_id: Mapped[str] = mapped_column(String)
    body: Mapped[str] = mapped_column(Text)


class PrintJob(Base):
    """A print that failed, kept so it can be retried after a restart."""

    __tablename__ = "print_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String)  # receipt / label / day_summary / packing_list ...
    ref_ids: Mapped[str] = mapped_column(Text)  # JSON list of ids the paper is made from
    state: Mapped[str] = mapped_column(String, default="failed")  # failed / printed / dismissed
    error: Mapped[str | None] = mapped_column(String)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[str] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)


__all__ = [
    "AttentionItem",
    "Base",
    "Batch",
    "BatchReceipt",
    "Category",
    "DayClosing",
    "Meta",
    "Operator",
    "Order",
    "OrderItem",
    "OrderReturn",
    "OrderSlot",
    "OutboxEvent",
    "Pickup",
    "PickupLine",
    "PrintJob",
    "Reminder",
    "Shelf",
    "SlotAssignment",
    "UncollectedThreshold",
]
