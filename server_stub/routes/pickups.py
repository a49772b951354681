"""HQ: the feed of confirmed pickups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..config import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT
from ..deps import AdminDep, ReadSessionDep
from ..schemas import ID_PATTERN, PickupsOut
from ..services import reports
from . import AUTH_ERRORS, QUERY_ERRORS, UNAVAILABLE
from .params import PAGE_SIZE, SINCE, ascii_int, since_param

router = APIRouter(prefix="/api/v1/pickups", tags=["pickups"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})


@router.get("", response_model=PickupsOut, responses=QUERY_ERRORS,
            summary="Feed of confirmed pickups, oldest first")
def pickups(
    _admin: AdminDep, conn: ReadSessionDep,
    station_id: Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)] = None,
    since: Annotated[str | None, Query(pattern=SINCE, description=(
        "`next_since` of the previous page (ASCII digits), or an RFC 3339 time with offset"))
    ] = None,
    limit: Annotated[str | None, Query(pattern=PAGE_SIZE, description=(
        f"page size, 1-{FEED_MAX_LIMIT} (larger is capped)"))] = None,
) -> dict:
    """Undone pickups come again with `undone: true`. `next_since` never goes backwards."""
    size = ascii_int(limit, "limit", default=FEED_DEFAULT_LIMIT, minimum=1)
    after, when = since_param(since)
    return reports.pickups_feed(conn, station_id or None, after, when,
                                min(size, FEED_MAX_LIMIT))
