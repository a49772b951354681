"""The print queue: worker thread, signals, printerStatus text, failed papers kept for reprint."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from escpos.printer import Dummy

from pickup_station.config import PrinterSettings, Settings
from pickup_station.demo.receipt_samples import IDS, day_summary, seed
from pickup_station.hardware.escpos_cn import (
    STATUS_PAPER_OUT,
    STATUS_READY,
    decode_text,
    parse_raster,
)
from pickup_station.store.db import Store
from pickup_station.ui.print_queue import PrintQueue

WAIT = 10_000


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.sqlite3")
    seed(s)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def chinese_ui(ui_language):
    """The station's default: the queue's own words come from the zh_CN translation."""
    ui_language("zh_CN")


@pytest.fixture
def settings(tmp_path):
    return Settings(printer=PrinterSettings(kind="file", target=str(tmp_path / "paper.bin")))


@pytest.fixture
def make_queue(qtbot, store, settings):
    queues = []

    def make(**kw):
        q = PrintQueue(store, lambda: settings, **kw)
        queues.append(q)
        return q

    yield make
    for q in queues:
        q.shutdown()


def paper(settings) -> str:
    return decode_text(open(settings.printer.target, "rb").read())


def finish(qtbot, q, enqueue):
    """Run enqueue() and wait for its jobFinished; returns (job_id, ok, message)."""
    got = {}

    def record(job_id, ok, message):
        got.setdefault(job_id, (job_id, ok, message))

    q.jobFinished.connect(record)
    job = enqueue()
    qtbot.waitUntil(lambda: job in got, timeout=WAIT)
    q.jobFinished.disconnect(record)
    return got[job]


def test_receipt_prints_on_the_worker_and_status_is_ready(qtbot, make_queue, settings):
    q = make_queue()
    assert q.status_text() == "打印机：就绪"
    _job, ok, message = finish(qtbot, q, lambda: q.enqueue_receipt(IDS.full_pickup))
    assert ok and message == "小票已打印"
    text = paper(settings)
    assert IDS.receipt_full in text and "代取：李四（邻居）" in text and "补打" not in text


def test_reprint_label_summary_and_test_page(qtbot, make_queue, settings):
    q = make_queue()
    for enqueue in (lambda: q.reprint(IDS.receipt_full), lambda: q.enqueue_label(IDS.order_open),
                    lambda: q.enqueue_day_summary(day_summary()),
                    lambda: q.enqueue_day_summary({"day": "2026-11-23", "pickups": 4}),
                    q.test_print):
        assert finish(qtbot, q, enqueue)[1]
    text = paper(settings)
    for needle in ("补打", "C-2-01", "771203", "日结", "2026-11-23", "打印测试",
                   "58 mm"):
        assert needle in text, needle


def test_enqueue_returns_at_once_and_prints_never_interleave(qtbot, make_queue, settings):
    sink = bytearray()
    lock = threading.Lock()

    class SlowPrinter(Dummy):
        def _raw(self, msg):
            time.sleep(0.002)
            with lock:
                sink.extend(msg)

    q = make_queue(printer_factory=lambda _s: SlowPrinter())
    t0 = time.perf_counter()
    jobs = [q.enqueue_receipt(IDS.full_pickup), q.enqueue_receipt(IDS.short_pickup),
            q.enqueue_label(IDS.order_open)]
    assert time.perf_counter() - t0 < 0.1
    assert q.status_text().startswith("打印机：正在打印")
    done = []
    q.jobFinished.connect(lambda j, ok, m: done.append((j, ok)))
    qtbot.waitUntil(lambda: len(done) == 3, timeout=WAIT)
    assert done == [(j, True) for j in jobs]  # in order
    papers = bytes(sink).split(b"\x1b@")[1:]
    assert len(papers) == 3
    assert IDS.receipt_full in decode_text(papers[0]) and IDS.receipt_short not in decode_text(
        papers[0])
    assert IDS.receipt_short in decode_text(papers[1])
    assert "C-2-01" in decode_text(papers[2])
    qtbot.waitUntil(lambda: q.status_text() == "打印机：就绪", timeout=WAIT)


def test_missing_file_path_keeps_the_receipt_until_retry(qtbot, make_queue, settings, tmp_path):
    settings.printer.target = str(tmp_path / "later" / "paper.bin")
    q = make_queue()
    statuses = []
    q.statusChanged.connect(statuses.append)
    job, ok, message = finish(qtbot, q, lambda: q.enqueue_receipt(IDS.short_pickup))
    assert not ok and "文件夹不存在" in message and "已保留" in message
    assert [j.job_id for j in q.failed_jobs()] == [job]
    assert q.status_text() == "打印机：未连接，1 张小票已保留可重打"
    assert statuses[-1] == q.status_text()
    (tmp_path / "later").mkdir()
    with qtbot.waitSignal(q.jobFinished, timeout=WAIT) as sig:
        assert q.retry_failed() == [job]
    assert sig.args[:2] == [job, True]
    assert q.failed_jobs() == []
    assert IDS.receipt_short in paper(settings) and "补打" not in paper(settings)
    qtbot.waitUntil(lambda: q.status_text() == "打印机：就绪", timeout=WAIT)


class PaperOutPrinter(Dummy):
    """A printer at the hardware edge that answers DLE EOT: out of paper."""

    table = STATUS_PAPER_OUT

    def __init__(self):
        super().__init__()
        self._q = 1

    def _raw(self, msg):
        if msg.startswith(b"\x10\x04"):
            self._q = msg[2]
        else:
            super()._raw(msg)

    def _read(self):
        return bytes([self.table[self._q]])


def test_out_of_paper_says_so_and_keeps_the_receipt(qtbot, make_queue, settings):
    printers = []

    def factory(_s):
        printers.append(PaperOutPrinter())
        return printers[-1]

    q = make_queue(printer_factory=factory)
    _job, ok, message = finish(qtbot, q, lambda: q.enqueue_receipt(IDS.full_pickup))
    assert not ok and message.startswith("打印机缺纸")
    assert printers[0].output == b""  # nothing went into the empty printer
    assert q.status_text() == "打印机：缺纸，1 张小票已保留可重打"
    finish(qtbot, q, lambda: q.enqueue_label(IDS.order_open))
    assert q.status_text() == "打印机：缺纸，2 张小票已保留可重打"
    PaperOutPrinter.table = STATUS_READY  # paper loaded
    try:
        with qtbot.waitSignals([q.jobFinished, q.jobFinished], timeout=WAIT):
            q.retry_failed()
    finally:
        PaperOutPrinter.table = STATUS_PAPER_OUT
    assert q.failed_jobs() == []
    assert IDS.receipt_full in decode_text(printers[-2].output)
    qtbot.waitUntil(lambda: q.status_text() == "打印机：就绪", timeout=WAIT)


def test_unplugged_printer_in_english(qtbot, make_queue, settings, ui_language):
    class Unplugged(Dummy):
        def _raw(self, msg):
            raise OSError(5, "Input/output error")

    settings.lang = "en"  # the core's messages
    ui_language("en")  # the queue's own words
    q = make_queue(printer_factory=lambda _s: Unplugged())
    _, ok, message = finish(qtbot, q, lambda: q.enqueue_receipt(IDS.full_pickup))
    assert not ok and "did not take the data" in message and "kept for reprint" in message
    assert q.status_text() == "Printer: send failed, 1 paper kept for reprint"
    q.discard_failed()
    assert q.failed_jobs() == [] and q.status_text() == "Printer: send failed"


def test_no_printer_configured_is_not_kept(qtbot, make_queue, settings):
    settings.printer.kind = "none"
    q = make_queue()
    assert q.status_text() == "打印机：未配置"
    _, ok, message = finish(qtbot, q, lambda: q.enqueue_receipt(IDS.full_pickup))
    assert not ok and "未配置打印机" in message
    assert q.failed_jobs() == [] and q.status_text() == "打印机：未配置"


def test_unknown_pickup_is_reported_not_kept(qtbot, make_queue):
    q = make_queue()
    _, ok, message = finish(qtbot, q, lambda: q.reprint("no-such-pickup"))
    assert not ok and "找不到" in message and q.failed_jobs() == []


def test_raster_mode_renders_with_qt_on_the_worker(qtbot, make_queue, settings):
    settings.printer.mode = "raster"
    settings.printer.paper_mm = 80
    q = make_queue()
    assert finish(qtbot, q, lambda: q.enqueue_receipt(IDS.short_pickup))[1]
    data = Path(settings.printer.target).read_bytes()
    images = parse_raster(data)
    assert images and {xb for xb, _, _ in images} == {72}
    assert "提货".encode("gb18030") not in data


def test_refresh_status_reads_the_printer(qtbot, make_queue):
    q = make_queue(printer_factory=lambda _s: PaperOutPrinter())
    _, ok, _ = finish(qtbot, q, q.refresh_status)
    assert not ok and q.status_text() == "打印机：缺纸"
    assert q.failed_jobs() == []


def test_the_printing_machinery_loads_on_the_worker_when_asked(tmp_path):
    """Making the queue imports no escpos (the window's start does not wait for it);
    `warm_up(then)` imports it on the queue's own thread and calls `then` there; a receipt
    printed after prints as before."""
    import subprocess
    import sys

    child = r"""
import sys, threading
from pathlib import Path
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from pickup_station.config import PrinterSettings, Settings
from pickup_station.demo.receipt_samples import IDS, seed
from pickup_station.hardware import escpos_cache
from pickup_station.store.db import Store
from pickup_station.ui.print_queue import PrintQueue
store = Store(Path(sys.argv[1]) / "s.sqlite3")
seed(store)
settings = Settings(printer=PrinterSettings(kind="file", target=sys.argv[1] + "/paper.bin"))
q = PrintQueue(store, lambda: settings)
print("made", "escpos" in sys.modules)
escpos_cache.prepare(Path(sys.argv[1]) / "cache")
done = threading.Event()
where = []
q.warm_up(lambda: (where.append(threading.current_thread().name), done.set()))
print("warmed", done.wait(30), where, "escpos" in sys.modules)
q.enqueue_receipt(IDS.full_pickup)
print("printed", q.wait_idle(30), Path(sys.argv[1], "paper.bin").stat().st_size > 100)
q.shutdown()
"""
    out = subprocess.run([sys.executable, "-c", child, str(tmp_path)], check=False,
                         capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                              "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)},
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.splitlines() == ["made False", "warmed True ['print-queue'] True",
                                       "printed True True"]
