"""POST /api/v1/sync/push, heartbeat and locate: idempotency, conflicts, first-wins, effects."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import requests

from tests.server.conftest import assert_error, pickup
from tests.server_fixtures import event


def short(order_id, sku, qty, kind="item_short"):
    return event(kind, order_id=order_id, batch_id="B1",
                 data={"sku": sku, "qty": qty, "stage": "arrival", "note": "",
                       "operator_id": "op1"})


def test_accepted_then_duplicate_with_no_second_effect(world):
    events = [pickup("O1", "P-1"), short("O2", "SKU-1", 1)]
    assert [r["status"] for r in world.s1.push(events)] == ["accepted", "accepted"]
    again = world.s1.push(events)
    assert [(r["event_id"], r["status"]) for r in again] == [
        (events[0]["event_id"], "duplicate"), (events[1]["event_id"], "duplicate")]
    assert len(world.hq.pickups()["pickups"]) == 1
    o2 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O2")
    assert o2["items"][0]["short"] == 1


def test_same_event_id_different_body_is_422_and_stores_nothing(world):
    first = pickup("O1", "P-1")
    world.s1.push([first])
    fresh = short("O2", "SKU-1", 1)
    changed = dict(first, data=dict(first["data"], receipt_no="R-OTHER"))
    r = world.s1.request("POST", "/api/v1/sync/push", json={"events": [fresh, changed]})
    assert_error(r, 422, "event_id_conflict")
    # nothing of that push was stored: the fresh event is new next time
    assert world.s1.push([fresh])[0]["status"] == "accepted"
    # inside one request too
    e = short("O3", "SKU-1", 1)
    r = world.s1.request("POST", "/api/v1/sync/push",
                         json={"events": [e, dict(e, data=dict(e["data"], qty=2))]})
    assert_error(r, 422, "event_id_conflict")
    assert world.s1.push([e, e])[1]["status"] == "duplicate"


def test_dedup_is_per_station(world):
    e1 = pickup("O1", "P-1")
    e2 = dict(pickup("P1", "P-1"), event_id=e1["event_id"])
    assert world.s1.push([e1])[0]["status"] == "accepted"
    assert world.s2.push([e2])[0]["status"] == "accepted"


def test_concurrent_retries_of_the_same_push_apply_once(any_world):
    world = any_world
    events = [pickup("O1", "P-1"), short("O2", "SKU-1", 1), pickup("O3", "P-3")]
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def retry():
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {world.t1}"
        barrier.wait()
        try:
            r = s.post(world.server.url + "/api/v1/sync/push", json={"events": events},
                       timeout=30)
            answers.append((r.status_code, r.json()))
        except requests.RequestException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(code == 200 for code, _ in answers), answers
    statuses = [[r["status"] for r in body["results"]] for _, body in answers]
    assert sum(s == ["accepted"] * 3 for s in statuses) == 1, statuses
    assert sum(s == ["duplicate"] * 3 for s in statuses) == 7, statuses
    assert len(world.hq.pickups()["pickups"]) == 2
    o2 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O2")
    assert o2["items"][0]["short"] == 1


def test_first_pickup_wins(any_world):
    world = any_world
    first = pickup("O1", "P-A", receipt_no="R-A", occurred_at="2026-11-23T10:00:00.000+08:00")
    second = pickup("O1", "P-B", receipt_no="R-B")
    assert world.s1.push([first])[0]["status"] == "accepted"
    r = world.s1.push([second])[0]
    assert r["status"] == "rejected" and r["reason"] == "already_picked_up"
    assert r["detail"] == {"picked_up_at": "2026-11-23T02:00:00.000+00:00",
                           "receipt_no": "R-A", "station_id": "S1"}
    # two counters in one push: the first in the list wins
    a, b = pickup("O2", "P-C", receipt_no="R-C"), pickup("O2", "P-D", receipt_no="R-D")
    assert [x["status"] for x in world.s1.push([a, b])] == ["accepted", "rejected"]
    o2 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O2")
    assert o2["receipt_no"] == "R-C"
    # the same hand-over sent again under a new event id is not a second pickup
    assert world.s1.push([pickup("O2", "P-C", receipt_no="R-C")])[0]["status"] == "accepted"
    assert len(world.hq.pickups()["pickups"]) == 2


def test_undo_reopens_the_order(world):
    undo = event("pickup_undone", order_id="O1",
                 data={"pickup_id": "P-1", "receipt_no": "R1", "operator_id": "op1",
                       "reason": "wrong bag", "leader_override": True})
    r = world.s1.push([undo])[0]
    assert (r["status"], r["reason"]) == ("rejected", "not_picked_up")
    world.s1.push([pickup("O1", "P-1")])
    undo2 = event("pickup_undone", order_id="O1", data=undo["data"])
    assert world.s1.push([undo2])[0]["status"] == "accepted"
    o1 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O1")
    assert o1["status"] == "pending" and o1["receipt_no"] is None
    assert world.s1.push([pickup("O1", "P-2", receipt_no="R2")])[0]["status"] == "accepted"
    o1 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O1")
    assert o1["status"] == "picked_up" and o1["receipt_no"] == "R2"
    # an undo naming another hand-over than the one that stands is refused
    wrong = event("pickup_undone", order_id="O1", data={"pickup_id": "P-1", "reason": "x"})
    assert world.s1.push([wrong])[0]["reason"] == "not_picked_up"


def test_short_and_damaged_accumulate_per_item(world):
    results = world.s1.push([short("O1", "A", 1), short("O1", "A", 1),
                             short("O1", "B", 1, "item_damaged"), short("O1", "Z", 1)])
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted", "rejected"]
    assert results[3]["reason"] == "invalid_event"
    items = {i["sku"]: i for i in next(o for o in world.hq.get_batch("B1")["orders"]
                                       if o["order_id"] == "O1")["items"]}
    assert (items["A"]["short"], items["A"]["damaged"]) == (2, 0)
    assert (items["B"]["short"], items["B"]["damaged"]) == (0, 1)


def test_arrival_checked_marks_batch_arrived(world):
    assert world.hq.get_batch("B1")["arrived"] is False
    r = world.s1.push([event("arrival_checked", batch_id="B1",
                             occurred_at="2026-11-23T07:30:00.000+08:00",
                             data={"operator_id": "op9", "order_count": 3, "lines_short": 0,
                                   "lines_damaged": 0}),
                       event("arrival_checked", batch_id="NOPE", data={})])
    assert [x["status"] for x in r] == ["accepted", "rejected"]
    assert r[1]["reason"] == "unknown_batch"
    view = world.hq.get_batch("B1")
    assert view["arrived"] and view["arrived_at"] == "2026-11-22T23:30:00.000+00:00"
    assert view["arrived_by"] == "op9"
    assert view["arrived_received_at"] and view["arrived_received_at"] != view["arrived_at"]
    assert {o["status"] for o in view["orders"]} == {"arrived"}
    assert all(o["items"][0]["received"] == o["items"][0]["qty"] for o in view["orders"])


def test_pickup_of_cancelled_order_is_rejected_and_flagged(world):
    handed = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    world.hq.cancel("O2", "退款")
    r = world.s1.push([pickup("O2", "P-1", occurred_at=handed)])[0]
    assert (r["status"], r["reason"]) == ("rejected", "order_cancelled")
    o2 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O2")
    assert o2["status"] == "cancelled"
    assert o2["needs_review"] is True and o2["review_reason"] == "handed_over_before_cancel"
    assert world.hq.pickups()["pickups"] == []
    o1 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O1")
    assert o1["needs_review"] is False


def test_invalid_events_are_rejected_one_by_one(world):
    first_bad = event("teleported", order_id="O1")
    results = world.s1.push([
        first_bad,
        event("pickup_confirmed", order_id="O1", data={"receipt_no": "R1"}),  # no pickup_id
        event("item_short", order_id="O1", data={"sku": "A", "qty": "two"}),
        pickup("NOPE", "P-9"),
        pickup("O3", "P-3"),
    ])
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("rejected", "invalid_event"), ("rejected", "invalid_event"),
        ("rejected", "invalid_event"), ("rejected", "unknown_order"), ("accepted", None)]
    # a rejected event is kept too: sent again, it is a duplicate (no second effect) that says
    # it was refused, so a station whose first answer was lost still learns it
    again = world.s1.push([first_bad])[0]
    assert (again["status"], again["first_status"], again["reason"]) == (
        "duplicate", "rejected", "invalid_event")


def test_push_envelope_errors(world):
    s = world.s1
    assert_error(s.request("POST", "/api/v1/sync/push", json={"events": [
        {"event_id": "not-a-uuid", "type": "x", "occurred_at": "2026-11-23T00:00:00Z"}]}), 422)
    assert_error(s.request("POST", "/api/v1/sync/push", json={"events": [
        dict(event("x"), occurred_at="2026-11-23T00:00:00")]}), 422)  # no offset
    assert_error(s.request("POST", "/api/v1/sync/push",
                           json={"events": [event("x") for _ in range(501)]}), 422)
    assert world.s1.push([]) == []


def test_heartbeat_and_clock_skew(world):
    r = world.s1.heartbeat("1.2.3", 7)
    assert r["clock_skew_seconds"] is None and r["clock_ok"] is True
    server_time = datetime.fromisoformat(r["server_time"])
    assert abs((server_time - datetime.now(UTC)).total_seconds()) < 5
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    r = world.s1.heartbeat("1.2.3", 7, station_time=ahead)
    assert 590 < r["clock_skew_seconds"] < 610 and r["clock_ok"] is False
    behind = (datetime.now(UTC) - timedelta(seconds=100)).astimezone().isoformat()
    r = world.s1.heartbeat("1.2.4", 2, station_time=behind)
    assert -110 < r["clock_skew_seconds"] < -90 and r["clock_ok"] is True
    st = {s["station_id"]: s for s in world.hq.stations()}
    assert st["S1"]["app_version"] == "1.2.4" and st["S1"]["pending_events"] == 2
    assert st["S1"]["last_seen_at"] and st["S2"]["last_seen_at"] is None
    assert_error(world.s1.request("POST", "/api/v1/sync/heartbeat",
                                  json={"app_version": "1", "pending_events": -1}), 422)
    assert_error(world.s1.request("POST", "/api/v1/sync/heartbeat",
                                  json={"app_version": "1", "pending_events": 0,
                                        "station_time": "noon"}), 422)


def test_locate(world):
    assert world.s2.locate(world.sha_of("O1")) == {"station_id": "S1", "name": "一号店",
                                                   "address": "幸福路 1 号"}
    assert world.s1.locate(world.sha_of("P1").upper())["station_id"] == "S2"
    assert_error(world.s1.request("GET", "/api/v1/sync/locate",
                                  params={"token_sha256": "0" * 64}), 404, "not_found")
    assert_error(world.s1.request("GET", "/api/v1/sync/locate",
                                  params={"token_sha256": "xyz"}), 422)
    assert_error(world.s1.request("GET", "/api/v1/sync/locate"), 422)


def test_pickup_recorded_after_cancel_while_offline_is_flagged_so(world):
    world.hq.cancel("O3", "缺货")
    later = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    r = world.s1.push([pickup("O3", "P-1", occurred_at=later)])[0]
    assert r["reason"] == "order_cancelled" and r["detail"]["cancelled_at"]
    assert r["detail"]["cancel_reason"] == "缺货"
    o3 = next(o for o in world.hq.get_batch("B1")["orders"] if o["order_id"] == "O3")
    assert o3["needs_review"] is True
    assert o3["review_reason"] == "handed_over_offline_after_cancel"


def test_push_answer_is_the_declared_schema_for_every_kind_of_result(any_world):
    """The answer is written as JSON bytes directly (routes/sync.py `_answer`): every kind of
    result (accepted, rejected with detail, duplicate, duplicate of a refused one) must still
    be exactly what `PushOut` declares, strictly, on both databases."""
    from pickup_station.sync.protocol import PushOut

    world = any_world
    world.s1.push([pickup("O1", "P-1")])
    refused = pickup("NOPE", "P-9")
    fresh = pickup("O2", "P-2")
    events = [fresh, pickup("O1", "P-1b"), refused, fresh]
    r = world.s1.request("POST", "/api/v1/sync/push", json={"events": events})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    answer = PushOut.model_validate(doc, strict=True)
    assert answer.model_dump(exclude_unset=True) == doc  # no field beyond the schema's
    assert [(x["status"], x.get("reason")) for x in doc["results"]] == [
        ("accepted", None), ("rejected", "already_picked_up"), ("rejected", "unknown_order"),
        ("duplicate", None)]
    assert set(doc["results"][1]["detail"]) == {"picked_up_at", "receipt_no", "station_id"}
    again = world.s1.request("POST", "/api/v1/sync/push", json={"events": [refused]}).json()
    PushOut.model_validate(again, strict=True)
    assert again["results"][0]["first_status"] == "rejected"


def test_push_answer_falls_back_to_the_checked_way_for_what_json_cannot_carry():
    from datetime import date

    from server_stub.routes.sync import _answer

    plain = _answer([{"event_id": "e", "status": "accepted"}])
    assert plain.body == b'{"results":[{"event_id":"e","status":"accepted"}]}'
    odd = [{"event_id": "e", "status": "rejected", "reason": "x",
            "detail": {"day": date(2026, 12, 2)}}]
    assert _answer(odd) == {"results": odd}  # FastAPI serialises it (and checks it)
    assert isinstance(_answer([{"event_id": "e", "status": "accepted",
                                "detail": {"n": float("nan")}}]), dict)  # not valid JSON


def test_canonical_body_is_the_same_bytes_as_before():
    """Stored body hashes decide duplicate or conflict across server versions: the one encoder
    kept by services/events.py must write exactly what json.dumps(...) wrote, for any data."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from server_stub.services.events import _CANONICAL

    scalars = (st.none() | st.booleans() | st.integers() | st.text()
               | st.floats(allow_nan=False, allow_infinity=False))
    docs = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)

    @settings(max_examples=300, deadline=None)
    @given(docs)
    def same(doc):
        assert _CANONICAL.encode(doc) == json.dumps(doc, sort_keys=True, ensure_ascii=False,
                                                    separators=(",", ":"))

    same()
