"""The server's database: one engine (SQLite file by default, PostgreSQL when configured).

SQLite runs in WAL mode with synchronous=NORMAL; its writers are serialised by one in-process
lock and, between the processes of a server run with several workers, by an advisory lock on a
file beside the database (`flock`: the next writer wakes when the last one is done, where
SQLite's busy-wait sleeps up to 100 ms at a time); they take the write lock at BEGIN
(IMMEDIATE). On
PostgreSQL, transactions that add to a station's change feed take an advisory lock so feed
sequence numbers become visible in order (a pulling station never skips a change); a push
takes it late (`lock_feed`), after its events and hand-overs are inserted, and only when it
adds to HQ's pickups feed.
Data functions never commit: the request owns the transaction (`Database.write()`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

from . import migrations

FEED_LOCK_KEY = 7310002
STATION_LOCK_CLASS = 7310003  # pg_advisory_xact_lock(class, hashtext(station_id)): one station


def utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=4096)  # a push asks it two or three times for each event's time
def iso(dt: datetime) -> str:
    """UTC ISO-8601 with offset and milliseconds: how every time is stored and sent."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")


def now_iso() -> str:
    return iso(utcnow())


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    dbapi_conn.isolation_level = None  # BEGIN is ours, not the driver's
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()


class Database:
    """Engine plus the two kinds of unit of work: `read()` and `write()`."""

    def __init__(self, url: str, *, pool_size: int = 20):
        self.url = url
        if url.startswith("sqlite"):
            self.dialect = "sqlite"
            self.engine: Engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 15},
                pool_size=pool_size,
                max_overflow=pool_size,
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", self._sqlite_begin)
        else:
            self.dialect = "postgresql"
            self.engine = create_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None
        self._file_lock = _FileLock.beside(self.engine.url.database) \
            if self.dialect == "sqlite" else None
        self._local = threading.local()
        self.migrated_from, self.version = migrations.migrate(self.engine)

    def _sqlite_begin(self, conn: Connection) -> None:
        mode = "IMMEDIATE" if getattr(self._local, "writing", False) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One consistent snapshot for reading; never waits for writers (WAL / MVCC)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, feed: bool = False) -> Iterator[Connection]:
        """One write transaction: committed when the block ends normally, rolled back otherwise.

        `feed=True` for transactions that add station changes or pickup-feed rows.
        """
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            if self._file_lock is not None:
                self._file_lock.acquire()
            self._local.writing = True
            try:
                with self.engine.connect() as conn, conn.begin():
                    self._local.writing = False
                    if feed and self.dialect == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                     {"k": FEED_LOCK_KEY})
                    yield conn
            finally:
                self._local.writing = False
        finally:
            if lock is not None:
                if self._file_lock is not None:
                    self._file_lock.release()
                lock.release()

    def lock_feed(self, conn: Connection) -> None:
        """PostgreSQL: from here until commit, this transaction is the only one adding to a
        feed, so feed sequence numbers become visible in order. Take it late (just before the
        feed rows and the row updates that go with them), so the rest of the work of
        concurrent transactions runs in parallel. SQLite: its one writer lock does this."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})

    def lock_station(self, conn: Connection, station_id: str) -> None:
        """PostgreSQL: one transaction per station at a time (a station's pushes come one after
        the other anyway); different stations do not wait for each other."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(:s))"),
                         {"c": STATION_LOCK_CLASS, "s": station_id})

    def insert_ignore(self, table, values: dict, conflict_cols: list[str]):
        """INSERT ... ON CONFLICT DO NOTHING for this dialect (the statement, to execute)."""
        if self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict_cols)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._file_lock is not None:
            self._file_lock.close()


class _FileLock:
    """An exclusive advisory lock (flock) on `<database>-writer`, held by one writer of one
    process at a time (the in-process lock is taken first). None where there is no file or no
    flock (an in-memory database, Windows): SQLite's own busy-wait still serialises there."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None
        self._pid = -1

    @classmethod
    def beside(cls, database: str | None) -> _FileLock | None:
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        try:
            import fcntl  # noqa: F401 - POSIX only
        except ImportError:
            return None
        return cls(database + "-writer")

    def acquire(self) -> None:
        import fcntl

        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a folder we cannot write in: SQLite will say what is wrong
                self._fd = None
                return
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        import fcntl

        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
