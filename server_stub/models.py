"""Tables of the sync server (SQLAlchemy Core): the schema the Alembic migrations make.

`tests/server/test_migrations.py` compares this metadata with a migrated database (Alembic
autogenerate, SQLite and PostgreSQL): no difference is allowed. A schema change is a new
revision in `alembic/versions/` plus the matching change here.
Times are UTC ISO-8601 text; money integer cents (fen); booleans 0/1 integers.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.sqlite import REAL

metadata = MetaData()

# Auto-increment keys: BIGINT identity on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT (the
# rowid) on SQLite. Row references to them use the same type.
RowId = BigInteger().with_variant(Integer(), "sqlite")


def _serial(name: str) -> Column:
    return Column(name, RowId, primary_key=True, autoincrement=True)


meta = Table("meta", metadata, Column("key", Text, primary_key=True), Column("value", Text))

# A pickup point (自提点) registered by HQ; its token is stored only as a SHA-256.
stations = Table(
    "stations", metadata,
    Column("station_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("address", Text),
    Column("leader_name", Text),
    Column("token_sha256", Text, unique=True),
    Column("token_issued_at", Text),
    Column("created_at", Text, nullable=False),
    Column("last_seen_at", Text),
    Column("app_version", Text),
    Column("pending_events", Integer),
    Column("clock_skew_seconds", Double().with_variant(REAL(), "sqlite")),
)

# One truck's load for one pickup point (配送批次). status: created / dispatched.
batches = Table(
    "batches", metadata,
    Column("batch_id", Text, primary_key=True),
    Column("station_id", Text, ForeignKey("stations.station_id"), nullable=False),
    Column("expected_at", Text),
    Column("status", Text, nullable=False, server_default=text("'created'")),
    Column("dispatched_at", Text),
    Column("arrived_at", Text),
    Column("arrived_received_at", Text),
    Column("arrived_by", Text),
    Column("created_at", Text, nullable=False),
    # the station's side (issue 10): counted by product (rule of the shortfall), closed or not
    Column("by_product", Integer, nullable=False, server_default=text("0")),
    Column("receive_rule", Text),
    Column("station_state", Text),  # open / closed, as the station last reported it
    Column("station_state_at", Text),  # occurred_at of that report (a later one wins)
    Column("closed_at", Text),
    Column("closed_counts", Text),  # JSON {handed_over, returned, cancelled}
    Column("updated_at", Text, nullable=False),
    Index("ix_batches_station", "station_id"),
)

# A customer's order in a batch. status: active / cancelled (HQ's view). removed=1: dropped
# when HQ replaced the batch (kept so its token and code survive a later re-add).
orders = Table(
    "orders", metadata,
    Column("order_id", Text, primary_key=True),
    Column("batch_id", Text, ForeignKey("batches.batch_id"), nullable=False),
    Column("station_id", Text, nullable=False),
    Column("position", Integer, nullable=False, server_default=text("0")),
    Column("customer_name", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("pickup_token", Text, nullable=False),
    Column("token_sha256", Text, nullable=False, unique=True),
    Column("pickup_code", Text, nullable=False),
    Column("shelf_slot", Text),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("cancel_reason", Text),
    Column("cancelled_at", Text),
    Column("removed", Integer, nullable=False, server_default=text("0")),
    Column("active_pickup", RowId),  # pickups.id of the hand-over that stands
    Column("updated_at", Text, nullable=False),
    Column("needs_review", Integer, nullable=False, server_default=text("0")),
    Column("review_reason", Text),
    Index("ix_orders_batch", "batch_id"),
    Index("ix_orders_station_code", "station_id", "pickup_code"),
)

order_items = Table(
    "order_items", metadata,
    _serial("id"),
    Column("order_id", Text, ForeignKey("orders.order_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("qty", Integer, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False, server_default=text("0")),
    Column("category", Text),
    Index("ix_order_items_order", "order_id"),
    sqlite_autoincrement=True,
)

# The change feed a station pulls: one row per (station, kind, entity), moved to a new seq
# each time the entity changes. kind: batch / order; op: upsert / delete.
changes = Table(
    "changes", metadata,
    _serial("seq"),
    Column("station_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("op", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("batch_id", Text, nullable=False),
    UniqueConstraint("station_id", "kind", "entity_id"),
    Index("ix_changes_station_seq", "station_id", "seq"),
    sqlite_autoincrement=True,
)

# Every event a station pushed, kept for good: UNIQUE (station_id, event_id) is the dedup.
events = Table(
    "events", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),  # canonical UUID text (lower case, hyphens)
    Column("type", Text, nullable=False),
    Column("order_id", Text),
    Column("batch_id", Text),
    Column("occurred_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("body_sha256", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("sku", Text),
    Column("qty", Integer),
    UniqueConstraint("station_id", "event_id"),
    Index("ix_events_order", "order_id"),
    sqlite_autoincrement=True,
)

# A hand-over (核销) as the station reported it; undone_* set when the counter undid it.
pickups = Table(
    "pickups", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("pickup_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("batch_id", Text, nullable=False),
    Column("receipt_no", Text),
    Column("operator_id", Text),
    Column("proxy_name", Text),
    Column("picked_up_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("lines", Text, nullable=False),
    Column("override", Text),
    Column("undone_at", Text),
    Column("undone_received_at", Text),
    Column("undo_event_id", Text),
    Column("undo_reason", Text),
    UniqueConstraint("station_id", "pickup_id"),
    Index("ix_pickups_order", "order_id"),
    sqlite_autoincrement=True,
)

# HQ's feed of pickups: a pickup moves to a new seq when it is undone, so pollers see it again.
pickup_feed = Table(
    "pickup_feed", metadata,
    _serial("seq"),
    Column("pickup_row", BigInteger, nullable=False, unique=True),
    Column("station_id", Text, nullable=False),
    Index("ix_pickup_feed_station_seq", "station_id", "seq"),
    sqlite_autoincrement=True,
)


# --- the leader's day (issue 10; services/leader_events.py) ----------------------------------

# What the station counted per product at the sign-off (received may exceed expected), then
# changed by corrections (the latest by occurred_at wins).
batch_receipts = Table(
    "batch_receipts", metadata,
    Column("batch_id", Text, primary_key=True),
    Column("sku", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    Column("counted_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

# Each arrival_corrected as received: one product's count after the sign-off.
batch_corrections = Table(
    "batch_corrections", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("batch_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("received_before", Integer, nullable=False),
    Column("received_after", Integer, nullable=False),
    Column("surplus", Integer, nullable=False),
    Column("note", Text),
    Column("operator_id", Text),
    Column("occurred_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("lines", Text, nullable=False),  # JSON, as sent
    Index("ix_batch_corrections_batch", "batch_id"),
    sqlite_autoincrement=True,
)

# An order line's short quantity as the last correction set it (absolute); item_short events
# that occurred later add to it.
line_shorts = Table(
    "line_shorts", metadata,
    Column("order_id", Text, primary_key=True),
    Column("sku", Text, primary_key=True),
    Column("qty_short", Integer, nullable=False),
    Column("corrected_at", Text, nullable=False),
    Column("event_id", Text, nullable=False),
)

# An order whose goods went back to HQ (退回): its status at HQ reads `returned`.
order_returns = Table(
    "order_returns", metadata,
    Column("order_id", Text, primary_key=True),
    Column("station_id", Text, nullable=False),
    Column("batch_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("returned_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("operator_id", Text),
    Column("reason", Text, nullable=False),
    Column("shelf_slot", Text),
    Column("items", Text, nullable=False),  # JSON [{sku, qty}]
    Index("ix_order_returns_batch", "batch_id"),
)

# A leader asked HQ to remind a customer to collect; notified_at is for HQ's notifier.
reminder_requests = Table(
    "reminder_requests", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("batch_id", Text),
    Column("event_id", Text, nullable=False),
    Column("operator_id", Text),
    Column("shelf_slot", Text),
    Column("days_waiting", Double().with_variant(REAL(), "sqlite")),
    Column("requested_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("notified_at", Text),
    Index("ix_reminder_requests_station", "station_id", "id"),
    Index("ix_reminder_requests_order", "order_id"),
    sqlite_autoincrement=True,
)

# The station's day closing (日结): one per station and local day.
day_closings = Table(
    "day_closings", metadata,
    Column("station_id", Text, primary_key=True),
    Column("day", Text, primary_key=True),
    Column("event_id", Text, nullable=False),
    Column("operator_id", Text),
    Column("closed_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("totals", Text, nullable=False),  # JSON
    Column("operators", Text, nullable=False),  # JSON, without display names
    Column("counted", Text, nullable=False),  # JSON
    Column("discrepancies", Text, nullable=False),  # JSON
    Column("discrepancy_count", Integer, nullable=False),
)


# --- HQ's one view of the chain (issue 11; services/hq_lists.py, hq_reports.py) -------------
# Columns kept by `PUT /api/v1/batches/{id}` so the lists filter and sum with an index instead
# of a scan: the batch's day at HQ (UTC+8 date of expected_at, else of its creation) and its
# commission rate; the order's ordered value and the last 4 digits of its phone.
batches.append_column(Column("day", Text))
batches.append_column(Column("commission_rate", Integer))  # basis points (1000 = 10 %)
orders.append_column(Column("phone_last4", Text, nullable=False, server_default=text("''")))
orders.append_column(Column("value_cents", BigInteger, nullable=False, server_default=text("0")))
Index("ix_batches_day", batches.c.day, batches.c.batch_id)
Index("ix_batches_station_day", batches.c.station_id, batches.c.day, batches.c.batch_id)
Index("ix_batches_arrived", batches.c.arrived_at)
Index("ix_orders_station_order", orders.c.station_id, orders.c.order_id)
Index("ix_orders_last4", orders.c.phone_last4, orders.c.order_id)
Index("ix_orders_state", orders.c.status, orders.c.active_pickup, orders.c.removed,
      orders.c.order_id)
Index("ix_orders_batch_figures", orders.c.batch_id, orders.c.status, orders.c.removed,
      orders.c.active_pickup, orders.c.value_cents)
Index("ix_pickups_picked_up", pickups.c.picked_up_at)
Index("ix_pickups_station_time", pickups.c.station_id, pickups.c.picked_up_at)
Index("ix_events_type_occurred", events.c.type, events.c.occurred_at)
Index("ix_order_returns_returned", order_returns.c.returned_at)
