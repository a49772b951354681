"""Benchmark of the reports: export 100,000 pickups to CSV and XLSX, and one day's closing.

Run: `.venv/bin/python bench/report_bench.py [--pickups N]`. Builds a throw-away store in a temp
folder (30 local days, ~2 lines per pickup, Asia/Shanghai), then times:
- `export_pickups(... "csv")` and `(... "xlsx")` over the whole range,
- `day_figures` for one busy day (median of 5 runs).
The last line is one JSON object: export_csv_100k_s, export_xlsx_100k_s, day_figures_ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from pickup_station.core.reports import day_figures, export_pickups
from pickup_station.store.db import Store, iso
from pickup_station.store.models import (
    Batch,
    Operator,
    Order,
    OrderItem,
    Pickup,
    PickupLine,
)

TZ = ZoneInfo("Asia/Shanghai")
START = date(2026, 10, 24)
DAYS = 30
PRODUCTS = [("A1", "苹果", 550, "水果"), ("M1", "牛奶", 1290, "乳品"), ("R1", "大米5kg", 4990, "粮油"),
            ("E1", "鸡蛋", 120, None), ("V1", "青菜", 310, "蔬菜"), ("T1", "豆腐", 250, "豆制品")]


def build(store: Store, n: int) -> None:
    rng = random.Random(7)
    start_utc = datetime(START.year, START.month, START.day, tzinfo=TZ).astimezone(UTC)
    with store.session() as s:
        s.execute(insert(Operator), [{"operator_id": f"op{i}", "name": f"店员{i}",
                                      "pin_salt": "x", "pin_hash": "x"} for i in range(4)])
        s.execute(insert(Batch), [{"batch_id": f"B{d:02d}", "status": "arrived",
                                   "arrived_at": iso(start_utc + timedelta(days=d, hours=1))}
                                  for d in range(DAYS)])
        orders, items, pickups, lines = [], [], [], []
        for i in range(n):
            day = i * DAYS // n
            oid, pid = f"O{i:07d}", f"P{i:07d}"
            orders.append({"order_id": oid, "batch_id": f"B{day:02d}", "customer_name": "王芳",
                           "phone_masked": "138****1234", "phone_last4": "1234",
                           "status": "active", "pickup_state": "picked_up",
                           "shelf_slot": f"A-{i % 10}-{i % 30:02d}"})
            at = start_utc + timedelta(days=day, hours=2 + rng.random() * 13)
            pickups.append({"pickup_id": pid, "receipt_no": f"R{i:08d}", "order_id": oid,
                             "operator_id": f"op{i % 4}", "picked_at": iso(at),
                             "proxy_name": "邻居" if i % 20 == 0 else None,
                             "override_kind": "no_code" if i % 50 == 0 else None})
            for sku, name, price, cat in rng.sample(PRODUCTS, 1 + (i % 3 == 0) + (i % 2)):
                qty = rng.randint(1, 3)
                handed = qty - (1 if rng.random() < 0.03 else 0)
                items.append({"order_id": oid, "sku": sku, "name": name, "qty": qty,
                              "unit_price_cents": price, "category": cat})
                lines.append({"pickup_id": pid, "sku": sku, "name": name, "qty_ordered": qty,
                              "qty_handed": handed, "unit_price_cents": price,
                              "reason": "short" if handed < qty else None})
        for table, rows in ((Order, orders), (OrderItem, items), (Pickup, pickups),
                            (PickupLine, lines)):
            s.execute(insert(table), rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pickups", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.in_dir(Path(tmp))
        t0 = time.perf_counter()
        build(store, args.pickups)
        print(f"built store with {args.pickups} pickups in {time.perf_counter() - t0:.1f} s")
        end = START + timedelta(days=DAYS - 1)
        figures = {}
        for fmt in ("csv", "xlsx"):
            out = Path(tmp) / f"pickups.{fmt}"
            t0 = time.perf_counter()
            with store.reader() as s:
                res = export_pickups(s, START, end, fmt, out, TZ)
            secs = time.perf_counter() - t0
            figures[f"export_{fmt}_100k_s"] = round(secs, 2)
            print(f"export {fmt}: {res.pickups} pickups, {res.rows} lines, "
                  f"{out.stat().st_size / 1e6:.1f} MB in {secs:.2f} s")
        busy = START + timedelta(days=DAYS // 2)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            with store.reader() as s:
                fig = day_figures(s, busy, TZ, now=datetime.now(UTC))
            times.append((time.perf_counter() - t0) * 1000)
        figures["day_figures_ms"] = round(statistics.median(times), 1)
        print(f"day_figures {busy}: {fig.pickups} pickups, {fig.items_handed} items, "
              f"median {figures['day_figures_ms']} ms of 5")
        store.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
