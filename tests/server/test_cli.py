"""`python -m server_stub`: starts uvicorn, generates the admin token once, serves /docs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data_dir: Path, env: dict, *extra: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server_stub", "--port", str(port),
                             "--data-dir", str(data_dir), "--log-level", "warning", *extra],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/health", timeout=1).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start: " + proc.stderr.read())


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    return err


def test_server_command_generates_admin_token_once(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "PICKUP_ADMIN_TOKEN")}
    data_dir = tmp_path / "srv"
    proc, url = _start(data_dir, env)
    try:
        assert requests.get(url + "/openapi.json", timeout=5).json()["info"]["title"]
        assert requests.get(url + "/docs", timeout=5).status_code == 200
        token = (data_dir / "admin_token").read_text().strip()
        r = requests.get(url + "/api/v1/stations", headers={"Authorization": f"Bearer {token}"},
                         timeout=5)
        assert r.status_code == 200 and r.json() == {"stations": []}
    finally:
        err = _stop(proc)
    assert token in err  # printed on first start
    assert (data_dir / "sync_server.sqlite3").exists()
    # second start: nothing printed; PICKUP_ADMIN_TOKEN from the environment wins
    proc, url = _start(data_dir, dict(env, PICKUP_ADMIN_TOKEN="from-env-token"))
    try:
        ok = requests.get(url + "/api/v1/stations", timeout=5,
                          headers={"Authorization": "Bearer from-env-token"})
        assert ok.status_code == 200
    finally:
        err = _stop(proc)
    assert token not in err


def test_help():
    done = subprocess.run([sys.executable, "-m", "server_stub", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and "--data-dir" in done.stdout


def test_migrate_and_import_into_a_new_folder_with_honest_exit_codes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    fresh = tmp_path / "not" / "yet" / "there"
    run = subprocess.run([sys.executable, "-m", "server_stub", "migrate", "--data-dir",
                          str(fresh)], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "schema version 0 ->" in run.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("batch_id,station_id,order_id,customer_name,phone,sku,name,qty\n"
                   "B1,NOPE,O1,张三,13800001234,A,鸡蛋,x\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "server_stub", "import-csv", str(bad),
                          "--data-dir", str(tmp_path / "other")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1  # a rejected batch is a failure for scripts
    assert "rejected 1" in run.stderr


def test_several_workers_on_a_new_sqlite_file_start_cleanly_and_store_each_event_once(tmp_path):
    """`--workers 3` on a folder with no database yet: the schema is made once, before the
    workers open it (three workers migrating one new file at once died with "database is
    locked"); then pushes of many stations through every worker at once, each stored once
    (the workers' writers take turns on the file lock beside the database)."""
    import threading
    import uuid

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PICKUP_ADMIN_TOKEN="admin-token-workers", PICKUP_STATION_BURST="1000",
               PICKUP_STATION_RATE_PER_S="1000")
    proc, url = _start(tmp_path / "srv", env, "--workers", "3")
    admin = {"Authorization": "Bearer admin-token-workers"}
    failures: list[str] = []
    try:
        tokens = []
        for s in range(6):
            r = requests.post(url + "/api/v1/stations", headers=admin, timeout=10,
                              json={"station_id": f"W{s}", "name": f"W{s}"})
            r.raise_for_status()
            tokens.append(r.json()["token"])
            requests.put(url + f"/api/v1/batches/WB{s}", headers=admin, timeout=30, json={
                "station_id": f"W{s}", "orders": [
                    {"order_id": f"W{s}-{n}", "customer_name": "张三", "phone": "13800001234",
                     "items": [{"sku": "SKU-1", "name": "苹果", "qty": 1}]}
                    for n in range(40)]}).raise_for_status()
        now = "2026-12-02T08:00:00.000+00:00"

        def station(s: int) -> None:
            sess = requests.Session()
            sess.headers["Authorization"] = f"Bearer {tokens[s]}"
            events = [{"event_id": str(uuid.uuid4()), "type": "item_short",
                       "order_id": f"W{s}-{n}", "batch_id": f"WB{s}", "occurred_at": now,
                       "data": {"sku": "SKU-1", "qty": 1, "stage": "arrival",
                                "operator_id": "op1"}} for n in range(40)]
            for start in range(0, 40, 5):
                push = {"events": events[start:start + 5]}
                for _ in range(2):  # each push sent twice: the second is all duplicates
                    r = sess.post(url + "/api/v1/sync/push", json=push, timeout=30)
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=station, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        view = requests.get(url + "/api/v1/batches/WB0", headers=admin, timeout=30)
    finally:
        err = _stop(proc)
    assert failures == []
    assert "database is locked" not in err and "Traceback" not in err, err[-2000:]
    assert view.status_code == 200, view.text
    import sqlite3

    with sqlite3.connect(tmp_path / "srv" / "sync_server.sqlite3") as db:
        per_station = dict(db.execute(
            "SELECT station_id, count(*) FROM events GROUP BY station_id").fetchall())
    assert per_station == {f"W{s}": 40 for s in range(6)}
