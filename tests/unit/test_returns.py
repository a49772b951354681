"""Uncollected orders (滞留) by category thresholds, reminders, returns to HQ (退回), batch closing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from pickup_station.core import arrival, returns
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.errors import Refused
from pickup_station.store.db import parse_iso
from pickup_station.store.models import Batch, Order, OutboxEvent
from tests.unit.leader_seed import APPLE, MILK, RICE, SHRIMP, load, order


def events(store, type_):
    with store.reader() as s:
        return [(e.order_id or e.batch_id, json.loads(e.payload)) for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.seq))]


@pytest.fixture
def arrived(store):
    load(store, "B1", [order("O1", "13800001111", RICE), order("O2", "13900002222", APPLE),
                       order("O3", "13700003333", SHRIMP, RICE), order("O4", "13600004444", MILK)])
    arrival.sign_off(store, "B1", "leader")
    with store.reader() as s:
        return store, parse_iso(s.get(Batch, "B1").arrived_at)


def test_thresholds_by_category_and_the_list_sorted_by_how_overdue(arrived):
    store, at = arrived
    assert returns.uncollected(store, now=at + timedelta(hours=20)) == []
    late = returns.uncollected(store, now=at + timedelta(days=2, hours=1))
    # fresh (apple) and chilled (milk): 1 day, frozen (shrimp): 2 days, dry rice: 7 days
    assert [(u.order_id, u.storage, u.threshold_days, u.overdue_hours) for u in late] == [
        ("O2", "fresh", 1, 25.0), ("O4", "chilled", 1, 25.0), ("O3", "frozen", 2, 1.0)]
    assert late[0].customer == "张*丰" and late[0].shelf_slot == "A-1-02"
    assert [u.order_id for u in returns.uncollected(store, now=at + timedelta(days=2, hours=1),
                                                    limit=2)] == ["O2", "O4"]
    assert {u.order_id for u in returns.uncollected(store, now=at, include_waiting=True)} == {
        "O1", "O2", "O3", "O4"}
    with store.session() as s:
        assert returns.set_threshold(s, "frozen", 3)["frozen"] == 3
        with pytest.raises(Refused):
            returns.set_threshold(s, "frozen", -1)
    assert [u.order_id for u in returns.uncollected(store, now=at + timedelta(days=2, hours=1))
            ] == ["O2", "O4"]


def test_reminder_is_an_event_and_shows_on_the_list(arrived):
    store, at = arrived
    assert returns.request_reminder(store, ["O2"], "leader", now=at + timedelta(days=2)) == 1
    (oid, data), = events(store, "reminder_requested")
    assert oid == "O2" and data == {"operator_id": "leader", "shelf_slot": "A-1-02",
                                    "days_waiting": 2.0}
    u = returns.uncollected(store, now=at + timedelta(days=2))[0]
    assert u.order_id == "O2" and u.reminders == 1 and u.last_reminded_at


def test_a_returned_order_leaves_the_shelf_and_the_counter_refuses_it(arrived):
    store, _at = arrived
    with pytest.raises(Refused) as err:
        returns.return_orders(store, ["O2"], "leader", " ")
    assert err.value.code == "reason_required"
    result = returns.return_orders(store, ["O2", "O4"], "leader", "超时未取")
    assert result.freed_slots == ["A-1-02", "R-1-01"] and result.closed_batches == []
    (oid, data), _ = events(store, "order_returned")
    assert oid == "O2" and data["reason"] == "超时未取" and data["items"] == [
        {"sku": "FRU-1", "qty": 2}]
    counter = Counter(store)
    with store.reader() as s:
        code = s.get(Order, "O2").pickup_code
    verdict = counter.lookup(code)
    assert verdict.kind == "refused" and verdict.reason == "returned"
    assert "退回" in verdict.message("zh_CN")
    with pytest.raises(Refused) as err:
        counter.hand_over([OrderChoice("O2")], "a1")
    assert err.value.code == "returned"
    with pytest.raises(Refused) as err:
        returns.return_orders(store, ["O2"], "leader", "again")
    assert err.value.code == "returned"


def test_a_batch_with_everything_handed_cancelled_or_returned_is_closed(arrived):
    store, _at = arrived
    counter = Counter(store)
    counter.hand_over([OrderChoice("O1"), OrderChoice("O3")], "a1")
    with store.session() as s:
        s.get(Order, "O4").status = "cancelled"
    result = returns.return_orders(store, ["O2"], "leader", "超时未取")
    assert result.closed_batches == ["B1"]
    (bid, data), = events(store, "batch_closed")
    assert bid == "B1" and data == {"handed_over": 2, "returned": 1, "cancelled": 1}
    with store.reader() as s:
        assert s.get(Batch, "B1").status == "closed"
    # an undo brings goods back: the batch is open again
    pickup = counter.recent_pickups()[0]
    counter.undo(pickup["pickup_id"], "a1", "拿错了")
    with store.reader() as s:
        assert s.get(Batch, "B1").status == "arrived"
    assert [b for b, _d in events(store, "batch_reopened")] == ["B1"]
    # and handing it over again closes it again
    counter.hand_over([OrderChoice(pickup["order_id"])], "a1")
    assert len(events(store, "batch_closed")) == 2


def test_hq_cancelling_a_returned_order_needs_no_attention(arrived):
    from pickup_station.core import manifest
    from pickup_station.store.models import AttentionItem

    store, _at = arrived
    returns.return_orders(store, ["O2"], "leader", "超时未取")
    with store.session() as s:
        manifest.apply_order(s, {"order_id": "O2", "batch_id": "B1", "customer_name": "张三丰",
                                 "status": "cancelled", "items": [{"sku": "FRU-1", "name": "苹果",
                                                                   "qty": 2}]})
    with store.reader() as s:
        assert s.scalar(select(AttentionItem.id)) is None
        order = s.get(Order, "O2")
        assert (order.status, order.pickup_state) == ("cancelled", "returned")
