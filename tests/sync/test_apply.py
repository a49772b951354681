"""The fast page apply (`sync/apply.py`) leaves exactly what manifest.py's one-by-one apply does."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from pickup_station.core import manifest
from pickup_station.errors import ManifestError
from pickup_station.store.db import Store, get_meta
from pickup_station.store.models import AttentionItem, Batch, Order, OrderItem
from pickup_station.sync.apply import apply_changes, shelf_slot_for
from pickup_station.sync.protocol import Change


def order(oid, batch="B1", status="active", items=None, **extra):
    data = {"order_id": oid, "batch_id": batch, "customer_name": f"顾客{oid}",
            "phone_masked": "138****0000", "phone_last4": "0000", "customer_key": "k" + oid,
            "token_sha256": hashlib.sha256(oid.encode()).hexdigest(), "pickup_code": "123456",
            "status": status, "cancel_reason": None, "shelf_slot": None,
            "items": items or [{"sku": "A", "name": "苹果", "qty": 2, "unit_price_cents": 100,
                                "category": "fruit"}]}
    data.update(extra)
    return Change(0, "order", "upsert", data)


def batch(bid):
    return Change(0, "batch", "upsert", {"batch_id": bid, "station_id": "S1",
                                         "expected_at": "2026-01-01T00:00:00+00:00"})


def delete(oid, bid="B1"):
    return Change(0, "order", "delete", {"order_id": oid, "batch_id": bid})


def via_manifest(session, changes):
    for c in changes:
        if c.kind == "batch":
            manifest.apply_batch(session, c.data)
        elif c.op == "delete":
            manifest.remove_order(session, c.data)
        else:
            manifest.apply_order(session, c.data)


def snapshot(store: Store):
    with store.reader() as s:
        orders = [(o.order_id, o.batch_id, o.customer_name, o.customer_key, o.token_sha256,
                   o.status, o.cancel_reason, o.pickup_state, o.shelf_slot)
                  for o in s.scalars(select(Order).order_by(Order.order_id))]
        items = sorted((i.order_id, i.sku, i.name, i.qty, i.unit_price_cents, i.category)
                       for i in s.scalars(select(OrderItem)))
        batches = [(b.batch_id, b.station_id, b.expected_at)
                   for b in s.scalars(select(Batch).order_by(Batch.batch_id))]
        att = [(a.kind, a.order_id, a.reason) for a in s.scalars(select(AttentionItem)
                                                                .order_by(AttentionItem.id))]
        return orders, items, batches, att, get_meta(s, "shelf_slot_seq")


PAGES = [
    [batch("B1")] + [order(f"O{i}") for i in range(5)] + [order("O9", batch="B-NEW")],
    # HQ edits open orders, cancels one, drops one, repeats one in the same page
    [order("O0", items=[{"sku": "B", "name": "梨", "qty": 1}]), order("O1", status="cancelled",
                                                                      cancel_reason="退单"),
     delete("O2"), order("O3", customer_name="改名"), order("O3", customer_name="又改名"),
     order("O10", shelf_slot="Z-9-99")],
    # after O4 was handed over: HQ cancels it and removes it (attention, not overwritten)
    [order("O4", status="cancelled", cancel_reason="迟到的取消", items=[{"sku": "C", "name": "桃",
                                                                     "qty": 9}]),
     delete("O4"), order("O5")],
]


def test_fast_apply_matches_manifest(tmp_path):
    slow, fast = Store(tmp_path / "slow.db"), Store(tmp_path / "fast.db")
    for n, page in enumerate(PAGES):
        if n == 2:
            for st in (slow, fast):
                with st.session() as s:
                    s.get(Order, "O4").pickup_state = "picked_up"
        with slow.session() as s:
            via_manifest(s, page)
        with fast.session() as s:
            report = apply_changes(s, page)
        assert snapshot(fast) == snapshot(slow), f"page {n}"
    orders, items, _b, att, seq = snapshot(fast)
    assert [a[0] for a in att] == ["cancelled_after_pickup", "removed_after_pickup"]
    assert report.attention == ["O4", "O4"]
    # no shelf slot at download (issue 10: slots are given at sign-off, core/shelves.py),
    # not even one HQ sends: the station's shelves are the station's
    assert [o[8] for o in orders] == [None] * len(orders) and seq is None
    assert ("O4", "A", "苹果", 2, 100, "fruit") in items  # what was handed is history


def test_bad_order_raises_and_slot_numbers(store):
    for bad in ([{"sku": "A", "name": "a", "qty": 0}], [{"sku": "", "name": "a", "qty": 1}],
                [{"sku": "A", "name": "a", "qty": "lots"}], ["not an item"]):
        with pytest.raises(ManifestError), store.session() as s:
            apply_changes(s, [batch("B1"), order("X", items=bad)])
    with pytest.raises(ManifestError), store.session() as s:
        apply_changes(s, [order("Y", status="lost")])
    assert snapshot(store)[0] == []
    assert [shelf_slot_for(n) for n in (0, 29, 30, 299, 300)] == [
        "A-1-01", "A-1-30", "A-2-01", "A-10-30", "B-1-01"]
