"""Receiving by product through the window: the shortfall assigned to orders by the rule
shown, one line edited, sign-off giving slots; a correction after sign-off; full shelves
refused with an overflow area added in one click; the packing list on a file printer."""

from __future__ import annotations

from sqlalchemy import select

from pickup_station.core import shelves
from pickup_station.core.shelves import ShelfSpec
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.store.models import Order, OrderItem
from pickup_station.ui.widgets.leader_common import plain
from tests.ui import leader_fixtures
from tests.ui.leader_fixtures import open_screen

WAIT = 5000
leader_window = leader_fixtures.leader_window  # the fixture, used by name


def shorts(store) -> dict:
    with store.reader() as s:
        return {(i.order_id, i.sku): i.qty_short for i in s.scalars(select(OrderItem))
                if i.qty_short}


def slots(store) -> dict:
    with store.reader() as s:
        return dict(s.execute(select(Order.order_id, Order.shelf_slot)).all())


def preview(qtbot, view, fn):
    with qtbot.waitSignal(view.previewShown, timeout=WAIT):
        fn()


def test_a_batch_received_by_product_with_a_shortfall_and_a_correction(qtbot, leader_window,
                                                                       store, tmp_path):
    paper = tmp_path / "paper.bin"
    w = leader_window(paper=paper)
    view = open_screen(qtbot, w, "receiving")
    assert view.current_batch() == "B1"
    assert [view.products.item(r, 0).text() for r in range(view.products.rowCount())] == [
        "GRN-1", "FRU-1", "MLK-1", "SEA-1"]
    assert view.products.item(1, 5).text() == "7"  # apples expected
    qtbot.waitUntil(lambda: view._plan is not None, timeout=WAIT)
    preview(qtbot, view, lambda: view.set_received("FRU-1", 3))  # 4 apples short
    assert "latest" in view.rule.currentText()
    got = [(view.shorts.item(r, 0).text(), view.shorts.cellWidget(r, 4).value())
           for r in range(view.shorts.rowCount())]
    assert got == [("O3", 3), ("O2", 1)]
    assert view.shorts.item(0, 5).text() == "yes"  # apples are perishable
    preview(qtbot, view, lambda: view.set_rule("earliest_first"))
    assert [view.shorts.item(r, 0).text() for r in range(view.shorts.rowCount())] == [
        "O1", "O2"]
    preview(qtbot, view, lambda: view.set_rule("latest_first"))
    view.set_line_short(0, 2)  # the leader moves one short apple from O3 to O2
    view.set_line_short(1, 2)
    with qtbot.waitSignal(view.signedOff, timeout=WAIT):
        view.sign_button.click()
    assert shorts(store) == {("O3", "FRU-1"): 2, ("O2", "FRU-1"): 2}
    given = slots(store)
    assert all(given[o] for o in ("O1", "O3", "O4")), given
    assert given["O2"] is None  # both its apples short: nothing to put on a shelf
    assert "/" in given["O4"]  # milk (chilled) and shrimp (frozen): one slot per area
    assert len({given[o] for o in ("O1", "O3", "O4")}) == 3
    # a box of 2 apples found later: the two latest short orders get theirs back
    qtbot.waitUntil(lambda: view.correct_button.isEnabled(), timeout=WAIT)
    row = next(r for r in range(view.products.rowCount())
               if view.products.item(r, 0).text() == "FRU-1")
    view.products.selectRow(row)
    view._spins["FRU-1"].setValue(5)
    with qtbot.waitSignal(view.corrected, timeout=WAIT) as got:
        view.correct_button.click()
    assert got.args[0].received_before == 3 and got.args[0].received_after == 5
    assert sum(shorts(store).values()) == 2
    given = slots(store)
    assert given["O2"] and given["O2"] not in (given["O1"], given["O3"], given["O4"])
    assert "3 → 5" in plain(view.info)
    done = []
    w.sv.printer.jobFinished.connect(lambda _j, ok, _m: done.append(ok))
    view.packing_button.click()
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert done == [True]
    text = decode_text(paper.read_bytes())
    assert "打包单" in text and given["O1"] in text and "13800001111" not in text


def test_full_shelves_are_refused_and_an_overflow_area_fixes_it(qtbot, leader_window, store):
    w = leader_window()
    with store.session() as s:  # one normal slot, room for the cold goods
        shelves.set_layout(s, [ShelfSpec("A", "normal", 1, 1), ShelfSpec("R", "chilled", 1, 5),
                               ShelfSpec("F", "frozen", 1, 5)])
    view = open_screen(qtbot, w, "receiving")
    qtbot.waitUntil(lambda: view._plan is not None, timeout=WAIT)
    view.sign_button.click()
    qtbot.waitUntil(lambda: view.overflow_button.isVisible(), timeout=WAIT)
    assert view.info.property("isError")
    assert "shelves are full" in plain(view.info) and "overflow" in plain(view.info)
    assert not any(slots(store).values())  # nothing half-assigned
    view.overflow_button.click()
    qtbot.waitUntil(lambda: not view.overflow_button.isVisible(), timeout=WAIT)
    assert "X1" in plain(view.info)
    with qtbot.waitSignal(view.signedOff, timeout=WAIT):
        view.sign_button.click()
    parts = [p.split("-")[0] for v in slots(store).values() for p in (v or "").split(" / ") if p]
    assert sorted(p for p in parts if p in ("A", "X1")) == ["A", "X1", "X1"]  # normal goods
    assert sorted(p for p in parts if p not in ("A", "X1")) == ["F", "R", "R"]  # cold ones
    shelves_view = open_screen(qtbot, w, "shelves")
    assert shelves_view.info.property("isError")  # the one normal shelf is full
    assert "Nearly full" in plain(shelves_view.info) and "Normal" in plain(shelves_view.info)
    areas = {shelves_view.areas.item(r, 0).text(): (shelves_view.areas.item(r, 2).text(),
                                                     shelves_view.areas.item(r, 3).text())
             for r in range(shelves_view.areas.rowCount())}
    assert areas["Normal"] == ("1", "0") and areas["Overflow"] == ("2", "148")
