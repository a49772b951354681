"""Station endpoints (station token; the station id comes from the token only)."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ..config import CLOCK_SKEW_OK_SECONDS, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT
from ..deps import CallerDep, CtxDep, CurrentStation, ReadSessionDep
from ..schemas import (
    HeartbeatIn,
    HeartbeatOut,
    LocateOut,
    PullOut,
    PushIn,
    PushOut,
    StationInfoOut,
)
from ..services import events as event_service
from ..services import feed
from ..services import stations as station_service
from . import AUTH_ERRORS, BODY_ERRORS, NOT_FOUND, QUERY_ERRORS, RATE_LIMITED, UNAVAILABLE
from .params import AFTER, PAGE_SIZE, ascii_int

router = APIRouter(prefix="/api/v1/sync", tags=["sync"],
                   responses={**AUTH_ERRORS, **RATE_LIMITED, **UNAVAILABLE})


@router.get("/pull", response_model=PullOut, responses=QUERY_ERRORS,
            response_model_exclude_unset=True,
            summary="Batches and orders changed since `after`, oldest first")
def pull(
    station_id: CurrentStation, conn: ReadSessionDep, ctx: CtxDep,
    after: Annotated[str | None, Query(json_schema_extra={"pattern": AFTER},
                                       description=(
        "`cursor` of the previous page (ASCII digits); absent for the beginning"))] = None,
    limit: Annotated[str | None, Query(pattern=PAGE_SIZE, description=(
        f"page size, 1-{PULL_MAX_LIMIT} (larger is capped; default {PULL_DEFAULT_LIMIT})"))
    ] = None,
) -> dict:
    """`cursor` goes into the next `after`."""
    after_seq = ascii_int(after, "after", default=0, code="invalid_cursor")
    size = ascii_int(limit, "limit", default=PULL_DEFAULT_LIMIT, minimum=1)
    return feed.pull(conn, station_id, after_seq, min(size, PULL_MAX_LIMIT),
                     ctx.config.server_secret or "")


@router.post("/push", response_model=PushOut, responses=BODY_ERRORS,
             response_model_exclude_unset=True,
             summary="Events recorded at the counter (idempotent by event_id)")
async def push(body: PushIn, station_id: CurrentStation, ctx: CtxDep) -> dict:
    """At most 500 events and 2 MiB. One transaction: a 422 `event_id_conflict` stores nothing.
    Event ids are compared as UUIDs (any spelling); results echo the id as sent."""
    if not body.events:  # nothing to store: no transaction
        return {"results": []}
    if ctx.pusher is not None:  # SQLite: group commit with the pushes of other stations
        prepared = event_service.Prepared(body.events)  # here, not in the one writer
        return _answer(await ctx.pusher.push(station_id, prepared))
    return _answer(await anyio.to_thread.run_sync(_push_alone, ctx, station_id, body.events))


def _answer(results: list[dict]) -> JSONResponse | dict:
    """The push's answer as JSON bytes at once (as GET /stations sends its rows).
    services/events.py builds each result from `PushResultOut`'s own fields (the station checks
    every answer against `PushOut`, and so do tests/server/test_push.py and the schema fuzzing),
    so FastAPI's second validation and serialisation of every result is skipped: about a tenth
    of a push's time on the event loop. Anything JSON cannot carry (JSONResponse refuses NaN
    and unknown types) goes FastAPI's checked way."""
    try:
        return JSONResponse({"results": results})
    except (TypeError, ValueError):
        return {"results": results}


def _push_alone(ctx, station_id: str, events: list) -> list[dict]:
    # The transaction (and its locks) is taken and released in this one worker thread: a lock
    # held by a dependency across threads starves the pool when more stations push at once
    # than there are worker threads. Committed before the answer is sent.
    prepared = event_service.Prepared(events)  # before the transaction: it holds locks
    with ctx.db.write() as conn:
        return event_service.push(ctx.db, conn, station_id, prepared)


@router.post("/heartbeat", response_model=HeartbeatOut, responses=BODY_ERRORS,
             summary="I am alive; how far off is my clock?")
def heartbeat(body: HeartbeatIn, station_id: CurrentStation, ctx: CtxDep) -> dict:
    with ctx.db.write() as conn:  # in this thread, as push
        return station_service.heartbeat(conn, station_id, body, CLOCK_SKEW_OK_SECONDS)


@router.get("/me", response_model=StationInfoOut,
            summary="Who this station token belongs to (receipts print name and address)")
def me(station_id: CurrentStation, conn: ReadSessionDep) -> dict:
    """`{station_id, name, address, leader_name}` of the calling station (from its token)."""
    return station_service.me(conn, station_id)


@router.get("/locate", response_model=LocateOut, responses={**NOT_FOUND, **QUERY_ERRORS},
            summary="Which pickup point holds the order with this token hash")
def locate(
    caller: CallerDep, ctx: CtxDep, conn: ReadSessionDep,
    token_sha256: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{64}$")],
) -> dict:
    """For a customer at the wrong counter: `{station_id, name, address}` or 404."""
    if not caller.is_admin:
        ctx.buckets.take(caller.station_id)
    return station_service.locate(conn, token_sha256)
