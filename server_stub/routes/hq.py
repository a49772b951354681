"""Headquarters endpoints (admin token): stations, batches, cancels, reconciliation, feed."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import models as m
from ..config import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT
from ..db import iso, now_iso, parse_iso
from ..deps import AdminDep, CallerDep, CtxDep, token_sha256
from ..errors import FastJSON, conflict, forbidden, invalid, not_found
from ..schemas import (
    ID_PATTERN,
    BatchIn,
    CancelIn,
    ErrorOut,
    PutBatchOut,
    StationCreatedOut,
    StationIn,
)
from ..services import batches as batch_service
from ..services import reports

router = APIRouter(prefix="/api/v1", tags=["headquarters"],
                   responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                              404: {"model": ErrorOut}, 409: {"model": ErrorOut},
                              422: {"model": ErrorOut}})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


def new_station_token() -> str:
    return "st_" + secrets.token_urlsafe(32)


@router.post("/stations", status_code=201, response_model=StationCreatedOut,
             summary="Register a pickup point")
def create_station(body: StationIn, ctx: CtxDep, _admin: AdminDep) -> dict:
    """Answers `{station_id, token}`; the token is shown once and stored only hashed."""
    token, now = new_station_token(), now_iso()
    try:
        with ctx.db.write() as conn:
            exists = conn.execute(select(m.stations.c.station_id).where(
                m.stations.c.station_id == body.station_id)).first()
            if exists:
                raise conflict(f"station {body.station_id} already exists; "
                               "issue a new token with POST /api/v1/stations/{id}/token")
            conn.execute(m.stations.insert().values(
                station_id=body.station_id, name=body.name, address=body.address,
                leader_name=body.leader_name, token_sha256=token_sha256(token),
                token_issued_at=now, created_at=now))
    except IntegrityError:
        raise conflict(f"station {body.station_id} already exists") from None
    return {"station_id": body.station_id, "name": body.name, "address": body.address,
            "token": token}


@router.post("/stations/{station_id}/token", summary="Issue a new station token")
def rotate_token(station_id: PathId, ctx: CtxDep, _admin: AdminDep) -> dict:
    """The old token stops working at once."""
    token, now = new_station_token(), now_iso()
    with ctx.db.write() as conn:
        done = conn.execute(update(m.stations).where(m.stations.c.station_id == station_id)
                            .values(token_sha256=token_sha256(token), token_issued_at=now))
        if done.rowcount == 0:
            raise not_found(f"station {station_id}")
    return {"station_id": station_id, "token": token, "token_issued_at": now}


@router.get("/stations", summary="Stations with last_seen_at, app_version, pending_events")
def list_stations(ctx: CtxDep, _admin: AdminDep) -> dict:
    with ctx.db.read() as conn:
        return {"stations": reports.list_stations(conn)}


@router.put("/batches/{batch_id}", response_class=FastJSON,
            responses={200: {"model": PutBatchOut}},
            summary="Create or replace a batch (idempotent)")
def put_batch(batch_id: PathId, body: BatchIn, ctx: CtxDep, _admin: AdminDep) -> FastJSON:
    """Answers the orders with their `pickup_token` and `pickup_code`; an order keeps both when
    the batch is PUT again. Orders left out are dropped (the station gets `op: delete`)."""
    with ctx.db.write(feed=True) as conn:
        answer = batch_service.put_batch(conn, batch_id, body)
    return FastJSON(answer)


@router.post("/batches/{batch_id}/dispatch", summary="The truck left (发车)")
def dispatch(batch_id: PathId, ctx: CtxDep, _admin: AdminDep) -> dict:
    with ctx.db.write(feed=True) as conn:
        return batch_service.dispatch(conn, batch_id)


@router.post("/orders/{order_id}/cancel", summary="Cancel an order")
def cancel(order_id: PathId, ctx: CtxDep, _admin: AdminDep, body: CancelIn | None = None
           ) -> dict:
    """Body `{reason}` (optional). Idempotent; a picked-up order answers 409."""
    with ctx.db.write(feed=True) as conn:
        return batch_service.cancel_order(conn, order_id, body.reason if body else "")


@router.get("/batches/{batch_id}", response_class=FastJSON,
            summary="Reconciliation of one batch (HQ or its station)")
def get_batch(batch_id: PathId, ctx: CtxDep, caller: CallerDep) -> FastJSON:
    with ctx.db.read() as conn:
        owner = conn.execute(select(m.batches.c.station_id).where(
            m.batches.c.batch_id == batch_id)).scalar_one_or_none()
        if owner is None:
            raise not_found(f"batch {batch_id}")
        if not caller.is_admin and caller.station_id != owner:
            raise forbidden("this batch belongs to another station")
        view = reports.batch_view(conn, batch_id)
    return FastJSON(view)


@router.get("/pickups", response_class=FastJSON,
            summary="Feed of confirmed pickups, oldest first")
def pickups(
    ctx: CtxDep, _admin: AdminDep,
    station_id: Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)] = None,
    since: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1)] = FEED_DEFAULT_LIMIT,
) -> FastJSON:
    """`since`: `next_since` of the previous page, or an ISO 8601 time. Undone pickups come
    again with `undone: true`."""
    if since and since.isdigit() and int(since) >= 2**63:
        raise invalid("since must be a next_since cursor or an ISO 8601 time")
    if since and not since.isdigit():
        try:
            since = iso(parse_iso(since))
        except (ValueError, OverflowError, TypeError):
            raise invalid("since must be a next_since cursor or an ISO 8601 time") from None
    with ctx.db.read() as conn:
        page = reports.pickups_feed(conn, station_id or None, since or None,
                                    min(limit, FEED_MAX_LIMIT))
    return FastJSON(page)
