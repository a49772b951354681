"""Station endpoints (station token; the station id comes from the token only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select, update

from .. import models as m
from ..config import CLOCK_SKEW_OK_SECONDS, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT
from ..db import iso, utcnow
from ..deps import CtxDep, StationDep, identify
from ..errors import FastJSON, invalid, not_found
from ..schemas import ErrorOut, HeartbeatIn, HeartbeatOut, LocateOut, PullOut, PushIn, PushOut
from ..services import events as event_service
from ..services import feed

router = APIRouter(prefix="/api/v1/sync", tags=["station"],
                   responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                              422: {"model": ErrorOut}, 429: {"model": ErrorOut}})


@router.get("/pull", response_class=FastJSON, responses={200: {"model": PullOut}},
            summary="Batches and orders changed since `after`, oldest first")
def pull(
    ctx: CtxDep, station_id: StationDep,
    after: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1)] = PULL_DEFAULT_LIMIT,
) -> FastJSON:
    """`limit` defaults to 500 and is capped at 2000. `cursor` goes into the next `after`."""
    if after in (None, ""):
        after_seq = 0
    elif after.isdigit() and int(after) < 2**63:
        after_seq = int(after)
    else:
        raise invalid("after must be a cursor from a previous pull", "invalid_cursor")
    with ctx.db.read() as conn:
        page = feed.pull(conn, station_id, after_seq, min(limit, PULL_MAX_LIMIT))
    return FastJSON(page)


@router.post("/push", response_class=FastJSON, responses={200: {"model": PushOut}},
             summary="Events recorded at the counter (idempotent by event_id)")
def push(body: PushIn, ctx: CtxDep, station_id: StationDep) -> FastJSON:
    """At most 500 events and 2 MiB. One transaction: a 422 `event_id_conflict` stores nothing."""
    with ctx.db.write(feed=True) as conn:
        results = event_service.push(ctx.db, conn, station_id, body.events)
    return FastJSON({"results": results})


@router.post("/heartbeat", response_model=HeartbeatOut,
             summary="I am alive; how far off is my clock?")
def heartbeat(body: HeartbeatIn, ctx: CtxDep, station_id: StationDep) -> dict:
    now = utcnow()
    skew = None
    if body.station_time is not None:
        skew = round((body.station_time - now).total_seconds(), 3)
    with ctx.db.write() as conn:
        conn.execute(update(m.stations).where(m.stations.c.station_id == station_id).values(
            last_seen_at=iso(now), app_version=body.app_version,
            pending_events=body.pending_events, clock_skew_seconds=skew))
    return {"server_time": iso(now), "clock_skew_seconds": skew,
            "clock_ok": skew is None or abs(skew) <= CLOCK_SKEW_OK_SECONDS}


@router.get("/me", summary="Who this station token belongs to (receipts print name and address)")
def me(ctx: CtxDep, station_id: StationDep) -> dict:
    """`{station_id, name, address, leader_name}` of the calling station (from its token)."""
    s = m.stations.c
    with ctx.db.read() as conn:
        row = conn.execute(select(s.station_id, s.name, s.address, s.leader_name)
                           .where(s.station_id == station_id)).one()
    return {"station_id": row.station_id, "name": row.name, "address": row.address,
            "leader_name": row.leader_name}


@router.get("/locate", response_model=LocateOut,
            summary="Which pickup point holds the order with this token hash")
def locate(
    ctx: CtxDep, request: Request,
    token_sha256: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{64}$")],
) -> dict:
    """For a customer at the wrong counter: `{station_id, name, address}` or 404."""
    caller = identify(ctx, request)
    if not caller.is_admin:
        ctx.buckets.take(caller.station_id)
    o, s = m.orders.c, m.stations.c
    with ctx.db.read() as conn:
        row = conn.execute(
            select(s.station_id, s.name, s.address).join(m.orders, o.station_id == s.station_id)
            .where(o.token_sha256 == token_sha256.lower(), o.removed == 0)
        ).first()
    if row is None:
        raise not_found("order")
    return {"station_id": row.station_id, "name": row.name, "address": row.address}

