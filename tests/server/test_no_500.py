"""No 500 from odd input on any route, SQLite and PostgreSQL: a table of hostile values put in
every field of every body, path and query, each answered 2xx or a declared 4xx envelope, and
the server still healthy afterwards (nothing half-stored)."""

from __future__ import annotations

import json

import requests

from tests.server.conftest import assert_error
from tests.server_fixtures import event, make_order

ODD_TEXT = ["", "a\u0000b", "\u0000", "x" * 100_000, "²", "１２", "٣", "\u202e", "\ufeff",
            "😀" * 300, "' OR 1=1 --", "\\u0000", "null", "\ud7ff", "\t\n\r", "\x7f\x1b[31m"]
ODD_NUMBER = [-1, 0, 1.5, 2.0, 10**30, -(10**30), 2**63, 1e308, True, "1", None, [], {}]
ODD_TIME = ["", "0", 0, 1700000000, "2026-02-30T00:00:00Z", "2026-01-01T00:00:00",
            "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+25:00", "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00z",
            "2026-01-01T00:00:00.1234567+08:00", "1969-12-31T23:59:59Z", "２０２６-01-01T00:00:00Z"]
ODD_UUID = ["", "0", "{}", "urn:uuid:", "g" * 32, "0" * 31, "0" * 33, "{" + "0" * 32,
            "00000000-0000-0000-0000-00000000000０", "00000000000000000000000000000000\n"]
ODD_DATA = [[], "x", 1, None, {"a": {"b": {"c": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}}},
            {"\u0000": 1}, {"x": float("1e308")}, {"k" * 10_000: "v"}]
ODD_PATH = ["%00", "%2e%2e", "a" * 300, "%F0%9F%98%80", "..%2F..", "%C0%AF", "S1%0A", "¹"]
ODD_QUERY = ["²", "１", "-1", "1e3", "0x1", " 1", "1 ", "1_0", "9" * 40, "%00", "", "01"]


def _ok_or_4xx(r: requests.Response, what) -> None:
    assert r.status_code < 500, (what, r.status_code, r.text[:300])
    if r.status_code >= 400:
        assert_error(r, r.status_code)


def _post(w, token, path, body, method="POST"):
    data = json.dumps(body, ensure_ascii=True, allow_nan=True)
    return requests.request(method, w.server.url + path, data=data, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_odd_values_in_every_body_field_are_never_a_500(any_world):
    w = any_world
    base_event = event("item_short", order_id="O1", batch_id="B1",
                       data={"sku": "A", "qty": 1, "note": "n"})
    heartbeat = {"app_version": "1", "pending_events": 0}
    station = {"station_id": "SX", "name": "x"}
    order = make_order("OX")
    for value in ODD_TEXT + ODD_NUMBER + ODD_TIME + ODD_UUID + ODD_DATA:
        for key in ("event_id", "type", "occurred_at", "order_id", "batch_id", "data"):
            _ok_or_4xx(_post(w, w.t1, "/api/v1/sync/push",
                             {"events": [dict(base_event, **{key: value})]}), (key, value))
        for key in ("sku", "qty", "stage", "note"):
            ev = dict(base_event, data={**base_event["data"], key: value})
            _ok_or_4xx(_post(w, w.t1, "/api/v1/sync/push", {"events": [ev]}), (key, value))
        for key in heartbeat | {"station_time": None}:
            _ok_or_4xx(_post(w, w.t1, "/api/v1/sync/heartbeat", {**heartbeat, key: value}),
                       (key, value))
        for key in ("station_id", "name", "address", "leader_name"):
            _ok_or_4xx(_post(w, w.server.admin_token, "/api/v1/stations",
                             {**station, key: value}), (key, value))
        for key in ("order_id", "customer_name", "phone", "pickup_token", "pickup_code",
                    "shelf_slot", "items"):
            _ok_or_4xx(_post(w, w.server.admin_token, "/api/v1/batches/BX",
                             {"station_id": "S1", "orders": [{**order, key: value}]}, "PUT"),
                       (key, value))
        item = {**order["items"][0]}
        for key in ("sku", "name", "qty", "unit_price_cents", "category"):
            _ok_or_4xx(_post(w, w.server.admin_token, "/api/v1/batches/BY",
                             {"station_id": "S1", "orders": [{**order, "order_id": "OY",
                                                              "items": [{**item, key: value}]}]},
                             "PUT"), (key, value))
        _ok_or_4xx(_post(w, w.server.admin_token, "/api/v1/orders/O3/cancel", {"reason": value}),
                   value)
    assert requests.get(w.server.url + "/api/v1/health", timeout=10).json()["ok"] is True
    assert w.hq.get_batch("B1")["orders"][0]["items"][0]["short"] <= 1


def test_odd_paths_and_queries_are_never_a_500(any_world):
    w = any_world
    admin = {"Authorization": f"Bearer {w.server.admin_token}"}
    station = {"Authorization": f"Bearer {w.t1}"}
    for odd in ODD_PATH:
        for method, path, headers in (("GET", f"/api/v1/batches/{odd}", admin),
                                      ("PUT", f"/api/v1/batches/{odd}", admin),
                                      ("POST", f"/api/v1/batches/{odd}/dispatch", admin),
                                      ("POST", f"/api/v1/orders/{odd}/cancel", admin),
                                      ("POST", f"/api/v1/stations/{odd}/token", admin),
                                      ("GET", f"/api/v1/sync/{odd}", station)):
            r = requests.request(method, w.server.url + path, headers=headers, timeout=30,
                                 json={"station_id": "S1", "orders": []})
            _ok_or_4xx(r, (method, path))
    for odd in ODD_QUERY + ODD_TIME[:4] + [str(t) for t in ODD_TIME]:
        for path, name, headers in (("/api/v1/sync/pull", "after", station),
                                    ("/api/v1/sync/pull", "limit", station),
                                    ("/api/v1/pickups", "since", admin),
                                    ("/api/v1/pickups", "limit", admin),
                                    ("/api/v1/pickups", "station_id", admin),
                                    ("/api/v1/sync/locate", "token_sha256", station)):
            r = requests.get(w.server.url + path, params={name: odd}, headers=headers,
                             timeout=30)
            _ok_or_4xx(r, (path, name, odd))
    assert requests.get(w.server.url + "/api/v1/health", timeout=10).json()["ok"] is True
