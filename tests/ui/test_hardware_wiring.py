"""The app's own wiring of scan sources and sync into the window (`app.attach_hardware`,
`MainWindow._wire_sync`): a scanner's refusal reaches the host as a message and the failure
sound, never as a hand-over; the first large download shows its progress."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QLineEdit, QProgressBar

from pickup_station.app import attach_hardware
from pickup_station.config import ScannerSettings, Settings
from tests.hardware.test_scanners_serial import FakePort
from tests.hardware.test_scanners_wedge import send_keys


def pickups(store) -> int:
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute("SELECT count(*) FROM pickups").fetchone()[0]
    finally:
        conn.close()


def test_serial_garbage_is_told_with_the_fail_sound_and_hands_nothing_over(
        qtbot, make_window, station, tmp_path):
    port = FakePort(tmp_path / "ttyUSB0")
    port.plug()
    settings = Settings(scanner=ScannerSettings(serial_port=str(port.link), wedge_enabled=False))
    window = make_window(settings)
    attach_hardware(window, window.sv)
    src = window.serial_scanner
    try:
        qtbot.waitUntil(lambda: src.status is not None and src.status.state.name == "CONNECTED",
                        timeout=5000)
        verdicts = []
        window.counter_view.verdictShown.connect(verdicts.append)
        port.send(b"\xff\xfe\x00\x81\r\n")
        qtbot.waitUntil(lambda: "fail" in window.sv.sounds.played, timeout=5000)
        assert window.statusBar().currentMessage()
        assert verdicts == []
        assert pickups(station.store) == 0
        # the scanner still works after the garbage
        order = station.lone_order()
        with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
            port.send(order["pickup_token"].encode() + b"\r\n")
        assert sig.args[0].kind == "ready"
    finally:
        src.stop()
        port.unplug()


def test_a_repeated_wedge_scan_is_refused_in_the_status_bar(qtbot, make_window, station):
    window = make_window(Settings(scanner=ScannerSettings(max_key_interval_ms=50)))
    attach_hardware(window, window.sv)
    try:
        order = station.lone_order()
        scan_input = window.findChild(QLineEdit, "scanInput")
        scan_input.setFocus()
        with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000):
            send_keys(qtbot, scan_input, order["pickup_token"] + "\n", (2, 5))
        assert window.sv.sounds.played.count("fail") == 0
        with qtbot.waitSignal(window.wedge.rejected, timeout=5000):
            send_keys(qtbot, scan_input, order["pickup_token"] + "\n", (2, 5))
        assert window.sv.sounds.played[-1] == "fail"
        assert order["pickup_token"][:10] in window.statusBar().currentMessage()
        assert pickups(station.store) == 0
    finally:
        window.wedge.uninstall()


def test_download_progress_shows_while_the_first_pull_runs(qtbot, window):
    bar = window.findChild(QProgressBar, "syncProgress")
    assert bar is not None and not bar.isVisible()
    window._download_progress(500, 20_000)
    assert bar.isVisible() and bar.value() == 500 and bar.maximum() == 20_000
    window._download_progress(20_000, 20_000)
    assert not bar.isVisible()


def test_locate_failure_is_said_in_the_status_bar(window):
    window._locate_failed("ab" * 32, "服务器无法连接")
    assert "服务器无法连接" in window.statusBar().currentMessage()
