"""HQ: notices to customers (issue 11): the list with delivery states, counts, retry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..config import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT
from ..db import utcnow
from ..deps import AdminDep, CtxDep, ReadSessionDep, SessionDep
from ..errors import invalid
from ..schemas import ID_PATTERN, NoticeCountsOut, NoticeOut, NoticesOut, NoticesRetriedOut
from ..services import notice_view
from . import AUTH_ERRORS, CONFLICT, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE
from .params import AFTER, CURSOR, PAGE_SIZE, ascii_int

router = APIRouter(prefix="/api/v1/notices", tags=["notices"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
# a date of years 1970-9998 (the day after it is still a date)
DATE = r"^(?:|(?:19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-[0-9]{2}-[0-9]{2})$"
Id = Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)]
Day = Annotated[str | None, Query(pattern=DATE, description="a UTC date, YYYY-MM-DD (1970-9998)")]
NoticeId = Annotated[str, Path(pattern=CURSOR, description="the notice's `id`")]


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(f"{name} must be a date YYYY-MM-DD", "validation_error") from None


@router.get("", response_model=NoticesOut, responses=QUERY_ERRORS,
            summary="Notices to customers with their delivery state, oldest first")
def list_notices(
    _admin: AdminDep, conn: ReadSessionDep,
    state: Annotated[str | None, Query(pattern=r"^(?:|pending|failed|delivered|dead)$")] = None,
    kind: Annotated[str | None, Query(pattern=r"^(?:|ready|short|reminder|cancelled)$")] = None,
    station_id: Id = None, order_id: Id = None,
    date_: Annotated[str | None, Query(alias="date", pattern=DATE,
                                      description="created on this UTC date")] = None,
    after: Annotated[str | None, Query(pattern=AFTER,
                                       description="`next_after` of the previous page")] = None,
    limit: Annotated[str | None, Query(pattern=PAGE_SIZE, description="page size (capped)")]
    = None,
) -> dict:
    """Phones and names masked. `next_after` of a page is the cursor of the next one."""
    size = min(ascii_int(limit, "limit", default=FEED_DEFAULT_LIMIT, minimum=1), FEED_MAX_LIMIT)
    filters = {"state": state, "kind": kind, "station_id": station_id, "order_id": order_id,
               "day": _day(date_, "date")}
    return notice_view.list_notices(conn, filters, ascii_int(after, "after", default=0), size)


@router.get("/counts", response_model=NoticeCountsOut, responses=QUERY_ERRORS,
            summary="Notices per delivery state per UTC day")
def counts(
    _admin: AdminDep, conn: ReadSessionDep,
    from_: Annotated[str | None, Query(alias="from", pattern=DATE,
                                       description="first UTC date (default: 6 days before to)")]
    = None,
    to: Day = None,
) -> dict:
    last = _day(to, "to") or utcnow().date()
    first = _day(from_, "from") or last - timedelta(days=6)
    return notice_view.counts(conn, first, last)


@router.post("/retry-dead", response_model=NoticesRetriedOut, responses=QUERY_ERRORS,
             summary="Send every dead notice again (of one station, when given)")
def retry_dead(_admin: AdminDep, ctx: CtxDep, conn: SessionDep, station_id: Id = None) -> dict:
    return notice_view.retry_dead(conn, ctx.config.notify_give_up_s, station_id or None)


@router.post("/{notice_id}/retry", response_model=NoticeOut,
             responses={**NOT_FOUND, **CONFLICT, **QUERY_ERRORS},
             summary="Send a failed or dead notice again now")
def retry(notice_id: NoticeId, _admin: AdminDep, ctx: CtxDep, conn: SessionDep) -> dict:
    """A failed or dead notice goes back to `pending` with a new give-up time; a delivered
    one answers 409 `already_delivered`; a pending one is answered as it is."""
    return notice_view.retry(conn, ascii_int(notice_id, "notice_id", default=0),
                             ctx.config.notify_give_up_s)
