"""Opening the station store: one SQLite file, WAL, synchronous=FULL, foreign keys on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pickup_station.store import migrations
from pickup_station.store.models import Meta

STORE_FILENAME = "station.sqlite3"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC ISO-8601 with offset, millisecond precision: how every time is stored."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # The pysqlite driver's own transaction handling is switched off so that BEGIN is ours.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _on_begin_write(conn) -> None:
    # IMMEDIATE: a writer takes the write lock at BEGIN, so two writers never deadlock halfway.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _on_begin_read(conn) -> None:
    # DEFERRED: a reader sees one consistent snapshot and never waits for a writer (WAL).
    conn.exec_driver_sql("BEGIN")


class Store:
    """The station's local store. Thread-safe: each unit of work opens its own session."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        raw = sqlite3.connect(self.path, isolation_level=None)
        try:
            raw.execute("PRAGMA journal_mode=WAL")
            self.migrated_from, self.version = migrations.migrate(raw)
        finally:
            raw.close()
        self.engine: Engine = self._make_engine(_on_begin_write)
        self.read_engine: Engine = self._make_engine(_on_begin_read)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.read_engine, expire_on_commit=False)

    def _make_engine(self, on_begin) -> Engine:
        engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", on_begin)
        return engine

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(Path(data_dir) / STORE_FILENAME)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session that does not take the write lock."""
        with self._readers() as session, session.begin():
            yield session

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.reader() as s:
            value = s.scalar(select(Meta.value).where(Meta.key == key))
        return default if value is None else value

    def set_meta(self, key: str, value: str | None) -> None:
        with self.session() as s:
            set_meta(s, key, value)

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def get_meta(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.scalar(select(Meta.value).where(Meta.key == key))
    return default if value is None else value


def set_meta(session: Session, key: str, value: str | None) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
