"""Authorization of every endpoint: no token, wrong token, revoked token, another station's
token, a station token on an HQ call, the admin token on a station call."""

from __future__ import annotations

import pytest
import requests

from server_stub.runner import start_server_thread
from tests.server.conftest import assert_error, build_world, pickup
from tests.server_fixtures import StationClient, event, make_order

CSV = ("batch_id,station_id,order_id,customer_name,phone,sku,name,qty\n"
       "BX,S1,OX,张三,13800001234,A,苹果,1\n")

HQ_CALLS = [
    ("POST", "/api/v1/stations", {"json": {"station_id": "SX", "name": "x"}}),
    ("POST", "/api/v1/stations/S1/token", {}),
    ("GET", "/api/v1/stations", {}),
    ("PUT", "/api/v1/batches/B1", {"json": {"station_id": "S1", "orders": [make_order("O1")]}}),
    ("POST", "/api/v1/batches/B1/dispatch", {}),
    ("POST", "/api/v1/orders/O1/cancel", {"json": {"reason": "x"}}),
    ("GET", "/api/v1/pickups", {}),
    ("POST", "/api/v1/batches/import", {"data": CSV.encode(),
                                        "headers": {"Content-Type": "text/csv"}}),
]
STATION_CALLS = [
    ("GET", "/api/v1/sync/pull", {}),
    ("POST", "/api/v1/sync/push", {"json": {"events": []}}),
    ("POST", "/api/v1/sync/heartbeat", {"json": {"app_version": "1", "pending_events": 0}}),
    ("GET", "/api/v1/sync/locate", {"params": {"token_sha256": "0" * 64}}),
]
READ_BATCH = ("GET", "/api/v1/batches/B1", {})
ALL_CALLS = HQ_CALLS + STATION_CALLS + [READ_BATCH]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    server = start_server_thread(tmp_path_factory.mktemp("auth"))
    world = build_world(server)
    revoked = world.t1
    world.t1 = world.hq.rotate_token("S1")
    world.s1 = StationClient(server, world.t1)
    yield world, revoked
    server.stop()


def call(world, method, path, kw, token):
    headers = dict(kw.get("headers", {}))
    if token is not None:
        headers["Authorization"] = token
    kw = {k: v for k, v in kw.items() if k != "headers"}
    return requests.request(method, world.server.url + path, headers=headers, timeout=10, **kw)


def _ids(calls):
    return [f"{m} {p}" for m, p, _ in calls]


@pytest.mark.parametrize("method,path,kw", ALL_CALLS, ids=_ids(ALL_CALLS))
@pytest.mark.parametrize("credential", ["none", "wrong", "revoked", "not_bearer", "empty"])
def test_bad_credentials_are_401(setup, method, path, kw, credential):
    world, revoked = setup
    token = {"none": None, "wrong": "Bearer st_not-a-real-token", "revoked": f"Bearer {revoked}",
             "not_bearer": f"Basic {world.server.admin_token}", "empty": "Bearer "}[credential]
    assert_error(call(world, method, path, kw, token), 401, "unauthorized")


@pytest.mark.parametrize("method,path,kw", HQ_CALLS, ids=_ids(HQ_CALLS))
def test_station_token_on_hq_call_is_403(setup, method, path, kw):
    world, _ = setup
    assert_error(call(world, method, path, kw, f"Bearer {world.t1}"), 403, "forbidden")


@pytest.mark.parametrize("method,path,kw", STATION_CALLS[:3], ids=_ids(STATION_CALLS[:3]))
def test_admin_token_on_station_call_is_403(setup, method, path, kw):
    world, _ = setup
    assert_error(call(world, method, path, kw, f"Bearer {world.server.admin_token}"), 403,
                 "forbidden")


def test_nothing_changed_by_refused_calls(setup):
    world, _ = setup
    ids = [s["station_id"] for s in world.hq.stations()]
    assert ids == ["S1", "S2"]
    view = world.hq.get_batch("B1")
    assert view["status"] == "created"
    assert {o["status"] for o in view["orders"]} == {"pending"}
    assert_error(world.hq.request("GET", "/api/v1/batches/BX"), 404)


def test_station_reads_only_its_own_batch(setup):
    world, _ = setup
    assert world.s1.request("GET", "/api/v1/batches/B1").json()["batch_id"] == "B1"
    assert_error(world.s2.request("GET", "/api/v1/batches/B1"), 403, "forbidden")
    assert_error(world.s2.request("GET", "/api/v1/batches/NOPE"), 404, "not_found")


def test_station_cannot_touch_another_stations_order_or_batch(setup):
    world, _ = setup
    results = world.s2.push([
        pickup("O1", "X-1"),
        event("item_short", order_id="O1", batch_id="B1",
              data={"sku": "A", "qty": 1, "stage": "arrival", "operator_id": "x"}),
        event("arrival_checked", batch_id="B1", data={"operator_id": "x"}),
        event("pickup_undone", order_id="O1", data={"pickup_id": "X-1", "reason": "x"}),
    ])
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "unknown_order"), ("rejected", "unknown_order"),
        ("rejected", "unknown_batch"), ("rejected", "unknown_order")]
    view = world.hq.get_batch("B1")
    assert view["arrived"] is False
    assert all(o["status"] == "pending" and o["items"][0]["short"] == 0 for o in view["orders"])
    # and it never sees S1's data in its pull
    changes, _ = world.s2.pull_all()
    assert {c["data"].get("batch_id") for c in changes} == {"B2"}


def test_station_id_comes_from_token_not_body(setup):
    world, _ = setup
    # a station_id smuggled into the body is ignored; the heartbeat lands on S2
    world.s2.request("POST", "/api/v1/sync/heartbeat",
                     json={"app_version": "9.9", "pending_events": 3, "station_id": "S1"})
    stations = {s["station_id"]: s for s in world.hq.stations()}
    assert stations["S2"]["app_version"] == "9.9"
    assert stations["S1"]["app_version"] != "9.9"
