"""Every scan source into the real main window: camera, wedge and serial scans end in the same
lookup (`submit_scan`) as typing, and the verdict shows in `lookupResult`.

The window is built the way tests/ui/conftest.py builds it, over the demo-filled `station` store.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from pickup_station.config import ScannerSettings
from pickup_station.ui.scan_sources import SerialScannerSource, WedgeDetector
from pickup_station.ui.widgets.camera_panel import CameraPanel
from tests.data.qr_video import write_one_code_video

from .test_scanners_serial import FakePort
from .test_scanners_wedge import send_keys


@pytest.fixture
def window(qtbot, station, data_dir):
    from pickup_station.config import Paths, Settings
    from pickup_station.core.counter import Counter
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks

    sv = Services(store=station.store, settings=Settings(), paths=Paths.resolve(data_dir),
                  counter=Counter(station.store), tasks=Tasks(), sounds=Sounds(enabled=False))
    w = MainWindow(sv)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def verdict_label(window) -> QLabel:
    return window.findChild(QLabel, "lookupResult")


def test_camera_code_reaches_the_counter_verdict(qtbot, window, station, tmp_path):
    order = station.lone_order()
    video = write_one_code_video(tmp_path / "customer.avi",
                                 f"https://m.example.com/p/{order['pickup_token']}")

    panel = CameraPanel(window, realtime=False, loop=False)
    window.attach_camera(panel)
    panel.codeScanned.connect(window.submit_scan)
    verdicts = []
    window.counter_view.verdictShown.connect(verdicts.append)
    panel.start(str(video))
    qtbot.waitUntil(lambda: len(verdicts) == 1, timeout=10000)
    qtbot.waitUntil(lambda: panel.state.value == "ended", timeout=10000)
    qtbot.wait(100)
    assert len(verdicts) == 1  # 30 frames of the same code: one lookup
    assert verdicts[0].kind == "ready"
    assert [o.order_id for o in verdicts[0].orders] == [order["order_id"]]
    assert verdict_label(window).property("verdictKind") == "ready"
    window.close()
    assert not panel.running


@pytest.fixture
def wedge(qtbot):
    det = WedgeDetector(ScannerSettings(max_key_interval_ms=50))
    det.install()
    yield det
    det.uninstall()


def test_wedge_burst_in_scan_input_gives_one_verdict(qtbot, window, station, wedge):
    wedge.scanned.connect(window.submit_scan)
    order = station.lone_order()
    scan_input = window.findChild(QLineEdit, "scanInput")
    scan_input.setFocus()
    with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
        send_keys(qtbot, scan_input, order["pickup_token"] + "\n", (2, 5))
    assert sig.args[0].kind == "ready"
    assert sig.args[0].orders[0].order_id == order["order_id"]
    qtbot.wait(200)
    assert scan_input.text() == ""
    # the burst's Enter was swallowed: it did not also confirm the hand-over
    assert station.store.path.exists()
    import sqlite3

    conn = sqlite3.connect(station.store.path)
    try:
        assert conn.execute("SELECT count(*) FROM pickups").fetchone() == (0,)
    finally:
        conn.close()


def test_wedge_burst_with_focus_elsewhere_still_looks_up(qtbot, window, station, wedge):
    wedge.scanned.connect(window.submit_scan)
    order = station.lone_order(1)
    proxy = window.counter_view.proxy_name
    proxy.setFocus()
    proxy.setText("邻居")
    with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
        send_keys(qtbot, proxy, f"https://m.example.com/p/{order['pickup_token']}\n", (2, 5))
    assert sig.args[0].orders[0].order_id == order["order_id"]
    qtbot.wait(200)
    assert proxy.text() == "邻居"


def test_host_typing_a_pickup_code_is_not_taken_by_the_wedge(qtbot, window, station, wedge):
    scanned = []
    wedge.scanned.connect(scanned.append)
    order = station.lone_order()
    scan_input = window.findChild(QLineEdit, "scanInput")
    scan_input.setFocus()
    with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
        send_keys(qtbot, scan_input, order["pickup_code"], (120, 250))
        qtbot.wait(200)
        qtbot.keyClick(scan_input, Qt.Key.Key_Return)
    assert scanned == []
    assert sig.args[0].kind == "ready"
    assert sig.args[0].orders[0].order_id == order["order_id"]


def test_serial_scanner_reaches_the_counter_verdict(qtbot, window, station, tmp_path):
    port = FakePort(tmp_path / "ttyUSB0")
    port.plug()
    src = SerialScannerSource(ScannerSettings(serial_port=str(port.link)), window,
                              backoff_s=(0.1, 0.3))
    src.scanned.connect(window.submit_scan)
    order = station.lone_order()
    try:
        with qtbot.waitSignal(src.statusChanged, timeout=3000,
                              check_params_cb=lambda t: "已连接" in t):
            pass
        with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
            port.send(order["pickup_token"].lower().encode() + b"\r\n")
        assert sig.args[0].orders[0].order_id == order["order_id"]
        verdicts = []
        window.counter_view.verdictShown.connect(verdicts.append)
        port.send(b"\xff\xfe\r\n")  # garbage: a message, no lookup
        with qtbot.waitSignal(src.problem, timeout=3000):
            pass
        qtbot.wait(100)
        assert verdicts == []
    finally:
        src.stop()
        port.unplug()
    deadline = time.monotonic() + 2
    while src.running and time.monotonic() < deadline:
        QApplication.processEvents()
    assert not src.running
