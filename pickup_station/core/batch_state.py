"""A batch's life after sign-off: closed when nothing of it is left on the shelf.

A batch whose orders are all handed over, cancelled or returned is closed (`batch_closed`);
an undo that brings goods back to a closed batch opens it again (`batch_reopened`). Both run
inside the caller's transaction (a hand-over, a return, an undo).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.orm import Session

from pickup_station.core.events import record_event
from pickup_station.store.models import Batch


def close_finished(s: Session, batch_ids, at: str) -> list[str]:
    """Close each arrived batch with no active order left on the shelf (`batch_closed`)."""
    closed = []
    for batch_id in sorted(set(batch_ids)):
        batch = s.get(Batch, batch_id)
        if batch is None or batch.status != "arrived":
            continue
        s.flush()
        left = s.execute(text(
            "SELECT 1 FROM orders WHERE batch_id = :b AND status = 'active' "
            "AND pickup_state = 'open' LIMIT 1"), {"b": batch_id}).first()
        if left:
            continue
        counts = defaultdict(int)
        for state, status, n in s.execute(text(
                "SELECT pickup_state, status, COUNT(*) FROM orders WHERE batch_id = :b "
                "GROUP BY pickup_state, status"), {"b": batch_id}):
            key = ("cancelled" if status != "active" and state == "open"
                   else "returned" if state == "returned" else "handed_over")
            counts[key] += n
        batch.status = "closed"
        batch.updated_at = at
        record_event(s, "batch_closed", {
            "handed_over": counts["handed_over"], "returned": counts["returned"],
            "cancelled": counts["cancelled"]}, batch_id=batch_id, occurred_at=at)
        closed.append(batch_id)
    return closed


def reopen(s: Session, batch_id: str, at: str) -> bool:
    """An undo brought goods back to a closed batch: it is open (arrived) again."""
    batch = s.get(Batch, batch_id)
    if batch is None or batch.status != "closed":
        return False
    batch.status = "arrived"
    batch.updated_at = at
    record_event(s, "batch_reopened", {"reason": "pickup_undone"}, batch_id=batch_id,
                 occurred_at=at)
    return True
