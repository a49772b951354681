"""Printers on real connections with fakes only at the hardware edge: a pty for a serial printer,
a TCP socket for a network printer, files, and Dummy subclasses. Checks preflight (paper out,
cover open), failures (unplugged, stalled, missing path) and that a print is never reported
done when the printer did not take it."""

from __future__ import annotations

import os
import pty
import select
import socket
import threading
import time

import pytest
from escpos.printer import Dummy, Serial

from pickup_station.config import PrinterSettings
from pickup_station.core.papers import pickup_receipt_from_store
from pickup_station.core.papers.layout import layout, paper_size
from pickup_station.demo.receipt_samples import IDS, seed
from pickup_station.hardware import escpos_cn
from pickup_station.hardware.escpos_cn import (
    STATUS_COVER_OPEN,
    STATUS_PAPER_LOW,
    STATUS_PAPER_OUT,
    STATUS_READY,
    PrinterState,
    StatusBytes,
    decode_text,
)
from pickup_station.hardware.printers import (
    PrinterBackendMissing,
    PrinterCoverOpen,
    PrinterNotConfigured,
    PrinterNotFound,
    PrinterPaperOut,
    PrinterWriteError,
    ReceiptPrinter,
    describe,
    make_printer,
    read_state,
)
from pickup_station.store.db import Store

QUERY = b"\x10\x04"


def eventually(cond, timeout: float = 5.0) -> bool:
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("dev") / "s.sqlite3")
    seed(store)
    with store.reader() as s:
        r = pickup_receipt_from_store(s, IDS.full_pickup)
    store.close()
    return layout(r, 58)


class FakePrinter(threading.Thread):
    """The printer's side of a link: keeps what it is sent and answers DLE EOT n from a status
    table; `after` is the table once a cut arrived (paper ran out while printing); `mute` never
    answers; `stall` stops reading once the first status was answered."""

    def __init__(self, read, write, status=STATUS_READY, after=None, mute=False, stall=False):
        super().__init__(daemon=True)
        self.read, self.write = read, write
        self.status, self.after, self.mute, self.stall = status, after, mute, stall
        self.received = bytearray()
        self.queries = 0
        self.stop = threading.Event()
        self.start()

    def run(self):
        buf = bytearray()
        while not self.stop.is_set():
            if self.stall and self.queries >= 1:
                time.sleep(0.05)
                continue
            data = self.read()
            if data is None:
                continue
            if data == b"":
                return
            buf += data
            while (pos := buf.find(QUERY)) >= 0 and len(buf) >= pos + 3:
                self.received += buf[:pos]
                n = buf[pos + 2]
                del buf[:pos + 3]
                self.queries += 1
                table = self.after if self.after and b"\x1dV" in self.received else self.status
                if not self.mute:
                    self.write(bytes([table[n]]))
            if QUERY[:1] not in buf:
                self.received += buf
                buf.clear()


@pytest.fixture
def serial_link():
    """(device path, make_fake(**kw)) for a printer on a pseudo terminal."""
    master, slave = pty.openpty()
    fakes = []

    def read():
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            return None
        try:
            return os.read(master, 65536)
        except OSError:
            return b""

    def make(**kw):
        fake = FakePrinter(read, lambda b: os.write(master, b), **kw)
        fakes.append(fake)
        return fake

    yield os.ttyname(slave), make
    for f in fakes:
        f.stop.set()
        f.join(2)
    os.close(master)
    os.close(slave)


def serial_printer(path, **kw):
    return ReceiptPrinter(Serial(devfile=path, baudrate=115200, timeout=1), **kw)


def test_serial_printer_takes_the_receipt_and_reports_ready(serial_link, lines):
    path, make = serial_link
    fake = make()
    rp = serial_printer(path)
    result = rp.print_lines(lines)
    assert result.state is PrinterState.READY
    assert eventually(lambda: bytes(fake.received) == rp.encode(lines))
    assert IDS.receipt_full in decode_text(bytes(fake.received))
    assert fake.queries >= 4  # asked before (1, 4) and after (1, 4)


def test_serial_printer_out_of_paper_is_refused_before_anything_is_sent(serial_link, lines):
    path, make = serial_link
    fake = make(status=STATUS_PAPER_OUT)
    with pytest.raises(PrinterPaperOut) as err:
        serial_printer(path).print_lines(lines)
    assert err.value.message("zh_CN").startswith("打印机缺纸")
    assert err.value.message("en").startswith("Printer is out of paper")
    time.sleep(0.1)
    assert b"\x1b@" not in fake.received  # the receipt was not fed into an empty printer


