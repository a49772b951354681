"""Keyboard-wedge scanners: bursts of keys sent through qtbot with real timing.

A scanner types 2–5 ms per key and ends with Enter (or Tab); a person types 120–250 ms per key.
The detector is installed on the QApplication like the app does, so it sees every widget.
"""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from pickup_station.config import ScannerSettings
from pickup_station.ui.scan_sources import WedgeDetector

TOKEN = "KZXW6YTBOI2TSMBRGQ3TAMZQGU3DCNJV"
URL = f"https://m.example.com/p/{TOKEN}"


def _press(qtbot, widget, ch: str) -> None:
    if ch == "\n":
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    elif ch == "\t":
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    else:
        qtbot.keyClick(widget, ch)


def send_keys(qtbot, widget, text: str, gap_ms: tuple[int, int], seed: int = 1) -> None:
    """Key presses to `widget` with a random pause in `gap_ms` before each one (real time)."""
    rng = random.Random(seed)
    for ch in text:
        # busy-wait with event processing so the gap is the real gap, even when it is 2 ms
        until = time.monotonic() + rng.uniform(*gap_ms) / 1000
        while time.monotonic() < until:
            QApplication.processEvents()
        _press(qtbot, widget, ch)


@pytest.fixture
def counter(qtbot):
    """A stand-in counter: the `scanInput` line edit and a remark field elsewhere."""
    w = QWidget()
    lay = QVBoxLayout(w)
    scan_input = QLineEdit(w)
    scan_input.setObjectName("scanInput")
    remark = QLineEdit(w)
    remark.setObjectName("remark")
    lay.addWidget(scan_input)
    lay.addWidget(remark)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w, scan_input, remark


@pytest.fixture
def wedge(qtbot):
    det = WedgeDetector(ScannerSettings(max_key_interval_ms=50), lang="en")
    app = QApplication.instance()
    det.install(app)
    yield det
    det.uninstall(app)


def test_scanner_burst_in_scan_input_is_a_scan_and_lands_nowhere(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as sig:
        send_keys(qtbot, scan_input, URL + "\n", (2, 5))
    assert sig.args == [URL]
    qtbot.wait(200)  # past the hold-back window (3 x 50 ms): nothing may be replayed after
    assert scan_input.text() == ""


def test_burst_while_focus_is_in_another_widget_is_swallowed(qtbot, counter, wedge):
    _, scan_input, remark = counter
    remark.setFocus()
    remark.setText("fragile")
    got = []
    wedge.scanned.connect(got.append)
    send_keys(qtbot, remark, TOKEN + "\t", (2, 5), seed=2)
    qtbot.waitUntil(lambda: got == [TOKEN], timeout=2000)
    qtbot.wait(200)
    assert remark.text() == "fragile"  # not one character of the burst, no Tab handling
    assert scan_input.text() == ""


def test_person_typing_the_same_text_slowly_is_not_a_scan(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    got, returned = [], []
    wedge.scanned.connect(got.append)
    scan_input.returnPressed.connect(lambda: returned.append(scan_input.text()))
    code = "483920"
    send_keys(qtbot, scan_input, code + "\n", (120, 250), seed=3)
    qtbot.wait(200)
    assert got == []
    assert scan_input.text() == code  # every key reached the line edit, in order
    assert returned == [code]  # and Enter too, after the digits


def test_short_fast_burst_is_typing_not_a_scan(qtbot, counter, wedge):
    """Two fast keys + Enter (a rollover, or a hot key) stay with the widget."""
    _, scan_input, _ = counter
    scan_input.setFocus()
    got = []
    wedge.scanned.connect(got.append)
    send_keys(qtbot, scan_input, "ab\n", (2, 5))
    qtbot.wait(200)
    assert got == []
    assert scan_input.text() == "ab"


def test_burst_with_a_pause_in_the_middle_is_not_taken_as_a_scan(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    got = []
    wedge.scanned.connect(got.append)
    send_keys(qtbot, scan_input, "1234", (2, 5))
    qtbot.wait(200)  # a person stopping to think
    send_keys(qtbot, scan_input, "5678\n", (120, 200))
    qtbot.wait(200)
    assert got == []
    assert scan_input.text() == "12345678"


def test_prefix_and_suffix_are_stripped(qtbot, counter):
    _, scan_input, _ = counter
    det = WedgeDetector(ScannerSettings(prefix="]Q1", suffix="#", max_key_interval_ms=50))
    det.install()
    try:
        scan_input.setFocus()
        with qtbot.waitSignal(det.scanned, timeout=2000) as sig:
            send_keys(qtbot, scan_input, "]Q1" + TOKEN + "#\n", (2, 5))
        assert sig.args == [TOKEN]
    finally:
        det.uninstall()


def test_repeated_burst_within_3_s_is_rejected_with_a_message(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    got, why = [], []
    wedge.scanned.connect(got.append)
    wedge.rejected.connect(why.append)
    send_keys(qtbot, scan_input, TOKEN + "\n", (2, 5))
    send_keys(qtbot, scan_input, TOKEN + "\n", (2, 5))
    qtbot.waitUntil(lambda: len(why) == 1, timeout=2000)
    assert got == [TOKEN]
    assert "again" in why[0]
    assert scan_input.text() == ""


def test_shortcut_keys_and_typing_still_work_with_the_detector(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    send_keys(qtbot, scan_input, "abc", (120, 150))
    qtbot.wait(200)
    qtbot.keyClick(scan_input, Qt.Key.Key_Backspace)
    qtbot.keyClick(scan_input, "a", Qt.KeyboardModifier.ControlModifier)  # select all
    qtbot.keyClick(scan_input, "Z", Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(200)
    assert scan_input.text() == "Z"


def test_disabled_detector_lets_everything_through(qtbot, counter):
    _, scan_input, _ = counter
    det = WedgeDetector(ScannerSettings(wedge_enabled=False))
    det.install()
    try:
        got = []
        det.scanned.connect(got.append)
        scan_input.setFocus()
        send_keys(qtbot, scan_input, TOKEN + "\n", (2, 5))
        qtbot.wait(50)
        assert got == []
        assert scan_input.text() == TOKEN
    finally:
        det.uninstall()


def test_one_late_key_in_a_burst_is_forgiven(qtbot, counter, wedge):
    """A busy machine may hold one key of a scan back; the burst is still a scan."""
    _, scan_input, _ = counter
    scan_input.setFocus()
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as sig:
        send_keys(qtbot, scan_input, TOKEN[:10], (2, 5))
        send_keys(qtbot, scan_input, TOKEN[10], (90, 95))  # one slow key
        send_keys(qtbot, scan_input, TOKEN[11:] + "\n", (2, 5))
    assert sig.args == [TOKEN]
    qtbot.wait(200)
    assert scan_input.text() == ""


def test_fast_typist_is_still_a_person(qtbot, counter, wedge):
    _, scan_input, _ = counter
    scan_input.setFocus()
    got = []
    wedge.scanned.connect(got.append)
    send_keys(qtbot, scan_input, "73920415\n", (60, 95), seed=4)
    qtbot.wait(200)
    assert got == []
    assert scan_input.text() == "73920415"
