"""The counter core: lookups, hand-over, partial and proxy pickups, overrides, undo.

Every state change is checked by reading the SQLite file again with a fresh connection.
"""

import json
import sqlite3
from datetime import timedelta

import pytest

from pickup_station.core.counter import Counter, LineChoice, OrderChoice, Override
from pickup_station.errors import Refused
from pickup_station.store.db import utcnow


def rows(store, sql, *args):
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def events(store, type_=None):
    sql = "SELECT type, order_id, payload FROM outbox"
    out = [(t, o, json.loads(p)) for t, o, p in rows(store, sql + " ORDER BY seq")]
    return [e for e in out if type_ is None or e[0] == type_]


@pytest.fixture
def counter(station):
    return Counter(station.store)


def test_lookup_by_code_token_and_url(station, counter):
    o = station.lone_order()
    for text in (o["pickup_code"], o["pickup_token"], o["pickup_token"].lower(),
                 f"https://m.example.com/p/{o['pickup_token']}",
                 f"https://m.example.com/x?t={o['pickup_token']}\r\n"):
        v = counter.lookup(text)
        assert v.kind == "ready", text
        assert v.orders[0].order_id == o["order_id"]
        assert v.orders[0].scanned
        assert v.orders[0].shelf_slot
        assert v.orders[0].phone == o["phone"][:3] + "****" + o["phone"][-4:]
        assert o["customer_name"] not in v.orders[0].customer or len(o["customer_name"]) < 2


def test_one_scan_brings_all_open_orders_of_the_customer(station, counter):
    o = station.order_with_siblings()
    v = counter.lookup(o["pickup_code"])
    same = [x["order_id"] for b in station.batches for x in b["orders"]
            if x["phone"] == o["phone"]]
    on_truck = {x["order_id"] for x in station.batches[-1]["orders"]} & set(same)
    assert v.kind == ("partly_ready" if on_truck else "ready")
    assert {x.order_id for x in v.orders if not x.arrived} == on_truck
    assert {x.order_id for x in v.orders} == set(same)
    assert sum(x.scanned for x in v.orders) == 1


def test_phone_last4_gives_candidates_then_a_pick(station, counter):
    o = station.lone_order()
    v = counter.lookup(o["phone"][-4:])
    assert v.kind == "candidates"
    assert o["order_id"] in {x.order_id for x in v.orders}
    picked = counter.lookup_order(o["order_id"])
    assert picked.kind == "ready"


@pytest.mark.parametrize("text,reason", [("999999x", "invalid"), ("000001", "unknown"),
                                         ("", "empty"),
                                         ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "unknown")])
def test_refusals_for_unknown_and_garbage(counter, text, reason):
    v = counter.lookup(text)
    assert (v.kind, v.reason) == ("refused", reason)
    assert v.message("zh_CN") and v.message("en")


def test_handover_commits_pickup_and_event_together(station, counter):
    o = station.lone_order()
    result = counter.hand_over([OrderChoice(o["order_id"])], "a1", proxy_name=" 邻居张三 ")
    [p] = result.pickups
    assert p.items_missing == 0
    [(state,)] = rows(station.store, "SELECT pickup_state FROM orders WHERE order_id=?",
                      o["order_id"])
    assert state == "picked_up"
    [(op, proxy, receipt)] = rows(station.store, "SELECT operator_id, proxy_name, receipt_no "
                                  "FROM pickups WHERE pickup_id=?", p.pickup_id)
    assert (op, proxy, receipt) == ("a1", "邻居张三", p.receipt_no)
    [ev] = events(station.store, "pickup_confirmed")
    assert ev[1] == o["order_id"]
    assert ev[2]["pickup_id"] == p.pickup_id and ev[2]["proxy_name"] == "邻居张三"
    assert ev[2]["operator_id"] == "a1"
    assert sum(i["qty_handed"] for i in ev[2]["items"]) == sum(i["qty"] for i in o["items"])


def test_scanning_twice_never_hands_over_twice(station, counter):
    o = station.lone_order()
    counter.hand_over([OrderChoice(o["order_id"])], "a1")
    v = counter.lookup(o["pickup_code"])
    assert v.reason == "already_picked_up"
    assert v.detail["operator"] == "小李" and v.detail["receipt_no"]
    with pytest.raises(Refused) as err:
        counter.hand_over([OrderChoice(o["order_id"])], "a1")
    assert err.value.code == "already_picked_up"
    assert len(events(station.store, "pickup_confirmed")) == 1


