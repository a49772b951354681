"""Versioned schema migrations of the sync server, for SQLite and PostgreSQL alike.

The applied versions are rows of `schema_migrations`. Each migration is a list of SQL statements
(`{serial}` becomes the dialect's auto-increment key) applied in one transaction together with
its version row, so a database is never left half-upgraded; on PostgreSQL an advisory lock keeps
two servers starting at once from racing. Migrations only add: an upgrade keeps all data.
Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS: list[list[str]] = [
    # 1: stations, batches, orders, the change feed, events, pickups
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE stations (
            station_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            address TEXT,
            leader_name TEXT,
            token_sha256 TEXT UNIQUE,
            token_issued_at TEXT,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            app_version TEXT,
            pending_events INTEGER,
            clock_skew_seconds DOUBLE PRECISION)""",
        """CREATE TABLE batches (
            batch_id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            expected_at TEXT,
            status TEXT NOT NULL DEFAULT 'created',
            dispatched_at TEXT,
            arrived_at TEXT,
            arrived_received_at TEXT,
            arrived_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX ix_batches_station ON batches(station_id)",
        """CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES batches(batch_id),
            station_id TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            customer_name TEXT NOT NULL,
            phone TEXT NOT NULL,
            pickup_token TEXT NOT NULL,
            token_sha256 TEXT NOT NULL UNIQUE,
            pickup_code TEXT NOT NULL,
            shelf_slot TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            cancel_reason TEXT,
            cancelled_at TEXT,
            removed INTEGER NOT NULL DEFAULT 0,
            active_pickup INTEGER,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX ix_orders_batch ON orders(batch_id)",
        "CREATE INDEX ix_orders_station_code ON orders(station_id, pickup_code)",
        """CREATE TABLE order_items (
            id {serial},
            order_id TEXT NOT NULL REFERENCES orders(order_id),
            line_no INTEGER NOT NULL,
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            qty INTEGER NOT NULL,
            unit_price_cents BIGINT NOT NULL DEFAULT 0,
            category TEXT)""",
        "CREATE INDEX ix_order_items_order ON order_items(order_id)",
        """CREATE TABLE changes (
            seq {serial},
            station_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            op TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            batch_id TEXT NOT NULL,
            UNIQUE (station_id, kind, entity_id))""",
        "CREATE INDEX ix_changes_station_seq ON changes(station_id, seq)",
        """CREATE TABLE events (
            id {serial},
            station_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            order_id TEXT,
            batch_id TEXT,
            occurred_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            body_sha256 TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            sku TEXT,
            qty INTEGER,
            UNIQUE (station_id, event_id))""",
        "CREATE INDEX ix_events_order ON events(order_id)",
        """CREATE TABLE pickups (
            id {serial},
            station_id TEXT NOT NULL,
            pickup_id TEXT NOT NULL,
            order_id TEXT NOT NULL,
            batch_id TEXT NOT NULL,
            receipt_no TEXT,
            operator_id TEXT,
            proxy_name TEXT,
            picked_up_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            event_id TEXT NOT NULL,
            lines TEXT NOT NULL,
            override TEXT,
            undone_at TEXT,
            undone_received_at TEXT,
            undo_event_id TEXT,
            undo_reason TEXT,
            UNIQUE (station_id, pickup_id))""",
        "CREATE INDEX ix_pickups_order ON pickups(order_id)",
    ],
    # 2: review flags for hand-overs HQ must look at, and the pickups feed for HQ
    [
        "ALTER TABLE orders ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE orders ADD COLUMN review_reason TEXT",
        """CREATE TABLE pickup_feed (
            seq {serial},
            pickup_row BIGINT NOT NULL UNIQUE,
            station_id TEXT NOT NULL)""",
        "CREATE INDEX ix_pickup_feed_station_seq ON pickup_feed(station_id, seq)",
        ("INSERT INTO pickup_feed (pickup_row, station_id)"
         " SELECT id, station_id FROM pickups ORDER BY id"),
    ],
]

LATEST = len(MIGRATIONS)

_SERIAL = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgresql": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a newer server; this one refuses to touch it."""


def _render(statement: str, dialect: str) -> str:
    return statement.replace("{serial}", _SERIAL[dialect])


def current_version(conn: Connection) -> int:
    conn.execute(
        text("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
             " applied_at TEXT NOT NULL)")
    )
    latest = conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
    return latest.scalar_one()


def migrate(engine: Engine, target: int = LATEST) -> tuple[int, int]:
    """Bring the database to `target` (default: latest). Returns (version before, after).

    Safe to run at every start: applied versions are skipped.
    """
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7310001)"))
        before = current_version(conn)
    if before > LATEST:
        raise SchemaTooNew(f"database schema {before} is newer than this server ({LATEST})")
    version = before
    for version in range(before + 1, target + 1):
        with engine.begin() as conn:
            if dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7310001)"))
                if current_version(conn) >= version:  # another server did it meanwhile
                    continue
            for statement in MIGRATIONS[version - 1]:
                conn.execute(text(_render(statement, dialect)))
            conn.execute(
                text("INSERT INTO schema_migrations (version, applied_at) VALUES (:v, :t)"),
                {"v": version, "t": datetime.now(UTC).isoformat(timespec="milliseconds")},
            )
    return before, max(before, version)
