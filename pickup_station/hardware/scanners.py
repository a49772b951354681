"""Barcode scanners at the counter, and the rules every scan source shares.

- `clean_scan_text()`: what any scan (camera, wedge, serial) must look like before it reaches
  the lookup: printable text of a sane length, prefix/suffix removed.
- `RepeatGuard`: the same code is not handed on again while it keeps coming within a window
  (3 s): a phone held under the camera or a scanner in continuous mode fires once.
- `SerialScanner`: a serial / USB-COM scanner read by pyserial on a worker thread; lines end in
  CR and/or LF. Garbage bytes, half codes and repeats give a clear `ScanProblem`, never a crash
  and never a hand-over; an unplugged port is retried with backoff until it returns.

No Qt here: `pickup_station.ui.scan_sources.SerialScannerSource` wraps the worker in signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from pickup_station.errors import UserFacingError
from pickup_station.messages import Message, render

log = logging.getLogger(__name__)

MAX_SCAN_LENGTH = 512
REPEAT_WINDOW_S = 3.0


class BadScan(UserFacingError):
    """Scanned data that cannot be a code: control bytes, binary junk, empty or too long."""

    code = "bad_scan"


def clean_scan_text(text: str, prefix: str = "", suffix: str = "",
                    max_length: int = MAX_SCAN_LENGTH) -> str:
    """Return the scan without surrounding blanks and the configured prefix/suffix.

    Raises BadScan when nothing is left, the text is longer than `max_length` or holds
    characters that are not printable (control codes, NUL, escape sequences).
    """
    text = text.strip()
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    text = text.strip()
    if not text:
        raise BadScan("scan.empty", code="empty_scan")
    if len(text) > max_length:
        raise BadScan("scan.too_long", length=len(text), code="scan_too_long")
    if not text.isprintable():
        shown = text.encode("unicode_escape").decode("ascii")[:40]
        raise BadScan("scan.not_printable", shown=shown, code="scan_not_printable")
    return text


class RepeatGuard:
    """Lets a code through once, then holds it back while it keeps coming within `window_s`.

    "Seen" refreshes on every sighting, so a code left in front of the camera for a minute
    fires once, and fires again only after it was out of sight for `window_s`.
    """

    def __init__(self, window_s: float = REPEAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic):
        self.window_s = window_s
        self._clock = clock
        self._last_seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, text: str, now: float | None = None) -> bool:
        now = self._clock() if now is None else now
        with self._lock:
            last = self._last_seen.get(text)
            self._last_seen[text] = now
            if len(self._last_seen) > 64:
                self._last_seen = {k: v for k, v in self._last_seen.items()
                                   if now - v < self.window_s}
            return last is None or now - last >= self.window_s

    def clear(self) -> None:
        with self._lock:
            self._last_seen.clear()


class ScannerState(str, Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NOT_FOUND = "not_found"
    LOST = "lost"
    UNAVAILABLE = "unavailable"  # pyserial is missing
    STOPPED = "stopped"


@dataclass(frozen=True)
class ScannerStatus:
    """Where the serial scanner stands, with the words for the status bar."""

    state: ScannerState
    port: str
    detail: str = ""

    def message(self, lang: str = "zh_CN") -> str:
        return render(f"scanner.state.{self.state.value}", lang, port=self.port)


@dataclass(frozen=True)
class ScanProblem:
    """Something came from a scanner that is not handed on, and why."""

    kind: str  # garbage, not_printable, too_long, partial, repeat, empty
    text: Message
    raw: bytes = b""

    def message(self, lang: str = "zh_CN") -> str:
        return self.text.render(lang)

    @property
    def zh(self) -> str:
        return self.message("zh_CN")

    @property
    def en(self) -> str:
        return self.message("en")


class SerialUnavailable(UserFacingError):
    code = "serial_unavailable"


def _import_serial():
    try:
        import serial  # pyserial
    except ImportError as exc:  # pragma: no cover - pyserial is a dependency
        if exc.name != "serial":
            raise
        raise SerialUnavailable("scan.serial_unavailable") from exc
    return serial


class SerialScanner:
    """A serial scanner read on its own thread; calls back with clean, de-duplicated codes.

    `on_scan(text)`, `on_status(ScannerStatus)` and `on_problem(ScanProblem)` are called from
    the worker thread (the Qt wrapper turns them into signals). `stop()` joins the thread.
    """

    def __init__(self, port: str, baudrate: int = 9600,
                 on_scan: Callable[[str], None] | None = None,
                 on_status: Callable[[ScannerStatus], None] | None = None,
                 on_problem: Callable[[ScanProblem], None] | None = None, *,
                 prefix: str = "", suffix: str = "",
                 repeat_window_s: float = REPEAT_WINDOW_S,
                 partial_timeout_s: float = 1.0,
                 backoff_s: tuple[float, float] = (0.5, 8.0),
                 max_length: int = MAX_SCAN_LENGTH):
        self.port = port
        self.baudrate = baudrate
        self._on_scan = on_scan or (lambda text: None)
        self._on_status = on_status or (lambda status: None)
        self._on_problem = on_problem or (lambda problem: None)
        self.prefix, self.suffix = prefix, suffix
        self.partial_timeout_s = partial_timeout_s
        self.backoff_s = backoff_s
        self.max_length = max_length
        self.repeats = RepeatGuard(repeat_window_s)
        self.status = ScannerStatus(ScannerState.STOPPED, port)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"serial-scanner {self.port}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None
        self._set_status(ScannerState.STOPPED)

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    # -- worker ---------------------------------------------------------------------------------
    def _set_status(self, state: ScannerState, detail: str = "") -> None:
        if self.status.state == state and self.status.detail == detail:
            return
        self.status = ScannerStatus(state, self.port, detail)
        self._call(self._on_status, self.status)

    def _call(self, fn, arg) -> None:
        try:
            fn(arg)
        except Exception:  # a broken consumer must not kill the scanner
            log.exception("serial scanner callback failed")

    def _run(self) -> None:
        try:
            serial = _import_serial()
        except SerialUnavailable as exc:
            self._set_status(ScannerState.UNAVAILABLE, str(exc))
            return
        delay = self.backoff_s[0]
        ever_connected = False
        self._set_status(ScannerState.CONNECTING)
        while not self._stop.is_set():
            try:
                port = serial.Serial(self.port, self.baudrate, timeout=0.1)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._set_status(ScannerState.LOST if ever_connected else ScannerState.NOT_FOUND,
                                 str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_s[1])
                continue
            ever_connected = True
            delay = self.backoff_s[0]
            self._set_status(ScannerState.CONNECTED)
            try:
                self._read_lines(port, serial.SerialException)
            except (serial.SerialException, OSError) as exc:
                log.info("serial scanner %s lost: %s", self.port, exc)
                self._set_status(ScannerState.LOST, str(exc))
                self._stop.wait(delay)
            finally:
                try:
                    port.close()
                except Exception as exc:  # noqa: BLE001 - closing a vanished port may fail too
                    log.debug("closing %s: %s", self.port, exc)

    def _read_lines(self, port, serial_exc) -> None:
        buf = bytearray()
        last_byte_at = time.monotonic()
        while not self._stop.is_set():
            chunk = port.read(max(1, min(port.in_waiting or 1, 4096)))
            now = time.monotonic()
            if not chunk:
                if buf and now - last_byte_at > self.partial_timeout_s:
                    self._problem("partial", bytes(buf), Message("scan.partial"))
                    buf.clear()
                continue
            last_byte_at = now
            buf.extend(chunk)
            while True:
                cut = min((i for i in (buf.find(b"\r"), buf.find(b"\n")) if i >= 0), default=-1)
                if cut < 0:
                    break
                line = bytes(buf[:cut])
                del buf[:cut + 1]
                if line:
                    self._handle_line(line)
            if len(buf) > self.max_length:
                self._problem("too_long", bytes(buf[:64]), Message("scan.no_line_end"))
                buf.clear()

    def _problem(self, kind: str, raw: bytes, text: Message) -> None:
        log.warning("serial scanner %s: %s %r", self.port, kind, raw[:64])
        self._call(self._on_problem, ScanProblem(kind, text, raw))

    def _handle_line(self, line: bytes) -> None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self._problem("garbage", line, Message("scan.garbage", hex=line[:16].hex(" ")))
            return
        try:
            text = clean_scan_text(text, self.prefix, self.suffix, self.max_length)
        except BadScan as exc:
            if exc.code == "empty_scan":
                return
            self._problem("not_printable" if exc.code == "scan_not_printable" else "too_long",
                          line, exc.msg)
            return
        if not self.repeats.admit(text):
            self._problem("repeat", line, Message("scan.repeat", text=text[:24]))
            return
        self._call(self._on_scan, text)