def test_serial_printer_with_cover_open(serial_link, lines):
    path, make = serial_link
    make(status=STATUS_COVER_OPEN)
    with pytest.raises(PrinterCoverOpen) as err:
        serial_printer(path).print_lines(lines)
    assert "盖" in err.value.message() and "cover" in err.value.message("en")


def test_paper_running_out_during_the_print_is_a_failure(serial_link, lines):
    path, make = serial_link
    make(status=STATUS_READY, after=STATUS_PAPER_OUT)
    with pytest.raises(PrinterPaperOut) as err:
        serial_printer(path).print_lines(lines)
    assert "中途" in err.value.message()


def test_paper_low_still_prints(serial_link, lines):
    path, make = serial_link
    make(status=STATUS_PAPER_LOW)
    assert serial_printer(path).print_lines(lines).state is PrinterState.PAPER_LOW


def test_a_printer_that_never_answers_still_gets_the_receipt(serial_link, lines):
    path, make = serial_link
    fake = make(mute=True)
    result = serial_printer(path, status_timeout=0.2).print_lines(lines)
    assert result.state is PrinterState.UNKNOWN
    assert eventually(lambda: IDS.receipt_full in decode_text(bytes(fake.received)))


def test_a_stalled_serial_printer_times_out_instead_of_hanging(serial_link):
    path, make = serial_link
    make(stall=True)
    rp = serial_printer(path)
    rp.write_timeout = 0.5
    rp.open()
    assert rp.preflight() is PrinterState.READY
    t0 = time.perf_counter()
    with pytest.raises(PrinterWriteError) as err:
        rp.send(b"\x00" * 2_000_000)
    assert time.perf_counter() - t0 < 10
    assert "没有收到数据" in err.value.message()
    rp.printer.close()


def test_serial_port_that_does_not_exist(lines):
    settings = PrinterSettings(kind="serial", target="/dev/ttyNOPE-pickup", baudrate=9600)
    with pytest.raises(PrinterNotFound) as err:
        ReceiptPrinter.from_settings(settings).print_lines(lines)
    assert "找不到打印机" in err.value.message() and "ttyNOPE" in err.value.message("en")


