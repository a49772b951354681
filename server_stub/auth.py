"""Who is calling, from the Bearer token alone: HQ (the admin token) or one station.

Cheap on purpose (a constant-time compare and one indexed read), because it runs before a
station call may take a sync slot or have its body read (limits.py) and again in the routes'
dependencies (deps.py).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from . import models as m
from .services.tokens import token_sha256


@dataclass(frozen=True)
class Caller:
    """Who is calling: HQ (admin) or one station."""

    is_admin: bool
    station_id: str | None = None


def bearer_token(headers) -> str | None:
    """The Bearer token of a request's headers, or None when absent or malformed."""
    header = headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512 or not token.isascii():
        return None
    return token


def identify_token(ctx, token: str | None) -> Caller | None:
    """Who a token belongs to, or None. Cheap: a constant-time compare and one indexed read."""
    if token is None:
        return None
    admin = ctx.config.admin_token or ""
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Caller(is_admin=True)
    with ctx.db.read() as conn:
        station_id = conn.execute(
            select(m.stations.c.station_id).where(m.stations.c.token_sha256 == token_sha256(token))
        ).scalar_one_or_none()
    return None if station_id is None else Caller(is_admin=False, station_id=station_id)
