"""When is a new window usable? Once its scan field has been painted on the screen and has the
keyboard focus (the window is active), or a dialog the window opened at start has it (a new
store's forced change of the leader's PIN can open before the first paint). `app.py` logs the
start-up time at that moment ("window shown after X s", what scripts/measure_start.py reads)
and only then starts what the first paint does not need (devices, sounds, printing, sync)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Calls `ready(focus)` once `field` (in `window`) has been painted and the keyboard focus
    is on it (`focus` "field") or in a dialog of the window ("dialog"); else "none" when the
    focus has not come `focus_wait_ms` after the first paint, or nothing was painted
    `give_up_ms` after this watch began (another program's window is active, the window is
    minimized). `at` is the `time.perf_counter()` of that moment, taken after the frame that
    painted the field. Make it right after `window.show()`."""

    def __init__(self, window: QWidget, field: QWidget, ready: Callable[[str], None],
                 give_up_ms: int = 5000, focus_wait_ms: int = 1000):
        super().__init__(window)
        self._window, self._field, self._ready = window, field, ready
        self._painted = False
        self._focus_wait_ms = focus_wait_ms
        self._done = False
        self.at: float | None = None
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.setInterval(give_up_ms)
        self._give_up.timeout.connect(lambda: self._finish("none"))
        self._give_up.start()
        field.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self._give_up.start(self._focus_wait_ms)
            # the time is taken once this frame is on the screen
            QTimer.singleShot(0, lambda: self._check(QApplication.focusWidget()))
        return False

    def _focus_changed(self, _old, new) -> None:
        if self._painted:
            self._check(new)

    def _check(self, focused: QWidget | None) -> None:
        if focused is None or self._done:
            return
        if focused is self._field and self._field.hasFocus():
            self._finish("field")
        elif self._in_dialog(focused):
            self._finish("dialog")

    def _in_dialog(self, widget: QWidget) -> bool:
        top = widget.window()
        if top is self._window:
            return False
        while top is not None and top is not self._window:
            top = top.parentWidget()
        return top is self._window

    def _finish(self, focus: str) -> None:
        if self._done:
            return
        self._done = True
        self.at = time.perf_counter()
        self._give_up.stop()
        self._field.removeEventFilter(self)
        QApplication.instance().focusChanged.disconnect(self._focus_changed)
        self._ready(focus)
