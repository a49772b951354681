"""Request dependencies: the server context and who is calling (from the Bearer token only).

- `AdminDep`: HQ calls. A station token here is 403; no/unknown token 401.
- `StationDep`: station calls (/api/v1/sync/*). The station id comes from the token, never
  from the URL or body. Each call is charged to the station's token bucket (429 when empty).
- `CallerDep`: either (GET /api/v1/batches/{id}: HQ, or the owning station).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from . import models as m
from .config import ServerConfig
from .db import Database
from .errors import ApiError, forbidden
from .limits import StationBuckets


@dataclass
class ServerContext:
    """What every request needs: settings, the database, the flood-control buckets."""

    config: ServerConfig
    db: Database
    buckets: StationBuckets


@dataclass(frozen=True)
class Caller:
    """Who is calling: HQ (admin) or one station."""

    is_admin: bool
    station_id: str | None = None


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def get_ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


CtxDep = Annotated[ServerContext, Depends(get_ctx)]

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        raise ApiError(401, "unauthorized", "missing or malformed Bearer token",
                       headers=_UNAUTHORIZED)
    return token


def identify(ctx: ServerContext, request: Request) -> Caller:
    token = _bearer(request)
    admin = ctx.config.admin_token or ""
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Caller(is_admin=True)
    with ctx.db.read() as conn:
        station_id = conn.execute(
            select(m.stations.c.station_id).where(m.stations.c.token_sha256 == token_sha256(token))
        ).scalar_one_or_none()
    if station_id is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token", headers=_UNAUTHORIZED)
    return Caller(is_admin=False, station_id=station_id)


def require_admin(ctx: CtxDep, request: Request) -> Caller:
    caller = identify(ctx, request)
    if not caller.is_admin:
        raise forbidden("a station token cannot call headquarters endpoints")
    return caller


def require_station(ctx: CtxDep, request: Request) -> str:
    caller = identify(ctx, request)
    if caller.is_admin:
        raise forbidden("station endpoints need a station token, not the admin token")
    ctx.buckets.take(caller.station_id)
    return caller.station_id


def any_caller(ctx: CtxDep, request: Request) -> Caller:
    return identify(ctx, request)


AdminDep = Annotated[Caller, Depends(require_admin)]
StationDep = Annotated[str, Depends(require_station)]
CallerDep = Annotated[Caller, Depends(any_caller)]
