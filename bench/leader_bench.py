"""Benchmark of the leader's day (issue 10): every core query behind a leader screen and every
leader action, on a store of 20,000 orders; then the XLSX export of 100,000 pickups.

Run: `.venv/bin/python bench/leader_bench.py [--orders N] [--pickups N] [--repeat N]`.
Builds throw-away stores in a temp folder: 4 batches of demo orders (downloaded, no slots),
a shelf layout large enough for them, three batches received by product (slots given at
sign-off), some hand-overs and returns. Each screen query and action is timed (median of
`--repeat` runs; an action that changes state runs on fresh targets each time).
Then each leader screen of the window is opened (`leader_screens.py`: widget built + its
data shown, offscreen; named "screen: ..."), beside the core functions they call.
Target: every figure ≤ 300 ms.

The last line is one JSON object: orders, slowest_screen, slowest_open_ms, slowest_action,
slowest_action_ms, xlsx_100k_s, and every timing under `screens_ms` / `actions_ms`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text

from pickup_station.core import (
    day_close,
    print_jobs,
    receiving,
    returns,
    shelves,
)
from pickup_station.core import operators as ops
from pickup_station.core.basket import Basket
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.papers.packing import packing_list_from_store
from pickup_station.core.shelves import ShelfSpec
from pickup_station.demo import data as demo
from pickup_station.store.db import Store, utcnow
from pickup_station.store.models import Order

LIMIT_MS = 300


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def layout_for(n_orders: int) -> list[ShelfSpec]:
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    names = letters + [a + b for a in letters for b in letters]
    per = 20 * 40
    normal = -(-n_orders // per) + 1
    cold = -(-n_orders // (2 * per)) + 1
    specs = [ShelfSpec(names[i], "normal", 20, 40, i) for i in range(normal)]
    specs += [ShelfSpec(names[normal + i], "chilled", 20, 40, 100 + i) for i in range(cold)]
    specs += [ShelfSpec(names[normal + cold + i], "frozen", 20, 40, 200 + i)
              for i in range(cold)]
    return specs


def build(store: Store, n_orders: int):
    per_batch = n_orders // 4
    batches = demo.generate(batches=4, orders_per_batch=per_batch, seed=3)
    demo.bulk_load(store, batches, arrived=False)
    with store.session() as s:  # as downloaded now: no slot until sign-off
        s.execute(text("DELETE FROM order_slots"))
        s.execute(text("DELETE FROM slot_assignments"))
        s.execute(text("UPDATE orders SET shelf_slot = NULL"))
        shelves.set_layout(s, layout_for(n_orders))
        ops.add_operator(s, "leader", "王芳", "2468", role="leader")
        ops.add_operator(s, "a1", "小李", "5678")
    return [b["batch_id"] for b in batches], batches


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--pickups", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    screens: dict[str, float] = {}
    actions: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.in_dir(Path(tmp) / "leader")
        t0 = time.perf_counter()
        ids, raw = build(store, args.orders)
        print(f"built store with {args.orders} orders in {time.perf_counter() - t0:.1f} s")
        counter = Counter(store)
        # sign-off by product of three batches (one timed), the fourth stays expected
        for b in ids[:2]:
            receiving.sign_off_received(store, b, "leader", receiving.preview(store, b, {}))
        lines = receiving.pick_list(store, ids[2])
        short = {lines[0].sku: lines[0].expected - 3}
        plan = receiving.preview(store, ids[2], short)
        t0 = time.perf_counter()
        result = receiving.sign_off_received(store, ids[2], "leader", plan)
        actions[f"receiving.sign_off_received (batch of {len(raw[2]['orders'])} orders)"] = round(
            (time.perf_counter() - t0) * 1000, 1)
        print(f"signed off {ids[2]}: {result.orders} orders, {result.slots_assigned} slots")

        with store.reader() as s:
            open_ids = list(s.scalars(select(Order.order_id).where(
                Order.batch_id.in_(ids[:3]), Order.pickup_state == "open").order_by(
                Order.order_id)))
        codes = {o["order_id"]: o["pickup_code"] for b in raw for o in b["orders"]}
        take = iter(open_ids)
        for _ in range(300):  # some history for the figures
            counter.hand_over([OrderChoice(next(take))], "a1")
        returns.return_orders(store, [next(take) for _ in range(20)], "leader", "超时未取")
        print_jobs.record_failure(store, "receipt", ["P1"], "Printer paper out")
        today = utcnow().date()

        def read(fn):
            def run():
                with store.reader() as s:
                    return fn(s)
            return run

        screens["receiving.pick_list"] = timed(lambda: receiving.pick_list(store, ids[3]),
                                               args.repeat)
        screens["receiving.preview"] = timed(
            lambda: receiving.preview(store, ids[3], {lines[0].sku: 0}), args.repeat)
        screens["packing_list_from_store"] = timed(
            read(lambda s: packing_list_from_store(s, ids[2])), args.repeat)
        screens["returns.uncollected (first 200 of ~15,000 overdue)"] = timed(
            lambda: returns.uncollected(store, now=utcnow() + timedelta(days=3), limit=200),
            args.repeat)
        screens["day_close.operator_figures"] = timed(
            lambda: day_close.operator_figures(store, today), args.repeat)
        screens["day_close.expected_stock"] = timed(lambda: day_close.expected_stock(store),
                                                    args.repeat)
        screens["shelves.occupancy"] = timed(read(shelves.occupancy), args.repeat)
        screens["shelves.get_layout"] = timed(read(shelves.get_layout), args.repeat)
        screens["operators.operator_rows"] = timed(read(ops.operator_rows), args.repeat)
        screens["print_jobs.list_failed"] = timed(lambda: print_jobs.list_failed(store),
                                                  args.repeat)
        from leader_screens import screen_open_times  # Qt, offscreen: the window's screens

        screens.update(screen_open_times(store, args.repeat))

        def each(fn):
            def run():
                fn(next(take))
            return run

        actions["counter.hand_over (frees the slot)"] = timed(
            each(lambda o: counter.hand_over([OrderChoice(o)], "a1")), args.repeat)
        recent = iter([p["pickup_id"] for p in counter.recent_pickups(50)])
        actions["counter.undo (slot back)"] = timed(
            lambda: counter.undo(next(recent), "a1", "拿错了"), args.repeat)
        actions["returns.return_orders"] = timed(
            each(lambda o: returns.return_orders(store, [o], "leader", "超时未取")), args.repeat)
        actions["returns.request_reminder"] = timed(
            each(lambda o: returns.request_reminder(store, [o], "leader")), args.repeat)
        counts = iter(range(args.repeat))
        actions["receiving.correct_received"] = timed(
            lambda: receiving.correct_received(store, ids[2], "leader", lines[0].sku,
                                               lines[0].expected - 3 + next(counts) % 2),
            args.repeat)
        actions["operators.authenticate"] = timed(
            lambda: ops.authenticate(store, "a1", "5678"), args.repeat)

        def add_shelf():
            with store.session() as s:
                shelves.add_shelf(s, ShelfSpec(f"X{next(counts2)}", "overflow", 2, 10))
        counts2 = iter(range(args.repeat))
        actions["shelves.add_shelf"] = timed(add_shelf, args.repeat)

        def basket():
            b = Basket(counter)
            for _ in range(4):
                b.add(codes[next(take)])
            b.hand_over("a1", "3号楼王阿姨")
        actions["basket (4 customers) hand_over"] = timed(basket, args.repeat)
        days = iter(today - timedelta(days=i) for i in range(args.repeat))
        actions["day_close.close_day"] = timed(
            lambda: day_close.close_day(store, next(days), "leader", {lines[0].sku: 1}),
            args.repeat)
        actions["day_close.closing_slip"] = timed(
            lambda: day_close.closing_slip(store, today, reprint=True), args.repeat)
        job = print_jobs.list_failed(store)[0]
        actions["print_jobs.retry"] = timed(
            lambda: print_jobs.retry(store, job.id, lambda k, i: None), args.repeat)
        store.close()

        for name, ms in {**screens, **actions}.items():
            flag = "" if ms <= LIMIT_MS else "  ** over 300 ms **"
            print(f"{ms:8.1f} ms  {name}{flag}")

        import report_bench as rb

        store = Store.in_dir(Path(tmp) / "report")
        rb.build(store, args.pickups)
        out = Path(tmp) / "pickups.xlsx"
        t0 = time.perf_counter()
        with store.reader() as s:
            rb.export_pickups(s, rb.START, rb.START + timedelta(days=rb.DAYS - 1), "xlsx", out,
                              rb.TZ)
        xlsx_s = round(time.perf_counter() - t0, 2)
        print(f"xlsx export of {args.pickups} pickups: {xlsx_s} s")
        store.close()
    slow_screen = max(screens, key=screens.get)
    slow_action = max(actions, key=actions.get)
    print(json.dumps({"orders": args.orders, "screens_ms": screens, "actions_ms": actions,
                      "slowest_action": slow_action, "slowest_action_ms": actions[slow_action],
                      "slowest_screen": slow_screen, "slowest_open_ms": screens[slow_screen],
                      "xlsx_100k_s": xlsx_s}, ensure_ascii=False))


if __name__ == "__main__":
    main()
