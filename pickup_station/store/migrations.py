"""Numbered schema migrations of the station store.

The schema version lives in SQLite's `PRAGMA user_version`. Each migration is a list of SQL
statements applied in one transaction together with the version bump, so a store is never left
half-upgraded. Migrations only ever add: an upgrade never drops local data.
Add a new migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[list[str]] = [
    # 1: the first schema
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)""",
        """CREATE TABLE batches (
            batch_id TEXT PRIMARY KEY,
            station_id TEXT,
            expected_at TEXT,
            status TEXT NOT NULL DEFAULT 'expected',
            dispatched_at TEXT,
            arrived_at TEXT,
            arrived_by TEXT,
            updated_at TEXT)""",
        """CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES batches(batch_id),
            customer_name TEXT NOT NULL,
            phone_masked TEXT NOT NULL DEFAULT '',
            phone_last4 TEXT NOT NULL DEFAULT '',
            customer_key TEXT,
            token_sha256 TEXT UNIQUE,
            pickup_code TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            cancel_reason TEXT,
            pickup_state TEXT NOT NULL DEFAULT 'open',
            shelf_slot TEXT,
            updated_at TEXT)""",
        "CREATE INDEX ix_orders_batch_id ON orders(batch_id)",
        "CREATE INDEX ix_orders_phone_last4 ON orders(phone_last4)",
        "CREATE INDEX ix_orders_customer_key ON orders(customer_key)",
        "CREATE INDEX ix_orders_pickup_code ON orders(pickup_code)",
        """CREATE TABLE order_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id TEXT NOT NULL REFERENCES orders(order_id) ON DELETE CASCADE,
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            qty INTEGER NOT NULL,
            unit_price_cents INTEGER NOT NULL DEFAULT 0,
            category TEXT,
            qty_short INTEGER NOT NULL DEFAULT 0,
            qty_damaged INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX ix_order_items_order_id ON order_items(order_id)",
        """CREATE TABLE operators (
            operator_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'assistant',
            pin_salt TEXT NOT NULL,
            pin_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1)""",
        """CREATE TABLE pickups (
            pickup_id TEXT PRIMARY KEY,
            receipt_no TEXT NOT NULL UNIQUE,
            order_id TEXT NOT NULL REFERENCES orders(order_id),
            operator_id TEXT NOT NULL,
            picked_at TEXT NOT NULL,
            proxy_name TEXT,
            override_kind TEXT,
            override_reason TEXT,
            override_by TEXT,
            undone_at TEXT,
            undone_by TEXT,
            undo_reason TEXT,
            undo_override_by TEXT)""",
        "CREATE INDEX ix_pickups_order_id ON pickups(order_id)",
        "CREATE INDEX ix_pickups_picked_at ON pickups(picked_at)",
        """CREATE TABLE pickup_lines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pickup_id TEXT NOT NULL REFERENCES pickups(pickup_id) ON DELETE CASCADE,
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            qty_ordered INTEGER NOT NULL,
            qty_handed INTEGER NOT NULL,
            unit_price_cents INTEGER NOT NULL DEFAULT 0,
            reason TEXT)""",
        "CREATE INDEX ix_pickup_lines_pickup_id ON pickup_lines(pickup_id)",
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            order_id TEXT,
            batch_id TEXT,
            payload TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT)""",
        """CREATE TABLE attention (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            event_id TEXT,
            event_type TEXT,
            order_id TEXT,
            reason TEXT NOT NULL,
            detail TEXT,
            created_at TEXT NOT NULL,
            resolved_at TEXT)""",
    ],
]

LATEST = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bring the store to the latest schema. Returns (version before, version after).

    Refuses a store made by a newer app rather than touching it.
    """
    before = current_version(conn)
    if before > LATEST:
        from pickup_station.errors import StoreTooNew

        raise StoreTooNew(before, LATEST)
    for version in range(before + 1, LATEST + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before, LATEST
