"""Reading the outbox for a push: the oldest events, each as it goes on the wire, with its
journal link (`journal: {seq, prev_hash, hash}`) when it is a journal entry."""

from __future__ import annotations

from sqlalchemy import select

from pickup_station.store.db import Store
from pickup_station.store.models import JournalEntry, OutboxEvent
from pickup_station.sync import protocol as P

_COLUMNS = (OutboxEvent.seq, OutboxEvent.event_id, OutboxEvent.type, OutboxEvent.occurred_at,
            OutboxEvent.order_id, OutboxEvent.batch_id, OutboxEvent.payload,
            JournalEntry.seq.label("j_seq"), JournalEntry.prev_hash, JournalEntry.hash)


def oldest_events(store: Store, after_seq: int, limit: int) -> list[tuple[int, dict]]:
    """(outbox seq, wire event) of the oldest events after `after_seq`, oldest first."""
    with store.reader() as s:
        found = s.execute(select(*_COLUMNS)
                          .outerjoin(JournalEntry, JournalEntry.event_id == OutboxEvent.event_id)
                          .where(OutboxEvent.seq > after_seq)
                          .order_by(OutboxEvent.seq).limit(limit)).all()
    return [(r.seq, with_journal(P.event_to_wire(r.event_id, r.type, r.occurred_at, r.order_id,
                                                 r.batch_id, r.payload), r)) for r in found]


def with_journal(event: dict, row) -> dict:
    """The event with its journal link when it has one."""
    if row.j_seq is not None:
        event["journal"] = {"seq": row.j_seq, "prev_hash": row.prev_hash, "hash": row.hash}
    return event
