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
    # 2: the leader's day (issue 10): shelves and slot occupancy, receiving by product,
    # returns, day closings, operator lockout, failed prints. Only adds; existing open orders
    # keep their old-scheme shelf slots, marked occupied here.
    [
        """CREATE TABLE shelves (
            name TEXT PRIMARY KEY,
            area TEXT NOT NULL CHECK (area IN ('normal', 'chilled', 'frozen', 'overflow')),
            levels INTEGER NOT NULL CHECK (levels BETWEEN 1 AND 99),
            positions INTEGER NOT NULL CHECK (positions BETWEEN 1 AND 99),
            sort INTEGER NOT NULL DEFAULT 0)""",
        # the old A-H x 10 x 30 sequence stays as the normal area; a cold and a frozen shelf
        *[f"INSERT INTO shelves VALUES ('{z}', 'normal', 10, 30, {i})"
          for i, z in enumerate("ABCDEFGH")],
        "INSERT INTO shelves VALUES ('R', 'chilled', 5, 20, 20)",
        "INSERT INTO shelves VALUES ('Z', 'frozen', 5, 20, 30)",
        """CREATE TABLE slot_assignments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            slot TEXT NOT NULL,
            area TEXT NOT NULL,
            batch_id TEXT,
            group_key TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            freed_at TEXT)""",
        # the rule of the shelf: a slot is held by at most one assignment at a time
        "CREATE UNIQUE INDEX ux_slot_occupied ON slot_assignments(slot) WHERE freed_at IS NULL",
        """CREATE TABLE order_slots (
            order_id TEXT NOT NULL REFERENCES orders(order_id) ON DELETE CASCADE,
            assignment_id INTEGER NOT NULL REFERENCES slot_assignments(id),
            released_at TEXT,
            PRIMARY KEY (order_id, assignment_id))""",
        "CREATE INDEX ix_order_slots_assignment ON order_slots(assignment_id)",
        # old-scheme slots of orders still on the shelf (or still to come) stay theirs
        """INSERT INTO slot_assignments (slot, area, batch_id, group_key, assigned_at)
            SELECT shelf_slot, 'normal', MIN(batch_id), 'legacy',
                   strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
            FROM orders WHERE shelf_slot IS NOT NULL AND shelf_slot <> ''
              AND pickup_state = 'open' AND status = 'active'
            GROUP BY shelf_slot""",
        """INSERT INTO order_slots (order_id, assignment_id)
            SELECT o.order_id, a.id FROM orders o
            JOIN slot_assignments a ON a.slot = o.shelf_slot AND a.freed_at IS NULL
            WHERE o.pickup_state = 'open' AND o.status = 'active'""",
        """CREATE TABLE categories (
            category TEXT PRIMARY KEY,
            storage TEXT NOT NULL CHECK (storage IN ('dry', 'fresh', 'chilled', 'frozen')))""",
        *[f"INSERT INTO categories VALUES ('{c}', '{k}')" for c, k in (
            ("蔬菜", "fresh"), ("水果", "fresh"), ("烘焙", "fresh"), ("鲜花", "fresh"),
            ("肉禽", "chilled"), ("蛋奶", "chilled"), ("豆制品", "chilled"),
            ("冷藏", "chilled"), ("水产", "frozen"), ("冷冻", "frozen"), ("速冻", "frozen"),
            ("粮油", "dry"), ("零食", "dry"), ("日用", "dry"), ("酒水", "dry"),
            ("fresh", "fresh"), ("chilled", "chilled"), ("frozen", "frozen"), ("dry", "dry"))],
        """CREATE TABLE uncollected_thresholds (
            storage TEXT PRIMARY KEY,
            days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365))""",
        ("INSERT INTO uncollected_thresholds VALUES ('fresh', 1), ('chilled', 1), "
         "('frozen', 2), ('dry', 7)"),
        """CREATE TABLE batch_receipts (
            batch_id TEXT NOT NULL REFERENCES batches(batch_id),
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            expected INTEGER NOT NULL,
            received INTEGER NOT NULL,
            rule TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (batch_id, sku))""",
        """CREATE TABLE order_returns (
            order_id TEXT PRIMARY KEY REFERENCES orders(order_id),
            returned_at TEXT NOT NULL,
            operator_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            items INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX ix_order_returns_at ON order_returns(returned_at)",
        """CREATE TABLE reminders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id TEXT NOT NULL REFERENCES orders(order_id) ON DELETE CASCADE,
            requested_at TEXT NOT NULL,
            operator_id TEXT NOT NULL)""",
        "CREATE INDEX ix_reminders_order_id ON reminders(order_id)",
        """CREATE TABLE day_closings (
            day TEXT PRIMARY KEY,
            closed_at TEXT NOT NULL,
            operator_id TEXT NOT NULL,
            body TEXT NOT NULL)""",
        "ALTER TABLE operators ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE operators ADD COLUMN locked_until TEXT",
        "ALTER TABLE operators ADD COLUMN must_change_pin INTEGER NOT NULL DEFAULT 0",
        # a store made before this still has the default leader exactly as first created
        "UPDATE operators SET must_change_pin = 1 WHERE operator_id = 'leader' AND name = '团长'",
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            ref_ids TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'failed' CHECK (state IN ('failed', 'printed', 'dismissed')),
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX ix_print_jobs_state ON print_jobs(state)",
        "CREATE INDEX ix_pickups_undone_at ON pickups(undone_at)",
        # is anything of this batch still on the shelf? (asked after every hand-over)
        "CREATE INDEX ix_orders_batch_state ON orders(batch_id, pickup_state)",
    ],
    # 3: hand-overs made at the station's other counters, as a pull reported them (issue 11)
    [
        """CREATE TABLE other_counter_pickups (
            order_id TEXT PRIMARY KEY REFERENCES orders(order_id) ON DELETE CASCADE,
            pickup_id TEXT NOT NULL,
            receipt_no TEXT,
            operator_id TEXT,
            counter_id TEXT,
            picked_at TEXT NOT NULL,
            partial INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL)""",
    ],
    # 4: the hand-over journal (issue 11): pickups, undos, returns and day closings, hash-chained
    # from this store's genesis (its random `journal_id`). Records made before this upgrade are
    # not in it: the rowid marks say where the journal starts (core/journal_check.py).
    [
        """CREATE TABLE journal (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            event_id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        ("INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', "
         "lower(hex(randomblob(16))))"),
        *[f"INSERT OR IGNORE INTO meta (key, value) SELECT 'journal_from:{t}', "
          f"COALESCE(MAX(rowid), 0) FROM {t}" for t in ("pickups", "order_returns",
                                                         "day_closings")],
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
