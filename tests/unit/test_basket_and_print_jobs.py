"""A delegate's basket (four customers, one refusal, one transaction, one combined slip) and
failed prints kept in the store across a restart."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pickup_station.core import arrival, print_jobs
from pickup_station.core.basket import Basket
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.papers import pickup_receipt_from_store
from pickup_station.core.papers.combined import combined_slip_from_store
from pickup_station.core.papers.layout import Text, display_width, layout, paper_size
from pickup_station.errors import Refused, UserFacingError
from pickup_station.store.db import Store
from pickup_station.store.models import Order, Pickup
from tests.unit.leader_seed import APPLE, MILK, RICE, load, order

ORDERS = [order("O1", "13800001111", APPLE), order("O2", "13900002222", RICE, MILK),
          order("O3", "13700003333", RICE), order("O4", "13600004444", MILK),
          order("O5", "13500005555", APPLE)]
CODE = {o["order_id"]: o["pickup_code"] for o in ORDERS}


def test_four_customers_in_a_basket_one_refused_handed_over_together(store):
    load(store, "B1", ORDERS)
    arrival.sign_off(store, "B1", "leader")
    with store.session() as s:
        s.get(Order, "O3").status = "cancelled"
    basket = Basket(Counter(store))
    for oid in ("O1", "O2", "O3", "O4"):
        basket.add(CODE[oid])
    again = basket.add(CODE["O1"])
    assert [e.accepted for e in basket.entries] == [True, True, False, True, False]
    assert basket.refusals[0].reason == "cancelled" and again.reason == "in_basket"
    assert again.message() == "已在代取篮中"
    with pytest.raises(Refused) as err:
        basket.hand_over("a1", " ")
    assert err.value.code == "delegate_required"
    result = basket.hand_over("a1", "3号楼王阿姨")
    assert sorted(p.order_id for p in result.pickups) == ["O1", "O2", "O4"]
    assert basket.entries == []
    with store.reader() as s:
        assert {p.proxy_name for p in s.scalars(select(Pickup))} == {"3号楼王阿姨"}
        picked = {p.picked_at for p in s.scalars(select(Pickup))}
        assert len(picked) == 1  # one transaction, one time
        per_customer = [pickup_receipt_from_store(s, p.pickup_id) for p in result.pickups]
        slip = combined_slip_from_store(s, [p.pickup_id for p in result.pickups])
    assert [r.proxy_name for r in per_customer] == ["3号楼王阿姨"] * 3
    assert slip.customers == 3 and slip.delegate == "3号楼王阿姨"
    for mm in (58, 80):
        lines = layout(slip, mm)
        cols = paper_size(mm).columns
        body = [ln.text for ln in lines if isinstance(ln, Text)]
        assert all(display_width(ln.text) <= (cols // 2 if ln.large else cols)
                   for ln in lines if isinstance(ln, Text))
        assert "代取人：3号楼王阿姨" in body and "共 3 位顾客，3 单，已提 5 件" in body
        assert sum(t.startswith("小票号：") for t in body) == 3


def test_a_basket_whose_order_changed_since_the_scan_hands_nothing(store):
    load(store, "B1", ORDERS)
    arrival.sign_off(store, "B1", "leader")
    counter = Counter(store)
    basket = Basket(counter)
    basket.add(CODE["O1"])
    basket.add(CODE["O5"])
    counter.hand_over([OrderChoice("O5")], "leader")
    with pytest.raises(Refused) as err:
        basket.hand_over("a1", "邻居")
    assert err.value.code == "already_picked_up"
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pickup)) == 1


def test_failed_prints_survive_a_restart_and_are_retried(data_dir):
    store = Store.in_dir(data_dir)
    job = print_jobs.record_failure(store, "receipt", ["P-1"], "Printer cover open")
    print_jobs.record_failure(store, "label", ["O1"], "Printer paper out")
    store.close()
    store = Store.in_dir(data_dir)
    failed = print_jobs.list_failed(store)
    assert [(j.kind, j.ref_ids, j.error) for j in failed] == [
        ("receipt", ["P-1"], "Printer cover open"), ("label", ["O1"], "Printer paper out")]
    printed = []

    def still_broken(kind, ids):
        raise UserFacingError("printer.status.paper_out")

    def works(kind, ids):
        printed.append((kind, ids))

    after = print_jobs.retry_all(store, still_broken)
    assert [(j.state, j.attempts, j.error) for j in after] == [("failed", 2, "out of paper")]
    after = print_jobs.retry_all(store, works)
    assert [j.state for j in after] == ["printed", "printed"]
    assert printed == [("receipt", ["P-1"]), ("label", ["O1"])]
    assert print_jobs.list_failed(store) == []
    assert print_jobs.retry(store, job.id, still_broken).state == "printed"  # nothing re-done
    with pytest.raises(ValueError):
        print_jobs.record_failure(store, "poster", [], "x")
    store.close()
