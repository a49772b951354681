"""Full round trips: the real server (SQLite and PostgreSQL) on loopback, the real station client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pickup_station.core import arrival
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.identity import token_sha256
from pickup_station.store.db import utcnow
from pickup_station.store.models import Order, OutboxEvent
from pickup_station.sync.client import SyncOffline
from pickup_station.sync.engine import META_CURSOR
from tests.server_fixtures import HQClient, make_order

from .conftest import (
    attention,
    count_rows,
    new_engine,
    outbox_ids,
    queue_events,
    seed,
    server_events,
    short_event,
)

DEAD_URL = "http://127.0.0.1:9"  # discard port: nothing listens


def test_full_round_trip_with_offline_handover(any_live_server, station):
    hq = HQClient(any_live_server)
    token, answer = seed(hq, n=3)
    engine = new_engine(station, any_live_server.url, token)

    first = engine.run_round()
    assert first.ok, first.error
    assert (first.pulled.batches, first.pulled.orders) == (1, 3)
    assert first.cursor and station.get_meta(META_CURSOR) == first.cursor
    # only the hash of each customer's token reaches the station
    bare = answer["orders"][0]["pickup_token"]
    with station.reader() as s:
        o = s.get(Order, "B1-O0")
        assert o.token_sha256 == token_sha256(bare)
        assert o.pickup_code == answer["orders"][0]["pickup_code"]
    station.close()
    assert bare.encode() not in station.path.read_bytes()

    # the network is gone: the counter still signs off and hands over
    arrival.sign_off(station, "B1", "leader")
    handed = Counter(station).hand_over([OrderChoice("B1-O0")], "leader", proxy_name="邻居")
    offline = new_engine(station, DEAD_URL, token, retries=0).run_round()
    assert not offline.ok and isinstance(offline.error, SyncOffline)
    assert offline.pending_events == 3  # slots_assigned + arrival_checked + pickup_confirmed

    back = engine.run_round()
    assert back.ok, back.error
    assert back.pushed.accepted == 3 and back.pending_events == 0
    batch = hq.get_batch("B1")
    o0 = next(o for o in batch["orders"] if o["order_id"] == "B1-O0")
    assert o0["status"] == "picked_up"
    assert o0["receipt_no"] == handed.receipt_nos[0] and o0["proxy_name"] == "邻居"
    assert batch["arrived"] is True
    feed = hq.pickups(station_id="S1")["pickups"]
    assert [p["receipt_no"] for p in feed] == handed.receipt_nos
    assert station.get_meta("last_sync_at") == back.last_sync


def test_cancel_after_offline_handover_is_flagged_on_both_sides(any_live_server, station):
    hq = HQClient(any_live_server)
    token, _ = seed(hq, n=2)
    engine = new_engine(station, any_live_server.url, token)
    assert engine.run_round().ok
    arrival.sign_off(station, "B1", "leader")
    Counter(station).hand_over([OrderChoice("B1-O1")], "leader")  # offline: not pushed yet
    hq.cancel("B1-O1", "顾客退单")

    report = engine.run_round()
    kinds = {(a.kind, a.order_id, a.reason) for a in attention(station)}
    assert ("cancelled_after_pickup", "B1-O1", "order_cancelled_after_pickup") in kinds
    assert ("rejected_event", "B1-O1", "order_cancelled") in kinds
    assert report.pushed.rejected == 1 and report.attention == 2
    with station.reader() as s:
        o = s.get(Order, "B1-O1")
        assert o.status == "cancelled" and o.pickup_state == "picked_up"  # not overwritten
    order = next(o for o in hq.get_batch("B1")["orders"] if o["order_id"] == "B1-O1")
    assert order["needs_review"] is True and order["review_reason"]
    assert outbox_ids(station) == []


def test_rejected_event_is_parked_and_queue_flows(any_live_server, station):
    hq = HQClient(any_live_server)
    token, _ = seed(hq, n=2)
    engine = new_engine(station, any_live_server.url, token)
    engine.run_round()
    good1, bad, good2 = short_event("B1-O0"), short_event("NO-SUCH-ORDER"), short_event("B1-O1")
    queue_events(station, [good1, bad, good2])
    report = engine.run_round()
    assert report.ok
    assert (report.pushed.accepted, report.pushed.rejected) == (2, 1)
    [item] = attention(station)
    assert (item.kind, item.event_id, item.event_type, item.reason) == (
        "rejected_event", bad["event_id"], "item_short", "unknown_order")
    assert outbox_ids(station) == []
    assert set(server_events(any_live_server)) == {good1["event_id"], good2["event_id"], bad["event_id"]}


def test_same_push_twice_counts_once(any_live_server, station):
    hq = HQClient(any_live_server)
    token, _ = seed(hq, n=1)
    engine = new_engine(station, any_live_server.url, token)
    events = [short_event("B1-O0") for _ in range(5)]
    queue_events(station, events)
    assert engine.run_round().pushed.accepted == 5
    queue_events(station, events)  # e.g. a restored backup sends them again
    report = engine.run_round()
    assert (report.pushed.accepted, report.pushed.duplicate) == (0, 5)
    assert server_events(any_live_server) == {e["event_id"]: 1 for e in events}


def test_event_id_conflict_is_parked_not_looped(any_live_server, station):
    hq = HQClient(any_live_server)
    token, _ = seed(hq, n=1)
    engine = new_engine(station, any_live_server.url, token)
    first = short_event("B1-O0", note="first")
    queue_events(station, [first])
    engine.run_round()
    twin = dict(first, data=dict(first["data"], note="changed body"))  # same id, other body
    others = [short_event("B1-O0") for _ in range(4)]
    queue_events(station, others[:2] + [twin] + others[2:])
    report = engine.run_round()
    assert report.ok and report.pushed.accepted == 4 and report.pushed.rejected == 1
    parked = [a for a in attention(station) if a.reason == "event_id_conflict"]
    assert [a.event_id for a in parked] == [first["event_id"]]
    assert outbox_ids(station) == []
    assert server_events(any_live_server) == {e["event_id"]: 1 for e in [first, *others]}


def test_413_splits_the_batch_and_parks_an_oversized_event(server_factory, station):
    server = server_factory(push_max_bytes=16_000)
    hq = HQClient(server)
    token, _ = seed(hq, n=1)
    engine = new_engine(station, server.url, token)
    events = [short_event("B1-O0", note="备注" * 40) for _ in range(120)]  # ~40 KB in all
    huge = short_event("B1-O0", note="x" * 20_000)
    queue_events(station, events[:60] + [huge] + events[60:])
    report = engine.run_round()
    assert report.pushed.accepted == 120 and report.pushed.rejected == 1
    assert report.pushed.requests > 3
    assert [a.reason for a in attention(station)] == ["payload_too_large"]
    assert set(server_events(server)) == {e["event_id"] for e in events}


def test_pull_pages_removals_and_cursor(live_server, station):
    hq = HQClient(live_server)
    token, _ = seed(hq, n=5)
    engine = new_engine(station, live_server.url, token, engine_kw={"pull_limit": 2})
    seen = []
    pulled = engine.pull(progress=lambda done, total: seen.append((done, total)))
    assert pulled.orders == 5 and pulled.pages >= 3
    assert seen[-1] == (5, 5)
    hq.put_batch("B1", "S1", [make_order(f"B1-O{i}") for i in range(3)])  # O3, O4 dropped
    again = engine.pull()
    assert again.removed == 2 and count_rows(station, Order) == 3
    assert engine.pull().orders == 0  # nothing new after the cursor


def test_heartbeat_reports_clock_skew(live_server, station):
    hq = HQClient(live_server)
    token, _ = seed(hq, n=1)
    queue_events(station, [short_event("NO-SUCH")])
    fast = new_engine(station, live_server.url, token,
                      engine_kw={"clock": lambda: utcnow() + timedelta(minutes=10)})
    report = fast.run_round()
    assert report.clock_ok is False and 590 < report.clock_skew_s < 610
    assert 590 < float(station.get_meta("clock_skew_s")) < 610
    st = next(s for s in hq.stations() if s["station_id"] == "S1")
    assert st["app_version"] and st["pending_events"] == 0
    ok = new_engine(station, live_server.url, token).run_round()
    assert ok.clock_ok is True and abs(ok.clock_skew_s) < 5


def test_locate_finds_the_other_pickup_point(live_server, station):
    hq = HQClient(live_server)
    token, _ = seed(hq, "S1", "B1", n=1)
    _, other = seed(hq, "S2", "B2", n=1)
    engine = new_engine(station, live_server.url, token)
    where = engine.locate(token_sha256(other["orders"][0]["pickup_token"]))
    assert where["station_id"] == "S2" and where["name"] == "自提点S2"
    assert engine.locate("0" * 64) is None


@pytest.mark.parametrize("n", [0])
def test_outbox_rows_untouched_when_unauthorized(live_server, station, n):
    queue_events(station, [short_event("B1-O0")])
    report = new_engine(station, live_server.url, "not-a-token").run_round()
    assert not report.ok and report.error.code == "sync_auth"
    assert count_rows(station, OutboxEvent) == 1 and station.get_meta(META_CURSOR) is None


def test_malformed_event_is_bisected_out_and_parked(live_server, station):
    hq = HQClient(live_server)
    token, _ = seed(hq, n=1)
    engine = new_engine(station, live_server.url, token)
    good = [short_event("B1-O0") for _ in range(6)]
    broken = dict(short_event("B1-O0"), occurred_at="yesterday-ish")  # the server answers 422
    queue_events(station, good[:3] + [broken] + good[3:])
    report = engine.run_round()
    assert report.ok and report.pushed.accepted == 6 and report.pushed.rejected == 1
    [item] = attention(station)
    assert (item.event_id, item.reason) == (broken["event_id"], "validation_error")
    assert outbox_ids(station) == []
    assert server_events(live_server) == {e["event_id"]: 1 for e in good}


def test_station_learns_who_it_is(any_live_server, station):
    hq = HQClient(any_live_server)
    token, _ = seed(hq, n=1)
    engine = new_engine(station, any_live_server.url, token)
    assert engine.run_round().ok
    assert station.get_meta("station_name") == "自提点S1"
    assert station.get_meta("station_address") == "幸福路 1 号"
    assert station.get_meta("station_leader_name") == "王团长"
    # /sync/me answers only for a station token, and only about that station
    assert hq.request("GET", "/api/v1/sync/me").status_code == 403
    import requests
    r = requests.get(any_live_server.url + "/api/v1/sync/me",
                     headers={"Authorization": "Bearer nope"}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
