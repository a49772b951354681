"""The one road for background work (after Anki's `CollectionOp`/`QueryOp` and `taskman.py`).

Every job of the window that would make the UI thread wait goes through here::

    tasks.op(lambda: counter.hand_over(...), lane="write", parent=self) \\
        .success(self._handed_over).failure(self._handover_failed).run()

`fn` runs off the UI thread; `success(result)` or `failure(exc)` is called back on the UI
thread (through one queued signal). Without a failure callback, the failure goes to the one
error presenter (`ui/errors.py`: a `UserFacingError` in the user's language, anything else
logged with a generic sentence). `progress(label)` asks for `busy(label)` to be emitted if the
job is still running after `PROGRESS_AFTER_MS`, so quick work never flashes a busy sign.
When `parent` is gone by the time the job ends (a closed dialog, a deleted view), the result is
dropped, not delivered. `tasks.run(fn, on_done, on_error, lane=...)` is the short form.

Lanes (thread pools owned here, and nowhere else in the package):

- `write`: ONE thread, the only writer of the store. SQLite likes one writer, and writes run in
  the order they were asked for (a hand-over confirmed first is committed first);
- `read`: two threads for lookups, figures and exports;
- `network`: HTTP that is not a sync round (pairing check, "which pickup point holds this?");
- `devices`: one-off device work (the long-running device loops keep their own thread behind
  `DeviceLoop`).

`shutdown()` finishes the queued writes (a confirmed hand-over is never dropped), cancels what
waits on the other lanes and delivers nothing more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from shiboken6 import isValid

from pickup_station.ui.errors import ErrorPresenter

log = logging.getLogger(__name__)

LANES = {"write": 1, "read": 2, "network": 4, "devices": 2}
PROGRESS_AFTER_MS = 600


class DeviceLoop(Protocol):
    """A device or sync loop with its own thread (camera, serial scanner, print queue, sync
    runner): the window only starts it (each its own way) and stops it on quit."""

    def stop(self) -> object: ...


class Op:
    """One background operation; build it with `Tasks.op`, then `.run()` it once."""

    def __init__(self, tasks: Tasks, fn: Callable[[], Any], lane: str,
                 parent: QObject | None = None):
        if lane not in LANES:
            raise ValueError(f"no such lane: {lane!r} (lanes: {', '.join(LANES)})")
        self._tasks = tasks
        self._fn: Callable[[], Any] | None = fn
        self.lane = lane
        self._parent = parent
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self.label: str | None = None
        self.done = False

    def success(self, cb: Callable[[Any], None]) -> Op:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op:
        self._on_failure = cb
        return self

    def progress(self, label: str) -> Op:
        self.label = label
        return self

    def run(self) -> Future | None:
        return self._tasks._submit(self)

    # --- worker thread --------------------------------------------------------------------
    def _work(self) -> None:
        fn, self._fn = self._fn, None  # no reference to the caller's objects stays here
        try:
            result, exc = fn(), None
        except BaseException as e:  # noqa: BLE001 - handed to the UI thread's failure path
            result, exc = None, e
        del fn
        self._tasks._job_ended(self, result, exc)

    # --- UI thread ------------------------------------------------------------------------
    def _deliver(self, result: Any, exc: BaseException | None) -> None:
        on_success, on_failure, parent = self._on_success, self._on_failure, self._parent
        self._on_success = self._on_failure = self._parent = None  # released on this thread
        if parent is not None and not isValid(parent):
            if exc is not None:
                log.info("operation ended after its window closed: %r", exc)
            return
        if exc is not None:
            if on_failure is not None:
                on_failure(exc)
            else:
                self._tasks.errors.present(exc)
        elif on_success is not None:
            on_success(result)


class Tasks(QObject):
    busy = Signal(str)  # the label of a slow operation still running; "" when none is
    _finished = Signal(object, object, object)  # op, result, exception

    def __init__(self, parent: QObject | None = None, *, errors: ErrorPresenter | None = None):
        super().__init__(parent)
        self.errors = errors or ErrorPresenter(parent=self)
        self._lanes = {name: ThreadPoolExecutor(n, thread_name_prefix=f"lane-{name}")
                       for name, n in LANES.items()}
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._slow: list[Op] = []  # ops past PROGRESS_AFTER_MS, oldest first
        self._finished.connect(self._deliver)

    def op(self, fn: Callable[[], Any], *, lane: str = "read",
           parent: QObject | None = None) -> Op:
        return Op(self, fn, lane, parent)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, *, lane: str = "read"):
        """Short form of `op(fn, lane=lane).success(on_done).failure(on_error).run()`."""
        op = self.op(fn, lane=lane)
        if on_done is not None:
            op.success(on_done)
        if on_error is not None:
            op.failure(on_error)
        return op.run()

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def closed(self) -> bool:
        return self._closed

    def _submit(self, op: Op) -> Future | None:
        if self._closed:
            return None
        with self._lock:
            self._pending += 1
        if op.label:
            QTimer.singleShot(PROGRESS_AFTER_MS, self, lambda: self._maybe_busy(op))
        try:
            future = self._lanes[op.lane].submit(op._work)
        except RuntimeError:  # shut down meanwhile
            with self._lock:
                self._pending -= 1
            return None
        future.add_done_callback(self._maybe_cancelled)
        return future

    def _maybe_cancelled(self, future: Future) -> None:
        """A job cancelled by `shutdown` before it started never ends by itself: count it out."""
        if future.cancelled():
            with self._lock:
                self._pending -= 1

    def _job_ended(self, op: Op, result: Any, exc: BaseException | None) -> None:
        """Worker thread: hand the outcome to the UI thread (or log it when closed)."""
        with self._lock:
            self._pending -= 1
        if not self._closed:
            self._finished.emit(op, result, exc)
        elif exc is not None:
            log.error("background job failed after close", exc_info=exc)

    def _maybe_busy(self, op: Op) -> None:
        if not op.done and not self._closed:
            self._slow.append(op)
            self.busy.emit(op.label or "")

    @Slot(object, object, object)
    def _deliver(self, op: Op, result: Any, exc: BaseException | None) -> None:
        op.done = True
        if op in self._slow:
            self._slow.remove(op)
            self.busy.emit(self._slow[-1].label or "" if self._slow else "")
        op._deliver(result, exc)

    def shutdown(self, wait: bool = True) -> None:
        """Finish queued writes (a confirmed hand-over is never dropped), then stop."""
        self._closed = True
        for name in LANES:
            if name != "write":
                self._lanes[name].shutdown(wait=False, cancel_futures=True)
        self._lanes["write"].shutdown(wait=wait)

    def join(self) -> None:
        """Wait for every lane's threads (tests: no Qt object is ever released on one)."""
        for lane in self._lanes.values():
            lane.shutdown(wait=True)
