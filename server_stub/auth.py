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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import anyio.to_thread
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

    Only for a server that is one process (else `enabled=False`: nothing is kept): a token
    rotated (`rotating`) stops working at once, which no other process would learn. Entries live `ttl_s` at most; unknown tokens are never
    remembered (a stranger inventing tokens costs a read each, and no memory); at most
    `max_entries` (least recently used dropped). A lookup that raced with a rotation is not
    stored (`generation`)."""

    def __init__(self, ttl_s: float = 60.0, max_entries: int = 10_000, *, enabled: bool = True):
        self.ttl_s, self.max_entries = ttl_s, (max_entries if enabled else 0)
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

    @contextmanager
    def rotating(self, station_id: str) -> Iterator[None]:
        """Around the transaction that changes a station's token: what is known of the station
        is dropped before it and again after it (committed or not), and a lookup that raced
        with it is not kept."""
        self._forget(station_id)
        try:
            yield
        finally:
            self._forget(station_id)

    def _forget(self, station_id: str) -> None:
        with self._lock:
            self.generation += 1
            for digest in [d for d, (sid, _) in self._entries.items() if sid == station_id]:
                del self._entries[digest]


def is_admin_token(config, token: str) -> bool:
    """The admin token (HQ)? A constant-time compare."""
    admin = config.admin_token or ""
    return bool(admin) and hmac.compare_digest(token.encode(), admin.encode())


def cached_caller(ctx, token: str) -> Caller | None:
    """Who a token belongs to when that needs no database read (the admin token, or a station
    token in the cache); None otherwise."""
    if is_admin_token(ctx.config, token):
        return Caller(is_admin=True)
    station_id = ctx.tokens.get(token_sha256(token))
    return None if station_id is None else Caller(is_admin=False, station_id=station_id)


async def identify_token(ctx, token: str | None) -> Caller | None:
    """Who a token belongs to, or None: on the event loop when that needs no database read,
    else one indexed read on a worker thread."""
    if token is None:
        return None
    return cached_caller(ctx, token) or await anyio.to_thread.run_sync(_read_station, ctx, token)


def _read_station(ctx, token: str) -> Caller | None:
    """The station whose token this is (one indexed read), remembered in the cache."""
    generation = ctx.tokens.generation
    digest = token_sha256(token)
    with ctx.db.read() as conn:
        station_id = conn.execute(
            select(m.stations.c.station_id).where(m.stations.c.token_sha256 == digest)
        ).scalar_one_or_none()
    if station_id is None:
        return None
    ctx.tokens.put(digest, station_id, generation)
    return Caller(is_admin=False, station_id=station_id)
