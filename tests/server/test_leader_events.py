"""The server's side of the leader's-day events (docs/leader-events.md) over real HTTP, on
SQLite and PostgreSQL: malformed data is `rejected` with a reason (never a 500) and has no
effect; duplicates, however the id is spelled, have no second effect; corrections are absolute
(the latest wins); returns, reminders, batch closing and the day closing as HQ sees them."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from tests.server.conftest import pickup
from tests.server_fixtures import event

T0 = "2026-11-22T09:00:00.000+00:00"
T1 = "2026-11-22T10:00:00.000+00:00"
T2 = "2026-11-22T11:00:00.000+00:00"
T3 = "2026-11-22T12:00:00.000+00:00"


def _arrival(batch_id: str = "B1", received=None, **kw) -> dict:
    data = {"operator_id": "leader", "order_count": 3, "lines_short": 0, "lines_damaged": 0,
            "by_product": True, "rule": "latest_first",
            "received": received if received is not None else [
                {"sku": "A", "name": "苹果", "expected": 2, "received": 2},
                {"sku": "B", "name": "牛奶", "expected": 1, "received": 1},
                {"sku": "SKU-1", "name": "苹果 1kg", "expected": 4, "received": 4}]}
    return event("arrival_checked", batch_id=batch_id, data=data, occurred_at=T0, **kw)


def _correction(after: int, lines: list, *, at: str = T1, batch_id: str = "B1", **kw) -> dict:
    data = {"operator_id": "leader", "sku": "SKU-1", "expected": 4, "received_before": 4,
            "received_after": after, "note": "少一箱", "surplus": 0,
            "lines": [{"order_id": o, "sku": "SKU-1", "qty_short_before": b,
                       "qty_short_after": a} for o, b, a in lines]}
    return event("arrival_corrected", batch_id=batch_id, data=data, occurred_at=at, **kw)


def _day(day: str = "2026-11-22", **kw) -> dict:
    data = {"day": day, "operator_id": "leader",
            "totals": {"pickups": 1, "items_handed": 2, "shortages": 0, "returns": 0,
                       "undos": 0},
            "operators": [{"operator_id": "leader", "name": "王芳", "pickups": 1,
                           "items_handed": 2, "shortages": 0, "returns": 0, "undos": 0}],
            "counted": [{"sku": "SKU-1", "expected": 2, "counted": 1}],
            "discrepancies": [{"sku": "SKU-1", "expected": 2, "counted": 1, "difference": -1}]}
    return event("day_closed", data=data, **kw)


def _server_rows(server, sql: str) -> list:
    eng = create_engine(server.config.resolved_database_url)
    try:
        with eng.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        eng.dispose()


def _line(view: dict, order_id: str, sku: str) -> dict:
    order = next(o for o in view["orders"] if o["order_id"] == order_id)
    return next(it for it in order["items"] if it["sku"] == sku)


def _order(view: dict, order_id: str) -> dict:
    return next(o for o in view["orders"] if o["order_id"] == order_id)


GOOD = {
    "arrival_corrected": ({"batch_id": "B1"}, {
        "sku": "SKU-1", "expected": 4, "received_before": 4, "received_after": 3,
        "lines": [{"order_id": "O3", "sku": "SKU-1", "qty_short_before": 0,
                   "qty_short_after": 1}]}),
    "reminder_requested": ({"order_id": "O2", "batch_id": "B1"},
                           {"operator_id": "leader", "shelf_slot": "A-1-02",
                            "days_waiting": 2.0}),
    "order_returned": ({"order_id": "O2", "batch_id": "B1"},
                       {"operator_id": "leader", "reason": "超时未取",
                        "items": [{"sku": "SKU-1", "qty": 2}]}),
    "batch_closed": ({"batch_id": "B1"}, {"handed_over": 2, "returned": 1, "cancelled": 0}),
    "batch_reopened": ({"batch_id": "B1"}, {"reason": "pickup_undone"}),
    "day_closed": ({}, _day()["data"]),
}

# (type, change to the good data) -> rejected / invalid_event
MALFORMED = [
    ("arrival_checked", {"received": None}),  # by_product without the counts
    ("arrival_checked", {"received": [{"sku": "A", "expected": 2, "received": "2"}]}),
    ("arrival_checked", {"received": [{"sku": "A", "expected": 2, "received": -1}]}),
    ("arrival_checked", {"received": [{"sku": "A", "expected": 2, "received": True}]}),
    ("arrival_checked", {"received": [{"sku": "A", "expected": 2, "received": 2}] * 2}),
    ("arrival_checked", {"rule": "最晚优先"}),
    ("arrival_corrected", {"sku": None}),
    ("arrival_corrected", {"received_after": 3.0}),
    ("arrival_corrected", {"received_after": "３"}),  # full-width digit
    ("arrival_corrected", {"lines": [{"order_id": "O3", "sku": "A", "qty_short_before": 0,
                                      "qty_short_after": 1}]}),
    ("arrival_corrected", {"lines": [{"order_id": "O3", "sku": "SKU-1",
                                      "qty_short_before": 0, "qty_short_after": -1}]}),
    ("arrival_corrected", {"note": "x" * 501}),
    ("reminder_requested", {"days_waiting": -1}),
    ("reminder_requested", {"days_waiting": "2"}),
    ("reminder_requested", {"shelf_slot": "A" * 33}),
    ("order_returned", {"reason": ""}),
    ("order_returned", {"reason": None}),
    ("order_returned", {"items": [{"sku": "SKU-1", "qty": 10**9}]}),
    ("batch_closed", {"handed_over": -1}),
    ("batch_closed", {"returned": False}),
    ("batch_reopened", {"reason": ["pickup_undone"]}),
    ("day_closed", {"day": "2026-13-01"}),
    ("day_closed", {"day": "２０２６-11-22"}),
    ("day_closed", {"day": 20261122}),
    ("day_closed", {"totals": None}),
    ("day_closed", {"discrepancies": [{"sku": "SKU-1", "expected": 2, "counted": 1,
                                       "difference": 1}]}),
    ("day_closed", {"counted": [{"sku": "SKU-1", "expected": 2, "counted": 1}] * 2}),
]


def _bad_event(type_: str, change: dict) -> dict:
    if type_ == "arrival_checked":
        good = _arrival()
        ids, data = {"batch_id": "B1"}, good["data"]
    else:
        ids, data = GOOD[type_]
    data = {**data, **change}
    data = {k: v for k, v in data.items() if v is not None}
    return event(type_, data=data, **ids)


def test_malformed_data_is_rejected_with_a_reason_and_changes_nothing(any_world):
    w = any_world
    before = w.hq.get_batch("B1")
    events = [_bad_event(t, c) for t, c in MALFORMED]
    r = w.s1.request("POST", "/api/v1/sync/push", json={"events": events})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == len(MALFORMED)
    for (type_, change), res in zip(MALFORMED, results, strict=True):
        assert (res["status"], res["reason"]) == ("rejected", "invalid_event"), (type_, change)
        assert res["detail"]["message"].startswith("data"), res
    assert w.hq.get_batch("B1") == before


def test_events_about_what_the_station_does_not_hold_are_rejected(any_world):
    w = any_world
    w.s1.push([_arrival()])
    cases = [
        (_correction(3, [("O3", 0, 1)], batch_id="B9"), "unknown_batch"),
        (_correction(3, [("O3", 0, 1)], batch_id="B2"), "unknown_batch"),  # S2's batch
        (_correction(3, [("P1", 0, 1)]), "invalid_event"),  # an order of another batch
        (event("order_returned", order_id="P1", batch_id="B2",
               data={"reason": "超时未取"}), "unknown_order"),
        (event("order_returned", order_id="O3", batch_id="B1",
               data={"reason": "超时未取", "items": [{"sku": "ZZZ", "qty": 1}]}),
         "invalid_event"),
        (event("order_returned", order_id="O3", batch_id="B2",
               data={"reason": "超时未取"}), "invalid_event"),
        (event("reminder_requested", order_id="NOPE", batch_id="B1", data={}),
         "unknown_order"),
        (event("batch_closed", batch_id="B2", data={}), "unknown_batch"),
        (event("batch_reopened", data={}), "unknown_batch"),
    ]
    results = w.s1.push([e for e, _ in cases])
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("rejected", reason) for _, reason in cases]
    view = w.hq.get_batch("B1")
    assert view["corrections"] == [] and view["station_state"] is None
    assert not any(o["returned"] for o in view["orders"])
    assert _line(view, "O3", "SKU-1")["short"] == 0


def _spellings(event_id: str) -> list[str]:
    u = uuid.UUID(event_id)
    return [event_id.upper(), "{" + event_id + "}", u.hex, "urn:uuid:" + event_id]


@pytest.mark.parametrize("type_", sorted(GOOD))
def test_a_duplicate_in_any_spelling_has_no_second_effect(any_world, type_):
    w = any_world
    w.s1.push([_arrival()])
    ids, data = GOOD[type_]
    first = event(type_, data=data, occurred_at=T1, **ids)
    assert [r["status"] for r in w.s1.push([first, first])] == ["accepted", "duplicate"]
    view = w.hq.get_batch("B1")
    for spelled in _spellings(first["event_id"]):
        again = w.s1.push([{**first, "event_id": spelled}])
        assert again == [{"event_id": spelled, "status": "duplicate"}]
    assert w.hq.get_batch("B1") == view
    assert w.hq.get_batch("B1")["updated_at"] == view["updated_at"]


def test_corrections_are_absolute_the_latest_wins_and_later_shortages_add(any_world):
    w = any_world
    w.s1.push([_arrival(), event("item_short", order_id="O3", batch_id="B1", occurred_at=T0,
                                 data={"sku": "SKU-1", "qty": 2, "stage": "arrival"})])
    assert _line(w.hq.get_batch("B1"), "O3", "SKU-1")["short"] == 2
    later = _correction(4, [("O3", 1, 0)], at=T2)
    earlier = _correction(3, [("O3", 2, 1)], at=T1)
    assert {r["status"] for r in w.s1.push([later, earlier])} == {"accepted"}  # out of order
    view = w.hq.get_batch("B1")
    line = _line(view, "O3", "SKU-1")
    assert (line["ordered"], line["received"], line["short"]) == (2, 2, 0)
    receipt = next(p for p in view["received_by_product"] if p["sku"] == "SKU-1")
    assert (receipt["received"], receipt["short"]) == (4, 0)
    assert [c["received_after"] for c in view["corrections"]] == [3, 4]  # by time
    # a shortage found at the counter after the correction adds to its absolute value
    w.s1.push([event("item_short", order_id="O3", batch_id="B1", occurred_at=T3,
                     data={"sku": "SKU-1", "qty": 1, "stage": "counter"})])
    line = _line(w.hq.get_batch("B1"), "O3", "SKU-1")
    assert (line["received"], line["short"]) == (1, 1)


def test_per_order_sign_off_then_a_correction_makes_the_product_count(any_world):
    w = any_world
    w.s1.push([event("arrival_checked", batch_id="B1", data={"operator_id": "leader"})])
    view = w.hq.get_batch("B1")
    assert (view["by_product"], view["received_by_product"]) == (False, [])
    w.s1.push([_correction(3, [("O3", 0, 1)])])
    view = w.hq.get_batch("B1")
    assert [(p["sku"], p["name"], p["expected"], p["received"]) for p in
            view["received_by_product"]] == [("SKU-1", "苹果 1kg", 4, 3)]
    assert _line(view, "O3", "SKU-1")["short"] == 1


def test_a_second_sign_off_does_not_replace_the_counts(any_world):
    w = any_world
    w.s1.push([_arrival()])
    w.s1.push([_arrival(received=[{"sku": "SKU-1", "expected": 4, "received": 0}])])
    view = w.hq.get_batch("B1")
    assert {p["sku"]: p["received"] for p in view["received_by_product"]} == {
        "A": 2, "B": 1, "SKU-1": 4}


def test_returns_at_hq(any_world):
    w = any_world
    w.s1.push([_arrival(), pickup("O2", "PK-2")])
    ret = {"operator_id": "leader", "reason": "超时未取", "shelf_slot": "A-1-03",
           "items": [{"sku": "SKU-1", "qty": 2}]}
    results = w.s1.push([
        event("order_returned", order_id="O2", batch_id="B1", data=ret),
        event("order_returned", order_id="O3", batch_id="B1", data=ret, occurred_at=T1),
        event("order_returned", order_id="O3", batch_id="B1", data=ret),
        pickup("O3", "PK-3"),
    ])
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("rejected", "already_picked_up"), ("accepted", None),
        ("rejected", "already_returned"), ("rejected", "order_returned")]
    assert results[3]["detail"]["returned_at"] == T1
    w.hq.cancel("O1", "顾客退单")  # a cancelled order's goods can go back too
    assert w.s1.push([event("order_returned", order_id="O1", batch_id="B1",
                            data={"reason": "已取消", "items": [{"sku": "A", "qty": 2},
                                                              {"sku": "B", "qty": 1}]})
                      ])[0]["status"] == "accepted"
    view = w.hq.get_batch("B1")
    o1, o3 = _order(view, "O1"), _order(view, "O3")
    assert (o3["status"], o3["returned"], o3["returned_at"], o3["return_reason"],
            o3["returned_by"], o3["order_status"]) == (
        "returned", True, T1, "超时未取", "leader", "active")
    assert (o1["status"], o1["order_status"]) == ("returned", "cancelled")
    assert [it["returned"] for it in o1["items"]] == [2, 1]
    assert _line(view, "O3", "SKU-1")["returned"] == 2
    assert _order(view, "O2")["status"] == "picked_up"
    assert view["status_counts"] == {"picked_up": 1, "returned": 2}
    assert w.hq.pickups(station_id="S1")["pickups"][0]["order_id"] == "O2"  # nothing else


def test_batch_state_follows_the_latest_report(any_world):
    w = any_world
    w.s1.push([_arrival()])
    closed = {"handed_over": 3, "returned": 0, "cancelled": 0}
    w.s1.push([event("batch_reopened", batch_id="B1", data={"reason": "pickup_undone"},
                     occurred_at=T2),
               event("batch_closed", batch_id="B1", data=closed, occurred_at=T1)])
    view = w.hq.get_batch("B1")
    assert (view["closed"], view["station_state"], view["closed_counts"]) == (
        False, "open", None)
    w.s1.push([event("batch_closed", batch_id="B1", data=closed, occurred_at=T3)])
    view = w.hq.get_batch("B1")
    assert (view["closed"], view["closed_at"], view["closed_counts"]) == (True, T3, closed)


def test_one_day_closing_per_station_and_day(any_world):
    w = any_world
    first = _day()
    assert w.s1.push([first])[0]["status"] == "accepted"
    again = w.s1.push([_day()])[0]
    assert (again["status"], again["reason"]) == ("rejected", "day_already_closed")
    assert first["event_id"] in again["detail"]["message"]
    assert w.s1.push([_day("2026-11-23")])[0]["status"] == "accepted"
    assert w.s2.push([_day()])[0]["status"] == "accepted"  # another station, the same day
    rows = _server_rows(w.server, "SELECT station_id, day, event_id, discrepancy_count "
                        "FROM day_closings ORDER BY station_id, day")
    assert [tuple(r) for r in rows] == [("S1", "2026-11-22", first["event_id"], 1),
                                        ("S1", "2026-11-23", rows[1][2], 1),
                                        ("S2", "2026-11-22", rows[2][2], 1)]


def test_hq_lists_reminders_and_day_closings(any_world):
    w = any_world
    w.s1.push([_arrival()])
    asked = [event("reminder_requested", order_id=o, batch_id="B1", occurred_at=T1,
                   data={"operator_id": "leader", "shelf_slot": "A-1-0" + o[-1],
                         "days_waiting": 2})
             for o in ("O1", "O2", "O3")]
    w.s1.push(asked)
    w.s2.push([event("reminder_requested", order_id="P1", batch_id="B2", data={})])
    page = w.hq.request("GET", "/api/v1/reminders",
                        params={"station_id": "S1", "limit": "2"}).json()
    assert [(r["order_id"], r["shelf_slot"], r["days_waiting"], r["requested_at"])
            for r in page["reminders"]] == [("O1", "A-1-01", 2.0, T1), ("O2", "A-1-02", 2.0, T1)]
    # the server's notifier may have told the customer already (it runs in the background)
    assert all(r["notified_at"] is None or r["notified_at"] >= r["received_at"]
               for r in page["reminders"])
    assert page["has_more"] is True
    rest = w.hq.request("GET", "/api/v1/reminders",
                        params={"station_id": "S1", "after": page["next_after"]}).json()
    assert [r["order_id"] for r in rest["reminders"]] == ["O3"] and not rest["has_more"]
    everyone = w.hq.request("GET", "/api/v1/reminders").json()["reminders"]
    assert {r["station_id"] for r in everyone} == {"S1", "S2"}
    assert w.hq.request("GET", "/api/v1/reminders", params={"after": "１"}).status_code == 422
    assert w.s1.request("GET", "/api/v1/reminders").status_code == 403  # HQ only

    w.s1.push([_day("2026-11-21"), _day("2026-11-22")])
    closings = w.hq.request("GET", "/api/v1/stations/S1/day-closings").json()["day_closings"]
    assert [c["day"] for c in closings] == ["2026-11-22", "2026-11-21"]
    latest = closings[0]
    assert latest["totals"]["pickups"] == 1 and latest["operator_id"] == "leader"
    assert latest["discrepancies"] == [{"sku": "SKU-1", "expected": 2, "counted": 1,
                                        "difference": -1}]
    assert all("name" not in o for o in latest["operators"])
    assert w.hq.request("GET", "/api/v1/stations/S2/day-closings").json() == {
        "day_closings": []}


_TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
_LEAF = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
         | st.floats(allow_nan=False, allow_infinity=False) | _TEXT
         | st.sampled_from(["O1", "O3", "P1", "SKU-1", "A", "2026-11-22", "２", "B1"]))
_JSON = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=20)


def _mutated(type_: str):
    """The good data of `type_` with some fields replaced, dropped or added at random."""
    ids, good = GOOD[type_] if type_ != "arrival_checked" else (
        {"batch_id": "B1"}, _arrival()["data"])
    keys = sorted(good) + ["extra"]
    return st.tuples(st.just(type_), st.just(ids), st.just(good),
                     st.dictionaries(st.sampled_from(keys), _JSON, max_size=3),
                     st.sets(st.sampled_from(keys), max_size=2))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cases=st.lists(st.sampled_from(["arrival_checked", *sorted(GOOD)]).flatmap(_mutated),
                      min_size=1, max_size=8))
def test_random_data_is_accepted_or_rejected_never_a_500(world, cases):
    events = []
    for type_, ids, good, changes, dropped in cases:
        data = {k: v for k, v in {**good, **changes}.items() if k not in dropped}
        events.append(event(type_, data=data, **ids))
    r = world.s1.request("POST", "/api/v1/sync/push", json={"events": events})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == len(events)
    for res in results:
        assert res["status"] in ("accepted", "rejected"), res
        if res["status"] == "rejected":
            assert res["reason"] and isinstance(res.get("detail", {}), dict), res
    assert world.hq.get_batch("B1")["batch_id"] == "B1"  # the view still reads what was stored