@pytest.fixture
def network_printer():
    """A TCP 'printer' on 127.0.0.1; yields (port, fakes list, options dict)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    port = server.getsockname()[1]
    fakes, opts, stop = [], {}, threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            if opts.get("hang_up"):
                conn.close()
                continue
            conn.settimeout(0.05)

            def read(conn=conn):
                try:
                    return conn.recv(65536)
                except TimeoutError:
                    return None
                except OSError:
                    return b""

            fakes.append(FakePrinter(read, conn.sendall, **opts))

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield port, fakes, opts
    stop.set()
    t.join(2)
    for f in fakes:
        f.stop.set()
    server.close()


def test_network_printer_takes_the_receipt(network_printer, lines):
    port, fakes, _ = network_printer
    settings = PrinterSettings(kind="network", target=f"127.0.0.1:{port}")
    rp = ReceiptPrinter.from_settings(settings)
    assert rp.print_lines(lines).state is PrinterState.READY
    assert eventually(lambda: fakes and bytes(fakes[0].received) == rp.encode(lines))


def test_network_printer_out_of_paper(network_printer, lines):
    port, _, opts = network_printer
    opts["status"] = STATUS_PAPER_OUT
    with pytest.raises(PrinterPaperOut):
        ReceiptPrinter(make_printer(PrinterSettings(kind="network", target=f"127.0.0.1:{port}"))
                       ).print_lines(lines)


def test_network_printer_that_hangs_up_is_a_failed_print(network_printer, lines):
    port, _, opts = network_printer
    opts["hang_up"] = True
    with pytest.raises(PrinterWriteError):
        ReceiptPrinter(make_printer(PrinterSettings(kind="network", target=f"127.0.0.1:{port}"))
                       ).print_lines(lines)


def test_network_printer_switched_off(lines):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nobody listens there
    with pytest.raises(PrinterNotFound):
        ReceiptPrinter.from_settings(PrinterSettings(kind="network", target=f"127.0.0.1:{port}")
                                     ).print_lines(lines)


class UnpluggedPrinter(Dummy):
    """A printer whose cable was pulled: every write fails."""

    def _raw(self, msg: bytes) -> None:
        raise OSError(19, "No such device")


class StatusDummy(Dummy):
    """A bidirectional printer at the hardware edge: answers DLE EOT from a table."""

    def __init__(self, table):
        super().__init__()
        self.table, self._last = table, None

    def _raw(self, msg: bytes) -> None:
        if msg.startswith(QUERY):
            self._last = msg[2]
            return
        super()._raw(msg)

    def _read(self) -> bytes:
        return bytes([self.table[self._last]])


def test_unplugged_printer_is_a_clear_failure(lines):
    with pytest.raises(PrinterWriteError) as err:
        ReceiptPrinter(UnpluggedPrinter()).print_lines(lines)
    assert "打印机没有收到数据" in err.value.message()
    assert "did not take the data" in err.value.message("en")


@pytest.mark.parametrize("table,state", [
    (STATUS_READY, PrinterState.READY), (STATUS_PAPER_OUT, PrinterState.PAPER_OUT),
    (STATUS_COVER_OPEN, PrinterState.COVER_OPEN), (STATUS_PAPER_LOW, PrinterState.PAPER_LOW),
])
def test_status_bytes_agree_with_python_escpos(table, state):
    printer = StatusDummy(table)
    assert read_state(printer) is state
    # python-escpos' own reading of the same bytes
    assert printer.is_online() is (state in (PrinterState.READY, PrinterState.PAPER_LOW))
    assert printer.paper_status() == {PrinterState.PAPER_OUT: 0, PrinterState.PAPER_LOW: 1
                                      }.get(state, 2)


def test_status_bytes_edge_cases():
    assert StatusBytes(None).state() is PrinterState.UNKNOWN
    assert StatusBytes(0xFF).state() is PrinterState.UNKNOWN  # not a status byte
    assert StatusBytes(0x1A, 0x52, 0x12).state() is PrinterState.ERROR
    assert StatusBytes(0x1A, None, None).state() is PrinterState.OFFLINE
    assert not PrinterState.PAPER_OUT.can_print and PrinterState.UNKNOWN.can_print


def test_file_printer_appends_each_receipt(tmp_path, lines):
    target = tmp_path / "receipts.bin"
    settings = PrinterSettings(kind="file", target=str(target))
    first = ReceiptPrinter.from_settings(settings).print_lines(lines)
    assert first.state is PrinterState.UNKNOWN  # a file cannot answer
    ReceiptPrinter.from_settings(settings).print_lines(lines)
    data = target.read_bytes()
    assert len(data) == 2 * first.bytes_sent
    assert decode_text(data).count(IDS.receipt_full) == 2


def test_file_printer_into_a_folder_writes_one_file_per_paper(tmp_path, lines):
    settings = PrinterSettings(kind="file", target=str(tmp_path))
    ReceiptPrinter.from_settings(settings).print_lines(lines)
    time.sleep(0.001)
    ReceiptPrinter.from_settings(settings).print_lines(lines)
    files = sorted(tmp_path.glob("print-*.bin"))
    assert len(files) == 2 and all(IDS.receipt_full in decode_text(f.read_bytes()) for f in files)


def test_file_printer_path_that_does_not_exist(tmp_path):
    settings = PrinterSettings(kind="file", target=str(tmp_path / "no" / "such" / "r.bin"))
    with pytest.raises(PrinterNotFound) as err:
        make_printer(settings)
    assert "文件夹不存在" in err.value.message() and "does not exist" in err.value.message("en")


def test_factory_says_what_is_missing():
    with pytest.raises(PrinterNotConfigured) as err:
        make_printer(PrinterSettings(kind="none"))
    assert "未配置打印机" in err.value.message()
    with pytest.raises(PrinterNotFound):
        make_printer(PrinterSettings(kind="usb"))  # no vendor / product id
    with pytest.raises(PrinterNotFound):
        make_printer(PrinterSettings(kind="laser"))
    with pytest.raises(PrinterBackendMissing) as err:
        make_printer(PrinterSettings(kind="win32", target="POS-58"))
    assert "pywin32" in err.value.message()
    from escpos.printer import LP, CupsPrinter

    if not (CupsPrinter.is_usable() or LP.is_usable()):
        with pytest.raises(PrinterBackendMissing) as err:
            make_printer(PrinterSettings(kind="cups", target="POS-58"))
        assert "pycups" in err.value.message("en")
    usb = make_printer(PrinterSettings(kind="usb", usb_vendor=0x0416, usb_product=0x5011))
    assert usb.usb_args == {"idVendor": 0x0416, "idProduct": 0x5011}
    net = make_printer(PrinterSettings(kind="network", target="192.168.1.50"))
    assert (net.host, net.port) == ("192.168.1.50", 9100)
    assert describe(PrinterSettings(kind="usb", usb_vendor=0x0416, usb_product=0x5011)
                    ) == "usb 0x0416:0x5011 · 58 mm · text"


def test_payload_sizes_by_mode(lines, qapp):
    from pickup_station.ui.receipt_raster import render_lines

    sizes = {m: len(escpos_cn.encode(lines, paper_size(58), m, render_lines))
             for m in escpos_cn.MODES}
    assert sizes["text"] < 1500 < sizes["mixed"] < sizes["raster"]
