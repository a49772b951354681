"""Checking a station's hand-over journal offline (`pickup-station-cli journal verify`). No Qt.

Three questions, each answered from the store alone:
1. Is the chain whole? seq runs 1, 2, 3 ... with no gap, each entry's hash is
   SHA-256(prev_hash || body) and its prev_hash is the hash of the entry before (the first: this
   store's genesis). A gap is `missing`, a prev_hash that is another entry's hash `reordered`,
   any other mismatch `altered`.
2. Does each entry still say what its queued event says? (an outbox row not yet sent: the
   server will recompute the hash from it) A difference is `altered`.
3. Does each entry still say what the store's records say (pickups and their lines, undos,
   returns, day closings), and has every record made since the journal began an entry? A
   difference is `altered`, a record gone `missing`, a record without an entry `unjournaled`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.core import journal_records as records
from pickup_station.core.journal import journal_genesis
from pickup_station.journal_form import canonical, entry_hash, journal_record
from pickup_station.store.db import Store, get_meta
from pickup_station.store.models import JournalEntry, OutboxEvent

MAX_BREAKS = 50


@dataclass
class JournalBreak:
    seq: int | None  # None: a record that has no entry at all
    kind: str  # missing / reordered / altered / unjournaled
    detail: str


@dataclass
class JournalReport:
    entries: int = 0
    verified_through_seq: int = 0
    breaks: list[JournalBreak] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> JournalBreak | None:
        return min(self.breaks, key=lambda b: (b.seq is None, b.seq or 0), default=None)

    def as_dict(self) -> dict:
        first = self.first_break
        return {"whole": self.whole, "entries": self.entries,
                "verified_through_seq": self.verified_through_seq,
                "first_break": asdict(first) if first else None,
                "breaks": [asdict(b) for b in self.breaks[:MAX_BREAKS]]}


def verify(store: Store) -> JournalReport:
    with store.reader() as s:
        entries = s.execute(select(JournalEntry).order_by(JournalEntry.seq)).scalars().all()
        report = JournalReport(entries=len(entries))
        _walk_chain(entries, journal_genesis(s), report)
        _compare_queued(s, entries, report)
        _compare_records(s, entries, report)
    first = report.first_break
    if first is not None and first.seq is not None:
        report.verified_through_seq = min(report.verified_through_seq, first.seq - 1)
    return report


def _walk_chain(entries: list[JournalEntry], genesis: str, report: JournalReport) -> None:
    hashes = {e.hash for e in entries}
    prev, expected = genesis, 1
    for e in entries:
        problem = None
        if e.seq != expected:
            problem = JournalBreak(expected, "missing", f"entries {expected}..{e.seq - 1} are "
                                   "not in the journal")
        elif entry_hash(e.prev_hash, e.body.encode("utf-8")) != e.hash:
            problem = JournalBreak(e.seq, "altered", f"the {e.kind} entry {e.record_id} does "
                                   "not match its hash")
        elif e.prev_hash != prev:
            kind = "reordered" if e.prev_hash in hashes else "altered"
            problem = JournalBreak(e.seq, kind, f"the {e.kind} entry {e.record_id} does not "
                                   f"follow entry {e.seq - 1}")
        if problem is not None:
            report.breaks.append(problem)
            break
        prev, expected = e.hash, expected + 1
    report.verified_through_seq = expected - 1


def _compare_queued(s: Session, entries: list[JournalEntry], report: JournalReport) -> None:
    """Entries against the outbox events that still wait to go (what the server will see)."""
    by_event = {e.event_id: e for e in entries}
    o = OutboxEvent
    for r in s.execute(select(o.event_id, o.type, o.order_id, o.batch_id, o.occurred_at,
                              o.payload)):
        entry = by_event.get(r.event_id)
        if entry is None:
            continue
        try:
            data = json.loads(r.payload)
        except ValueError:
            data = None
        record = journal_record(r.type, r.order_id, r.batch_id, r.occurred_at, data)
        if record is None or canonical(record).decode("utf-8") != entry.body:
            report.breaks.append(JournalBreak(entry.seq, "altered", f"the queued {entry.kind} "
                                              f"event of {entry.record_id} differs from its "
                                              "entry"))


def _compare_records(s: Session, entries: list[JournalEntry], report: JournalReport) -> None:
    """Entries against the store's records, and records of the journal's time without one."""
    found = records.load(s, {k: int(get_meta(s, f"journal_from:{t}") or 0)
                             for k, t in records.TABLES.items()})
    seen: set[tuple[str, str]] = set()
    for e in entries:
        key = (e.kind, e.record_id)
        seen.add(key)
        if key not in found:
            report.breaks.append(JournalBreak(e.seq, "missing", f"the {e.kind} record "
                                              f"{e.record_id} is gone from the store"))
        elif records.comparable(e.kind, found[key].body) != records.comparable(
                e.kind, json.loads(e.body)):
            report.breaks.append(JournalBreak(e.seq, "altered", f"the {e.kind} record "
                                              f"{e.record_id} differs from its entry"))
    for key, rec in found.items():
        if rec.journaled and key not in seen:
            report.breaks.append(JournalBreak(None, "unjournaled", f"the {key[0]} record "
                                              f"{key[1]} has no journal entry"))
