"""HQ: pickup points (admin token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..deps import AdminDep, ReadSessionDep, SessionDep
from ..schemas import ID_PATTERN, StationCreatedOut, StationIn, StationsOut, TokenOut
from ..services import reports
from ..services import stations as service
from . import AUTH_ERRORS, BODY_ERRORS, CONFLICT, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE

router = APIRouter(prefix="/api/v1/stations", tags=["stations"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post("", status_code=201, response_model=StationCreatedOut,
             responses={**BODY_ERRORS, **CONFLICT}, summary="Register a pickup point")
def create_station(body: StationIn, _admin: AdminDep, conn: SessionDep) -> dict:
    """Answers `{station_id, token}`; the token is shown once and stored only hashed."""
    return service.create_station(conn, body)


@router.post("/{station_id}/token", response_model=TokenOut,
             responses={**NOT_FOUND, **QUERY_ERRORS, **BODY_ERRORS},
             summary="Issue a new station token")
def rotate_token(station_id: PathId, _admin: AdminDep, conn: SessionDep) -> dict:
    """The old token stops working at once."""
    return service.rotate_token(conn, station_id)


@router.get("", response_model=StationsOut,
            summary="Stations with last_seen_at, app_version, pending_events")
def list_stations(_admin: AdminDep, conn: ReadSessionDep) -> dict:
    return {"stations": reports.list_stations(conn)}
