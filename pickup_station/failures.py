"""When the machine is at fault: turn a low-level exception into a typed, worded error.

`failure_of(exc, where=...)` looks through an exception (and what it wraps: SQLAlchemy's `.orig`,
`__cause__`) for a cause that is this computer's, not the user's or the server's:

| cause                                               | error (`code`)                         |
| --------------------------------------------------- | -------------------------------------- |
| SQLite CORRUPT / NOTADB ("file is not a database")  | `StoreCorrupt` (`store_corrupt`)       |
| SQLite BUSY / LOCKED past the busy timeout          | `StoreLocked` (`store_locked`)         |
| SQLite READONLY / CANTOPEN, EROFS, EACCES, EPERM    | `DataDirReadOnly` (`data_dir_read_only`) |
| SQLite FULL, ENOSPC, EDQUOT, EFBIG                  | `DiskFull` (`disk_full`)               |
| the data folder is a file (ENOTDIR, EEXIST)         | `DataDirReadOnly` (`data_dir_read_only`) |
| SQLite IOERR, EIO: < 1 MiB free, or `ulimit -f` set | `DiskFull` (`disk_full`)               |

Anything else gives `None`: the caller words it as `internal_error` with the log file.
Stdlib only (SQLAlchemy errors are recognised by their `.orig`), so settings, the store, the
sync engine and the command line can all use it.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from pickup_station.errors import (
    DataDirReadOnly,
    DiskFull,
    InternalError,
    MachineError,
    StoreCorrupt,
    StoreLocked,
    UserFacingError,
)

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_NOT_A_FOLDER = {errno.ENOTDIR, errno.EEXIST}


def _causes(exc: BaseException):
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


def store_corrupt(where: Path | str | None, detail: str = "") -> StoreCorrupt:
    if detail:
        return StoreCorrupt("machine.store_corrupt_detail", where=where or "?", detail=detail)
    return StoreCorrupt("machine.store_corrupt", where=where or "?")


def store_locked(where: Path | str | None) -> StoreLocked:
    return StoreLocked("machine.store_locked", where=where)


def read_only(where: Path | str | None) -> DataDirReadOnly:
    return DataDirReadOnly("machine.read_only", where=where)


def not_a_folder(where: Path | str | None) -> DataDirReadOnly:
    return DataDirReadOnly("machine.not_a_folder", where=where)


def disk_full(where: Path | str | None) -> DiskFull:
    return DiskFull("machine.disk_full", where=where)


def internal_error(log_file: Path | str | None, exc: BaseException | None = None
                   ) -> InternalError:
    if exc is not None:
        return InternalError("machine.internal_error_kind", log_file=log_file,
                             kind=type(exc).__name__)
    return InternalError("machine.internal_error", log_file=log_file)


def _low_free_space(where: Path | str | None) -> bool:
    path = Path(where) if where else None
    while path is not None and not path.exists() and path.parent != path:
        path = path.parent
    try:
        return path is not None and shutil.disk_usage(path).free < 1 << 20
    except OSError:
        return False


def _file_size_capped() -> bool:
    """`ulimit -f` in force: a write past it fails like a full disk (EFBIG)."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def failure_of(exc: BaseException, where: Path | str | None = None) -> UserFacingError | None:
    """The typed error for `exc` when this computer's disk or files are at fault, else None.
    `where` (the store file or data folder) goes into the message."""
    for e in _causes(exc):
        if isinstance(e, MachineError):
            return e
        if isinstance(e, sqlite3.Error):
            primary = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
            text = str(e).lower()
            if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text \
                    or "not a database" in text:
                return store_corrupt(where, str(e))
            if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text:
                return store_locked(where)
            if primary == SQLITE_FULL or "disk is full" in text:
                return disk_full(where)
            if primary in (SQLITE_READONLY, SQLITE_CANTOPEN) or "readonly" in text \
                    or "unable to open" in text:
                return read_only(where)
            if primary == SQLITE_IOERR and (_low_free_space(where) or _file_size_capped()):
                return disk_full(where)
        elif isinstance(e, OSError):
            where_os = e.filename or where
            if e.errno in _FULL:
                return disk_full(where_os)
            if e.errno in _READ_ONLY:
                return read_only(where_os)
            if e.errno in _NOT_A_FOLDER:
                return not_a_folder(where_os)
            if e.errno == errno.EIO and _low_free_space(where_os):
                return disk_full(where_os)
    return None
