"""Headquarters endpoints over real HTTP."""

from __future__ import annotations

import re

import pytest

from tests.server.conftest import assert_error, pickup
from tests.server_fixtures import ApiCallError, HQClient, StationClient, event, make_order


def test_station_register_list_and_duplicate(live_server):
    hq = HQClient(live_server)
    r = hq.request("POST", "/api/v1/stations",
                   json={"station_id": "S1", "name": "一号店", "address": "幸福路 1 号",
                         "leader_name": "陈团长"})
    assert r.status_code == 201
    body = r.json()
    assert body["station_id"] == "S1" and len(body["token"]) >= 32
    assert_error(hq.request("POST", "/api/v1/stations", json={"station_id": "S1", "name": "x"}),
                 409, "conflict")
    assert_error(hq.request("POST", "/api/v1/stations",
                            json={"station_id": "bad id!", "name": "x"}), 422,
                 "validation_error")
    [st] = hq.stations()
    assert st["station_id"] == "S1" and st["name"] == "一号店"
    assert st["leader_name"] == "陈团长"
    assert st["last_seen_at"] is None and st["app_version"] is None
    assert "token" not in st and "token_sha256" not in st


def test_station_list_is_what_the_schema_declares(any_live_server):
    """GET /stations is sent without a second validation (it is polled, thousands of rows):
    its rows must still be exactly what StationsOut declares, typed, on both databases, with
    the fields a heartbeat fills (time, version, a float clock skew) and without."""
    from server_stub.schemas import StationOut, StationsOut

    hq = HQClient(any_live_server)
    token = hq.create_station("L1", "一号店")
    hq.create_station("L0", "零号店")
    beat = StationClient(any_live_server, token).request(
        "POST", "/api/v1/sync/heartbeat", json={"app_version": "1.2.3", "pending_events": 4,
                                                 "station_time": "2026-12-02T08:00:00+08:00"})
    assert beat.status_code == 200, beat.text
    listed = hq.request("GET", "/api/v1/stations").json()
    StationsOut.model_validate(listed, strict=True)
    assert [s["station_id"] for s in listed["stations"]] == ["L0", "L1"]  # in order
    for row in listed["stations"]:
        assert set(row) == set(StationOut.model_fields)
    seen = listed["stations"][1]
    assert seen["app_version"] == "1.2.3" and seen["pending_events"] == 4
    assert isinstance(seen["clock_skew_seconds"], float) and seen["last_seen_at"]


def test_token_rotation_old_token_stops_working(world):
    assert world.s1.pull()["changes"]
    new = world.hq.rotate_token("S1")
    assert new != world.t1
    assert_error(world.s1.request("GET", "/api/v1/sync/pull"), 401, "unauthorized")
    assert StationClient(world.server, new).pull()["changes"]
    assert_error(world.hq.request("POST", "/api/v1/stations/NOPE/token"), 404, "not_found")


def test_put_batch_generates_tokens_and_codes_and_keeps_them(world):
    orders = world.b1["orders"]
    assert [o["order_id"] for o in orders] == ["O1", "O2", "O3"]
    for o in orders:
        assert re.fullmatch(r"[A-Z2-7]{32}", o["pickup_token"])
        assert re.fullmatch(r"[0-9]{6}", o["pickup_code"])
    assert len({o["pickup_code"] for o in orders}) == 3
    # PUT again, changed: a name, an item, order order. Tokens and codes stay.
    again = world.hq.put_batch("B1", "S1", [
        make_order("O3", customer_name="王五五"),
        make_order("O2", customer_name="李四"),
        make_order("O1", items=[{"sku": "A", "name": "苹果", "qty": 3}]),
    ])
    assert again["created"] is False
    before = {o["order_id"]: (o["pickup_token"], o["pickup_code"]) for o in orders}
    after = {o["order_id"]: (o["pickup_token"], o["pickup_code"]) for o in again["orders"]}
    assert before == after
    view = world.hq.get_batch("B1")
    assert [o["order_id"] for o in view["orders"]] == ["O3", "O2", "O1"]
    assert view["orders"][2]["items"] == [{"sku": "A", "name": "苹果", "qty": 3,
                                           "unit_price_cents": 0, "category": None,
                                           "received": 0, "short": 0, "damaged": 0,
                                           "handed": 0, "ordered": 3, "returned": 0}]


def test_put_batch_same_body_twice_is_idempotent(world):
    body = {"station_id": "S1", "orders": [make_order("N1"), make_order("N2")]}
    first = world.hq.request("PUT", "/api/v1/batches/B9", json=body).json()
    second = world.hq.request("PUT", "/api/v1/batches/B9", json=body).json()
    assert first["orders"] == second["orders"]
    assert first["created"] is True and second["created"] is False
    assert world.hq.get_batch("B9")["order_count"] == 2


