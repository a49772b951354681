"""Background sync for the app: one worker thread that runs rounds when asked, with backoff.

`SyncRunner` is plain Python (no Qt); `ui/sync_controller.py` wraps it in a QObject.

- `request()` — something changed locally (a hand-over, an arrival check) or the timer ticked:
  one round soon. Requests coalesce (a burst of hand-overs gives one round after `debounce_s`)
  and respect the backoff after a failure, so an offline counter does not hammer the network;
  the status (pending count) is refreshed at once anyway.
- `request(force=True)` — the host pressed "Sync now": a round right away, backoff or not.
- After a failed round the next one waits: truncated exponential backoff with jitter, or the
  server's `Retry-After` on 429.
- The server address and token are read from `credentials()` before every round, so re-pairing
  takes effect without a restart; when there are none the state says "not paired".
- Before a round the store gets its daily full integrity check (`Store.check_if_due`); a store
  found damaged (then, or on open) is neither pulled into nor pushed from: the state says
  `store_damaged` ("本地数据库损坏，已停止上传") and its error says what to do. Then the daily
  backup (`store/backup.py`: when the newest is older than a day).

Callbacks run in the worker thread: `on_report(RoundReport)` after each round,
`on_state(SyncState)` whenever the status should be redrawn, `on_progress(done, total)` while a
first download (empty cursor) runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from pickup_station.errors import (
    DiskFull,
    MachineError,
    StoreCorrupt,
    SyncAuthError,
    UserFacingError,
)
from pickup_station.messages import Message, render
from pickup_station.store import backup
from pickup_station.store.db import Store, parse_iso
from pickup_station.sync.client import (
    Backoff,
    RateLimited,
    SyncClient,
    SyncOffline,
    SyncServerError,
)
from pickup_station.sync.engine import (
    META_CURSOR,
    META_LAST_SYNC,
    PageRejected,
    RoundReport,
    SyncEngine,
    attention_count,
    pending_count,
)

log = logging.getLogger(__name__)

Credentials = Callable[[], tuple[str, str]]


@dataclass
class SyncState:
    """What the status bar shows: connection, last good sync, what waits."""

    connection: str = "unknown"  # online / offline / unauthorized / server_error / busy /
    #                      bad_data / not_paired / local_error / store_damaged / disk_full / unknown
    last_sync: str | None = None  # UTC ISO of the last round that got through
    pending_events: int = 0
    attention: int = 0
    error: str | None = None  # the last error, in the user's language
    next_try_in_s: float | None = None

    def label(self, lang: str = "zh_CN", tz: tzinfo | None = None) -> str:
        """e.g. `已同步 14:32 · 待上传 3`, `离线 · 待上传 12` (English: `Synced 14:32 · 3 to upload`)."""
        if self.connection == "online" and self.last_sync:
            head = Message("sync.synced_at", time=local_time(self.last_sync, tz))
        else:
            state = self.connection if self.connection in CONNECTIONS else "unknown"
            head = Message(f"sync.state.{state}")
        return render("sync.label", lang, head=head, pending=self.pending_events)


# The connection states; each is worded once, in `pickup_station.messages` (`sync.state.*`).
CONNECTIONS = ("online", "offline", "unauthorized", "server_error", "busy", "bad_data",
               "not_paired", "local_error", "store_damaged", "disk_full", "unknown")


def local_time(utc_iso: str, tz: tzinfo | None = None) -> str:
    """UTC ISO → `14:32` today in the station's local time, `11-21 14:32` on another day."""
    dt = parse_iso(utc_iso)
    if dt is None:
        return ""
    local = dt.astimezone(tz)
    today = datetime.now(local.tzinfo).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def connection_of(error: UserFacingError | None) -> str:
    if error is None:
        return "online"
    if isinstance(error, SyncAuthError):
        return "unauthorized"
    if isinstance(error, RateLimited):
        return "busy"
    if isinstance(error, SyncServerError):
        return "server_error"
    if isinstance(error, PageRejected):
        return "bad_data"
    if isinstance(error, SyncOffline):
        return "offline"
    if isinstance(error, StoreCorrupt):
        return "store_damaged"
    if isinstance(error, DiskFull):
        return "disk_full"
    if isinstance(error, MachineError) or error.code in ("local_store", "local_error",
                                                         "internal_error"):
        return "local_error"
    return "server_error"


