"""Backups of the station store: SQLite's online backup API, into `<data dir>/backups/`.

- **When**: once a day (`backup_if_due`: on start and before a sync round, when the newest
  backup is older than a day), before every schema migration (`Store` opening an older store;
  when that copy cannot be made, nothing is migrated), and on
  demand (`pickup-station-cli backup`). The last `KEEP` (14) are kept, older ones removed.
- **Named** `station-<station id>-<UTC time>-<reason>.sqlite3` (`station-S01-20261201T224500123Z
  -daily.sqlite3`); the time in the name is what "newest" means, not the file's mtime.
- **Never half a file that looks finished**: the copy is written to `.<name>.partial`, checked
  (`quick_check`), fsynced, then renamed. A kill mid-backup leaves only a `.partial`, which no
  listing counts and the next backup clears away.
- **Online**: the source is read in one WAL snapshot; hand-overs keep committing meanwhile.
  A backup is a self-contained rollback-journal file (no -wal beside it).
- **Restore** (`restore_backup`, `pickup-station-cli restore FILE`): refuses a file that is not
  a store, fails `integrity_check`, is newer than this app, or belongs to another station
  (Meta `station_id`); the store it replaces is kept aside as `station.sqlite3.replaced-<time>`
  (with its -wal/-shm and damage marker), never deleted. Close the window first.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from pickup_station.errors import Refused, UserFacingError
from pickup_station.failures import failure_of
from pickup_station.store import health

log = logging.getLogger(__name__)

DIRNAME = "backups"
KEEP = 14
EVERY_S = 24 * 3600
PARTIAL_STALE_S = 3600  # a .partial this old is a killed backup's leftover
_NAME = re.compile(r"^station-(?P<sid>[A-Za-z0-9_]+)-(?P<ts>\d{8}T\d{9})Z-(?P<reason>[a-z0-9-]+)"
                   r"\.sqlite3$")
_TS = "%Y%m%dT%H%M%S"
_lock = threading.Lock()  # one backup at a time in this process (start-up, timer, sync runner)


@dataclass
class BackupInfo:
    path: str
    station_id: str | None
    created_at: str  # UTC ISO
    reason: str
    size_bytes: int
    seconds: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


def backups_dir(store_path: Path | str) -> Path:
    return Path(store_path).parent / DIRNAME


def _safe_sid(station_id: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", station_id) if station_id else "unpaired"


def _stamp(now: datetime) -> str:
    return now.strftime(_TS) + f"{now.microsecond // 1000:03d}"


def _parse(path: Path) -> tuple[datetime, str, str] | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    ts = m["ts"]
    when = datetime.strptime(ts[:15], _TS).replace(tzinfo=UTC, microsecond=int(ts[15:]) * 1000)
    return when, m["sid"], m["reason"]


def list_backups(folder: Path | str) -> list[Path]:
    """The finished backups in `folder`, newest first (a `.partial` never counts)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [(parsed[0], p) for p in folder.iterdir()
             if p.is_file() and (parsed := _parse(p)) is not None]
    return [p for _, p in sorted(found, reverse=True)]


def last_backup_at(folder: Path | str) -> datetime | None:
    newest = list_backups(folder)
    return _parse(newest[0])[0] if newest else None


