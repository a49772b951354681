"""The city trial: a bad day for a whole city of pickup points, and nothing lost or counted twice.

    .venv/bin/python bench/city_trial.py [--stations 50] [--minutes 4] [--database auto]

HQ (this script, over the HTTP contract only) registers N stations and PUTs two delivery
batches for each, dispatching the first at once and the second mid-day. The sync server runs
as a real uvicorn process with several workers (PostgreSQL at 127.0.0.1:5432 when it answers,
in a fresh schema, else SQLite). Each station is a real counter process
(`tests/integration/trial_station.py`: the station core, its own SQLite store, its sync engine);
every 10th station has a second counter (another process and store, the same token). All of
them reach the server through one fault proxy (`tests/sync/faultproxy.py`) that drops
connections, delays answers, cuts responses in half and answers 502 at set rates.

During the day: hosts hand over at a steady pace (partial and proxy pickups, undos, double
scans, shortages signed at arrival); HQ cancels orders; some stations are cut off and HQ cancels
orders they then hand over offline (each must end flagged on both sides); orders are scanned
at both counters of a station; counter processes are SIGKILLed and restarted at random
moments; the server is restarted once; one counter's disk is "full" for a while (RLIMIT_FSIZE).
Then the network heals, every counter syncs until nothing waits, and `_trial_check.judge`
compares every store and journal with HQ. Exit status 1 when anything was lost or duplicated
or an invariant broke. Last line: one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from _common import percentile
from _trial_check import judge, read_counter, rejections_repeated
from _trial_server import HQ, ServerProcess

from tests.sync.faultproxy import FaultProxy

STATION_SCRIPT = ROOT / "tests" / "integration" / "trial_station.py"
FAULT_RATES = {"down": 0.02, "lose": 0.02, "delay": 0.04, "cut": 0.02, "status:502": 0.02}
SKUS = [("SKU-APL", "苹果 1kg", 1290, "fruit"), ("SKU-EGG", "鸡蛋 10 枚", 890, "fresh"),
        ("SKU-MLK", "牛奶 1L", 1050, "dairy"), ("SKU-RCE", "大米 5kg", 3990, "grain"),
        ("SKU-TOM", "番茄 500g", 590, "veg")]


class CounterProc:
    """One counter process: started, SIGKILLed, restarted; its files stay."""

    def __init__(self, trial: Trial, station_id: str, token: str, role: str, data_dir: Path):
        self.trial, self.station_id, self.token, self.role = trial, station_id, token, role
        self.dir = data_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.kills = 0
        self.lock = threading.Lock()
        self.control({"mode": "run", "disk_full": False, "pace": trial.args.pace,
                      "walk_ins": role == "primary"})

    @property
    def name(self) -> str:
        return self.dir.name

    def control(self, values: dict) -> None:
        path = self.dir / "control.json"
        current = json.loads(path.read_text()) if path.exists() else {}
        current.update(values)
        tmp = self.dir / "control.tmp"
        tmp.write_text(json.dumps(current))
        os.replace(tmp, path)

    def start(self) -> None:
        with self.lock:
            log = open(self.dir / "stderr.log", "ab")  # noqa: SIM115 - kept by the child
            self.proc = subprocess.Popen(
                [sys.executable, str(STATION_SCRIPT), str(self.dir),
                 "--url", self.trial.proxy.route_url(self.station_id), "--token", self.token,
                 "--role", self.role, "--seed", str(self.trial.rng.randrange(1 << 30)),
                 "--pace", str(self.trial.args.pace),
                 "--sync-every", str(self.trial.args.sync_every)],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                env=dict(os.environ, PYTHONPATH=str(ROOT)))
            log.close()

    def kill(self) -> None:
        with self.lock:
            if self.proc and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
                self.kills += 1

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def status(self) -> dict:
        try:
            return json.loads((self.dir / "status.json").read_text())
        except (OSError, ValueError):
            return {}

    def enqueue(self, code: str) -> None:
        with open(self.dir / "customers.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"code": code}) + "\n")

    def served(self) -> int:
        try:
            return int((self.dir / "customers.offset").read_text() or 0)
        except (OSError, ValueError):
            return 0

    def queued(self) -> int:
        try:
            return len((self.dir / "customers.jsonl").read_text().splitlines())
        except OSError:
            return 0


class Trial:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rng = random.Random(args.seed)
        self.root = Path(args.out_dir or tempfile.mkdtemp(prefix="city-trial-"))
        self.events: list[str] = []
        self.cancelled: set[str] = set()
        self.cancel_lock = threading.Lock()
        self.orders: dict[str, dict[str, dict]] = {}  # station -> order_id -> {code, batch}
        self.counters: list[CounterProc] = []
        self.stop = threading.Event()
        self.figures: dict = {"kills": 0, "server_restart_s": None, "forced_offline": 0,
                              "cancels": 0, "cancel_409": 0, "two_counter_scans": 0}

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.t0:7.1f}s] {text}"
        self.events.append(line)
        print(line, flush=True)

    # --- the morning: stations, batches, counters -----------------------------------------
    def setup(self) -> None:
        self.t0 = time.monotonic()
        a = self.args
        self.server = ServerProcess(self.root / "server", workers=a.workers, database=a.database)
        self.server.start()
        self.say(f"server: uvicorn, {a.workers} workers, {self.server.kind}, {self.server.url}")
        self.hq = HQ(self.server.url, self.server.admin_token)
        self.proxy = FaultProxy(self.server.url, rates={}, seed=a.seed, delay_s=(0.3, 2.0),
                                pool=128, timeout=30)
        for i in range(a.stations):
            sid = f"CT{i:03d}"
            token = self.hq.create_station(sid, f"自提点{i:03d}")
            self.orders[sid] = {}
            for b in (1, 2):
                self.put_batch(sid, f"{sid}-B{b}")
            self.counters.append(CounterProc(self, sid, token, "primary",
                                             self.root / f"{sid}-A"))
            if i % 10 == 3:
                self.counters.append(CounterProc(self, sid, token, "secondary",
                                                 self.root / f"{sid}-B"))
        n_orders = sum(len(v) for v in self.orders.values())
        self.say(f"HQ: {a.stations} stations, {2 * a.stations} batches, {n_orders} orders, "
                 f"{len(self.counters)} counters")

    def put_batch(self, sid: str, batch_id: str) -> None:
        orders = []
        for j in range(self.args.orders):
            phone = f"139{self.rng.randrange(10**8):08d}"
            if j and self.rng.random() < 0.1:  # the same customer twice in one batch
                phone = orders[-1]["phone"]
            items = [{"sku": sku, "name": name, "qty": self.rng.randint(1, 3),
                      "unit_price_cents": price, "category": cat}
                     for sku, name, price, cat in self.rng.sample(SKUS, self.rng.randint(1, 3))]
            orders.append({"order_id": f"{batch_id}-O{j:03d}", "customer_name": "测试顾客",
                           "phone": phone, "items": items})
        answer = self.hq.put_batch(batch_id, sid, orders)
        for o in answer["orders"]:
            self.orders[sid][o["order_id"]] = {"code": o["pickup_code"], "batch": batch_id}

    def start_counters(self, timeout: float = 300.0) -> None:
        """The morning: counters open and download their batches, then the faults begin."""
        for sid in self.orders:
            self.hq.dispatch(f"{sid}-B1")
        for c in self.counters:
            c.start()
            time.sleep(0.05)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = sum(1 for c in self.counters if c.status().get("ok_rounds", 0) >= 1)
            if ready == len(self.counters):
                break
            time.sleep(0.5)
        self.say(f"counters open: {ready} of {len(self.counters)} have synced once; "
                 "first batches dispatched")
        self.proxy.set_rates(FAULT_RATES)
        self.say(f"faults on: {FAULT_RATES}")

    # --- the day: what goes wrong, on threads --------------------------------------------
    def at(self, fraction: float, fn, *args) -> threading.Thread:
        def run():
            if not self.stop.wait(max(0.0, self.day_start + fraction * self.day_s
                                      - time.monotonic())):
                try:
                    fn(*args)
                except Exception as exc:  # noqa: BLE001 - reported, the day goes on
                    self.say(f"!! {fn.__name__} failed: {type(exc).__name__}: {exc}")
        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    def dispatch_second(self) -> None:
        for sid in self.orders:
            self.hq.dispatch(f"{sid}-B2")
        self.say("second batches dispatched")

    def cancel(self, order_id: str) -> bool:
        r = self.hq.cancel(order_id)
        with self.cancel_lock:
            if r.status_code == 200:
                self.cancelled.add(order_id)
                self.figures["cancels"] += 1
                return True
            self.figures["cancel_409"] += r.status_code == 409
        return False

    def random_cancel(self) -> None:
        sid = self.rng.choice(list(self.orders))
        order_id = self.rng.choice(list(self.orders[sid]))
        self.cancel(order_id)

    def offline_conflict(self, sid: str) -> None:
        """Cut a station off, cancel orders it still shows as open, send their customers."""
        self.proxy.offline(sid)
        time.sleep(1.0)
        counters = [c for c in self.counters if c.station_id == sid]
        batch = self.hq.batch(f"{sid}-B1")
        open_orders = [o["order_id"] for o in batch["orders"]
                       if o["status"] in ("arrived", "pending") and not o["pickup_id"]]
        picked = self.rng.sample(open_orders, min(2, len(open_orders)))
        for order_id in picked:
            if self.cancel(order_id):
                for c in counters:
                    c.enqueue(self.orders[sid][order_id]["code"])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(c.served() < c.queued() for c in counters):
            time.sleep(0.3)
        self.proxy.online(sid)
        self.figures["forced_offline"] += 1
        self.say(f"{sid} was offline; HQ cancelled {picked} meanwhile and their customers came")

    def two_counters(self) -> None:
        """A customer scanned at both counters of a station (a double hand-over risk)."""
        pairs = [c for c in self.counters if c.role == "secondary"]
        while not self.stop.wait(self.rng.uniform(2, 6)):
            sec = self.rng.choice(pairs) if pairs else None
            if sec is None:
                return
            prim = next(c for c in self.counters if c.station_id == sec.station_id
                        and c.role == "primary")
            order_id = self.rng.choice(list(self.orders[sec.station_id]))
            code = self.orders[sec.station_id][order_id]["code"]
            prim.enqueue(code)
            sec.enqueue(code)
            self.figures["two_counter_scans"] += 1

    def killer(self) -> None:
        pause = self.day_s / max(1, self.args.kills)
        while not self.stop.wait(self.rng.uniform(0.3, 1.7) * pause):
            c = self.rng.choice(self.counters)
            c.kill()
            self.figures["kills"] += 1
            if self.stop.wait(self.rng.uniform(0.2, 2.0)):
                break
            c.start()

    def restart_server(self) -> None:
        self.say("server restart ...")
        away = self.server.restart()
        self.figures["server_restart_s"] = round(away, 2)
        self.say(f"server back after {away:.1f} s")

    def disk_full(self, counter: CounterProc, seconds: float) -> None:
        counter.control({"disk_full": True})
        self.say(f"{counter.name}: disk full for {seconds:.0f} s")
        self.stop.wait(seconds)
        counter.control({"disk_full": False})
        time.sleep(3 * self.args.pace)  # the counter notices at its next step
        journal = read_counter_journal(counter)
        mid = len([j for j in journal if j["op"] == "handover"])
        spans = [j for j in journal if j["op"] == "disk_full"]
        failures = sum(j.get("failures", 0) for j in spans if not j["on"])
        self.figures["disk_full_failed_writes"] = failures
        self.disk_full_counter = (counter, mid)
        self.say(f"{counter.name}: disk space back; {failures} local writes failed meanwhile, "
                 f"{mid} hand-overs confirmed so far")

    def day(self) -> None:
        a = self.args
        self.day_s = a.minutes * 60
        self.day_start = time.monotonic()
        self.at(0.45, self.dispatch_second)
        self.at(0.6, self.restart_server)
        target = self.counters[1 % len(self.counters)]
        self.at(0.25, self.disk_full, target, max(8.0, 0.1 * self.day_s))
        for _ in range(max(2, a.stations * a.orders * 2 // 40)):
            self.at(self.rng.uniform(0.1, 0.9), self.random_cancel)
        sids = list(self.orders)
        for sid in self.rng.sample(sids, max(1, len(sids) // 10)):
            self.at(self.rng.uniform(0.2, 0.4), self.offline_conflict, sid)
        threading.Thread(target=self.two_counters, daemon=True).start()
        threading.Thread(target=self.killer, daemon=True).start()
        while time.monotonic() < self.day_start + self.day_s:
            time.sleep(1)
            for c in self.counters:  # a counter that died on its own is a finding
                if c.proc and c.proc.poll() not in (None, -signal.SIGKILL):
                    self.say(f"!! {c.name} exited with {c.proc.returncode}")
                    c.start()
        self.stop.set()
        time.sleep(2.5)  # the killer's pending restart

    # --- the evening: heal, drain, judge ---------------------------------------------------
    def heal(self, timeout: float) -> float:
        self.proxy.heal()
        t = time.monotonic()
        for c in self.counters:
            c.control({"mode": "drain", "disk_full": False})
            if not c.alive():
                c.start()
        self.say("network healed; every counter syncs until nothing waits")
        deadline = t + timeout
        drained: dict[str, float] = {}
        while time.monotonic() < deadline:
            for c in self.counters:
                if c.name not in drained and c.proc.poll() is not None:
                    drained[c.name] = time.monotonic() - t
            if len(drained) == len(self.counters):
                break
            time.sleep(0.2)
        times = sorted(drained.values())
        if times:
            self.say(f"drained: first {times[0]:.1f} s, median {times[len(times) // 2]:.1f} s, "
                     f"last {times[-1]:.1f} s")
        for c in self.counters:
            if c.proc.poll() is None:
                self.say(f"!! {c.name} did not drain in {timeout:.0f} s")
                c.kill()
            elif c.proc.returncode != 0:
                self.say(f"!! {c.name} ended with {c.proc.returncode}")
        return time.monotonic() - t


def read_counter_journal(c: CounterProc) -> list[dict]:
    try:
        lines = (c.dir / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, default=50)
    p.add_argument("--minutes", type=float, default=4.0, help="length of the trading day")
    p.add_argument("--orders", type=int, default=60, help="orders per batch (2 per station)")
    p.add_argument("--pace", type=float, default=2.0, help="seconds between customers")
    p.add_argument("--sync-every", type=float, default=3.0)
    p.add_argument("--kills", type=int, default=None, help="SIGKILLs (default: one a station)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--database", choices=("auto", "sqlite", "postgres"), default="auto")
    p.add_argument("--heal-timeout", type=float, default=300.0)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--out-dir", type=Path, default=None)
    p.add_argument("--keep", action="store_true", help="keep the files (always on failure)")
    args = p.parse_args(argv)
    args.kills = args.stations if args.kills is None else args.kills
    trial = Trial(args)
    trial.setup()
    ok = False
    try:
        trial.start_counters()
        trial.day()
        heal_s = trial.heal(args.heal_timeout)
        t_judge = time.monotonic()
        feed = trial.hq.all_pickups()
        batches = {f"{sid}-B{b}": trial.hq.batch(f"{sid}-B{b}")
                   for sid in trial.orders for b in (1, 2)}
        records = [read_counter(c.station_id, c.dir) for c in trial.counters]
        repeats = rejections_repeated(trial.server.url, trial.server.admin_token)
        verdict = judge(records, feed, batches, trial.cancelled,
                        silent_rejections_ok=not repeats)
        if not repeats:
            trial.say("known server flaw: a rejected event sent again is answered `duplicate` "
                      "(server_stub/services/events.py); silent rejections counted, not failed")
        if getattr(trial, "disk_full_counter", None):
            counter, mid = trial.disk_full_counter
            after = len([j for j in read_counter_journal(counter) if j["op"] == "handover"])
            trial.figures["after_disk_full_handovers"] = after - mid
            if after <= mid:
                verdict.bad(f"{counter.name}: no hand-over confirmed after its disk came back")
        heal_to_consistent = heal_s + (time.monotonic() - t_judge)
        ok = report(trial, verdict, heal_to_consistent)
    finally:
        trial.stop.set()
        for c in trial.counters:
            c.kill()
        trial.server.stop()
        trial.proxy.close()
        trial.server.drop_database()
        if ok and not args.keep and not args.out_dir:
            shutil.rmtree(trial.root, ignore_errors=True)
        else:
            print(f"files kept in {trial.root}", file=sys.stderr)
    return 0 if ok else 1


def report(trial: Trial, verdict, heal_to_consistent: float) -> bool:
    f, fig = verdict.figures, trial.figures
    push = [s for path, s, st in trial.proxy.timings if path == "/api/v1/sync/push" and st == 200]
    answered = sum(trial.proxy.push_results.values())
    day_and_heal = time.monotonic() - trial.day_start
    faults = {}
    for _m, _p, action, _s in trial.proxy.log:
        kind = action.split(":")[0] if not action.startswith("status") else action
        if kind != "pass":
            faults[kind] = faults.get(kind, 0) + 1
    print()
    print(f"stations {trial.args.stations}, counters {len(trial.counters)}, "
          f"server {trial.server.kind} x{trial.args.workers} workers")
    print(f"confirmed at the counters   {f['confirmed']}")
    print(f"uploaded, exactly once      {f['uploaded']}")
    print(f"rejected hand-overs         {f['rejected_pickups']}  {f['rejections']}")
    print(f"cancel conflicts flagged    {f['cancel_flags_ok']} of {f['cancel_flags_needed']}")
    print(f"silent rejections           {f['silent_rejections']} (refused at HQ, the station "
          "never told)")
    print(f"lost {f['lost']}, duplicated {f['duplicated']}")
    print(f"SIGKILLs {fig['kills']}, server restart {fig['server_restart_s']} s, "
          f"offline stations {fig['forced_offline']}, HQ cancels {fig['cancels']} "
          f"(+{fig['cancel_409']} refused: already picked up), two-counter scans "
          f"{fig['two_counter_scans']}, writes refused by the full disk "
          f"{fig.get('disk_full_failed_writes')}, hand-overs after it "
          f"{fig.get('after_disk_full_handovers')}")
    print(f"faults played by the proxy  {faults}")
    print(f"requests through the proxy  {len(trial.proxy.log)}; push answers "
          f"{dict(trial.proxy.push_results)}")
    print(f"push p50 {percentile(push, 50) * 1000:.0f} ms, p99 {percentile(push, 99) * 1000:.0f}"
          f" ms over {len(push)} pushes; {answered} events answered, "
          f"{answered / day_and_heal:.1f}/s over the day and the heal")
    print(f"heal to consistent          {heal_to_consistent:.1f} s")
    for problem in verdict.problems[:40]:
        print("PROBLEM:", problem)
    if len(verdict.problems) > 40:
        print(f"... and {len(verdict.problems) - 40} more problems")
    print(json.dumps({
        "stations": trial.args.stations, "confirmed": f["confirmed"], "uploaded": f["uploaded"],
        "lost": f["lost"], "duplicated": f["duplicated"],
        "conflicts": f["rejected_pickups"], "heal_to_consistent_s": round(heal_to_consistent, 2),
        "events_per_s": round(answered / day_and_heal, 1),
        "push_p99_ms": round(percentile(push, 99) * 1000, 1),
    }))
    return not verdict.problems and f["lost"] == 0 and f["duplicated"] == 0


if __name__ == "__main__":
    sys.exit(main())
