"""WAL checkpoints on a thread of their own, so that no commit waits for one.

SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: about
every 30th hand-over paid for copying ~4 MB into the database file and syncing it, 5-10 ms on
the counter's path (bench/counter_latency.py: 10 of 300 confirms). A `Store` opened with
`background_checkpoint=True` (the window's, `app.build_services`) switches that off on its
connections (`wal_autocheckpoint=0`) and this thread checkpoints instead: PASSIVE, so it never
blocks a writer or a reader, right after every `every`-th committed write transaction (the
moment the writer has just finished, before the next customer's confirm) and at most
`max_delay_s` after any commit it has not covered yet.

Durability does not change: a commit is durable once its WAL frames are synced
(synchronous=FULL on every connection). The checkpoint runs with synchronous=FULL too: SQLite
syncs the WAL before copying and the database file after, before the WAL may be reused.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

EVERY = 16  # committed write transactions (a hand-over writes ~20-40 pages)
MAX_DELAY_S = 2.0


class Checkpointer:
    """`nudge()` after each committed write transaction; `close()` when the store closes."""

    def __init__(self, path: Path, *, every: int = EVERY, max_delay_s: float = MAX_DELAY_S):
        self.path = Path(path)
        self.every = max(1, every)
        self.max_delay_s = max_delay_s
        self.runs = 0  # checkpoints done
        self.last: tuple[int, int, int] | None = None  # (busy, WAL frames, frames copied)
        self._pending = 0
        self._closed = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """A write transaction was committed (cheap: a lock and a counter)."""
        with self._cond:
            if self._closed:
                return
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="store-checkpoint",
                                                daemon=True)
                self._thread.start()
            if self._pending >= self.every:
                self._cond.notify()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the thread (a checkpoint in progress ends first)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # --- the thread -------------------------------------------------------------------------
    def _due(self) -> bool:
        """Wait until a checkpoint is due; False once closed."""
        with self._cond:
            while not self._closed:
                if self._pending >= self.every:
                    break
                if self._pending:
                    if not self._cond.wait(self.max_delay_s) and self._pending:
                        break  # the oldest uncovered commit has waited long enough
                else:
                    self._cond.wait()
            if self._closed:
                return False
            self._pending = 0
            return True

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error:
            log.exception("WAL checkpointer: cannot open %s", self.path)
            return
        try:
            conn.execute("PRAGMA synchronous=FULL")
            while self._due():
                self.checkpoint(conn)
        finally:
            conn.close()

    def checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # e.g. the disk is gone: the next commit nudges again
            log.warning("WAL checkpoint of %s failed: %s", self.path, exc)
            return
        self.last = tuple(row)
        self.runs += 1
