"""Request dependencies: the server context, the database session, and who is calling.

- `SessionDep`: one write transaction for the request (`FeedSessionDep` when it adds to a
  station's change feed or HQ's pickups feed). It commits when the endpoint returns, before
  the answer is sent (`scope="function"`), and rolls back when it raises: services never
  commit. `ReadSessionDep`: one consistent snapshot.
- `AdminDep`: HQ calls. A station token here is 403; no/unknown token 401.
- `CurrentStation`: station calls (/api/v1/sync/*). The station id comes from the token, never
  from the URL or body. Each call is charged to the station's token bucket (429 when empty).
- `CallerDep`: either (GET /api/v1/batches/{id}: HQ, or the owning station).

Declare the caller before the session in an endpoint's parameters: the token is checked
before a write transaction (and on SQLite the one writer lock) is taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from .auth import Caller, TokenCache, bearer_token, identify_token
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
    tokens: TokenCache = field(default_factory=TokenCache)  # auth.py
    pusher: Any = None  # services/push_writer.py: SQLite's group commit of pushes


async def get_ctx(request: Request) -> ServerContext:  # async: no worker thread for this
    return request.app.state.ctx


CtxDep = Annotated[ServerContext, Depends(get_ctx)]


def get_read_session(ctx: CtxDep) -> Iterator[Connection]:
    with ctx.db.read() as conn:
        yield conn


def get_session(ctx: CtxDep) -> Iterator[Connection]:
    with ctx.db.write() as conn:
        yield conn


def get_feed_session(ctx: CtxDep) -> Iterator[Connection]:
    with ctx.db.write(feed=True) as conn:
        yield conn


ReadSessionDep = Annotated[Connection, Depends(get_read_session, scope="function")]
SessionDep = Annotated[Connection, Depends(get_session, scope="function")]
FeedSessionDep = Annotated[Connection, Depends(get_feed_session, scope="function")]

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


async def identify(ctx: ServerContext, request: Request) -> Caller:
    """On the event loop when that needs no database read (the sync gate's answer, the admin
    token, a cached station token); else one indexed read on a worker thread."""
    caller = request.scope.get("state", {}).get("caller")  # the sync gate (limits.py) knows
    if caller is not None:
        return caller
    token = bearer_token(request.headers)
    if token is None:
        raise ApiError(401, "unauthorized", "missing or malformed Bearer token",
                       headers=_UNAUTHORIZED)
    caller = await identify_token(ctx, token)
    if caller is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token", headers=_UNAUTHORIZED)
    return caller


# Declares the `bearer` security scheme in the OpenAPI schema on every route that needs a token
# (Swagger UI's "Authorize" then sends it). The token itself is read by identify(): this
# dependency never answers by itself (auto_error=False).
_bearer = HTTPBearer(scheme_name="bearer", auto_error=False,
                     description="the admin token (HQ) or a station token")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


async def require_admin(ctx: CtxDep, request: Request, _credentials: BearerDep) -> Caller:
    caller = await identify(ctx, request)
    if not caller.is_admin:
        raise forbidden("a station token cannot call headquarters endpoints")
    return caller


async def require_station(ctx: CtxDep, request: Request, _credentials: BearerDep) -> str:
    caller = await identify(ctx, request)
    if caller.is_admin:
        raise forbidden("station endpoints need a station token, not the admin token")
    ctx.buckets.take(caller.station_id)
    return caller.station_id


async def any_caller(ctx: CtxDep, request: Request, _credentials: BearerDep) -> Caller:
    return await identify(ctx, request)


AdminDep = Annotated[Caller, Depends(require_admin)]
CurrentStation = Annotated[str, Depends(require_station)]
StationDep = CurrentStation
CallerDep = Annotated[Caller, Depends(any_caller)]
