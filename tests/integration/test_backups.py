"""Backups of the station store (store/backup.py, `pickup-station-cli backup` / `restore`).

Real SQLite files and the real CLI; the kill test SIGKILLs a child process in the middle of a
big backup (a 20,000-order store copied a few pages per step) and restores the newest good one.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pickup_station.cli import main
from pickup_station.core import operators as ops
from pickup_station.demo import data as demo
from pickup_station.store import backup, migrations
from pickup_station.store.db import Store


def make_station(data_dir: Path, *, orders: int = 10, station_id: str = "ST001") -> None:
    store = Store.in_dir(data_dir)
    try:
        demo.bulk_load(store, demo.generate(batches=2, orders_per_batch=orders, seed=3,
                                            station_id=station_id),
                       arrived=True, station_id=station_id)
        with store.session() as s:
            ops.ensure_default_operators(s)
    finally:
        store.close()


def count_orders(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        conn.close()


def cli(capsys, data_dir: Path, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--data-dir", str(data_dir), "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    return code, json.loads(out[0])


@pytest.fixture
def station_dir(tmp_path):
    d = tmp_path / "station"
    make_station(d)
    return d


def test_backup_is_a_sound_copy_named_by_station_and_time(station_dir, capsys):
    code, out = cli(capsys, station_dir, "backup")
    assert code == 0 and out["ok"] is True, out
    path = Path(out["backup"]["path"])
    assert path.parent == station_dir / "backups"
    assert path.name.startswith("station-ST001-") and path.name.endswith("-manual.sqlite3")
    assert out["backup"]["station_id"] == "ST001"
    assert count_orders(path) == count_orders(station_dir / "station.sqlite3") == 20
    assert not Path(str(path) + "-wal").exists()  # one self-contained file
    assert out["backups"] == [str(path)]
    assert not list((station_dir / "backups").glob(".*"))  # no partial left


def test_only_the_last_14_are_kept_and_the_newest_counts(station_dir):
    store_path = station_dir / "station.sqlite3"
    made = [backup.make_backup(store_path, reason="daily") for _ in range(16)]
    kept = backup.list_backups(station_dir / "backups")
    assert len(kept) == backup.KEEP
    assert kept[0] == Path(made[-1].path)  # newest first
    assert Path(made[0].path) not in kept and Path(made[1].path) not in kept
    assert not backup.is_due(station_dir / "backups")
    assert backup.backup_if_due(store_path) is None  # made today: not again


def test_daily_backup_when_the_newest_is_a_day_old(station_dir):
    store_path = station_dir / "station.sqlite3"
    first = backup.backup_if_due(store_path)
    assert first is not None and first.reason == "daily"
    old = datetime.now(UTC) - timedelta(days=1, minutes=1)
    renamed = Path(first.path).with_name(
        f"station-ST001-{backup._stamp(old)}Z-daily.sqlite3")
    os.replace(first.path, renamed)
    assert backup.is_due(station_dir / "backups")
    second = backup.backup_if_due(store_path)
    assert second is not None
    assert backup.list_backups(station_dir / "backups")[0] == Path(second.path)


def test_a_migration_is_preceded_by_a_backup(station_dir, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS",
                        [*migrations.MIGRATIONS, ["CREATE TABLE later_thing (x INTEGER)"]])
    monkeypatch.setattr(migrations, "LATEST", len(migrations.MIGRATIONS))
    store = Store.in_dir(station_dir)
    store.close()
    before = len(migrations.MIGRATIONS) - 1
    assert (store.migrated_from, store.version) == (before, before + 1)
    [pre] = backup.list_backups(station_dir / "backups")
    assert pre.name.endswith(f"-pre-migration-v{before}.sqlite3")
    conn = sqlite3.connect(pre)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == before  # the schema before
    conn.close()
    assert count_orders(pre) == 20


def test_restore_keeps_the_replaced_store_aside(station_dir, capsys):
    _code, out = cli(capsys, station_dir, "backup")
    good = out["backup"]["path"]
    store_path = station_dir / "station.sqlite3"
    conn = sqlite3.connect(store_path)
    conn.execute("DELETE FROM order_items")
    conn.execute("DELETE FROM orders")
    conn.commit()
    conn.close()
    code, out = cli(capsys, station_dir, "restore", good)
    assert code == 0 and out["ok"] is True, out
    assert count_orders(store_path) == 20
    aside = Path(out["replaced_kept_as"])
    assert aside.name.startswith("station.sqlite3.replaced-")
    assert count_orders(aside) == 0  # the replaced store, kept as it was
    code, out = cli(capsys, station_dir, "status")
    assert code == 0, out


def test_restore_refuses_another_stations_backup(tmp_path, station_dir, capsys):
    other = tmp_path / "other"
    make_station(other, station_id="ST999")
    _code, out = cli(capsys, other, "backup")
    before = (station_dir / "station.sqlite3").read_bytes()
    code, out = cli(capsys, station_dir, "restore", out["backup"]["path"])
    assert code == 1 and out["error"]["code"] == "other_station", out
    assert "ST999" in out["error"]["message"] and "ST001" in out["error"]["message"]
    assert (station_dir / "station.sqlite3").read_bytes() == before
    assert not list(station_dir.glob("*.replaced-*"))


def test_restore_refuses_a_file_that_fails_the_integrity_check(tmp_path, station_dir, capsys):
    _code, out = cli(capsys, station_dir, "backup")
    bad = tmp_path / "bad.sqlite3"
    data = bytearray(Path(out["backup"]["path"]).read_bytes())
    page = 4096
    for n in range(2, len(data) // page):  # scribble over every b-tree page but the first
        data[n * page + 8: n * page + 200] = os.urandom(192)
    bad.write_bytes(bytes(data))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    before = (station_dir / "station.sqlite3").read_bytes()
    for f in (bad, garbage):
        code, out = cli(capsys, station_dir, "restore", str(f), "--lang", "en")
        assert code == 1 and out["error"]["code"] == "backup_corrupt", out
        assert "cannot be restored" in out["error"]["message"]
    code, out = cli(capsys, station_dir, "restore", str(tmp_path / "none.sqlite3"))
    assert code == 1 and out["error"]["code"] == "not_found", out
    assert (station_dir / "station.sqlite3").read_bytes() == before
    assert not list(station_dir.glob("*.replaced-*"))


CHILD = r"""
import sys, time
from pathlib import Path
from pickup_station.store import backup
def slow(status, remaining, total):
    print(f"copying {remaining}/{total}", flush=True)
    time.sleep(0.02)