def station_id_of(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'station_id'").fetchone()
    except sqlite3.OperationalError:  # no meta table (yet)
        return None
    return row[0] if row and row[0] else None


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to fsync it; NTFS journals the rename
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _clear_stale_partials(folder: Path) -> None:
    now = time.time()
    for p in folder.glob(".*.partial"):
        try:
            if now - p.stat().st_mtime > PARTIAL_STALE_S:
                p.unlink()
                log.info("removed %s, left by a backup that did not finish", p.name)
        except OSError:
            pass


def prune(folder: Path | str, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest `keep` backups; returns what was removed."""
    removed = []
    for p in list_backups(folder)[keep:]:
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            log.warning("could not remove the old backup %s", p, exc_info=True)
    return removed


def make_backup(store_path: Path | str, *, reason: str = "manual",
                folder: Path | str | None = None, source: sqlite3.Connection | None = None,
                pages: int = -1, progress=None, keep: int = KEEP) -> BackupInfo:
    """Back the store up now (see the module doc). `source`: an open connection to copy from
    (the migration's own); `pages`/`progress` as `sqlite3.Connection.backup`. A full or
    read-only disk raises the typed error of `failures.py`; nothing finished-looking is left."""
    store_path = Path(store_path)
    folder = Path(folder) if folder is not None else backups_dir(store_path)
    t0 = time.perf_counter()
    with _lock:
        tmp: Path | None = None
        own = source is None
        src = sqlite3.connect(store_path, timeout=10) if own else source
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _clear_stale_partials(folder)
            station_id = station_id_of(src)
            now = datetime.now(UTC)
            final = folder / f"station-{_safe_sid(station_id)}-{_stamp(now)}Z-{reason}.sqlite3"
            tmp = folder / f".{final.name}.partial"
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=pages, progress=progress)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                problems = health.run_check(dst, full=False)
            finally:
                dst.close()
            if problems:
                raise Refused("backup.copy_failed_check", problem=problems[0][:200],
                              code="backup_failed")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            tmp = None
            _fsync_dir(folder)
        except UserFacingError:
            raise
        except (sqlite3.Error, OSError) as exc:
            err = failure_of(exc, folder)
            if err is None:
                raise
            raise err from exc
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            if own:
                src.close()
        removed = prune(folder, keep)
    info = BackupInfo(str(final), station_id, now.isoformat(timespec="milliseconds"), reason,
                      final.stat().st_size, round(time.perf_counter() - t0, 3))
    log.info("store backed up to %s (%s, %d bytes, %.2f s; %d old removed)", final.name, reason,
             info.size_bytes, info.seconds, len(removed))
    return info


def is_due(folder: Path | str, every_s: float = EVERY_S) -> bool:
    last = last_backup_at(folder)
    if last is None:
        return True
    age = (datetime.now(UTC) - last).total_seconds()
    return age >= every_s or age < -3600  # a clock set back a lot: back up again


def backup_if_due(store_path: Path | str, every_s: float = EVERY_S) -> BackupInfo | None:
    """The daily backup: made when the newest one is older than `every_s`, else None.
    Off the UI thread only (the window runs it through `Tasks`, the sync runner in its worker).
    A store known to be damaged is not backed up over the good copies (they are the way back)."""
    store_path = Path(store_path)
    if not store_path.exists() or health.read_marker(store_path) is not None:
        return None
    if not is_due(backups_dir(store_path), every_s):
        return None
    return make_backup(store_path, reason="daily")


# --- restore ----------------------------------------------------------------------------------


@dataclass
class RestoreInfo:
    restored_from: str
    store: str
    station_id: str | None
    replaced_kept_as: str | None


def check_backup(path: Path) -> tuple[str | None, int]:
    """(station id, schema version) of a backup file that passes `integrity_check`;
    refuses anything else."""
    from pickup_station.store.migrations import LATEST

    if not path.is_file():
        raise Refused("backup.not_found", path=path, code="not_found")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = health.run_check(conn, full=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            station_id = station_id_of(conn) if not problems else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise Refused("backup.not_a_store", path=path, detail=str(exc)[:200],
                      code="backup_corrupt") from exc
    if problems:
        raise Refused("backup.not_a_store", path=path, detail=problems[0][:200],
                      code="backup_corrupt")
    if version == 0:
        raise Refused("backup.not_a_store", path=path, detail="no schema",
                      code="backup_corrupt")
    if version > LATEST:
        raise Refused("backup.too_new", path=path, found=version, supported=LATEST,
                      code="store_too_new")
    return station_id, version


def _current_station(store_path: Path) -> str | None:
    if not store_path.exists():
        return None
    try:
        conn = sqlite3.connect(store_path, timeout=10)
        try:
            return station_id_of(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:  # a broken store is what a restore is for
        return None


def restore_backup(backup: Path | str, store_path: Path | str) -> RestoreInfo:
    """Put `backup` in place of the store (see the module doc). The window must be closed."""
    backup, store_path = Path(backup), Path(store_path)
    station_id, _version = check_backup(backup)
    current = _current_station(store_path)
    if current is not None and station_id != current:
        raise Refused("backup.other_station", path=backup, backup_station=station_id or "?",
                      station=current, code="other_station")
    tmp = store_path.with_name(f".{store_path.name}.restoring")
    try:
        store_path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        aside = None
        if store_path.exists():
            aside = store_path.with_name(
                f"{store_path.name}.replaced-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
            # the WAL and shared memory go with their file (SQLite finds them by name)
            for suffix in ("", "-wal", "-shm", health.MARKER_SUFFIX):
                part = Path(str(store_path) + suffix)
                if part.exists():
                    os.replace(part, Path(str(aside) + suffix))
        else:
            health.clear_marker(store_path)
        os.replace(tmp, store_path)
        _fsync_dir(store_path.parent)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        err = failure_of(exc, store_path.parent)
        if err is None:
            raise
        raise err from exc
    log.warning("store restored from %s; the replaced store is kept as %s", backup, aside)
    return RestoreInfo(str(backup), str(store_path), station_id,
                       str(aside) if aside is not None else None)
