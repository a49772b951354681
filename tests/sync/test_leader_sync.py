"""The leader's day reaches HQ: the REAL station core (receiving by product, a correction,
a reminder, a return, hand-overs that close the batch, an undo that reopens it, the day
closing) synced with the real SyncEngine to the real server over loopback, on SQLite and
PostgreSQL; then HQ's `GET /api/v1/batches/{id}` checked field by field."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import create_engine, text

from pickup_station.core import day_close, receiving, returns
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.timezone import station_tz
from tests.server_fixtures import HQClient, StationClient, event, make_order

from .conftest import attention, new_engine


def _fru(qty: int) -> dict:
    return {"sku": "FRU-1", "name": "苹果 1kg", "qty": qty, "unit_price_cents": 1290,
            "category": "fruit"}


def _mlk(qty: int) -> dict:
    return {"sku": "MLK-1", "name": "鲜牛奶", "qty": qty, "unit_price_cents": 800,
            "category": "dairy"}


def _seed(hq: HQClient) -> str:
    token = hq.create_station("S1", "幸福里自提点", leader_name="王团长")
    hq.put_batch("B1", "S1", [
        make_order("O1", items=[_fru(2), _mlk(1)]),
        make_order("O2", customer_name="李四", phone="13900005678", items=[_fru(2)]),
        make_order("O3", customer_name="王五", phone="13700009999", items=[_fru(3)]),
        make_order("O4", customer_name="赵六", phone="13600004444", items=[_mlk(1)]),
    ])
    return token


def _sync(engine) -> None:
    report = engine.run_round()
    assert report.ok, report.error
    assert report.pushed.rejected == 0 and report.pending_events == 0, report


def _lines(view: dict) -> dict[tuple[str, str], tuple]:
    keys = ("ordered", "received", "short", "damaged", "handed", "returned")
    return {(o["order_id"], it["sku"]): tuple(it[k] for k in keys)
            for o in view["orders"] for it in o["items"]}


def _server_rows(server, sql: str) -> list:
    eng = create_engine(server.config.resolved_database_url)
    try:
        with eng.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        eng.dispose()


def test_leader_day_reaches_hq_batch_view(any_live_server, station):
    hq = HQClient(any_live_server)
    token = _seed(hq)
    engine = new_engine(station, any_live_server.url, token)
    _sync(engine)

    # the truck: 3 apples of 7 came; latest orders go short first (O3: 3, O2: 1)
    plan = receiving.preview(station, "B1", {"FRU-1": 3})
    receiving.sign_off_received(station, "B1", "leader", plan)
    _sync(engine)
    view = hq.get_batch("B1")
    assert (view["arrived"], view["by_product"], view["receive_rule"]) == (
        True, True, "latest_first")
    assert [(p["sku"], p["expected"], p["received"], p["short"], p["surplus"])
            for p in view["received_by_product"]] == [("FRU-1", 7, 3, 4, 0),
                                                       ("MLK-1", 2, 2, 0, 0)]
    #                          ordered received short damaged handed returned
    assert _lines(view) == {("O1", "FRU-1"): (2, 2, 0, 0, 0, 0),
                            ("O1", "MLK-1"): (1, 1, 0, 0, 0, 0),
                            ("O2", "FRU-1"): (2, 1, 1, 0, 0, 0),
                            ("O3", "FRU-1"): (3, 0, 3, 0, 0, 0),
                            ("O4", "MLK-1"): (1, 1, 0, 0, 0, 0)}
    assert view["corrections"] == [] and view["closed"] is False

    # a box found later: 5 apples after all; O2 gets its goods back, O3 one of three
    receiving.correct_received(station, "B1", "leader", "FRU-1", 5, note="后来找到一箱")
    returns.request_reminder(station, ["O2"], "leader")
    returns.return_orders(station, ["O4"], "leader", "超时未取")
    _sync(engine)
    view = hq.get_batch("B1")
    assert _lines(view) == {("O1", "FRU-1"): (2, 2, 0, 0, 0, 0),
                            ("O1", "MLK-1"): (1, 1, 0, 0, 0, 0),
                            ("O2", "FRU-1"): (2, 2, 0, 0, 0, 0),
                            ("O3", "FRU-1"): (3, 1, 2, 0, 0, 0),
                            ("O4", "MLK-1"): (1, 1, 0, 0, 0, 1)}
    fru = next(p for p in view["received_by_product"] if p["sku"] == "FRU-1")
    assert (fru["received"], fru["short"]) == (5, 2)
    [corr] = view["corrections"]
    assert (corr["sku"], corr["expected"], corr["received_before"], corr["received_after"],
            corr["surplus"], corr["note"], corr["operator_id"]) == (
        "FRU-1", 7, 3, 5, 0, "后来找到一箱", "leader")
    assert {(ln["order_id"], ln["qty_short_before"], ln["qty_short_after"])
            for ln in corr["lines"]} == {("O2", 1, 0), ("O3", 3, 2)}
    orders = {o["order_id"]: o for o in view["orders"]}
    o4 = orders["O4"]
    assert (o4["status"], o4["returned"], o4["return_reason"], o4["returned_by"]) == (
        "returned", True, "超时未取", "leader")
    assert o4["order_status"] == "active" and o4["returned_at"]
    assert (orders["O2"]["reminders"], orders["O1"]["reminders"]) == (1, 0)
    assert orders["O2"]["last_reminder_at"]
    assert view["status_counts"] == {"arrived": 3, "returned": 1}

    # the station cannot hand over a returned order, and HQ refuses one too
    refused = StationClient(any_live_server, token).push([event(
        "pickup_confirmed", order_id="O4", batch_id="B1",
        data={"pickup_id": "PK-X", "receipt_no": "R-X", "items": []})])
    assert (refused[0]["status"], refused[0]["reason"]) == ("rejected", "order_returned")

    # everything handed over: the batch closes at the station; an undo reopens it
    counter = Counter(station)
    counter.hand_over([OrderChoice("O1"), OrderChoice("O2")], "leader")
    third = counter.hand_over([OrderChoice("O3")], "leader")
    _sync(engine)
    view = hq.get_batch("B1")
    assert (view["closed"], view["station_state"]) == (True, "closed")
    assert view["closed_counts"] == {"handed_over": 3, "returned": 1, "cancelled": 0}
    assert view["status_counts"] == {"picked_up": 2, "partially_picked_up": 1, "returned": 1}
    assert _lines(view)[("O3", "FRU-1")] == (3, 1, 2, 0, 1, 0)
    counter.undo(third.pickups[0].pickup_id, "leader", "拿错了")
    _sync(engine)
    view = hq.get_batch("B1")
    assert (view["closed"], view["station_state"], view["closed_at"]) == (False, "open", None)
    assert _lines(view)[("O3", "FRU-1")] == (3, 1, 2, 0, 0, 0)

    # the day closing: one apple should be on the shelf (O3's); none is found
    with station.reader() as s:
        today = datetime.now(station_tz(s)).date()
    day_close.close_day(station, today, "leader", {"FRU-1": 0})
    _sync(engine)
    [row] = _server_rows(any_live_server, "SELECT station_id, day, operator_id, totals, "
                         "operators, counted, discrepancies, discrepancy_count "
                         "FROM day_closings")
    assert (row[0], row[1], row[2], row[7]) == ("S1", today.isoformat(), "leader", 1)
    totals = json.loads(row[3])
    assert (totals["pickups"], totals["returns"], totals["undos"]) == (2, 1, 1)
    assert json.loads(row[6]) == [{"sku": "FRU-1", "expected": 1, "counted": 0,
                                   "difference": -1}]
    assert all("name" not in o for o in json.loads(row[4]))  # display names stay at the station
    assert attention(station) == []

    # the whole outbox once more, ids spelled in upper case: duplicates, no second effect
    # (the station's outbox is emptied once HQ has them: what HQ stored, as it was sent)
    sent = [json.loads(r[0]) for r in _server_rows(
        any_live_server, "SELECT payload FROM events ORDER BY id")]
    for e in sent:
        e["event_id"] = e["event_id"].upper()
    kinds = {e["type"] for e in sent}
    assert {"arrival_checked", "arrival_corrected", "reminder_requested", "order_returned",
            "batch_closed", "batch_reopened", "day_closed"} <= kinds
    before = hq.get_batch("B1")
    again = StationClient(any_live_server, token).push(
        [{k: v for k, v in e.items() if v is not None} for e in sent])
    assert len(again) == len(sent) and {r["status"] for r in again} == {"duplicate"}
    assert hq.get_batch("B1") == before
    assert len(_server_rows(any_live_server, "SELECT 1 FROM reminder_requests")) == 1
    assert len(_server_rows(any_live_server, "SELECT 1 FROM day_closings")) == 1


def test_the_slots_given_at_sign_off_reach_hq_and_the_ready_notices(any_live_server, station):
    from pickup_station.store.models import Order
    hq = HQClient(any_live_server)
    token = _seed(hq)
    engine = new_engine(station, any_live_server.url, token)
    _sync(engine)
    receiving.sign_off_received(station, "B1", "leader",
                                receiving.preview(station, "B1", {"FRU-1": 6}))
    with station.reader() as s:
        local = dict(s.query(Order.order_id, Order.shelf_slot).all())
    assert all(local.values()) and len(set(local.values())) >= 2
    with station.reader() as s:  # the slots travel just before the sign-off itself
        types = [t for (t,) in s.execute(text(
            "SELECT type FROM outbox WHERE batch_id = 'B1' ORDER BY seq")).all()]
    assert types.index("slots_assigned") < types.index("arrival_checked")
    _sync(engine)
    assert dict(_server_rows(any_live_server,
                             "SELECT order_id, station_slot FROM orders")) == local
    r = hq.request("GET", "/api/v1/notices", params={"limit": 100})
    assert r.status_code == 200, r.text
    told = {n["order_id"]: (n["kind"], n["content"]["shelf_slot"]) for n in r.json()["notices"]}
    assert told == {"O1": ("ready", local["O1"]), "O2": ("ready", local["O2"]),
                    "O3": ("short", local["O3"]), "O4": ("ready", local["O4"])}
