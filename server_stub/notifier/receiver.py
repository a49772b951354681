"""A minimal webhook receiver (stdlib): what a chain's SMS / mini-program service must do with a
notice, runnable on loopback for tests and benches.

It checks the signature (`webhook.verify`: 401 when wrong), drops duplicates by
`Idempotency-Key` (answers 200 again: at-least-once delivery means the same notice may come
twice), and keeps what it received. `answer(key, n)` may script the n-th arrival (1, 2, ...)
of a key: an HTTP status, or `"hang"` (no answer until the sender gives up)::

    with LoopbackReceiver("secret") as rx:     # rx.url -> http://127.0.0.1:PORT/notices
        ...
        rx.wait_for(10, timeout=20); rx.unique  # {key: body}
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from .webhook import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

Answer = Callable[[str, int], "int | str"]


class LoopbackReceiver:
    def __init__(self, secret: str, answer: Answer | None = None, *, hang_s: float = 5.0,
                 port: int = 0):
        """`port` 0: any free one; a given port lets a test open it after it was closed."""
        self.secret, self.answer, self.hang_s = secret, answer, hang_s
        self.unique: dict[str, dict] = {}  # key -> body of the first accepted delivery
        self.arrivals: Counter[str] = Counter()  # key -> requests seen (all answers)
        self.accepted: Counter[str] = Counter()  # key -> 2xx answers given
        self.bad_signatures = 0
        self.headers: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the notifier uses it

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self._reply(receiver.take(dict(self.headers.items()), raw))

            def _reply(self, status: int | str) -> None:
                if status == "hang":
                    time.sleep(receiver.hang_s)
                    status = 503
                self.send_response(int(status))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="notice-receiver", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/notices"

    def take(self, headers: dict, raw: bytes) -> int | str:
        """The answer to one delivery (called by the handler, any thread)."""
        if not verify(self.secret, headers.get(TIMESTAMP_HEADER),
                      headers.get(SIGNATURE_HEADER), raw):
            with self._lock:
                self.bad_signatures += 1
            return 401
        key = headers.get(KEY_HEADER) or ""
        body = json.loads(raw)
        if body.get("idempotency_key") != key:
            return 400
        with self._changed:
            self.arrivals[key] += 1
            n = self.arrivals[key]
        status = self.answer(key, n) if self.answer else 200
        if status == "hang" or not 200 <= int(status) < 300:
            return status
        with self._changed:
            self.accepted[key] += 1
            self.unique.setdefault(key, body)
            self.headers.setdefault(key, headers)
            self._changed.notify_all()
        return status

    def wait_for(self, count: int, timeout: float) -> bool:
        """True once `count` distinct notices were accepted (False after `timeout`)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.unique) >= count, timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
