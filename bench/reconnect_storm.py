"""Reconnect storm: thousands of stations come back at once, each with a backlog to upload.

    .venv/bin/python bench/reconnect_storm.py [--stations 2000] [--backlog 30] [--hostile 100]

The server is a real uvicorn process with several workers (PostgreSQL when 127.0.0.1:5432
answers, else SQLite: `_trial_server.ServerProcess`). HQ registers N stations and PUTs a small
batch for each through the admin API. Then two storms, each with every station at once
(asyncio clients over aiohttp, not processes): each station pulls its changes, pushes its backlog
(an arrival check, shortages, hand-overs: fresh event ids per storm) and sends a heartbeat,
honouring `Retry-After` on 429 and backing off on anything else.

- storm A: the stations alone;
- storm B: the same, alongside `--hostile` slow unauthenticated connections that send the
  headers (or part of the headers) of a push and then trickle a byte now and then.

During both, a separate process plays HQ: `GET /api/v1/stations` and `GET /api/v1/batches/{id}`
in a loop, timed. Checked: 0 answers 5xx; every 429 carries Retry-After; HQ's p99 ≤ 500 ms;
every station fully synced (all events answered, pull caught up) within the bound printed.
Exit status 1 when a check fails. Last line: one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import shutil
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _common import percentile
from _trial_server import ServerProcess

HQ_P99_TARGET_MS = 500.0


# --- HQ's side: set-up and the responsiveness probe ------------------------------------------
async def register(url: str, admin: str, n: int, orders: int, concurrency: int = 32) -> list:
    """N stations, each with one batch of `orders` orders; [(station_id, token, batch_id)]."""
    out: list = [None] * n
    sem = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {admin}"}
    async with aiohttp.ClientSession(url, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=60)) as c:
        async def one(i: int) -> None:
            sid, bid = f"RS{i:05d}", f"RS{i:05d}-B1"
            async with sem:
                async with c.post("/api/v1/stations",
                                  json={"station_id": sid, "name": f"站{i}"}) as r:
                    r.raise_for_status()
                    token = (await r.json())["token"]
                async with c.put(f"/api/v1/batches/{bid}", json={"station_id": sid, "orders": [
                    {"order_id": f"{bid}-O{j}", "customer_name": "顾客", "phone": "13900001111",
                     "items": [{"sku": "SKU-A", "name": "苹果", "qty": 2}]}
                        for j in range(orders)]}) as r:
                    r.raise_for_status()
            out[i] = (sid, token, bid)
        await asyncio.gather(*(one(i) for i in range(n)))
    return out


def hq_probe(url: str, admin: str, batch_ids: list[str], stop, ready, results) -> None:
    """In its own process: HQ's screens, refreshed all the time; latencies in seconds."""
    import requests

    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {admin}"
    lat: dict[str, list] = {"stations": [], "batch": []}
    errors = 0
    rng = random.Random(1)
    while not stop.is_set():
        for kind, path in (("stations", "/api/v1/stations"),
                           ("batch", f"/api/v1/batches/{rng.choice(batch_ids)}")):
            t = time.perf_counter()
            try:
                r = s.get(url + path, timeout=30)
                ok = r.status_code == 200
            except requests.RequestException:
                ok = False
            lat[kind].append(time.perf_counter() - t)
            errors += not ok
        ready.set()  # one round done: the storm may begin
        time.sleep(0.05)
    results.put({"lat": lat, "errors": errors})


# --- hostile connections -----------------------------------------------------------------
def hostile(port: int, n: int, stop, ready, results) -> None:
    """In its own process: n unauthenticated connections that start a request and trickle."""
    asyncio.run(_hostile(port, n, stop, ready, results))


