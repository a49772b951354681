"""One counter of one pickup point in the city trial: a real station core in its own process.

Run as `python tests/integration/trial_station.py DATA_DIR --url URL --token TOKEN [--seed N]
[--role primary|secondary] [--pace S] [--sync-every S]`. It opens (or creates) the SQLite store
in DATA_DIR and works the counter through the public core and sync APIs: `SyncEngine` rounds
through the (faulty) network, `arrival.sign_off` once a dispatched batch is due, `Counter.lookup`
+ `Counter.hand_over` (whole, partial with a short line, by proxy), double scans, undos.
Two processes given the same token and different DATA_DIRs are two counters of one station.

Files in DATA_DIR shared with the trial (`bench/city_trial.py`):

- `control.json` (written by the trial, re-read when it changes): `{"mode": "run"|"drain",
  "disk_full": bool, "pace": S, "walk_ins": bool}`. `disk_full` lowers RLIMIT_FSIZE to 1 byte
  (SIGXFSZ ignored): every write to any file fails with EFBIG until it is lifted, as on a full
  disk. `drain`: no more customers; sync until nothing waits, write `drained` in the status and
  exit 0.
- `customers.jsonl` (appended by the trial): customers sent to this counter, `{"code": ...}`;
  served before walk-ins. `customers.offset` says how many were served (a customer served just
  before a SIGKILL comes again after the restart: a double scan, which must be refused).
- `journal.jsonl`: what this counter called done, appended and fsynced only after the commit
  returned: `{"op": "handover", "pickup_id", "receipt_no", "order_id", ...}`, `undo`,
  `arrive`, `refused`, `double_scan`. The trial checks the store and HQ against it.
- `status.json`: rounds, errors, pending events (best effort).

The store also gets a `trial_archive` table filled by a trigger on `outbox` inserts (same
transaction): every event this counter ever queued, so the trial can recompute HQ's
reconciliation from the station's own records after the outbox has drained.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import signal
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from pickup_station.core import arrival
from pickup_station.core import operators as ops
from pickup_station.core.counter import Counter, LineChoice, OrderChoice
from pickup_station.errors import Refused
from pickup_station.store.db import Store
from pickup_station.store.models import Batch, Operator, Order, OrderItem, Pickup
from pickup_station.sync.client import SyncClient
from pickup_station.sync.engine import SyncEngine

ARCHIVE_SQL = (
    ("CREATE TABLE IF NOT EXISTS trial_archive (event_id TEXT PRIMARY KEY, type TEXT, "
    "order_id TEXT, batch_id TEXT, payload TEXT, occurred_at TEXT)"),
    ("CREATE TRIGGER IF NOT EXISTS trial_archive_ai AFTER INSERT ON outbox BEGIN "
    "INSERT OR IGNORE INTO trial_archive VALUES (NEW.event_id, NEW.type, NEW.order_id, "
    "NEW.batch_id, NEW.payload, NEW.occurred_at); END"),
)
OPERATORS = ("leader", "a1")
ARRIVAL_DELAY_S = 2.0  # the truck's drive after dispatch, shortened


class Station:
    def __init__(self, args: argparse.Namespace):
        self.dir = Path(args.data_dir)
        self.args = args
        self.rng = random.Random(args.seed)
        self.store = Store.in_dir(self.dir)
        with self.store.session() as s:
            for sql in ARCHIVE_SQL:
                s.execute(text(sql))
            ops.ensure_default_operators(s)
            if s.get(Operator, "a1") is None:
                ops.add_operator(s, "a1", "小李", "5678", role="assistant")
        self.counter = Counter(self.store)
        self.engine = SyncEngine(self.store, SyncClient(
            args.url, args.token, connect_timeout=3, read_timeout=15, retries=1,
            retry_base=0.2, retry_cap=1.0, max_retry_after=5.0))
        self.control: dict = {"mode": "run", "disk_full": False, "pace": args.pace,
                              "walk_ins": True}
        self._control_mtime = 0.0
        self.disk_full = False
        self.full_failures = 0  # what the full disk refused (a hand-over, a sync round)
        self.status = {"pid": os.getpid(), "rounds": 0, "ok_rounds": 0, "errors": 0,
                       "local_failures": 0, "handovers": 0, "double_scan_bad": 0,
                       "drained": False, "last_error": None}
        self.next_sync = 0.0
        self.seen_dispatch: dict[str, float] = {}
        self.recent: list[tuple[str, str]] = []  # (pickup_id, code) handed over here
        self.offset = self._read_offset()

    # --- files shared with the trial ------------------------------------------------------
    def journal(self, op: str, **fields) -> None:
        """Append one line and fsync it: from now on the trial may rely on it."""
        line = (json.dumps({"op": op, "t": time.time(), **fields}, ensure_ascii=False) + "\n")
        fd = os.open(self.dir / "journal.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def _read_offset(self) -> int:
        try:
            return int((self.dir / "customers.offset").read_text() or 0)
        except (OSError, ValueError):
            return 0

    def _save_offset(self) -> None:
        tmp = self.dir / "customers.offset.tmp"
        tmp.write_text(str(self.offset))
        os.replace(tmp, self.dir / "customers.offset")

    def write_status(self) -> None:
        try:
            tmp = self.dir / "status.json.tmp"
            tmp.write_text(json.dumps(self.status))
            os.replace(tmp, self.dir / "status.json")
        except OSError:
            pass  # a full disk: the status waits

    def read_control(self) -> None:
        path = self.dir / "control.json"
        try:
            mtime = path.stat().st_mtime
            if mtime != self._control_mtime:
                self.control.update(json.loads(path.read_text()))
                self._control_mtime = mtime
        except (OSError, ValueError):
            return
        want = bool(self.control.get("disk_full"))
        if want != self.disk_full:
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            if want:  # marked before the disk "fills", so the trial sees the span exactly
                self.journal("disk_full", on=True)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1 if want else hard, hard))
            self.disk_full = want
            if not want:
                self.journal("disk_full", on=False, failures=self.full_failures)

    def next_customer(self) -> str | None:
        try:
            with open(self.dir / "customers.jsonl", encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except OSError:
            return None
        if self.offset < len(lines):
            try:
                return json.loads(lines[self.offset])["code"]
            except (ValueError, KeyError):
                self.offset += 1
        return None

    # --- the counter ----------------------------------------------------------------------
    def sync_round(self) -> None:
        report = self.engine.run_round()
        self.status["rounds"] += 1
        if self.disk_full and report.error is not None:
            self.full_failures += 1
        if report.ok:
            self.status["ok_rounds"] += 1
        else:
            self.status["errors"] += 1
            self.status["last_error"] = report.error.code if report.error else None
        self.status["pending"] = report.pending_events
        self.status["attention"] = report.attention
        self.status["cursor"] = report.cursor
        self.write_status()
        self.last_report = report

    def arrive_due(self) -> None:
        now = time.monotonic()
        with self.store.reader() as s:
            due = list(s.execute(select(Batch.batch_id).where(
                Batch.status == "expected", Batch.dispatched_at.is_not(None))).scalars())
        for batch_id in due:
            first = self.seen_dispatch.setdefault(batch_id, now)
            if now - first < ARRIVAL_DELAY_S:
                continue
            issues = []
            if self.args.role == "primary":
                with self.store.reader() as s:
                    rows = list(s.execute(select(Order.order_id, OrderItem.sku, OrderItem.qty)
                                          .join(Order.items).where(Order.batch_id == batch_id)
                                          .order_by(Order.order_id)))
                for order_id, sku, _qty in self.rng.sample(rows, min(len(rows), 3)):
                    issues.append(arrival.ArrivalIssue(order_id, sku, 1, "short", "trial"))
            try:
                arrival.sign_off(self.store, batch_id, "leader", issues)
            except Refused:
                continue
            self.journal("arrive", batch_id=batch_id,
                         short=[[i.order_id, i.sku, i.qty] for i in issues])

    def walk_in_code(self) -> str | None:
        with self.store.reader() as s:
            base = (select(Order.pickup_code).join(Batch)
                    .where(Batch.status == "arrived", Order.pickup_state == "open",
                           Order.status == "active"))
            n = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            if n == 0:
                return None
            return s.scalar(base.order_by(Order.order_id).offset(self.rng.randrange(n)).limit(1))

    def serve(self, code: str, queued: bool) -> None:
        verdict = self.counter.lookup(code)
        if verdict.kind != "ready":
            if queued:
                self.journal("refused", code=code, reason=verdict.reason)
            return
        choices = []
        for view in verdict.orders:
            if not view.arrived:
                continue
            lines = None
            if self.rng.random() < 0.15:  # one item short at the counter: a partial pickup
                lines = [LineChoice(i.item_id, i.available) for i in view.items]
                lines[0] = LineChoice(lines[0].item_id, max(0, lines[0].qty_handed - 1), "short")
                if sum(ln.qty_handed for ln in lines) == 0:
                    lines = None
            choices.append(OrderChoice(view.order_id, lines))
        if not choices:
            return
        proxy = "邻居张阿姨" if self.rng.random() < 0.1 else None
        result = self.counter.hand_over(choices, self.rng.choice(OPERATORS), proxy_name=proxy)
        for p in result.pickups:  # committed: now, and only now, it is "done"
            self.journal("handover", pickup_id=p.pickup_id, receipt_no=p.receipt_no,
                         order_id=p.order_id, partial=p.items_missing > 0, proxy=bool(proxy),
                         code=code, queued=queued)
            self.recent.append((p.pickup_id, code))
            self.status["handovers"] += 1
        self.recent = self.recent[-30:]

    def double_scan(self) -> None:
        pickup_id, code = self.rng.choice(self.recent)
        with self.store.reader() as s:
            order_id, undone = s.execute(select(Pickup.order_id, Pickup.undone_at).where(
                Pickup.pickup_id == pickup_id)).one()
        verdict = self.counter.lookup(code)
        # a code may stand for several orders of one customer: another of them may be open
        # (returned, undone, never taken); the order handed over must not be offered again
        ok = (undone is not None or verdict.kind == "refused"
              or all(v.order_id != order_id for v in verdict.orders))
        if not ok:
            self.status["double_scan_bad"] += 1
        self.journal("double_scan", pickup_id=pickup_id, order_id=order_id, verdict=verdict.kind,
                     offered=[v.order_id for v in verdict.orders], reason=verdict.reason, ok=ok)

    def undo_one(self) -> None:
        pickup_id, _code = self.rng.choice(self.recent)
        try:
            self.counter.undo(pickup_id, "leader", "顾客退回 / returned", leader_id="leader")
        except Refused:
            return
        self.journal("undo", pickup_id=pickup_id)
        self.recent = [r for r in self.recent if r[0] != pickup_id]

    def step(self) -> None:
        now = time.monotonic()
        if now >= self.next_sync:
            self.sync_round()
            self.next_sync = now + self.args.sync_every * self.rng.uniform(0.5, 1.5)
        self.arrive_due()
        code = self.next_customer()
        if code is not None:
            self.serve(code, queued=True)
            self.offset += 1
            self._save_offset()
            return
        roll = self.rng.random()
        if self.recent and roll < 0.05:
            self.double_scan()
        elif self.recent and roll < 0.09:
            self.undo_one()
        elif self.control.get("walk_ins", True):
            code = self.walk_in_code()
            if code:
                self.serve(code, queued=False)

    def drain(self) -> int:
        while True:
            self.read_control()
            self.sync_round()
            report = self.last_report
            if report.ok and report.pending_events == 0 and not report.pulled.pages:
                self.status["drained"] = True
                self.status["integrity"] = self.store.integrity_check()
                self.write_status()
                return 0
            if not report.ok:
                time.sleep(0.3)

    def run(self) -> int:
        while True:
            self.read_control()
            if self.control.get("mode") == "drain" and not self.disk_full:
                return self.drain()
            try:
                self.step()
            except Refused:
                pass
            except Exception as exc:  # noqa: BLE001 - a full disk and the like: try again later
                self.status["local_failures"] += 1
                self.full_failures += self.disk_full
                self.status["last_error"] = f"{type(exc).__name__}"
                self.write_status()
                time.sleep(0.2)
            pace = float(self.control.get("pace") or self.args.pace)
            time.sleep(pace * self.rng.uniform(0.5, 1.5))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data_dir", type=Path)
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--role", choices=("primary", "secondary"), default="primary")
    p.add_argument("--pace", type=float, default=2.0, help="seconds between customers")
    p.add_argument("--sync-every", type=float, default=3.0)
    args = p.parse_args(argv)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a "full disk" fails writes, not the process
    logging.raiseExceptions = False
    logging.disable(logging.CRITICAL)
    if args.seed is None:
        args.seed = os.getpid()
    return Station(args).run()


if __name__ == "__main__":
    sys.exit(main())
