"""Receiving by product (到货签收): pick list, shortfall assigned to orders by a rule the leader
can change, sign-off with the edited preview, a correction after sign-off, the packing list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from pickup_station.core import receiving
from pickup_station.core.papers.layout import Text, display_width, layout, paper_size
from pickup_station.core.papers.packing import packing_list_from_store
from pickup_station.hardware import escpos_cn
from pickup_station.store.models import BatchReceipt, Order, OrderItem, OutboxEvent
from tests.unit.leader_seed import APPLE, MILK, RICE, load, order

GOLDEN = Path(__file__).parent / "papers"


@pytest.fixture
def batch(store):
    load(store, "B1", [order("O1", "13800001111", APPLE, RICE),
                       order("O2", "13900002222", APPLE),
                       order("O3", "13700003333", {**APPLE, "qty": 3}, MILK),
                       order("O4", "13600004444", MILK, name="欧阳娜娜")])
    return store


def shorts(store):
    with store.reader() as s:
        return {(i.order_id, i.sku): i.qty_short for i in s.scalars(select(OrderItem))
                if i.qty_short}


def events(store, type_):
    with store.reader() as s:
        return [json.loads(e.payload) | {"_order": e.order_id} for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.seq))]


def test_pick_list_is_by_product_with_expected_quantities_and_perishables(batch):
    lines = receiving.pick_list(batch, "B1")
    assert [(p.sku, p.expected, p.orders, p.storage, p.perishable) for p in lines] == [
        ("GRN-1", 1, 1, "dry", False), ("FRU-1", 7, 3, "fresh", True),
        ("MLK-1", 2, 2, "chilled", True)]


def test_shortfall_goes_to_the_latest_orders_first_and_the_rule_can_change(batch):
    plan = receiving.preview(batch, "B1", {"FRU-1": 3, "MLK-1": 2})
    assert plan.rule == "latest_first"
    assert [(s.order_id, s.qty_short, s.perishable) for s in plan.shorts] == [
        ("O3", 3, True), ("O2", 1, True)]
    assert plan.shorts[0].customer == "张*丰"
    early = receiving.preview(batch, "B1", {"FRU-1": 3}, rule="earliest_first")
    assert [(s.order_id, s.qty_short) for s in early.shorts] == [("O1", 2), ("O2", 2)]
    big = receiving.preview(batch, "B1", {"FRU-1": 6}, rule="largest_first")
    assert [(s.order_id, s.qty_short) for s in big.shorts] == [("O3", 1)]
    with pytest.raises(receiving.Refused) as err:
        receiving.preview(batch, "B1", {"NOPE": 1})
    assert err.value.code == "unknown_item"
    assert set(receiving.RULES) == {"latest_first", "earliest_first", "largest_first"}


def test_sign_off_with_an_edited_preview_records_each_line_and_the_counts(batch):
    plan = receiving.preview(batch, "B1", {"FRU-1": 3})
    plan.shorts[0].qty_short = 2  # the leader moves one short apple from O3 to O1
    with pytest.raises(receiving.ShortfallMismatch) as err:
        receiving.sign_off_received(batch, "B1", "leader", plan)
    assert err.value.code == "shortfall_mismatch" and "应为 4 件" in err.value.message()
    plan.shorts.append(receiving.ShortLine("O1", 0, "FRU-1", "苹果 1kg", "", 2, 1, True))
    result = receiving.sign_off_received(batch, "B1", "leader", plan)
    assert (result.lines_short, result.slots_assigned) == (3, 5)
    assert shorts(batch) == {("O3", "FRU-1"): 2, ("O2", "FRU-1"): 1, ("O1", "FRU-1"): 1}
    checked = events(batch, "arrival_checked")[0]
    assert checked["by_product"] is True and checked["rule"] == "latest_first"
    assert {r["sku"]: (r["expected"], r["received"]) for r in checked["received"]} == {
        "GRN-1": (1, 1), "FRU-1": (7, 3), "MLK-1": (2, 2)}
    assert sorted((e["_order"], e["qty"], e["stage"]) for e in events(batch, "item_short")) == [
        ("O1", 1, "arrival"), ("O2", 1, "arrival"), ("O3", 2, "arrival")]
    with batch.reader() as s:
        assert s.get(BatchReceipt, ("B1", "FRU-1")).received == 3


def test_a_box_found_later_and_a_miscount_are_corrections_of_their_own(batch):
    receiving.sign_off_received(batch, "B1", "leader",
                                receiving.preview(batch, "B1", {"FRU-1": 3}))
    assert shorts(batch) == {("O3", "FRU-1"): 3, ("O2", "FRU-1"): 1}
    found = receiving.correct_received(batch, "B1", "leader", "FRU-1", 5, note="后来找到一箱")
    assert found.received_before == 3 and found.surplus == 0
    # the goods go back to the orders that went short last by the rule (earliest first here)
    assert shorts(batch) == {("O3", "FRU-1"): 2}
    fewer = receiving.correct_received(batch, "B1", "leader", "MLK-1", 1)
    assert [(ln["order_id"], ln["qty_short_after"]) for ln in fewer.lines] == [("O4", 1)]
    ev = events(batch, "arrival_corrected")
    assert [(e["sku"], e["received_before"], e["received_after"]) for e in ev] == [
        ("FRU-1", 3, 5), ("MLK-1", 2, 1)]
    assert ev[0]["lines"] == [{"order_id": "O2", "sku": "FRU-1", "qty_short_before": 1,
                               "qty_short_after": 0},
                              {"order_id": "O3", "sku": "FRU-1", "qty_short_before": 3,
                               "qty_short_after": 2}]
    with batch.reader() as s:  # O4 has nothing left: its slot stays until it is returned
        assert s.get(Order, "O4").shelf_slot


def test_packing_list_by_product_and_by_order_with_slots(batch):
    receiving.sign_off_received(batch, "B1", "leader",
                                receiving.preview(batch, "B1", {"FRU-1": 6}))
    with batch.reader() as s:
        paper = packing_list_from_store(s, "B1", tz=UTC,
                                        now=datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    assert [(p.sku, p.qty, p.orders) for p in paper.products] == [
        ("FRU-1", 6, 3), ("GRN-1", 1, 1), ("MLK-1", 2, 2)]
    assert [(o.order_id, o.shelf_slot) for o in paper.orders] == [
        ("O1", "A-1-01"), ("O2", "A-1-02"), ("O3", "A-1-03 / R-1-01"), ("O4", "R-1-02")]
    assert paper.orders[2].items[0].short == 1 and paper.orders[3].customer_name == "欧**娜"
    for mm in (58, 80):
        lines = layout(paper, mm)
        cols = paper_size(mm).columns
        body = [ln.text for ln in lines if isinstance(ln, Text)]
        assert all(display_width(ln.text) <= (cols // 2 if ln.large else cols)
                   for ln in lines if isinstance(ln, Text))
        assert "打包单" in body and any(t.startswith("货架 A-1-03 / R-1-01") for t in body)
        assert any("苹果 1kg（缺1）" in t and t.endswith("x2") for t in body)
        # exact bytes through the printer's text path (golden file, GB18030, ESC/POS)
        data = escpos_cn.encode(lines, paper_size(mm), "text", None)
        golden = GOLDEN / f"packing_{mm}.bin"
        assert data == golden.read_bytes(), f"{golden} differs"
        assert "货架 A-1-01".encode("gb18030") in data
