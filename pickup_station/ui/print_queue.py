"""The print queue: one worker thread per printer, so two prints never interleave and the
counter never waits for paper.

The window calls `enqueue_receipt(pickup_id)` after the hand-over is committed (enqueue returns
at once); the worker reads the store, lays the paper out, and prints. A print that fails
(printer off, out of paper, unplugged) is kept in `failed_jobs()` for `retry_failed()`, and the
`printerStatus` line says so. Any receipt can be printed again with `reprint(pickup_id)` (补打).
Kept papers are also written to the store (`core/print_jobs.py`, by kind and ids, never the
text), so after a restart the worker loads them back first and "retry all" still finds them.

The printing machinery (the paper layouts, `hardware.printers`, python-escpos: ~0.3 s to
import) is imported by the worker at its first job, or when `warm_up()` asks for it: the
window's start does not wait for it. Call `hardware.escpos_cache.prepare()` before that first
job, as `app.py` does.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal

from pickup_station.config import PrinterSettings, Settings
from pickup_station.core import print_jobs
from pickup_station.errors import UserFacingError
from pickup_station.messages import render
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)

if TYPE_CHECKING:
    from pickup_station.core.papers import DaySummary, Printable
    from pickup_station.hardware.escpos_cn import PrinterState
    from pickup_station.store.db import Store

log = logging.getLogger(__name__)

MAX_FAILED = 100  # oldest failed jobs beyond this are dropped (receipts stay reprintable)


@dataclass
class PrintJob:
    """One paper to print: what (kind) and which (pickup id, order id, summary)."""

    job_id: int
    kind: str  # receipt / label / day_summary / test / status
    target: str | DaySummary | None = None
    reprint: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    attempts: int = 0
    error: UserFacingError | None = None
    bytes_sent: int = 0
    stored_id: int | None = None  # its row in the store's print_jobs once it failed


class PrintQueue(QObject):
    """Prints receipts, labels and day summaries on a worker thread; reports by signals."""

    present = True  # a real queue (ui.services.NullPrinter says False)
    statusChanged = Signal(str)  # the text of the window's printerStatus label
    jobFinished = Signal(int, bool, str)  # job id, printed?, message for the host
    failedChanged = Signal(int)  # how many papers wait for a reprint
    _changed = Signal(object)  # worker → owner thread: recompute the status (PrinterState|None)

    def __init__(self, store: Store, settings: Callable[[], Settings], parent: QObject | None = None,
                 *, printer_factory: Callable[[PrinterSettings], object] | None = None,
                 rasterize=None, status_timeout: float = 0.5, lang: str | None = None):
        super().__init__(parent)
        self._lang_fixed = lang  # the window's language; else the settings file's
        self._store = store
        self._settings = settings
        self._factory = printer_factory  # None: hardware.printers.make_printer (worker)
        self._rasterize = rasterize
        self._status_timeout = status_timeout
        self._ids = itertools.count(1)
        self._queue: queue.Queue[PrintJob | None] = queue.Queue()
        self._lock = threading.Lock()
        self._failed: list[PrintJob] = []
        self._pending = 0
        self._last_error: UserFacingError | None = None
        self._status = ""
        # the status text is computed and emitted only on the thread that owns the queue, so
        # its updates arrive in order; the worker asks for it through this queued signal
        self._changed.connect(self._publish, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()
        self._publish()

    # ---- what the window calls (all return at once) ----------------------------------------

    def enqueue_receipt(self, pickup_id: str) -> int:
        """Print the receipt of a hand-over that is already committed."""
        return self._enqueue("receipt", pickup_id)

    def reprint(self, pickup_id: str) -> int:
        """Print a receipt again, marked 补打 (pickup id or receipt number)."""
        return self._enqueue("receipt", pickup_id, reprint=True)

    def enqueue_label(self, order_id: str) -> int:
        return self._enqueue("label", order_id)

    def enqueue_day_summary(self, summary: DaySummary | dict) -> int:
        if isinstance(summary, dict):
            from pickup_station.core.papers import DaySummary

            summary = DaySummary.from_dict(summary)
        return self._enqueue("day_summary", summary)

    def enqueue_day_closing(self, day, reprint: bool = False) -> int:
        """The closing slip of a closed day (`core/day_close.py`), first print or reprint."""
        return self._enqueue("day_closing", (day.isoformat(), reprint))

    def enqueue_packing_list(self, batch_id: str) -> int:
        return self._enqueue("packing_list", batch_id)

    def enqueue_combined_slip(self, pickup_ids: list[str]) -> int:
        """One slip for everything a delegate collected (`papers/combined.py`)."""
        return self._enqueue("combined_slip", list(pickup_ids))

    def test_print(self) -> int:
        """The settings screen's 'test print' button."""
        return self._enqueue("test", None)

    def refresh_status(self) -> int:
        """Ask the printer how it is (no paper used); the answer comes by statusChanged."""
        return self._enqueue("status", None)

    def warm_up(self, then: Callable[[], None] | None = None) -> None:
        """Have the worker import the printing machinery now (the app asks once its window is
        up), so the first receipt does not wait for it; `then()` is called on the worker once
        it has. Nothing is printed or reported."""
        self._queue.put(PrintJob(-1, "warm_up", then))

    def retry_failed(self) -> list[int]:
        """Print every kept paper again (receipts as they were, not as 补打)."""
        with self._lock:
            jobs, self._failed = self._failed, []
        for job in jobs:
            self._submit(job)
        self.failedChanged.emit(0)
        return [j.job_id for j in jobs]

    def failed_jobs(self) -> list[PrintJob]:
        with self._lock:
            return list(self._failed)

    def discard_failed(self, job_id: int | None = None) -> None:
        """Forget one kept paper (or all of them); the store forgets it on the worker."""
        with self._lock:
            gone = [j for j in self._failed if job_id is None or j.job_id == job_id]
            self._failed = [j for j in self._failed if job_id is not None and j.job_id != job_id]
            n = len(self._failed)
        for job in gone:
            if job.stored_id is not None:
                self._queue.put(PrintJob(-1, "dismiss", job.stored_id))
        self.failedChanged.emit(n)
        self._request_publish()

    def status_text(self) -> str:
        return self._status

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued job is done (tests, shutdown). Not for the UI thread."""
        done = threading.Event()
        self._queue.put(PrintJob(-1, "barrier", done))  # type: ignore[arg-type]
        return done.wait(timeout)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the worker after the job in hand (call when the app quits)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def stop(self) -> None:
        """`ui.tasks.DeviceLoop`: the window stops every loop the same way on quit."""
        self.shutdown()

    # ---- inside ----------------------------------------------------------------------------

    def _enqueue(self, kind: str, target, reprint: bool = False) -> int:
        job = PrintJob(next(self._ids), kind, target, reprint)
        self._submit(job)
        return job.job_id

    def _submit(self, job: PrintJob) -> None:
        with self._lock:
            self._pending += 1
        self._queue.put(job)
        self._request_publish()

    def _run(self) -> None:
        self._load_stored()
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.kind == "barrier":
                job.target.set()  # type: ignore[union-attr]
                continue
            if job.kind == "warm_up":
                try:
                    self._machinery()
                    if job.target is not None:
                        job.target()
                except Exception:  # the first real job will say what is missing
                    log.exception("print queue warm-up failed")
                continue
            if job.kind == "dismiss":
                self._store_call(print_jobs.dismiss, self._store, job.target)
                continue
            try:
                self._do(job)
            except Exception:  # a bug must not kill the worker: keep the paper, say so
                log.exception("print job %s failed", job.job_id)
                job.error = UserFacingError("print_queue.program_error")
                self._finish(job, False, keep=True)

    # ---- kept papers in the store (worker thread) --------------------------------------------

    def _store_call(self, fn, *args):
        try:
            return fn(*args)
        except Exception:  # the store is not the printer: a failure here loses no paper now
            log.exception("print job bookkeeping failed")
            return None

    def _load_stored(self) -> None:
        """Papers that failed before the last restart come back as kept jobs."""
        stored = self._store_call(print_jobs.list_failed, self._store) or []
        jobs = []
        for row in stored:
            target = self._target_of(row.kind, row.ref_ids)
            if target is None:
                continue
            jobs.append(PrintJob(next(self._ids), row.kind, target,
                                 reprint="reprint" in row.ref_ids[1:], attempts=row.attempts,
                                 error=UserFacingError("print_jobs.kept_failure", error=row.error),
                                 stored_id=row.id))
        if not jobs:
            return
        with self._lock:
            self._failed = jobs + self._failed
            n = len(self._failed)
        self.failedChanged.emit(n)
        self._changed.emit(None)

    @staticmethod
    def _refs_of(job: PrintJob) -> list[str]:
        if job.kind == "day_summary":
            summary = job.target
            data = summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)
            return [json.dumps(data, ensure_ascii=False, default=str)]
        if job.kind == "day_closing":
            day, _reprint = job.target  # type: ignore[misc]
            return [day]
        if job.kind == "combined_slip":
            return list(job.target)  # type: ignore[arg-type]
        if job.kind == "receipt" and job.reprint:
            return [str(job.target), "reprint"]
        return [] if job.target is None else [str(job.target)]

    @staticmethod
    def _target_of(kind: str, refs: list[str]):
        if kind == "day_summary":
            from pickup_station.core.papers import DaySummary

            return DaySummary.from_dict(json.loads(refs[0])) if refs else None
        if kind == "day_closing":
            return (refs[0], True) if refs else None
        if kind == "combined_slip":
            return list(refs)
        if kind == "test":
            return None
        return refs[0] if refs else None

    def _keep_in_store(self, job: PrintJob) -> None:
        if job.stored_id is not None or job.kind not in print_jobs.KINDS:
            return
        err = job.error.message(self._lang()) if job.error is not None else ""
        row = self._store_call(print_jobs.record_failure, self._store, job.kind,
                               self._refs_of(job), err or "printer error")
        if row is not None:
            job.stored_id = row.id

    def _do(self, job: PrintJob) -> None:
        self._print_once(job, [])

    def _machinery(self):
        """`hardware.printers`, imported on the worker at its first job (or `warm_up`)."""
        from pickup_station.hardware import printers

        if self._factory is None:
            self._factory = printers.make_printer
        return printers

    def _settle_stored(self, job: PrintJob, ok: bool, keep: bool) -> None:
        """A kept paper was tried again: its row says so before anyone hears of it."""
        def failed(_kind, _refs):
            err = job.error
            raise err if isinstance(err, UserFacingError) else OSError(str(err))
        if ok:
            self._store_call(print_jobs.retry, self._store, job.stored_id, lambda k, r: None)
        elif keep:
            self._store_call(print_jobs.retry, self._store, job.stored_id, failed)
        else:  # nothing to print any more (the order is gone)
            self._store_call(print_jobs.dismiss, self._store, job.stored_id)

    def _print_once(self, job: PrintJob, outcome: list) -> None:
        from pickup_station.core.papers.layout import layout
        from pickup_station.hardware.printers import (
            PrinterError,
            PrinterNotConfigured,
            ReceiptPrinter,
        )

        self._machinery()
        job.attempts += 1
        settings = self._settings()
        state = None
        try:
            if job.kind == "status":
                state = self._check(settings.printer)
                self._finish(job, True, keep=False, state=state)
                return
            paper = self._paper(job, settings.printer)
            printer = ReceiptPrinter(self._factory(settings.printer),
                                     paper_mm=settings.printer.paper_mm,
                                     mode=settings.printer.mode, rasterize=self._rasterizer(),
                                     status_timeout=self._status_timeout)
            result = printer.print_lines(layout(paper, settings.printer.paper_mm))
        except PrinterNotConfigured as exc:
            job.error = exc
            outcome.append("keep" if job.stored_id is not None else "forget")
            self._finish(job, False, keep=job.stored_id is not None)
        except PrinterError as exc:
            job.error = exc
            outcome.append("keep")
            self._finish(job, False, keep=True)
        except UserFacingError as exc:  # e.g. the pickup is not in the store: nothing to keep
            job.error = exc
            outcome.append("forget")
            self._finish(job, False, keep=False)
        else:
            job.bytes_sent = result.bytes_sent
            job.error = None
            outcome.append("printed")
            self._finish(job, True, keep=False, state=result.state)

    def _paper(self, job: PrintJob, printer: PrinterSettings) -> Printable:
        from pickup_station.core import day_close
        from pickup_station.core.papers import (
            make_test_page,
            pickup_receipt_from_store,
            shelf_label_from_store,
            station_info,
        )
        from pickup_station.core.papers.combined import combined_slip_from_store
        from pickup_station.core.papers.packing import packing_list_from_store
        from pickup_station.hardware.printers import describe

        with self._store.reader() as session:
            if job.kind == "day_summary":
                summary: DaySummary = job.target  # type: ignore[assignment]
                if not summary.station.name:  # the slip names its pickup point
                    summary = replace(summary, station=station_info(session))
                return summary
            if job.kind == "receipt":
                return pickup_receipt_from_store(session, str(job.target), reprint=job.reprint)
            if job.kind == "label":
                return shelf_label_from_store(session, str(job.target))
            if job.kind == "packing_list":
                return packing_list_from_store(session, str(job.target))
            if job.kind == "combined_slip":
                return combined_slip_from_store(session, list(job.target))  # type: ignore[arg-type]
        if job.kind == "day_closing":
            day, reprint = job.target  # type: ignore[misc]
            return day_close.closing_slip(self._store, date.fromisoformat(day), reprint=reprint)
        with self._store.reader() as session:
            return make_test_page(station_info(session), describe(printer))

    def _rasterizer(self):
        if self._rasterize is None:
            from pickup_station.ui.receipt_raster import render_lines

            self._rasterize = render_lines
        return self._rasterize

    def _check(self, settings: PrinterSettings) -> PrinterState:
        from pickup_station.hardware.printers import (
            PrinterNotConfigured,
            ReceiptPrinter,
            read_state,
        )
        from pickup_station.hardware.printers import error_for as printer_error_for

        if (settings.kind or "none") == "none":
            raise PrinterNotConfigured()
        printer = ReceiptPrinter(self._factory(settings), paper_mm=settings.paper_mm,
                                 mode=settings.mode, status_timeout=self._status_timeout)
        printer.open()
        try:
            state = read_state(printer.printer, self._status_timeout)
        finally:
            printer.printer.close()
        err = printer_error_for(state)
        if err:
            raise err
        return state

    def _finish(self, job: PrintJob, ok: bool, keep: bool,
                state: PrinterState | None = None) -> None:
        lang = self._lang()
        with self._lock:
            self._pending = max(self._pending - 1, 0)
            if ok:
                self._last_error = None
            else:
                self._last_error = job.error
                if keep and job.kind != "status":
                    self._failed.append(job)
                    del self._failed[:-MAX_FAILED]
            n_failed = len(self._failed)
        if job.stored_id is not None:
            self._settle_stored(job, ok, keep)
        elif not ok and keep and job.kind != "status":
            self._keep_in_store(job)
        if ok:
            msg = self._done_texts().get(job.kind, "")
        else:
            err = job.error.message(lang) if job.error else ""  # the core's words, in `lang`
            kept = keep and job.kind != "status"
            msg = err + (self.tr(" (kept for reprint)") if kept else "")
        self._changed.emit(state)  # before jobFinished: a listener sees the new status
        if not ok:
            self.failedChanged.emit(n_failed)
        self.jobFinished.emit(job.job_id, ok, msg)

    def _lang(self) -> str:
        if self._lang_fixed:
            return self._lang_fixed
        try:
            return self._settings().lang or "zh_CN"
        except AttributeError:
            return "zh_CN"

    def _done_texts(self) -> dict[str, str]:
        return {"receipt": self.tr("Receipt printed"), "label": self.tr("Label printed"),
                "day_summary": self.tr("Day summary printed"),
                "day_closing": self.tr("Closing slip printed"),
                "packing_list": self.tr("Packing list printed"),
                "combined_slip": self.tr("Combined slip printed"),
                "test": self.tr("Test page printed"), "status": self.tr("Printer checked")}

    def _request_publish(self) -> None:
        if QThread.currentThread() is self.thread():
            self._publish()
        else:  # enqueued from another thread: the owner thread updates the status
            self._changed.emit(None)

    def _publish(self, state: PrinterState | None = None) -> None:
        """Recompute the printerStatus text and emit it when it changed."""
        try:
            settings = self._settings().printer
        except AttributeError:
            settings = PrinterSettings()
        with self._lock:
            pending, failed, err = self._pending, len(self._failed), self._last_error
        text = self._compose(settings, pending, failed, err, state)
        if text != self._status:
            self._status = text
            self.statusChanged.emit(text)

    def _compose(self, settings: PrinterSettings, pending: int, failed: int,
                 err: UserFacingError | None, state: PrinterState | None) -> str:
        if (settings.kind or "none") == "none":
            body = self.tr("not set up")
        elif pending:
            body = self.tr("printing (%n queued)", "", pending)
        elif err is not None:  # the core's one-word status, in the station's language
            key = getattr(err, "status_key", None)
            body = render(key, self._lang()) if key else self.tr("error")
        elif state is not None and state.name == "PAPER_LOW":  # hardware.escpos_cn.PrinterState
            body = self.tr("paper low")
        else:
            body = self.tr("ready")
        if failed and (settings.kind or "none") != "none":
            # two source texts rather than "paper(s)": English has no plural translation file
            body += (self.tr(", %n paper kept for reprint", "", failed) if failed == 1
                     else self.tr(", %n papers kept for reprint", "", failed))
        return self.tr("Printer: %1").replace("%1", body)
