"""HTTP client of the sync server, as one pickup point (自提点) sees it: its own token, its own data.

`SyncClient(base_url, token)` wraps one `requests.Session` with connect/read timeouts, gzip
answers, and a short retry loop (truncated exponential backoff with jitter) for failures that
may pass: the network, 5xx answers, and 429 (whose `Retry-After` is honoured up to
`max_retry_after` seconds; beyond that `RateLimited` goes to the caller, which schedules the next
round). Every failure becomes one of the `SyncError` classes below, each with a zh_CN/English
message a host can act on. Retrying a push is safe: the server deduplicates by event_id forever.

Not thread-safe (one `requests.Session`): give each worker thread its own client.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from pickup_station import __version__
from pickup_station.errors import SyncAuthError, UserFacingError
from pickup_station.sync import protocol as P

log = logging.getLogger(__name__)


class SyncError(UserFacingError):
    """Sync did not get through; the message says why."""

    code = "sync_error"
    transient = True  # worth trying again later


class SyncOffline(SyncError):
    code = "offline"


class SyncServerError(SyncError):
    code = "server_error"


class RateLimited(SyncError):
    code = "rate_limited"

    def __init__(self, retry_after: float):
        super().__init__("sync.busy", retry_after=retry_after)
        self.retry_after = retry_after


class RequestRefused(SyncError):
    """A 4xx answer other than 401/429: this request as sent will never pass."""

    transient = False

    def __init__(self, status: int, error_code: str, message: str):
        super().__init__("sync.refused", status=status, error_code=error_code, message=message,
                         code=error_code or "refused")
        self.status = status
        self.error_code = error_code
        self.server_message = message


class PayloadTooLarge(RequestRefused):
    pass


def auth_error() -> SyncAuthError:
    err = SyncAuthError("sync.token_rejected")
    err.transient = False  # type: ignore[attr-defined]
    return err


@dataclass
class Backoff:
    """Truncated exponential backoff with "equal jitter": half fixed, half random."""

    base: float = 1.0
    cap: float = 300.0
    factor: float = 2.0
    failures: int = 0
    rng: random.Random | None = None

    def next_delay(self) -> float:
        raw = min(self.cap, self.base * self.factor ** min(self.failures, 32))
        self.failures += 1
        rnd = (self.rng or random).random()
        return raw / 2 + rnd * raw / 2

    def reset(self) -> None:
        self.failures = 0


def parse_retry_after(value: str | None, default: float = 5.0) -> float:
    """Seconds from a Retry-After header: a number or an HTTP date."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def normalize_url(url: str) -> str:
    """`host:8765/` → `http://host:8765`: what the host typed, as a base URL."""
    url = (url or "").strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    url = url.removesuffix(P.API_PREFIX)
    return url


class SyncClient:
    def __init__(self, base_url: str, token: str, *, connect_timeout: float = 5.0,
                 read_timeout: float = 30.0, retries: int = 2, retry_base: float = 0.5,
                 retry_cap: float = 8.0, max_retry_after: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.base_url = normalize_url(base_url)
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {token.strip()}",
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": f"pickup-station/{__version__}",
        })

    def close(self) -> None:
        self.session.close()

    # --- the calls of docs/protocol.md -----------------------------------------------------

    def pull(self, after: str | None, limit: int = P.PULL_LIMIT_DEFAULT) -> P.PullPage:
        params: dict[str, Any] = {"limit": min(max(1, limit), P.PULL_LIMIT_MAX)}
        if after:
            params["after"] = after
        return P.parse_pull_page(self._call("GET", "/sync/pull", "pull", params=params))

    def push(self, events: list[dict], encoded: list[bytes] | None = None) -> list[P.PushResult]:
        """Send events (oldest first); `encoded` may carry their JSON, made once by the caller."""
        body = P.push_body(events, encoded)
        doc = self._call("POST", "/sync/push", "push", data=body,
                         headers={"Content-Type": "application/json"})
        return P.parse_push_results(doc, [e["event_id"] for e in events])

    def heartbeat(self, app_version: str, pending_events: int,
                  station_time: str | None = None) -> P.HeartbeatAnswer:
        body: dict[str, Any] = {"app_version": app_version, "pending_events": pending_events}
        if station_time:
            body["station_time"] = station_time
        return P.parse_heartbeat(self._call("POST", "/sync/heartbeat", "heartbeat", json=body))

    def me(self) -> P.StationInfo | None:
        """Who this token belongs to, or None when the server has no `/sync/me`."""
        doc = self._call("GET", "/sync/me", "me", none_on_404=True)
        return None if doc is None else P.parse_station_info(doc)

    def locate(self, token_sha256: str) -> P.StationInfo | None:
        """The pickup point holding the order with this token hash, or None (404)."""
        doc = self._call("GET", "/sync/locate", "locate", none_on_404=True,
                         params={"token_sha256": token_sha256.lower()})
        return None if doc is None else P.parse_station_info(doc)

    # --- plumbing --------------------------------------------------------------------------

    def _call(self, method: str, path: str, what: str, *, none_on_404: bool = False,
              **kwargs) -> Any:
        backoff = Backoff(base=self.retry_base, cap=self.retry_cap)
        attempt = 0
        while True:
            try:
                return self._once(method, path, what, none_on_404=none_on_404, **kwargs)
            except RateLimited as exc:
                if attempt >= self.retries or exc.retry_after > self.max_retry_after:
                    raise
                delay = exc.retry_after
            except (SyncOffline, SyncServerError, P.ProtocolError) as exc:
                if attempt >= self.retries:
                    raise
                delay = backoff.next_delay()
                log.info("sync %s failed (%s); retry in %.1f s", what, exc.en, delay)
            attempt += 1
            self.sleep(delay)

    def _once(self, method: str, path: str, what: str, *, none_on_404: bool, **kwargs) -> Any:
        url = self.base_url + P.API_PREFIX + path
        try:
            resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
            body = resp.content  # reads it all: a cut connection raises here
        except requests.Timeout as exc:
            raise SyncOffline("sync.timeout", error_type=type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise SyncOffline("sync.unreachable", base_url=self.base_url,
                              error_type=type(exc).__name__) from exc
        status = resp.status_code
        if 200 <= status < 300:
            return P.decode_json(body, what)
        if status == 404 and none_on_404:
            return None
        error_code, message = _error_of(body)
        if status == 401:
            raise auth_error()
        if status == 429:
            raise RateLimited(parse_retry_after(resp.headers.get("Retry-After")))
        if status >= 500:
            raise SyncServerError("sync.server_error", status=status)
        if status == 413:
            raise PayloadTooLarge(status, error_code or "payload_too_large", message)
        raise RequestRefused(status, error_code, message)


def _error_of(body: bytes) -> tuple[str, str]:
    try:
        err = P.decode_json(body, "error").get("error") or {}
        return str(err.get("code") or ""), str(err.get("message") or "")
    except (P.ProtocolError, AttributeError):
        return "", body[:200].decode("utf-8", "replace")
