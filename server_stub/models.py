"""Tables of the sync server (SQLAlchemy Core), mapped onto the schema made by `migrations.py`.

`tests/server/test_migrations.py` checks that these columns and the migrated schema agree.
Times are UTC ISO-8601 text; money integer cents (fen); booleans 0/1 integers.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, Table, Text

metadata = MetaData()

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
    Column("clock_skew_seconds", Float),
)

# One truck's load for one pickup point (配送批次). status: created / dispatched.
batches = Table(
    "batches", metadata,
    Column("batch_id", Text, primary_key=True),
    Column("station_id", Text, nullable=False),
    Column("expected_at", Text),
    Column("status", Text, nullable=False),
    Column("dispatched_at", Text),
    Column("arrived_at", Text),
    Column("arrived_received_at", Text),
    Column("arrived_by", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

# A customer's order in a batch. status: active / cancelled (HQ's view). removed=1: dropped
# when HQ replaced the batch (kept so its token and code survive a later re-add).
orders = Table(
    "orders", metadata,
    Column("order_id", Text, primary_key=True),
    Column("batch_id", Text, nullable=False),
    Column("station_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("customer_name", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("pickup_token", Text, nullable=False),
    Column("token_sha256", Text, nullable=False, unique=True),
    Column("pickup_code", Text, nullable=False),
    Column("shelf_slot", Text),
    Column("status", Text, nullable=False),
    Column("cancel_reason", Text),
    Column("cancelled_at", Text),
    Column("removed", Integer, nullable=False),
    Column("active_pickup", BigInteger),  # pickups.id of the hand-over that stands
    Column("updated_at", Text, nullable=False),
    Column("needs_review", Integer, nullable=False),
    Column("review_reason", Text),
)

order_items = Table(
    "order_items", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("order_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("qty", Integer, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("category", Text),
)

# The change feed a station pulls: one row per (station, kind, entity), moved to a new seq
# each time the entity changes. kind: batch / order; op: upsert / delete.
changes = Table(
    "changes", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=True),
    Column("station_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("op", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("batch_id", Text, nullable=False),
)

# Every event a station pushed, kept for good: UNIQUE (station_id, event_id) is the dedup.
events = Table(
    "events", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("station_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
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
)

# A hand-over (核销) as the station reported it; undone_* set when the counter undid it.
pickups = Table(
    "pickups", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
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
)

# HQ's feed of pickups: a pickup moves to a new seq when it is undone, so pollers see it again.
pickup_feed = Table(
    "pickup_feed", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=True),
    Column("pickup_row", BigInteger, nullable=False, unique=True),
    Column("station_id", Text, nullable=False),
)
