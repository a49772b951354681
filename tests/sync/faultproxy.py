"""A tiny fault-injecting HTTP proxy for the network edge (http.server in a thread).

It sits between the station's client and the real sync server and, per request, either passes
it on or plays one scripted fault — the things a real server on loopback cannot be made to do:

    proxy = FaultProxy(server.url)                 # .url to give the station
    proxy.plan("/sync/push", "lose")               # next push: forwarded, answer lost
    proxy.plan("/sync/pull", "status:500", times=3)

Actions: `pass`; `status:N` (answer N with an error body, nothing forwarded); `429:S` (429 with
Retry-After S); `body:TEXT` (200 with this body instead, nothing forwarded); `truncate` (forward,
answer the first half of the body with a matching Content-Length: truncated JSON); `cut` (forward,
announce the full length, send half, close: a connection cut mid-response); `lose` (forward, then
close without answering: the server did the work, the answer is lost); `slow:S` (wait S seconds,
then forward); `delay:S` (forward, then wait S seconds before answering); `down` (close at once,
nothing forwarded). `log` lists (method, path, action, status).

A bad network at set rates (the city trial): `FaultProxy(url, rates={"down": .02, "lose": .02,
"delay": .05, "cut": .02, "status:502": .02}, seed=1)` plays, for each request no plan
matches, one fault drawn at those rates (`delay` waits a random `delay_s` span);
`set_rates(...)`/`heal()` change them on the fly. Many stations can share one proxy: a station
given `proxy.route_url("ST01")` sends `/s/ST01/api/v1/...`, the prefix is stripped before
forwarding, and `offline("ST01")` cuts that station alone off (`online(...)` brings it back).
When the upstream cannot be reached the station gets a 502, as behind a real reverse proxy.
`timings` keeps (path, seconds upstream, status) of forwarded requests; `push_results` counts
the statuses of the events in the push answers that were delivered whole.
"""

from __future__ import annotations

import collections
import gzip
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
               "content-length", "host", "accept-encoding"}


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass  # a client that hung up mid-request is part of the game here


class FaultProxy:
    def __init__(self, upstream: str, *, rates: dict[str, float] | None = None,
                 seed: int | None = None, delay_s: tuple[float, float] = (0.2, 1.5),
                 pool: int = 64, timeout: float = 60.0):
        self.upstream = upstream.rstrip("/")
        self._plans: list[list] = []  # [path_part, action, times_left]
        self._lock = threading.Lock()
        self.log: list[tuple[str, str, str, int | None]] = []
        self.forwarded: list[str] = []
        self.rates: dict[str, float] = dict(rates or {})
        self.delay_s = delay_s
        self.timeout = timeout
        self._rng = random.Random(seed)
        self._offline: set[str] = set()
        self.timings: list[tuple[str, float, int]] = []
        self.push_results: collections.Counter = collections.Counter()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def do_GET(self):
                proxy._handle(self)

            do_POST = do_PUT = do_GET

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool)
        self._session.mount("http://", adapter)

    def route_url(self, name: str) -> str:
        """The base URL one station should use so that `offline(name)` can single it out."""
        return f"{self.url}/s/{name}"

    def offline(self, name: str) -> None:
        with self._lock:
            self._offline.add(name)

    def online(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._offline.clear()
            else:
                self._offline.discard(name)

    def set_rates(self, rates: dict[str, float] | None) -> None:
        with self._lock:
            self.rates = dict(rates or {})

    def heal(self) -> None:
        """No more faults: plans, rates and offline routes cleared."""
        with self._lock:
            self._plans.clear()
            self.rates = {}
            self._offline.clear()

    def plan(self, path_part: str, action: str, times: int = 1) -> None:
        with self._lock:
            self._plans.append([path_part, action, times])

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, path_part: str, action: str | None = None) -> int:
        return sum(1 for _m, p, a, _s in self.log if path_part in p and (action in (None, a)))

    # --- per request ----------------------------------------------------------------------

    def _take(self, path: str, route: str | None = None) -> str:
        with self._lock:
            if route is not None and route in self._offline:
                return "down"
            for plan in self._plans:
                if plan[0] in path and plan[2] > 0:
                    plan[2] -= 1
                    if plan[2] == 0:
                        self._plans.remove(plan)
                    return plan[1]
            roll = self._rng.random() if self.rates else 1.0
            for action, rate in self.rates.items():
                if roll < rate:
                    if action == "delay":
                        return f"delay:{self._rng.uniform(*self.delay_s):.2f}"
                    return action
                roll -= rate
        return "pass"

    @staticmethod
    def _route(path: str) -> tuple[str | None, str]:
        """`/s/NAME/rest` -> (NAME, `/rest`); other paths have no route."""
        if path.startswith("/s/"):
            name, _, rest = path[3:].partition("/")
            return name, "/" + rest
        return None, path

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes, path: str) -> requests.Response:
        headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP_HEADERS}
        self.forwarded.append(path)
        started = time.monotonic()
        resp = self._session.request(h.command, self.upstream + path, data=body or None,
                                     headers=headers, timeout=self.timeout)
        _ = resp.content
        self.timings.append((path.split("?", 1)[0], time.monotonic() - started,
                             resp.status_code))
        return resp

    def _count_push(self, path: str, status: int, data: bytes) -> None:
        if status != 200 or not path.startswith("/api/v1/sync/push"):
            return
        try:
            results = json.loads(data)["results"]
            self.push_results.update(r.get("status") for r in results)
        except (ValueError, KeyError, TypeError, AttributeError):
            pass

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        route, path = self._route(h.path)
        action = self._take(path, route)
        kind, _, arg = action.partition(":")
        status: int | None = None
        try:
            if kind == "down":
                h.close_connection = True
                return
            if kind == "slow":
                time.sleep(float(arg))
                kind = "pass"
            if kind == "status":
                status = int(arg)
                self._send(h, status, json.dumps({"error": {"code": "injected",
                                                            "message": "injected fault"}}).encode())
                return
            if kind == "429":
                status = 429
                self._send(h, 429, b'{"error":{"code":"rate_limited","message":"slow down"}}',
                           {"Retry-After": arg or "1"})
                return
            if kind == "body":
                status = 200
                self._send(h, 200, arg.encode())
                return
            try:
                resp = self._forward(h, body, path)
            except requests.RequestException:  # upstream down or restarting: a gateway error
                status = 502
                self._send(h, 502, b'{"error":{"code":"bad_gateway",'
                                   b'"message":"upstream unreachable"}}')
                return
            status = resp.status_code
            data = resp.content
            extra = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_HEADERS}
            if kind == "delay":
                time.sleep(float(arg))
                kind = "pass"
            if kind in ("pass", "gzip"):
                self._count_push(path, status, data)
            if kind == "lose":
                h.close_connection = True
                return
            if kind == "gzip":  # what a compressing server or reverse proxy sends
                extra["Content-Encoding"] = "gzip"
                self._send(h, status, gzip.compress(data), extra)
                return
            if kind == "truncate":
                self._send(h, status, data[: len(data) // 2], extra)
                return
            if kind == "cut":
                h.send_response(status)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(data)))
                h.end_headers()
                h.wfile.write(data[: len(data) // 2])
                h.wfile.flush()
                h.close_connection = True
                return
            self._send(h, status, data, extra)
        except OSError:  # the client went away while we answered
            h.close_connection = True
        finally:
            self.log.append((h.command, path, action, status))

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict | None = None):
        h.send_response(status)
        for k, v in (headers or {}).items():
            if k.lower() not in ("server", "date"):
                h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        if "content-type" not in {k.lower() for k in (headers or {})}:
            h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(data)
