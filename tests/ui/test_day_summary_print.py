"""The figures tab prints the day-closing slip (日结单) of what it shows, with the station's
name, through the real print queue into ESC/POS bytes."""

from __future__ import annotations

from pickup_station.config import PrinterSettings, Settings
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.ui.print_queue import PrintQueue


def test_day_summary_from_the_figures_tab(qtbot, make_window, station, tmp_path):
    station.store.set_meta("station_name", "幸福里社区自提点")
    for n in range(3):
        Counter(station.store).hand_over([OrderChoice(station.order(0, 10 + n)["order_id"])],
                                         "leader")
    paper = tmp_path / "paper.bin"
    settings = Settings(printer=PrinterSettings(kind="file", target=str(paper), mode="text"))
    queue = PrintQueue(station.store, lambda: settings)
    try:
        window = make_window(settings, printer=queue)
        view = window.reports_view
        window.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: view.print_button.isEnabled(), timeout=5000)
        assert view.figures.pickups == 3
        with qtbot.waitSignal(queue.jobFinished, timeout=10_000) as done:
            view.print_button.click()
        assert done.args[1] is True, done.args[2]
        text = decode_text(paper.read_bytes())
        assert "日结" in text and "幸福里社区自提点" in text
        assert view.figures.day.isoformat() in text
    finally:
        queue.shutdown()


def test_day_summary_without_a_printer_says_so(qtbot, window):
    view = window.reports_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.print_button.isEnabled(), timeout=5000)
    view.print_button.click()
    assert view.status.text()