def test_partial_pickup_records_what_was_not_handed(station, counter):
    o = next(x for x in station.batches[0]["orders"]
             if len(x["items"]) >= 2 and x["items"][0]["qty"] >= 2)
    v = counter.lookup_order(o["order_id"])
    first, second = v.orders[0].items[:2]
    lines = [LineChoice(first.item_id, first.qty - 1, "damaged"), LineChoice(second.item_id, 0)]
    lines += [LineChoice(i.item_id, i.qty) for i in v.orders[0].items[2:]]
    counter.hand_over([OrderChoice(o["order_id"], lines)], "leader")
    [(state,)] = rows(station.store, "SELECT pickup_state FROM orders WHERE order_id=?",
                      o["order_id"])
    assert state == "partially_picked_up"
    got = rows(station.store, "SELECT sku, qty_ordered, qty_handed, reason FROM pickup_lines")
    assert (first.sku, first.qty, first.qty - 1, "damaged") in got
    assert (second.sku, second.qty, 0, "short") in got
    ev = events(station.store)
    assert {e[0] for e in ev} == {"pickup_confirmed", "item_damaged", "item_short"}
    assert counter.lookup(o["pickup_code"]).reason == "already_picked_up"


def test_cancelled_and_refunded_are_refused(station, counter):
    a, b = station.batches[0]["orders"][:2]
    with station.store.session() as s:
        from pickup_station.store.models import Order
        s.get(Order, a["order_id"]).status = "cancelled"
        s.get(Order, a["order_id"]).cancel_reason = "顾客取消"
        s.get(Order, b["order_id"]).status = "refunded"
    va, vb = counter.lookup(a["pickup_code"]), counter.lookup(b["pickup_code"])
    assert (va.reason, vb.reason) == ("cancelled", "refunded")
    assert "顾客取消" in va.message()
    with pytest.raises(Refused):
        counter.hand_over([OrderChoice(a["order_id"])], "leader")


def test_batch_not_arrived_needs_the_leader(station, counter):
    o = station.waiting_only_order()
    v = counter.lookup(o["pickup_code"])
    assert v.reason == "not_arrived"
    with pytest.raises(Refused) as err:
        counter.hand_over([OrderChoice(o["order_id"])], "a1")
    assert err.value.code == "not_arrived"
    with pytest.raises(Refused):  # an assistant cannot approve
        counter.hand_over([OrderChoice(o["order_id"])], "a1",
                          override=Override("batch_not_arrived", "急用", "a1"))
    counter.hand_over([OrderChoice(o["order_id"])], "a1",
                      override=Override("batch_not_arrived", "急用", "leader"))
    [(kind, by, reason)] = rows(station.store, "SELECT override_kind, override_by, "
                                "override_reason FROM pickups")
    assert (kind, by, reason) == ("batch_not_arrived", "leader", "急用")
    [ev] = events(station.store, "pickup_confirmed")
    assert ev[2]["override"]["approved_by"] == "leader"


def test_bulk_handover_for_a_building_is_one_transaction(station, counter):
    orders = [o["order_id"] for o in station.batches[0]["orders"][:5]]
    counter.hand_over([OrderChoice(orders[0])], "leader")
    with pytest.raises(Refused):  # one already collected: nothing of the bulk is recorded
        counter.hand_over([OrderChoice(x) for x in orders], "leader", proxy_name="楼长")
    assert len(rows(station.store, "SELECT * FROM pickups")) == 1
    result = counter.hand_over([OrderChoice(x) for x in orders[1:]], "leader", proxy_name="楼长")
    assert len(result.pickups) == 4
    assert len(set(result.receipt_nos)) == 4


def test_undo_within_ten_minutes_then_only_the_leader(station):
    now = [utcnow()]
    counter = Counter(station.store, clock=lambda: now[0])
    a, b = [o["order_id"] for o in station.batches[0]["orders"][5:7]]
    pa = counter.hand_over([OrderChoice(a)], "a1").pickups[0]
    pb = counter.hand_over([OrderChoice(b)], "a1").pickups[0]
    with pytest.raises(Refused):
        counter.undo(pa.pickup_id, "a1", "  ")  # a reason is required
    counter.undo(pa.pickup_id, "a1", "拿错了")
    again = counter.lookup_order(a)  # can be handed over again
    assert again.ok and a in {x.order_id for x in again.arrived_orders}
    now[0] += timedelta(minutes=11)
    with pytest.raises(Refused) as err:
        counter.undo(pb.pickup_id, "a1", "顾客退回")
    assert err.value.code == "leader_pin_required"
    counter.undo(pb.pickup_id, "a1", "顾客退回", leader_id="leader")
    undone = [e[2] for e in events(station.store, "pickup_undone")]
    assert [u["leader_override"] for u in undone] == [False, True]
    assert undone[1]["approved_by"] == "leader"
    with pytest.raises(Refused):
        counter.undo(pb.pickup_id, "leader", "again", leader_id="leader")


def test_receipt_numbers_count_per_day(station, counter):
    ids = [o["order_id"] for o in station.batches[0]["orders"][10:13]]
    nos = [counter.hand_over([OrderChoice(i)], "leader").receipt_nos[0] for i in ids]
    assert [n.rsplit("-", 1)[1] for n in nos] == ["0001", "0002", "0003"]
    assert all(n.startswith("ST001-") for n in nos)


