"""WAL checkpoints off the commit path (store/checkpoint.py): with `background_checkpoint` no
commit copies the WAL into the database file, the store's own thread does, and a commit is as
durable as before (its frames are synced in the WAL)."""

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from pickup_station.store.db import Store
from pickup_station.store.models import Meta

BIG = "x" * 1_000_000  # ~250 pages: four commits take the WAL past SQLite's 1,000-page mark


def commit_big(store, n, start=0):
    for i in range(start, start + n):
        with store.session() as s:
            s.add(Meta(key=f"big{i}", value=BIG))


def wait_until(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


@pytest.fixture
def bg_store(data_dir):
    s = Store.in_dir(data_dir, background_checkpoint=True)
    yield s
    s.close()


def wal_of(store) -> Path:
    return Path(str(store.path) + "-wal")


def test_connections_leave_the_checkpoint_to_the_thread(bg_store, store):
    for engine in (bg_store.engine, bg_store.read_engine):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # still FULL
    with store.engine.connect() as conn:  # a store without it keeps SQLite's default
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_a_plain_store_checkpoints_inside_a_commit(store):
    """What the counter paid for before: the commit past 1,000 pages copies the WAL."""
    size0 = store.path.stat().st_size
    commit_big(store, 6)
    assert store.path.stat().st_size > size0


def test_no_commit_checkpoints_with_the_thread_held_back(bg_store):
    bg_store.checkpointer.every, bg_store.checkpointer.max_delay_s = 10**6, 3600
    size0 = bg_store.path.stat().st_size
    commit_big(bg_store, 6)
    assert wal_of(bg_store).stat().st_size > 1000 * 4096  # past the automatic mark
    assert bg_store.path.stat().st_size == size0  # and the database file untouched
    assert bg_store.checkpointer.runs == 0


def test_commits_are_durable_before_any_checkpoint(bg_store, tmp_path):
    """The files as a power cut would leave them (no close, no checkpoint): all is there."""
    bg_store.checkpointer.every, bg_store.checkpointer.max_delay_s = 10**6, 3600
    commit_big(bg_store, 3)
    copy = tmp_path / "after-cut.sqlite3"
    shutil.copy(bg_store.path, copy)
    shutil.copy(wal_of(bg_store), str(copy) + "-wal")
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'big%'").fetchone()[0] == 3
    finally:
        conn.close()


def test_the_thread_checkpoints_after_every_nth_commit(bg_store, tmp_path):
    cp = bg_store.checkpointer
    cp.every, cp.max_delay_s = 3, 3600
    commit_big(bg_store, 2)
    time.sleep(0.2)
    assert cp.runs == 0
    commit_big(bg_store, 1, start=2)
    wait_until(lambda: cp.runs == 1)
    busy, frames, copied = cp.last
    assert busy == 0 and frames > 0 and copied == frames
    # the database file alone (no WAL) now holds the three commits
    alone = tmp_path / "db-file-only.sqlite3"
    shutil.copy(bg_store.path, alone)
    conn = sqlite3.connect(alone)
    try:
        assert conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'big%'").fetchone()[0] == 3
    finally:
        conn.close()


def test_a_lone_commit_is_checkpointed_after_the_delay(bg_store):
    cp = bg_store.checkpointer
    cp.every, cp.max_delay_s = 10**6, 0.2
    with bg_store.session() as s:
        s.add(Meta(key="one", value="commit"))
    wait_until(lambda: cp.runs == 1)
    assert cp.last[2] == cp.last[1] > 0


def test_a_rolled_back_transaction_does_not_count(bg_store):
    cp = bg_store.checkpointer
    cp.every = 1
    with pytest.raises(RuntimeError), bg_store.session() as s:
        s.add(Meta(key="half", value="done"))
        s.flush()
        raise RuntimeError("refused")
    time.sleep(0.2)
    assert cp.runs == 0


def test_close_stops_the_thread_and_keeps_everything(data_dir):
    s = Store.in_dir(data_dir, background_checkpoint=True)
    s.checkpointer.every = 2
    commit_big(s, 5)
    thread = s.checkpointer._thread
    s.close()
    assert thread is not None and not thread.is_alive()
    again = Store.in_dir(data_dir)
    try:
        assert again.get_meta("big4") == BIG
    finally:
        again.close()
