"""HQ: batches (配送批次): create or replace, dispatch, reconciliation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..deps import AdminDep, CallerDep, FeedSessionDep, ReadSessionDep
from ..errors import forbidden
from ..schemas import ID_PATTERN, BatchIn, BatchView, DispatchOut, PutBatchOut
from ..services import batches as service
from ..services import reports
from . import AUTH_ERRORS, BODY_ERRORS, CONFLICT, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE

router = APIRouter(prefix="/api/v1/batches", tags=["batches"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.put("/{batch_id}", response_model=PutBatchOut,
            responses={**BODY_ERRORS, **CONFLICT},
            summary="Create or replace a batch (idempotent)")
def put_batch(batch_id: PathId, body: BatchIn, _admin: AdminDep, conn: FeedSessionDep) -> dict:
    """Answers the orders with their `pickup_token` and `pickup_code`; an order keeps both when
    the batch is PUT again. Orders left out are dropped (the station gets `op: delete`)."""
    return service.put_batch(conn, batch_id, body)


@router.post("/{batch_id}/dispatch", response_model=DispatchOut,
             responses={**NOT_FOUND, **BODY_ERRORS}, summary="The truck left (发车)")
def dispatch(batch_id: PathId, _admin: AdminDep, conn: FeedSessionDep) -> dict:
    return service.dispatch(conn, batch_id)


@router.get("/{batch_id}", response_model=BatchView, responses={**NOT_FOUND, **QUERY_ERRORS},
            summary="Reconciliation of one batch (HQ or its station)")
def get_batch(batch_id: PathId, caller: CallerDep, conn: ReadSessionDep) -> dict:
    owner = service.batch_row(conn, batch_id).station_id
    if not caller.is_admin and caller.station_id != owner:
        raise forbidden("this batch belongs to another station")
    return reports.batch_view(conn, batch_id)