async def _hostile(port: int, n: int, stop, ready, results) -> None:
    held: list[float] = []  # seconds each connection lasted before the server cut it
    still_open: dict[int, float] = {}
    opened = 0
    head = (b"POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer st_not_a_token\r\nContent-Length: 1000000\r\n\r\n")

    async def one(i: int) -> None:
        nonlocal opened
        while not stop.is_set():
            t = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                opened += 1
                still_open[i] = t
                # half of them stop inside the headers, half inside the body
                writer.write(head[:40] if i % 2 else head)
                await writer.drain()
                while not stop.is_set():
                    try:  # anything from the server (an error, or EOF) while we wait a second
                        data = await asyncio.wait_for(reader.read(4096), timeout=1.0)
                    except TimeoutError:
                        writer.write(b"X" if i % 2 else b"{")  # one more byte: still "alive"
                        await writer.drain()
                        continue
                    if not data:
                        break  # the server cut us off
                writer.close()
            except OSError:
                pass
            if stop.is_set():
                return
            still_open.pop(i, None)
            held.append(time.monotonic() - t)
            await asyncio.sleep(0.2)

    async def watch() -> None:
        while not stop.is_set():
            await asyncio.sleep(0.2)
            if opened >= n:
                ready.set()

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await watch()
    for t in tasks:
        t.cancel()
    now = time.monotonic()
    results.put({"connections": opened, "held": held,
                 "never_cut": [now - t for t in still_open.values()]})


# --- the stations ------------------------------------------------------------------------
class Tally:
    def __init__(self) -> None:
        self.status: dict[int, int] = {}
        self.no_retry_after = 0
        self.transport_errors = 0
        self.slept_retry_after = 0.0
        self.results: dict[str, int] = {}
        self.done: list[float] = []
        self.unfinished = 0


def backlog(sid: str, bid: str, n: int, orders: int) -> list[dict]:
    now = "2026-06-01T08:00:00+08:00"
    events = [{"event_id": str(uuid.uuid4()), "type": "arrival_checked", "occurred_at": now,
               "batch_id": bid, "data": {"operator_id": "leader", "order_count": orders}}]
    for k in range(n - 1):
        oid = f"{bid}-O{k % orders}"
        if k >= orders:  # one hand-over per order, then shortages
            events.append({"event_id": str(uuid.uuid4()), "type": "item_short",
                           "occurred_at": now, "order_id": oid, "batch_id": bid,
                           "data": {"sku": "SKU-A", "qty": 1, "stage": "counter"}})
        else:
            events.append({"event_id": str(uuid.uuid4()), "type": "pickup_confirmed",
                           "occurred_at": now, "order_id": oid, "batch_id": bid,
                           "data": {"pickup_id": str(uuid.uuid4()), "receipt_no": f"{sid}-{k}",
                                    "operator_id": "leader",
                                    "items": [{"sku": "SKU-A", "qty_ordered": 2,
                                               "qty_handed": 2}]}})
    return events


async def call(c: aiohttp.ClientSession, tally: Tally, method: str, path: str,
               deadline: float, **kw) -> tuple[int, dict | None]:
    """(status, JSON body) of the first answer that is neither 429 nor 5xx; (0, None) when
    the deadline passed first."""
    backoff = 0.5
    while time.monotonic() < deadline:
        try:
            async with c.request(method, path, **kw) as resp:
                body = await resp.read()
                status, retry_after = resp.status, resp.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError):
            tally.transport_errors += 1
            await asyncio.sleep(backoff * random.uniform(1, 2))
            backoff = min(backoff * 2, 8)
            continue
        tally.status[status] = tally.status.get(status, 0) + 1
        if status == 429:
            value = retry_after
            if value is None:
                tally.no_retry_after += 1
            wait = float(value) if value and value.replace(".", "", 1).isdigit() else backoff
            wait *= random.uniform(1.0, 1.5)  # honour it, and do not all come back together
            tally.slept_retry_after += wait
            await asyncio.sleep(wait)
            continue
        if status >= 500:
            await asyncio.sleep(backoff * random.uniform(1, 2))
            backoff = min(backoff * 2, 8)
            continue
        return status, (json.loads(body) if status == 200 else None)
    return 0, None


