"""Odd input is a 4xx with a clear code, never a 500, on SQLite and PostgreSQL: numbers that
are not ASCII digits, bodies not in UTF-8, ids in other spellings, times where none belong."""

from __future__ import annotations

import itertools
import json
import uuid

import requests

from tests.server.conftest import assert_error, pickup
from tests.server_fixtures import event, make_order

NOT_ASCII_DIGITS = ["²", "１２", "٣", "۴", "1_000", " 1", "1 ", "+1", "-1", "0x10", "1e3",
                    "１", "12345678901234567890123", str(2**63), "1.5", "\u0663\u0664"]


def _get(world, token, path, **params):
    return requests.get(world.server.url + path, params=params, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def test_numbers_in_queries_are_ascii_digits_only(any_world):
    w = any_world
    for value, (path, name, token) in itertools.product(NOT_ASCII_DIGITS,  (("/api/v1/sync/pull", "after", w.t1),
                              ("/api/v1/sync/pull", "limit", w.t1),
                              ("/api/v1/pickups", "since", w.server.admin_token),
                              ("/api/v1/pickups", "limit", w.server.admin_token))):
        r = _get(w, token, path, **{name: value})
        assert 400 <= r.status_code < 500, (path, name, value, r.status_code, r.text)
        assert_error(r, r.status_code)


def test_ascii_digits_still_work_and_limit_is_capped(any_world):
    page = any_world.s1.pull(after="0", limit="99999999999")
    assert page["changes"] and page["has_more"] is False


def test_body_must_be_utf8_json(any_world):
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-8-sig"):
        _refused_in(any_world, encoding)


def _refused_in(w, encoding):
    body = json.dumps({"events": [event("item_short", order_id="O1",
                                        data={"sku": "A", "qty": 1})]}).encode(encoding)
    r = requests.post(w.server.url + "/api/v1/sync/push", data=body, timeout=30,
                      headers={"Authorization": f"Bearer {w.t1}",
                               "Content-Type": "application/json"})
    assert_error(r, 415, "unsupported_encoding")
    hb = json.dumps({"app_version": "1", "pending_events": 0}).encode(encoding)
    r = requests.post(w.server.url + "/api/v1/sync/heartbeat", data=hb, timeout=30,
                      headers={"Authorization": f"Bearer {w.t1}"})
    assert_error(r, 415, "unsupported_encoding")
    assert w.hq.get_batch("B1")["orders"][0]["items"][0]["short"] == 0  # nothing stored


def test_heartbeat_types_are_strict(any_world):
    for bad in ({"station_time": 0}, {"station_time": 1700000000}, {"station_time": "yesterday"},
                {"pending_events": 1.0}, {"pending_events": "3"}, {"pending_events": 10**30},
                {"pending_events": True}, {"app_version": 5}, {"pending_events": -1}):
        body = {"app_version": "1.0", "pending_events": 0, **bad}
        r = any_world.s1.request("POST", "/api/v1/sync/heartbeat", json=body)
        assert_error(r, 422)
    ok = any_world.s1.request("POST", "/api/v1/sync/heartbeat", json={
        "app_version": "1.0", "pending_events": 0, "station_time": "2026-01-01T00:00:00Z"})
    assert ok.status_code == 200


SPELLINGS = [str.upper, lambda u: "{" + u + "}", lambda u: u.replace("-", ""),
             lambda u: "urn:uuid:" + u, lambda u: "{" + u.upper().replace("-", "") + "}"]


def test_one_uuid_in_another_spelling_is_a_duplicate(any_world):
    for n, spell in enumerate(SPELLINGS, 1):
        _one_event_in(any_world, spell, n)


def _one_event_in(w, spell, n):
    eid = str(uuid.uuid4())
    short = event("item_short", order_id="O1", data={"sku": "A", "qty": 1}, event_id=eid)
    assert w.s1.push([short])[0]["status"] == "accepted"
    again = dict(short, event_id=spell(eid))
    result = w.s1.push([again])[0]
    assert result == {"event_id": spell(eid), "status": "duplicate"}  # echoed as sent
    # both spellings in one push: one effect
    eid2 = str(uuid.uuid4())
    both = [dict(short, event_id=eid2), dict(short, event_id=spell(eid2))]
    assert [r["status"] for r in w.s1.push(both)] == ["accepted", "duplicate"]
    assert w.hq.get_batch("B1")["orders"][0]["items"][0]["short"] == 2 * n
    # the same id, another spelling, another body: refused as a conflict
    changed = dict(short, event_id=spell(eid), data={"sku": "A", "qty": 2})
    assert_error(w.s1.request("POST", "/api/v1/sync/push", json={"events": [changed]}),
                 422, "event_id_conflict")


def test_event_ids_that_are_not_uuids_are_refused(world):
    for bad_id in ("not-a-uuid", "１" * 32, "g" * 32, "1234", "", "1" * 32 + "0",
                   "12345678-1234-1234-1234-1234567890ab-00", "1234_5678" * 4,
                   " 12345678-1234-1234-1234-1234567890ab", 12345):
        ev = event("item_short", order_id="O1", data={"sku": "A", "qty": 1})
        ev["event_id"] = bad_id
        r = world.s1.request("POST", "/api/v1/sync/push", json={"events": [ev]})
        assert_error(r, 422)


def test_pickups_feed_cursor_never_goes_backwards(any_world):
    w = any_world
    w.s1.push([pickup("O1", "P-1", receipt_no="R1")])
    first = w.hq.pickups()
    assert [p["receipt_no"] for p in first["pickups"]] == ["R1"]
    later = "2999-01-01T00:00:00+00:00"
    empty = w.hq.pickups(since=later)
    assert empty["pickups"] == [] and int(empty["next_since"]) >= int(first["next_since"])
    # following the cursor does not start again from the beginning
    assert w.hq.pickups(since=empty["next_since"])["pickups"] == []
    w.s1.push([pickup("O2", "P-2", receipt_no="R2")])
    assert [p["receipt_no"] for p in w.hq.pickups(since=empty["next_since"])["pickups"]] == \
        ["R2"]
    # an empty page after a cursor keeps that cursor
    last = w.hq.pickups(since=first["next_since"])
    assert [p["receipt_no"] for p in last["pickups"]] == ["R2"]
    assert w.hq.pickups(since=last["next_since"])["next_since"] == last["next_since"]


def test_csv_with_bare_cr_line_ends_imports(any_world):
    w = any_world
    lines = ["batch_id,station_id,order_id,customer_name,phone,sku,name,qty",
             "BM,S1,OM1,张三,13800001111,A,苹果,2", "BM,S1,OM1,张三,13800001111,B,牛奶,1",
             "BM,S1,OM2,李四,13800002222,A,苹果,1"]
    for ending in ("\r", "\r\n", "\n"):
        report = w.hq.import_csv(ending.join(lines) + ending)
        assert report["ok"] is True, report
        assert [len(o["items"]) for o in w.hq.get_batch("BM")["orders"]] == [2, 1]


def test_csv_numbers_and_phones_are_ascii_digits(world):
    for qty in ("²", "１", "٣", "1.5", "1e2", "99999999999999999999999"):
        text = ("batch_id,station_id,order_id,customer_name,phone,sku,name,qty\n"
                f"BQ,S1,OQ,张三,13800001111,A,苹果,{qty}\n")
        r = world.hq.request("POST", "/api/v1/batches/import", data=text.encode(),
                             headers={"Content-Type": "text/csv"})
        assert r.status_code < 500, r.text
        assert r.json()["ok"] is False
    for phone in ("１３８００００１２３４", "١٣٨٠٠٠٠١٢٣٤", "138²0001234"):
        r = world.hq.request("PUT", "/api/v1/batches/BX", json={
            "station_id": "S1", "orders": [make_order("OX", phone=phone)]})
        assert_error(r, 422)


def test_text_fields_refuse_nul_and_lone_surrogates(any_world):
    w = any_world
    for raw in ('{"app_version": "a\\u0000b", "pending_events": 0}',
                '{"app_version": "a\\ud800b", "pending_events": 0}'):
        r = requests.post(w.server.url + "/api/v1/sync/heartbeat", data=raw.encode(),
                          timeout=30, headers={"Authorization": f"Bearer {w.t1}",
                                               "Content-Type": "application/json"})
        assert_error(r, 422)
