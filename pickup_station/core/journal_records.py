"""The store's records as journal records (`journal_form.journal_record`), for the offline
check (`journal_check.py`): pickups with their lines, undos, returns and day closings, read in
a few whole-table queries. No Qt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from pickup_station.journal_form import canonical, journal_record

# where each kind's records live (the migration noted each table's last rowid before the journal)
TABLES = {"pickup_confirmed": "pickups", "order_returned": "order_returns",
          "day_closed": "day_closings"}


@dataclass
class StoredRecord:
    body: dict  # the record as the journal would write it now
    journaled: bool  # made since the journal began: it must have an entry


Found = dict[tuple[str, str], StoredRecord]


def load(s: Session, journal_from: dict[str, int]) -> Found:
    found: Found = {}
    _pickups(s, journal_from["pickup_confirmed"], found)
    _returns(s, journal_from["order_returned"], found)
    _closings(s, journal_from["day_closed"], found)
    return found


def comparable(kind: str, record: dict) -> bytes:
    """What of a record the store can still show: all of it, but for a return only the total
    of its items (the store keeps the count, not the lines)."""
    if kind == "order_returned":
        items = record.get("items")
        total = sum(r[1] for r in items if isinstance(r, list) and len(r) > 1
                    and isinstance(r[1], int)) if isinstance(items, list) else items
        record = {**{k: record.get(k) for k in ("at", "order_id", "batch_id", "operator_id")},
                  "total": total}
    return canonical(record)


def _add(found: Found, type_: str, rec_id: str, journaled: bool, order_id, batch_id, at,
         data: dict) -> None:
    found[(type_, rec_id)] = StoredRecord(journal_record(type_, order_id, batch_id, at, data),
                                          journaled)


def _pickups(s: Session, since: int, found: Found) -> None:
    lines: dict[str, list[dict]] = {}
    for r in s.execute(text("SELECT pickup_id, sku, qty_ordered, qty_handed, reason "
                            "FROM pickup_lines ORDER BY id")):
        lines.setdefault(r.pickup_id, []).append(
            {"sku": r.sku, "qty_ordered": r.qty_ordered, "qty_handed": r.qty_handed,
             "reason": r.reason})
    for p in s.execute(text(
            "SELECT p.rowid AS n, p.*, o.batch_id FROM pickups p "
            "LEFT JOIN orders o ON o.order_id = p.order_id")):
        journaled = p.n > since
        override = ({"kind": p.override_kind, "approved_by": p.override_by}
                    if p.override_kind else None)
        _add(found, "pickup_confirmed", p.pickup_id, journaled, p.order_id, p.batch_id,
             p.picked_at, {"pickup_id": p.pickup_id, "receipt_no": p.receipt_no,
                           "operator_id": p.operator_id, "proxy_name": p.proxy_name,
                           "items": lines.get(p.pickup_id, []), "override": override})
        if p.undone_at:  # an undo of a journaled pickup came after it: journaled too
            _add(found, "pickup_undone", p.pickup_id, journaled, p.order_id, p.batch_id,
                 p.undone_at, {"pickup_id": p.pickup_id, "receipt_no": p.receipt_no,
                               "operator_id": p.undone_by,
                               "leader_override": p.undo_override_by is not None,
                               "approved_by": p.undo_override_by})


def _returns(s: Session, since: int, found: Found) -> None:
    for r in s.execute(text(
            "SELECT r.rowid AS n, r.*, o.batch_id FROM order_returns r "
            "LEFT JOIN orders o ON o.order_id = r.order_id")):
        _add(found, "order_returned", r.order_id, r.n > since, r.order_id, r.batch_id,
             r.returned_at, {"operator_id": r.operator_id,
                             "items": [{"sku": None, "qty": r.items}]})


def _closings(s: Session, since: int, found: Found) -> None:
    for r in s.execute(text("SELECT rowid AS n, day, closed_at, operator_id, body "
                            "FROM day_closings")):
        try:
            body = json.loads(r.body)
        except ValueError:
            body = {}
        stock = body.get("stock") if isinstance(body, dict) else None
        counted = [{"sku": x.get("sku"), "expected": x.get("expected"),
                    "counted": x.get("counted")} for x in (stock or [])
                   if isinstance(x, dict) and x.get("counted") is not None]
        _add(found, "day_closed", r.day, r.n > since, None, None, r.closed_at,
             {"day": r.day, "operator_id": r.operator_id,
              "totals": body.get("totals") if isinstance(body, dict) else None,
              "operators": body.get("operators") if isinstance(body, dict) else None,
              "counted": counted})