def test_arrival_short_items_are_not_handed(station, counter):
    from pickup_station.core import arrival

    o = next(x for x in station.batches[-1]["orders"] if len(x["items"]) >= 2)
    item = o["items"][0]
    result = arrival.sign_off(station.store, station.batches[-1]["batch_id"], "leader",
                              [arrival.ArrivalIssue(o["order_id"], item["sku"], item["qty"])])
    assert result.lines_short == 1
    v = counter.lookup(o["pickup_code"])
    assert v.kind == "ready"
    r = counter.hand_over([OrderChoice(o["order_id"])], "leader")
    assert r.pickups[0].items_missing == item["qty"]
    types = [e[0] for e in events(station.store)]
    # the arrival shortage is reported once, at arrival; the counter adds nothing for it
    assert types.count("item_short") == 1 and "arrival_checked" in types
    only_short = next(x for x in station.batches[-1]["orders"]
                      if len(x["items"]) == 1 and x["order_id"] != o["order_id"])
    with station.store.session() as s:
        from pickup_station.store.models import OrderItem
        for it in s.query(OrderItem).filter_by(order_id=only_short["order_id"]):
            it.qty_short = it.qty
    with pytest.raises(Refused) as err:  # everything short: nothing to hand, nothing recorded
        counter.hand_over([OrderChoice(only_short["order_id"])], "leader")
    assert err.value.code == "nothing_to_hand"
    with pytest.raises(Refused):
        arrival.sign_off(station.store, station.batches[-1]["batch_id"], "leader")


def test_arrived_orders_go_without_the_leader_and_only_the_late_one_needs_it(station, counter):
    arrived, waiting = station.mixed_customer()
    v = counter.lookup(arrived["pickup_code"])
    assert v.kind == "partly_ready" and v.ok
    by_id = {o.order_id: o for o in v.orders}
    assert by_id[arrived["order_id"]].arrived and by_id[arrived["order_id"]].expected_at == ""
    assert not by_id[waiting["order_id"]].arrived
    assert by_id[waiting["order_id"]].expected_at  # the greyed card says when
    assert counter.lookup(waiting["pickup_code"]).kind == "partly_ready"  # either code
    with pytest.raises(Refused) as err:  # the one on the truck, without the leader: refused
        counter.hand_over([OrderChoice(waiting["order_id"])], "a1")
    assert err.value.code == "not_arrived"
    assert rows(station.store, "SELECT count(*) FROM pickups") == [(0,)]
    counter.hand_over([OrderChoice(arrived["order_id"])], "a1")  # no PIN asked
    assert rows(station.store, "SELECT order_id, override_kind FROM pickups") == \
        [(arrived["order_id"], None)]


def test_a_leader_override_is_recorded_only_on_the_order_that_needed_it(station, counter):
    arrived, waiting = station.mixed_customer()
    counter.hand_over([OrderChoice(arrived["order_id"]), OrderChoice(waiting["order_id"])],
                      "a1", override=Override("batch_not_arrived", "急用", "leader"))
    assert dict(rows(station.store, "SELECT order_id, override_kind FROM pickups")) == {
        arrived["order_id"]: None, waiting["order_id"]: "batch_not_arrived"}


def test_phone_candidates_are_one_row_per_customer(station, counter, store):
    from pickup_station.store.models import Order

    a, b = station.mixed_customer()
    c = station.lone_order()
    with store.session() as s:  # c's phone ends like a's: two customers share the last 4
        s.get(Order, c["order_id"]).phone_last4 = a["phone"][-4:]
    v = counter.lookup(a["phone"][-4:])
    assert v.kind == "candidates"
    rows_ = {tuple(x.order_ids): x for x in v.customers}
    mine = next(x for ids, x in rows_.items() if a["order_id"] in ids)
    assert set(mine.order_ids) >= {a["order_id"], b["order_id"]}
    assert mine.waiting >= 1 and mine.order_id != b["order_id"]  # an arrived order stands first
    assert [c["order_id"]] in [list(ids) for ids in rows_]
    assert "****" in mine.phone and a["customer_name"] != mine.customer
    assert v.to_dict()["customers"] and "customer_key" not in str(v.to_dict())


def dump(store) -> list[str]:
    conn = sqlite3.connect(store.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_warm_up_rehearses_a_hand_over_and_writes_nothing(station, counter, monkeypatch):
    from pickup_station.core import handover_rows

    written = []
    real_write = handover_rows.Writes.write

    def spy(self, conn):
        written.append((len(self.pickups), len(self.events)))
        return real_write(self, conn)

    monkeypatch.setattr(handover_rows.Writes, "write", spy)
    before = dump(station.store)
    assert counter.warm_up() is True
    assert written and written[0][0] == 1 and written[0][1] >= 1  # the real statements ran
    assert dump(station.store) == before  # and were rolled back
    o = station.lone_order()
    r = counter.hand_over([OrderChoice(o["order_id"])], "leader")
    assert r.receipt_nos[0].endswith("-0001")  # no receipt number was used up


def test_warm_up_needs_an_open_order_and_an_operator(store):
    assert Counter(store).warm_up() is False
