"""The city trial's judge: every counter's store and journal against what HQ says.

`judge(counters, hq, cancels)` reads each counter's SQLite store (pickups, lines, the
`trial_archive` of every event it ever queued, needs-attention items, the outbox) and journal,
and HQ's side through the HTTP contract only (`GET /api/v1/pickups` feed, `GET
/api/v1/batches/{id}`), and returns figures plus a list of broken invariants:

- a station lost nothing: each journaled hand-over / undo is in its store, integrity ok,
  outbox empty once drained;
- exactly once at HQ: each hand-over whose event the server did not reject is in the feed
  exactly once (undone flag agreeing); none is there twice; nothing unknown is there;
- each order cancelled before its station learned it and then handed over is flagged at HQ
  (`needs_review`) and at the station (needs-attention item);
- HQ's reconciliation per batch equals the fold of the stations' accepted events: the
  standing pickup, handed / short / damaged quantities per item, the order status.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CounterRecords:
    station_id: str
    data_dir: Path
    pickups: dict[str, dict] = field(default_factory=dict)
    archive: list[dict] = field(default_factory=list)
    attention: list[dict] = field(default_factory=list)
    outbox: int = 0
    integrity: str = "?"
    journal: list[dict] = field(default_factory=list)


def read_counter(station_id: str, data_dir: Path) -> CounterRecords:
    rec = CounterRecords(station_id, data_dir)
    conn = sqlite3.connect(f"file:{data_dir / 'station.sqlite3'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rec.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        for r in conn.execute("SELECT pickup_id, order_id, picked_at, undone_at, receipt_no "
                              "FROM pickups"):
            rec.pickups[r["pickup_id"]] = dict(r)
        rec.archive = [dict(r) for r in conn.execute("SELECT * FROM trial_archive")]
        rec.attention = [dict(r) for r in conn.execute(
            "SELECT kind, event_id, event_type, order_id, reason FROM attention")]
        rec.outbox = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    finally:
        conn.close()
    path = data_dir / "journal.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec.journal.append(json.loads(line))
            except ValueError:
                pass  # a line cut by a kill was never reported done
    return rec


@dataclass
class Verdict:
    figures: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def bad(self, text: str) -> None:
        self.problems.append(text)


def rejections_repeated(url: str, admin_token: str) -> bool:
    """Does the server say that a rejected event sent again was rejected (True: `duplicate` with
    `first_status: rejected`) or answer a plain `duplicate` (False)? With `duplicate`, a station whose first answer was lost never learns
    that its hand-over was refused: a "silent rejection" (see `judge`)."""
    import uuid

    import requests

    hq = requests.Session()
    hq.headers["Authorization"] = f"Bearer {admin_token}"
    sid = "PRB" + uuid.uuid4().hex[:8].upper()
    r = hq.post(f"{url}/api/v1/stations", json={"station_id": sid, "name": "probe"}, timeout=30)
    r.raise_for_status()
    st = requests.Session()
    st.headers["Authorization"] = f"Bearer {r.json()['token']}"
    event = {"event_id": str(uuid.uuid4()), "type": "pickup_undone",
             "occurred_at": "2026-01-01T00:00:00+00:00", "order_id": "NO-SUCH-ORDER",
             "data": {"pickup_id": str(uuid.uuid4()), "operator_id": "leader",
                      "reason": "probe"}}
    answers = []
    for _ in range(2):
        r = st.post(f"{url}/api/v1/sync/push", json={"events": [event]}, timeout=30)
        r.raise_for_status()
        res = r.json()["results"][0]
        answers.append("rejected" if res.get("first_status") == "rejected" else res["status"])
    return answers == ["rejected", "rejected"]


def judge(counters: list[CounterRecords], feed: list[dict], batches: dict[str, dict],
          cancelled_by_hq: set[str], *, silent_rejections_ok: bool = False) -> Verdict:
    """`silent_rejections_ok`: the server is known to answer a rejected event sent again as
    `duplicate`; such hand-overs are counted (`silent_rejections`) but not failed."""
    v = Verdict()
    silent_total = 0
    by_station: dict[str, list[CounterRecords]] = defaultdict(list)
    for c in counters:
        by_station[c.station_id].append(c)
    feed_count = Counter((p["station_id"], p["pickup_id"]) for p in feed)
    feed_by = {(p["station_id"], p["pickup_id"]): p for p in feed}
    hq_orders = {o["order_id"]: (b, o) for b in batches.values() for o in b["orders"]}
    confirmed = uploaded = lost = lost_local = rejected_pickups = 0
    cancel_flag_needed = cancel_flag_ok = 0
    known_feed: set[tuple[str, str]] = set()
    rejections: Counter = Counter()
    for sid, recs in sorted(by_station.items()):
        rejected = {a["event_id"]: a["reason"] for r in recs for a in r.attention
                    if a["kind"] == "rejected_event"}
        rejections.update(rejected.values())
        events = [e for r in recs for e in r.archive]
        accepted = [e for e in events if e["event_id"] not in rejected]
        acc_pickups = {}
        acc_undone = set()
        for e in accepted:
            data = json.loads(e["payload"])
            if e["type"] == "pickup_confirmed":
                acc_pickups[data["pickup_id"]] = (e, data)
            elif e["type"] == "pickup_undone":
                acc_undone.add(data["pickup_id"])
        # a hand-over HQ does not hold although the station was never told it was refused:
        # its first answer was lost and the retry was answered `duplicate`
        silent = {pid for pid, (e, _d) in acc_pickups.items()
                  if feed_count.get((sid, pid), 0) == 0
                  and _refused_at_hq(hq_orders.get(e["order_id"]), pid)}
        for pid in silent:
            silent_total += 1
            e, _d = acc_pickups.pop(pid)
            rejected[e["event_id"]] = "silent"
            acc_undone.discard(pid)
            if not silent_rejections_ok:
                v.bad(f"{sid}: hand-over {pid} ({e['order_id']}) was refused by HQ but the "
                      "station was never told (a rejected event sent again got `duplicate`)")
        accepted = [e for e in accepted if e["event_id"] not in rejected
                    and not (e["type"] == "pickup_undone"
                             and json.loads(e["payload"]).get("pickup_id") in silent)]
        rej_pickups = {json.loads(e["payload"])["pickup_id"] for e in events
                       if e["type"] == "pickup_confirmed" and e["event_id"] in rejected}
        rejected_pickups += len(rej_pickups)
        local = {pid: p for r in recs for pid, p in r.pickups.items()}
        for r in recs:
            if r.integrity != "ok":
                v.bad(f"{r.data_dir.name}: integrity_check {r.integrity}")
            if r.outbox:
                v.bad(f"{r.data_dir.name}: {r.outbox} events still in the outbox after the heal")
            full = False
            for j in r.journal:
                if j["op"] == "disk_full":
                    full = j["on"]
                elif j["op"] in ("handover", "undo", "arrive") and full:
                    v.bad(f"{r.data_dir.name}: {j['op']} confirmed while its disk was full")
                if j["op"] == "handover":
                    confirmed += 1
                    pid = j["pickup_id"]
                    if pid not in r.pickups:
                        lost_local += 1
                        v.bad(f"{r.data_dir.name}: confirmed pickup {pid} missing from its store")
                    n = feed_count.get((sid, pid), 0)
                    if pid in acc_pickups and n == 1:
                        uploaded += 1
                    elif pid not in rej_pickups:
                        lost += 1
                        v.bad(f"{sid}: confirmed pickup {pid} ({j['order_id']}) is at HQ {n} "
                              "times and was not rejected")
                elif j["op"] == "undo" and (r.pickups.get(j["pickup_id"]) or {}).get(
                        "undone_at") is None:
                    v.bad(f"{r.data_dir.name}: undo of {j['pickup_id']} not in its store")
                elif j["op"] == "double_scan" and not j.get("ok"):
                    v.bad(f"{r.data_dir.name}: a double scan of {j['pickup_id']} was "
                          f"answered {j['verdict']}, offering {j.get('order_id')} again")
        for pid in acc_pickups:
            known_feed.add((sid, pid))
            n = feed_count.get((sid, pid), 0)
            if n != 1:
                v.bad(f"{sid}: accepted pickup {pid} is in HQ's feed {n} times")
            elif feed_by[(sid, pid)]["undone"] != (pid in acc_undone):
                v.bad(f"{sid}: pickup {pid} undone={pid in acc_undone} at the station, "
                      f"{feed_by[(sid, pid)]['undone']} at HQ")
        # reconciliation: fold the accepted events per order
        standing: dict[str, list[str]] = defaultdict(list)
        for pid, (e, _data) in acc_pickups.items():
            if pid not in acc_undone:
                standing[e["order_id"]].append(pid)
        qty_reported: Counter = Counter()
        arrived_batches = set()
        for e in accepted:
            if e["type"] in ("item_short", "item_damaged"):
                d = json.loads(e["payload"])
                qty_reported[(e["order_id"], d["sku"], e["type"][5:])] += int(d["qty"])
            elif e["type"] == "arrival_checked":
                arrived_batches.add(e["batch_id"])
        attention_orders = {a["order_id"] for r in recs for a in r.attention}
        for order_id, (batch, o) in hq_orders.items():
            if batch["station_id"] != sid:
                continue
            _check_order(v, sid, order_id, batch, o, standing.get(order_id, []), acc_pickups,
                         qty_reported, arrived_batches, cancelled_by_hq)
            if o["status"] == "cancelled":
                after = [p for p in local.values() if p["order_id"] == order_id
                         and o["cancelled_at"] and p["picked_at"] >= o["cancelled_at"]]
                if after:
                    cancel_flag_needed += 1
                    if o["needs_review"] and order_id in attention_orders:
                        cancel_flag_ok += 1
                    else:
                        v.bad(f"{sid}: order {order_id} cancelled at {o['cancelled_at']}, "
                              f"handed over at {after[0]['picked_at']}: flagged at HQ "
                              f"{o['needs_review']}, at the station "
                              f"{order_id in attention_orders}")
    unknown = [k for k in feed_count if k not in known_feed]
    duplicated = sum(n - 1 for n in feed_count.values() if n > 1) + len(unknown)
    for k in unknown[:5]:
        v.bad(f"HQ's feed holds pickup {k} that no station's accepted events explain")
    v.figures.update(silent_rejections=silent_total, confirmed=confirmed, uploaded=uploaded, lost=lost + lost_local,
                     duplicated=duplicated, rejected_pickups=rejected_pickups,
                     rejections=dict(rejections), cancel_flags_needed=cancel_flag_needed,
                     cancel_flags_ok=cancel_flag_ok, feed_entries=len(feed))
    return v


def _refused_at_hq(found: tuple[dict, dict] | None, pickup_id: str) -> bool:
    """HQ shows why a hand-over is not there: the order is cancelled / flagged, or another
    hand-over stands for it."""
    if found is None:
        return False
    _batch, o = found
    return bool(o["status"] == "cancelled" or o["needs_review"]
                or (o["pickup_id"] and o["pickup_id"] != pickup_id))


def _check_order(v: Verdict, sid: str, order_id: str, batch: dict, o: dict,
                 standing: list[str], acc_pickups: dict, qty_reported: Counter,
                 arrived_batches: set, cancelled_by_hq: set[str]) -> None:
    if len(standing) > 1:
        v.bad(f"{sid}: order {order_id} has {len(standing)} standing accepted pickups")
    pid = standing[0] if standing else None
    if o["pickup_id"] != pid:
        v.bad(f"{sid}: order {order_id}: HQ's pickup {o['pickup_id']}, stations' {pid}")
        return
    handed: Counter = Counter()
    if pid:
        for line in acc_pickups[pid][1]["items"]:
            handed[line["sku"]] += int(line["qty_handed"])
    total_qty = total_handed = 0
    for item in o["items"]:
        sku = item["sku"]
        want = {"handed": handed.get(sku, 0) if pid else 0,
                "short": qty_reported.get((order_id, sku, "short"), 0),
                "damaged": qty_reported.get((order_id, sku, "damaged"), 0)}
        got = {k: item[k] for k in want}
        if got != want:
            v.bad(f"{sid}: {order_id}/{sku}: HQ {got}, stations {want}")
        total_qty += item["qty"]
        total_handed += want["handed"]
    if order_id in cancelled_by_hq:
        status = "cancelled"
    elif pid:
        status = "picked_up" if total_handed >= total_qty else "partially_picked_up"
    else:
        status = "arrived" if batch["batch_id"] in arrived_batches else "pending"
    if o["status"] != status:
        v.bad(f"{sid}: order {order_id}: HQ status {o['status']}, stations' records {status}")
