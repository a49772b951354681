"""Faults at the network edge: nothing lost, nothing counted twice, the engine keeps going.

The real server runs behind `FaultProxy`, which plays what a real server cannot be made to do:
500s, slow answers, cut connections, lost answers, truncated or invalid JSON, 429s.
"""

from __future__ import annotations

import json

from pickup_station.store.models import Order
from pickup_station.sync.client import RateLimited, SyncOffline, SyncServerError
from pickup_station.sync.engine import META_CURSOR, PageRejected
from pickup_station.sync.protocol import ProtocolError
from pickup_station.sync.runner import connection_of
from tests.server_fixtures import HQClient

from .conftest import (
    count_rows,
    new_engine,
    outbox_ids,
    queue_events,
    seed,
    server_events,
    short_event,
)


def _ready(live_server, station, proxy, n_orders=2, **client_kw):
    token, _ = seed(HQClient(live_server), n=n_orders)
    return new_engine(station, proxy.url, token, **client_kw)


def _assert_exactly_once(server, events):
    assert server_events(server) == {e["event_id"]: 1 for e in events}


def test_server_down_then_back_on_the_same_address(server_factory, station, tmp_path):
    server = server_factory(tmp_path / "srv")
    token, _ = seed(HQClient(server), n=2)
    port = server.port
    events = [short_event("B1-O0") for _ in range(3)]
    queue_events(station, events)
    server.stop()
    engine = new_engine(station, server.url, token, retries=1)
    down = engine.run_round()
    assert not down.ok and isinstance(down.error, SyncOffline)
    assert connection_of(down.error) == "offline"
    assert "Cannot reach the server" in down.error.en and "无法连接服务器" in down.error.zh
    assert outbox_ids(station) == [e["event_id"] for e in events]
    assert station.get_meta(META_CURSOR) is None and station.get_meta("last_sync_at") is None

    again = server_factory(tmp_path / "srv", port=port, admin_token=server.admin_token)
    up = engine.run_round()  # the same engine, the same session: it just works again
    assert up.ok, up.error
    assert up.pulled.orders == 2 and up.pushed.accepted == 3
    _assert_exactly_once(again, events)


def test_http_500s_are_retried_then_reported(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, retries=2)
    events = [short_event("B1-O0") for _ in range(4)]
    queue_events(station, events)
    proxy.plan("/sync/push", "status:500", times=2)  # two failures: the retries absorb them
    report = engine.run_round()
    assert report.ok and report.pushed.accepted == 4
    assert proxy.count("/sync/push", "status:500") == 2

    more = [short_event("B1-O1") for _ in range(2)]
    queue_events(station, more)
    proxy.plan("/sync/push", "status:503", times=3)  # more than the retries: round fails
    failed = engine.run_round()
    assert not failed.ok and isinstance(failed.error, SyncServerError)
    assert connection_of(failed.error) == "server_error" and failed.pending_events == 2
    assert engine.run_round().pushed.accepted == 2
    _assert_exactly_once(live_server, events + more)


