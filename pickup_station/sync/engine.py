"""The sync engine: what moves between this pickup point's store and the server, and when it is safe.

One round (`SyncEngine.run_round`) = pull, push, heartbeat:

- **pull**: pages of changes after Meta `pull_cursor`; each page is applied and the cursor saved in
  ONE local transaction (`apply.apply_changes`). A malformed page (bad JSON, wrong shapes, a
  `ManifestError`) rolls that page back, keeps the cursor and is reported (`PageRejected`).
- **push**: the outbox oldest first, ≤ 500 events and < 2 MiB per request. A row is deleted only
  after the server answered for it: `accepted`/`duplicate` → deleted; `rejected` → parked as an
  `AttentionItem(kind="rejected_event")` in the same transaction as the delete. A 413 splits the
  request; a 422 (`event_id_conflict`, `validation_error`) is bisected down to the one bad event,
  which is parked too — one bad event never holds back the queue, and nothing loops forever.
- **heartbeat**: app version, pending events and station time; the server's clock skew is kept in
  Meta `clock_skew_s` (and `clock_ok`), `last_sync_at` (UTC ISO) after a round that got through.

No Qt: the CLI calls it directly, `ui/sync_controller.py` runs it in a worker thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from pickup_station import __version__
from pickup_station.errors import ManifestError, SyncAuthError, UserFacingError
from pickup_station.failures import failure_of
from pickup_station.store.db import Store, get_meta, iso, set_meta, utcnow
from pickup_station.store.models import AttentionItem, OutboxEvent
from pickup_station.sync import protocol as P
from pickup_station.sync.apply import apply_changes
from pickup_station.sync.client import PayloadTooLarge, RequestRefused, SyncClient, SyncError
from pickup_station.sync.courier import Courier, settle
from pickup_station.sync.outbox import oldest_events

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

META_CURSOR = "pull_cursor"
META_LAST_SYNC = "last_sync_at"
META_CLOCK_SKEW = "clock_skew_s"
META_CLOCK_OK = "clock_ok"
IDENTITY_KEYS = {"station_id": "station_id", "name": "station_name",
                 "address": "station_address", "leader_name": "station_leader_name"}
BISECT_CODES = {"event_id_conflict", "validation_error", "payload_too_large", "invalid_event"}


class PageRejected(P.ProtocolError):
    """A pull page could not be applied; nothing of it was kept and the cursor did not move."""

    code = "bad_page"


@dataclass
class PullReport:
    batches: int = 0
    orders: int = 0
    removed: int = 0
    pages: int = 0
    attention: list[str] = field(default_factory=list)


@dataclass
class PushReport:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    requests: int = 0


@dataclass
class RoundReport:
    """What one round moved and what waits; `as_json()` is the CLI `sync` payload."""

    ok: bool = False
    pulled: PullReport = field(default_factory=PullReport)
    pushed: PushReport = field(default_factory=PushReport)
    pending_events: int = 0
    attention: int = 0
    cursor: str | None = None
    last_sync: str | None = None
    clock_skew_s: float | None = None
    clock_ok: bool = True
    error: UserFacingError | None = None

    @property
    def changed_local_data(self) -> bool:
        p = self.pulled
        return bool(p.batches or p.orders or p.removed or self.pushed.rejected or p.attention)

    def as_json(self, lang: str = "zh_CN") -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "pulled": {"batches": self.pulled.batches, "orders": self.pulled.orders,
                       "removed": self.pulled.removed},
            "pushed": {"accepted": self.pushed.accepted, "duplicate": self.pushed.duplicate,
                       "rejected": self.pushed.rejected},
            "pending_events": self.pending_events,
            "attention": self.attention,
            "cursor": self.cursor,
            "last_sync": self.last_sync,
            "clock_skew_s": self.clock_skew_s,
            "clock_ok": self.clock_ok,
        }
        if self.error is not None:
            out["error"] = {"code": self.error.code, "message": self.error.message(lang)}
        return out


class SyncEngine:
    """Pull, push and heartbeat for one store and one server connection (one thread at a time)."""

    def __init__(self, store: Store, client: SyncClient, *, app_version: str = __version__,
                 pull_limit: int = P.PULL_LIMIT_MAX, push_batch: int = P.PUSH_MAX_EVENTS,
                 clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock  # the station's clock, as the heartbeat reports it
        self.client = client
        self.app_version = app_version
        self.pull_limit = pull_limit
        self.push_batch = min(push_batch, P.PUSH_MAX_EVENTS)
        self._identity_checked = False
        self._courier = Courier()  # the one thread that fetches ahead, for this engine's life

    # --- what waits -------------------------------------------------------------------------

    def pending_events(self) -> int:
        return pending_count(self.store)

    def attention_count(self) -> int:
        return attention_count(self.store)

    # --- pull -------------------------------------------------------------------------------

    def pull(self, progress: Progress | None = None,
             should_stop: ShouldStop | None = None,
             report: PullReport | None = None) -> PullReport:
        """Apply pages of changes after the stored cursor, one transaction per page (cursor
        included). The next page is fetched while this one is applied; a page that fails
        stops the pull and the one fetched after it is dropped."""
        report = report if report is not None else PullReport()
        cursor = self.store.get_meta(META_CURSOR)
        expected_total = 0
        if should_stop and should_stop():
            return report
        pool = self._courier
        future: Future | None = None
        try:
            future = pool.submit(self.client.pull, cursor, self.pull_limit)
            while True:
                page = future.result()
                next_cursor = page.cursor if page.cursor is not None else cursor
                more = page.has_more and bool(page.changes)
                if more and not (should_stop and should_stop()):
                    future = pool.submit(self.client.pull, next_cursor, self.pull_limit)
                for c in page.changes:
                    if c.kind == "batch":
                        try:
                            expected_total += int(c.data.get("order_count") or 0)
                        except (TypeError, ValueError):
                            pass
                self._apply_page(page, cursor, report)
                cursor = next_cursor
                if progress:
                    progress(report.orders, max(expected_total, report.orders))
                if page.has_more and not page.changes:
                    raise PageRejected("sync.empty_page")
                if not more or (should_stop and should_stop()):
                    break
        finally:
            settle(future)  # a page fetched ahead and not used is dropped
        return report

    def _apply_page(self, page: P.PullPage, cursor: str | None, report: PullReport) -> None:
        if not page.changes and (page.cursor is None or page.cursor == cursor):
            return
        first, last = (page.changes[0].seq, page.changes[-1].seq) if page.changes else (0, 0)
        try:
            with self.store.session() as s:
                applied = apply_changes(s, page.changes)
                if page.cursor is not None:
                    set_meta(s, META_CURSOR, page.cursor)
        except ManifestError as exc:
            raise PageRejected("sync.page_rejected", first=first, last=last,
                               error=exc) from exc
        except OperationalError:
            raise  # the local disk or lock, not the page
        except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError) as exc:
            if failure_of(exc) is not None:
                raise  # a damaged or full local disk, not a bad page
            raise PageRejected("sync.page_bad_data", first=first, last=last,
                               error_type=type(exc).__name__) from exc
        report.batches += applied.batches
        report.orders += applied.orders
        report.removed += applied.removed
        report.attention += applied.attention
        report.pages += 1

    # --- push -------------------------------------------------------------------------------

    def push(self, should_stop: ShouldStop | None = None,
             report: PushReport | None = None) -> PushReport:
        """Send the outbox oldest first. One request is in flight while the answer to the one
        before is committed and the next chunk is read (a small pipeline, still in order).
        Counts go into `report` as they happen, so a failure part way keeps what got through."""
        report = report if report is not None else PushReport()
        after_seq = 0
        inflight: tuple[list[_Row], Future] | None = None
        pool = self._courier
        try:
            while True:
                stopping = bool(should_stop and should_stop())
                chunk = None if stopping else self._next_chunk(after_seq)
                if chunk:
                    after_seq = chunk[-1].seq
                if inflight is None:
                    if not chunk:
                        break
                    inflight = (chunk, self._submit(pool, chunk, report))
                    continue
                prev, future = inflight
                inflight = None
                results = self._answer(prev, future, report)
                if chunk:  # the next request goes out while this answer is committed
                    inflight = (chunk, self._submit(pool, chunk, report))
                if results is not None:
                    self._record(prev, results, report)
                if inflight is None and not chunk:
                    break
        finally:  # an answer still out is dropped: its events go again
            settle(inflight[1] if inflight is not None else None)
        return report

    def _next_chunk(self, after_seq: int) -> list[_Row]:
        """The oldest events after `after_seq`: ≤ push_batch of them and under the byte limit."""
        chunk: list[_Row] = []
        size = 0
        for row in self._oldest(after_seq):
            if chunk and size + row.size > P.PUSH_BYTES_BUDGET:
                break
            chunk.append(row)
            size += row.size
        return chunk

    def _oldest(self, after_seq: int) -> list[_Row]:
        return [_Row(seq, event) for seq, event in
                oldest_events(self.store, after_seq, self.push_batch)]

    def _submit(self, pool: Courier, chunk: list[_Row], report: PushReport) -> Future:
        report.requests += 1
        return pool.submit(self.client.push, [r.event for r in chunk], [r.encoded for r in chunk])

    def _answer(self, chunk: list[_Row], future: Future, report: PushReport
                ) -> list[P.PushResult] | None:
        """The server's results for a chunk; None when a refusal was settled by splitting."""
        try:
            return future.result()
        except RequestRefused as exc:
            if not (isinstance(exc, PayloadTooLarge) or exc.error_code in BISECT_CODES):
                raise
            self._split(chunk, exc, report)
            return None
        except SyncError as exc:
            self._note_failure(chunk, exc.en)
            raise

    def _split(self, chunk: list[_Row], exc: RequestRefused, report: PushReport) -> None:
        """413 or 422 for a whole request: halve it until the one event at fault is alone."""
        if len(chunk) > 1:
            half = len(chunk) // 2
            self._push_chunk(chunk[:half], report)
            self._push_chunk(chunk[half:], report)
            return
        code = exc.error_code or ("payload_too_large" if exc.status == 413 else "refused")
        self._record(chunk, [P.PushResult(chunk[0].event["event_id"], "rejected", code,
                                          {"http_status": exc.status,
                                           "message": exc.server_message})], report)

    def _push_chunk(self, chunk: list[_Row], report: PushReport) -> None:
        """One request, synchronously (the splitting path)."""
        report.requests += 1
        try:
            results = self.client.push([r.event for r in chunk], [r.encoded for r in chunk])
        except RequestRefused as exc:
            if not (isinstance(exc, PayloadTooLarge) or exc.error_code in BISECT_CODES):
                raise
            self._split(chunk, exc, report)
            return
        except SyncError as exc:
            self._note_failure(chunk, exc.en)
            raise
        self._record(chunk, results, report)

    def _record(self, chunk: list[_Row], results: list[P.PushResult], report: PushReport) -> None:
        by_id = {r.event["event_id"]: r for r in chunk}
        done: dict[str, None] = {}  # ordered set
        now = iso(utcnow())
        with self.store.session() as s:
            for res in results:
                row = by_id.get(res.event_id)
                if row is None or res.event_id in done:
                    continue
                done[res.event_id] = None
                if res.status == "accepted":
                    report.accepted += 1
                elif res.status == "duplicate":
                    report.duplicate += 1
                else:
                    report.rejected += 1
                    s.add(AttentionItem(
                        kind="rejected_event", event_id=res.event_id,
                        event_type=row.event["type"], order_id=row.event.get("order_id"),
                        reason=res.reason or "rejected",
                        detail=json.dumps(_detail(res.detail, row.event), ensure_ascii=False),
                        created_at=now))
            ids = list(done)
            for i in range(0, len(ids), 500):
                s.execute(delete(OutboxEvent).where(OutboxEvent.event_id.in_(ids[i:i + 500])))
            missing = [eid for eid in by_id if eid not in done]
            if missing:  # the server did not answer for these: they stay and go again
                s.execute(update(OutboxEvent).where(OutboxEvent.event_id.in_(missing[:500]))
                          .values(attempts=OutboxEvent.attempts + 1,
                                  last_error="no result in the server's answer"))

    def _note_failure(self, chunk: list[_Row], error: str) -> None:
        try:
            with self.store.session() as s:
                s.execute(update(OutboxEvent)
                          .where(OutboxEvent.seq.in_([r.seq for r in chunk]))
                          .values(attempts=OutboxEvent.attempts + 1, last_error=error[:500]))
        except SQLAlchemyError:
            log.exception("could not note a push failure")

    # --- heartbeat, identity, locate -----------------------------------------------------

    def heartbeat(self) -> P.HeartbeatAnswer:
        answer = self.client.heartbeat(self.app_version, self.pending_events(), iso(self.clock()))
        with self.store.session() as s:
            set_meta(s, META_CLOCK_SKEW,
                     None if answer.clock_skew_seconds is None
                     else f"{answer.clock_skew_seconds:.1f}")
            set_meta(s, META_CLOCK_OK, "1" if answer.clock_ok else "0")
        return answer

    def refresh_identity(self) -> P.StationInfo | None:
        """Ask the server who we are and keep it in Meta (receipts print the name and address)."""
        info = self.client.me()
        if info is not None:
            save_identity(self.store, info)
        self._identity_checked = True
        return info

    def locate(self, token_sha256: str) -> dict | None:
        info = self.client.locate(token_sha256)
        return None if info is None else info.as_dict()

    # --- one round --------------------------------------------------------------------------

    def run_round(self, progress: Progress | None = None,
                  should_stop: ShouldStop | None = None) -> RoundReport:
        """Pull, push, heartbeat. Never raises a sync failure: it is in `report.error`."""
        report = RoundReport()
        if (damage := self.store.damage) is not None:  # failed its check (store/health.py)
            report.error = damage.error(self.store.path)  # neither pull into it nor push from it
            with suppress(Exception):  # the counts may sit on the damaged pages
                self._fill_state(report)
            return report
        pull_ok = push_ok = False
        try:
            self.pull(progress, should_stop, report.pulled)
            pull_ok = True
        except PageRejected as exc:
            report.error = exc  # the push does not depend on the pull: it still goes
        except (SyncError, SyncAuthError, P.ProtocolError) as exc:
            report.error = exc
        except Exception as exc:  # noqa: BLE001 - the local store: say it, never crash the caller
            report.error = _local_error(exc, self.store)
        if report.error is None or isinstance(report.error, PageRejected):
            try:
                self.push(should_stop, report.pushed)
                push_ok = True
            except (SyncError, SyncAuthError, P.ProtocolError) as exc:
                report.error = report.error or exc
            except Exception as exc:  # noqa: BLE001
                report.error = report.error or _local_error(exc, self.store)
        if push_ok:
            self._after_push(report)
        report.ok = pull_ok and push_ok and report.error is None
        if report.ok and not (should_stop and should_stop()):
            self.store.set_meta(META_LAST_SYNC, iso(utcnow()))
        self._fill_state(report)
        return report

    def _after_push(self, report: RoundReport) -> None:
        """Who we are (once per engine) and the heartbeat: neither holds back a good round,
        except a token the server no longer takes."""
        for step in ("identity", "heartbeat"):
            try:
                if step == "identity" and not self._identity_checked:
                    self.refresh_identity()
                elif step == "heartbeat":
                    hb = self.heartbeat()
                    report.clock_skew_s, report.clock_ok = hb.clock_skew_seconds, hb.clock_ok
            except (SyncError, SyncAuthError, P.ProtocolError) as exc:
                log.info("%s failed: %s", step, exc.en)
                if isinstance(exc, SyncAuthError):
                    report.error = report.error or exc
                    return

    def _fill_state(self, report: RoundReport) -> None:
        report.pending_events = self.pending_events()
        report.attention = self.attention_count()
        report.cursor = self.store.get_meta(META_CURSOR)
        report.last_sync = self.store.get_meta(META_LAST_SYNC)
        if report.clock_skew_s is None:
            skew = self.store.get_meta(META_CLOCK_SKEW)
            report.clock_skew_s = float(skew) if skew else None
            report.clock_ok = self.store.get_meta(META_CLOCK_OK, "1") != "0"


