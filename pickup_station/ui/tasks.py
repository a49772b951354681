"""One road for background work (after Anki's taskman): the UI thread never waits on I/O.

`Tasks.run(fn, on_done, on_error, lane="read")` runs `fn()` off the UI thread and calls
`on_done(result)` or `on_error(exc)` back on the UI thread. Lanes: `write` is a single thread
(SQLite likes one writer, and hand-overs are serialised in the order they were confirmed);
`read` is a small pool for lookups; `io` is for network and devices.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class Tasks(QObject):
    _finished = Signal(object, object, object, object)  # callback, errback, result, exc

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lanes = {
            "write": ThreadPoolExecutor(1, thread_name_prefix="db-write"),
            "read": ThreadPoolExecutor(2, thread_name_prefix="db-read"),
            "io": ThreadPoolExecutor(4, thread_name_prefix="io"),
        }
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, *, lane: str = "read"):
        if self._closed:
            return None
        with self._lock:
            self._pending += 1

        def job():
            try:
                result, exc = fn(), None
            except BaseException as e:  # noqa: BLE001 - handed to the UI's error path
                result, exc = None, e
            with self._lock:
                self._pending -= 1
            if not self._closed:
                self._finished.emit(on_done, on_error, result, exc)
            elif exc is not None:
                log.error("background job failed after close", exc_info=exc)

        return self._lanes[lane].submit(job)

    @property
    def pending(self) -> int:
        return self._pending

    @Slot(object, object, object, object)
    def _deliver(self, on_done, on_error, result, exc) -> None:
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background job failed", exc_info=exc)
        elif on_done is not None:
            on_done(result)

    def shutdown(self, wait: bool = True) -> None:
        """Finish queued writes (a confirmed hand-over is never dropped), then stop."""
        self._closed = True
        self._lanes["write"].shutdown(wait=wait)
        for name in ("read", "io"):
            self._lanes[name].shutdown(wait=False, cancel_futures=True)
