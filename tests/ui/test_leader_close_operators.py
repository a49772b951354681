"""Closing a day with a discrepancy (the closing slip's bytes on a file printer, a reprint, the
export); operators: the forced PIN change at first start, a disabled operator, the lockout."""

from __future__ import annotations

import csv
import json
from datetime import date

from sqlalchemy import select

from pickup_station.core import operators as ops
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.store.models import Operator, OutboxEvent
from pickup_station.ui.widgets.leader_common import plain
from tests.ui import leader_fixtures
from tests.ui.conftest import Driver
from tests.ui.leader_fixtures import code, open_screen

WAIT = 5000
leader_window = leader_fixtures.leader_window  # the fixture, used by name


def test_a_day_closed_with_a_discrepancy_on_the_printed_slip(qtbot, leader_window, store,
                                                             tmp_path):
    paper = tmp_path / "paper.bin"
    w = leader_window(paper=paper)
    receiving = open_screen(qtbot, w, "receiving")
    qtbot.waitUntil(lambda: receiving._plan is not None, timeout=WAIT)
    with qtbot.waitSignal(receiving.signedOff, timeout=WAIT):
        receiving.sign_button.click()
    w.tabs.setCurrentWidget(w.counter_view)
    host = Driver(qtbot, w)
    host.scan(code("O1"))
    host.confirm_with_enter()  # 2 apples and the rice leave the shelf
    printed = []
    w.sv.printer.jobFinished.connect(lambda _j, ok, _m: printed.append(ok))
    qtbot.waitUntil(lambda: len(printed) == 1, timeout=20_000)  # O1's receipt
    view = open_screen(qtbot, w, "day_close")
    figures = {view.figures.item(r, 0).text(): view.figures.item(r, 1).text()
               for r in range(view.figures.rowCount())}
    assert figures["王芳"] == "1"  # one pickup by the leader
    expected = {view.stock.item(r, 0).text(): int(view.stock.item(r, 5).text())
                for r in range(view.stock.rowCount())}
    assert expected == {"FRU-1": 5, "GRN-1": 0, "MLK-1": 2, "SEA-1": 1}  # rice all gone
    view.fill_expected()
    view.set_count("FRU-1", 4)  # one apple missing
    assert view.stock.item(0, 7).text() == "-1"
    with qtbot.waitSignal(view.closed, timeout=WAIT) as got:
        view.close_button.click()
    closing = got.args[0]
    assert [(d.sku, d.expected, d.counted) for d in closing.discrepancies] == [("FRU-1", 5, 4)]
    qtbot.waitUntil(lambda: len(printed) == 2, timeout=20_000)
    assert printed == [True, True]
    slip = decode_text(paper.read_bytes())
    assert "苹果 1kg" in slip and "应5 实4 差-1" in slip
    with store.reader() as s:
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "day_closed")).one()
    body = json.loads(ev.payload)
    assert body["operator_id"] == "leader"
    assert body["discrepancies"] == [{"sku": "FRU-1", "expected": 5, "counted": 4,
                                      "difference": -1}]
    # closed once; reprinted and exported afterwards
    qtbot.waitUntil(lambda: not view.close_button.isEnabled()
                    and view.closed_days.count() == 1, timeout=WAIT)
    assert "closed at" in plain(view.info)
    size = paper.stat().st_size
    view.reprint_button.click()
    qtbot.waitUntil(lambda: len(printed) == 3, timeout=20_000)
    assert "补打" in decode_text(paper.read_bytes()[size:])
    out = tmp_path / "closing.csv"
    view.export(date.today(), out)
    qtbot.waitUntil(lambda: out.exists() and "Exported" in plain(view.info), timeout=WAIT)
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert ["FRU-1", "苹果 1kg", "7", "2", "0", "5", "4", "-1"] in rows


def test_the_default_pin_must_be_changed_before_anything_else(qtbot, leader_window, store):
    with store.session() as s:
        ops.ensure_default_operators(s)  # a new station: leader with PIN 1234
    w = leader_window(operators=False)
    qtbot.waitUntil(lambda: getattr(w, "pin_dialog", None) is not None
                    and w.pin_dialog.isVisible(), timeout=WAIT)
    dlg = w.pin_dialog
    assert dlg.isModal()
    dlg.reject()  # Escape does not get rid of it
    assert dlg.isVisible() and "needed" in plain(dlg.info)
    dlg.new_pin.setText("2580")
    dlg.again.setText("2581")
    dlg.submit()
    assert "differ" in plain(dlg.info)
    dlg.again.setText("2580")
    with qtbot.waitSignal(dlg.changed, timeout=WAIT):
        dlg.submit()
    assert not dlg.isVisible()
    with store.reader() as s:
        assert not ops.pin_change_required(s)
    assert ops.authenticate(store, "leader", "2580").is_leader
    assert "2580" not in w.statusBar().currentMessage()


def test_a_disabled_operator_and_the_lockout(qtbot, leader_window, store):
    w = leader_window()
    view = open_screen(qtbot, w, "operators")
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert names == ["王芳", "小李"]
    assert all(view.table.item(r, 3).text() == "••••" for r in range(2))  # never a PIN
    view.add("小张", "3690")
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=WAIT)
    view.set_active("a1", False)
    qtbot.waitUntil(lambda: any(view.table.item(r, 2).text() == "disabled"
                                for r in range(view.table.rowCount())), timeout=WAIT)
    with store.reader() as s:
        assert not s.get(Operator, "a1").active
    shown = []
    w.sv.tasks.errors.shown.connect(shown.append)
    w.sign_in("a1", "5678")
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert "No such operator" in shown[-1] and w.operator.operator_id == "leader"
    # five wrong PINs lock the new assistant for a minute, said with the seconds left
    new_id = next(r.operator_id for r in view.rows if r.name == "小张")
    for _ in range(5):
        w.sign_in(new_id, "0000")
    qtbot.waitUntil(lambda: len(shown) == 6, timeout=WAIT)
    assert shown[1:5] == ["Wrong PIN"] * 4
    assert "try again in 60 s" in shown[5]
    w.sign_in(new_id, "3690")  # even the right PIN waits
    qtbot.waitUntil(lambda: len(shown) == 7, timeout=WAIT)
    assert "try again in" in shown[6] and "3690" not in shown[6]
    view.refresh()
    qtbot.waitUntil(lambda: any("locked" in view.table.item(r, 2).text()
                                for r in range(view.table.rowCount())), timeout=WAIT)
    view.reset_pin(new_id, "4826")  # the leader lifts the lock with a new PIN
    qtbot.waitUntil(lambda: "PIN reset" in plain(view.info), timeout=WAIT)
    w.sign_in(new_id, "4826")
    qtbot.waitUntil(lambda: w.operator.operator_id == new_id, timeout=WAIT)
    # an assistant cannot manage operators
    view.rename("a1", "李明")
    qtbot.waitUntil(lambda: bool(view.info.property("isError")), timeout=WAIT)
    assert "Only the leader" in plain(view.info)


def test_every_leader_screen_and_dialog_fits_a_1366x768_screen(qtbot, leader_window):
    from pickup_station.ui import leader_hookup

    w = leader_window()
    tabs = w.leader_tabs
    for i in range(tabs.count()):
        hint = tabs.widget(i).minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 640, (tabs.tabText(i), hint)
    for dlg in (leader_hookup.open_basket(w), leader_hookup.open_failed_prints(w)):
        assert dlg.width() <= 1366 and dlg.height() <= 768
        assert dlg.minimumSizeHint().height() <= 768
