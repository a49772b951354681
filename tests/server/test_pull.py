"""GET /api/v1/sync/pull: paging, caps, what travels (hashes, never tokens), cancel and
replace reaching the station, batch changes before their orders."""

from __future__ import annotations

import hashlib
import json

from tests.server.conftest import assert_error
from tests.server_fixtures import make_order


def test_first_pull_shape(world):
    page = world.s1.pull()
    assert page["has_more"] is False and page["cursor"] == str(page["changes"][-1]["seq"])
    batch, *orders = page["changes"]
    assert batch["kind"] == "batch" and batch["op"] == "upsert"
    assert batch["data"] == {"batch_id": "B1", "station_id": "S1",
                             "expected_at": "2026-11-23T00:00:00.000+00:00",
                             "status": "created", "dispatched_at": None, "order_count": 3}
    o2 = orders[1]["data"]
    assert set(o2) == {"order_id", "batch_id", "customer_name", "phone_masked", "phone_last4",
                       "customer_key", "token_sha256", "pickup_code", "status", "cancel_reason",
                       "shelf_slot", "items", "pickup"}
    assert o2["pickup"] is None  # nothing handed over yet (issue 11: the other counters learn it)
    assert o2["phone_masked"] == "139****5678" and o2["phone_last4"] == "5678"
    # keyed by the server's secret: not the unkeyed hash a station could brute-force from the
    # masked phone (10,000 candidates), and not any unkeyed hash of one of those candidates
    assert o2["customer_key"] != hashlib.sha256(b"cust:13900005678").hexdigest()[:32]
    candidates = {hashlib.sha256(f"{p}139{n:04d}5678".encode()).hexdigest()[:32]
                  for n in range(10_000) for p in ("cust:", "")}
    candidates |= {hashlib.sha256(f"139{n:04d}5678".encode()).hexdigest()
                   for n in range(10_000)}
    assert o2["customer_key"] not in candidates and len(o2["customer_key"]) == 32
    assert o2["token_sha256"] == world.sha_of("O2")
    assert o2["status"] == "active" and o2["cancel_reason"] is None
    text = json.dumps(page)
    for o in world.b1["orders"]:
        assert o["pickup_token"] not in text  # the token itself never travels to a station
    assert "13900005678" not in text and "139 0000 5678" not in text
    seqs = [c["seq"] for c in page["changes"]]
    assert seqs == sorted(seqs)
    # nothing new: an empty page that keeps the cursor
    again = world.s1.pull(after=page["cursor"])
    assert again == {"changes": [], "cursor": page["cursor"], "has_more": False}


def test_paging_and_limit_cap(world):
    orders = [make_order(f"N{n:05d}") for n in range(2100)]
    world.hq.put_batch("BIG", "S1", orders)
    first = world.s1.pull(limit=5000)  # capped at 2000
    assert len(first["changes"]) == 2000 and first["has_more"] is True
    changes, cursor = world.s1.pull_all(after=first["cursor"], limit=700)
    assert len(first["changes"]) + len(changes) == 4 + 2101
    ids = [c["data"].get("order_id") for c in first["changes"] + changes if c["kind"] == "order"]
    assert len(ids) == len(set(ids)) == 2103
    assert world.s1.pull(after=cursor)["changes"] == []
    small = world.s1.pull(limit=1)
    assert len(small["changes"]) == 1 and small["has_more"] is True


def test_bad_pull_parameters_are_422(world):
    assert_error(world.s1.request("GET", "/api/v1/sync/pull", params={"limit": 0}), 422)
    assert_error(world.s1.request("GET", "/api/v1/sync/pull", params={"limit": "ten"}), 422)
    assert_error(world.s1.request("GET", "/api/v1/sync/pull", params={"after": "abc"}), 422)
    assert_error(world.s1.request("GET", "/api/v1/sync/pull", params={"after": "-1"}), 422)
    assert_error(world.s1.request("GET", "/api/v1/sync/pull",
                                  params={"after": "9" * 40}), 422)


def test_cancel_reaches_station_on_next_pull(world):
    _, cursor = world.s1.pull_all()
    world.hq.cancel("O2", "顾客退单")
    page = world.s1.pull(after=cursor)
    assert len(page["changes"]) == 1
    change = page["changes"][0]
    assert (change["kind"], change["op"]) == ("order", "upsert")
    assert change["data"]["order_id"] == "O2"
    assert change["data"]["status"] == "cancelled"
    assert change["data"]["cancel_reason"] == "顾客退单"
    assert world.s2.pull_all()[0][-1]["data"]["order_id"] == "P1"  # S2 unaffected


