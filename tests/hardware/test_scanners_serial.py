"""Serial scanners, with a pty (os.openpty) standing in for the USB-COM port.

The port the scanner opens is a symlink to the pty's slave side, so a test can unplug it
(close the master, remove the link) and plug a new one in under the same name.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pickup_station.config import ScannerSettings
from pickup_station.hardware.scanners import (
    BadScan,
    RepeatGuard,
    ScannerState,
    SerialScanner,
    clean_scan_text,
)

TOKEN = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


class FakePort:
    """A pty behind a stable path, like /dev/ttyUSB0 that can be unplugged and plugged in."""

    def __init__(self, link: Path):
        self.link = link
        self.master: int | None = None

    def plug(self) -> None:
        master, slave = os.openpty()
        name = os.ttyname(slave)
        os.close(slave)  # the scanner opens it by name
        self.master = master
        tmp = self.link.with_suffix(".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(name)
        os.replace(tmp, self.link)

    def unplug(self) -> None:
        self.link.unlink(missing_ok=True)
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def send(self, data: bytes) -> None:
        os.write(self.master, data)


class Recorder:
    def __init__(self):
        self.scans: list[str] = []
        self.states: list[ScannerState] = []
        self.problems: list = []
        self.cond = threading.Condition()

    def on_scan(self, text):
        with self.cond:
            self.scans.append(text)
            self.cond.notify_all()

    def on_status(self, status):
        with self.cond:
            self.states.append(status.state)
            self.cond.notify_all()

    def on_problem(self, problem):
        with self.cond:
            self.problems.append(problem)
            self.cond.notify_all()

    def wait_for(self, pred, timeout=5.0):
        with self.cond:
            assert self.cond.wait_for(pred, timeout), (self.scans, self.states,
                                                       [p.kind for p in self.problems])


@pytest.fixture
def port(tmp_path):
    p = FakePort(tmp_path / "ttyScanner")
    p.plug()
    yield p
    p.unplug()


@pytest.fixture
def scanner(port):
    rec = Recorder()
    sc = SerialScanner(str(port.link), 9600, rec.on_scan, rec.on_status, rec.on_problem,
                       partial_timeout_s=0.3, backoff_s=(0.1, 0.4))
    sc.start()
    rec.wait_for(lambda: ScannerState.CONNECTED in rec.states)
    yield sc, rec
    sc.stop()
    assert not sc.running


def test_lines_framed_on_cr_lf_and_crlf_even_when_split(port, scanner):
    _sc, rec = scanner
    port.send(b"483920\r")
    port.send(b"https://m.example.com/p/" + TOKEN.encode() + b"\n")
    port.send(b"MFRG")  # a code arriving in pieces
    time.sleep(0.05)
    port.send(b"GZDF\r\n")
    rec.wait_for(lambda: len(rec.scans) == 3)
    assert rec.scans == ["483920", f"https://m.example.com/p/{TOKEN}", "MFRGGZDF"]
    assert rec.problems == []


def test_garbage_bytes_give_a_clear_message_and_the_scanner_goes_on(port, scanner):
    sc, rec = scanner
    port.send(b"\xff\xfe\x80\x81\r\n")  # wrong baud rate looks like this
    port.send(b"AB\x1b[2JCD\r\n")  # control characters inside a line
    port.send(TOKEN.encode() + b"\r\n")
    rec.wait_for(lambda: len(rec.scans) == 1 and len(rec.problems) == 2)
    assert rec.scans == [TOKEN]
    kinds = [p.kind for p in rec.problems]
    assert kinds == ["garbage", "not_printable"]
    assert "波特率" in rec.problems[0].zh and "baud rate" in rec.problems[0].en
    assert "ff fe 80 81" in rec.problems[0].en
    assert sc.running


def test_half_code_without_terminator_is_discarded_with_a_message(port, scanner):
    _sc, rec = scanner
    port.send(b"MFRGGZDFMZ")  # the scanner was pulled away mid-code
    rec.wait_for(lambda: len(rec.problems) == 1)
    assert rec.problems[0].kind == "partial"
    assert "不完整" in rec.problems[0].zh
    port.send(TOKEN.encode() + b"\r")
    rec.wait_for(lambda: rec.scans == [TOKEN])


def test_endless_data_without_terminator_is_dropped(port, scanner):
    _sc, rec = scanner
    port.send(b"A" * 700)
    rec.wait_for(lambda: any(p.kind == "too_long" for p in rec.problems))
    port.send(b"\r483920\r")
    rec.wait_for(lambda: "483920" in rec.scans)
    assert all(len(s) < 600 for s in rec.scans)


def test_repeating_scanner_hands_on_once(port, scanner):
    _sc, rec = scanner
    for _ in range(4):
        port.send(TOKEN.encode() + b"\r\n")
        time.sleep(0.02)
    rec.wait_for(lambda: len(rec.problems) == 3)
    assert rec.scans == [TOKEN]
    assert {p.kind for p in rec.problems} == {"repeat"}
    assert "重复" in rec.problems[0].zh


def test_port_disappears_and_comes_back(port, scanner):
    sc, rec = scanner
    port.send(b"111111\r")
    rec.wait_for(lambda: rec.scans == ["111111"])
    port.unplug()
    rec.wait_for(lambda: ScannerState.LOST in rec.states)
    assert sc.running  # no crash, still trying
    time.sleep(0.3)
    port.plug()
    rec.wait_for(lambda: rec.states.count(ScannerState.CONNECTED) >= 2)
    port.send(b"222222\r")
    rec.wait_for(lambda: rec.scans == ["111111", "222222"])


def test_port_missing_at_start_then_plugged_in(tmp_path):
    port = FakePort(tmp_path / "ttyLate")
    rec = Recorder()
    sc = SerialScanner(str(port.link), 115200, rec.on_scan, rec.on_status, rec.on_problem,
                       backoff_s=(0.1, 0.3))
    sc.start()
    try:
        rec.wait_for(lambda: ScannerState.NOT_FOUND in rec.states)
        port.plug()
        rec.wait_for(lambda: ScannerState.CONNECTED in rec.states)
        port.send(b"654321\n")
        rec.wait_for(lambda: rec.scans == ["654321"])
    finally:
        sc.stop()
        port.unplug()
    assert rec.states[-1] is ScannerState.STOPPED


def test_serial_source_emits_qt_signals_on_the_ui_thread(qtbot, port):
    from PySide6.QtCore import QThread

    from pickup_station.ui.scan_sources import SerialScannerSource

    settings = ScannerSettings(serial_port=str(port.link), serial_baudrate=9600, prefix="#")
    src = SerialScannerSource(settings, lang="en", backoff_s=(0.1, 0.3))
    threads = []
    src.scanned.connect(lambda text: threads.append(QThread.currentThread()))
    try:
        with qtbot.waitSignal(src.statusChanged, timeout=3000,
                              check_params_cb=lambda t: "connected" in t):
            pass  # started by itself once the event loop ran
        with qtbot.waitSignal(src.scanned, timeout=3000) as sig:
            port.send(b"#" + TOKEN.encode() + b"\r\n")
        assert sig.args == [TOKEN]
        assert threads == [QThread.currentThread()]
        with qtbot.waitSignal(src.problem, timeout=3000) as bad:
            port.send(b"\x00\x01\x02\r")
        assert "non-printable" in bad.args[0]
    finally:
        src.stop()
    assert not src.running


def test_clean_scan_text_rules():
    assert clean_scan_text("  ]Q1ABC#\r\n", prefix="]Q1", suffix="#") == "ABC"
    for bad in ("", "   ", "A\x00B", "x" * 600, "AB\x1bC"):
        with pytest.raises(BadScan):
            clean_scan_text(bad)


def test_repeat_guard_holds_a_code_while_it_keeps_coming():
    guard = RepeatGuard(3.0)
    assert guard.admit("A", now=0.0)
    assert not guard.admit("A", now=2.0)
    assert not guard.admit("A", now=4.5)  # still in view: 2.5 s since last seen
    assert guard.admit("B", now=4.6)
    assert guard.admit("A", now=8.0)  # gone for 3.5 s, a new scan
