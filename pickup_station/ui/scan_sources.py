"""Scanners as Qt scan sources: the keyboard-wedge detector and the serial scanner wrapper.

`WedgeDetector` is installed on the QApplication as an event filter. A USB scanner in keyboard
mode "types" a code in a fast burst (a few ms per key) ending in Enter or Tab; a person types
with 100+ ms between keys. Printable keys are held back while more keys follow quickly; when a
terminator ends a burst, the burst is a scan: `scanned(text)` fires (prefix/suffix stripped)
and none of its keys reaches the widget that had the focus. Keys that turn out to be typing are replayed to their widget unchanged, a
fraction of a second late, so the host can still type into `scanInput` (or anywhere else).
A burst is: at least `min_length` keys, on average no more than `max_key_interval_ms` apart,
none more than 3x that (a busy machine may delay one key), then Enter or Tab. Gaps are taken
from the window system's key timestamps when there are some.

`SerialScannerSource` runs `pickup_station.hardware.scanners.SerialScanner` and re-emits its
callbacks as `scanned(str)`, `statusChanged(str)` and `problem(str)` on the UI thread.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from pickup_station.config import ScannerSettings
from pickup_station.hardware.scanners import (
    BadScan,
    RepeatGuard,
    ScannerStatus,
    ScanProblem,
    SerialScanner,
    clean_scan_text,
)
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.lang import ui_lang

log = logging.getLogger(__name__)

_TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                  Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock}
_TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
_MAX_BURST = 512


class _HeldKey:
    __slots__ = ("key", "modifiers", "target", "text")

    def __init__(self, target, key, modifiers, text):
        self.target, self.key, self.modifiers, self.text = target, key, modifiers, text


class WedgeDetector(QObject):
    """Tells keyboard-wedge scanner bursts from typing, application-wide; emits `scanned`."""

    scanned = Signal(str)
    rejected = Signal(str)  # a burst that is not a usable code, or a repeat: the message

    def __init__(self, settings: ScannerSettings | None = None, parent: QObject | None = None,
                 *, min_length: int | None = None, max_key_interval_ms: int | None = None,
                 repeat_window_s: float = 3.0, lang: str | None = None):
        super().__init__(parent)
        settings = settings or ScannerSettings()
        self.enabled = bool(settings.wedge_enabled)
        self.prefix = settings.prefix or ""
        self.suffix = settings.suffix or ""
        self.max_key_interval_ms = int(max_key_interval_ms or settings.max_key_interval_ms or 35)
        self.min_length = int(min_length or getattr(settings, "min_length", 0) or 4)
        self.lang = ui_lang(lang)
        self.repeats = RepeatGuard(repeat_window_s)
        # one slow gap inside a burst (a busy machine) is forgiven up to this; it is also how
        # long a key is held back before it is handed to its widget as typing
        self.hold_ms = 3 * self.max_key_interval_ms
        self._held: list[_HeldKey] = []
        self._gaps_ms: list[float] = []
        self._swallowed_releases: dict[int, int] = {}
        self._last_key_at = (0.0, 0)  # monotonic s, window-system timestamp ms (0: none)
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._release_as_typing)

    # -- the filter -----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not self.enabled or self._replaying or not obj.isWidgetType():
            return False  # QWindow-level copies of key events reach the widget right after
        key = event.key()
        if etype == QEvent.Type.KeyRelease:
            return self._eat_release(key)
        if key in _MODIFIER_KEYS:
            return False  # scanners press Shift for capitals; it says nothing either way
        now = (time.monotonic(), event.timestamp())
        gap = self._gap_ms(now)
        gap_ok = bool(self._held) and gap <= self.hold_ms
        if key in _TERMINATORS:
            if gap_ok and self._is_burst(gap):
                self._finish_burst()
                self._eat_release_later(key)
                return True
            self._release_as_typing()
            return False
        text = event.text()
        typing_char = (len(text) == 1 and text.isprintable()
                       and not (event.modifiers() & ~_TYPING_MODIFIERS))
        if not typing_char:  # arrows, Backspace, Ctrl+C...: whatever was held was typing
            self._release_as_typing()
            return False
        if self._held and not gap_ok:
            self._release_as_typing()
        if self._held:
            self._gaps_ms.append(gap)
        self._held.append(_HeldKey(obj, key, event.modifiers(), text))
        self._last_key_at = now
        self._eat_release_later(key)
        if len(self._held) > _MAX_BURST:
            self._release_as_typing()
        else:
            self._timer.start(int(self.hold_ms))
        return True

    def _gap_ms(self, now: tuple[float, int]) -> float:
        """Time since the previous key: by the window system's clock when both keys carry one
        (immune to this process being busy), else by ours."""
        (mono, stamp), (last_mono, last_stamp) = now, self._last_key_at
        if stamp and last_stamp and stamp >= last_stamp:
            return float(stamp - last_stamp)
        return (mono - last_mono) * 1000

    def _is_burst(self, final_gap: float) -> bool:
        """Enough keys, and on average as fast as a scanner types (one hiccup is forgiven)."""
        if len(self._held) < self.min_length:
            return False
        gaps = [*self._gaps_ms, final_gap]
        return sum(gaps) / len(gaps) <= self.max_key_interval_ms

    def _eat_release_later(self, key: int) -> None:
        self._swallowed_releases[key] = self._swallowed_releases.get(key, 0) + 1

    def _eat_release(self, key: int) -> bool:
        count = self._swallowed_releases.get(key, 0)
        if not count:
            return False
        if count == 1:
            del self._swallowed_releases[key]
        else:
            self._swallowed_releases[key] = count - 1
        return True

    # -- outcomes ---------------------------------------------------------------------------------
    def _finish_burst(self) -> None:
        self._timer.stop()
        raw = "".join(k.text for k in self._held)
        self._held.clear()
        self._gaps_ms.clear()
        try:
            text = clean_scan_text(raw, self.prefix, self.suffix)
        except BadScan as exc:
            self.rejected.emit(exc.message(self.lang))
            return
        if not self.repeats.admit(text):
            self.rejected.emit(self.tr("The same code was scanned again (%1); ignored.")
                               .replace("%1", text[:24]))
            return
        self.scanned.emit(text)

    @Slot()
    def _release_as_typing(self) -> None:
        """Give held keys to the widgets they were meant for, in order: it was a person."""
        self._timer.stop()
        held, self._held = self._held, []
        self._gaps_ms.clear()
        if not held:
            return
        self._replaying = True
        try:
            for k in held:
                try:
                    for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                        QApplication.sendEvent(k.target, QKeyEvent(etype, k.key, k.modifiers,
                                                                   k.text))
                except RuntimeError:  # the widget is gone
                    continue
        finally:
            self._replaying = False

    def install(self, app: QApplication | None = None) -> None:
        (app or QApplication.instance()).installEventFilter(self)

    def uninstall(self, app: QApplication | None = None) -> None:
        self._release_as_typing()
        (app or QApplication.instance()).removeEventFilter(self)


class _SerialBridge(QObject):
    """Worker-thread callbacks become queued signals to the UI thread."""

    scan = Signal(str)
    status = Signal(object)
    problem = Signal(object)


class SerialScannerSource(QObject):
    """A serial / USB-COM scanner as a Qt scan source. Starts itself once the event loop runs."""

    scanned = Signal(str)
    statusChanged = Signal(str)
    problem = Signal(str)

    def __init__(self, settings: ScannerSettings, parent: QObject | None = None, *,
                 lang: str | None = None, autostart: bool = True, **options):
        super().__init__(parent)
        self.lang = ui_lang(lang)
        self.settings = settings
        self.status: ScannerStatus | None = None
        self._bridge = _SerialBridge(self)
        self._bridge.scan.connect(self.scanned)
        self._bridge.status.connect(self._on_status)
        self._bridge.problem.connect(self._on_problem)
        self.worker: SerialScanner | None = None
        if settings.serial_port:
            b = self._bridge
            self.worker = SerialScanner(
                settings.serial_port, settings.serial_baudrate,
                on_scan=b.scan.emit, on_status=b.status.emit, on_problem=b.problem.emit,
                prefix=settings.prefix, suffix=settings.suffix, **options)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        if autostart:
            QTimer.singleShot(0, self.start)  # after the caller has connected its slots

    @Slot()
    def start(self) -> None:
        if self.worker is not None:
            self.worker.start()

    @Slot()
    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    @Slot(object)
    def _on_status(self, status: ScannerStatus) -> None:
        self.status = status
        self.statusChanged.emit(status.message(self.lang))

    @Slot(object)
    def _on_problem(self, problem: ScanProblem) -> None:
        self.problem.emit(problem.message(self.lang))
