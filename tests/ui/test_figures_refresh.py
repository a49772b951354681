"""The figures tab reloads after a hand-over only while it is on screen, and catches up when the
host opens it (a reload reads the whole day: behind the counter it would slow the next scan)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from pickup_station.core.counter import OrderChoice


def _hand_over(host, order) -> None:
    host.scan(order["pickup_code"])
    host.confirm_with_enter()


def test_hidden_figures_tab_is_not_reloaded_then_catches_up_when_opened(station, host, qtbot):
    w = host.w
    reports = w.reports_view
    assert w.tabs.currentWidget() is w.counter_view
    reloads = []
    reports.refreshed.connect(lambda: reloads.append(1))
    a, b = station.batches[0]["orders"][30:32]
    _hand_over(host, a)
    _hand_over(host, b)
    qtbot.wait(300)  # a reload started by the hand-over would have finished by now
    assert reloads == []
    assert w.tabs.currentWidget() is w.counter_view

    with qtbot.waitSignal(reports.refreshed, timeout=10000):
        w.tabs.setCurrentWidget(reports)
    handed = w.findChild(QLabel, "todayPickups").text()
    assert int(handed) >= 2  # both hand-overs made while the tab was hidden are counted


def test_figures_tab_on_screen_reloads_after_a_change(station, window, qtbot):
    reports = window.reports_view
    with qtbot.waitSignal(reports.refreshed, timeout=10000):
        window.tabs.setCurrentWidget(reports)
    before = int(window.findChild(QLabel, "todayPickups").text())
    o = station.lone_order()
    window.sv.counter.hand_over([OrderChoice(o["order_id"])], "leader")  # by the core...
    with qtbot.waitSignal(reports.refreshed, timeout=10000):
        window._local_change()  # ...reported to the window as a local change
    assert int(window.findChild(QLabel, "todayPickups").text()) == before + 1
