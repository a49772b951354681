"""The hand-over journal's chain rule, shared by the station (which writes the journal) and the
server (which checks it on ingest). Standard library only; docs/protocol.md, "Journal".

Each pickup, undo, return and day closing is one journal entry: `seq` (1, 2, 3 ... per store),
the canonical bytes of the record's content that matters, `prev_hash` (the hash of entry
`seq - 1`; for seq 1 the store's genesis) and `hash = SHA-256(prev_hash bytes || canonical)`.

The canonical record is made from the event as it travels (type, order_id, batch_id,
occurred_at, data), so the server can recompute it from what it receives. It holds ids,
quantities, times, receipt numbers and operator ids only: no customer's or proxy's name, no
phone, no free text (a reason may name someone), so the hash is not a key to personal data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_PREFIX = b"pickup-station journal genesis\n"

# the event types that are journal entries, and the data field that names the record
JOURNALED: dict[str, str] = {
    "pickup_confirmed": "pickup_id",
    "pickup_undone": "pickup_id",
    "order_returned": "order_id",
    "day_closed": "day",
}

_PICKUP_LINE = ("sku", "qty_ordered", "qty_handed", "reason")
_RETURN_LINE = ("sku", "qty")
_COUNT_LINE = ("sku", "expected", "counted")
_OPERATOR_LINE = ("operator_id", "pickups", "items_handed", "shortages", "returns", "undos")


def genesis(journal_id: str) -> str:
    """The `prev_hash` of a store's first entry: SHA-256 of the prefix and the store's journal
    id (a random UUID made with the store, so a station started before pairing chains too)."""
    return hashlib.sha256(GENESIS_PREFIX + journal_id.encode("utf-8")).hexdigest()


def utc_time(value: Any) -> Any:
    """A time as the journal writes it: UTC, milliseconds, `+00:00` (what the station stores)."""
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")


def _rows(value: Any, keys: tuple[str, ...]) -> Any:
    """A list of objects as a list of value rows (in the order sent); anything else as it is."""
    if not isinstance(value, list):
        return value
    return [[v.get(k) for k in keys] if isinstance(v, dict) else v for v in value]


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def journal_record(type_: str, order_id: str | None, batch_id: str | None, occurred_at: Any,
                   data: Any) -> dict | None:
    """The content of an event that the journal covers, or None for a type it does not."""
    if type_ not in JOURNALED:
        return None
    g = data.get if isinstance(data, dict) else (lambda _k: None)
    record: dict[str, Any] = {"kind": type_, "at": utc_time(occurred_at),
                              "order_id": order_id, "operator_id": g("operator_id")}
    if type_ == "pickup_confirmed":
        override = g("override")
        record.update(batch_id=batch_id, pickup_id=g("pickup_id"), receipt_no=g("receipt_no"),
                      proxy=bool(g("proxy_name")), items=_rows(g("items"), _PICKUP_LINE),
                      override=None if override is None else [
                          _get(override, "kind"), _get(override, "approved_by")])
    elif type_ == "pickup_undone":
        record.update(batch_id=batch_id, pickup_id=g("pickup_id"), receipt_no=g("receipt_no"),
                      leader_override=g("leader_override"), approved_by=g("approved_by"))
    elif type_ == "order_returned":
        record.update(batch_id=batch_id, items=_rows(g("items"), _RETURN_LINE))
    else:  # day_closed
        record.update(day=g("day"), totals=g("totals"),
                      operators=_rows(g("operators"), _OPERATOR_LINE),
                      counted=_rows(g("counted"), _COUNT_LINE))
    return record


def record_id(record: dict) -> str:
    """The id of the record an entry covers (pickup_id, order_id or day)."""
    value = record.get(JOURNALED[record["kind"]])
    return "" if value is None else str(value)


def canonical(record: dict) -> bytes:
    """Canonical JSON: keys sorted, no blanks, UTF-8 (not ASCII-escaped)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def entry_hash(prev_hash: str, body: bytes) -> str:
    """SHA-256 over the 32 bytes of the previous hash, then the canonical bytes; lower-case hex.
    A `prev_hash` that is not 64 hex digits cannot be linked: the answer is empty."""
    try:
        prev = bytes.fromhex(prev_hash)
    except (TypeError, ValueError):
        return ""
    if len(prev) != 32:
        return ""
    return hashlib.sha256(prev + body).hexdigest()
