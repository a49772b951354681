"""The verdict panel keeps its item rows and editors from one customer to the next: what the
host sees and what `choices()` gives must be exactly the new customer's, never the last one's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pickup_station.core.counter import LineChoice, OrderChoice
from pickup_station.core.scanning import ScanQuery
from pickup_station.core.verdicts import ItemView, OrderView, Verdict
from pickup_station.ui.views.verdict_panel import VerdictPanel


def order(oid: str, items: list[tuple[int, int, int, int]], batch_status="arrived") -> OrderView:
    """items: (item_id, qty, qty_short, qty_damaged)."""
    return OrderView(oid, "B1", batch_status, "王*", "138****0000", f"A-{oid}", "active", "open",
                     [ItemView(i, f"sku{i}", f"商品{i}", q, s, d, 100, "") for i, q, s, d in items])


def ready(*orders: OrderView) -> Verdict:
    return Verdict("ready", ScanQuery("code", "123456", "123456"), list(orders))


def visible_rows(panel: VerdictPanel) -> list[tuple[str, list[str]]]:
    out = []
    for n in range(panel.items.topLevelItemCount()):
        top = panel.items.topLevelItem(n)
        if top.isHidden():
            continue
        out.append((top.data(0, Qt.UserRole),
                    [top.child(k).text(0) for k in range(top.childCount())
                     if not top.child(k).isHidden()]))
    return out


@pytest.fixture
def panel(qtbot):
    p = VerdictPanel()
    qtbot.addWidget(p)
    p.show()
    return p


def test_rows_are_refilled_for_the_next_customer(panel):
    first = ready(order("O1", [(1, 3, 0, 0), (2, 2, 0, 0), (3, 1, 0, 0)]),
                  order("O2", [(4, 2, 0, 0)]))
    panel.show_verdict(first, "ok", "")
    assert visible_rows(panel) == [("O1", ["商品1  (sku1)", "商品2  (sku2)", "商品3  (sku3)"]),
                                   ("O2", ["商品4  (sku4)"])]
    panel.set_item_qty(2, 1, "damaged")
    panel.set_order_checked("O2", False)
    assert panel.choices() == [OrderChoice("O1", [LineChoice(1, 3, None),
                                                  LineChoice(2, 1, "damaged"),
                                                  LineChoice(3, 1, None)])]

    # the next customer: one order, two items, one of them found short at arrival
    second = ready(order("O9", [(7, 4, 1, 0), (8, 1, 0, 0)]))
    panel.show_verdict(second, "ok", "")
    assert visible_rows(panel) == [("O9", ["商品7  (sku7)", "商品8  (sku8)"])]
    spin, combo = panel._spin[7]
    assert (spin.value(), spin.maximum(), spin.suffix()) == (3, 4, " / 4")
    assert combo.isEnabled() and combo.currentIndex() == 0
    spin8, combo8 = panel._spin[8]
    assert spin8.value() == 1 and not combo8.isEnabled()  # the reused 'damaged' row is reset
    assert panel.choices() == [OrderChoice("O9", None)]  # as arrived: nothing changed
    spin8.setValue(0)
    assert combo8.isEnabled()  # the editor's own signal still follows the new quantity

    # a not-arrived order is shown unticked; more rows than ever before are made on demand
    third = ready(order("O5", [(11, 1, 0, 0)], batch_status="expected"),
                  *[order(f"P{i}", [(20 + i, 1, 0, 0)]) for i in range(3)])
    panel.show_verdict(third, "ok", "")
    assert [oid for oid, _ in visible_rows(panel)] == ["O5", "P0", "P1", "P2"]
    assert panel._orders["O5"].checkState(0) == Qt.Unchecked
    assert [c.order_id for c in panel.choices()] == ["P0", "P1", "P2"]


def test_message_then_verdict_shows_items_again(panel):
    panel.show_verdict(ready(order("O1", [(1, 2, 0, 0)])), "ok", "")
    panel.show_message("done", "", "ready")
    assert visible_rows(panel) == [] and panel.choices() == []
    assert panel.items.isHeaderHidden()  # an empty box, not the last customer's rows
    panel.show_verdict(ready(order("O3", [(5, 1, 0, 1)])), "ok", "")
    assert not panel.items.isHidden()
    assert visible_rows(panel) == [("O3", ["商品5  (sku5)"])]
    assert panel._spin[5][0].value() == 0 and panel._spin[5][1].currentIndex() == 1
