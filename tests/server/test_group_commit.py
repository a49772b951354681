"""SQLite's group commit of pushes (services/push_writer.py), the station-token cache, lanes.

Pushes waiting at one moment, from several stations, are written in one transaction, each in a
savepoint: every push still gets its own answer, a push refused on its own (422) stores
nothing and leaves the others of its group stored, and nothing is answered before its commit.
"""

from __future__ import annotations

import threading
import time

import requests

from tests.server.conftest import assert_error, pickup
from tests.server_fixtures import HQClient, StationClient, make_order

STATIONS = 10


def _stations(server) -> list[tuple[str, StationClient]]:
    hq = HQClient(server)
    out = []
    for n in range(STATIONS):
        sid = f"G{n:02d}"
        token = hq.create_station(sid, f"店{n}")
        hq.put_batch(f"GB{n:02d}", sid, [make_order(f"G{n:02d}-{k}") for k in range(3)])
        out.append((sid, StationClient(server, token)))
    return out


def _held_writer(server):
    """Holds SQLite's one writer lock: pushes queue up behind it (and nothing commits)."""
    ctx = server.app.state.ctx
    lock = ctx.db._write_lock
    lock.acquire()
    return ctx.pusher, lock


def _wait_queued(pusher, taken: int, n: int, timeout: float = 20.0) -> None:
    """Until the writer thread took `taken` pushes (and waits for the lock with them) and `n`
    more wait in its queue."""
    deadline = time.monotonic() + timeout
    while (pusher.taken, pusher._queue.qsize()) != (taken, n):
        assert time.monotonic() < deadline, (pusher.taken, pusher._queue.qsize(), taken, n)
        time.sleep(0.01)
    time.sleep(0.1)
    assert (pusher.taken, pusher._queue.qsize()) == (taken, n)


