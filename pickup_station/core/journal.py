"""The hand-over journal (交接日志): every pickup, undo, return and day closing, hash-chained.

`append(session, rows)` is called with the outbox rows a transaction writes (`events.py`,
`counter.py`); each row of a journaled type becomes the next entry, in the same transaction,
so a record and its entry are committed together or not at all. Cost on the counter's path:
one indexed read of the last entry and one INSERT. The chain rule (canonical record, hash,
genesis) is `pickup_station.journal_form`; `journal_check.py` verifies a store's journal.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pickup_station.journal_form import (
    JOURNALED,
    canonical,
    entry_hash,
    genesis,
    journal_record,
    record_id,
)
from pickup_station.store.db import get_meta
from pickup_station.store.models import JournalEntry

__all__ = ["append", "head", "journal_genesis"]

META_JOURNAL_ID = "journal_id"


def journal_genesis(session: Session) -> str:
    """This store's genesis (made from the `journal_id` the migration drew at random)."""
    return genesis(get_meta(session, META_JOURNAL_ID) or "")


def head(session: Session) -> tuple[int, str]:
    """The last entry's seq and hash; (0, genesis) for an empty journal."""
    last = session.execute(select(JournalEntry.seq, JournalEntry.hash)
                           .order_by(JournalEntry.seq.desc()).limit(1)).first()
    if last is None:
        return 0, journal_genesis(session)
    return last.seq, last.hash


def append(session: Session, rows: list[dict]) -> None:
    """Journal entries for the journaled events among `rows` (outbox rows as `event_row` makes
    them), in their order, inside the caller's transaction."""
    wanted = [r for r in rows if r["type"] in JOURNALED]
    if not wanted:
        return
    seq, prev = head(session)
    entries = []
    for row in wanted:
        record = journal_record(row["type"], row.get("order_id"), row.get("batch_id"),
                                row["occurred_at"], json.loads(row["payload"]))
        body = canonical(record)
        seq += 1
        digest = entry_hash(prev, body)
        entries.append({"seq": seq, "kind": row["type"], "record_id": record_id(record),
                        "event_id": row["event_id"], "body": body.decode("utf-8"),
                        "prev_hash": prev, "hash": digest})
        prev = digest
    session.execute(insert(JournalEntry.__table__), entries)