def test_slow_answers_and_timeouts(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, read_timeout=0.4, retries=0)
    events = [short_event("B1-O0") for _ in range(3)]
    queue_events(station, events)
    proxy.plan("/sync/pull", "slow:1.0")
    slow = engine.run_round()
    assert not slow.ok and isinstance(slow.error, SyncOffline)
    assert "did not answer in time" in slow.error.en
    assert count_rows(station, Order) == 0 and slow.pending_events == 3

    # a push whose answer comes too late: the server still gets it (later); retried → duplicate
    proxy.plan("/sync/push", "slow:0.8")
    for _ in range(10):  # on a busy machine the round's pull may time out before the push
        late = engine.run_round()
        assert not late.ok and late.pending_events == 3
        if late.pulled.pages:  # the pull went through: the push was the one that timed out
            break
    import time
    deadline = time.monotonic() + 15  # the slow request reaches the server meanwhile
    while len(server_events(live_server)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    # the retry itself is not what is timed here: a patient client (a busy CI machine may take
    # more than 0.4 s for a whole round), so only the slow answers above time out
    engine.client.timeout = (engine.client.timeout[0], 10.0)
    report = engine.run_round()
    assert report.ok and report.pushed.duplicate == 3 and report.pending_events == 0
    _assert_exactly_once(live_server, events)


def test_connection_cut_mid_response_and_lost_answers(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, retries=0)
    batch1 = [short_event("B1-O0") for _ in range(5)]
    queue_events(station, batch1)
    proxy.plan("/sync/push", "cut")
    cut = engine.run_round()
    assert not cut.ok and isinstance(cut.error, SyncOffline) and cut.pending_events == 5
    batch2 = [short_event("B1-O1") for _ in range(5)]
    queue_events(station, batch2)
    proxy.plan("/sync/push", "lose")  # the server stores them; the answer never comes
    lost = engine.run_round()
    assert not lost.ok and lost.pending_events == 10
    report = engine.run_round()
    assert report.ok and report.pushed.duplicate == 10 and report.pending_events == 0
    _assert_exactly_once(live_server, batch1 + batch2)
    # a cut in the middle of a pull answer keeps the cursor: nothing half-applied
    proxy.plan("/sync/pull", "cut")
    HQClient(live_server).put_batch("B2", "S1", [{"order_id": "B2-O0", "customer_name": "李四",
                                                  "phone": "13911112222",
                                                  "items": [{"sku": "A", "name": "梨", "qty": 1}]}])
    cursor = station.get_meta(META_CURSOR)
    assert not engine.run_round().ok and station.get_meta(META_CURSOR) == cursor
    assert engine.run_round().pulled.orders == 1


def test_truncated_or_invalid_json_keeps_the_cursor(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, retries=1)
    proxy.plan("/sync/pull", "truncate", times=2)
    report = engine.run_round()
    assert not report.ok and isinstance(report.error, ProtocolError)
    assert "not valid JSON" in report.error.en and "服务器应答格式错误" in report.error.zh
    assert station.get_meta(META_CURSOR) is None and count_rows(station, Order) == 0
    proxy.plan("/sync/push", "body:<html>gateway</html>", times=2)
    queue_events(station, [short_event("B1-O0")])
    bad_push = engine.run_round()
    assert bad_push.pulled.orders == 2 and bad_push.pending_events == 1  # nothing deleted
    assert engine.run_round().pending_events == 0


def test_malformed_page_rolls_back_and_push_still_goes(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, retries=0)
    assert engine.run_round().ok
    cursor = station.get_meta(META_CURSOR)
    page = {"changes": [
        {"seq": 90, "kind": "batch", "op": "upsert", "data": {"batch_id": "BX"}},
        {"seq": 91, "kind": "order", "op": "upsert",
         "data": {"order_id": "X1", "batch_id": "BX", "customer_name": "甲",
                  "items": [{"sku": "A", "name": "苹果", "qty": 1}]}},
        {"seq": 92, "kind": "order", "op": "upsert",  # no items: ManifestError
         "data": {"order_id": "X2", "batch_id": "BX", "customer_name": "乙", "items": []}},
    ], "cursor": "92", "has_more": False}
    proxy.plan("/sync/pull", "body:" + json.dumps(page))
    events = [short_event("B1-O0")]
    queue_events(station, events)
    report = engine.run_round()
    assert isinstance(report.error, PageRejected) and not report.ok
    assert "90–92" in report.error.en and "cursor kept" in report.error.en
    assert "X2" in report.error.zh
    assert station.get_meta(META_CURSOR) == cursor
    with station.reader() as s:
        assert s.get(Order, "X1") is None  # the whole page rolled back
    assert report.pushed.accepted == 1  # the push did not wait for the pull
    _assert_exactly_once(live_server, events)
    assert engine.run_round().ok  # the real server's next page is fine


def test_429_retry_after_is_honoured(live_server, station, proxy):
    sleeps: list[float] = []
    engine = _ready(live_server, station, proxy, retries=2, sleep=sleeps.append)
    queue_events(station, [short_event("B1-O0")])
    proxy.plan("/sync/push", "429:2")
    assert engine.run_round().ok and 2.0 in sleeps
    proxy.plan("/sync/pull", "429:120")  # longer than the client waits: the round reports it
    report = engine.run_round()
    assert isinstance(report.error, RateLimited) and report.error.retry_after == 120
    assert connection_of(report.error) == "busy"


def test_gzip_answers_are_decoded(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, n_orders=40)
    proxy.plan("/sync/pull", "gzip")
    report = engine.run_round()
    assert report.ok and report.pulled.orders == 40
    assert proxy.count("/sync/pull", "gzip") == 1
    assert engine.client.session.headers["Accept-Encoding"].startswith("gzip")


def test_failure_in_the_middle_of_a_long_push_keeps_what_got_through(live_server, station, proxy):
    engine = _ready(live_server, station, proxy, retries=0)
    events = [short_event(f"B1-O{i % 2}") for i in range(1400)]
    queue_events(station, events)
    proxy.plan("/sync/push", "pass", times=1)
    proxy.plan("/sync/push", "status:500")  # the 2nd request of the round is refused outright
    report = engine.run_round()
    assert not report.ok and report.pushed.accepted == 500 and report.pending_events == 900
    assert outbox_ids(station) == [e["event_id"] for e in events[500:]]  # still oldest first
    proxy.plan("/sync/push", "lose")  # stored by the server, answer lost
    lost = engine.run_round()
    assert not lost.ok and lost.pending_events == 900
    again = engine.run_round()
    assert again.ok and (again.pushed.accepted, again.pushed.duplicate) == (400, 500)
    _assert_exactly_once(live_server, events)


def test_a_station_side_failure_is_reported_not_raised(live_server, station, proxy, monkeypatch):
    import pickup_station.sync.engine as engine_module

    engine = _ready(live_server, station, proxy)
    queue_events(station, [short_event("B1-O0")])

    def broken(*_args):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(engine_module, "apply_changes", broken)
    report = engine.run_round()
    assert not report.ok and report.error.code == "local_error"
    assert "disk on fire" in report.error.en and connection_of(report.error) == "local_error"
    assert station.get_meta(META_CURSOR) is None and report.pending_events == 1
    monkeypatch.undo()
    assert engine.run_round().ok
