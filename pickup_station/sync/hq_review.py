"""HQ resolved an item of its review queue (issue 11): the station shows HQ's note.

A pull change of kind `review` (sync/review_wire.py) lands in the needs-attention list inside the
page's transaction: on the parked item of the event it concerns (a refused second hand-over, a
hand-over after a cancel), which is opened again so the leader reads the note; otherwise as an
item of its own (kind `hq_review`, reason = the review's kind). Applied twice, it changes
nothing more: the item is found by the review's id.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.store.db import iso, utcnow
from pickup_station.store.models import AttentionItem

KIND = "hq_review"


def apply_review(session: Session, data: dict) -> str | None:
    """Returns the order id it concerns (or the review id) for the pull's report."""
    hq = {k: data.get(k) for k in ("review_id", "kind", "state", "note", "resolved_at")}
    events = [str(e) for e in (data.get("event_ids") or [data.get("event_id")]) if e]
    parked = session.scalars(select(AttentionItem).where(
        AttentionItem.kind == "rejected_event", AttentionItem.event_id.in_(events))).all()
    mine = [a for a in session.scalars(select(AttentionItem).where(
        AttentionItem.kind == KIND, AttentionItem.event_id == str(data.get("event_id"))))
        if _detail(a).get("hq_review", {}).get("review_id") == hq["review_id"]]
    for item in parked or mine:
        detail = _detail(item)
        if detail.get("hq_review") == hq:
            continue  # the same resolution again
        item.detail = json.dumps({**detail, "hq_review": hq}, ensure_ascii=False)
        item.resolved_at = None  # open again: the leader reads HQ's note
    if not parked and not mine:
        session.add(AttentionItem(
            kind=KIND, event_id=str(data.get("event_id") or "") or None, event_type=None,
            order_id=data.get("order_id"), reason=str(data.get("kind") or KIND),
            detail=json.dumps({"hq_review": hq, **(data.get("detail") or {})},
                              ensure_ascii=False),
            created_at=iso(utcnow())))
    return data.get("order_id") or f"review:{hq['review_id']}"


def _detail(item: AttentionItem) -> dict:
    try:
        value = json.loads(item.detail or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
