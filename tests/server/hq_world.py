"""A small chain for the HQ lists and reports (issue 11), built over real HTTP.

HQ's day D = 2026-11-23 (UTC+8). Stations S1, S2, and S3 (no activity; its name starts like a
spreadsheet formula).

- B1 (S1, day D, 10 %): O1 张三 1800 picked up (proxy 王小明); O2 李四 2580 partially picked
  up; O3 王五 2580 arrived, 1 unit short; O4 欧阳娜娜 2580 returned. S1 closes day D.
- B2 (S2, day D, 5 %): P1 2580 picked up; P2 2580 picked up then undone. Closed at the station.
- B3 (S1, day D+1, no rate): Q1 cancelled by HQ; Q2 pending; Q3 picked up on 1 December
  00:30 at HQ (30 November 16:30 UTC), in November's commission (the batch's month).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.server.conftest import pickup
from tests.server_fixtures import HQClient, StationClient, event, make_order

DAY = "2026-11-23"
AT = "2026-11-23T10:00:00+08:00"
SKU1 = [{"sku": "SKU-1", "name": "苹果 1kg", "qty": 2, "unit_price_cents": 1290}]
CLOSING = {"day": DAY, "operator_id": "leader",
           "totals": {"pickups": 2, "items_handed": 4, "shortages": 1, "returns": 1, "undos": 0},
           "operators": [], "counted": [{"sku": "SKU-1", "expected": 2, "counted": 1}],
           "discrepancies": [{"sku": "SKU-1", "expected": 2, "counted": 1, "difference": -1}]}


@dataclass
class Chain:
    hq: HQClient
    s1: StationClient
    s2: StationClient


def _put(hq: HQClient, batch_id: str, station_id: str, orders: list, expected_at: str,
         rate: int | None) -> None:
    body = {"station_id": station_id, "orders": orders, "expected_at": expected_at}
    if rate is not None:
        body["commission_rate"] = rate
    r = hq.request("PUT", f"/api/v1/batches/{batch_id}", json=body)
    assert r.status_code == 200, r.text


def build_chain(server) -> Chain:
    hq = HQClient(server)
    s1 = StationClient(server, hq.create_station("S1", "一号店"))
    s2 = StationClient(server, hq.create_station("S2", "二号店"))
    hq.create_station("S3", "=1+1 三号店")
    _put(hq, "B1", "S1", [
        make_order("O1", phone="13800001234", items=[
            {"sku": "A", "name": "苹果", "qty": 2, "unit_price_cents": 500},
            {"sku": "B", "name": "牛奶", "qty": 1, "unit_price_cents": 800}]),
        make_order("O2", customer_name="李四", phone="139 0000 5678", items=SKU1),
        make_order("O3", customer_name="王五", phone="13700009999", items=SKU1),
        make_order("O4", customer_name="欧阳娜娜", phone="13600004321", items=SKU1),
    ], "2026-11-23T08:00:00+08:00", 1000)
    _put(hq, "B2", "S2", [make_order("P1", customer_name="赵六", phone="13500001111", items=SKU1),
                          make_order("P2", customer_name="钱七", phone="13500002222",
                                     items=SKU1)], "2026-11-23T09:00:00+08:00", 500)
    _put(hq, "B3", "S1", [make_order(q, phone=f"1330000000{n}", items=SKU1)
                          for n, q in enumerate(("Q1", "Q2", "Q3"))],
         "2026-11-24T08:00:00+08:00", None)
    hq.dispatch("B2")
    hq.cancel("Q1", "顾客取消")
    arrival = {"operator_id": "leader", "order_count": 4, "lines_short": 1, "lines_damaged": 0}
    results = s1.push([
        event("arrival_checked", batch_id="B1", data=arrival, occurred_at=AT),
        pickup("O1", "PK-O1", "R1", proxy_name="王小明", occurred_at=AT),
        pickup("O2", "PK-O2", "R2", occurred_at=AT, items=[
            {"sku": "SKU-1", "qty_ordered": 2, "qty_handed": 1}]),
        event("item_short", order_id="O3", batch_id="B1", occurred_at=AT,
              data={"sku": "SKU-1", "qty": 1, "stage": "arrival", "note": ""}),
        event("order_returned", order_id="O4", batch_id="B1", occurred_at=AT,
              data={"operator_id": "leader", "reason": "超时未取", "items": [
                  {"sku": "SKU-1", "qty": 2}]}),
        event("day_closed", occurred_at="2026-11-23T21:00:00+08:00", data=CLOSING),
        pickup("Q3", "PK-Q3", "R3", occurred_at="2026-11-30T16:30:00+00:00"),
    ])
    assert [r["status"] for r in results] == ["accepted"] * 7, results
    results = s2.push([
        event("arrival_checked", batch_id="B2", data=dict(arrival, order_count=2),
              occurred_at=AT),
        pickup("P1", "PK-P1", "R9", occurred_at=AT),
        pickup("P2", "PK-P2", "R10", occurred_at=AT),
        event("pickup_undone", order_id="P2", occurred_at="2026-11-23T11:00:00+08:00", data={
            "pickup_id": "PK-P2", "receipt_no": "R10", "operator_id": "op1", "reason": "错拿",
            "leader_override": False}),
        event("batch_closed", batch_id="B2", occurred_at="2026-11-23T20:00:00+08:00",
              data={"handed_over": 1, "returned": 0, "cancelled": 0}),
    ])
    assert [r["status"] for r in results] == ["accepted"] * 5, results
    return Chain(hq, s1, s2)
