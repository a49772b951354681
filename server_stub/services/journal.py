"""The stations' hand-over journals: links checked on ingest, chains walked on demand.

A station's pickups, undos, returns and day closings each carry `journal: {seq, prev_hash,
hash}` (docs/protocol.md, "Journal"). On ingest (`record_links`, one call per push) the server
recomputes each hash from the event's own data with the shared chain rule
(`pickup_station.sync.journal_link`), checks the link against the entry before it where it holds
that one, and stores the link with what it found. Nothing is refused for a break: the pickup is
applied as ever, the break is flagged (and logged without personal data). `verify` walks a
station's whole chain and says whether it is whole and where it first breaks.
"""

from __future__ import annotations

import logging
from functools import cache

from sqlalchemy import select
from sqlalchemy.engine import Connection

from pickup_station.sync.journal_link import canonical, entry_hash, journal_record, record_id

from .. import models as m
from ..errors import not_found
from ..schemas import EventIn

log = logging.getLogger(__name__)
J = m.journal_entries.c


@cache
def _insert(dialect: str):
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert(m.journal_entries).on_conflict_do_nothing(
        index_elements=["station_id", "event_id"])


def _entry(station_id: str, event: EventIn, now: str) -> dict:
    link = event.journal
    record = journal_record(event.type, event.order_id, event.batch_id, event.occurred_at,
                            event.data)
    ok = record is not None and entry_hash(link.prev_hash, canonical(record)) == link.hash
    return {"station_id": station_id, "seq": link.seq, "kind": event.type,
            "record_id": record_id(record) if record else "", "event_id": event.event_id,
            "prev_hash": link.prev_hash, "hash": link.hash, "hash_ok": int(ok),
            "link": "gap", "received_at": now}


def record_links(conn: Connection, dialect: str, station_id: str, events: list[EventIn],
                 now: str) -> None:
    """Store the journal links of a push (a link already stored for that event: no second
    one). Cost: nothing for events without a link; else one hash each, one read, one insert."""
    linked: dict[str, EventIn] = {}
    for e in events:  # an event sent twice in one push: its first link
        if e.journal is not None:
            linked.setdefault(e.event_id, e)
    rows = sorted((_entry(station_id, e, now) for e in linked.values()), key=lambda r: r["seq"])
    if not rows:
        return
    held = {r.seq: r.hash for r in conn.execute(
        select(J.seq, J.hash).where(J.station_id == station_id, J.seq == rows[0]["seq"] - 1))}
    for row in rows:
        before = held.get(row["seq"] - 1)
        row["link"] = ("genesis" if row["seq"] == 1 else "gap" if before is None
                       else "ok" if before == row["prev_hash"] else "wrong_prev")
        held.setdefault(row["seq"], row["hash"])
        if not row["hash_ok"] or row["link"] in ("gap", "wrong_prev"):
            log.warning("journal of station %s: entry %d (%s) %s", station_id, row["seq"],
                        row["kind"], "does not match its hash" if not row["hash_ok"]
                        else f"link: {row['link']}")
    conn.execute(_insert(dialect), rows)


def verify(conn: Connection, station_id: str) -> dict:
    """Walk the station's chain from seq 1: whole, or the first break and its kind."""
    if conn.execute(select(m.stations.c.station_id)
                    .where(m.stations.c.station_id == station_id)).first() is None:
        raise not_found(f"station {station_id}")
    rows = conn.execute(select(J.seq, J.kind, J.record_id, J.prev_hash, J.hash, J.hash_ok)
                        .where(J.station_id == station_id).order_by(J.seq, J.id)).all()
    through, first_break = _walk(rows)
    return {"station_id": station_id, "whole": first_break is None, "entries": len(rows),
            "verified_through_seq": through, "first_break": first_break}


def _walk(rows: list) -> tuple[int, dict | None]:
    hashes = {r.hash for r in rows}
    prev, expected, last = None, 1, None
    for r in rows:
        if last is not None and r.seq == last.seq:
            if r.hash == last.hash:
                continue
            return expected - 2, _break(r, "conflict", f"two different entries claim seq {r.seq}"
                                        " (a second journal started, or one was rewritten)")
        if r.seq != expected:
            return expected - 1, {"seq": expected, "kind": "missing", "detail": (
                f"entries {expected}..{r.seq - 1} never arrived")}
        if not r.hash_ok:
            return expected - 1, _break(r, "altered", "its content does not match its hash")
        if expected > 1 and r.prev_hash != prev:
            kind = "reordered" if r.prev_hash in hashes else "altered"
            return expected - 1, _break(r, kind, f"it does not follow entry {r.seq - 1}")
        prev, expected, last = r.hash, expected + 1, r
    return expected - 1, None


def _break(row, kind: str, detail: str) -> dict:
    return {"seq": row.seq, "kind": kind, "detail": f"{row.kind} {row.record_id}: {detail}"}
