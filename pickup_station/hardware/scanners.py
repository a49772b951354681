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
        raise BadScan("扫码内容为空。", "The scan was empty.", code="empty_scan")
    if len(text) > max_length:
        raise BadScan(f"扫码内容过长（{len(text)} 个字符），已忽略。",
                      f"The scan is too long ({len(text)} characters); ignored.",
                      code="scan_too_long")
    if not text.isprintable():
        shown = text.encode("unicode_escape").decode("ascii")[:40]
        raise BadScan(f"扫码内容含有不可打印的字符（{shown}），已忽略。请检查扫码枪设置。",
                      f"The scan holds non-printable characters ({shown}); ignored. "
                      "Check the scanner's settings.", code="scan_not_printable")
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


_STATE_TEXT = {
    ScannerState.CONNECTING: ("扫码枪：正在连接 {port}…", "Scanner: connecting to {port}…"),
    ScannerState.CONNECTED: ("扫码枪：已连接 {port}", "Scanner: connected on {port}"),
    ScannerState.NOT_FOUND: ("扫码枪：未找到 {port}，正在重试…",
                             "Scanner: {port} not found, retrying…"),
    ScannerState.LOST: ("扫码枪：{port} 已断开，正在重连…",
                        "Scanner: {port} disconnected, reconnecting…"),
    ScannerState.UNAVAILABLE: ("扫码枪：缺少 pyserial，串口扫码枪不可用",
                               "Scanner: pyserial is missing, serial scanners are unavailable"),
    ScannerState.STOPPED: ("扫码枪：已停止", "Scanner: stopped"),
}


@dataclass(frozen=True)
class ScannerStatus:
    """Where the serial scanner stands, with the words for the status bar."""

    state: ScannerState
    port: str
    detail: str = ""

    def message(self, lang: str = "zh_CN") -> str:
        zh, en = _STATE_TEXT[self.state]
        return (en if lang.startswith("en") else zh).format(port=self.port)


@dataclass(frozen=True)
class ScanProblem:
    """Something came from a scanner that is not handed on, and why."""

    kind: str  # garbage, not_printable, too_long, partial, repeat, empty
    zh: str
    en: str
    raw: bytes = b""

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


class SerialUnavailable(UserFacingError):
    code = "serial_unavailable"


def _import_serial():
    try:
        import serial  # pyserial
    except ImportError as exc:  # pragma: no cover - pyserial is a dependency
        if exc.name != "serial":
            raise
        raise SerialUnavailable("缺少 pyserial，串口扫码枪不可用。",
                                "pyserial is not installed; serial scanners are unavailable.") \
            from exc
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
                    self._problem("partial", bytes(buf),
                                  "条码不完整（没有收到回车/换行），已丢弃，请重新扫码。",
                                  "Incomplete code (no CR/LF came), discarded; please scan again.")
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
                self._problem("too_long", bytes(buf[:64]),
                              "扫码枪发来过长的数据且没有结束符，已丢弃。请检查扫码枪的结束符设置。",
                              "The scanner sent a long run of data with no line end; discarded. "
                              "Check the scanner's terminator setting.")
                buf.clear()

    def _problem(self, kind: str, raw: bytes, zh: str, en: str) -> None:
        log.warning("serial scanner %s: %s %r", self.port, kind, raw[:64])
        self._call(self._on_problem, ScanProblem(kind, zh, en, raw))

    def _handle_line(self, line: bytes) -> None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self._problem("garbage", line,
                          f"扫码枪发来无法识别的数据（{line[:16].hex(' ')}），已忽略。"
                          "请检查波特率和扫码枪设置。",
                          f"The scanner sent undecodable bytes ({line[:16].hex(' ')}); ignored. "
                          "Check the baud rate and the scanner's settings.")
            return
        try:
            text = clean_scan_text(text, self.prefix, self.suffix, self.max_length)
        except BadScan as exc:
            if exc.code == "empty_scan":
                return
            self._problem("not_printable" if exc.code == "scan_not_printable" else "too_long",
                          line, exc.zh, exc.en)
            return
        if not self.repeats.admit(text):
            self._problem("repeat", line,
                          f"同一条码重复扫描（{text[:24]}），已忽略。",
                          f"The same code was scanned again ({text[:24]}); ignored.")
            return
        self._call(self._on_scan, text)
