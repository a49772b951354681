"""A station killed with SIGKILL in the middle of pushes, restarted again and again.

Afterwards every event reached the server exactly once (the server's own rows are counted), the
outbox is empty and the store is intact.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.server_fixtures import HQClient

from .conftest import new_engine, outbox_ids, queue_events, seed, server_events, short_event

# many processes or a server under load: run after the parallel suite, alone (Makefile)
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_sigkill_mid_push_loses_nothing_and_counts_nothing_twice(live_server, station, data_dir):
    token, _ = seed(HQClient(live_server), n=3)
    events = [short_event(f"B1-O{i % 3}") for i in range(1500)]
    queue_events(station, events)
    rng = random.Random(1234)
    kills = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(6):
        if not outbox_ids(station):
            break
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.push_child", str(data_dir), live_server.url, token],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        # Kill after a random number of requests (75 in all; at most 6 x 8 reached), at a
        # random moment of the next one: the child can never run to its end.
        for _ in range(rng.randint(1, 8)):
            assert child.stdout.readline().strip() == b"chunk"
        time.sleep(rng.uniform(0.0, 0.02))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(10)
    assert kills >= 5, "the child finished before it could be killed"
    left_before = len(outbox_ids(station))
    assert left_before < len(events)  # the killed children did move events

    report = new_engine(station, live_server.url, token).run_round()  # the restart, to the end
    assert report.ok, report.error
    assert outbox_ids(station) == []
    assert server_events(live_server) == {e["event_id"]: 1 for e in events}
    assert station.integrity_check() == "ok"
