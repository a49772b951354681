"""Clients that have not shown a valid token cost the server almost nothing: they cannot hold
the slots stations need, and slow or silent connections are cut after the published time."""

from __future__ import annotations

import socket
import time

import requests

from tests.server.conftest import build_world, pickup

HEADER_S, BODY_S = 1.5, 1.5


def _connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def _push_head(server, token: str | None, length: int = 5000) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def _read_all(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
    except TimeoutError:
        return out + b"<still open>"
    return out


def test_hostile_connections_do_not_starve_stations(server_factory):
    server = server_factory(max_concurrent_sync=8, header_timeout_s=HEADER_S,
                            body_timeout_s=BODY_S)
    world = build_world(server)
    limits = requests.get(server.url + "/api/v1/limits", timeout=10).json()
    assert (limits["header_timeout_s"], limits["body_timeout_s"]) == (HEADER_S, BODY_S)

    hostile: list[socket.socket] = []
    for n in range(100):  # push headers with a made-up token, then nothing
        s = _connect(server)
        s.sendall(_push_head(server, f"st_{n:043d}"))
        hostile.append(s)
    silent = [_connect(server) for _ in range(20)]  # connect, send nothing
    trickle = []
    for _ in range(20):  # half a request line, then nothing
        s = _connect(server)
        s.sendall(b"POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nAuthor")
        trickle.append(s)
    no_token = []
    for _ in range(20):
        s = _connect(server)
        s.sendall(_push_head(server, None))
        no_token.append(s)

    # real stations are served at once (the limit is 8 slots, 160 hostile sockets are open)
    started = time.monotonic()
    for _ in range(3):
        assert world.s1.push([pickup("O1", "P-1")])[0]["status"] in ("accepted", "duplicate")
        assert world.s2.pull()["changes"]
    assert time.monotonic() - started < 3.0

    # made-up or missing tokens: refused at once, before any body is read, connection closed
    for s in hostile + no_token:
        answer = _read_all(s, 5)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        assert b'"unauthorized"' in answer and answer.endswith(b"}"), answer[-200:]
    # silent and trickling connections are cut after the published header time
    time.sleep(HEADER_S + 0.5)
    for s in silent + trickle:
        assert _read_all(s, 3) == b"", "a connection without complete headers stayed open"
    for s in hostile + silent + trickle + no_token:
        s.close()


def test_a_slow_body_gets_408_after_the_published_time(server_factory):
    server = server_factory(header_timeout_s=HEADER_S, body_timeout_s=BODY_S)
    world = build_world(server)
    slow = _connect(server)
    slow.sendall(_push_head(server, world.t1, length=1000) + b'{"events": [')
    started = time.monotonic()
    answer = _read_all(slow, 10)
    waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b'"request_timeout"' in answer
    assert BODY_S - 0.2 <= waited <= BODY_S + 2.0, waited
    slow.close()
    # while a slow station body waits, other stations are served
    slow2 = _connect(server)
    slow2.sendall(_push_head(server, world.t1, length=1000))
    assert world.s2.pull()["changes"]
    slow2.close()
    # an idle keep-alive connection is closed too (headers never come)
    idle = _connect(server)
    idle.sendall(f"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n"
                 .encode())
    time.sleep(0.3)
    assert idle.recv(65536).startswith(b"HTTP/1.1 200")
    assert _read_all(idle, HEADER_S + 6) == b""
    idle.close()
