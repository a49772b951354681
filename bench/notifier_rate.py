"""Notices delivered per second (issue 11): a live sync server with the webhook notifier, a
loopback receiver that checks every signature, N orders signed off as arrived in one push
(N `ready` notices written in the push's transaction), timed from the push's answer (the
notices committed) until the server has recorded all N as delivered (and the receiver holds N
distinct keys). `end_to_end_per_s` counts the push (the sign-off of N orders) too.

    .venv/bin/python bench/notifier_rate.py [--n 5000] [--database-url postgresql+psycopg://...]

Last line: {"notices": N, "notices_per_s": ...}. `measure_notices_per_s(database_url, n)` is
the same figure for bench/hq_bench.py (database_url None: a SQLite file in a temp dir; a
PostgreSQL URL should name an empty schema, ids are unique per run anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import requests

from server_stub.notifier.receiver import LoopbackReceiver
from server_stub.runner import start_server_thread

SECRET = "bench-webhook-secret"
PER_BATCH = 1000
TARGET = 200.0


def _orders(run: str, first: int, count: int) -> list[dict]:
    return [{"order_id": f"N{run}-{k}", "customer_name": "张三", "phone": f"138{k:08d}",
             "items": [{"sku": "A", "name": "苹果", "qty": 1, "unit_price_cents": 500}]}
            for k in range(first, first + count)]


def _setup(url: str, admin: str, run: str, n: int) -> tuple[str, list[str]]:
    """A station with n orders in batches of PER_BATCH; its token and the batch ids."""
    hq = requests.Session()
    hq.headers["Authorization"] = f"Bearer {admin}"
    station = f"NS{run}"
    token = hq.post(f"{url}/api/v1/stations", json={"station_id": station, "name": "压测店",
                                                   "address": "测试路 1 号"},
                    timeout=60).json()["token"]
    batches = []
    for first in range(0, n, PER_BATCH):
        batch = f"NB{run}-{first}"
        r = hq.put(f"{url}/api/v1/batches/{batch}", timeout=120, json={
            "station_id": station, "orders": _orders(run, first, min(PER_BATCH, n - first))})
        r.raise_for_status()
        batches.append(batch)
    return token, batches


def _delivered(url: str, admin: str) -> int:
    r = requests.get(f"{url}/api/v1/notices/counts", timeout=30,
                     headers={"Authorization": f"Bearer {admin}"})
    return sum(d["delivered"] for d in r.json()["days"])


def measure(database_url: str | None, n: int, **settings) -> dict:
    """Figures of one run (see the module doc)."""
    run = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as tmp, LoopbackReceiver(SECRET) as rx:
        server = start_server_thread(Path(tmp), database_url=database_url,
                                     notify_webhook_url=rx.url, notify_webhook_secret=SECRET,
                                     notify_poll_s=0.05, **settings)
        try:
            token, batches = _setup(server.url, server.admin_token, run, n)
            before = _delivered(server.url, server.admin_token)
            events = [{"event_id": str(uuid.uuid4()), "type": "arrival_checked",
                       "batch_id": b, "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                                   time.gmtime()),
                       "data": {"operator_id": "bench"}} for b in batches]
            start = time.perf_counter()
            r = requests.post(f"{server.url}/api/v1/sync/push", json={"events": events},
                              headers={"Authorization": f"Bearer {token}"}, timeout=300)
            r.raise_for_status()
            committed = time.perf_counter()  # the notices exist from here (one transaction)
            written = committed - start
            while _delivered(server.url, server.admin_token) - before < n:
                if time.perf_counter() - start > max(120, n / 20):
                    raise TimeoutError("notices not delivered in time")
                time.sleep(0.05)
            done = time.perf_counter()
            elapsed = done - committed
            received = len(rx.unique)
        finally:
            server.stop()
    return {"notices": n, "notices_per_s": round(n / elapsed, 1),
            "seconds": round(elapsed, 2), "outbox_write_s": round(written, 2),
            "end_to_end_per_s": round(n / (done - start), 1),
            "received_distinct": received, "bad_signatures": rx.bad_signatures,
            "requests": sum(rx.arrivals.values()),
            "database": "postgresql" if database_url else "sqlite",
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def measure_notices_per_s(database_url: str | None, n: int) -> float:
    """Notices per second delivered to a loopback receiver (for bench/hq_bench.py)."""
    return measure(database_url, n)["notices_per_s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    ap.add_argument("--senders", type=int, default=None, help="notify_senders (default 8)")
    args = ap.parse_args()
    extra = {"notify_senders": args.senders} if args.senders else {}
    figures = measure(args.database_url, args.n, **extra)
    print(f"{figures['notices']} notices delivered in {figures['seconds']} s "
          f"({figures['notices_per_s']}/s) after the push that wrote them "
          f"({figures['outbox_write_s']} s; {figures['end_to_end_per_s']}/s end to end) "
          f"on {figures['database']}; receiver: {figures['received_distinct']} distinct, "
          f"{figures['requests']} requests, {figures['bad_signatures']} bad signatures; "
          f"load {figures['loadavg_1m']} (target >= {TARGET:g}/s)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
