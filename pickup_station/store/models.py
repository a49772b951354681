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


__all__ = [
    "AttentionItem",
    "Base",
    "Batch",
    "Meta",
    "Operator",
    "Order",
    "OrderItem",
    "OutboxEvent",
    "Pickup",
    "PickupLine",
]