def test_put_batch_uses_given_token_and_code(world):
    token = "abcdefghijklmnopqrstuvwxyz234567"
    answer = world.hq.put_batch("B9", "S1", [make_order("N1", pickup_token=token,
                                                        pickup_code="123456")])
    assert answer["orders"][0]["pickup_token"] == token.upper()
    assert answer["orders"][0]["pickup_code"] == "123456"
    # the code is taken among S1's open orders, free at S2
    r = world.hq.request("PUT", "/api/v1/batches/B10", json={
        "station_id": "S1", "orders": [make_order("N2", pickup_code="123456")]})
    assert_error(r, 409, "conflict")
    world.hq.put_batch("B11", "S2", [make_order("N3", pickup_code="123456")])
    # twice in one batch
    r = world.hq.request("PUT", "/api/v1/batches/B12", json={
        "station_id": "S1", "orders": [make_order("N4", pickup_code="222222"),
                                       make_order("N5", pickup_code="222222")]})
    assert_error(r, 422, "validation_error")
    # the same token for another order
    r = world.hq.request("PUT", "/api/v1/batches/B13", json={
        "station_id": "S1", "orders": [make_order("N6", pickup_token=token)]})
    assert_error(r, 409, "conflict")
    bad = world.hq.request("PUT", "/api/v1/batches/B14", json={
        "station_id": "S1", "orders": [make_order("N7", pickup_token="not-base32!")]})
    assert_error(bad, 422, "validation_error")


def test_put_batch_refusals(world):
    r = world.hq.request("PUT", "/api/v1/batches/B1", json={
        "station_id": "S2", "orders": [make_order("O1")]})
    assert_error(r, 409, "conflict")
    r = world.hq.request("PUT", "/api/v1/batches/B9", json={
        "station_id": "S1", "orders": [make_order("O1")]})  # O1 lives in B1
    assert_error(r, 409, "conflict")
    r = world.hq.request("PUT", "/api/v1/batches/B9", json={
        "station_id": "NOPE", "orders": [make_order("N1")]})
    assert_error(r, 422, "unknown_station")
    r = world.hq.request("PUT", "/api/v1/batches/B9", json={
        "station_id": "S1", "orders": [make_order("N1"), make_order("N1")]})
    assert_error(r, 422)
    # nothing of the refused PUTs was stored
    assert_error(world.hq.request("GET", "/api/v1/batches/B9"), 404, "not_found")
    assert world.hq.get_batch("B1")["station_id"] == "S1"


def test_dispatch_and_cancel(world):
    d = world.hq.dispatch("B1")
    assert d["status"] == "dispatched" and d["dispatched_at"]
    assert world.hq.dispatch("B1")["dispatched_at"] == d["dispatched_at"]
    assert world.hq.get_batch("B1")["status"] == "dispatched"
    assert_error(world.hq.request("POST", "/api/v1/batches/NOPE/dispatch"), 404)
    c = world.hq.cancel("O2", "顾客取消")
    assert c["status"] == "cancelled" and c["cancel_reason"] == "顾客取消"
    assert world.hq.cancel("O2", "again")["cancelled_at"] == c["cancelled_at"]
    assert_error(world.hq.request("POST", "/api/v1/orders/NOPE/cancel", json={"reason": "x"}),
                 404, "not_found")
    view = world.hq.get_batch("B1")
    o2 = next(o for o in view["orders"] if o["order_id"] == "O2")
    assert o2["status"] == "cancelled" and o2["cancel_reason"] == "顾客取消"
    # a picked-up order cannot be cancelled
    world.s1.push([pickup("O1", "P-1")])
    with pytest.raises(ApiCallError) as exc:
        world.hq.cancel("O1")
    assert exc.value.status == 409 and exc.value.code == "already_picked_up"


