"""HQ's needs-review queue (issue 11) and a hand-over reaching the station's other counters,
over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.server.conftest import assert_error, pickup
from tests.server_fixtures import event

T_A = "2026-11-23T09:00:00.000+00:00"
T_B = "2026-11-23T09:05:00.000+00:00"


def _at_counter(order_id: str, pickup_id: str, receipt: str, counter: str, at: str,
                operator: str = "op1") -> dict:
    ev = pickup(order_id, pickup_id, receipt, occurred_at=at)
    ev["data"].update(counter_id=counter, operator_id=operator)
    return ev


def _review(world, **params) -> dict:
    return world.hq._call("GET", "/api/v1/review", params=params)


def _resolve(world, review_id, note):
    return world.hq.request("POST", f"/api/v1/review/{review_id}/resolve", json={"note": note})


def _order_change(changes: list[dict], order_id: str) -> dict:
    return [c for c in changes if c["kind"] == "order" and c["data"]["order_id"] == order_id][-1]


def test_double_redemption_is_rejected_and_queued_with_both_hand_overs(any_world):
    w = any_world
    first = _at_counter("O1", "P-A", "S1-261123-0001", "C-A", T_A, "alice")
    second = _at_counter("O1", "P-B", "S1-261123-0001", "C-B", T_B, "bob")
    assert w.s1.push([first])[0]["status"] == "accepted"
    answer = w.s1.push([second])[0]
    assert (answer["status"], answer["reason"]) == ("rejected", "already_picked_up")
    assert answer["detail"]["receipt_no"] == "S1-261123-0001"

    page = _review(w, state="open")
    assert page["has_more"] is False and len(page["items"]) == 1
    item = page["items"][0]
    assert (item["kind"], item["station_id"], item["order_id"], item["batch_id"],
            item["state"], item["event_id"]) == (
        "double_redemption", "S1", "O1", "B1", "open", second["event_id"])
    a, b = item["detail"]["pickups"]
    assert (a["status"], a["pickup_id"], a["counter_id"], a["operator_id"],
            a["picked_up_at"], a["event_id"]) == (
        "accepted", "P-A", "C-A", "alice", T_A, first["event_id"])
    assert (b["status"], b["pickup_id"], b["counter_id"], b["operator_id"],
            b["picked_up_at"], b["event_id"]) == (
        "rejected", "P-B", "C-B", "bob", T_B, second["event_id"])
    assert a["receipt_no"] == b["receipt_no"] == "S1-261123-0001"

    # the refused event sent again (its answer was lost) makes no second item
    assert w.s1.push([second])[0]["first_status"] == "rejected"
    assert len(_review(w)["items"]) == 1
    # still refused: the first hand-over stands
    assert w.hq.get_batch("B1")["orders"][0]["receipt_no"] is not None


def test_pickup_after_cancel_is_queued(any_world):
    w = any_world
    w.hq.cancel("O2", "顾客退款")
    ev = _at_counter("O2", "P-C", "S1-261123-0002", "C-A", T_A)
    answer = w.s1.push([ev])[0]
    assert (answer["status"], answer["reason"]) == ("rejected", "order_cancelled")
    (item,) = _review(w, kind="pickup_after_cancel")["items"]
    assert item["order_id"] == "O2" and item["event_id"] == ev["event_id"]
    assert item["detail"]["cancel_reason"] == "顾客退款"
    assert item["detail"]["review_reason"] == "handed_over_before_cancel"
    assert item["detail"]["pickup"]["receipt_no"] == "S1-261123-0002"
    assert item["detail"]["pickup"]["counter_id"] == "C-A"


def test_day_discrepancies_and_returns_are_queued(any_world):
    w = any_world
    day = event("day_closed", data={
        "day": "2026-11-22", "operator_id": "leader",
        "totals": {"pickups": 0, "items_handed": 0, "shortages": 0, "returns": 0, "undos": 0},
        "operators": [], "counted": [{"sku": "SKU-1", "expected": 2, "counted": 1}],
        "discrepancies": [{"sku": "SKU-1", "expected": 2, "counted": 1, "difference": -1}]})
    calm = event("day_closed", data=dict(day["data"], day="2026-11-21", discrepancies=[]))
    back = event("order_returned", order_id="O3", batch_id="B1",
                 data={"operator_id": "leader", "reason": "超时未取",
                       "items": [{"sku": "SKU-1", "qty": 2}]})
    assert [r["status"] for r in w.s1.push([day, calm, back])] == ["accepted"] * 3
    kinds = {i["kind"]: i for i in _review(w)["items"]}
    assert set(kinds) == {"shelf_discrepancy", "order_returned"}  # a calm day needs no one
    assert kinds["shelf_discrepancy"]["detail"]["discrepancies"] == day["data"]["discrepancies"]
    assert kinds["shelf_discrepancy"]["detail"]["day"] == "2026-11-22"
    assert kinds["order_returned"]["detail"]["reason"] == "超时未取"
    assert kinds["order_returned"]["order_id"] == "O3"


def test_resolve_with_a_note_reaches_the_station_on_its_next_pull(any_world):
    w = any_world
    _, cursor = w.s1.pull_all()
    w.s1.push([_at_counter("O1", "P-A", "R-1", "C-A", T_A)])
    second = _at_counter("O1", "P-B", "R-2", "C-B", T_B)
    w.s1.push([second])
    (item,) = _review(w)["items"]
    r = _resolve(w, item["id"], "已联系顾客，第二单作废")
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["state"], done["note"]) == ("resolved", "已联系顾客，第二单作废")
    assert done["resolved_at"] and done["resolved_by"] == "api"  # the admin token
    assert item["resolved_by"] is None
    assert _review(w, state="open")["items"] == []
    assert [(i["id"], i["resolved_by"]) for i in _review(w, state="resolved")["items"]] == [
        (item["id"], "api")]

    changes, _ = w.s1.pull_all(cursor)
    (seen,) = [c for c in changes if c["kind"] == "review"]
    assert seen["op"] == "upsert"
    data = seen["data"]
    assert (data["review_id"], data["kind"], data["state"], data["note"], data["order_id"]) == (
        item["id"], "double_redemption", "resolved", "已联系顾客，第二单作废", "O1")
    assert second["event_id"] in data["event_ids"] and len(data["event_ids"]) == 2
    assert "张三" not in str(data) and "13800001234" not in str(data)
    assert "resolved_by" not in data  # who at HQ resolved it stays at HQ
    # only its own station sees it
    assert [c for c in w.s2.pull_all()[0] if c["kind"] == "review"] == []
    # resolved once
    assert_error(_resolve(w, item["id"], "again"), 409, "already_resolved")


def test_a_hand_over_reaches_the_other_counters_and_an_undo_too(any_world):
    w = any_world
    _, cursor = w.s1.pull_all()
    before = _order_change(w.s1.pull_all()[0], "O1")
    assert before["data"]["pickup"] is None
    w.s1.push([_at_counter("O1", "P-A", "S1-261123-0007", "C-A", T_A, "alice")])
    changes, cursor = w.s1.pull_all(cursor)
    echo = _order_change(changes, "O1")["data"]["pickup"]
    assert echo == {"pickup_id": "P-A", "picked_up_at": T_A, "receipt_no": "S1-261123-0007",
                    "operator_id": "alice", "counter_id": "C-A", "partial": False}
    undo = event("pickup_undone", order_id="O1",
                 data={"pickup_id": "P-A", "reason": "拿错", "operator_id": "alice"})
    assert w.s1.push([undo])[0]["status"] == "accepted"
    changes, _ = w.s1.pull_all(cursor)
    assert _order_change(changes, "O1")["data"]["pickup"] is None
    assert [c for c in w.s2.pull_all()[0] if c["kind"] == "order"
            and c["data"]["order_id"] == "O1"] == []


def test_review_list_filters_pages_and_refusals(any_world):
    w = any_world
    w.hq.cancel("O1", "x")
    w.hq.cancel("O2", "y")
    w.s1.push([_at_counter("O1", "P-1", "R-1", "C", T_A), _at_counter("O2", "P-2", "R-2", "C", T_A)])
    w.s2.push([_at_counter("P1", "P-3", "R-3", "C", T_A), _at_counter("P1", "P-4", "R-4", "D", T_B)])
    assert len(_review(w)["items"]) == 3
    assert [i["order_id"] for i in _review(w, station_id="S1")["items"]] == ["O1", "O2"]
    assert [i["kind"] for i in _review(w, station_id="S2")["items"]] == ["double_redemption"]
    one = _review(w, limit="1", offset="1")
    assert one["has_more"] is True and one["items"][0]["order_id"] == "O2"
    assert _review(w, limit="1", offset="2")["has_more"] is False
    assert _review(w, kind="shelf_discrepancy")["items"] == []
    for bad in ({"state": "closed"}, {"kind": "x"}, {"limit": "0"}, {"offset": "-1"},
                {"limit": "１"}):
        assert_error(w.hq.request("GET", "/api/v1/review", params=bad), 422)
    assert_error(_resolve(w, 999999, "n"), 404, "not_found")
    assert_error(_resolve(w, "abc", "n"), 422)
    assert_error(_resolve(w, 1, ""), 422)
    assert_error(w.hq.request("POST", "/api/v1/review/1/resolve", json={}), 422)
    assert_error(w.s1.request("GET", "/api/v1/review"), 403)
    assert_error(w.s1.request("POST", "/api/v1/review/1/resolve", json={"note": "n"}), 403)
    assert _review(w, state="open")["items"][0]["state"] == "open"


def test_refused_events_of_other_reasons_make_no_item(any_world):
    w = any_world
    results = w.s1.push([event("pickup_confirmed", order_id="O1", data={"receipt_no": "R1"}),
                         pickup("NOPE", "P-9"), pickup("O3", "P-3")])
    assert [r["status"] for r in results] == ["rejected", "rejected", "accepted"]
    assert _review(w)["items"] == []
