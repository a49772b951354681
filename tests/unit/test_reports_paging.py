"""The uncollected list as a page (SQLite sorts and limits) and its total by count, and the
waiting figures by SQL aggregates: the same answers as the whole list, on tests/reports_seed.py."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pickup_station.core.reports import day_figures, uncollected, uncollected_total
from pickup_station.store.models import Batch, Order, OrderItem
from tests.reports_seed import seed

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.fixture
def seeded(store):
    seed(store)
    # a batch that arrived at the same instant as B1, its time written with +08:00: its orders
    # sort among B1's by shelf slot, and a slot-less order sorts first ("" before any slot)
    with store.session() as s:
        s.add(Batch(batch_id="B4", status="arrived", arrived_at="2026-11-18T10:00:00+08:00"))
        s.flush()
        for oid, slot in (("X1", "A-1-01"), ("X2", None), ("X3", "Z-9-99")):
            s.add(Order(order_id=oid, batch_id="B4", customer_name="王小明", phone_masked="",
                        phone_last4="0000", shelf_slot=slot))
            s.flush()
            s.add(OrderItem(order_id=oid, sku="s", name="苹果", qty=2, unit_price_cents=100))
    return store


def test_page_is_the_head_of_the_whole_list_and_total_counts_all(seeded):
    with seeded.reader() as s:
        for all_waiting in (False, True):
            whole = uncollected(s, NOW, 3, all_waiting=all_waiting, tz=SH)
            assert uncollected_total(s, NOW, 3, all_waiting=all_waiting) == len(whole)
            for n in range(len(whole) + 2):
                assert uncollected(s, NOW, 3, all_waiting=all_waiting, tz=SH, limit=n) == \
                    whole[:n]
        every = uncollected(s, NOW, 3, all_waiting=True, tz=SH)
    assert [r.order_id for r in every] == ["X2", "X1", "O2", "O10", "X3", "O6", "O8"]
    assert [r.overdue for r in every] == [True] * 5 + [False] * 2
    x2 = every[0]
    assert (x2.shelf_slot, x2.items, x2.item_count, x2.value_cents) == ("", "苹果×2", 2, 200)


def test_waiting_figures_count_by_batch(seeded):
    with seeded.reader() as s:
        fig = day_figures(s, NOW.astimezone(SH).date(), SH, uncollected_after_days=3, now=NOW)
    assert (fig.waiting, fig.uncollected) == (7, 5)
    by_batch = {b.batch_id: b for b in fig.batches}
    assert (by_batch["B4"].orders, by_batch["B4"].remaining, by_batch["B4"].uncollected) == \
        (3, 3, 3)
    assert (by_batch["B1"].orders, by_batch["B1"].picked_up, by_batch["B1"].uncollected) == \
        (4, 2, 2)
