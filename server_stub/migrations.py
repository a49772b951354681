"""Schema migrations of the sync server: Alembic, for SQLite and PostgreSQL alike.

Revisions live in `server_stub/alembic/versions/` (shipped with the package). `migrate(engine)`
runs at every start and by `pickup-sync-server migrate`: it brings the database to the newest
revision in one transaction; on PostgreSQL an advisory lock keeps two servers starting at once
from racing. Revisions only add: an upgrade keeps all data.

Databases made before Alembic carry `schema_migrations` (versions 1 and 2 below, frozen). They
are translated, not rebuilt: a version-1 database gets step 2, then it is stamped with revision
0002, which is exactly that schema, and upgraded from there. Revision ids are numbers, so the
schema version stays an integer (health answers it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = Path(__file__).with_name("alembic")
BASELINE = "0002"  # = the schema of legacy version 2
LOCK_KEY = 7310001

# The statements of the pre-Alembic runner (never edit: databases in the field were made by them).
LEGACY_STEPS: list[list[str]] = [
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


LEGACY_LATEST = len(LEGACY_STEPS)

_SERIAL = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgresql": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a newer server; this one refuses to touch it."""


def render(statement: str, dialect: str) -> str:
    return statement.replace("{serial}", _SERIAL[dialect])


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    return _script().get_current_head()


LATEST = int(head())


def current_version(conn: Connection) -> int:
    """The schema version of this database: its Alembic revision, or the legacy runner's."""
    rev = MigrationContext.configure(conn).get_current_revision()
    if rev is not None:
        return int(rev)
    if inspect(conn).has_table("schema_migrations"):
        found = conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        return int(found.scalar_one())
    return 0


def legacy_migrate(engine: Engine, target: int = LEGACY_LATEST) -> tuple[int, int]:
    """The pre-Alembic runner (kept to make old databases in tests and to translate them)."""
    dialect = engine.dialect.name
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER"
                          " PRIMARY KEY, applied_at TEXT NOT NULL)"))
        before = conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                              ).scalar_one()
        for version in range(before + 1, target + 1):
            _legacy_step(conn, dialect, version)
    return before, max(before, target)


def _legacy_step(conn: Connection, dialect: str, version: int) -> None:
    for statement in LEGACY_STEPS[version - 1]:
        conn.execute(text(render(statement, dialect)))
    conn.execute(text("INSERT INTO schema_migrations (version, applied_at) VALUES (:v, :t)"),
                 {"v": version, "t": datetime.now(UTC).isoformat(timespec="milliseconds")})


def migrate(engine: Engine) -> tuple[int, int]:
    """Bring the database to the newest revision. Returns (version before, after).

    Safe to run at every start: an up-to-date database is left alone.
    """
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        before = current_version(conn)
        if before > LATEST:
            raise SchemaTooNew(f"database schema {before} is newer than this server ({LATEST})")
        if before == LATEST:
            return before, before
        cfg = alembic_config(conn)
        if 0 < before <= LEGACY_LATEST and MigrationContext.configure(conn) \
                .get_current_revision() is None:
            for version in range(before + 1, LEGACY_LATEST + 1):
                _legacy_step(conn, dialect, version)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")
        after = current_version(conn)
    return before, after


def schema_drift(conn: Connection) -> list:
    """What Alembic autogenerate would change to make this database match `models.metadata`
    (empty when they agree). One SQLite quirk is not drift: a PRIMARY KEY column declared
    without NOT NULL reflects as nullable (an INTEGER one is the rowid, never NULL)."""
    from alembic.autogenerate import compare_metadata

    from .models import metadata

    ctx = MigrationContext.configure(conn, opts={
        "include_object": lambda obj, name, type_, reflected, compare_to:
            not (type_ == "table" and name == "schema_migrations"),
        "compare_type": True,
    })
    diff = []
    for entry in compare_metadata(ctx, metadata):
        ops = entry if isinstance(entry, list) else [entry]
        kept = [op for op in ops if not (
            conn.dialect.name == "sqlite" and op[0] == "modify_nullable"
            and metadata.tables[op[2]].c[op[3]].primary_key)]
        diff += kept
    return diff
