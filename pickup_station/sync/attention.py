"""The needs-attention list (需处理): what sync could not settle by itself, for the host to see.

Items come from two places: a pushed event the server `rejected` (kind `rejected_event`, parked
by the sync engine so the rest of the queue flows on) and HQ changes to orders already handed
over (`cancelled_after_pickup`, `removed_after_pickup`, added by `manifest.py` during a pull).
`list_attention` reads them, `resolve` marks one handled, `describe_*` give the words shown.
No Qt; `ui/attention_dialog.py` is the window onto it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import AttentionItem

KINDS = {
    "rejected_event": ("上传被拒", "Upload rejected"),
    "cancelled_after_pickup": ("提货后被取消", "Cancelled after pickup"),
    "removed_after_pickup": ("提货后被移除", "Removed after pickup"),
}
EVENT_TYPES = {
    "pickup_confirmed": ("提货核销", "Pickup"),
    "pickup_undone": ("撤销提货", "Pickup undone"),
    "arrival_checked": ("到货签收", "Arrival check"),
    "item_short": ("缺货", "Item short"),
    "item_damaged": ("破损", "Item damaged"),
}
REASONS = {
    "order_cancelled": ("订单已被总部取消，这次提货没有被接受，请联系总部",
                        "HQ cancelled the order; this pickup was not accepted. Contact HQ"),
    "already_picked_up": ("该订单已经提过货（见详情），请核对", ("The order was already picked up "
                          "(see detail); please check")),
    "unknown_order": ("服务器上没有这个订单", "The server does not know this order"),
    "unknown_batch": ("服务器上没有这个配送批次", "The server does not know this batch"),
    "not_picked_up": ("服务器没有这次提货的记录，撤销未被接受",
                      "The server holds no such pickup; the undo was not accepted"),
    "invalid_event": ("事件内容无效（程序问题，请联系技术支持）",
                      "The event was invalid (a software problem: contact support)"),
    "validation_error": ("事件内容无效（程序问题，请联系技术支持）",
                         "The event was invalid (a software problem: contact support)"),
    "event_id_conflict": ("同一事件编号内容不同（程序问题，请联系技术支持）",
                          ("The same event id came with a different body (a software problem: "
                          "contact support)")),
    "payload_too_large": ("事件太大，服务器无法接收（请联系技术支持）",
                          "The event is too large for the server (contact support)"),
    "order_cancelled_after_pickup": ("订单已交给顾客，之后总部取消了它：请联系总部处理退款或追回",
                                     ("HQ cancelled this order after it was handed over: settle it "
                                     "with HQ")),
    "order_removed_after_pickup": ("订单已交给顾客，之后总部从批次中删除了它：请联系总部",
                                   ("HQ removed this order from its batch after it was handed "
                                   "over: settle it with HQ")),
}


def _pick(table: dict, key: str | None, lang: str) -> str:
    pair = table.get(key or "")
    if pair is None:
        return key or ""
    return pair[1] if lang.startswith("en") else pair[0]


def describe_kind(kind: str, event_type: str | None = None, lang: str = "zh_CN") -> str:
    """`上传被拒：提货核销`, `提货后被取消`."""
    text = _pick(KINDS, kind, lang)
    if event_type:
        sep = ": " if lang.startswith("en") else "："
        text += sep + _pick(EVENT_TYPES, event_type, lang)
    return text


def describe_reason(reason: str, lang: str = "zh_CN") -> str:
    return _pick(REASONS, reason, lang)


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
