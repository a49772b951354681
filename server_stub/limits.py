"""Limits that are part of the contract: body sizes (413), read deadlines (408), flood control
(429), and station calls authenticated before they may take a slot (401 at once otherwise).

`BodyLimitMiddleware` (pure ASGI) reads each request body before the app sees it, checking both
the declared Content-Length and the bytes that actually arrive, and answers 413 past the size
published for that path. It also caps the station requests in flight (429 + Retry-After).
`StationBuckets` is a token bucket per station, charged once the token names the station.

HQ goes first: while a request with the admin token is being worked on, station calls that
have not started yet wait (at most `HQ_FIRST_MAX_WAIT_S`) before they start, so HQ's
request shares the interpreter with the few station calls already under way, not with every
station of a reconnect storm.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time

import anyio
from starlette.datastructures import Headers

from .auth import bearer_token, identify_token, is_admin_token
from .config import ServerConfig
from .errors import ApiError, allowed_methods

SYNC_PREFIX = "/api/v1/sync/"
_DRAIN_CAP = 64 * 1024 * 1024  # beyond this a too-large body is not read, the connection closes
HQ_FIRST_MAX_WAIT_S = 0.5  # a station call waits at most this long for HQ's requests to end


def body_limit_for(config: ServerConfig, method: str, path: str) -> int:
    if path == "/api/v1/sync/push":
        return config.push_max_bytes
    if path.startswith("/api/v1/batches/") and (method == "PUT" or path.endswith("/import")):
        return config.batch_max_bytes
    return config.default_max_bytes


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogates(body: bytes) -> bool:
    """True when the JSON decodes to text that cannot be stored (a lone surrogate)."""
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False  # FastAPI answers bad JSON itself
    return False


def _utf8_json_text(body: bytes) -> bool:
    """One encoding: UTF-8 without BOM and without NUL bytes (UTF-16/32 JSON is full of them;
    JSON itself never needs a raw NUL)."""
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_json(scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a body without Content-Type as JSON


class BodyLimitMiddleware:
    def __init__(self, app, config: ServerConfig):
        self.app = app
        self.config = config
        self.in_flight_sync = 0
        self._lane_limiter: anyio.CapacityLimiter | None = None
        self.hq_in_flight = 0
        self._hq_done: anyio.Event | None = None  # set when the last HQ request ends
        self._busy_second = 0
        self._busy_count = 0

    def _retry_after(self) -> bytes:
        """`Retry-After` for a station turned away: the configured wait, longer the more were
        turned away in this second (a reconnect storm), so the crowd spreads out instead of
        coming back all at once and HQ keeps its share of the machine. At most 60 s."""
        now = int(time.monotonic())
        if now != self._busy_second:
            self._busy_second, self._busy_count = now, 0
        self._busy_count += 1
        # a quarter of the slots turned away in one second already says "storm": each 429 is
        # work for the event loop that HQ shares (a third of it in a 2,000-station storm)
        crowd = self._busy_count // max(1, self.config.max_concurrent_sync // 4)
        return str(min(60, self.config.retry_after_s * (1 + crowd))).encode()

    async def _send_error(self, send, status: int, code: str, message: str,
                          extra_headers: list | None = None, close: bool = False) -> None:
        body = _error_body(code, message)
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]
        if close:
            headers.append((b"connection", b"close"))
        headers += extra_headers or []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if not path.startswith(SYNC_PREFIX):
            token = bearer_token(Headers(scope=scope))
            if token is not None and is_admin_token(self.config, token):
                return await self._hq_first(scope, receive, send, path)
            return await self._handle(scope, receive, send, path)
        if scope.get("method", "GET") not in allowed_methods(scope["app"], path):
            return await self.app(scope, receive, send)  # 404 or 405 (Allow), body unread
        # A station call: who is it? (cheap: a constant-time compare or one indexed read)
        # Only a caller with a valid token may take one of the slots stations need, and
        # before its body is read.
        limit = body_limit_for(self.config, scope.get("method", "GET"), path)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > max(limit, _DRAIN_CAP):
            return await self._send_error(  # cheaper than a token check, and as final
                send, 413, "payload_too_large",
                f"request body over the limit of {limit} bytes for {path}", close=True)
        token = bearer_token(Headers(scope=scope))
        station_token = token is not None and not is_admin_token(self.config, token)
        if station_token and self.in_flight_sync >= self.config.max_concurrent_sync:
            # every slot taken: say so before looking the token up, so a storm of stations
            # (or of strangers) costs no database read and no thread that HQ may need
            return await self._send_error(
                send, 429, "rate_limited", "too many stations at once; retry later",
                [(b"retry-after", self._retry_after())])
        if station_token:
            await self._after_hq()  # a station's token read waits for HQ too (a thread each)
        caller = await identify_token(scope["app"].state.ctx, token)
        if caller is None:
            return await self._send_error(
                send, 401, "unauthorized", "missing, malformed or revoked Bearer token",
                [(b"www-authenticate", b"Bearer")], close=True)
        scope.setdefault("state", {})["caller"] = caller
        if caller.is_admin:
            return await self._hq_first(scope, receive, send, path)
        if self.in_flight_sync >= self.config.max_concurrent_sync:
            retry = self._retry_after()
            return await self._send_error(
                send, 429, "rate_limited", "too many stations at once; retry later",
                [(b"retry-after", retry)])
        self.in_flight_sync += 1
        try:
            await self._handle(scope, receive, send, path, lane=not self._group_commit(scope,
                                                                                        path))
        finally:
            self.in_flight_sync -= 1

    def _lanes(self) -> anyio.CapacityLimiter:
        if self._lane_limiter is None:  # made on the event loop
            self._lane_limiter = anyio.CapacityLimiter(self.config.station_lanes)
        return self._lane_limiter

    @staticmethod
    def _group_commit(scope, path: str) -> bool:
        """A push that waits for SQLite's writer thread, not for a lane."""
        return path == "/api/v1/sync/push" and scope["app"].state.ctx.pusher is not None

    async def _hq_first(self, scope, receive, send, path) -> None:
        """An HQ request (admin token): station calls not yet started wait until it ends."""
        self.hq_in_flight += 1
        try:
            await self._handle(scope, receive, send, path)
        finally:
            self.hq_in_flight -= 1
            if self.hq_in_flight == 0 and self._hq_done is not None:
                self._hq_done.set()
                self._hq_done = None

    async def _after_hq(self) -> None:
        """Wait while HQ requests are being worked on (at most HQ_FIRST_MAX_WAIT_S)."""
        if self.hq_in_flight == 0:
            return
        if self._hq_done is None:
            self._hq_done = anyio.Event()
        with anyio.move_on_after(HQ_FIRST_MAX_WAIT_S):
            await self._hq_done.wait()

    async def _app(self, scope, receive, send, lane: bool) -> None:
        if not lane:
            return await self.app(scope, receive, send)
        async with self._lanes():
            await self._after_hq()  # holding its lane: no other station call starts either
            return await self.app(scope, receive, send)

    async def _handle(self, scope, receive, send, path, lane: bool = False):
        """`lane`: a station call, worked on once one of the station lanes is free (after its
        body has arrived: a slow sender holds no lane)."""
        method = scope.get("method", "GET")
        if method not in ("POST", "PUT", "PATCH"):
            return await self._app(scope, receive, send, lane)
        limit = body_limit_for(self.config, method, path)
        too_large = f"request body over the limit of {limit} bytes for {path}"
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    return await self._send_error(send, 400, "bad_request", "bad Content-Length")
        if declared is not None and declared > limit:
            if declared <= _DRAIN_CAP:
                await self._drain(receive)
                return await self._send_error(send, 413, "payload_too_large", too_large)
            return await self._send_error(send, 413, "payload_too_large", too_large, close=True)
        chunks: list[bytes] = []
        size = 0
        with anyio.move_on_after(self.config.body_timeout_s) as deadline:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    if size <= _DRAIN_CAP and message.get("more_body"):
                        await self._drain(receive)
                    return await self._send_error(send, 413, "payload_too_large", too_large,
                                                  close=True)
                chunks.append(chunk)
                if not message.get("more_body"):
                    break
        if deadline.cancelled_caught:
            return await self._send_error(
                send, 408, "request_timeout",
                f"the request body did not arrive within {self.config.body_timeout_s:g} s",
                close=True)
        body = b"".join(chunks)
        if body and _is_json(scope) and not _utf8_json_text(body):
            return await self._send_error(
                send, 415, "unsupported_encoding",
                "the body must be JSON in UTF-8 (no byte order mark, no UTF-16/UTF-32)")
        if _SURROGATE.search(body) and _is_json(scope) and _lone_surrogates(body):
            return await self._send_error(send, 422, "validation_error",
                                          "text with unpaired UTF-16 surrogates (\\ud800...)")
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._app(scope, replay, send, lane)

    @staticmethod
    async def _drain(receive) -> None:
        total = 0
        while total <= _DRAIN_CAP:
            message = await receive()
            if message["type"] != "http.request":
                return
            total += len(message.get("body", b""))
            if not message.get("more_body"):
                return


class StationBuckets:
    """A token bucket per station: `rate` requests per second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, station_id: str) -> None:
        """Charge one request, or raise 429 with the seconds until one is allowed again."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(station_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[station_id] = (tokens, now)
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else 60
                raise ApiError(
                    429, "rate_limited", "too many requests from this station; retry later",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            self._buckets[station_id] = (tokens - 1.0, now)
