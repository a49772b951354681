"""The background runner (no Qt): coalescing, backoff after failures, "sync now", clean stop."""

from __future__ import annotations

import threading
import time

from pickup_station.sync.client import Backoff
from pickup_station.sync.runner import SyncRunner
from tests.server_fixtures import HQClient

from .conftest import fast_client, queue_events, seed, short_event

DEAD_URL = "http://127.0.0.1:9"


def wait_for(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return False


def test_backoff_holds_requests_but_not_sync_now(live_server, station):
    token, _ = seed(HQClient(live_server), n=1)
    creds = {"url": DEAD_URL, "token": token}
    reports, states = [], []
    runner = SyncRunner(station, lambda: (creds["url"], creds["token"]),
                        on_report=reports.append, on_state=states.append,
                        backoff=Backoff(base=30, cap=60), debounce_s=0.01,
                        client_factory=lambda u, t: fast_client(u, t, retries=0))
    runner.start()
    try:
        runner.request()
        assert wait_for(lambda: runner.rounds == 1)
        assert reports[-1].ok is False and runner.state.connection == "offline"
        assert 15 <= runner.state.next_try_in_s <= 30
        queue_events(station, [short_event("B1-O0")])
        for _ in range(10):
            runner.request()  # the counter keeps working: no new round during the backoff...
        assert wait_for(lambda: states[-1].pending_events == 1)  # ...but the count is fresh
        time.sleep(0.3)
        assert runner.rounds == 1
        creds["url"] = live_server.url
        runner.request(force=True)  # "Sync now" goes at once
        assert wait_for(lambda: runner.rounds == 2 and reports[-1].ok)
        assert reports[-1].pushed.accepted == 1 and runner.state.connection == "online"
        assert runner.state.pending_events == 0 and runner.state.last_sync
    finally:
        assert runner.stop(5)


def test_stop_is_prompt_even_mid_request(live_server, station):
    from .faultproxy import FaultProxy

    token, _ = seed(HQClient(live_server), n=1)
    proxy = FaultProxy(live_server.url)
    proxy.plan("/sync/pull", "slow:0.5")
    try:
        runner = SyncRunner(station, lambda: (proxy.url, token), debounce_s=0.0,
                            client_factory=lambda u, t: fast_client(u, t, retries=0))
        runner.start()
        runner.request(force=True)
        time.sleep(0.15)  # the round is inside the slow pull now
        t0 = time.monotonic()
        assert runner.stop(5)
        assert time.monotonic() - t0 < 2
        assert not any(t.name == "sync-runner" and t.is_alive() for t in threading.enumerate())
        assert station.get_meta("last_sync_at") is None  # a stopped round is not a good sync
    finally:
        proxy.close()
