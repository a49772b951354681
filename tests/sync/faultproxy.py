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
then forward); `down` (close at once, nothing forwarded). `log` lists (method, path, action, status).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
               "content-length", "host", "accept-encoding"}


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self._plans: list[list] = []  # [path_part, action, times_left]
        self._lock = threading.Lock()
        self.log: list[tuple[str, str, str, int | None]] = []
        self.forwarded: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def do_GET(self):
                proxy._handle(self)

            do_POST = do_PUT = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        self._session = requests.Session()

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

    def _take(self, path: str) -> str:
        with self._lock:
            for plan in self._plans:
                if plan[0] in path and plan[2] > 0:
                    plan[2] -= 1
                    if plan[2] == 0:
                        self._plans.remove(plan)
                    return plan[1]
        return "pass"

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> requests.Response:
        headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP_HEADERS}
        self.forwarded.append(h.path)
        return self._session.request(h.command, self.upstream + h.path, data=body or None,
                                     headers=headers, timeout=60)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        action = self._take(h.path)
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
            resp = self._forward(h, body)
            status = resp.status_code
            data = resp.content
            extra = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_HEADERS}
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
        finally:
            self.log.append((h.command, h.path, action, status))

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
