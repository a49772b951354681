"""Property: over random sequences of arrivals, pickups, undos and returns, no two groups
(customer + batch) ever hold one slot, every order on the shelf holds a slot in each area it
needs, and what the slots hold equals arrived − handed − returned, product by product."""

from __future__ import annotations

import tempfile
from collections import Counter as Tally
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pickup_station.core import arrival, day_close, returns, shelves
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.shelves import ShelfSpec
from pickup_station.store.db import Store
from pickup_station.store.models import Order, OrderItem, OrderSlot, Pickup, SlotAssignment
from tests.unit.leader_seed import APPLE, MILK, RICE, SHRIMP, load, order

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004"]
ITEMS = [APPLE, RICE, MILK, SHRIMP]

step = st.one_of(
    st.tuples(st.just("arrive"),
              st.lists(st.tuples(st.integers(0, 3), st.sets(st.integers(0, 3), min_size=1)),
                       min_size=1, max_size=4)),
    st.tuples(st.just("pickup"), st.integers(0, 50)),
    st.tuples(st.just("undo"), st.integers(0, 50)),
    st.tuples(st.just("return"), st.integers(0, 50)),
)


def check(store: Store) -> None:
    with store.reader() as s:
        known = shelves.category_storage(s)
        held = s.execute(
            select(SlotAssignment.slot, SlotAssignment.area, Order.order_id, Order.batch_id,
                   Order.customer_key)
            .join(OrderSlot, OrderSlot.assignment_id == SlotAssignment.id)
            .join(Order, Order.order_id == OrderSlot.order_id)
            .where(SlotAssignment.freed_at.is_(None), OrderSlot.released_at.is_(None))).all()
        groups: dict[str, set] = {}
        areas_held: dict[str, set] = {}
        for slot, area, oid, batch_id, key in held:
            groups.setdefault(slot, set()).add((batch_id, key))
            areas_held.setdefault(oid, set()).add(shelves._home(area))
        assert all(len(g) == 1 for g in groups.values()), groups  # one group per slot
        on_shelf = Tally()
        rows = s.execute(select(Order.order_id, Order.pickup_state, Order.batch_id,
                                OrderItem.sku, OrderItem.category, OrderItem.qty)
                         .join(OrderItem, OrderItem.order_id == Order.order_id)).all()
        needs: dict[str, set] = {}
        for oid, state, batch_id, sku, category, qty in rows:
            batch = s.get(Order, oid).batch.status
            if state == "open" and batch != "expected":
                needs.setdefault(oid, set()).add(
                    shelves.AREA_OF_STORAGE[shelves.storage_for(category, known)])
            if oid in areas_held:
                on_shelf[sku] += qty
        for oid, areas in needs.items():
            assert areas_held.get(oid) == areas, (oid, areas, areas_held.get(oid))
        assert set(areas_held) <= set(needs)  # nothing handed or returned still holds a slot
    ledger = {x.sku: x.expected for x in day_close.expected_stock(store) if x.expected}
    assert ledger == {k: v for k, v in on_shelf.items() if v}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=18))
def test_slots_are_never_shared_and_the_shelf_matches_the_books(steps):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.sqlite3")
        with store.session() as s:
            shelves.set_layout(s, [ShelfSpec("A", "normal", 2, 20), ShelfSpec("R", "chilled", 1, 40),
                                   ShelfSpec("Z", "frozen", 1, 40)])
        counter = Counter(store)
        batches = 0
        try:
            for kind, arg in steps:
                if kind == "arrive":
                    batches += 1
                    orders = [order(f"B{batches}-O{i}", PHONES[who],
                                    *[ITEMS[k] for k in sorted(items)])
                              for i, (who, items) in enumerate(arg)]
                    load(store, f"B{batches}", orders, operators=batches == 1)
                    arrival.sign_off(store, f"B{batches}", "leader")
                elif batches:
                    with store.reader() as s:
                        open_ids = sorted(s.scalars(select(Order.order_id).where(
                            Order.pickup_state == "open")))
                        live = sorted(s.scalars(select(Pickup.pickup_id)
                                                .where(Pickup.undone_at.is_(None))))
                    if kind == "pickup" and open_ids:
                        counter.hand_over([OrderChoice(open_ids[arg % len(open_ids)])], "a1")
                    elif kind == "return" and open_ids:
                        returns.return_orders(store, [open_ids[arg % len(open_ids)]], "leader",
                                              "超时未取")
                    elif kind == "undo" and live:
                        counter.undo(live[arg % len(live)], "a1", "拿错了")
                check(store)
        finally:
            store.close()
