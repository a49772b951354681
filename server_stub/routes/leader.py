"""HQ: what the leaders' days reported (issue 10): reminder requests, day closings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..config import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT
from ..deps import AdminDep, ReadSessionDep
from ..schemas import ID_PATTERN, DayClosingsOut, RemindersOut
from ..services import leader_view
from . import AUTH_ERRORS, QUERY_ERRORS, UNAVAILABLE
from .params import AFTER, PAGE_SIZE, ascii_int

router = APIRouter(prefix="/api/v1", tags=["leader"], responses={**AUTH_ERRORS, **UNAVAILABLE})
# the same query numbers as every list of the API (routes/params.py): what the schema says
After = Annotated[str | None, Query(pattern=AFTER, description="`next_after` of the previous page")]
PageSize = Annotated[str | None, Query(pattern=PAGE_SIZE, description="page size (capped)")]


@router.get("/reminders", response_model=RemindersOut, responses=QUERY_ERRORS,
            summary="Reminders the leaders asked HQ to send, oldest first")
def reminders(
    _admin: AdminDep, conn: ReadSessionDep,
    station_id: Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)] = None,
    after: After = None, limit: PageSize = None,
) -> dict:
    """`after`: the `next_after` of the previous page (ASCII digits)."""
    size = ascii_int(limit, "limit", default=FEED_DEFAULT_LIMIT, minimum=1)
    return leader_view.reminders(conn, station_id or None, ascii_int(after, "after", default=0),
                                 min(size, FEED_MAX_LIMIT))


@router.get("/stations/{station_id}/day-closings", response_model=DayClosingsOut,
            responses=QUERY_ERRORS, summary="A station's day closings (日结), latest first")
def day_closings(
    station_id: Annotated[str, Path(pattern=ID_PATTERN)], _admin: AdminDep,
    conn: ReadSessionDep, limit: PageSize = None,
) -> dict:
    size = ascii_int(limit, "limit", default=60, minimum=1)
    return leader_view.day_closings(conn, station_id, min(size, 366))
