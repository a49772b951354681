"""Shelf labels from the arrival check: one per active order of the chosen batch, printed on
the print queue's thread into real ESC/POS bytes (a file printer)."""

from __future__ import annotations

from pickup_station.config import PrinterSettings, Settings
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.ui.print_queue import PrintQueue


def test_labels_for_a_whole_batch(qtbot, make_window, station, tmp_path):
    paper = tmp_path / "labels.bin"
    settings = Settings(printer=PrinterSettings(kind="file", target=str(paper), mode="text"))
    queue = PrintQueue(station.store, lambda: settings)
    try:
        window = make_window(settings, printer=queue)
        view = window.arrival_view
        batch = station.batches[0]
        qtbot.waitUntil(lambda: view.batches.rowCount() == 3, timeout=3000)
        assert not view.labels_button.isEnabled()
        view.select_batch(batch["batch_id"])
        qtbot.waitUntil(lambda: view.labels_button.isEnabled(), timeout=3000)
        done = []
        queue.jobFinished.connect(lambda job, ok, msg: done.append(ok))
        view.labels_button.click()
        n = len(batch["orders"])
        assert str(n) in view.info.text()
        qtbot.waitUntil(lambda: len(done) == n, timeout=20_000)
        assert all(done)
        text = decode_text(paper.read_bytes())
        for o in batch["orders"]:
            assert o["order_id"] in text
        assert text.count(batch["orders"][0]["order_id"]) == 1  # each label once
    finally:
        queue.shutdown()


def test_labels_without_a_printer_say_so(qtbot, window, station):
    view = window.arrival_view
    qtbot.waitUntil(lambda: view.batches.rowCount() == 3, timeout=3000)
    view.select_batch(station.batches[0]["batch_id"])
    qtbot.waitUntil(lambda: view.labels_button.isEnabled(), timeout=3000)
    view.labels_button.click()
    assert window.sv.sounds.played[-1] == "fail"
    assert view.info.text()
