"""The verdict panel keeps its order cards and editors from one customer to the next: what the
host sees and what `choices()` gives must be exactly the new customer's, never the last one's."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from pickup_station.core.counter import LineChoice, OrderChoice
from pickup_station.core.scanning import ScanQuery
from pickup_station.core.verdicts import ItemView, OrderView, Verdict
from pickup_station.ui.views.verdict_panel import VerdictPanel


def order(oid: str, items: list[tuple[int, int, int, int]], batch_status="arrived") -> OrderView:
    """items: (item_id, qty, qty_short, qty_damaged)."""
    return OrderView(oid, "B1", batch_status, "王*", "138****0000", f"A-{oid}", "active", "open",
                     [ItemView(i, f"sku{i}", f"商品{i}", q, s, d, 100, "") for i, q, s, d in items],
                     expected_at="" if batch_status == "arrived" else "2026-12-02 08:00")


def ready(*orders: OrderView) -> Verdict:
    kind = "ready" if all(o.arrived for o in orders) else "partly_ready"
    return Verdict(kind, ScanQuery("code", "123456", "123456"), list(orders))


def visible_cards(panel: VerdictPanel) -> list[tuple[str, str]]:
    """(order id, items line) of each card the host sees, top to bottom."""
    return [(c.order.order_id, c.items.text()) for c in panel.cards.cards
            if not c.isHidden() and c.order is not None]


def editors(panel: VerdictPanel, oid: str) -> list[tuple[str, int, int, bool]]:
    card = panel.cards.card(oid)
    return [(r.name.text(), r.spin.value(), r.spin.maximum(), r.combo.isEnabled())
            for r in card._rows if not r.name.isHidden()]


@pytest.fixture
def panel(qtbot):
    p = VerdictPanel()
    qtbot.addWidget(p)
    p.resize(800, 600)
    p.show()
    return p


def test_cards_are_refilled_for_the_next_customer(panel):
    first = ready(order("O1", [(1, 3, 0, 0), (2, 2, 0, 0), (3, 1, 0, 0)]),
                  order("O2", [(4, 2, 0, 0)]))
    panel.show_verdict(first, "ok", "")
    assert visible_cards(panel) == [("O1", "商品1 ×3、商品2 ×2、商品3 ×1"), ("O2", "商品4 ×2")]
    panel.set_item_qty(2, 1, "damaged")
    panel.set_order_checked("O2", False)
    assert panel.choices() == [OrderChoice("O1", [LineChoice(1, 3, None),
                                                  LineChoice(2, 1, "damaged"),
                                                  LineChoice(3, 1, None)])]

    # the next customer: one order, two items, one of them found short at arrival
    second = ready(order("O9", [(7, 4, 1, 0), (8, 1, 0, 0)]))
    panel.show_verdict(second, "ok", "")
    assert visible_cards(panel) == [("O9", "商品7 ×4（缺 1）、商品8 ×1")]
    assert panel.choices() == [OrderChoice("O9", None)]  # as arrived; no editor made yet
    panel.cards.card("O9").adjust.setChecked(True)  # the host opens the quantities
    assert editors(panel, "O9") == [("商品7 ×4", 3, 4, True), ("商品8 ×1", 1, 1, False)]
    assert panel.choices() == [OrderChoice("O9", None)]  # still nothing changed
    row8 = panel.cards.card("O9").row_for(8)
    row8.spin.setValue(0)
    assert row8.combo.isEnabled()  # the editor's own signal still follows the new quantity

    # on the truck: greyed, unticked, with its time; more cards than ever before made on demand
    third = ready(order("O5", [(11, 1, 0, 0)], batch_status="expected"),
                  *[order(f"P{i}", [(20 + i, 1, 0, 0)]) for i in range(3)])
    panel.show_verdict(third, "ok", "")
    assert [oid for oid, _ in visible_cards(panel)] == ["P0", "P1", "P2", "O5"]  # arrived first
    waiting = panel.cards.card("O5")
    assert waiting.state == "waiting" and not waiting.check.isChecked()
    assert "2026-12-02 08:00" in waiting.note.text()
    assert [c.order_id for c in panel.choices()] == ["P0", "P1", "P2"]
    assert panel.chosen_waiting() == []
    waiting.check.setChecked(True)  # the host chooses to hand it over early
    assert panel.chosen_waiting() == ["O5"]
    assert not panel.cards.card("P0").editors.isVisible()  # a refilled card opens closed


def test_message_then_verdict_shows_cards_again(panel):
    panel.show_verdict(ready(order("O1", [(1, 2, 0, 0)])), "ok", "")
    panel.show_message("done", "", "ready", "done")
    assert panel.choices() == [] and panel.visible_text().count("\n") == 0  # band only
    assert panel.cards.covered()  # an empty area, not the last customer's cards
    panel.show_verdict(ready(order("O3", [(5, 1, 0, 1)])), "ok", "")
    assert visible_cards(panel) == [("O3", "商品5 ×1（缺 1）")]
    panel.cards.card("O3").adjust.setChecked(True)
    assert editors(panel, "O3") == [("商品5 ×1", 0, 1, True)]  # damaged at arrival
    assert panel.cards.card("O3").row_for(5).combo.currentIndex() == 1
    assert panel.choices() == [OrderChoice("O3", None)]


def test_detail_toggle_shows_ids_and_skus_only_when_asked(panel):
    panel.show_verdict(ready(order("O1", [(1, 2, 0, 0)]), order("O2", [(2, 1, 0, 0)])),
                       "ok", "")
    assert "订单 O1" not in panel.visible_text() and "sku1" not in panel.visible_text()
    panel.details_toggle.setChecked(True)
    assert "订单 O1" in panel.visible_text() and "sku1" in panel.visible_text()
    panel.show_verdict(ready(order("O7", [(9, 1, 0, 0)])), "ok", "")  # stays on for the next
    assert "订单 O7" in panel.visible_text() and "sku9" in panel.visible_text()
    panel.details_toggle.setChecked(False)
    assert "订单 O7" not in panel.visible_text()


def darkest(widget) -> int:
    """The lowest grey value painted in a widget (0 = black text somewhere)."""
    image = widget.grab().toImage()
    return min(QColor(image.pixel(x, y)).lightness()
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))


def test_cards_on_the_truck_or_refused_are_painted_grey(panel):
    panel.show_verdict(ready(order("O1", [(1, 1, 0, 0)]),
                             order("O2", [(2, 1, 0, 0)], batch_status="expected")), "ok", "")
    assert darkest(panel.cards.card("O1").slot) < 40  # black: fetch it
    assert darkest(panel.cards.card("O2").slot) > 70  # greyed: on the truck
    refused = Verdict.refusal(ScanQuery("code", "1", "1"), "already_picked_up",
                              orders=[order("O1", [(1, 1, 0, 0)])])
    panel.show_verdict(refused, "已提货", "")
    card = panel.cards.card("O1")  # the same card, restyled
    assert card.state == "refused" and card.slot.font().strikeOut()
    assert darkest(card.slot) > 70 and not card.check.isVisible()