async def station(c: aiohttp.ClientSession, tally: Tally, sid: str, token: str, events: list,
                  t0: float, deadline: float) -> None:
    h = {"Authorization": f"Bearer {token}"}
    after = None
    while True:
        params = {"limit": 500} | ({"after": after} if after else {})
        status, page = await call(c, tally, "GET", "/api/v1/sync/pull", deadline,
                                  params=params, headers=h)
        if status != 200:
            tally.unfinished += 1
            return
        after = page["cursor"]
        if not page["has_more"]:
            break
    for i in range(0, len(events), 100):
        chunk = events[i:i + 100]
        status, answer = await call(c, tally, "POST", "/api/v1/sync/push", deadline,
                                    json={"events": chunk}, headers=h)
        if status != 200:
            tally.unfinished += 1
            return
        for res in answer["results"]:
            tally.results[res["status"]] = tally.results.get(res["status"], 0) + 1
    await call(c, tally, "POST", "/api/v1/sync/heartbeat", deadline,
               json={"app_version": "storm", "pending_events": 0}, headers=h)
    tally.done.append(time.monotonic() - t0)


async def storm(url: str, stations: list, n_backlog: int, orders: int, bound_s: float) -> Tally:
    tally = Tally()
    connector = aiohttp.TCPConnector(limit=len(stations), limit_per_host=len(stations))
    timeout = aiohttp.ClientTimeout(total=120, connect=30)
    async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as c:
        work = [(sid, token, backlog(sid, bid, n_backlog, orders)) for sid, token, bid in stations]
        t0 = time.monotonic()
        deadline = t0 + bound_s
        await asyncio.gather(*(station(c, tally, sid, token, ev, t0, deadline)
                               for sid, token, ev in work))
    return tally


