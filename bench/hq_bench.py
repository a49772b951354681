"""HQ benchmark (issue 11): every HQ list and report over real HTTP on a chain's history.

Makes a fresh database (PostgreSQL at 127.0.0.1:5432 db `test`, a new schema; `--sqlite` for
a SQLite file), migrates it with the server's own migrations, writes --stations stations'
history straight into the tables (COPY / executemany: --orders orders, --events events; see
_hq_seed.py), ANALYZEs, then starts the server (`python -m server_stub`, its own process) and
times each endpoint with --requests requests of varied filters, one at a time: p50 / p95 / max.
Target: p95 <= 300 ms for every endpoint. Exports are timed too, for one station's day of
orders (a whole-chain export is a file download, not an answer).

    .venv/bin/python bench/hq_bench.py [--stations 50] [--orders 500000] [--events 1000000]
                                       [--sqlite] [--requests 40] [--keep]

`notices_per_s` comes from bench/notifier_rate.py (`measure_notices_per_s(database_url, n)`)
when that module exists, else null.
Last line: {"stations", "orders", "slowest_endpoint", "slowest_p95_ms", "notices_per_s", ...}
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import percentile, print_json_last
from _hq_seed import Writer, seed
from server_ingest import start_subprocess_server

PG_CONNINFO = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
TARGET_MS = 300.0


def fresh_database(use_sqlite: bool, workdir: Path) -> tuple[str, Callable[[], None]]:
    """(SQLAlchemy URL, drop) of an empty database."""
    if use_sqlite:
        return f"sqlite:///{workdir / 'hq_bench.sqlite3'}", lambda: None
    import psycopg

    name = "hqb_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    return (f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{name}",
            drop)


def load(url: str, args) -> object:
    """Migrate with the server's code, then bulk-load the chain; ANALYZE."""
    from server_stub.db import Database

    t0 = time.perf_counter()
    db = Database(url, pool_size=2)  # runs the server's migrations
    raw = db.engine.raw_connection()
    try:
        dialect = db.dialect
        if dialect == "sqlite":
            raw.execute("PRAGMA synchronous=OFF")
            raw.execute("BEGIN")
        chain = seed(Writer(raw.driver_connection, dialect), stations=args.stations,
                     orders=args.orders, events=args.events)
        if dialect == "postgresql":
            cur = raw.cursor()
            cur.execute("SELECT setval(pg_get_serial_sequence('pickups', 'id'), "
                        "(SELECT COALESCE(MAX(id), 1) FROM pickups))")
            raw.commit()
            raw.driver_connection.autocommit = True
            cur.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
            cur.execute("CHECKPOINT")  # the load's writes flushed before the timing
        else:
            raw.execute("COMMIT")
            raw.execute("ANALYZE")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
        db.dispose()
    took = time.perf_counter() - t0
    print(f"seeded in {took:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in chain.rows.items()),
          flush=True)
    return chain


def requests_for(chain, rnd: random.Random, n: int) -> dict[str, list[tuple[str, dict]]]:
    """A few dozen requests per endpoint with varied filters."""
    days = [chain.day(d).isoformat() for d in range(chain.days)]
    months = sorted({d[:7] for d in days})
    station = lambda: chain.station(rnd.randrange(chain.stations))
    batch_f = [dict, lambda: {"station_id": station()}, lambda: {"date": rnd.choice(days)},
               lambda: {"status": rnd.choice(("created", "dispatched", "arrived", "closed"))},
               lambda: {"station_id": station(), "date": rnd.choice(days)},
               lambda: {"station_id": station(), "status": "arrived"}]
    order_statuses = ("pending", "arrived", "picked_up", "returned", "cancelled")
    order_f = [dict, lambda: {"station_id": station()},
               lambda: {"order_id": rnd.choice(chain.order_ids)},
               lambda: {"phone_last4": rnd.choice(chain.last4 or ["1234"])},
               lambda: {"status": rnd.choice(order_statuses)},
               lambda: {"station_id": station(), "status": rnd.choice(order_statuses)},
               lambda: {"limit": "200"}]
    return {
        "GET /api/v1/batches": [("/api/v1/batches", batch_f[i % len(batch_f)]())
                                for i in range(n)],
        "GET /api/v1/orders": [("/api/v1/orders", order_f[i % len(order_f)]())
                               for i in range(n)],
        "GET /api/v1/stations/{id}/days/{date}": [
            (f"/api/v1/stations/{station()}/days/{rnd.choice(days)}", {}) for _ in range(n)],
        "GET /api/v1/reports/daily": [("/api/v1/reports/daily", {"date": rnd.choice(days)})
                                      for _ in range(n)],
        "GET /api/v1/reports/commission": [("/api/v1/reports/commission",
                                            {"month": months[i % len(months)]})
                                           for i in range(n)],
        "GET /api/v1/orders?format=csv (one station's batch)": [
            ("/api/v1/orders", {"format": "csv", "batch_id":
                                f"B{rnd.choice(days).replace('-', '')}-{station()}"})
            for _ in range(n)],
    }


def time_endpoints(url: str, admin: str, plan: dict) -> dict[str, list[float]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {admin}"
    times: dict[str, list[float]] = {}
    for name, calls in plan.items():
        for path, params in calls[:3]:  # warm-up, not counted
            session.get(url + path, params=params, timeout=60)
        times[name] = []
        worst = (0.0, {})
        for path, params in calls:
            t0 = time.perf_counter()
            r = session.get(url + path, params=params, timeout=60)
            _ = r.content
            times[name].append((time.perf_counter() - t0) * 1000)
            worst = max(worst, (times[name][-1], params), key=lambda w: w[0])
            if r.status_code != 200:
                raise SystemExit(f"{name} {params}: {r.status_code} {r.text[:300]}")
        s = sorted(times[name])
        print(f"{name:<56} n={len(s):<3} p50 {percentile(s, 50):7.1f} ms  "
              f"p95 {percentile(s, 95):7.1f} ms  max {s[-1]:7.1f} ms  "
              f"{'OK' if percentile(s, 95) <= TARGET_MS else 'MISSED'}  (slowest: {worst[1]})",
              flush=True)
    return times


def notices_per_s(url: str) -> float | None:
    if importlib.util.find_spec("notifier_rate") is None:
        print("notices_per_s: bench/notifier_rate.py is not here yet (null)")
        return None
    module = importlib.import_module("notifier_rate")
    return round(float(module.measure_notices_per_s(url, 10_000)), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stations", type=int, default=50)
    ap.add_argument("--orders", type=int, default=500_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    load_before = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="hq_bench_") as tmp:
        workdir = Path(tmp)
        url, drop = fresh_database(args.sqlite, workdir)
        try:
            chain = load(url, args)
            admin = "A" * 40
            server, stop = start_subprocess_server(workdir / "server", admin, url)
            try:
                times = time_endpoints(server, admin, requests_for(
                    chain, random.Random(5), args.requests))
            finally:
                stop()
            notices = notices_per_s(url)
        finally:
            if args.keep:
                print(f"database kept: {url}")
            else:
                drop()
    p95 = {name: percentile(ms, 95) for name, ms in times.items()}
    slowest = max(p95, key=p95.get)
    load_after = os.getloadavg()
    print(f"load after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print_json_last({"stations": args.stations, "orders": chain.rows["orders"],
                     "events": chain.rows["events"],
                     "database": "sqlite" if args.sqlite else "postgresql",
                     "slowest_endpoint": slowest, "slowest_p95_ms": round(p95[slowest], 1),
                     "notices_per_s": notices})


if __name__ == "__main__":
    main()