def test_replaced_batch_reaches_station_as_changes(world):
    _, cursor = world.s1.pull_all()
    codes = {o["order_id"]: o["pickup_code"] for o in world.b1["orders"]}
    world.hq.put_batch("B1", "S1", [
        make_order("O1", items=[{"sku": "A", "name": "苹果", "qty": 5}]),
        make_order("O4", customer_name="新顾客"),
    ])
    changes = world.s1.pull(after=cursor)["changes"]
    assert changes[0]["kind"] == "batch" and changes[0]["data"]["order_count"] == 2
    ops = {(c["data"]["order_id"], c["op"]) for c in changes[1:]}
    assert ops == {("O1", "upsert"), ("O4", "upsert"), ("O2", "delete"), ("O3", "delete")}
    deleted = next(c for c in changes if c["op"] == "delete")
    assert deleted["data"] == {"order_id": deleted["data"]["order_id"], "batch_id": "B1"}
    o1 = next(c for c in changes if c["data"].get("order_id") == "O1" and c["op"] == "upsert")
    assert o1["data"]["items"][0]["qty"] == 5 and o1["data"]["pickup_code"] == codes["O1"]
    # the dropped order is gone for HQ too, and comes back with its token and code
    assert [o["order_id"] for o in world.hq.get_batch("B1")["orders"]] == ["O1", "O4"]
    back = world.hq.put_batch("B1", "S1", [make_order("O1"), make_order("O2")])
    o2 = next(o for o in back["orders"] if o["order_id"] == "O2")
    assert (o2["pickup_token"], o2["pickup_code"]) == (world.token_of("O2"), codes["O2"])


def test_batch_change_always_before_its_orders(world):
    world.hq.cancel("O1")
    world.hq.dispatch("B1")
    world.hq.put_batch("B2", "S2", [make_order("P1"), make_order("P2")])
    for client in (world.s1, world.s2):
        changes, _ = client.pull_all()
        seen_batches = set()
        for c in changes:
            if c["kind"] == "batch":
                seen_batches.add(c["data"]["batch_id"])
            else:
                assert c["data"]["batch_id"] in seen_batches, c
    changes, _ = world.s1.pull_all()
    assert changes[0]["data"]["status"] == "dispatched"
    assert changes[0]["data"]["dispatched_at"]
    # one row per entity: the latest state only
    assert len(changes) == 4
    assert next(c for c in changes if c["data"].get("order_id") == "O1")["data"]["status"] \
        == "cancelled"


def test_large_pages_travel_gzipped(world):
    orders = [make_order(f"G{n:05d}") for n in range(300)]
    world.hq.put_batch("GZ", "S1", orders)
    r = world.s1.request("GET", "/api/v1/sync/pull", params={"limit": 500},
                         headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers.get("Content-Encoding") == "gzip"
    assert int(r.headers["Content-Length"]) * 4 < len(r.content)  # unpacked by requests
    assert len(r.json()["changes"]) >= 300
    plain = world.s1.request("GET", "/api/v1/sync/pull", params={"limit": 500},
                             headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.json() == r.json()


def test_customer_key_is_stable_per_server_and_groups_one_customer(world, server_factory,
                                                                   tmp_path):
    from tests.server.conftest import build_world

    page = world.s1.pull()
    keys = {c["data"]["order_id"]: c["data"]["customer_key"] for c in page["changes"]
            if c["kind"] == "order"}
    assert len(set(keys.values())) == 3  # three different phones
    world.hq.put_batch("B3", "S1", [make_order("O9", phone="13900005678")])
    again = world.s1.pull(after=page["cursor"])
    o9 = next(c["data"] for c in again["changes"] if c["data"].get("order_id") == "O9")
    assert o9["customer_key"] == keys["O2"]  # same phone, same key (other spelling too)
    assert world.s1.pull()["changes"][2]["data"]["customer_key"] == keys["O2"]  # stable
    other = build_world(server_factory(data_dir=tmp_path / "other"))
    o2_elsewhere = next(c["data"] for c in other.s1.pull()["changes"]
                        if c["data"].get("order_id") == "O2")
    assert o2_elsewhere["customer_key"] != keys["O2"]  # another server, another secret
