"""Work-around for a refcount bug of PySide6 6.12.0 on Python 3.11.

Every call of a Qt method that returns nothing (`QPainter.setFont`, `QObject.setObjectName`, ...)
hands back `None` without taking a reference, so None's reference count drops by one per call;
after a few thousand calls Python aborts with "Fatal Python error: none_dealloc". Python 3.12+
makes None immortal, so the bug only bites on 3.11 and older. The guard measures whether the
running PySide6 has the bug and, if so, gives None a huge reference count once (what 3.12 does).
Idempotent and cheap; a no-op on a fixed PySide6 or a newer Python.
"""

from __future__ import annotations

import ctypes
import sys
import threading

_lock = threading.Lock()
_applied = False
LEAKS_PER_CALL_LIMIT = 0.5
BOOST = 1 << 40


def pyside_leaks_none(samples: int = 64) -> bool:
    """Whether calling a void Qt method loses a reference to None."""
    from PySide6.QtCore import QPoint

    point = QPoint()
    before = sys.getrefcount(None)
    for _ in range(samples):
        point.setX(1)
    return (before - sys.getrefcount(None)) > samples * LEAKS_PER_CALL_LIMIT


def pyside_leaks_true(samples: int = 64) -> bool:
    """Whether `Signal.emit` (which returns True) loses a reference to True (same bug)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(samples):
        probe.ping.emit()
    return (before - sys.getrefcount(True)) > samples * LEAKS_PER_CALL_LIMIT


def apply() -> bool:
    """Make None effectively immortal when the running PySide6 needs it. True when applied."""
    global _applied
    if sys.version_info >= (3, 12):
        return False
    with _lock:
        if _applied:
            return True
        if not pyside_leaks_none():
            return False
        refcnt = ctypes.c_ssize_t.from_address(id(None))
        refcnt.value += BOOST
        if pyside_leaks_true():  # every signal emit in the app would count True down
            for obj in (True, False):
                ctypes.c_ssize_t.from_address(id(obj)).value += BOOST
        _applied = True
        return True


apply()
