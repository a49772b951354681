"""Pull the plug at the counter: what the screen called done survives, exactly once.

A child process (`crash_worker.py`) confirms pickups through the real core on a real SQLite
store and reports each one on stdout only after its commit. We SIGKILL it at random moments —
some within milliseconds of start, while it opens and migrates the store — 50 times against the
same data directory (every other worker opens the store as the window does: WAL checkpoints on
the store's thread, here after each commit), then check the store with `check_store`: every
reported pickup is there with its lines, its order's state and its one `pickup_confirmed`
outbox event; nothing is duplicated; receipt numbers are unique; SQLite's integrity check
passes; the counter still works.

`check_store` itself is tested on doctored copies of a good store (a missing event, a pickup
reported but never committed, a duplicated event, ...) so that this test can fail.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter as Tally
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# many processes or a server under load: run after the parallel suite, alone (Makefile)
pytestmark = pytest.mark.heavy

WORKER = Path(__file__).with_name("crash_worker.py")
ROUNDS = 50


# --- what the children reported ---------------------------------------------------------------
@dataclass
class Reported:
    """Everything a counter process called done before it died."""

    handovers: dict[str, dict] = field(default_factory=dict)  # pickup_id -> report line
    undos: set[str] = field(default_factory=set)
    arrivals: set[str] = field(default_factory=set)
    receipt_reports: list[str] = field(default_factory=list)  # every receipt_no, in order

    def add(self, line: dict) -> None:
        op = line.get("op")
        if op == "handover":
            self.handovers[line["pickup_id"]] = line
            self.receipt_reports.append(line["receipt_no"])
        elif op == "undo":
            self.undos.add(line["pickup_id"])
        elif op == "arrive":
            self.arrivals.add(line["batch_id"])


# --- the checker -------------------------------------------------------------------------------
def check_store(db_path: Path, reported: Reported) -> list[str]:
    """Every way the store can disagree with what was reported, or with itself. [] when sound."""
    problems: list[str] = []
    conn = sqlite3.connect(db_path)
    try:
        problems += _check_sqlite(conn)
        pickups = {r[0]: r[1:] for r in conn.execute(
            "SELECT pickup_id, receipt_no, order_id, undone_at FROM pickups")}
        lines: dict[str, list[tuple]] = {}
        for pid, sku, ordered, handed in conn.execute(
                "SELECT pickup_id, sku, qty_ordered, qty_handed FROM pickup_lines ORDER BY id"):
            lines.setdefault(pid, []).append((sku, ordered, handed))
        events = list(conn.execute("SELECT event_id, type, order_id, batch_id, payload FROM outbox"))
        problems += _check_events(events, pickups, lines)
        problems += _check_reported(reported, pickups)
        problems += _check_orders(conn, pickups, lines)
        problems += _check_batches(conn, events, reported)
        for receipt, n in conn.execute(
                "SELECT receipt_no, COUNT(*) FROM pickups GROUP BY receipt_no HAVING COUNT(*) > 1"):
            problems.append(f"receipt {receipt} used by {n} pickups")
    finally:
        conn.close()
    return problems


def _check_sqlite(conn: sqlite3.Connection) -> list[str]:
    out = []
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        out.append(f"integrity_check: {result}")
    for row in conn.execute("PRAGMA foreign_key_check"):
        out.append(f"foreign key broken: {row}")
    return out


def _check_events(events, pickups: dict, lines: dict) -> list[str]:
    out = []
    for event_id, n in Tally(e[0] for e in events).items():
        if n > 1:
            out.append(f"event_id {event_id} stored {n} times")
    confirmed: dict[str, list] = {}
    undone: dict[str, list] = {}
    for _eid, type_, order_id, _batch, payload in events:
        data = json.loads(payload)
        if type_ == "pickup_confirmed":
            confirmed.setdefault(data.get("pickup_id"), []).append((order_id, data))
        elif type_ == "pickup_undone":
            undone.setdefault(data.get("pickup_id"), []).append((order_id, data))
    for pid, (receipt, order_id, undone_at) in pickups.items():
        evs = confirmed.get(pid, [])
        if len(evs) != 1:
            out.append(f"pickup {pid} ({receipt}) has {len(evs)} pickup_confirmed events")
        for ev_order, data in evs:
            if ev_order != order_id or data.get("receipt_no") != receipt:
                out.append(f"pickup {pid}: event says order {ev_order} / {data.get('receipt_no')}"
                           f", store says {order_id} / {receipt}")
            got = sorted((i["sku"], i["qty_ordered"], i["qty_handed"]) for i in data["items"])
            if got != sorted(lines.get(pid, [])):
                out.append(f"pickup {pid}: event items {got} differ from stored lines")
        n_undone = len(undone.get(pid, []))
        if n_undone != (1 if undone_at else 0):
            out.append(f"pickup {pid} (undone_at={undone_at}) has {n_undone} pickup_undone events")
        if not lines.get(pid):
            out.append(f"pickup {pid} has no lines")
        elif sum(h for _s, _o, h in lines[pid]) <= 0:
            out.append(f"pickup {pid} hands over nothing")
    for pid in (set(confirmed) | set(undone)) - set(pickups):
        out.append(f"event for pickup {pid}, which is not in the store")
    return out


def _check_reported(reported: Reported, pickups: dict) -> list[str]:
    out = []
    for pid, line in reported.handovers.items():
        row = pickups.get(pid)
        if row is None:
            out.append(f"reported pickup {pid} ({line['receipt_no']}) is not in the store")
        elif (row[0], row[1]) != (line["receipt_no"], line["order_id"]):
            out.append(f"reported pickup {pid} is stored as {row[:2]}, reported as "
                       f"{line['receipt_no']}, {line['order_id']}")
    for receipt, n in Tally(reported.receipt_reports).items():
        if n > 1:
            out.append(f"receipt {receipt} was reported {n} times")
    for pid in reported.undos:
        row = pickups.get(pid)
        if row is None or not row[2]:
            out.append(f"reported undo of {pid} is not in the store")
    return out


def _check_orders(conn: sqlite3.Connection, pickups: dict, lines: dict) -> list[str]:
    out = []
    active: dict[str, list[str]] = {}
    for pid, (_receipt, order_id, undone_at) in pickups.items():
        if not undone_at:
            active.setdefault(order_id, []).append(pid)
    for order_id, state in conn.execute("SELECT order_id, pickup_state FROM orders"):
        pids = active.get(order_id, [])
        if len(pids) > 1:
            out.append(f"order {order_id} handed over {len(pids)} times: {pids}")
            continue
        if not pids:
            expected = "open"
        else:
            missing = sum(o - h for _s, o, h in lines.get(pids[0], []))
            expected = "picked_up" if missing == 0 else "partially_picked_up"
        if state != expected:
            out.append(f"order {order_id} is {state!r}, its pickups say {expected!r}")
    return out


def _check_batches(conn: sqlite3.Connection, events, reported: Reported) -> list[str]:
    out = []
    signed = Tally(e[3] for e in events if e[1] == "arrival_checked")
    for batch_id, status, arrived_by in conn.execute(
            "SELECT batch_id, status, arrived_by FROM batches"):
        want = 1 if (status == "arrived" and arrived_by) else 0
        if signed[batch_id] != want:
            out.append(f"batch {batch_id} ({status}) has {signed[batch_id]} arrival_checked events")
        if batch_id in reported.arrivals and status != "arrived":
            out.append(f"reported arrival of {batch_id} is not in the store ({status})")
    return out


# --- running and killing children --------------------------------------------------------------
@dataclass
class ChildRun:
    mode: str
    lines: list[dict]
    returncode: int
    stderr: str


def _spawn(data_dir: Path, stderr_file, background: bool = False) -> subprocess.Popen:
    extra = ["--background-checkpoint"] if background else []
    return subprocess.Popen([sys.executable, str(WORKER), str(data_dir), *extra],
                            stdout=subprocess.PIPE, stderr=stderr_file,
                            cwd=Path(__file__).parents[2])


def run_and_kill(data_dir: Path, mode: str, delay: float, tmp: Path,
                 background: bool = False) -> ChildRun:
    """Start a worker and SIGKILL it `delay` s after the moment `mode` names.

    mode: `start` (after spawning: mostly during imports), `opening` (after it says it opens the
    store: open, WAL recovery, migration, seeding) or `ready` (inside the hand-over loop).
    `background`: the worker's store checkpoints on its own thread, as the window's does.
    """
    err_path = tmp / "worker.stderr"
    with open(err_path, "wb") as err:
        proc = _spawn(data_dir, err, background)
        lines: list[dict] = []
        seen = {"opening": threading.Event(), "ready": threading.Event()}

        def read() -> None:
            for raw in proc.stdout:
                if not raw.endswith(b"\n"):
                    break  # cut off by the kill: never counted as reported
                line = json.loads(raw)
                lines.append(line)
                if line["op"] in seen:
                    seen[line["op"]].set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if mode != "start" and not seen[mode].wait(30):
            proc.kill()
            raise AssertionError(f"worker never said {mode}: {err_path.read_text()[-2000:]}")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        reader.join(10)
        proc.stdout.close()
    return ChildRun(mode, lines, proc.returncode, err_path.read_text(errors="replace"))


def kill_plan(rng: random.Random, rounds: int) -> list[tuple[str, float]]:
    """The first kill lands while a fresh store is being created; the rest are mixed."""
    plan = [("opening", rng.uniform(0, 0.004))]
    while len(plan) < rounds:
        roll = rng.random()
        if roll < 0.12:
            plan.append(("start", rng.uniform(0, 0.05)))
        elif roll < 0.32:
            plan.append(("opening", rng.uniform(0, 0.02)))
        else:
            plan.append(("ready", rng.uniform(0, 0.45)))
    return plan


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_kill_50_times_and_nothing_reported_is_lost(tmp_path):
    data_dir = tmp_path / "station"
    seed = int(os.environ.get("CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    reported = Reported()
    began = time.monotonic()
    kinds = Tally()
    for i, (mode, delay) in enumerate(kill_plan(rng, ROUNDS)):
        # every other worker checkpoints the WAL on the store's thread (the window's store)
        run = run_and_kill(data_dir, mode, delay, tmp_path, background=i % 2 == 1)
        assert run.returncode == -signal.SIGKILL, (
            f"round {i} (seed {seed}): worker ended by itself ({run.returncode}):\n{run.stderr}")
        for line in run.lines:
            reported.add(line)
            kinds[line["op"]] += 1
    elapsed = time.monotonic() - began
    print(f"crash seed {seed}: {ROUNDS} kills in {elapsed:.1f} s, reported {dict(kinds)}")

    db = data_dir / "station.sqlite3"
    problems = check_store(db, reported)
    assert not problems, f"seed {seed}:\n" + "\n".join(problems[:40])
    # the run really exercised the loop: kills landed mid-work, after many confirmed pickups
    assert len(reported.handovers) >= 60, (seed, dict(kinds))  # ~200 on a quiet machine
    assert kinds["ready"] >= 15 and kinds["undo"] >= 1, (seed, dict(kinds))

    _still_works(data_dir, reported)
    assert check_store(db, reported) == []


def _still_works(data_dir: Path, reported: Reported) -> None:
    """The store opens again and one more hand-over commits with its event."""
    from sqlalchemy import select

    from pickup_station.core.counter import Counter, OrderChoice
    from pickup_station.store.db import Store
    from pickup_station.store.models import Batch, Order, OutboxEvent

    store = Store.in_dir(data_dir)
    try:
        assert store.integrity_check() == "ok"
        with store.reader() as s:
            order_id = s.scalar(select(Order.order_id).join(Batch).where(
                Batch.status == "arrived", Order.pickup_state == "open",
                Order.status == "active").order_by(Order.order_id).limit(1))
        assert order_id is not None
        result = Counter(store).hand_over([OrderChoice(order_id)], "leader")
        [p] = result.pickups
        with store.reader() as s:
            assert s.get(Order, order_id).pickup_state in ("picked_up", "partially_picked_up")
            payloads = [json.loads(e.payload) for e in s.scalars(select(OutboxEvent).where(
                OutboxEvent.type == "pickup_confirmed", OutboxEvent.order_id == order_id))]
        assert [d["pickup_id"] for d in payloads].count(p.pickup_id) == 1
        reported.add({"op": "handover", "pickup_id": p.pickup_id, "receipt_no": p.receipt_no,
                      "order_id": p.order_id})
    finally:
        store.close()


# --- the checker must catch what it is there to catch ------------------------------------------
@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """A store after a stretch of real counter work in this process, and what it reported."""
    from pickup_station.store.db import Store
    from tests.integration import crash_worker

    data_dir = tmp_path_factory.mktemp("good")
    store = Store.in_dir(data_dir)
    crash_worker.seed(store)
    reported = Reported()
    loop = crash_worker.CounterLoop(store, random.Random(5),
                                    say=lambda op, **f: reported.add({"op": op, **f}))
    for _ in range(40):
        loop.step()
    while not reported.undos:
        loop.undo_one()
    while not reported.arrivals:
        loop.arrive_next()
    store.close()
    return data_dir / "station.sqlite3", reported


def _doctored(good_store, tmp_path, *sql: str) -> Path:
    src, _ = good_store
    dst = tmp_path / "doctored.sqlite3"
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    with sqlite3.connect(dst) as conn:
        for statement in sql:
            conn.execute(statement)
    return dst


def _some_pickup(good_store) -> str:
    _, reported = good_store
    return next(pid for pid in reported.handovers if pid not in reported.undos)


def test_checker_passes_a_good_store(good_store):
    db, reported = good_store
    assert len(reported.handovers) >= 30 and reported.undos and reported.arrivals
    assert check_store(db, reported) == []


def test_checker_catches_a_missing_event(good_store, tmp_path):
    pid = _some_pickup(good_store)
    db = _doctored(good_store, tmp_path, "DELETE FROM outbox WHERE type='pickup_confirmed' "
                   f"AND json_extract(payload, '$.pickup_id')='{pid}'")
    assert any(pid in p and "0 pickup_confirmed" in p for p in check_store(db, good_store[1]))


def test_checker_catches_a_pickup_reported_before_its_commit(good_store, tmp_path):
    # what a worker that reports before committing leaves behind when killed in between
    pid = _some_pickup(good_store)
    db = _doctored(good_store, tmp_path,
                   f"DELETE FROM outbox WHERE json_extract(payload, '$.pickup_id')='{pid}'",
                   f"DELETE FROM pickup_lines WHERE pickup_id='{pid}'",
                   f"UPDATE orders SET pickup_state='open' WHERE order_id="
                   f"(SELECT order_id FROM pickups WHERE pickup_id='{pid}')",
                   f"DELETE FROM pickups WHERE pickup_id='{pid}'")
    problems = check_store(db, good_store[1])
    receipt = good_store[1].handovers[pid]["receipt_no"]
    assert problems == [f"reported pickup {pid} ({receipt}) is not in the store"]


def test_checker_catches_a_duplicated_event(good_store, tmp_path):
    pid = _some_pickup(good_store)
    db = _doctored(good_store, tmp_path,
                   "INSERT INTO outbox (event_id, type, order_id, batch_id, payload, occurred_at) "
                   "SELECT event_id || '-again', type, order_id, batch_id, payload, occurred_at "
                   f"FROM outbox WHERE json_extract(payload, '$.pickup_id')='{pid}' "
                   "AND type='pickup_confirmed'")
    assert any(pid in p and "2 pickup_confirmed" in p for p in check_store(db, good_store[1]))


def test_checker_catches_a_state_change_without_its_event_or_row(good_store, tmp_path):
    pid = _some_pickup(good_store)
    db = _doctored(good_store, tmp_path, "UPDATE orders SET pickup_state='open' WHERE order_id="
                   f"(SELECT order_id FROM pickups WHERE pickup_id='{pid}')")
    assert any("is 'open'" in p for p in check_store(db, good_store[1]))
    undone = next(iter(good_store[1].undos))
    db = _doctored(good_store, tmp_path, f"UPDATE pickups SET undone_at=NULL "
                   f"WHERE pickup_id='{undone}'")
    problems = check_store(db, good_store[1])
    assert any(undone in p and "reported undo" in p for p in problems)
    assert any(undone in p and "1 pickup_undone" in p for p in problems)


def test_checker_catches_an_event_without_its_pickup_and_a_lost_arrival(good_store, tmp_path):
    batch = next(iter(good_store[1].arrivals))
    db = _doctored(good_store, tmp_path,
                   "INSERT INTO outbox (event_id, type, order_id, batch_id, payload, occurred_at) "
                   "VALUES ('e-x', 'pickup_confirmed', 'O1', 'B1', "
                   "'{\"pickup_id\": \"ghost\", \"items\": []}', '2026-01-01T00:00:00+00:00')",
                   f"UPDATE batches SET status='expected' WHERE batch_id='{batch}'")
    problems = check_store(db, good_store[1])
    assert any("ghost" in p for p in problems)
    assert any(batch in p and "reported arrival" in p for p in problems)
