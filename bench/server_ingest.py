"""Server ingest: events/s with 50 concurrent stations pushing, vs bare SQLite inserts.

Starts the sync server (`python -m server_stub`, SQLite, in a subprocess so the pushers do not
share its interpreter), registers the stations, PUTs one batch per station and lets every
station push its events (hand-overs and shortages) in pushes of --per-push events, 50 at once.
Then inserts the same event rows into a bare SQLite file (WAL, synchronous=NORMAL, one
transaction per push) for comparison.

    .venv/bin/python bench/server_ingest.py [--stations 50] [--orders 200] [--per-push 50]
                                            [--workers 1] [--inprocess] [--database-url URL]

`--workers N` runs the SQLite server with N uvicorn workers (each with its own group-commit
writer; the writers take turns on the file lock beside the database).

Then times the full pull of one batch of --pull-orders orders (default 20,000) by its station.

Then the same ingest on PostgreSQL (127.0.0.1:5432, db test, a fresh schema) with --pg-workers
uvicorn workers (default 4), when it answers.

Last line: {"ingest_events_per_s": ..., "bare_insert_rows_per_s": ..., "pull_orders": ...,
            "pull_s": ..., "postgres_4_workers_events_per_s": ... (when measured)}
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_subprocess_server(data_dir: Path, admin: str, database_url: str | None,
                            workers: int = 1):
    """`python -m server_stub` on a free port -> (url, stop). Also used by bench/sync_bench.py:
    keep this signature."""
    port = free_port()
    env = dict(os.environ, PICKUP_ADMIN_TOKEN=admin, PICKUP_MAX_CONCURRENT_SYNC="256",
               PICKUP_STATION_BURST="1000", PICKUP_STATION_RATE_PER_S="1000")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "server_stub", "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "warning", "--workers", str(workers)], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/health", timeout=1).ok:
                return url, lambda: _stop(proc)
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and wait for it (and its workers), so nothing of it still runs when its
    database is dropped."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def make_events(station: int, orders: int, batch_id: str) -> list[dict]:
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    events = []
    for n in range(orders):
        oid = f"O{station:03d}-{n:05d}"
        events.append({"event_id": str(uuid.uuid4()), "type": "item_short", "order_id": oid,
                       "batch_id": batch_id, "occurred_at": now,
                       "data": {"sku": "SKU-1", "qty": 1, "stage": "arrival", "note": "",
                                "operator_id": "op1"}})
        events.append({"event_id": str(uuid.uuid4()), "type": "pickup_confirmed",
                       "order_id": oid, "batch_id": batch_id, "occurred_at": now,
                       "data": {"pickup_id": str(uuid.uuid4()), "receipt_no": f"R{n:06d}",
                                "operator_id": "op1", "proxy_name": None, "override": None,
                                "items": [{"sku": "SKU-1", "qty_ordered": 2,
                                           "qty_handed": 1}]}})
    return events


def bare_insert_rate(pushes: list[list[dict]], path: Path) -> float:
    from server_stub.services.events import body_hash  # noqa: F401  (same canonical payload)

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("""CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,
        station_id TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, order_id TEXT,
        batch_id TEXT, occurred_at TEXT NOT NULL, received_at TEXT NOT NULL,
        body_sha256 TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
        sku TEXT, qty INTEGER, UNIQUE (station_id, event_id))""")
    rows_per_push = []
    for n, push in enumerate(pushes):
        rows_per_push.append([
            (f"S{n % 50:03d}", e["event_id"], e["type"], e["order_id"], e["batch_id"],
             e["occurred_at"], e["occurred_at"], "0" * 64, json.dumps(e), "accepted")
            for e in push])
    total = sum(len(r) for r in rows_per_push)
    t0 = time.perf_counter()
    for rows in rows_per_push:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events (station_id, event_id, type, order_id, batch_id,"
                         " occurred_at, received_at, body_sha256, payload, status)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return total / elapsed


def pull_big_batch(url: str, hq: requests.Session, n: int) -> float:
    """PUT one batch of n orders for a fresh station and time its full pull."""
    r = hq.post(url + "/api/v1/stations", json={"station_id": "BIG", "name": "big"})
    r.raise_for_status()
    token = r.json()["token"]
    orders = [{"order_id": f"BIG-{k:06d}", "customer_name": "李四", "phone": "13900005678",
               "items": [{"sku": "SKU-1", "name": "苹果", "qty": 2},
                         {"sku": "SKU-2", "name": "牛奶", "qty": 1}]} for k in range(n)]
    hq.put(url + "/api/v1/batches/BIG-1", json={"station_id": "BIG", "orders": orders},
           timeout=300).raise_for_status()
    sess = requests.Session()
    sess.headers["Authorization"] = f"Bearer {token}"
    after, got = None, 0
    t0 = time.perf_counter()
    while True:
        params = {"limit": 2000} | ({"after": after} if after else {})
        page = sess.get(url + "/api/v1/sync/pull", params=params, timeout=60).json()
        got += sum(c["kind"] == "order" for c in page["changes"])
        after = page["cursor"]
        if not page["has_more"]:
            break
    elapsed = time.perf_counter() - t0
    if got != n:
        raise SystemExit(f"pulled {got} orders, expected {n}")
    return elapsed


def ingest(url: str, admin: str, args) -> float:
    """Register the stations, PUT their batches, then let them all push at once: events/s."""
    hq = requests.Session()
    hq.headers["Authorization"] = f"Bearer {admin}"
    tokens, pushes_by_station = [], []
    t0 = time.perf_counter()
    for s in range(args.stations):
        sid = f"S{s:03d}"
        r = hq.post(url + "/api/v1/stations", json={"station_id": sid, "name": sid})
        r.raise_for_status()
        tokens.append(r.json()["token"])
        orders = [{"order_id": f"O{s:03d}-{n:05d}", "customer_name": "张三",
                   "phone": "13800001234",
                   "items": [{"sku": "SKU-1", "name": "苹果", "qty": 2}]}
                  for n in range(args.orders)]
        hq.put(url + f"/api/v1/batches/B{s:03d}",
               json={"station_id": sid, "orders": orders}).raise_for_status()
        events = make_events(s, args.orders, f"B{s:03d}")
        pushes_by_station.append([events[i:i + args.per_push]
                                  for i in range(0, len(events), args.per_push)])
    print(f"setup: {args.stations} stations × {args.orders} orders in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    total = sum(len(p) for ps in pushes_by_station for p in ps)
    failures: list[str] = []
    barrier = threading.Barrier(args.stations + 1)

    def station(n: int) -> None:
        sess = requests.Session()
        sess.headers["Authorization"] = f"Bearer {tokens[n]}"
        barrier.wait()
        for push in pushes_by_station[n]:
            while True:
                try:
                    r = sess.post(url + "/api/v1/sync/push", json={"events": push}, timeout=120)
                except requests.RequestException as exc:
                    failures.append(repr(exc))
                    return
                if r.status_code in (429, 503):
                    time.sleep(float(r.headers.get("Retry-After", "1")))
                    continue
                break
            if not r.ok or any(x["status"] != "accepted" for x in r.json()["results"]):
                failures.append(r.text[:200])

    threads = [threading.Thread(target=station, args=(n,)) for n in range(args.stations)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if failures:
        raise SystemExit(f"{len(failures)} pushes failed, e.g. {failures[0]}")
    rate = total / elapsed
    print(f"ingest: {total} events from {args.stations} concurrent stations "
          f"({args.per_push}/push) in {elapsed:.2f} s = {rate:,.0f} events/s", flush=True)
    return rate


PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_CONNINFO = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"


def postgres_ingest(args, tmp: Path, admin: str) -> float | None:
    """The same ingest on PostgreSQL with --pg-workers uvicorn workers, in a fresh schema;
    None when PostgreSQL does not answer."""
    try:
        import psycopg

        with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
            name = "bench_" + uuid.uuid4().hex[:12]
            conn.execute(f'CREATE SCHEMA "{name}"')
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: say so, measure SQLite only
        print(f"PostgreSQL: not measured ({exc.__class__.__name__})")
        return None
    url, stop = start_subprocess_server(tmp / "pg", admin, f"{PG}?options=-csearch_path%3D{name}",
                                        workers=args.pg_workers)
    try:
        print(f"PostgreSQL, {args.pg_workers} uvicorn workers:", flush=True)
        return ingest(url, admin, args)
    finally:
        stop()
        with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=50)
    ap.add_argument("--orders", type=int, default=200, help="orders per station")
    ap.add_argument("--per-push", type=int, default=50)
    ap.add_argument("--pull-orders", type=int, default=20_000, help="orders in the pull test")
    ap.add_argument("--database-url", default=None,
                    help="e.g. a postgresql+psycopg:// URL to an EMPTY database/schema "
                         "(default: a fresh SQLite file)")
    ap.add_argument("--pg-workers", type=int, default=4,
                    help="uvicorn workers for the PostgreSQL run (127.0.0.1:5432, db test)")
    ap.add_argument("--workers", type=int, default=1,
                    help="uvicorn workers for the SQLite run (each its own group-commit writer)")
    ap.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL run")
    ap.add_argument("--inprocess", action="store_true", help="server thread in this process")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="server_ingest_"))
    admin = "bench-admin-token"
    if args.inprocess:
        from server_stub.runner import start_server_thread

        server = start_server_thread(tmp / "server", admin_token=admin, station_burst=1000,
                                     database_url=args.database_url,
                                     station_rate_per_s=1000, max_concurrent_sync=256)
        url, stop = server.url, server.stop
    else:
        url, stop = start_subprocess_server(tmp / "server", admin, args.database_url,
                                            workers=args.workers)
    try:
        rate = ingest(url, admin, args)
        hq = requests.Session()
        hq.headers["Authorization"] = f"Bearer {admin}"
        pull_s = pull_big_batch(url, hq, args.pull_orders)
        print(f"pull: {args.pull_orders} orders (pages of 2000) in {pull_s:.2f} s")
    finally:
        stop()
    pg_rate = None if args.no_postgres or args.database_url else postgres_ingest(args, tmp, admin)
    stations, orders = args.stations, args.orders
    flat = [make_events(s, orders, f"B{s:03d}") for s in range(stations)]
    pushes = [ev[i:i + args.per_push] for ev in flat for i in range(0, len(ev), args.per_push)]
    bare = bare_insert_rate(pushes, tmp / "bare.sqlite3")
    print(f"bare SQLite insert of the same rows ({args.per_push}/transaction): "
          f"{bare:,.0f} rows/s")
    figures = {"ingest_events_per_s": round(rate, 1), "bare_insert_rows_per_s": round(bare, 1),
               "pull_orders": args.pull_orders, "pull_s": round(pull_s, 3)}
    if pg_rate is not None:
        figures[f"postgres_{args.pg_workers}_workers_events_per_s"] = round(pg_rate, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
