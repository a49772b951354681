"""Who is calling, from the Bearer token alone: HQ (the admin token) or one station.

Cheap on purpose (a constant-time compare and one indexed read), because it runs before a
station call may take a sync slot or have its body read (limits.py) and again in the routes'
dependencies (deps.py).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict
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


class TokenCache:
    """Station tokens seen valid lately: digest -> station, so a station's next calls need no
    database read and no worker thread (limits.py checks it on the event loop).

    Only for a server that is one process: a token rotated (`forget`) stops working at once,
    which no other process would learn. Entries live `ttl_s` at most; unknown tokens are never
    remembered (a stranger inventing tokens costs a read each, and no memory); at most
    `max_entries` (least recently used dropped). A lookup that raced with a rotation is not
    stored (`generation`)."""

    def __init__(self, ttl_s: float = 60.0, max_entries: int = 10_000):
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, digest: str) -> str | None:
        with self._lock:
            hit = self._entries.get(digest)
            if hit is None:
                return None
            if hit[1] < time.monotonic():
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return hit[0]

    def put(self, digest: str, station_id: str, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            self._entries[digest] = (station_id, time.monotonic() + self.ttl_s)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, station_id: str) -> None:
        """A station's token changed: drop what is known of it (call before and after the
        change commits)."""
        with self._lock:
            self.generation += 1
            for digest in [d for d, (sid, _) in self._entries.items() if sid == station_id]:
                del self._entries[digest]


def cached_caller(ctx, token: str | None) -> Caller | None:
    """Who a token belongs to when that needs no database read (the admin token, or a station
    token in the cache); None otherwise (then `identify_token`)."""
    if token is None:
        return None
    admin = ctx.config.admin_token or ""
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Caller(is_admin=True)
    cache = getattr(ctx, "tokens", None)
    station_id = cache.get(token_sha256(token)) if cache is not None else None
    return None if station_id is None else Caller(is_admin=False, station_id=station_id)


def identify_token(ctx, token: str | None) -> Caller | None:
    """Who a token belongs to, or None. Cheap: a constant-time compare and one indexed read."""
    if token is None:
        return None
    known = cached_caller(ctx, token)
    if known is not None:
        return known
    cache = getattr(ctx, "tokens", None)
    generation = cache.generation if cache is not None else 0
    digest = token_sha256(token)
    with ctx.db.read() as conn:
        station_id = conn.execute(
            select(m.stations.c.station_id).where(m.stations.c.token_sha256 == digest)
        ).scalar_one_or_none()
    if station_id is None:
        return None
    if cache is not None:
        cache.put(digest, station_id, generation)
    return Caller(is_admin=False, station_id=station_id)
