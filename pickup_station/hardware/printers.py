"""The receipt printer at the counter: connections, preflight and sending a laid-out paper.

`make_printer(settings.printer)` opens the python-escpos backend the shop has (USB, network
host:9100, serial, CUPS / Windows printer, a file, or Dummy); `ReceiptPrinter` asks the printer
how it is (DLE EOT) before a print, sends the bytes (`escpos_cn.encode`) and asks again after,
so a print is never reported done when the printer did not take it. Runs in a worker thread;
no Qt here (the raster renderer is passed in).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from escpos import escpos as _escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import LP, CupsPrinter, Dummy, File, Network, Serial, Usb, Win32Raw

from pickup_station.config import PrinterSettings
from pickup_station.core.papers.layout import PrintLine, paper_size
from pickup_station.errors import DeviceNotFound, UserFacingError
from pickup_station.hardware import escpos_cn
from pickup_station.hardware.escpos_cn import PrinterState, Rasterizer, StatusBytes, status_query
from pickup_station.messages import Message

log = logging.getLogger(__name__)

KINDS = ("none", "file", "usb", "network", "serial", "cups", "win32", "dummy")


# ---- errors ---------------------------------------------------------------------------------

class PrinterError(UserFacingError):
    """A print that did not happen. `status_key`: the catalogue's short word for the status."""

    code = "printer_error"
    status_key = "printer.status.error"


class PrinterNotConfigured(PrinterError):
    code = "printer_not_configured"
    status_key = "printer.status.not_configured"

    def __init__(self) -> None:
        super().__init__("printer.not_configured")


class PrinterNotFound(PrinterError, DeviceNotFound):
    code = "printer_not_found"
    status_key = "printer.status.not_found"


class PrinterBackendMissing(PrinterError):
    code = "printer_backend_missing"
    status_key = "printer.status.backend_missing"


class PrinterOffline(PrinterError):
    code = "printer_offline"
    status_key = "printer.status.offline"


class PrinterCoverOpen(PrinterError):
    code = "printer_cover_open"
    status_key = "printer.status.cover_open"


class PrinterPaperOut(PrinterError):
    code = "printer_paper_out"
    status_key = "printer.status.paper_out"


class PrinterWriteError(PrinterError):
    code = "printer_write_failed"
    status_key = "printer.status.write_failed"


_STATE_ERRORS = {
    PrinterState.PAPER_OUT: lambda: PrinterPaperOut("printer.paper_out"),
    PrinterState.COVER_OPEN: lambda: PrinterCoverOpen("printer.cover_open"),
    PrinterState.OFFLINE: lambda: PrinterOffline("printer.offline"),
    PrinterState.ERROR: lambda: PrinterOffline("printer.error"),
}


def error_for(state: PrinterState) -> PrinterError | None:
    make = _STATE_ERRORS.get(state)
    return make() if make else None


# ---- connections ----------------------------------------------------------------------------

