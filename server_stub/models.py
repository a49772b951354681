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
    Column("station_slot", Text),  # where the station put it at sign-off (slots_assigned)
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


# --- HQ's needs-review queue (issue 11; services/review.py) ----------------------------------

# What HQ must look at: a hand-over after a cancel, one order handed over twice, a day
# closing's shelf-count discrepancies, goods returned. Made in the push that reported it (one
# per causing event); resolved by HQ with a note, which the station pulls (change kind
# `review`). body: JSON, the kind's details (docs/protocol.md).
review_items = Table(
    "review_items", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("order_id", Text),
    Column("batch_id", Text),
    Column("event_id", Text, nullable=False),  # the event that caused it (canonical UUID)
    Column("occurred_at", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("state", Text, nullable=False, server_default=text("'open'")),
    Column("note", Text),
    Column("resolved_at", Text),
    Column("resolved_by", Text),  # the HQ console user, or "api" (the admin token)
    UniqueConstraint("station_id", "event_id"),
    Index("ix_review_items_state", "state", "id"),
    Index("ix_review_items_station", "station_id", "id"),
    sqlite_autoincrement=True,
)


# --- notices to customers (issue 11; services/notices.py, notifier/) -------------------------

# The notification outbox: one row per thing a customer is told (kind: ready / short /
# reminder / cancelled), written in the transaction of its cause; `cause_key` makes a re-sent
# event or a re-run sweep add nothing. No personal data here: name and phone are read from the
# order when the notice is sent. state: pending / failed (retried at next_attempt_at) /
# delivered / dead (gave up at deadline_at; HQ may retry it).
notices = Table(
    "notices", metadata,
    _serial("id"),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("cause_key", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("station_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("batch_id", Text),
    Column("event_id", Text),
    Column("content", Text, nullable=False),  # JSON: what the message says (no phone/name)
    Column("state", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("last_attempt_at", Text),
    Column("created_at", Text, nullable=False),
    Column("next_attempt_at", Text, nullable=False),
    Column("deadline_at", Text),
    Column("lease_until", Text),
    Column("delivered_at", Text),
    Column("dead_at", Text),
    Index("ix_notices_due", "state", "next_attempt_at"),
    Index("ix_notices_order", "order_id"),
    Index("ix_notices_station", "station_id", "id"),
    Index("ix_notices_created", "created_at"),
    sqlite_autoincrement=True,
)


# --- the HQ console (issue 11; server_stub/console/) -----------------------------------------

# Someone at HQ who signs in to the web console. role: admin (may act) / viewer (reads only).
# password_hash: scrypt (server_stub/console/passwords.py). A disabled user cannot sign in.
console_users = Table(
    "console_users", metadata,
    _serial("id"),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("password_changed_at", Text, nullable=False),
    Column("disabled_at", Text),
    Column("last_login_at", Text),
    Column("failed_logins", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", Text),  # wrong passwords in a row lock the account until then
    sqlite_autoincrement=True,
)

# A signed-in browser: the cookie holds a random token, this row only its SHA-256.
console_sessions = Table(
    "console_sessions", metadata,
    Column("session_sha256", Text, primary_key=True),
    Column("user_id", RowId, ForeignKey("console_users.id"), nullable=False),
    Column("csrf_token", Text, nullable=False),  # every form of this session carries it
    Column("created_at", Text, nullable=False),
    Column("last_seen_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Index("ix_console_sessions_user", "user_id"),
)


# The hand-over journal of each station (issue 11): one row per journal link an event carried
# (docs/protocol.md, "Journal"). `hash_ok`: the hash recomputed from the event's data is the one
# the station claimed; `link`: what ingest found before it (ok / wrong_prev / gap / genesis).
# Breaks are flagged, never refused; GET /stations/{id}/journal/verify walks the chain.
journal_entries = Table(
    "journal_entries", metadata,
    _serial("id"),
    Column("station_id", Text, nullable=False),
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("record_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("hash_ok", Integer, nullable=False),
    Column("link", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    UniqueConstraint("station_id", "event_id", name="uq_journal_entries_event"),
    Index("ix_journal_entries_seq", "station_id", "seq"),
    sqlite_autoincrement=True,
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