@dataclass
class _Row:
    seq: int
    event: dict
    encoded: bytes = b""
    size: int = 0

    def __post_init__(self):
        self.encoded = P.encode_event(self.event)
        self.size = len(self.encoded) + 1


def _local_error(exc: Exception, store: Store | None = None) -> UserFacingError:
    log.exception("sync round failed on the station side", exc_info=exc)
    machine = failure_of(exc, store.path if store is not None else None)
    if machine is not None:  # a damaged store is marked: no more rounds until it is checked
        if store is not None and machine.code == "store_corrupt":
            store.mark_damaged("while_working", [str(getattr(exc, "orig", exc))])
        return machine
    if isinstance(exc, OperationalError):
        return UserFacingError("sync.local_store", orig=exc.orig, code="local_store")
    return UserFacingError("sync.local_error", error_type=type(exc).__name__, error=exc,
                           code="local_error")


def _detail(server_detail: Any, event: dict) -> dict:
    out = dict(server_detail) if isinstance(server_detail, dict) else (
        {} if server_detail is None else {"server_detail": server_detail})
    out["event"] = event
    return out


def pending_count(store: Store) -> int:
    """Outbox events not yet answered for by the server."""
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent)) or 0


def attention_count(store: Store) -> int:
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(AttentionItem)
                        .where(AttentionItem.resolved_at.is_(None))) or 0


def save_identity(store: Store, info: P.StationInfo) -> None:
    data = asdict(info)
    with store.session() as s:
        for field_name, key in IDENTITY_KEYS.items():
            set_meta(s, key, data.get(field_name) or "")


def engine_for(store: Store, server_url: str, token: str, **client_kwargs) -> SyncEngine:
    return SyncEngine(store, SyncClient(server_url, token, **client_kwargs))


def stored_identity(store: Store) -> dict[str, str | None]:
    with store.reader() as s:
        return {key: get_meta(s, key) for key in IDENTITY_KEYS.values()}
