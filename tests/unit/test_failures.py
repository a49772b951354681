"""`failures.failure_of`: low-level errors raised for real become typed, worded errors."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from pickup_station.errors import DataDirReadOnly, DiskFull, StoreCorrupt, StoreLocked
from pickup_station.failures import failure_of


def test_a_locked_store_is_store_locked(tmp_path):
    path = tmp_path / "s.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("BEGIN IMMEDIATE")
        other.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = failure_of(raised.value, path)
    assert isinstance(err, StoreLocked) and err.code == "store_locked"
    assert "占用" in err.zh and "in use" in err.en and str(path) in err.en


def test_a_corrupt_file_through_sqlalchemy_is_store_corrupt(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(os.urandom(8192))
    engine = create_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(SQLAlchemyError) as raised, engine.connect() as conn:
            conn.execute(text("SELECT * FROM sqlite_master"))
    finally:
        engine.dispose()
    err = failure_of(raised.value, path)
    assert isinstance(err, StoreCorrupt) and "not a database" in err.en


@pytest.mark.parametrize(("code", "kind"), [
    (errno.ENOSPC, DiskFull), (errno.EDQUOT, DiskFull), (errno.EFBIG, DiskFull),
    (errno.EROFS, DataDirReadOnly), (errno.EACCES, DataDirReadOnly),
    (errno.ENOTDIR, DataDirReadOnly)])
def test_os_errors_by_errno(code, kind):
    exc = OSError(code, os.strerror(code), "/data/station")
    err = failure_of(exc)
    assert isinstance(err, kind) and "/data/station" in err.en and err.zh != err.en


def test_what_is_not_the_machine_is_left_to_the_caller():
    assert failure_of(RuntimeError("bug")) is None
    assert failure_of(ValueError("bad input")) is None
    assert failure_of(sqlite3.IntegrityError("UNIQUE constraint failed: orders.order_id")) is None
