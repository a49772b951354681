"""The sync engine's one helper thread: it carries the next request while the engine applies
the answer to the one before (no Qt; `SyncEngine` owns one `Courier` for its whole life, instead
of a thread pool per pull and per push)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait


class Courier:
    """One worker thread per engine that carries the request ahead of the one being applied
    (the pull's next page, the push's next chunk): requests stay in order, one at a time.
    Started on first use; it ends by itself after `idle_s` without work, so an engine that is
    simply dropped leaves no thread behind, and a round's pull and push share one thread."""

    def __init__(self, idle_s: float = 30.0):
        self.idle_s = idle_s
        self._jobs: queue.Queue[tuple[Future, Callable, tuple]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        with self._lock:
            self._jobs.put((future, fn, args))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="sync-courier",
                                                daemon=True)
                self._thread.start()
        return future

    def _work(self) -> None:
        while True:
            try:
                future, fn, args = self._jobs.get(timeout=self.idle_s)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():  # nothing came in meanwhile: end here
                        self._thread = None
                        return
                continue
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's result()
                    future.set_exception(exc)
            del future, fn, args


def settle(future: Future | None) -> None:
    """Wait for a request still out, and drop its outcome."""
    if future is not None:
        wait([future])
