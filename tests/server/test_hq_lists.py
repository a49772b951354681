"""HQ's lists of the chain (issue 11): GET /api/v1/batches and /api/v1/orders over real HTTP,
SQLite and PostgreSQL: filters, masking, keyset paging with `next` and `total`, bad filters."""

from __future__ import annotations

import pytest

from server_stub.schemas_hq import BatchListOut, BatchListRow, OrderListOut, OrderListRow
from server_stub.services.hq_lists import BatchRow, OrderRow
from tests.server.conftest import assert_error
from tests.server.hq_world import DAY, build_chain


def _get(hq, path, **params):
    r = hq.request("GET", path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _ids(page: dict, key: str, id_: str) -> list[str]:
    return [row[id_] for row in page[key]]


def _walk(hq, path, key, id_, limit, **params) -> list[str]:
    """Every row, page after page, checking `total` on each page."""
    seen, cursor, total = [], None, None
    while True:
        page = _get(hq, path, limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        assert total in (None, page["total"])
        total = page["total"]
        seen += _ids(page, key, id_)
        cursor = page["next"]
        if cursor is None:
            assert len(seen) == total
            return seen


def test_wire_rows_and_service_rows_have_the_same_fields():
    assert list(BatchListRow.model_fields) == [f for f in BatchRow.__slots__]
    assert list(OrderListRow.model_fields) == [f for f in OrderRow.__slots__]


def test_batches_by_station_date_status_with_figures_and_paging(any_live_server):
    hq = build_chain(any_live_server).hq
    page = BatchListOut.model_validate(_get(hq, "/api/v1/batches")).model_dump()
    assert (_ids(page, "batches", "batch_id"), page["total"], page["next"],
            page["total_exact"]) == (["B3", "B2", "B1"], 3, None, True)  # newest day first
    b1 = page["batches"][2]
    assert {k: b1[k] for k in ("station_id", "station_name", "day", "status", "commission_rate",
                               "order_count", "picked_up", "returned", "cancelled",
                               "value_cents", "picked_up_value_cents", "commission_cents")} == {
        "station_id": "S1", "station_name": "一号店", "day": DAY, "status": "arrived",
        "commission_rate": 1000, "order_count": 4, "picked_up": 2, "returned": 1,
        "cancelled": 0, "value_cents": 1800 + 3 * 2580, "picked_up_value_cents": 1800 + 2580,
        "commission_cents": 438}
    b2, b3 = page["batches"][1], page["batches"][0]
    assert (b2["status"], b2["picked_up"], b2["picked_up_value_cents"], b2["commission_cents"],
            b2["closed_at"] is not None) == ("closed", 1, 2580, 129, True)  # 2580 × 5 % half up
    assert (b3["status"], b3["commission_rate"], b3["cancelled"], b3["value_cents"],
            b3["commission_cents"]) == ("created", None, 1, 2 * 2580, 0)
    assert _ids(_get(hq, "/api/v1/batches", date=DAY), "batches", "batch_id") == ["B2", "B1"]
    assert _ids(_get(hq, "/api/v1/batches", station_id="S1"), "batches", "batch_id") == [
        "B3", "B1"]
    for status, expected in (("closed", ["B2"]), ("arrived", ["B1"]), ("created", ["B3"]),
                             ("dispatched", [])):
        got = _get(hq, "/api/v1/batches", status=status)
        assert (_ids(got, "batches", "batch_id"), got["total"]) == (expected, len(expected))
    assert _get(hq, "/api/v1/batches", station_id="S2", date="2026-11-24")["total"] == 0
    assert _walk(hq, "/api/v1/batches", "batches", "batch_id", 1) == ["B3", "B2", "B1"]
    assert _walk(hq, "/api/v1/batches", "batches", "batch_id", 2, station_id="S1") == [
        "B3", "B1"]


def test_orders_search_filters_masking_and_paging(any_live_server):
    hq = build_chain(any_live_server).hq
    page = OrderListOut.model_validate(_get(hq, "/api/v1/orders")).model_dump()
    assert (page["total"], page["total_exact"], page["next"]) == (9, True, None)
    status = {r["order_id"]: r["status"] for r in page["orders"]}
    assert status == {"O1": "picked_up", "O2": "partially_picked_up", "O3": "arrived",
                      "O4": "returned", "P1": "picked_up", "P2": "arrived", "Q1": "cancelled",
                      "Q2": "pending", "Q3": "picked_up"}
    rows = {r["order_id"]: r for r in page["orders"]}
    assert (rows["O2"]["customer_masked"], rows["O2"]["phone_masked"]) == ("李*", "139****5678")
    assert rows["O4"]["customer_masked"] == "欧**娜" and rows["O4"]["returned_at"]
    assert (rows["O1"]["receipt_no"], rows["O1"]["items"], rows["O1"]["value_cents"]) == (
        "R1", 3, 1800)
    assert rows["Q1"]["cancelled_at"] and rows["P2"]["picked_up_at"] is None
    assert "13800001234" not in str(page) and "张三" not in str(page)
    for flt, expected in (
            ({"status": "picked_up"}, ["O1", "O2", "P1", "Q3"]),
            ({"status": "arrived"}, ["O3", "P2"]), ({"status": "returned"}, ["O4"]),
            ({"status": "cancelled"}, ["Q1"]), ({"status": "pending"}, ["Q2"]),
            ({"order_id": "O3"}, ["O3"]), ({"order_id": "O"}, []),
            ({"phone_last4": "5678"}, ["O2"]), ({"phone_last4": "0000"}, ["Q1"]),
            ({"phone_last4": "4444"}, []),
            ({"station_id": "S2"}, ["P1", "P2"]), ({"batch_id": "B3"}, ["Q1", "Q2", "Q3"]),
            ({"station_id": "S1", "status": "arrived"}, ["O3"])):
        got = _get(hq, "/api/v1/orders", **flt)
        newest_first = sorted(expected, reverse=True)
        assert (_ids(got, "orders", "order_id"), got["total"]) == (newest_first,
                                                                   len(expected)), flt
    assert _walk(hq, "/api/v1/orders", "orders", "order_id", 2) == [
        "Q3", "Q2", "Q1", "P2", "P1", "O4", "O3", "O2", "O1"]
    assert _walk(hq, "/api/v1/orders", "orders", "order_id", 1, status="picked_up") == [
        "Q3", "P1", "O2", "O1"]


@pytest.mark.parametrize(("path", "params", "code"), [
    ("/api/v1/batches", {"date": "2026-02-30"}, "invalid_date"),
    ("/api/v1/batches", {"date": "２０２６-01-01"}, "invalid_date"),
    ("/api/v1/batches", {"date": "2026-1-1"}, "invalid_date"),
    ("/api/v1/batches", {"status": "lost"}, "validation_error"),
    ("/api/v1/batches", {"cursor": "not-a-cursor"}, "invalid_cursor"),
    ("/api/v1/batches", {"cursor": "WyJ4Il0"}, "invalid_cursor"),  # ["x"]: an orders cursor
    ("/api/v1/batches", {"limit": "0"}, "validation_error"),
    ("/api/v1/batches", {"format": "pdf"}, "validation_error"),
    ("/api/v1/orders", {"phone_last4": "12a4"}, "invalid_phone_last4"),
    ("/api/v1/orders", {"phone_last4": "１２３４"}, "invalid_phone_last4"),
    ("/api/v1/orders", {"cursor": "W10"}, "invalid_cursor"),  # []
    ("/api/v1/orders", {"station_id": "S 1"}, "validation_error"),
])
def test_bad_filters_are_4xx_with_a_clear_code(live_server, path, params, code):
    from tests.server_fixtures import HQClient

    assert_error(HQClient(live_server).request("GET", path, params=params), 422, code)


def test_lists_are_for_hq_only(live_server):
    from tests.server_fixtures import HQClient

    hq = HQClient(live_server)
    station = HQClient(live_server, hq.create_station("S1"))
    for path in ("/api/v1/batches", "/api/v1/orders", "/api/v1/reports/daily?date=" + DAY,
                 "/api/v1/reports/commission?month=2026-11", f"/api/v1/stations/S1/days/{DAY}",
                 "/api/v1/orders?format=csv"):
        assert_error(station.request("GET", path), 403, "forbidden")
        assert_error(HQClient(live_server, "nope").request("GET", path), 401, "unauthorized")


def test_order_totals_stop_counting_at_the_cap(live_server, monkeypatch):
    """Past ORDER_COUNT_CAP the total is a lower bound, said so; paging goes on regardless."""
    from server_stub.services import hq_lists
    from tests.server_fixtures import HQClient, make_order

    monkeypatch.setattr(hq_lists, "ORDER_COUNT_CAP", 3)  # the server runs in this process
    hq = HQClient(live_server)
    hq.create_station("S1")
    hq.put_batch("B1", "S1", [make_order(f"O{n}") for n in range(5)])
    page = _get(hq, "/api/v1/orders", limit=2)
    assert (page["total"], page["total_exact"]) == (3, False)
    assert _get(hq, "/api/v1/orders", order_id="O1")["total_exact"] is True
    ids, cursor = [], None
    while True:
        page = _get(hq, "/api/v1/orders", limit=2, **({"cursor": cursor} if cursor else {}))
        ids += _ids(page, "orders", "order_id")
        if not (cursor := page["next"]):
            break
    assert ids == [f"O{n}" for n in reversed(range(5))]
