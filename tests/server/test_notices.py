"""Notices to customers (issue 11), over real HTTP on SQLite and PostgreSQL: the outbox written
with its cause (arrival, shortages, reminders, cancel, the overdue sweep), delivered by the
webhook notifier to a real loopback receiver through failures, dead-lettered and retried by
HQ; HQ's list, filters and counts, masked."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from server_stub.notifier.receiver import LoopbackReceiver
from tests.server.conftest import assert_error
from tests.server.test_no_500 import ODD_PATH, ODD_QUERY, ODD_TIME
from tests.server_fixtures import HQClient, StationClient, event, make_order

SECRET = "test-webhook-secret"
FAST = {"notify_poll_s": 0.05, "notify_backoff_base_s": 0.05, "notify_backoff_max_s": 0.2}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def start_server(request):
    """`start_server(**settings)`: a live server on SQLite or PostgreSQL with these settings."""
    url = request.getfixturevalue("pg_url_factory")() if request.param == "postgres" else None
    factory = request.getfixturevalue("server_factory")  # stopped before the schema is dropped
    return lambda **settings: factory(database_url=url, **settings)


def shop(server, batch="B1"):
    """Station S1 with a batch of three orders (O1 two lines; O2, O3 one)."""
    hq = HQClient(server)
    token = hq.create_station("S1", "一号店", address="幸福路 1 号")
    hq.put_batch(batch, "S1", [
        make_order("O1", items=[{"sku": "A", "name": "苹果", "qty": 2},
                                {"sku": "B", "name": "牛奶", "qty": 1}]),
        make_order("O2", customer_name="李四", phone="139 0000 5678"),
        make_order("O3", customer_name="王五", phone="13700009999"),
    ])
    return hq, StationClient(server, token)


def short(order_id, sku, qty, kind="item_short", batch="B1"):
    return event(kind, order_id=order_id, batch_id=batch,
                 data={"sku": sku, "qty": qty, "stage": "arrival", "operator_id": "op"})


def arrival(batch="B1", occurred_at=None):
    return event("arrival_checked", batch_id=batch, data={"operator_id": "op"},
                 occurred_at=occurred_at)


def notices(hq, **params) -> list[dict]:
    r = hq.request("GET", "/api/v1/notices", params={"limit": 2000, **params})
    assert r.status_code == 200, r.text
    return r.json()["notices"]


def wait_until(check, timeout=20.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not reached in {timeout} s")


def test_every_notice_reaches_the_webhook_once_through_500s_and_a_timeout(start_server):
    # each notice: 500 first, then no answer (the notifier times out), then accepted
    rx = LoopbackReceiver(SECRET, lambda key, n: {1: 500, 2: "hang"}.get(n, 200), hang_s=1.5)
    try:
        server = start_server(notify_webhook_url=rx.url, notify_webhook_secret=SECRET,
                              notify_webhook_timeout_s=0.5, **FAST)
        hq, st = shop(server)
        results = st.push([short("O1", "A", 1), short("O1", "B", 1, "item_damaged"), arrival()])
        assert [r["status"] for r in results] == ["accepted"] * 3
        assert rx.wait_for(3, timeout=30)
        listed = wait_until(lambda: (ns := notices(hq)) and all(
            n["state"] == "delivered" for n in ns) and ns)
    finally:
        rx.close()
    assert rx.bad_signatures == 0
    assert set(rx.unique) == {n["idempotency_key"] for n in listed}
    assert all(rx.arrivals[k] == 3 and rx.accepted[k] == 1 for k in rx.unique)
    assert all(n["attempts"] == 3 and n["last_error"] is None for n in listed)
    by_order = {b["order_id"]: b for b in rx.unique.values()}
    assert {o: b["kind"] for o, b in by_order.items()} == {
        "O1": "short", "O2": "ready", "O3": "ready"}
    o1 = by_order["O1"]
    assert o1["missing"] == [
        {"sku": "A", "name": "苹果", "qty": 2, "short": 1, "damaged": 0},
        {"sku": "B", "name": "牛奶", "qty": 1, "short": 0, "damaged": 1}]
    assert o1["ready"] == [{"sku": "A", "name": "苹果", "qty": 1}]
    assert o1["customer"] == {"name": "张三", "phone": "13800001234",
                              "phone_masked": "138****1234"}
    assert o1["station"] == {"station_id": "S1", "name": "一号店", "address": "幸福路 1 号"}
    assert len(o1["pickup_code"]) == 6
    head = rx.headers[o1["idempotency_key"]]
    assert head["Idempotency-Key"] == o1["idempotency_key"]
    assert head["X-Pickup-Signature"].startswith("v1=")


def test_a_wrong_secret_is_refused_by_the_receiver_and_never_counts_as_delivered(start_server):
    rx = LoopbackReceiver(SECRET)
    try:
        server = start_server(notify_webhook_url=rx.url, notify_webhook_secret="not-the-one",
                              **FAST)
        hq, st = shop(server)
        st.push([arrival()])
        failed = wait_until(lambda: [n for n in notices(hq) if n["state"] == "failed"])
    finally:
        rx.close()
    assert rx.bad_signatures >= 1 and rx.unique == {}
    assert failed[0]["last_error"] == "HTTP 401"


def test_dead_after_the_give_up_time_then_hq_retry_delivers(start_server):
    accepting = threading.Event()
    rx = LoopbackReceiver(SECRET, lambda key, n: 200 if accepting.is_set() else 503)
    try:
        server = start_server(notify_webhook_url=rx.url, notify_webhook_secret=SECRET,
                              notify_give_up_s=1.0, **FAST)
        hq, st = shop(server)
        st.push([arrival()])
        dead = wait_until(lambda: len(ns := notices(hq, state="dead")) == 3 and ns)
        assert all(n["last_error"] == "HTTP 503" and n["dead_at"] and n["attempts"] >= 2
                   for n in dead)
        time.sleep(0.5)  # dead stays dead: no more attempts
        assert sum(rx.arrivals.values()) == sum(n["attempts"] for n in dead)
        accepting.set()
        first = hq.request("POST", f"/api/v1/notices/{dead[0]['id']}/retry")
        assert first.status_code == 200, first.text
        assert first.json()["state"] == "pending"
        assert first.json()["deadline_at"] > dead[0]["deadline_at"]
        wait_until(lambda: notices(hq, state="delivered"))
        again = hq.request("POST", f"/api/v1/notices/{dead[0]['id']}/retry")
        assert_error(again, 409, "already_delivered")
        rest = hq.request("POST", "/api/v1/notices/retry-dead", params={"station_id": "S1"})
        assert rest.status_code == 200 and rest.json() == {"retried": 2}
        assert rx.wait_for(3, timeout=20)
        wait_until(lambda: len(notices(hq, state="delivered")) == 3)
    finally:
        rx.close()
    assert_error(hq.request("POST", "/api/v1/notices/999999/retry"), 404)


def test_who_is_told_what_cancel_reminders_and_the_overdue_sweep_once(start_server):
    server = start_server(notify_notifier="log", notify_overdue_hours=48,
                          notify_sweep_interval_s=0.1, **FAST)
    hq, st = shop(server)
    # B0 arrived three days ago: O9 waits (overdue), O8 was handed over, O7 cancelled
    hq.put_batch("B0", "S1", [make_order(o, phone="13600000000") for o in ("O7", "O8", "O9")])
    hq.cancel("O7")
    old = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    st.push([arrival("B0", occurred_at=old),
             event("pickup_confirmed", order_id="O8", data={
                 "pickup_id": "p8", "receipt_no": "R8", "operator_id": "op", "items": []})])
    reminder = event("reminder_requested", order_id="O2", batch_id="B1",
                     data={"operator_id": "op", "shelf_slot": "A-1-02", "days_waiting": 2.0})
    hq.cancel("O3")  # before arrival: nobody is told
    st.push([short("O1", "A", 2), arrival(), reminder,
             event("reminder_requested", order_id="NOPE", batch_id="B1", data={})])
    assert st.push([reminder])[0]["status"] == "duplicate"
    st.push([arrival()])  # a second sign-off: the first stands, nobody is told twice
    hq.cancel("O1", "out of stock")  # after arrival
    hq.cancel("O1", "out of stock")  # idempotent: one notice
    wait_until(lambda: any(n["kind"] == "reminder" and n["order_id"] == "O9"
                           for n in notices(hq)))
    time.sleep(0.5)  # a few more sweeps
    listed = notices(hq)
    told = sorted((n["order_id"], n["kind"]) for n in listed)
    assert told == [("O1", "cancelled"), ("O1", "short"), ("O2", "ready"),
                    ("O2", "reminder"), ("O9", "ready"), ("O9", "reminder")]
    by = {(n["order_id"], n["kind"]): n for n in listed}
    assert by["O2", "reminder"]["content"]["reminder"] == {"source": "station",
                                                           "days_waiting": 2.0}
    assert by["O2", "reminder"]["content"]["shelf_slot"] == "A-1-02"
    assert by["O2", "reminder"]["event_id"] == reminder["event_id"]
    assert by["O9", "reminder"]["content"]["reminder"]["source"] == "overdue"
    assert by["O9", "reminder"]["content"]["reminder"]["hours_waiting"] >= 72
    assert by["O1", "cancelled"]["content"]["reason"] == "out of stock"
    assert by["O1", "short"]["content"]["ready"] == [{"sku": "B", "name": "牛奶", "qty": 1}]
    # the log notifier delivered them; the station's reminder request says it was sent
    wait_until(lambda: all(n["state"] == "delivered" for n in notices(hq)))
    asked = hq.request("GET", "/api/v1/reminders").json()["reminders"]
    assert asked[0]["order_id"] == "O2" and asked[0]["notified_at"]


def test_a_shortage_reported_after_the_sign_off_tells_that_customer(start_server):
    server = start_server(notify_notifier="off")
    hq, st = shop(server)
    st.push([arrival()])
    st.push([short("O2", "SKU-1", 1, "item_damaged"),
             event("item_short", order_id="O3", batch_id="B1",
                   data={"sku": "SKU-1", "qty": 1, "stage": "pickup"})])
    told = sorted((n["order_id"], n["kind"], n["state"]) for n in notices(hq))
    assert told == [("O1", "ready", "pending"), ("O2", "ready", "pending"),
                    ("O2", "short", "pending"), ("O3", "ready", "pending")]


def test_hq_list_filters_counts_and_masks(start_server, caplog):
    caplog.set_level(logging.INFO, logger="server_stub.notices")
    server = start_server(notify_notifier="log", **FAST)
    hq, st = shop(server)
    st.push([short("O1", "A", 1), arrival()])
    hq.cancel("O3", "changed mind")
    wait_until(lambda: len(notices(hq, state="delivered")) == 4)
    everything = hq.request("GET", "/api/v1/notices").text
    for secret in ("13800001234", "13900005678", "13700009999", "张三", "李四", "王五"):
        assert secret not in everything
        assert secret not in caplog.text
    assert "138****1234" in everything and "138****1234" in caplog.text
    assert "张*" in everything and "张*" in caplog.text
    assert [n["order_id"] for n in notices(hq, kind="ready")] == ["O2", "O3"]
    assert [n["order_id"] for n in notices(hq, order_id="O3")] == ["O3", "O3"]
    assert [n["kind"] for n in notices(hq, order_id="O3", kind="cancelled")] == ["cancelled"]
    assert notices(hq, station_id="S2") == [] and notices(hq, state="dead") == []
    today = datetime.now(UTC).date()
    assert len(notices(hq, date=today.isoformat())) == 4
    assert notices(hq, date=(today - timedelta(days=1)).isoformat()) == []
    page = hq.request("GET", "/api/v1/notices", params={"limit": 3}).json()
    assert len(page["notices"]) == 3 and page["has_more"] is True
    rest = hq.request("GET", "/api/v1/notices", params={"after": page["next_after"]}).json()
    assert len(rest["notices"]) == 1 and rest["has_more"] is False
    counts = hq.request("GET", "/api/v1/notices/counts", params={
        "from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}).json()
    zero = {"pending": 0, "failed": 0, "delivered": 0, "dead": 0, "total": 0}
    assert counts["days"] == [
        {"day": (today - timedelta(days=1)).isoformat(), **zero},
        {"day": today.isoformat(), **zero, "delivered": 4, "total": 4}]


def test_notices_refuse_bad_queries_and_station_tokens(start_server):
    server = start_server(notify_notifier="off")
    hq, st = shop(server)
    for params in ({"state": "gone"}, {"kind": "sms"}, {"date": "2026-02-30"},
                   {"date": "２０２６-01-01"}, {"limit": "0"}, {"after": "-1"},
                   {"order_id": "a b"}):
        assert_error(hq.request("GET", "/api/v1/notices", params=params), 422)
    for params in ({"from": "2026-01-02", "to": "2026-01-01"},
                   {"from": "2024-01-01", "to": "2026-01-01"}, {"to": "2026-13-01"}):
        assert_error(hq.request("GET", "/api/v1/notices/counts", params=params), 422)
    assert_error(hq.request("POST", "/api/v1/notices/12x/retry"), 422)
    assert_error(hq.request("POST", "/api/v1/notices/5/retry"), 404)
    assert_error(hq.request("GET", "/api/v1/notices/retry-dead"), 405)
    assert_error(st.request("GET", "/api/v1/notices"), 403)
    assert_error(st.request("POST", "/api/v1/notices/retry-dead"), 403)
    assert_error(hq.request("GET", "/api/v1/notices", headers={"Authorization": "Bearer x"}),
                 401)


def test_odd_queries_and_paths_on_notices_are_never_a_500(start_server):
    server = start_server(notify_notifier="off")
    hq, _st = shop(server)
    odd = ODD_QUERY + [str(t) for t in ODD_TIME] + ["2026-00-10", "0000-01-01", "9999-12-31"]
    for value in odd:
        for path, name in (("/api/v1/notices", "state"), ("/api/v1/notices", "kind"),
                           ("/api/v1/notices", "station_id"), ("/api/v1/notices", "order_id"),
                           ("/api/v1/notices", "date"), ("/api/v1/notices", "after"),
                           ("/api/v1/notices", "limit"), ("/api/v1/notices/counts", "from"),
                           ("/api/v1/notices/counts", "to")):
            r = hq.request("GET", path, params={name: value})
            assert r.status_code == 200 or assert_error(r, 422), (path, name, value)
        r = hq.request("POST", "/api/v1/notices/retry-dead", params={"station_id": value})
        assert r.status_code == 200 or assert_error(r, 422), value
    for value in ODD_PATH + ["0", "9" * 19, "9223372036854775807"]:
        r = hq.request("POST", f"/api/v1/notices/{value}/retry")
        assert r.status_code in (404, 405, 422), (value, r.status_code, r.text[:200])
        assert_error(r, r.status_code)


def test_the_notifier_is_chosen_from_the_environment(monkeypatch, tmp_path):
    from server_stub.config import ServerConfig
    from server_stub.notifier import LogNotifier, WebhookNotifier, make_notifier

    assert isinstance(make_notifier(ServerConfig(tmp_path)), LogNotifier)
    monkeypatch.setenv("PICKUP_NOTIFY_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    with pytest.raises(ValueError, match="PICKUP_NOTIFY_WEBHOOK_SECRET"):
        make_notifier(ServerConfig(tmp_path))
    monkeypatch.setenv("PICKUP_NOTIFY_WEBHOOK_SECRET", "k")
    monkeypatch.setenv("PICKUP_NOTIFY_GIVE_UP_S", "30")
    config = ServerConfig(tmp_path)
    assert isinstance(make_notifier(config), WebhookNotifier) and config.notify_give_up_s == 30
    monkeypatch.setenv("PICKUP_NOTIFY_NOTIFIER", "off")
    assert make_notifier(ServerConfig(tmp_path)) is None


def test_backoff_doubles_up_to_the_cap_with_jitter_below_it():
    from server_stub.notifier.worker import backoff_s

    assert [backoff_s(n, 5, 900, rng=lambda: 0.999999) for n in (1, 2, 3)] == pytest.approx(
        [5, 10, 20], rel=1e-5)
    assert [backoff_s(n, 5, 900, rng=lambda: 0.0) for n in (1, 2, 3)] == [2.5, 5, 10]
    assert backoff_s(30, 5, 900, rng=lambda: 0.0) == 450


def test_a_signature_is_checked_over_the_raw_body_and_a_recent_timestamp():
    from server_stub.notifier.webhook import signature, verify

    raw, stamp = b'{"kind":"ready"}', "1700000000"
    good = signature("k", stamp, raw)
    assert verify("k", stamp, good, raw, now=1700000010)
    assert not verify("other", stamp, good, raw, now=1700000010)
    assert not verify("k", stamp, good, raw + b" ", now=1700000010)
    assert not verify("k", stamp, good, raw, now=1700000000 + 301)  # replayed later
    assert not verify("k", "１７", good, raw, now=17)



@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_servers(request, tmp_path):
    """`two_servers(**settings)`: two live servers on one database (one SQLite file, or one
    PostgreSQL schema)."""
    url = request.getfixturevalue("pg_url_factory")() if request.param == "postgres" else None
    factory = request.getfixturevalue("server_factory")
    return lambda **settings: [factory(tmp_path / "shared", database_url=url, **settings)
                               for _ in range(2)]


def test_two_servers_on_one_database_do_not_send_a_notice_twice(two_servers):
    rx = LoopbackReceiver(SECRET)
    try:
        first, second = two_servers(notify_webhook_url=rx.url, notify_webhook_secret=SECRET,
                                    notify_batch=20, notify_senders=2, **FAST)
        hq = HQClient(first)
        token = hq.create_station("S1", "一号店")
        hq.put_batch("B1", "S1", [make_order(f"O{k}", phone=f"138{k:08d}") for k in range(300)])
        StationClient(second, token).push([arrival()])
        assert rx.wait_for(300, timeout=60)
        time.sleep(0.3)  # a second sending would come now
    finally:
        rx.close()
    assert len(rx.unique) == 300 and max(rx.arrivals.values()) == 1


def slots(lines, batch="B1"):
    return event("slots_assigned", batch_id=batch,
                 data={"lines": [{"order_id": o, "slot": s} for o, s in lines]})


def test_ready_notices_carry_the_slot_the_station_gave_at_sign_off(start_server):
    accepting = threading.Event()  # the receiver is down until every push is in
    rx = LoopbackReceiver(SECRET, lambda key, n: 200 if accepting.is_set() else 503)
    try:
        server = start_server(notify_webhook_url=rx.url, notify_webhook_secret=SECRET, **FAST)
        hq = HQClient(server)
        token = hq.create_station("S1", "一号店", address="幸福路 1 号")
        # HQ's manifest suggests slots; the station puts the goods where it has room
        hq.put_batch("B1", "S1", [make_order("O1", shelf_slot="HQ-1"),
                                  make_order("O2", shelf_slot="HQ-2"), make_order("O3")])
        hq.put_batch("B2", "S1", [make_order("O4", shelf_slot="HQ-4")])
        st = StationClient(server, token)
        given = slots([("O1", "A-1-03 / R-2-01"), ("O2", "A-1-04")])
        results = st.push([given, short("O3", "SKU-1", 2), arrival()])
        assert [r["status"] for r in results] == ["accepted"] * 3
        # a slot list naming an order of another batch is refused whole
        bad = st.push([slots([("O3", "A-1-05"), ("O4", "A-1-06")])])[0]
        assert (bad["status"], bad["reason"]) == ("rejected", "invalid_event")
        # B2: the sign-off came in a push before its slots (a split upload); the notice
        # written at the sign-off still reaches the customer with the station's slot
        st.push([arrival("B2")])
        listed = notices(hq)
        by = {n["order_id"]: n for n in listed}
        assert by["O1"]["content"]["shelf_slot"] == "A-1-03 / R-2-01"
        assert by["O2"]["content"]["shelf_slot"] == "A-1-04"
        assert by["O3"]["kind"] == "short" and by["O3"]["content"]["shelf_slot"] is None
        assert by["O4"]["content"]["shelf_slot"] == "HQ-4"
        listed_orders = hq.request("GET", "/api/v1/orders", params={"station_id": "S1"}).json()
        assert {o["order_id"]: o["shelf_slot"] for o in listed_orders["orders"]} == {
            "O1": "A-1-03 / R-2-01", "O2": "A-1-04", "O3": None, "O4": "HQ-4"}
        assert st.push([slots([("O4", "B-2-01")], batch="B2")])[0]["status"] == "accepted"
        assert st.push([given])[0]["status"] == "duplicate"
        accepting.set()
        assert rx.wait_for(4, timeout=30)
    finally:
        rx.close()
    sent = {b["order_id"]: b for b in rx.unique.values()}
    assert {o: (b["kind"], b["shelf_slot"]) for o, b in sent.items()} == {
        "O1": ("ready", "A-1-03 / R-2-01"), "O2": ("ready", "A-1-04"),
        "O3": ("short", None), "O4": ("ready", "B-2-01")}
