"""HQ's reports of the chain (issue 11) over real HTTP, SQLite and PostgreSQL: one station's
day, every station's day side by side, commission per month; CSV and XLSX exports of every
list parsed back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from server_stub.schemas_hq import CommissionOut, DailyReportOut, StationDayOut
from server_stub.services.hq_export import columns_of
from server_stub.services.hq_lists import BatchRow, OrderRow
from server_stub.services.hq_reports import CommissionRow, DayFigures
from tests.server.conftest import assert_error
from tests.server.hq_world import DAY, build_chain
from tests.server_fixtures import HQClient


def _get(hq, path, **params):
    r = hq.request("GET", path, params=params)
    assert r.status_code == 200, r.text
    return r


def test_a_station_day_shows_what_lies_behind_its_figures(any_live_server):
    hq = build_chain(any_live_server).hq
    day = StationDayOut.model_validate(_get(hq, f"/api/v1/stations/S1/days/{DAY}").json()
                                       ).model_dump()
    assert day["figures"] == {
        "station_id": "S1", "station_name": "一号店", "day": DAY, "last_seen_at": None,
        "batches_due": 1, "batches_arrived": 1, "pickups": 2, "undone": 0,
        "picked_up_value_cents": 1800 + 2580, "shortage_qty": 1, "returns": 1, "closed": True,
        "closed_at": "2026-11-23T13:00:00.000+00:00", "closing_pickups": 2,
        "discrepancy_count": 1}
    assert [(a["batch_id"], a["order_count"]) for a in day["arrivals"]] == [("B1", 4)]
    assert [(p["order_id"], p["receipt_no"], p["proxy_name"]) for p in day["pickups"]] == [
        ("O1", "R1", "王*明"), ("O2", "R2", None)]
    assert [(s["order_id"], s["sku"], s["qty"], s["type"]) for s in day["shortages"]] == [
        ("O3", "SKU-1", 1, "item_short")]
    assert [(r["order_id"], r["reason"]) for r in day["returns"]] == [("O4", "超时未取")]
    assert day["closing"]["discrepancies"] == [
        {"sku": "SKU-1", "expected": 2, "counted": 1, "difference": -1}]
    s2 = _get(hq, f"/api/v1/stations/S2/days/{DAY}").json()
    assert (s2["figures"]["pickups"], s2["figures"]["undone"],
            s2["figures"]["picked_up_value_cents"], s2["closing"]) == (2, 1, 2580, None)
    assert [p["undone_at"] is not None for p in s2["pickups"]] == [False, True]
    quiet = _get(hq, "/api/v1/stations/S1/days/2026-11-22").json()
    assert (quiet["figures"]["pickups"], quiet["arrivals"], quiet["closing"]) == (0, [], None)
    assert_error(hq.request("GET", f"/api/v1/stations/S9/days/{DAY}"), 404, "not_found")
    assert_error(hq.request("GET", "/api/v1/stations/S1/days/2026-11-31"), 422, "invalid_date")


def test_daily_report_puts_every_station_side_by_side(any_live_server):
    hq = build_chain(any_live_server).hq
    report = DailyReportOut.model_validate(_get(hq, "/api/v1/reports/daily", date=DAY).json()
                                           ).model_dump()
    rows = {r["station_id"]: r for r in report["stations"]}
    assert list(rows) == ["S1", "S2", "S3"] and report["day"] == DAY
    pick = ("batches_due", "batches_arrived", "pickups", "undone", "picked_up_value_cents",
            "shortage_qty", "returns", "closed", "discrepancy_count")
    assert [tuple(rows[s][k] for k in pick) for s in rows] == [
        (1, 1, 2, 0, 4380, 1, 1, True, 1), (1, 1, 2, 1, 2580, 0, 0, False, 0),
        (0, 0, 0, 0, 0, 0, 0, False, 0)]
    next_day = {r["station_id"]: r for r in _get(hq, "/api/v1/reports/daily",
                                                 date="2026-11-24").json()["stations"]}
    assert (next_day["S1"]["batches_due"], next_day["S1"]["pickups"]) == (1, 0)
    assert_error(hq.request("GET", "/api/v1/reports/daily"), 422)
    assert_error(hq.request("GET", "/api/v1/reports/daily", params={"date": "23/11/2026"}),
                 422, "invalid_date")


def test_commission_per_station_per_month_from_the_batches_rates(any_live_server):
    hq = build_chain(any_live_server).hq
    nov = CommissionOut.model_validate(_get(hq, "/api/v1/reports/commission", month="2026-11")
                                       .json()).model_dump()
    rows = {r["station_id"]: r for r in nov["stations"]}
    pick = ("batches", "orders_picked_up", "picked_up_value_cents", "commission_cents",
            "unrated_value_cents")
    # B3's day is 24 November: Q3 counts in November though handed over on 1 December at HQ
    assert {s: tuple(r[k] for k in pick) for s, r in rows.items()} == {
        "S1": (2, 3, 4380 + 2580, 438, 2580), "S2": (1, 1, 2580, 129, 0),
        "S3": (0, 0, 0, 0, 0)}
    assert nov["commission_cents"] == 567 and nov["month"] == "2026-11"
    dec = {r["station_id"]: r for r in _get(hq, "/api/v1/reports/commission",
                                            month="2026-12").json()["stations"]}
    assert tuple(dec["S1"][k] for k in pick) == (0, 0, 0, 0, 0)
    for bad in ("2026-13", "2026-1", "26-11", "２０２６-11", ""):
        assert_error(hq.request("GET", "/api/v1/reports/commission", params={"month": bad}),
                     422, "invalid_month")


def _csv(r) -> list[list[str]]:
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def _xlsx(r) -> list[tuple]:
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_list_exports_and_reads_back(any_live_server, fmt):
    hq = build_chain(any_live_server).hq
    read = _csv if fmt == "csv" else _xlsx
    orders = read(_get(hq, "/api/v1/orders", format=fmt, limit="1"))  # limit: not for files
    assert list(orders[0]) == columns_of(OrderRow) and len(orders) == 10
    col = {name: n for n, name in enumerate(orders[0])}
    o2 = next(r for r in orders if r[0] == "O2")
    assert (o2[col["phone_masked"]], o2[col["customer_masked"]], o2[col["status"]]) == (
        "139****5678", "李*", "partially_picked_up")
    assert str(o2[col["value_cents"]]) == "2580"
    picked = read(_get(hq, "/api/v1/orders", format=fmt, status="picked_up", station_id="S1"))
    assert [r[0] for r in picked[1:]] == ["Q3", "O2", "O1"]  # newest first
    batches = read(_get(hq, "/api/v1/batches", format=fmt))
    assert list(batches[0]) == columns_of(BatchRow)
    assert [r[0] for r in batches[1:]] == ["B3", "B2", "B1"]
    daily = read(_get(hq, "/api/v1/reports/daily", format=fmt, date=DAY))
    assert list(daily[0]) == columns_of(DayFigures) and len(daily) == 4
    assert daily[3][1] == "'=1+1 三号店"  # a formula-like text is not run by the spreadsheet
    money = read(_get(hq, "/api/v1/reports/commission", format=fmt, month="2026-11"))
    assert list(money[0]) == columns_of(CommissionRow)
    assert [str(r[6]) for r in money[1:]] == ["438", "129", "0"]
    everything = b"".join(_get(hq, p, format=fmt, **q).content for p, q in (
        ("/api/v1/orders", {}), ("/api/v1/batches", {})))
    if fmt == "csv":
        text = everything.decode("utf-8", "replace")
        assert "13800001234" not in text and "张三" not in text and "欧阳娜娜" not in text


def test_a_large_export_streams_every_row(live_server):
    """2,500 orders: more than one internal page of 2,000, in order, none twice."""
    hq = HQClient(live_server)
    hq.create_station("S1")
    from tests.server_fixtures import make_order

    hq.put_batch("BIG", "S1", [make_order(f"O{n:05d}", phone=f"1380000{n:04d}")
                               for n in range(2500)])
    r = hq.request("GET", "/api/v1/orders", params={"format": "csv"}, stream=True)
    assert r.status_code == 200 and "content-length" not in r.headers  # streamed
    rows = _csv(type("R", (), {"headers": r.headers, "content": r.raw.read(decode_content=True)}))
    assert [row[0] for row in rows[1:]] == [f"O{n:05d}" for n in reversed(range(2500))]