class SyncRunner:
    def __init__(self, store: Store, credentials: Credentials, *,
                 on_report: Callable[[RoundReport], None] | None = None,
                 on_state: Callable[[SyncState], None] | None = None,
                 on_progress: Callable[[int, int], None] | None = None,
                 backoff: Backoff | None = None, debounce_s: float = 0.3,
                 lang: str = "zh_CN", client_factory: Callable[[str, str], SyncClient] | None = None,
                 app_version: str | None = None):
        self.store = store
        self.credentials = credentials
        self.on_report = on_report or (lambda r: None)
        self.on_state = on_state or (lambda s: None)
        self.on_progress = on_progress
        self.backoff = backoff or Backoff(base=5.0, cap=300.0)
        self.debounce_s = debounce_s
        self.lang = lang
        self.client_factory = client_factory or (lambda url, token: SyncClient(url, token))
        self.app_version = app_version
        self.state = SyncState()
        if (damage := store.damage) is not None:  # found on open: say so before any round
            self.state.connection = "store_damaged"
            self.state.error = damage.error(store.path).message(lang)
        try:
            self.state.last_sync = store.get_meta(META_LAST_SYNC)
        except Exception:
            if damage is None:
                raise
        self._cond = threading.Condition()
        self._requested_at: float | None = None
        self._force = False
        self._refresh = True
        self._stop = False
        self._not_before = 0.0
        self._engine: SyncEngine | None = None
        self._engine_key: tuple[str, str] | None = None
        self._thread = threading.Thread(target=self._loop, name="sync-runner", daemon=True)
        self.rounds = 0

    # --- control (any thread) ---------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def request(self, force: bool = False) -> None:
        with self._cond:
            if force:
                self._force = True
            elif self._requested_at is None:
                self._requested_at = time.monotonic()
            self._refresh = True
            self._cond.notify_all()

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the worker to finish (between pages / requests) and wait for it. True if it did."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        engine = self._engine
        if engine is not None and not self._thread.is_alive():
            engine.client.close()
        return not self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop

    # --- the worker -------------------------------------------------------------------------

    def _due(self) -> tuple[bool, float | None]:
        """(run a round now?, how long to sleep otherwise). Called with the lock held."""
        if self._force:
            return True, None
        if self._requested_at is None:
            return False, None
        now = time.monotonic()
        due_at = max(self._not_before, self._requested_at + self.debounce_s)
        return (now >= due_at), max(0.0, due_at - now)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stop:
                    due, wait = self._due()
                    if due:
                        break
                    if self._refresh:
                        break
                    self._cond.wait(wait)
                if self._stop:
                    return
                refresh_only = not due
                self._refresh = False
                if due:
                    self._force = False
                    self._requested_at = None
            try:
                if refresh_only:
                    self._publish_counts()
                else:
                    self._round()
            except Exception:  # never let the worker die: log it and carry on
                log.exception("sync worker error")
                time.sleep(1.0)

    def _publish_counts(self) -> None:
        self.state.pending_events = pending_count(self.store)
        self.state.attention = attention_count(self.store)
        self.on_state(self.state)

    def _engine_for(self, url: str, token: str) -> SyncEngine:
        if self._engine is None or self._engine_key != (url, token):
            if self._engine is not None:
                self._engine.client.close()
            kwargs = {"app_version": self.app_version} if self.app_version else {}
            self._engine = SyncEngine(self.store, self.client_factory(url, token), **kwargs)
            self._engine_key = (url, token)
        return self._engine

    def _round(self) -> None:
        url, token = self.credentials()
        if not (url and token):
            self.state.connection = "not_paired"
            self.state.error = None
            self._publish_counts()
            return
        engine = self._engine_for(url, token)
        try:  # the daily full integrity check; a damaged store makes the round refuse
            self.store.check_if_due()
        except Exception:
            log.exception("store integrity check could not run")
        try:  # the daily backup (store/backup.py), in this worker: never on the UI thread
            backup.backup_if_due(self.store.path)
        except Exception:
            log.exception("the daily backup could not be made")
        first_download = not self.store.get_meta(META_CURSOR)
        progress = self.on_progress if (first_download and self.on_progress) else None
        report = engine.run_round(progress, should_stop=lambda: self._stop)
        self.rounds += 1
        if report.ok:
            self.backoff.reset()
            self._not_before = 0.0
            delay = None
        else:
            err = report.error
            delay = (err.retry_after if isinstance(err, RateLimited)
                     else self.backoff.next_delay())
            self._not_before = time.monotonic() + delay
        st = self.state
        st.connection = connection_of(report.error)
        st.error = report.error.message(self.lang) if report.error else None
        st.last_sync = report.last_sync
        st.pending_events = report.pending_events
        st.attention = report.attention
        st.next_try_in_s = delay
        if delay is not None:
            log.info("sync round failed (%s); next try in %.0f s", st.error, delay)
            with self._cond:  # try again by itself once the backoff has passed
                if self._requested_at is None:
                    self._requested_at = time.monotonic()
        self.on_report(report)
        self.on_state(st)