def test_batch_reconciliation(world):
    view = world.hq.get_batch("B1")
    assert view["station_id"] == "S1" and view["expected_at"] == "2026-11-23T00:00:00.000+00:00"
    assert {o["status"] for o in view["orders"]} == {"pending"}
    assert "pickup_token" not in str(view)
    occurred = "2026-11-23T09:15:00.000+08:00"
    results = world.s1.push([
        event("arrival_checked", batch_id="B1", data={"operator_id": "op1", "order_count": 3,
                                                      "lines_short": 1, "lines_damaged": 1}),
        event("item_short", order_id="O1", batch_id="B1",
              data={"sku": "A", "qty": 1, "stage": "arrival", "note": "", "operator_id": "op1"}),
        event("item_damaged", order_id="O1", batch_id="B1",
              data={"sku": "B", "qty": 1, "stage": "arrival", "note": "", "operator_id": "op1"}),
        pickup("O1", "P-1", receipt_no="R-77", proxy_name="邻居老王", occurred_at=occurred,
               items=[{"sku": "A", "qty_ordered": 2, "qty_handed": 1},
                      {"sku": "B", "qty_ordered": 1, "qty_handed": 0}]),
        pickup("O2", "P-2", items=[{"sku": "SKU-1", "qty_ordered": 2, "qty_handed": 2}]),
    ])
    assert [r["status"] for r in results] == ["accepted"] * 5
    world.hq.cancel("O3")
    view = world.hq.get_batch("B1")
    assert view["arrived"] is True and view["arrived_by"] == "op1"
    by_id = {o["order_id"]: o for o in view["orders"]}
    o1 = by_id["O1"]
    assert o1["status"] == "partially_picked_up"
    assert o1["receipt_no"] == "R-77" and o1["proxy_name"] == "邻居老王"
    assert o1["operator_id"] == "op1"
    assert o1["picked_up_at"] == "2026-11-23T01:15:00.000+00:00"  # station time, in UTC
    assert o1["picked_up_received_at"] > "2026"
    assert o1["picked_up_received_at"] != o1["picked_up_at"]
    items = {i["sku"]: i for i in o1["items"]}
    assert (items["A"]["qty"], items["A"]["received"], items["A"]["short"],
            items["A"]["handed"]) == (2, 1, 1, 1)
    assert (items["B"]["damaged"], items["B"]["received"], items["B"]["handed"]) == (1, 1, 0)
    assert by_id["O2"]["status"] == "picked_up"
    assert by_id["O3"]["status"] == "cancelled"
    assert view["status_counts"] == {"partially_picked_up": 1, "picked_up": 1, "cancelled": 1}


def test_pickups_feed_pages_and_marks_undone(world):
    world.s1.push([pickup("O1", "P-1", receipt_no="R1"), pickup("O2", "P-2", receipt_no="R2")])
    world.s2.push([pickup("P1", "P-3", receipt_no="R3")])
    page = world.hq.pickups(limit=2)
    assert [p["receipt_no"] for p in page["pickups"]] == ["R1", "R2"]
    assert page["has_more"] is True
    rest = world.hq.pickups(since=page["next_since"], limit=2)
    assert [p["receipt_no"] for p in rest["pickups"]] == ["R3"] and rest["has_more"] is False
    assert world.hq.pickups(since=rest["next_since"])["pickups"] == []
    assert [p["receipt_no"] for p in world.hq.pickups(station_id="S2")["pickups"]] == ["R3"]
    assert len(world.hq.pickups(station_id="", since="")["pickups"]) == 3  # empty = no filter
    # an undo brings the pickup back to the feed, marked
    world.s1.push([event("pickup_undone", order_id="O1",
                         data={"pickup_id": "P-1", "receipt_no": "R1", "operator_id": "op1",
                               "reason": "扫错了", "leader_override": False})])
    again = world.hq.pickups(since=rest["next_since"])["pickups"]
    assert len(again) == 1 and again[0]["receipt_no"] == "R1"
    assert again[0]["undone"] is True and again[0]["undo_reason"] == "扫错了"
    first = world.hq.pickups()["pickups"]
    assert [(p["receipt_no"], p["undone"]) for p in first] == [
        ("R2", False), ("R3", False), ("R1", True)]
    assert len(world.hq.pickups(since="2000-01-01T00:00:00Z")["pickups"]) == 3
    assert world.hq.pickups(since="2999-01-01T00:00:00+08:00")["pickups"] == []
    assert_error(world.hq.request("GET", "/api/v1/pickups", params={"since": "yesterday"}), 422)
    assert_error(world.hq.request("GET", "/api/v1/pickups", params={"limit": 0}), 422)


def test_openapi_and_docs(live_server):
    import requests

    spec = requests.get(live_server.url + "/openapi.json", timeout=10).json()
    for path in ("/api/v1/stations", "/api/v1/stations/{station_id}/token",
                 "/api/v1/batches/{batch_id}", "/api/v1/batches/{batch_id}/dispatch",
                 "/api/v1/orders/{order_id}/cancel", "/api/v1/pickups", "/api/v1/sync/pull",
                 "/api/v1/sync/push", "/api/v1/sync/heartbeat", "/api/v1/sync/locate",
                 "/api/v1/batches/import"):
        assert path in spec["paths"], path
    docs = requests.get(live_server.url + "/docs", timeout=10)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
