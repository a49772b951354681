"""A hand-over prints its receipt by itself (after "done" is on screen), and the recent list's
reprint prints it again marked 补打; real ESC/POS bytes through a file printer."""

from __future__ import annotations

from pickup_station.config import PrinterSettings, Settings
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.ui.print_queue import PrintQueue

from .conftest import Driver


def test_receipt_prints_after_the_hand_over_and_reprints(qtbot, make_window, station, tmp_path):
    paper = tmp_path / "paper.bin"
    settings = Settings(printer=PrinterSettings(kind="file", target=str(paper), mode="text"))
    queue = PrintQueue(station.store, lambda: settings)
    try:
        window = make_window(settings, printer=queue)
        host = Driver(qtbot, window)
        printed = []
        queue.jobFinished.connect(lambda job, ok, msg: printed.append(ok))
        host.scan(station.lone_order()["pickup_code"])
        result = host.confirm_with_enter()
        receipt = result.receipt_nos[0]
        qtbot.waitUntil(lambda: printed == [True], timeout=10_000)
        assert receipt in decode_text(paper.read_bytes())
        view = window.counter_view
        qtbot.waitUntil(lambda: view.recent.count() >= 1, timeout=5000)
        assert receipt in view.recent.item(0).text()
        view.reprint_button.click()
        qtbot.waitUntil(lambda: printed == [True, True], timeout=10_000)
        text = decode_text(paper.read_bytes())
        assert text.count(receipt) >= 2 and "补打" in text
    finally:
        queue.shutdown()


def test_no_receipt_when_auto_print_is_off(qtbot, make_window, station, tmp_path):
    paper = tmp_path / "paper.bin"
    settings = Settings(printer=PrinterSettings(kind="file", target=str(paper), auto_print=False))
    queue = PrintQueue(station.store, lambda: settings)
    try:
        window = make_window(settings, printer=queue)
        host = Driver(qtbot, window)
        printed = []
        queue.jobFinished.connect(lambda job, ok, msg: printed.append(ok))
        host.scan(station.lone_order(1)["pickup_code"])
        host.confirm_with_enter()
        qtbot.waitUntil(lambda: window.counter_view.recent.count() >= 1, timeout=5000)
        qtbot.wait(300)
        assert printed == [] and (not paper.exists() or paper.read_bytes() == b"")
    finally:
        queue.shutdown()
