"""Slots given at sign-off and freed by a pickup at the counter and by a return to HQ, seen on
the shelves screen; thresholds edited, a reminder and a return from the uncollected screen."""

from __future__ import annotations

import json

from sqlalchemy import select

from pickup_station.store.models import Order, OutboxEvent
from pickup_station.ui.widgets.leader_common import plain
from tests.ui import leader_fixtures
from tests.ui.conftest import Driver
from tests.ui.leader_fixtures import code, open_screen

WAIT = 5000
leader_window = leader_fixtures.leader_window  # the fixture, used by name


def occupied(qtbot, w) -> dict[str, int]:
    view = open_screen(qtbot, w, "shelves")
    return {view.areas.item(r, 0).data(0x0100): int(view.areas.item(r, 2).text())
            for r in range(view.areas.rowCount())}


def events(store, type_: str) -> list[dict]:
    with store.reader() as s:
        return [json.loads(e.payload) | {"order_id": e.order_id} for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == type_))]


def test_slots_freed_by_pickups_and_returns_with_a_reminder(qtbot, leader_window, store):
    w = leader_window()
    assert occupied(qtbot, w)["normal"] == 0  # nothing shelved before sign-off
    receiving = open_screen(qtbot, w, "receiving")
    qtbot.waitUntil(lambda: receiving._plan is not None, timeout=WAIT)
    with qtbot.waitSignal(receiving.signedOff, timeout=WAIT):
        receiving.sign_button.click()
    assert occupied(qtbot, w) == {"normal": 3, "chilled": 2, "frozen": 1}
    # O1 collected at the counter: its slot is free again
    w.tabs.setCurrentWidget(w.counter_view)
    host = Driver(qtbot, w)
    assert host.scan(code("O1")).kind == "ready"
    host.confirm_with_enter()
    assert occupied(qtbot, w) == {"normal": 2, "chilled": 2, "frozen": 1}
    # nothing is overdue yet; with every threshold at 0 days all of them are
    view = open_screen(qtbot, w, "uncollected")
    assert view.table.rowCount() == 0
    for spin in view.threshold_spins.values():
        spin.setValue(0)
    with qtbot.waitSignal(view.dataShown, timeout=WAIT):
        w.findChild(type(view.remind_button), "saveThresholds").click()
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == [
        "O2", "O3", "O4"]
    view.select_orders(["O3"])
    with qtbot.waitSignal(view.acted, timeout=WAIT):
        view.remind_button.click()
    assert "remind 1" in plain(view.info)
    qtbot.waitUntil(lambda: any(view.table.item(r, 8).text() == "1"
                                for r in range(view.table.rowCount())), timeout=WAIT)
    assert [e["order_id"] for e in events(store, "reminder_requested")] == ["O3"]
    # a return needs a reason
    view.reason.setEditText("")
    view.select_orders(["O2"])
    view.return_button.click()
    qtbot.waitUntil(lambda: bool(view.info.property("isError")), timeout=WAIT)
    assert "reason" in plain(view.info)
    view.reason.setEditText("Not collected in time")
    view.select_orders(["O2"])
    with qtbot.waitSignal(view.acted, timeout=WAIT) as got:
        view.return_button.click()
    assert got.args[0] == "returned" and got.args[1].returned == ["O2"]
    assert len(got.args[1].freed_slots) == 1
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=WAIT)
    assert [e["reason"] for e in events(store, "order_returned")] == ["Not collected in time"]
    with store.reader() as s:
        assert s.get(Order, "O2").pickup_state == "returned"
    assert occupied(qtbot, w) == {"normal": 1, "chilled": 2, "frozen": 1}
    # the counter refuses a returned order
    w.tabs.setCurrentWidget(w.counter_view)
    assert host.scan(code("O2")).reason == "returned"
