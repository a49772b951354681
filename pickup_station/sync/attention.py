"""The needs-attention list (需处理): what sync could not settle by itself, for the host to see.

Items come from three places: a pushed event the server `rejected` (kind `rejected_event`,
parked by the sync engine so the rest of the queue flows on), HQ changes to orders already
handed over (`cancelled_after_pickup`, `removed_after_pickup`, added by `manifest.py` during a
pull) and HQ's resolutions of its review queue (`hq_review.py`: HQ's note on the parked item, or
an item `hq_review` of its own).
`list_attention` reads them, `resolve` marks one handled, `describe_*` give the words shown.
No Qt; `ui/attention_dialog.py` is the window onto it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from pickup_station.messages import Message, has, render
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import AttentionItem

# The kinds, event types and reasons of the list; each is worded once, in
# `pickup_station.messages` (`attention.kind.*`, `attention.event.*`, `attention.reason.*`).
KINDS = ("rejected_event", "cancelled_after_pickup", "removed_after_pickup", "hq_review")
EVENT_TYPES = ("pickup_confirmed", "pickup_undone", "arrival_checked", "item_short",
               "item_damaged")
REASONS = ("order_cancelled", "already_picked_up", "unknown_order", "unknown_batch",
           "not_picked_up", "invalid_event", "validation_error", "event_id_conflict",
           "payload_too_large", "order_cancelled_after_pickup", "order_removed_after_pickup",
           # HQ's review queue (issue 11; sync/hq_review.py): the item's kind is its reason
           "double_redemption", "pickup_after_cancel", "shelf_discrepancy", "order_returned")


def _word(family: str, code: str | None) -> Message | str:
    """The catalogue's word for a code; a code it does not know (a newer server's reason)
    shows as itself."""
    key = f"attention.{family}.{code}"
    return Message(key) if code and has(key) else code or ""


def describe_kind(kind: str, event_type: str | None = None, lang: str = "zh_CN") -> str:
    """`上传被拒：提货核销`, `提货后被取消`."""
    if event_type:
        return render("attention.kind_event", lang, kind=_word("kind", kind),
                      event=_word("event", event_type))
    word = _word("kind", kind)
    return word.render(lang) if isinstance(word, Message) else word


def describe_reason(reason: str, lang: str = "zh_CN") -> str:
    word = _word("reason", reason)
    return word.render(lang) if isinstance(word, Message) else word


def describe_row(row: AttentionRow, lang: str = "zh_CN") -> str:
    """The reason in words, with HQ's note when HQ resolved what it concerns."""
    reason = describe_reason(row.reason, lang)
    note = row.hq_note
    return render("attention.hq_note", lang, reason=reason, note=note) if note else reason


@dataclass
class AttentionRow:
    id: int
    kind: str
    event_id: str | None
    event_type: str | None
    order_id: str | None
    reason: str
    created_at: str
    resolved_at: str | None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def hq_note(self) -> str:
        """HQ's note on it (its review queue resolved what this concerns), or ''."""
        return hq_note_of(self.detail)


def hq_note_of(detail: dict | str | None) -> str:
    """HQ's note in an item's detail (a dict, or its stored JSON), or ''."""
    hq = (_json(detail) if not isinstance(detail, dict) else detail).get("hq_review")
    return str(hq.get("note") or "") if isinstance(hq, dict) else ""


def list_attention(store: Store, *, include_resolved: bool = False) -> list[AttentionRow]:
    """Items, newest first; unresolved only unless asked."""
    q = select(AttentionItem).order_by(AttentionItem.id.desc())
    if not include_resolved:
        q = q.where(AttentionItem.resolved_at.is_(None))
    with store.reader() as s:
        rows = s.scalars(q).all()
    return [AttentionRow(a.id, a.kind, a.event_id, a.event_type, a.order_id, a.reason,
                         a.created_at, a.resolved_at, _json(a.detail)) for a in rows]


def resolve(store: Store, item_id: int) -> bool:
    """Mark one item handled. False when it does not exist or was already resolved."""
    with store.session() as s:
        item = s.get(AttentionItem, item_id)
        if item is None or item.resolved_at is not None:
            return False
        item.resolved_at = iso(utcnow())
        return True


def _json(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}
