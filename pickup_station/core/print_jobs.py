"""Failed prints kept in the store (`print_jobs`), so they survive a restart and can be printed
again; the window's print queue lists them and offers "retry all". No Qt, no printer here: the
caller passes the function that prints (`print_fn(kind, ref_ids)`, raising on failure).

A job names its paper by kind and the ids it is made from (a receipt: the pickup id; a label:
the order id; a day summary or closing slip: the day; a packing list: the batch id; a
combined slip: the pickup ids), never the paper's text, so nothing personal is stored twice.
Error texts are the printer's (cover open, paper out ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from pickup_station.errors import Refused, UserFacingError
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import PrintJob

KINDS = ("receipt", "label", "day_summary", "day_closing", "packing_list", "combined_slip",
         "test")


@dataclass(frozen=True)
class FailedPrint:
    id: int
    kind: str
    ref_ids: list[str]
    state: str  # failed / printed / dismissed
    error: str
    attempts: int
    created_at: str
    updated_at: str


def _view(j: PrintJob) -> FailedPrint:
    return FailedPrint(j.id, j.kind, json.loads(j.ref_ids), j.state, j.error or "", j.attempts,
                       j.created_at, j.updated_at)


def record_failure(store: Store, kind: str, ref_ids: list[str], error: str) -> FailedPrint:
    if kind not in KINDS:
        raise ValueError(f"unknown paper kind {kind!r}")
    now = iso(utcnow())
    with store.session() as s:
        job = PrintJob(kind=kind, ref_ids=json.dumps([str(r) for r in ref_ids]),
                       state="failed", error=str(error)[:500], attempts=1, created_at=now,
                       updated_at=now)
        s.add(job)
        s.flush()
        return _view(job)


def list_failed(store: Store) -> list[FailedPrint]:
    with store.reader() as s:
        return [_view(j) for j in s.scalars(select(PrintJob).where(PrintJob.state == "failed")
                                            .order_by(PrintJob.id))]


def _job(s, job_id: int) -> PrintJob:
    job = s.get(PrintJob, job_id)
    if job is None:
        raise Refused("print_jobs.unknown_job", job_id=job_id,
                      code="unknown_print_job")
    return job


def retry(store: Store, job_id: int, print_fn: Callable[[str, list[str]], object]
          ) -> FailedPrint:
    """Print a failed job again: `printed` when `print_fn` returns, still `failed` (attempts
    and error updated) when it raises a UserFacingError or OSError (a printer's failure)."""
    with store.reader() as s:
        job = _view(_job(s, job_id))
    error = None
    if job.state == "failed":
        try:
            print_fn(job.kind, job.ref_ids)
        except (UserFacingError, OSError) as exc:  # a printer's failure: recorded, not raised
            error = getattr(exc, "en", None) or str(exc) or type(exc).__name__
    with store.session() as s:
        row = _job(s, job_id)
        if row.state == "failed":
            row.attempts += 1
            row.updated_at = iso(utcnow())
            if error is None:
                row.state, row.error = "printed", None
            else:
                row.error = error[:500]
        return _view(row)


def retry_all(store: Store, print_fn: Callable[[str, list[str]], object]) -> list[FailedPrint]:
    """The print queue's "retry all": oldest first; stops trying after the first failure
    (the printer is still not ready), leaving the rest as they were."""
    done = []
    for job in list_failed(store):
        after = retry(store, job.id, print_fn)
        done.append(after)
        if after.state == "failed":
            break
    return done


def dismiss(store: Store, job_id: int) -> FailedPrint:
    with store.session() as s:
        row = _job(s, job_id)
        row.state, row.updated_at = "dismissed", iso(utcnow())
        return _view(row)