class AppendFile(File):
    """A File printer that appends, so a shop without a printer keeps every receipt in one
    file; also fine for device files such as /dev/usb/lp0."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115  (kept open until close())
        except OSError as exc:
            self.device = None
            raise DeviceNotFoundError(f"Could not open {self.devfile}: {exc}") from exc


class AutoEndpointUsb(Usb):
    """python-escpos' USB printer, taking the bulk endpoints the device really has (Chinese
    printers often use 0x81/0x03, not escpos' defaults 0x82/0x01)."""

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        try:  # pragma: no cover - needs a USB printer
            import usb.util

            intf = self.device.get_active_configuration()[(0, 0)]
            for ep in intf:
                bulk = usb.util.endpoint_type(ep.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
                if not bulk:
                    continue
                if usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_IN:
                    self.in_ep = ep.bEndpointAddress
                else:
                    self.out_ep = ep.bEndpointAddress
        except (AttributeError, LookupError, OSError, ValueError) as exc:  # usb errors are OSErrors
            log.debug("USB endpoints not read, keeping escpos' defaults: %s", exc)


def _missing(what: str, package: str | Message) -> PrinterBackendMissing:
    return PrinterBackendMissing("printer.backend_missing", what=Message(what), package=package)


def _host_port(target: str) -> tuple[str, int]:
    text = target.strip()
    if text.startswith("["):  # [::1]:9100
        host, _, rest = text[1:].partition("]")
        return host, int(rest.lstrip(":") or 9100)
    host, sep, port = text.rpartition(":")
    if sep and port.isdigit() and ":" not in host:
        return host, int(port)
    return text, 9100


def make_printer(settings: PrinterSettings, *, now: datetime | None = None) -> _escpos.Escpos:
    """The python-escpos printer for the settings (not yet opened). Raises PrinterError with a
    readable message when it is not set up or its library is missing."""
    kind = (settings.kind or "none").lower()
    target = (settings.target or "").strip()
    if kind == "none":
        raise PrinterNotConfigured()
    if kind == "dummy":
        return Dummy()
    if kind == "file":
        if not target:
            raise PrinterNotFound("printer.file_no_path")
        path = Path(target).expanduser()
        if path.is_dir():  # one file per paper in that folder
            stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
            path = path / f"print-{stamp}.bin"
        if not path.parent.is_dir():
            raise PrinterNotFound("printer.file_no_folder", folder=path.parent)
        return AppendFile(devfile=str(path))
    if kind == "usb":
        if not Usb.is_usable():
            raise _missing("printer.needs.usb", "pyusb (libusb)")
        if not settings.usb_vendor or not settings.usb_product:
            raise PrinterNotFound("printer.usb_ids_missing")
        return AutoEndpointUsb(settings.usb_vendor, settings.usb_product, timeout=10_000)
    if kind == "network":
        if not target:
            raise PrinterNotFound("printer.address_missing")
        host, port = _host_port(target)
        return Network(host, port=port, timeout=10)
    if kind == "serial":
        if not Serial.is_usable():
            raise _missing("printer.needs.serial", "pyserial")
        if not target:
            raise PrinterNotFound("printer.port_missing")
        return Serial(devfile=target, baudrate=int(settings.baudrate or 9600), timeout=1)
    if kind == "cups":
        if CupsPrinter.is_usable():
            return CupsPrinter(target)
        if LP.is_usable():
            return LP(target)
        raise _missing("printer.needs.cups", Message("printer.cups_package", package="pycups",
                                                    install="pip install 'pickup-station[cups]'"))
    if kind == "win32":
        if not Win32Raw.is_usable():
            raise _missing("printer.needs.win32", "pywin32")
        return Win32Raw(target)
    raise PrinterNotFound("printer.unknown_kind", kind=kind)


def describe(settings: PrinterSettings) -> str:
    """One line for the test page and the settings screen: `usb 0x0416:0x5011 · 58 mm · text`."""
    kind = settings.kind or "none"
    where = (f"0x{settings.usb_vendor:04x}:0x{settings.usb_product:04x}" if kind == "usb"
             else settings.target)
    if kind == "serial":
        where = f"{settings.target} {settings.baudrate}"
    return " · ".join(p for p in (f"{kind} {where}".strip(), f"{settings.paper_mm} mm",
                                  settings.mode) if p)


# ---- status ---------------------------------------------------------------------------------

_IO_ERRORS: tuple[type[BaseException], ...] = (OSError, DeviceNotFoundError, AssertionError,
                                               ValueError, TypeError, RuntimeError)
try:  # the USB library raises its own errors
    import usb.core

    _IO_ERRORS += (usb.core.USBError,)
except ImportError as exc:  # pragma: no cover - pyusb missing
    if exc.name not in ("usb", "usb.core"):
        raise
    usb = None  # type: ignore[assignment]
try:
    import serial as _serial

    _IO_ERRORS += (_serial.SerialException,)
except ImportError as exc:  # pragma: no cover - pyserial missing
    if exc.name != "serial":
        raise
    _serial = None  # type: ignore[assignment]


def _answers(printer: _escpos.Escpos) -> bool:
    """Whether the connection can carry an answer back (DLE EOT)."""
    if isinstance(printer, (Serial, Network, Usb)):
        return True
    return type(printer)._read is not _escpos.Escpos._read and not isinstance(
        printer, (CupsPrinter, LP, File, Win32Raw))


def query_byte(printer: _escpos.Escpos, n: int, timeout: float = 0.5) -> int | None:
    """Send DLE EOT n and read one status byte; None when the printer does not answer.
    A connection that breaks while asking raises PrinterWriteError."""
    try:
        if isinstance(printer, Serial):
            dev = printer.device
            dev.reset_input_buffer()
            old, dev.timeout = dev.timeout, timeout
            try:
                printer._raw(status_query(n))
                data = dev.read(1)
            finally:
                dev.timeout = old
        elif isinstance(printer, Network):
            sock = printer.device
            old = sock.gettimeout()
            sock.settimeout(timeout)
            try:
                printer._raw(status_query(n))
                data = sock.recv(16)
                if not data:
                    raise ConnectionResetError("printer closed the connection")
            except TimeoutError:
                data = b""
            finally:
                sock.settimeout(old)
        elif isinstance(printer, Usb):
            printer._raw(status_query(n))
            try:
                data = bytes(printer.device.read(printer.in_ep, 16, int(timeout * 1000)))
            except Exception as exc:  # a USB read timeout: the printer does not answer
                if usb is not None and isinstance(exc, usb.core.USBTimeoutError):
                    data = b""
                else:
                    raise
        else:
            data = printer.query_status(status_query(n))
    except NotImplementedError:
        return None
    except _IO_ERRORS as exc:
        raise _write_error(exc) from exc
    return data[-1] if data else None


def read_state(printer: _escpos.Escpos, timeout: float = 0.5) -> PrinterState:
    """Ask the printer how it is (DLE EOT 1, 4 and, when offline, 2)."""
    if not _answers(printer):
        return PrinterState.UNKNOWN
    first = query_byte(printer, 1, timeout)
    if first is None:
        return PrinterState.UNKNOWN
    paper = query_byte(printer, 4, timeout)
    cause = query_byte(printer, 2, timeout) if first & 0x08 else None
    return StatusBytes(first, cause, paper).state()


def _write_error(exc: BaseException) -> PrinterWriteError:
    return PrinterWriteError(
        "printer.write_failed", error=exc)


# ---- printing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrintResult:
    """A print the printer took: how many bytes, in which mode, how long, its state after."""

    bytes_sent: int
    mode: str
    seconds: float
    state: PrinterState


class ReceiptPrinter:
    """Prints laid-out lines on one python-escpos printer, in text, raster or mixed mode."""

    def __init__(self, printer: _escpos.Escpos, *, paper_mm: int = 58, mode: str = "text",
                 rasterize: Rasterizer | None = None, status_timeout: float = 0.5,
                 chunk_size: int = 4096):
        if mode not in escpos_cn.MODES:
            raise PrinterError("printer.unknown_mode", mode=mode)
        self.printer = printer
        self.paper = paper_size(paper_mm)
        self.mode = mode
        self.rasterize = rasterize
        self.status_timeout = status_timeout
        self.chunk_size = chunk_size
        self.write_timeout: float | None = None  # serial: None = from the size and baud rate

    @classmethod
    def from_settings(cls, settings: PrinterSettings, rasterize: Rasterizer | None = None,
                      **kw) -> ReceiptPrinter:
        return cls(make_printer(settings), paper_mm=settings.paper_mm, mode=settings.mode,
                   rasterize=rasterize, **kw)

    def encode(self, lines: Sequence[PrintLine]) -> bytes:
        if self.mode != "text" and self.rasterize is None:
            raise PrinterError("printer.needs_renderer")
        return escpos_cn.encode(lines, self.paper, self.mode, self.rasterize)

    def open(self) -> None:
        try:
            self.printer.open()
        except _IO_ERRORS as exc:
            detail = " ".join(str(exc).split())
            raise PrinterNotFound("printer.not_found", detail=detail
                                  ) from exc

    def preflight(self) -> PrinterState:
        """The printer's state; raises the matching PrinterError when it cannot print now."""
        state = read_state(self.printer, self.status_timeout)
        err = error_for(state)
        if err:
            raise err
        return state

    def send(self, payload: bytes) -> None:
        """Write the bytes; any error or timeout on the way is a failed print."""
        dev = getattr(self.printer, "_device", None)
        if isinstance(self.printer, Serial) and dev:
            # 10 bits a byte on the wire, twice that for slack, plus time to start
            dev.write_timeout = self.write_timeout or (
                5 + 20 * len(payload) / max(int(self.printer.baudrate), 1))
        try:
            for start in range(0, len(payload), self.chunk_size):
                self.printer._raw(payload[start:start + self.chunk_size])
            flush = getattr(self.printer, "flush", None)
            if callable(flush) and not isinstance(self.printer, LP):
                flush()
        except _IO_ERRORS as exc:
            raise _write_error(exc) from exc

    def print_lines(self, lines: Sequence[PrintLine]) -> PrintResult:
        """Preflight, send, check again. Returns only when the printer took the paper."""
        t0 = time.perf_counter()
        payload = self.encode(lines)
        self.open()
        try:
            before = self.preflight()
            self.send(payload)
            after = self._after(before)
        except BaseException:
            try:
                self.printer.close()
            except Exception as exc:  # noqa: BLE001  (the first error is the one to report)
                log.debug("closing after a failed print: %s", exc)
            raise
        self.close()
        return PrintResult(len(payload), self.mode, time.perf_counter() - t0, after)

    def _after(self, before: PrinterState) -> PrinterState:
        if before is PrinterState.UNKNOWN:
            return before
        state = read_state(self.printer, max(self.status_timeout, 2.0))
        if state is PrinterState.UNKNOWN:
            raise PrinterWriteError("printer.no_answer_after_print")
        if state is PrinterState.PAPER_OUT:
            raise PrinterPaperOut("printer.paper_out_midway")
        err = error_for(state)
        if err:
            raise err
        return state

    def close(self) -> None:
        """Close the connection; for CUPS / Windows / lp this hands the job over, so an error
        here is a failed print too."""
        try:
            self.printer.close()
        except _IO_ERRORS as exc:
            raise _write_error(exc) from exc


def printer_available(settings: PrinterSettings) -> bool:
    """Whether a printer is set up at all (the status line shows 未配置 otherwise)."""
    return (settings.kind or "none") != "none"


__all__ = [
    "KINDS",
    "PrintResult",
    "PrinterBackendMissing",
    "PrinterCoverOpen",
    "PrinterError",
    "PrinterNotConfigured",
    "PrinterNotFound",
    "PrinterOffline",
    "PrinterPaperOut",
    "PrinterState",
    "PrinterWriteError",
    "ReceiptPrinter",
    "describe",
    "error_for",
    "make_printer",
    "printer_available",
    "read_state",
]
