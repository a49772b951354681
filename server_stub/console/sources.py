"""The seam between the console and the services other branches build (issue 11):
the needs-review queue and the customer notices.

The console's pages call only the four functions below, with these exact signatures and row
types. AT MERGE the lead points them at the real services (`/api/v1/review` and
`/api/v1/notices`' service functions); the pages and their tests need no change.

What they do until then, with the data that exists today (nothing is made up):
- review: the orders the sync flagged `needs_review` (a hand-over reported for an order
  cancelled at HQ). Resolving clears the flag in the caller's transaction; the note and who
  resolved it are NOT stored yet (no table for them on this branch): `resolved` lists are
  empty until the review service lands.
- notices: there is no notice table on this branch, so the list is empty and a retry is
  "not found".
Data functions: they never commit; the console's request owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..errors import Conflict, not_found
from ..identifiers import phone_masked

REVIEW_STATES = ("open", "resolved")
NOTICE_STATES = ("pending", "sent", "failed")
NOTE_MAX = 500


@dataclass(frozen=True)
class ReviewRow:
    """One item of the needs-review queue, as the console shows it."""

    item_id: str
    station_id: str
    order_id: str
    batch_id: str | None
    reason: str  # snake_case; the console words it (texts.py `reason.<reason>`)
    raised_at: str | None  # UTC ISO
    state: str  # open / resolved
    customer: str | None = None  # masked
    phone_masked: str | None = None
    resolved_at: str | None = None
    resolved_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NoticeRow:
    """One notice to a customer (e.g. a pickup reminder), as the console shows it."""

    notice_id: str
    station_id: str
    order_id: str | None
    kind: str
    recipient_masked: str
    state: str  # pending / sent / failed
    attempts: int
    last_error: str | None
    created_at: str
    updated_at: str


def mask_name(name: str | None) -> str | None:
    """`张*` / `张**`: the first character and a star for each other one."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def list_review(conn: Connection, state: str, limit: int, offset: int) -> list[ReviewRow]:
    """The queue, oldest first. SEAM: today the orders flagged `needs_review`."""
    if state != "open":
        return []  # resolutions are not stored on this branch (see the module docstring)
    o = m.orders.c
    rows = conn.execute(
        select(o.order_id, o.station_id, o.batch_id, o.review_reason, o.updated_at,
               o.customer_name, o.phone)
        .where(o.needs_review == 1).order_by(o.updated_at, o.order_id)
        .limit(limit).offset(offset)).all()
    return [ReviewRow(item_id=r.order_id, station_id=r.station_id, order_id=r.order_id,
                      batch_id=r.batch_id, reason=r.review_reason or "unknown",
                      raised_at=r.updated_at, state="open", customer=mask_name(r.customer_name),
                      phone_masked=phone_masked(r.phone)) for r in rows]


def resolve_review(conn: Connection, item_id: str, note: str, by: str) -> ReviewRow:
    """Marks an item resolved by HQ user `by` with `note`. NotFound for an unknown item,
    Conflict (`already_resolved`) for one resolved before. SEAM: today it clears the order's
    `needs_review` flag; note and `by` are answered but not stored."""
    o = m.orders.c
    row = conn.execute(select(o.order_id, o.station_id, o.batch_id, o.review_reason,
                              o.updated_at, o.needs_review)
                       .where(o.order_id == item_id)).first()
    if row is None:
        raise not_found(f"review item {item_id}")
    if not row.needs_review:
        raise Conflict(f"review item {item_id} is resolved already", "already_resolved")
    conn.execute(update(m.orders).where(o.order_id == item_id).values(needs_review=0))
    return ReviewRow(item_id=row.order_id, station_id=row.station_id, order_id=row.order_id,
                     batch_id=row.batch_id, reason=row.review_reason or "unknown",
                     raised_at=row.updated_at, state="resolved", resolved_by=by, note=note)


def list_notices(conn: Connection, state: str | None, limit: int,
                 offset: int) -> list[NoticeRow]:
    """Notices, newest first, optionally of one state. SEAM: no notice table here yet."""
    return []


def retry_notice(conn: Connection, notice_id: str, by: str) -> NoticeRow:
    """Queues a failed notice again (HQ user `by`). NotFound / Conflict (`not_failed`).
    SEAM: no notice table here yet, so every id is unknown."""
    raise not_found(f"notice {notice_id}")