def run_storm(name: str, url: str, port: int, admin: str, stations: list, args,
              hostile_n: int) -> dict:
    ctx = mp.get_context("spawn")
    stop, q_hq, q_hostile = ctx.Event(), ctx.Queue(), ctx.Queue()
    probe_ready, hostile_ready = ctx.Event(), ctx.Event()
    probe = ctx.Process(target=hq_probe, args=(url, admin, [s[2] for s in stations], stop,
                                               probe_ready, q_hq))
    probe.start()
    bad = None
    if hostile_n:
        bad = ctx.Process(target=hostile, args=(port, hostile_n, stop, hostile_ready, q_hostile))
        bad.start()
        hostile_ready.wait(120)  # the hostile connections are in place first
        time.sleep(1)
    probe_ready.wait(120)  # and HQ is watching
    t = time.monotonic()
    tally = asyncio.run(storm(url, stations, args.backlog, args.orders, args.bound))
    took = time.monotonic() - t
    stop.set()
    hq = q_hq.get(timeout=60)
    probe.join(10)
    hostile_info = q_hostile.get(timeout=60) if bad else None
    if bad:
        bad.join(10)
    lat = hq["lat"]["stations"] + hq["lat"]["batch"]
    five = sum(n for s, n in tally.status.items() if s >= 500)
    out = {
        "storm": name, "stations": len(stations), "hostile": hostile_n, "seconds": round(took, 1),
        "synced": len(tally.done), "unfinished": len(stations) - len(tally.done),
        "all_synced_s": round(max(tally.done), 1) if tally.done else None,
        "synced_p50_s": round(percentile(tally.done, 50), 1) if tally.done else None,
        "status": dict(sorted(tally.status.items())), "5xx": five,
        "429_without_retry_after": tally.no_retry_after,
        "transport_errors": tally.transport_errors, "events": tally.results,
        "hq_stations_p99_ms": round(percentile(hq["lat"]["stations"], 99) * 1000, 1),
        "hq_batch_p99_ms": round(percentile(hq["lat"]["batch"], 99) * 1000, 1),
        "hq_errors": hq["errors"], "hq_requests": len(lat),
    }
    out["hq_p99_ms"] = max(out["hq_stations_p99_ms"], out["hq_batch_p99_ms"])
    if hostile_info:
        held = hostile_info["held"]
        out["hostile_connections"] = hostile_info["connections"]
        out["hostile_cut"] = len(held)
        out["hostile_held_p50_s"] = round(percentile(held, 50), 1) if held else None
        never = hostile_info["never_cut"]
        out["hostile_never_cut"] = len(never)
        out["hostile_never_cut_min_s"] = round(min(never), 1) if never else None
    print(f"storm {name}: {out['synced']}/{len(stations)} stations synced, last after "
          f"{out['all_synced_s']} s (median {out['synced_p50_s']} s); answers {out['status']}; "
          f"5xx {five}; 429 without Retry-After {tally.no_retry_after}; transport errors "
          f"{tally.transport_errors}; events {tally.results}")
    print(f"  HQ while it lasted: GET /stations p99 {out['hq_stations_p99_ms']} ms, "
          f"GET /batches/{{id}} p99 {out['hq_batch_p99_ms']} ms over {len(lat)} requests, "
          f"{hq['errors']} failed" + (
              f"; hostile: {out['hostile_connections']} connections, {out['hostile_cut']} "
              f"cut by the server (median {out['hostile_held_p50_s']} s), "
              f"{out['hostile_never_cut']} never cut (open ≥ {out['hostile_never_cut_min_s']} s)"
              if hostile_info else ""), flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, default=2000)
    p.add_argument("--backlog", type=int, default=30, help="events waiting at each station")
    p.add_argument("--orders", type=int, default=5, help="orders in each station's batch")
    p.add_argument("--hostile", type=int, default=100)
    p.add_argument("--bound", type=float, default=600.0,
                   help="every station must be synced within this many seconds")
    p.add_argument("--hq-p99-ms", type=float, default=HQ_P99_TARGET_MS,
                   help="HQ's GET /stations and GET /batches/{id} p99 must stay under this")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--database", choices=("auto", "sqlite", "postgres"), default="auto")
    args = p.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="reconnect-storm-"))
    server = ServerProcess(root / "server", workers=args.workers, database=args.database)
    try:
        server.start()
        t = time.monotonic()
        stations = asyncio.run(register(server.url, server.admin_token, args.stations,
                                        args.orders))
        print(f"server: uvicorn x{args.workers} workers on {server.kind}; {args.stations} "
              f"stations registered with a batch each in {time.monotonic() - t:.1f} s; "
              f"backlog {args.backlog} events each; bound {args.bound:.0f} s", flush=True)
        a = run_storm("A (stations alone)", server.url, server.port, server.admin_token,
                      stations, args, 0)
        b = run_storm(f"B (+{args.hostile} hostile slow connections)", server.url, server.port,
                      server.admin_token, stations, args, args.hostile)
    finally:
        server.stop()
        server.drop_database()
        shutil.rmtree(root, ignore_errors=True)
    failures = []
    for s in (a, b):
        name = s["storm"].split()[0]
        if s["5xx"]:
            failures.append(f"storm {name}: {s['5xx']} answers 5xx")
        if s["429_without_retry_after"]:
            failures.append(f"storm {name}: 429 without Retry-After")
        if s["unfinished"]:
            failures.append(f"storm {name}: {s['unfinished']} stations not synced within "
                            f"{args.bound:.0f} s")
        if not s["hq_requests"]:
            failures.append(f"storm {name}: HQ's probe made no request")
        elif not s["hq_p99_ms"] <= args.hq_p99_ms:
            failures.append(f"storm {name}: HQ p99 {s['hq_p99_ms']} ms > {args.hq_p99_ms} ms")
    delay = (b["all_synced_s"] or args.bound) - (a["all_synced_s"] or args.bound)
    print(f"effect of {args.hostile} hostile connections on the storm: {delay:+.1f} s to the "
          "last station synced")
    for f in failures:
        print("FAILED:", f)
    print(json.dumps({
        "stations": args.stations, "backlog": args.backlog, "hostile": args.hostile,
        "bound_s": args.bound, "all_synced_s": a["all_synced_s"],
        "all_synced_with_hostile_s": b["all_synced_s"], "hostile_delay_s": round(delay, 1),
        "unfinished": a["unfinished"] + b["unfinished"],
        "http_5xx": a["5xx"] + b["5xx"],
        "http_429": a["status"].get(429, 0) + b["status"].get(429, 0),
        "429_without_retry_after": a["429_without_retry_after"] + b["429_without_retry_after"],
        "hq_p99_ms": max(a["hq_p99_ms"], b["hq_p99_ms"]),
        "hq_p99_ms_with_hostile": b["hq_p99_ms"],
    }))
    return 1 if failures else 0


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    sys.exit(main())
