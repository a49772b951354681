"""Station sync figures: first pull of 20,000 orders, push of 10,000 events, server ingest.

    .venv/bin/python bench/sync_bench.py [--orders 20000] [--events 10000] [--skip-ingest]

- first pull: HQ PUTs batches totalling --orders orders for one station; a fresh station store
  pulls them all with the real client and engine (pages of 2,000, one transaction per page).
- push: --events outbox events (pickups and shortages on those orders) pushed by the engine
  (≤ 500 per request), every one answered `accepted`.
- ingest: `bench/server_ingest.py` (the server's bench: 50 concurrent stations pushing, and a bare
  SQLite insert of the same rows) is run as is and its figures are taken over.

The server runs in its own process (as in production), on SQLite.
Last line: {"first_pull_20k_s", "push_10k_s", "ingest_events_per_s", "bare_insert_rows_per_s"}
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server_ingest import start_subprocess_server
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import Order, OutboxEvent
from pickup_station.sync.client import SyncClient
from pickup_station.sync.engine import SyncEngine, pending_count

ITEMS = [("SKU-APL", "红富士苹果 1kg", 1290, "fruit"), ("SKU-EGG", "土鸡蛋 10枚", 1590, "fresh"),
         ("SKU-MLK", "纯牛奶 250ml×12", 4590, "dairy"), ("SKU-RCE", "五常大米 5kg", 5990, "grain")]


def put_orders(url: str, admin: str, station_id: str, n_orders: int, per_batch: int = 2000):
    hq = requests.Session()
    hq.headers["Authorization"] = f"Bearer {admin}"
    r = hq.post(url + "/api/v1/stations", json={"station_id": station_id, "name": "基准自提点",
                                                 "address": "幸福路 8 号"})
    r.raise_for_status()
    token = r.json()["token"]
    n = 0
    b = 0
    while n < n_orders:
        b += 1
        orders = []
        for _ in range(min(per_batch, n_orders - n)):
            picks = [ITEMS[(n + k) % len(ITEMS)] for k in range(1 + n % 3)]
            orders.append({"order_id": f"O{n:06d}", "customer_name": f"顾客{n % 977}",
                           "phone": f"138{n:08d}",
                           "items": [{"sku": s, "name": nm, "qty": 1 + (n + k) % 3,
                                      "unit_price_cents": p, "category": c}
                                     for k, (s, nm, p, c) in enumerate(picks)]})
            n += 1
        hq.put(url + f"/api/v1/batches/B{b:03d}", json={"station_id": station_id,
                                                         "orders": orders},
               timeout=120).raise_for_status()
    return token


def queue_events(store: Store, n_events: int) -> None:
    now = iso(utcnow())
    with store.reader() as s:
        orders = s.execute(Order.__table__.select().with_only_columns(
            Order.order_id, Order.batch_id).order_by(Order.order_id).limit(n_events)).all()
    rows = []
    for i in range(n_events):
        oid, bid = orders[i % len(orders)]
        if i < len(orders):
            data = {"pickup_id": str(uuid.uuid4()), "receipt_no": f"S1-261122-{i:05d}",
                    "operator_id": "leader", "proxy_name": None, "override": None,
                    "items": [{"sku": "SKU-APL", "qty_ordered": 1, "qty_handed": 1}]}
            typ = "pickup_confirmed"
        else:
            data = {"sku": "SKU-APL", "qty": 1, "stage": "counter", "note": "",
                    "operator_id": "leader"}
            typ = "item_short"
        rows.append({"event_id": str(uuid.uuid4()), "type": typ, "order_id": oid,
                     "batch_id": bid, "payload": json.dumps(data, ensure_ascii=False),
                     "occurred_at": now, "attempts": 0})
    with store.session() as s:
        s.execute(OutboxEvent.__table__.insert(), rows)


def run_ingest() -> dict:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "server_ingest.py")],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print("  " + line)
    if proc.returncode != 0 or not lines:
        print(proc.stderr[-2000:])
        raise SystemExit("bench/server_ingest.py failed")
    return json.loads(lines[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sync_bench_"))
    admin = "sync-bench-admin"
    url, stop = start_subprocess_server(tmp / "server", admin, None)  # SQLite
    try:
        t0 = time.perf_counter()
        token = put_orders(url, admin, "S1", args.orders)
        print(f"setup: HQ put {args.orders} orders in {time.perf_counter() - t0:.1f} s")
        store = Store.in_dir(tmp / "station")
        engine = SyncEngine(store, SyncClient(url, token, read_timeout=120))
        t0 = time.perf_counter()
        pulled = engine.pull()
        pull_s = time.perf_counter() - t0
        assert pulled.orders == args.orders, pulled
        print(f"first pull: {pulled.orders} orders, {pulled.batches} batches in {pulled.pages} "
              f"pages, applied in {pull_s:.2f} s ({pulled.orders / pull_s:,.0f} orders/s)"
              f"  [target ≤ 5 s]")

        queue_events(store, args.events)
        t0 = time.perf_counter()
        pushed = engine.push()
        push_s = time.perf_counter() - t0
        assert pushed.accepted == args.events and pending_count(store) == 0, pushed
        print(f"push: {pushed.accepted} events accepted in {pushed.requests} requests, "
              f"{push_s:.2f} s ({pushed.accepted / push_s:,.0f} events/s)  [target ≤ 5 s]")
        engine.client.close()
        store.close()
    finally:
        stop()
    ingest = {"ingest_events_per_s": None, "bare_insert_rows_per_s": None}
    if not args.skip_ingest:
        print("server ingest (bench/server_ingest.py, 50 concurrent stations):")
        ingest = run_ingest()
        ratio = ingest["ingest_events_per_s"] / ingest["bare_insert_rows_per_s"]
        print(f"ingest {ingest['ingest_events_per_s']:,.0f} events/s  [target ≥ 1,000] = "
              f"{ratio:.1%} of a bare SQLite insert ({ingest['bare_insert_rows_per_s']:,.0f} "
              f"rows/s)")
    print(json.dumps({"first_pull_20k_s": round(pull_s, 2), "push_10k_s": round(push_s, 2),
                      "ingest_events_per_s": ingest["ingest_events_per_s"],
                      "bare_insert_rows_per_s": ingest["bare_insert_rows_per_s"]}))


if __name__ == "__main__":
    main()
