"""Opening the station store: one SQLite file, WAL, synchronous=FULL, foreign keys on.

Opening checks the file first (`store.health`): a file that is not a database or cannot be read
raises a typed error (`StoreCorrupt`, `DataDirReadOnly`, `DiskFull`, ...; see `failures.py`)
and is left untouched; one that opens but fails `quick_check` opens *damaged* (`Store.damage`):
it can still be read, but is not migrated and the sync engine will not upload from it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pickup_station.errors import UserFacingError
from pickup_station.failures import failure_of, store_corrupt
from pickup_station.store import backup, health, migrations
from pickup_station.store.checkpoint import Checkpointer
from pickup_station.store.health import Damage
from pickup_station.store.models import Meta

log = logging.getLogger(__name__)

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


def _no_autocheckpoint(dbapi_conn: sqlite3.Connection, _record) -> None:
    # the store's Checkpointer thread checkpoints instead (store/checkpoint.py)
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def _on_begin_write(conn) -> None:
    # IMMEDIATE: a writer takes the write lock at BEGIN, so two writers never deadlock halfway.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _on_begin_read(conn) -> None:
    # DEFERRED: a reader sees one consistent snapshot and never waits for a writer (WAL).
    conn.exec_driver_sql("BEGIN")


class Store:
    """The station's local store. Thread-safe: each unit of work opens its own session."""

    def __init__(self, path: Path, *, check_on_open: bool = True,
                 background_checkpoint: bool = False):
        """`check_on_open`: `quick_check` first (about 0.1-0.25 s for 100,000 orders). A caller
        that must not wait (the window's start) may pass False and run `check_now()` itself
        soon, on a worker, before it syncs or backs up; a store whose schema is to be migrated
        is checked at once all the same (a damaged file is never migrated), and a known damage
        marker counts either way.
        `background_checkpoint`: no commit checkpoints the WAL; a thread of the store does,
        after commits (`store/checkpoint.py`; the window's store, for the counter's latency)."""
        self.path = Path(path)
        self._damage: Damage | None = None  # found by this process, marker not writable
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            raw = sqlite3.connect(self.path, isolation_level=None)
            try:
                raw.execute("PRAGMA journal_mode=WAL")
                if check_on_open or self._migration_due(raw):
                    self._check_on_open(raw)
                self.migrated_from, self.version = self._migrate(raw)
            finally:
                raw.close()
        except UserFacingError:
            raise
        except (sqlite3.Error, OSError) as exc:
            machine = failure_of(exc, self.path)
            if machine is None:
                raise
            raise machine from exc
        self.checkpointer = Checkpointer(self.path) if background_checkpoint else None
        self.engine: Engine = self._make_engine(_on_begin_write)
        self.read_engine: Engine = self._make_engine(_on_begin_read)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.read_engine, expire_on_commit=False)

    def _check_on_open(self, raw: sqlite3.Connection) -> None:
        """quick_check; the full check when a marker says this store was found damaged."""
        was_damaged = health.read_marker(self.path) is not None
        try:
            problems = health.run_check_on_open(raw, full=was_damaged)
        except sqlite3.DatabaseError as exc:
            err = failure_of(exc, self.path)
            if err is not None and err.code == "store_corrupt":
                self.mark_damaged("quick_check", [str(exc)])
            raise
        if problems:
            self.mark_damaged("integrity_check" if was_damaged else "quick_check", problems)
        elif was_damaged:
            log.warning("store %s passed the full integrity check: damage marker removed",
                        self.path)
            health.clear_marker(self.path)

    @staticmethod
    def _migration_due(raw: sqlite3.Connection) -> bool:
        try:
            return migrations.current_version(raw) != migrations.LATEST
        except sqlite3.DatabaseError:
            return True  # the check says what is wrong

    def check_now(self) -> None:
        """The check `check_on_open` makes (quick_check; the full one when a marker says the
        store was found damaged), for a store opened without it: marks or clears the damage
        the same way; a store too broken to be checked raises `StoreCorrupt` (marked too)."""
        try:
            raw = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            try:
                self._check_on_open(raw)
            finally:
                raw.close()
        except UserFacingError:
            raise
        except (sqlite3.Error, OSError) as exc:
            machine = failure_of(exc, self.path)
            if machine is None:
                raise
            raise machine from exc

    def _migrate(self, raw: sqlite3.Connection) -> tuple[int, int]:
        if self.damage is None:
            before = migrations.current_version(raw)
            if 0 < before < migrations.LATEST:  # a store with data: a copy first (backup.py)
                backup.make_backup(self.path, reason=f"pre-migration-v{before}", source=raw)
            return migrations.migrate(raw)
        version = migrations.current_version(raw)
        if version != migrations.LATEST:  # never write a new schema into a damaged file
            raise self.damage.error(self.path)
        return version, version

    # --- health (see store/health.py) -------------------------------------------------------

    @property
    def damage(self) -> Damage | None:
        """Why this store must not be uploaded from, or None when it is sound (a cheap stat of
        the marker file, so another process's finding counts here too)."""
        return health.read_marker(self.path) or self._damage

    def mark_damaged(self, check: str, problems: list[str]) -> Damage:
        damage = Damage(check, list(problems)[: health.MAX_PROBLEMS], health.now_iso())
        log.error("store %s is damaged (%s): %s", self.path, check, "; ".join(problems[:3]))
        if not health.write_marker(self.path, damage):
            self._damage = damage
        return damage

    def check_integrity(self, full: bool = True) -> Damage | None:
        """SQLite's integrity_check (or quick_check); marks or clears the damage. Returns the
        damage found, None when the store is sound."""
        try:
            raw = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            try:
                problems = health.run_check(raw, full)
            finally:
                raw.close()
        except sqlite3.DatabaseError as exc:
            err = failure_of(exc, self.path)
            if err is None or err.code != "store_corrupt":
                raise (err or store_corrupt(self.path, str(exc))) from exc
            problems = [str(exc)]
        if problems:
            return self.mark_damaged("integrity_check" if full else "quick_check", problems)
        if full:
            self._damage = None
            if health.read_marker(self.path) is not None:
                log.warning("store %s passed the full integrity check: marker removed", self.path)
                health.clear_marker(self.path)
            self.set_meta(health.META_CHECKED_AT, health.now_iso())
        return None

    def check_if_due(self, every_s: float = health.CHECK_EVERY_S) -> Damage | None:
        """The daily full check (the sync runner calls this before a round)."""
        if self.damage is None and not health.is_due(self.get_meta(health.META_CHECKED_AT),
                                                     every_s):
            return None
        return self.check_integrity(full=True)

    def _make_engine(self, on_begin) -> Engine:
        engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        event.listen(engine, "connect", _on_connect)
        if self.checkpointer is not None:
            event.listen(engine, "connect", _no_autocheckpoint)
        event.listen(engine, "begin", on_begin)
        return engine

    @classmethod
    def in_dir(cls, data_dir: Path, **kwargs) -> Store:
        return cls(Path(data_dir) / STORE_FILENAME, **kwargs)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        with self._sessions() as session, session.begin():
            yield session
        if self.checkpointer is not None:
            self.checkpointer.nudge()

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
        if self.checkpointer is not None:
            self.checkpointer.close()
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
