"""The child of the crash test: a counter that confirms pickups until it is killed.

Run as `python tests/integration/crash_worker.py DATA_DIR [--seed N]`. It opens (and on first
use creates and seeds) the station store in DATA_DIR, then loops through the real core:
looks a customer's pickup code up (`Counter.lookup`), hands the ready orders over
(`Counter.hand_over`, sometimes with a short line), now and then undoes a recent pickup
(`Counter.undo`) or signs the next delivery batch off (`arrival.sign_off`).

Only after a call has returned — that is, after its transaction committed — the worker prints
one JSON line on stdout and flushes it: what the counter screen would call "done". The parent
(`test_crash_kill.py`) kills this process with SIGKILL at random moments and later checks that
everything reported is on disk, exactly once, with its outbox event.

Progress markers (also JSON lines): `{"op": "opening"}` just before the store is opened (and
migrated), `{"op": "ready"}` once it is open and seeded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

from sqlalchemy import func, select

from pickup_station.core import arrival
from pickup_station.core import operators as ops
from pickup_station.core.counter import Counter, LineChoice, OrderChoice
from pickup_station.demo import data as demo
from pickup_station.errors import Refused
from pickup_station.store.db import Store
from pickup_station.store.models import Batch, Operator, Order, OrderItem, Pickup

STATION_ID = "ST001"
SEED_BATCHES = 10  # the first arrives with the seed, the others are signed off as the loop runs
ORDERS_PER_BATCH = 300
OPERATORS = ("leader", "a1")


def report(op: str, **fields) -> None:
    """One line on stdout, flushed: the parent may rely on it from this moment on."""
    sys.stdout.write(json.dumps({"op": op, **fields}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def seed_batches() -> list[dict]:
    return demo.generate(batches=SEED_BATCHES, orders_per_batch=ORDERS_PER_BATCH,
                         customers=SEED_BATCHES * ORDERS_PER_BATCH // 2, seed=2024,
                         station_id=STATION_ID)


def seed(store: Store) -> None:
    """Fill a new store: operators, then each batch in its own transaction (idempotent)."""
    with store.session() as s:
        ops.ensure_default_operators(s)
        if s.get(Operator, "a1") is None:
            ops.add_operator(s, "a1", "小李", "5678", role="assistant")
    with store.reader() as s:
        present = set(s.scalars(select(Batch.batch_id)))
    if len(present) >= SEED_BATCHES:
        return
    for i, batch in enumerate(seed_batches()):
        if batch["batch_id"] not in present:
            demo.bulk_load(store, [batch], arrived=(i == 0), station_id=STATION_ID)


class CounterLoop:
    """What a busy counter does all day, one committed step at a time."""

    def __init__(self, store: Store, rng: random.Random, say=report):
        self.store = store
        self.counter = Counter(store)
        self.rng = rng
        self.say = say  # how "done" is told: a flushed stdout line in the child
        self.recent: list[str] = []  # pickup ids handed over by this process

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.08 and self.recent:
            self.undo_one()
        elif roll < 0.095:
            self.arrive_next() or self.hand_over_one()
        else:
            self.hand_over_one()

    def random_open_code(self) -> str | None:
        with self.store.reader() as s:
            base = (select(Order.pickup_code).join(Batch)
                    .where(Batch.status == "arrived", Order.pickup_state == "open",
                           Order.status == "active"))
            n = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            if n == 0:
                return None
            return s.scalar(base.order_by(Order.order_id).offset(self.rng.randrange(n)).limit(1))

    def hand_over_one(self) -> None:
        code = self.random_open_code()
        if code is None:
            if not self.arrive_next():
                self.undo_one(any_pickup=True)
            return
        verdict = self.counter.lookup(code)
        if not verdict.ok:  # ready, or partly ready (the arrived orders go)
            return
        choices = []
        for view in verdict.orders:
            if not view.arrived:
                continue
            lines = None
            if self.rng.random() < 0.1:  # one item short at the counter
                first = view.items[0]
                lines = [LineChoice(i.item_id, i.available) for i in view.items]
                lines[0] = LineChoice(first.item_id, max(0, first.available - 1), "short")
                if sum(ln.qty_handed for ln in lines) == 0:
                    lines = None
            choices.append(OrderChoice(view.order_id, lines))
        proxy = "邻居张阿姨" if self.rng.random() < 0.1 else None
        try:
            result = self.counter.hand_over(choices, self.rng.choice(OPERATORS), proxy_name=proxy)
        except Refused:
            return
        for p in result.pickups:  # the commit is done: now, and only now, say so
            self.say("handover", pickup_id=p.pickup_id, receipt_no=p.receipt_no,
                   order_id=p.order_id)
            self.recent.append(p.pickup_id)

    def undo_one(self, any_pickup: bool = False) -> None:
        if any_pickup:
            with self.store.reader() as s:
                ids = list(s.scalars(select(Pickup.pickup_id).where(Pickup.undone_at.is_(None))
                                     .order_by(Pickup.picked_at.desc()).limit(50)))
        else:
            ids = self.recent[-20:]
        if not ids:
            return
        pickup_id = self.rng.choice(ids)
        try:
            self.counter.undo(pickup_id, "leader", "顾客退回 / returned at the counter",
                              leader_id="leader")
        except Refused:
            return
        self.say("undo", pickup_id=pickup_id)
        if pickup_id in self.recent:
            self.recent.remove(pickup_id)

    def arrive_next(self) -> bool:
        with self.store.reader() as s:
            batch_id = s.scalar(select(Batch.batch_id).where(Batch.status == "expected")
                                .order_by(Batch.batch_id).limit(1))
        if batch_id is None:
            return False
        with self.store.reader() as s:
            order_id, sku = s.execute(
                select(Order.order_id, OrderItem.sku)
                .join(Order.items).where(Order.batch_id == batch_id)
                .order_by(Order.order_id).limit(1)).one()
        issues = [arrival.ArrivalIssue(order_id, sku, 1, "short")] if self.rng.random() < .5 else []
        try:
            arrival.sign_off(self.store, batch_id, "leader", issues)
        except Refused:
            return False
        self.say("arrive", batch_id=batch_id)
        return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data_dir", type=Path)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--steps", type=int, default=0, help="stop after N steps (0: until killed)")
    p.add_argument("--background-checkpoint", action="store_true",
                   help="the window's store (app.build_services): WAL checkpoints on the store's "
                        "thread, here after every commit, so kills land in them too")
    args = p.parse_args(argv)
    rng = random.Random(args.seed if args.seed is not None else os.getpid())
    report("opening")
    store = Store.in_dir(args.data_dir, background_checkpoint=args.background_checkpoint)
    if store.checkpointer is not None:
        store.checkpointer.every = 1
    seed(store)
    report("ready")
    loop = CounterLoop(store, rng)
    n = 0
    while not args.steps or n < args.steps:
        loop.step()
        n += 1
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
