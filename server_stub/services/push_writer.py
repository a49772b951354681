"""Group commit of pushes on SQLite: one writer thread, one transaction for many pushes.

SQLite has one writer at a time. With a thread per push, each push took the write lock, paid
for its own BEGIN and COMMIT (the COMMIT writes every page it touched to the WAL), and the
threads queued on the lock fought the event loop for the interpreter. Here the pushes waiting
at one moment, from any stations, are written by one thread in one transaction, each inside a
SAVEPOINT:

- a push that fails on its own (422 `event_id_conflict`, 409 `retry`, ...) is rolled back to
  its savepoint and gets its error; the others of the group are not touched;
- any other failure (the database refuses, the disk is full) rolls the whole group back, and
  its pushes are then written one by one, so only the push that fails gets the error;
- every push is answered after the COMMIT that holds it: an answer means the events are stored
  (exactly once: services/events.py decides, per push, as before).

PostgreSQL has no single writer: there each push keeps its own transaction on a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from typing import Any

from ..db import Database
from ..errors import DomainError
from . import events as event_service

log = logging.getLogger("server_stub.push_writer")

MAX_GROUP = 64  # pushes in one transaction at most (≤ 64 × 500 events)


class PushWriter:
    def __init__(self, db: Database, max_group: int = MAX_GROUP):
        self.db, self.max_group = db, max_group
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.taken = 0  # pushes taken off the queue by the writer thread (tests, benches)
        self.groups = 0  # transactions committed
        self.pushes = 0  # pushes in them

    async def push(self, station_id: str, events: list) -> list[dict]:
        """The push's per-event results once committed; raises what the push raised."""
        self._ensure_started()
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._queue.put((station_id, events, loop, done))
        return await done

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="push-writer", daemon=True)
                thread.start()
                self._thread = thread

    def stop(self, timeout: float = 10.0) -> None:
        """Writes what is queued, then ends the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    # --- the writer thread --------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            group = [item]
            while len(group) < self.max_group:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                group.append(item)
            self.taken += len(group)
            try:
                self._write(group)
            except BaseException:  # never leave a push unanswered
                log.exception("push writer")
                for *_, loop, done in group:
                    _answer(loop, done, False, RuntimeError("push writer failed"))

    def _write(self, group: list[tuple]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.db.write() as conn:
                for station_id, events, *_ in group:
                    if len(group) == 1:
                        outcomes.append((True, event_service.push(
                            self.db, conn, station_id, events)))
                        continue
                    savepoint = conn.begin_nested()
                    try:
                        results = event_service.push(self.db, conn, station_id, events)
                    except DomainError as exc:  # this push's own refusal (422, 409)
                        savepoint.rollback()
                        outcomes.append((False, exc))
                        continue
                    savepoint.commit()
                    outcomes.append((True, results))
        except Exception as exc:  # noqa: BLE001 - the database's: retried one push at a time
            if len(group) > 1:
                for item in group:
                    self._write([item])
                return
            outcomes = [(False, exc)]
        self.groups += 1
        self.pushes += len(group)
        for (ok, value), (*_, loop, done) in zip(outcomes, group, strict=True):
            _answer(loop, done, ok, value)


def _answer(loop: asyncio.AbstractEventLoop, done: asyncio.Future, ok: bool, value) -> None:
    def settle() -> None:
        if done.done():  # the client went away meanwhile: stored all the same
            return
        if ok:
            done.set_result(value)
        else:
            done.set_exception(value)

    try:
        loop.call_soon_threadsafe(settle)
    except RuntimeError:  # the loop is closed (shutdown)
        pass
