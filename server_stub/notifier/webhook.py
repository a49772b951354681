"""The webhook notifier: POST each notice as JSON to the chain's own service, signed.

Headers (docs/protocol.md "Notices"):
- `Idempotency-Key`: the notice's key (also `idempotency_key` in the body); the same on every
  attempt, so the receiver drops duplicates (delivery is at least once);
- `X-Pickup-Timestamp`: Unix seconds when this attempt was signed;
- `X-Pickup-Signature`: `v1=` + hex HMAC-SHA256(secret, timestamp + "." + raw body);
- `X-Pickup-Attempt`: 1, 2, ...
Any 2xx answer is a delivery; anything else (another status, a timeout, a refused connection)
is a failed attempt, retried by the worker. Stdlib `http.client`, one keep-alive connection
per sender thread (the server does not depend on `requests`).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from urllib.parse import urlsplit

from .message import Delivery, Outgoing

KEY_HEADER = "Idempotency-Key"
TIMESTAMP_HEADER = "X-Pickup-Timestamp"
SIGNATURE_HEADER = "X-Pickup-Signature"
ATTEMPT_HEADER = "X-Pickup-Attempt"
USER_AGENT = "pickup-sync-server-notifier/1"


def signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    """`v1=<hex>`: HMAC-SHA256 keyed by the shared secret over `timestamp.raw_body`."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + raw_body,
                   hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str | None, signature_header: str | None,
           raw_body: bytes, *, tolerance_s: float = 300, now: float | None = None) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    if not timestamp or not signature_header or not timestamp.isascii() \
            or not timestamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, timestamp, raw_body), signature_header)


class WebhookNotifier:
    name = "webhook"

    def __init__(self, url: str, secret: str, *, timeout_s: float = 5.0):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook URL must be http(s)://host/...: {url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.secret, self.timeout_s = secret, timeout_s
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            conn = cls(self.host, self.port, timeout=self.timeout_s)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def send(self, notice: Outgoing) -> Delivery:
        raw = json.dumps(notice.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   KEY_HEADER: notice.idempotency_key, TIMESTAMP_HEADER: stamp,
                   SIGNATURE_HEADER: signature(self.secret, stamp, raw),
                   ATTEMPT_HEADER: str(notice.attempt)}
        for fresh in (False, True):  # a kept-alive connection the receiver closed: once more
            conn = self._connection()
            try:
                conn.request("POST", self.path, body=raw, headers=headers)
                answer = conn.getresponse()
                answer.read()
                if answer.will_close:
                    self._drop_connection()
            except TimeoutError:
                self._drop_connection()
                return Delivery(False, f"timeout after {self.timeout_s:g} s")
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) as exc:
                self._drop_connection()
                if fresh:
                    return Delivery(False, f"connection lost: {type(exc).__name__}")
                continue
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                return Delivery(False, f"{type(exc).__name__}: {exc}"[:200])
            if 200 <= answer.status < 300:
                return Delivery(True)
            return Delivery(False, f"HTTP {answer.status}")
        return Delivery(False, "connection lost")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
