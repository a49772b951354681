"""HQ: a station's hand-over journal, checked (admin token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..deps import AdminDep, ReadSessionDep
from ..schemas import ID_PATTERN, JournalVerifyOut
from ..services import journal as service
from . import AUTH_ERRORS, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE

router = APIRouter(prefix="/api/v1/stations", tags=["stations"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("/{station_id}/journal/verify", response_model=JournalVerifyOut,
            responses={**NOT_FOUND, **QUERY_ERRORS},
            summary="Is the station's hand-over journal whole, and where does it break?")
def verify_journal(station_id: PathId, _admin: AdminDep, conn: ReadSessionDep) -> dict:
    """Walks the hash chain of the station's pickups, undos, returns and day closings as
    received, from seq 1: `whole`, how far it holds, and the first break (`missing`,
    `altered`, `reordered`, `conflict`). A break never stopped a pickup from being applied."""
    return service.verify(conn, station_id)