backup.make_backup(Path(sys.argv[1]), reason="manual", pages=8, progress=slow)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_a_backup_killed_midway_leaves_nothing_that_looks_finished(tmp_path, capsys):
    station_dir = tmp_path / "station"
    make_station(station_dir, orders=10_000)  # 20,000 orders, ~10 MB
    store_path = station_dir / "station.sqlite3"
    good = backup.make_backup(store_path, reason="daily")
    # a hand-over after the good backup, so the restore visibly goes back to it
    conn = sqlite3.connect(store_path)
    conn.execute("DELETE FROM order_items WHERE order_id IN "
                 "(SELECT order_id FROM orders LIMIT 5)")
    conn.execute("DELETE FROM orders WHERE order_id IN (SELECT order_id FROM orders LIMIT 5)")
    conn.commit()
    conn.close()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        seen = 0
        for line in child.stdout:  # well into the copy, then the kill
            seen += line.startswith("copying")
            if seen >= 20:
                break
        assert seen >= 20, "the child finished before it could be killed"
        partials = list((station_dir / "backups").glob(".*.partial"))
        assert partials, "the half-written copy is under its temporary name"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    listed = backup.list_backups(station_dir / "backups")
    assert listed == [Path(good.path)]  # the killed one does not count
    code, out = cli(capsys, station_dir, "restore", str(listed[0]))
    assert code == 0, out
    assert count_orders(store_path) == 20_000
    # an hour later the next backup clears the killed one's leftover
    for p in partials:
        old = time.time() - backup.PARTIAL_STALE_S - 60
        os.utime(p, (old, old))
    backup.make_backup(store_path, reason="manual")
    assert not list((station_dir / "backups").glob(".*.partial"))
