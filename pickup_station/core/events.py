"""Outbox events: a state change and the event that reports it go in one transaction.

`record_event` queues an event inside the caller's transaction; `event_row` makes the row
without writing it (for multi-row inserts). The event types and their `data` are listed in
docs/protocol.md and docs/leader-events.md.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy.orm import Session

from pickup_station.core import journal
from pickup_station.store.db import iso, utcnow
from pickup_station.store.models import OutboxEvent

__all__ = ["event_row", "record_event"]


def event_row(type_: str, data: dict, *, order_id: str | None = None,
              batch_id: str | None = None, occurred_at: str | None = None) -> dict:
    """An outbox row (a fresh UUID event_id, the JSON payload), not yet written."""
    return {"event_id": str(uuid.uuid4()), "type": type_, "order_id": order_id,
            "batch_id": batch_id,
            "payload": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "occurred_at": occurred_at or iso(utcnow()), "attempts": 0}


def record_event(session: Session, type_: str, data: dict, *, order_id: str | None = None,
                 batch_id: str | None = None, occurred_at: str | None = None) -> str:
    """Queue an event for upload, inside the caller's transaction (a pickup, undo, return or
    day closing is journaled in it too). Returns its event_id."""
    row = event_row(type_, data, order_id=order_id, batch_id=batch_id, occurred_at=occurred_at)
    session.add(OutboxEvent(**row))
    journal.append(session, [row])
    return row["event_id"]
