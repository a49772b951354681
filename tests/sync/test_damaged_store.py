"""A store that fails its integrity check stops uploading and says so (issue 8).

Real stores corrupted on purpose, the real server on loopback, the real CLI and runner:
- broken pages of an index b-tree: the file opens, `quick_check` on open finds it;
- an index that no longer matches its table (two index roots swapped): `quick_check` passes,
  only the full `integrity_check` (daily, or `check-store`) finds it.
Either way nothing reaches the server until a full check passes again, and the store file is
never written to.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

from pickup_station.cli import main
from pickup_station.config import Settings, save_settings
from pickup_station.store import health
from pickup_station.store.db import Store
from pickup_station.sync.client import Backoff
from pickup_station.sync.runner import SyncRunner
from tests.server_fixtures import HQClient

from .conftest import (
    fast_client,
    new_engine,
    outbox_ids,
    queue_events,
    seed,
    server_events,
    short_event,
)
from .test_runner import wait_for


def _index_root(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (name,)).fetchone()[0]
    finally:
        conn.close()


def break_index_pages(path: Path) -> None:
    """Overwrite most of the root page of an index b-tree with noise (a bad sector)."""
    root = _index_root(path, "ix_orders_phone_last4")
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * 4096 + 8)
        fh.write(os.urandom(4000))


def swap_index_roots(path: Path) -> None:
    """Two indexes of the orders table trade their b-trees: every page is well-formed (so
    quick_check passes) but neither index matches its table any more."""
    a = _index_root(path, "ix_orders_phone_last4")
    b = _index_root(path, "ix_orders_pickup_code")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_orders_phone_last4'",
                     (b,))
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_orders_pickup_code'",
                     (a,))
    finally:
        conn.close()


def _ready_station(live_server, data_dir: Path, n_events: int = 3):
    """A paired station with orders pulled and events waiting; the store is closed after."""
    token, _ = seed(HQClient(live_server), n=5)
    store = Store.in_dir(data_dir)
    engine = new_engine(store, live_server.url, token)
    assert engine.run_round().ok
    events = [short_event(f"B1-O{i % 5}") for i in range(n_events)]
    queue_events(store, events)
    engine.client.close()
    store.close()
    save_settings(Settings(server_url=live_server.url, station_token=token),
                  data_dir / "config.json")
    return token, events


def _cli(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 1 and err == "", (out, err)
    return code, json.loads(lines[0])


def test_broken_index_pages_stop_uploads_and_every_face_says_so(live_server, data_dir, capsys):
    token, _events = _ready_station(live_server, data_dir)
    path = data_dir / "station.sqlite3"
    break_index_pages(path)
    damaged = path.read_bytes()

    store = Store.in_dir(data_dir)  # opens: the damage is in an index, not the schema
    try:
        assert store.damage is not None and store.damage.check == "quick_check"
        assert health.marker_path(path).exists()
        report = new_engine(store, live_server.url, token).run_round()
        assert not report.ok and report.error.code == "store_corrupt"
        assert report.pushed.accepted == 0 and report.pulled.pages == 0
        assert "损坏" in report.error.message("zh_CN") and "damaged" in report.error.en
        assert report.pending_events == 3  # what waits is still counted and said
    finally:
        store.close()
    assert server_events(live_server) == {}  # nothing reached HQ

    code, out = _cli(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 1 and out["ok"] is False and out["error"]["code"] == "store_corrupt"
    code, out = _cli(capsys, "status", "--data-dir", str(data_dir), "--lang", "en")
    assert code == 0 and out["pending_events"] == 3
    assert [w["code"] for w in out["warnings"]] == ["store_corrupt"]
    assert "uploading has stopped" in out["warnings"][0]["message"].lower()
    main(["status", "--data-dir", str(data_dir)])  # text: the host reads it first
    assert capsys.readouterr().out.startswith("注意：本地数据库已损坏")
    assert server_events(live_server) == {}
    assert path.read_bytes() == damaged  # never written, repaired or deleted


def test_index_mismatch_found_by_the_full_check_then_cleared_by_a_restore(
        live_server, data_dir, capsys):
    _token, events = _ready_station(live_server, data_dir)
    path = data_dir / "station.sqlite3"
    good = data_dir.parent / "good-copy.sqlite3"
    shutil.copy(path, good)
    swap_index_roots(path)
    damaged = path.read_bytes()

    store = Store.in_dir(data_dir)
    assert store.damage is None  # quick_check cannot see it
    store.close()

    code, out = _cli(capsys, "check-store", "--data-dir", str(data_dir))
    assert code == 1 and out["integrity"] == "damaged"
    assert out["error"]["code"] == "store_corrupt"
    assert any("missing from index" in p for p in out["problems"])
    code, out = _cli(capsys, "sync", "--data-dir", str(data_dir), "--lang", "en")
    assert code == 1 and out["error"]["code"] == "store_corrupt"
    assert "damaged" in out["error"]["message"]
    assert server_events(live_server) == {} and path.read_bytes() == damaged

    shutil.copy(good, path)  # support restores the file
    code, out = _cli(capsys, "check-store", "--data-dir", str(data_dir))
    assert code == 0 and out["integrity"] == "ok"
    assert not health.marker_path(path).exists()
    code, out = _cli(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 0 and out["pushed"]["accepted"] == 3
    assert server_events(live_server) == {e["event_id"]: 1 for e in events}


def test_runner_runs_the_daily_full_check_and_refuses(live_server, data_dir):
    token, _events = _ready_station(live_server, data_dir)
    swap_index_roots(data_dir / "station.sqlite3")
    store = Store.in_dir(data_dir)
    states = []
    runner = SyncRunner(store, lambda: (live_server.url, token), on_state=states.append,
                        backoff=Backoff(base=30, cap=60), debounce_s=0.01,
                        client_factory=lambda u, t: fast_client(u, t, retries=0))
    try:
        assert store.damage is None and runner.state.connection == "unknown"
        runner.start()
        runner.request(force=True)
        assert wait_for(lambda: runner.rounds == 1, timeout=20)
        st = runner.state
        assert st.connection == "store_damaged" and st.pending_events == 3
        assert st.label("zh_CN").startswith("本地数据库损坏，已停止上传 · 待上传 3")
        assert st.label("en").startswith("Local store damaged: uploads stopped")
        assert "check-store" in st.error
        assert server_events(live_server) == {} and len(outbox_ids(store)) == 3
    finally:
        assert runner.stop(10)
        store.close()
    # a runner started on a store already known to be damaged says so before any round
    store = Store.in_dir(data_dir)
    try:
        runner = SyncRunner(store, lambda: (live_server.url, token))
        assert runner.state.connection == "store_damaged" and runner.state.error
    finally:
        store.close()


def test_window_status_shows_the_damaged_store(live_server, data_dir, qtbot, tasks):
    from pickup_station.ui.sync_controller import SyncController

    token, _ = _ready_station(live_server, data_dir)
    break_index_pages(data_dir / "station.sqlite3")
    store = Store.in_dir(data_dir)
    settings = Settings(server_url=live_server.url, station_token=token, lang="en",
                        sync_interval_s=3600)
    c = SyncController(store, settings, tasks, debounce_s=0.05, backoff=Backoff(base=5, cap=10),
                       client_factory=lambda u, t: fast_client(u, t, retries=0))
    try:
        c.start()
        qtbot.waitUntil(lambda: c.status_text.startswith("Local store damaged"), timeout=15_000)
        assert "check-store" in c.status_tooltip
        assert server_events(live_server) == {}
    finally:
        assert c.shutdown(timeout=10)
        store.close()
