"""HQ: pickup points (admin token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from ..deps import AdminDep, CtxDep, ReadSessionDep, SessionDep
from ..schemas import ID_PATTERN, StationCreatedOut, StationIn, StationsOut, TokenOut
from ..services import reports
from ..services import stations as service
from ..services.pairing import pairing_for
from . import AUTH_ERRORS, BODY_ERRORS, CONFLICT, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE

router = APIRouter(prefix="/api/v1/stations", tags=["stations"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post("", status_code=201, response_model=StationCreatedOut,
             responses={**BODY_ERRORS, **CONFLICT}, summary="Register a pickup point")
def create_station(body: StationIn, _admin: AdminDep, conn: SessionDep, ctx: CtxDep,
                   request: Request) -> dict:
    """Answers `{station_id, token, pairing}`; the token is shown once and stored only hashed.
    `pairing` holds the code the station scans (and its QR as a PNG data URL)."""
    return _with_pairing(service.create_station(conn, body), ctx, request)


@router.post("/{station_id}/token", response_model=TokenOut,
             responses={**NOT_FOUND, **QUERY_ERRORS, **BODY_ERRORS},
             summary="Issue a new station token")
def rotate_token(station_id: PathId, _admin: AdminDep, ctx: CtxDep, request: Request) -> dict:
    """The old token stops working at once. `pairing`: the new code for the station to scan."""
    with ctx.tokens.rotating(station_id), ctx.db.write() as conn:
        rotated = service.rotate_token(conn, station_id)
    return _with_pairing(rotated, ctx, request)


@router.get("", response_model=StationsOut,
            summary="Stations with last_seen_at, app_version, pending_events")
def list_stations(_admin: AdminDep, conn: ReadSessionDep) -> JSONResponse:
    # Rows of our own table, typed by its columns (tests/server check them against the
    # schema): sent as they are, not validated once more field by field. HQ's screens poll
    # this list of a chain's thousands of stations; validating it cost more than reading it.
    return JSONResponse({"stations": reports.list_stations(conn)})


def _with_pairing(answer: dict, ctx, request: Request) -> dict:
    """The server's address for stations: PICKUP_PUBLIC_URL, else the one HQ called."""
    url = (ctx.config.public_url or str(request.base_url)).rstrip("/")
    answer["pairing"] = pairing_for(url, answer["station_id"], answer["token"])
    return answer