def _post_all(calls: list[tuple[str, list[dict]]], url: str) -> list:
    answers: list = [None] * len(calls)

    def one(i: int, token: str, events: list[dict]) -> None:
        answers[i] = requests.post(url + "/api/v1/sync/push", json={"events": events},
                                   headers={"Authorization": f"Bearer {token}"}, timeout=60)

    threads = [threading.Thread(target=one, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    return threads, answers


def test_pushes_of_many_stations_share_one_transaction(live_server):
    stations = _stations(live_server)
    pusher, lock = _held_writer(live_server)
    groups_before, taken = pusher.groups, pusher.taken
    try:
        calls = [(client.token, [pickup(f"{sid}-{k}", f"P-{sid}-{k}") for k in range(3)])
                 for sid, client in stations]
        threads, alone = _post_all(calls[:1], live_server.url)
        _wait_queued(pusher, taken + 1, 0)  # the writer thread took it, waits for the lock
        more, grouped = _post_all(calls[1:], live_server.url)
        threads += more
        _wait_queued(pusher, taken + 1, STATIONS - 1)
        answers = alone + grouped  # filled by the threads
        assert all(a is None for a in answers), "answered before anything was committed"
    finally:
        lock.release()
    for t in threads:
        t.join()
    answers = alone + grouped
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 3
    assert pusher.groups - groups_before == 2  # the first alone, then the nine together
    pickups = HQClient(live_server).pickups()["pickups"]
    assert sorted(p["order_id"] for p in pickups) == sorted(
        f"{sid}-{k}" for sid, _ in stations for k in range(3))


def test_a_push_refused_in_a_group_stores_nothing_and_the_others_are_kept(live_server):
    stations = _stations(live_server)
    (sid0, c0), (sid1, c1) = stations[0], stations[1]
    first = pickup(f"{sid0}-0", "P-first")
    assert c0.push([first])[0]["status"] == "accepted"
    changed = dict(first, data=dict(first["data"], receipt_no="R-OTHER"))
    fresh = pickup(f"{sid0}-1", "P-fresh")
    pusher, lock = _held_writer(live_server)
    taken = pusher.taken
    try:
        calls = [(c0.token, [pickup(f"{sid0}-2", "P-two")]),  # goes alone, into the lock
                 (c0.token, [fresh, changed]),  # 422: nothing of it may stay
                 (c1.token, [pickup(f"{sid1}-0", "P-other")])]
        threads, answers = [], [None] * 3
        for i, call in enumerate(calls):  # one by one: the first alone, the others grouped
            t, answers[i] = _post_all([call], live_server.url)
            threads += t
            _wait_queued(pusher, taken + 1, i)
        groups_before = pusher.groups
    finally:
        lock.release()
    for t in threads:
        t.join()
    assert answers[0][0].json()["results"][0]["status"] == "accepted"
    assert_error(answers[1][0], 422, "event_id_conflict")
    assert answers[2][0].json()["results"][0]["status"] == "accepted"
    assert pusher.groups - groups_before == 2  # the refused push shared its transaction
    # the refused push's fresh event was not stored: it is new when sent again
    assert c0.push([fresh])[0]["status"] == "accepted"
    orders = {p["order_id"] for p in HQClient(live_server).pickups()["pickups"]}
    assert orders == {f"{sid0}-0", f"{sid0}-1", f"{sid0}-2", f"{sid1}-0"}


def test_a_rotated_token_stops_at_once_though_it_was_cached(live_server):
    hq = HQClient(live_server)
    old = hq.create_station("T1", "店")
    station = StationClient(live_server, old)
    for _ in range(3):  # known now: answered without a database read
        assert station.request("GET", "/api/v1/sync/me").status_code == 200
    new = hq.rotate_token("T1")
    assert_error(station.request("GET", "/api/v1/sync/me"), 401)
    assert_error(station.request("POST", "/api/v1/sync/push", json={"events": []}), 401)
    assert StationClient(live_server, new).request("GET", "/api/v1/sync/me").status_code == 200


def test_unknown_tokens_are_not_remembered(live_server):
    cache = live_server.app.state.ctx.tokens
    for n in range(50):
        r = requests.get(live_server.url + "/api/v1/sync/me",
                         headers={"Authorization": f"Bearer st_made-up-{n}"}, timeout=10)
        assert_error(r, 401)
    assert len(cache._entries) == 0


def test_station_lanes_keep_hq_answered_while_stations_wait(server_factory):
    """With one station lane taken (a heartbeat waiting for the writer lock), the next station
    call waits its turn without a thread, and HQ is answered at once."""
    server = server_factory(station_lanes=1)
    hq = HQClient(server)
    station = StationClient(server, hq.create_station("L1", "店"))
    assert station.request("GET", "/api/v1/sync/me").status_code == 200
    lock = server.app.state.ctx.db._write_lock
    lock.acquire()
    try:
        threads, (beat,) = _call_all([("POST", "/api/v1/sync/heartbeat",
                                       {"app_version": "t", "pending_events": 0})],
                                     server.url, station.token)
        time.sleep(0.3)  # the heartbeat holds the one lane, waiting for the lock
        more, (me,) = _call_all([("GET", "/api/v1/sync/me", None)], server.url, station.token)
        threads += more
        time.sleep(0.3)
        started = time.monotonic()
        assert hq.request("GET", "/api/v1/stations").status_code == 200
        assert time.monotonic() - started < 5
        assert beat == [] and me == [], "a station call went past the lane"
    finally:
        lock.release()
    for t in threads:
        t.join()
    assert beat[0].status_code == 200 and me[0].status_code == 200


def test_station_calls_wait_while_hq_is_being_answered_but_not_for_long(server_factory):
    """HQ goes first: while an HQ request is being worked on (here: held on the writer lock),
    a station call that has not started waits, and starts anyway after at most
    HQ_FIRST_MAX_WAIT_S (a busy HQ never starves the stations); with no HQ request, no wait."""
    from server_stub.limits import HQ_FIRST_MAX_WAIT_S

    server = server_factory()
    hq = HQClient(server)
    station = StationClient(server, hq.create_station("P1", "店"))

    def me_seconds() -> float:
        started = time.monotonic()
        assert station.request("GET", "/api/v1/sync/me").status_code == 200
        return time.monotonic() - started

    assert me_seconds() < HQ_FIRST_MAX_WAIT_S  # (warm) no HQ request: no wait
    lock = server.app.state.ctx.db._write_lock
    lock.acquire()
    try:
        threads, (made,) = _call_all([("POST", "/api/v1/stations",
                                       {"station_id": "P2", "name": "店2"})],
                                     server.url, server.admin_token)
        time.sleep(0.3)  # HQ's request is in, waiting for the lock
        waited = me_seconds()
        assert made == [], "HQ's request should still be held"
    finally:
        lock.release()
    for t in threads:
        t.join()
    assert made[0].status_code == 201, made[0].text
    assert HQ_FIRST_MAX_WAIT_S * 0.9 <= waited  # answered while HQ was still held: capped
    assert me_seconds() < HQ_FIRST_MAX_WAIT_S  # HQ done: no wait again


def _call_all(calls, url: str, token: str):
    """Each call on its own thread; each answer appended to its own list when it comes."""
    threads, boxes = [], []
    for method, path, body in calls:
        box: list = []
        boxes.append(box)

        def one(method=method, path=path, body=body, box=box) -> None:
            box.append(requests.request(method, url + path, json=body, timeout=60,
                                        headers={"Authorization": f"Bearer {token}"}))

        threads.append(threading.Thread(target=one))
        threads[-1].start()
    return threads, boxes


def test_a_writer_holds_the_file_lock_that_other_processes_wait_on(tmp_path):
    """Several worker processes on one SQLite file: a writer of one process holds an flock on
    `<database>-writer` for its whole transaction, so another process's writer waits on the
    kernel (and wakes when it is released), not in SQLite's sleeping busy-wait."""
    import subprocess
    import sys

    from server_stub.db import Database

    db = Database(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
             "except BlockingIOError:\n    print('held')\n")
    lock_file = str(tmp_path / "one.sqlite3-writer")

    def other_process_sees() -> str:
        return subprocess.run([sys.executable, "-c", probe, lock_file], capture_output=True,
                              text=True, timeout=60, check=True).stdout.strip()

    try:
        with db.write() as conn:
            conn.exec_driver_sql("SELECT 1")
            assert other_process_sees() == "held"
        assert other_process_sees() == "free"
        with db.write():  # taken again after a release
            assert other_process_sees() == "held"
    finally:
        db.dispose()
    assert other_process_sees() == "free"
