"""Shelf slots (货架号): given at sign-off, shared by one customer's orders of a batch, cold goods
in their area, freed by pickups and returns, never held twice, full shelves refused."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pickup_station.core import arrival, returns, shelves
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.shelves import ShelfSpec, ShelvesFull
from pickup_station.store import migrations
from pickup_station.store.db import Store
from pickup_station.store.models import Order, SlotAssignment
from tests.unit.leader_seed import APPLE, MILK, RICE, SHRIMP, load, order


def slot_of(store, oid):
    with store.reader() as s:
        return s.get(Order, oid).shelf_slot


def small_layout(store, normal=(1, 3), chilled=(1, 1), frozen=(1, 1)):
    with store.session() as s:
        shelves.set_layout(s, [ShelfSpec("A", "normal", *normal), ShelfSpec("R", "chilled", *chilled),
                               ShelfSpec("Z", "frozen", *frozen)])


def test_slots_come_at_sign_off_shared_by_a_customer_cold_goods_in_their_area(store):
    load(store, "B1", [order("O1", "13800001111", APPLE), order("O2", "13800001111", RICE),
                       order("O3", "13900002222", APPLE, MILK, SHRIMP),
                       order("O4", "13700003333", MILK)])
    assert [slot_of(store, o) for o in ("O1", "O2", "O3", "O4")] == [None] * 4  # not at download
    result = arrival.sign_off(store, "B1", "leader")
    assert result.slots_assigned == 5
    assert slot_of(store, "O1") == slot_of(store, "O2") == "A-1-01"  # one customer, one slot
    assert slot_of(store, "O3") == "A-1-02 / R-1-01 / Z-1-01"  # a slot in each area it needs
    assert slot_of(store, "O4") == "R-1-02"  # chilled only: no normal slot
    with store.reader() as s:
        occ = shelves.occupancy(s)
    assert sorted(occ.held["A-1-01"]) == ["O1", "O2"]
    assert {a.area: a.occupied for a in occ.areas} == {"normal": 2, "chilled": 2, "frozen": 1,
                                                       "overflow": 0}


def test_a_slot_is_free_only_when_everything_in_it_left(store):
    load(store, "B1", [order("O1", "13800001111", APPLE), order("O2", "13800001111", RICE),
                       order("O3", "13900002222", RICE)])
    arrival.sign_off(store, "B1", "leader")
    counter = Counter(store)
    counter.hand_over([OrderChoice("O1")], "a1")
    with store.reader() as s:
        assert "A-1-01" in shelves.occupancy(s).held  # O2 still sits there
    returns.return_orders(store, ["O2"], "leader", "顾客不要了")
    with store.reader() as s:
        held = shelves.occupancy(s).held
    assert "A-1-01" not in held and list(held) == ["A-1-02"]
    # the next batch gets the freed slot, not the one O3 still holds
    load(store, "B2", [order("O5", "13600004444", RICE)])
    arrival.sign_off(store, "B2", "leader")
    assert slot_of(store, "O5") == "A-1-01"
    assert slot_of(store, "O1") == "A-1-01"  # history on the receipt stays


def test_undo_puts_the_order_back_in_its_slot_or_a_free_one(store):
    load(store, "B1", [order("O1", "13800001111", RICE), order("O2", "13900002222", RICE)])
    arrival.sign_off(store, "B1", "leader")
    counter = Counter(store)
    picked = counter.hand_over([OrderChoice("O1")], "a1")
    counter.undo(picked.pickups[0].pickup_id, "a1", "拿错了")
    assert slot_of(store, "O1") == "A-1-01"
    picked = counter.hand_over([OrderChoice("O1")], "a1")
    load(store, "B2", [order("O5", "13600004444", RICE)])
    arrival.sign_off(store, "B2", "leader")  # takes A-1-01
    counter.undo(picked.pickups[0].pickup_id, "a1", "拿错了")
    assert slot_of(store, "O5") == "A-1-01" and slot_of(store, "O1") == "A-1-03"


def test_the_database_refuses_a_slot_held_twice(store):
    load(store, "B1", [order("O1", "13800001111", RICE)])
    arrival.sign_off(store, "B1", "leader")
    with pytest.raises(IntegrityError), store.session() as s:
        s.add(SlotAssignment(slot="A-1-01", area="normal", batch_id="B1", group_key="other",
                             assigned_at="2026-11-22T00:00:00+00:00"))


def test_full_shelves_refuse_the_sign_off_with_what_is_missing_then_overflow_helps(store):
    small_layout(store, normal=(1, 2), chilled=(1, 1))
    load(store, "B1", [order(f"O{i}", f"1380000{i:04d}", RICE) for i in range(5)]
         + [order("O9", "13900009999", MILK), order("O8", "13900008888", MILK)])
    with pytest.raises(ShelvesFull) as err:
        arrival.sign_off(store, "B1", "leader")
    assert err.value.code == "shelves_full" and err.value.missing == {"normal": 3, "chilled": 1}
    assert "还缺 4 个货位" in err.value.message("zh_CN")
    assert "overflow" in err.value.message("en")
    with store.reader() as s:  # nothing half done
        assert s.scalar(select(SlotAssignment.id)) is None
        assert s.get(Order, "O0").batch.status == "expected"
    with store.session() as s:
        shelves.add_shelf(s, ShelfSpec("X", "overflow", 1, 5))
        shelves.add_shelf(s, ShelfSpec("R2", "chilled", 1, 2))
    arrival.sign_off(store, "B1", "leader")
    assert [slot_of(store, f"O{i}") for i in range(5)] == [
        "A-1-01", "A-1-02", "X-1-01", "X-1-02", "X-1-03"]


def test_layout_edits_keep_slots_that_hold_goods(store):
    load(store, "B1", [order("O1", "13800001111", RICE)])
    arrival.sign_off(store, "B1", "leader")
    with store.session() as s:
        specs = shelves.get_layout(s)
    assert [(x.name, x.area, x.capacity) for x in specs][:1] == [("A", "normal", 300)]
    with pytest.raises(shelves.ShelfInUse), store.session() as s:
        shelves.set_layout(s, [x for x in specs if x.name != "A"])
    with pytest.raises(shelves.BadLayout), store.session() as s:
        shelves.set_layout(s, [*specs, ShelfSpec("b c")])
    with store.session() as s:
        shelves.set_layout(s, [x for x in specs if x.name != "H"])
        assert "H" not in [x.name for x in shelves.get_layout(s)]


def test_an_old_store_keeps_its_slots_marked_held(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in migrations.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO batches (batch_id, status) VALUES ('B0', 'arrived')")
    for oid, slot, state in (("O1", "C-2-05", "open"), ("O2", "C-2-06", "picked_up")):
        conn.execute("INSERT INTO orders (order_id, batch_id, customer_name, pickup_state, "
                     "shelf_slot) VALUES (?, 'B0', '张三', ?, ?)", (oid, state, slot))
    conn.execute("INSERT INTO order_items (order_id, sku, name, qty) VALUES ('O1', 'S', 'x', 1)")
    conn.execute("INSERT INTO operators VALUES ('leader', '团长', 'leader', '00', '00', 1)")
    conn.close()
    store = Store(path)
    with store.reader() as s:
        assert list(shelves.occupancy(s).held) == ["C-2-05"]
        assert s.get(ops_model(), "leader").must_change_pin == 1
    Counter(store).hand_over([OrderChoice("O1")], "leader")
    with store.reader() as s:
        assert shelves.occupancy(s).held == {}
    store.close()


def ops_model():
    from pickup_station.store.models import Operator

    return Operator


def test_the_sign_off_tells_hq_each_orders_slot_in_wire_valid_events(store, monkeypatch):
    import json

    from pickup_station.store.models import OutboxEvent
    from pickup_station.sync.event_data import MAX_SLOT_LINES, SlotsAssignedData
    assert arrival.SLOTS_PER_EVENT <= MAX_SLOT_LINES
    monkeypatch.setattr(arrival, "SLOTS_PER_EVENT", 2)  # a "big" batch: several events
    load(store, "B1", [order("O1", "13800001111", APPLE), order("O2", "13800001111", RICE),
                       order("O3", "13900002222", APPLE, MILK, SHRIMP),
                       order("O4", "13700003333", MILK), order("O5", "13600004444", APPLE)])
    arrival.sign_off(store, "B1", "leader", [arrival.ArrivalIssue("O5", APPLE["sku"],
                                                                  APPLE["qty"])])
    with store.reader() as s:
        rows = s.execute(select(OutboxEvent.type, OutboxEvent.payload)
                         .order_by(OutboxEvent.seq)).all()
    types = [t for t, _p in rows]
    assert types[-3:] == ["slots_assigned", "slots_assigned", "arrival_checked"]
    sent = {}
    for t, payload in rows:
        if t == "slots_assigned":
            data = SlotsAssignedData.model_validate(json.loads(payload))
            sent.update((ln.order_id, ln.slot) for ln in data.lines)
    # every order with goods on the shelf, with the slot the counter shows (O5 got nothing)
    assert sent == {o: slot_of(store, o) for o in ("O1", "O2", "O3", "O4")}
    assert sent["O3"] == "A-1-02 / R-1-01 / Z-1-01"
