"""Batches and orders arriving at the station: from a sync pull, or a manifest file offline.

`apply_batch`, `apply_order` and `remove_order` take the wire shapes of docs/protocol.md and
work inside the caller's transaction (the sync engine applies one page per transaction, with its
cursor). `import_manifest_file` loads a JSON or CSV manifest (配送清单) when there is no network.
An order the host already handed over is never silently overwritten: a cancel or removal from
HQ after the hand-over lands in the needs-attention list instead.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pickup_station.core.identity import CustomerKeys, mask_phone, phone_digits, token_sha256
from pickup_station.errors import ManifestError
from pickup_station.store.db import get_meta, iso, set_meta, utcnow
from pickup_station.store.models import AttentionItem, Batch, Order, OrderItem

ORDER_STATUSES = {"active", "cancelled", "refunded"}
SHELF_ZONES = "ABCDEFGH"


@dataclass
class ApplyReport:
    batches: int = 0
    orders: int = 0
    removed: int = 0
    attention: list[str] = field(default_factory=list)

    def add(self, other: ApplyReport) -> None:
        self.batches += other.batches
        self.orders += other.orders
        self.removed += other.removed
        self.attention += other.attention


def next_shelf_slot(session: Session) -> str:
    """The next free shelf slot (货架号), e.g. `A-3-12`: zone, shelf, position."""
    n = int(get_meta(session, "shelf_slot_seq", "0"))
    set_meta(session, "shelf_slot_seq", str(n + 1))
    zone = SHELF_ZONES[(n // 300) % len(SHELF_ZONES)]
    return f"{zone}-{(n // 30) % 10 + 1}-{n % 30 + 1:02d}"


def _attention(session: Session, kind: str, order_id: str | None, reason: str, detail=None):
    session.add(AttentionItem(
        kind=kind, order_id=order_id, reason=reason,
        detail=json.dumps(detail, ensure_ascii=False) if detail is not None else None,
        created_at=iso(utcnow()),
    ))


def apply_batch(session: Session, data: dict) -> ApplyReport:
    batch_id = _required_text(data, "batch_id")
    batch = session.get(Batch, batch_id)
    now = iso(utcnow())
    if batch is None:
        batch = Batch(batch_id=batch_id, status="expected")
        session.add(batch)
    batch.station_id = data.get("station_id") or batch.station_id
    if batch.station_id and not get_meta(session, "station_id"):
        set_meta(session, "station_id", batch.station_id)
    if "expected_at" in data:
        batch.expected_at = data.get("expected_at")
    if data.get("dispatched_at"):
        batch.dispatched_at = data["dispatched_at"]
    batch.updated_at = now
    return ApplyReport(batches=1)


def apply_order(session: Session, data: dict) -> ApplyReport:
    """Insert or update one order (wire shape of a pull `order` upsert)."""
    report = ApplyReport(orders=1)
    order_id = _required_text(data, "order_id")
    batch_id = _required_text(data, "batch_id")
    if session.get(Batch, batch_id) is None:
        apply_batch(session, {"batch_id": batch_id})
    status = data.get("status") or "active"
    if status not in ORDER_STATUSES:
        raise ManifestError("manifest.bad_status", order_id=order_id, status=status)
    items = data.get("items") or []
    if not isinstance(items, list) or not items:
        raise ManifestError("manifest.no_items", order_id=order_id)
    order = session.get(Order, order_id)
    now = iso(utcnow())
    if order is None:
        order = Order(order_id=order_id, pickup_state="open")
        session.add(order)
    handed = order.pickup_state != "open"
    returned = order.pickup_state == "returned"  # went back to HQ: nothing to look at
    if handed and not returned and status != "active" and order.status == "active":
        report.attention.append(order_id)
        _attention(session, "cancelled_after_pickup", order_id, "order_cancelled_after_pickup",
                   {"status": status, "reason": data.get("cancel_reason")})
    order.batch_id = batch_id
    order.customer_name = str(data.get("customer_name") or "").strip() or "?"
    order.phone_masked = data.get("phone_masked") or ""
    order.phone_last4 = str(data.get("phone_last4") or "")[-4:]
    order.customer_key = data.get("customer_key") or order.customer_key
    order.token_sha256 = (data.get("token_sha256") or "").lower() or None
    order.pickup_code = str(data["pickup_code"]) if data.get("pickup_code") else None
    order.status = status
    order.cancel_reason = data.get("cancel_reason")
    # shelf slots are given at sign-off (core/shelves.py), never at download

    order.updated_at = now
    if not handed:
        # Items change only while nothing was handed over; what was handed is history.
        # What the arrival check found short or damaged stays (HQ's manifest does not say it).
        kept = {}
        for old in order.items:
            short, damaged = kept.get(old.sku, (0, 0))
            kept[old.sku] = (short + old.qty_short, damaged + old.qty_damaged)
        order.items.clear()
        session.flush()
        for item in items:
            new = _item(order_id, item)
            short, damaged = kept.pop(new.sku, (0, 0))
            new.qty_short = min(short, new.qty)
            new.qty_damaged = min(damaged, new.qty - new.qty_short)
            order.items.append(new)
    return report


def remove_order(session: Session, data: dict) -> ApplyReport:
    order_id = _required_text(data, "order_id")
    order = session.get(Order, order_id)
    if order is None:
        return ApplyReport()
    if order.pickup_state != "open":
        _attention(session, "removed_after_pickup", order_id, "order_removed_after_pickup")
        return ApplyReport(attention=[order_id])
    session.delete(order)
    return ApplyReport(removed=1)


def item_row(order_id: str, item) -> dict:
    """One manifest item checked and turned into an `order_items` row (a plain dict)."""
    if not isinstance(item, dict):
        raise ManifestError("manifest.item_not_object", order_id=order_id)
    try:
        qty = int(item["qty"])
        price = int(item.get("unit_price_cents") or 0)
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError("manifest.bad_item_number", order_id=order_id) from exc
    if qty <= 0 or price < 0:
        raise ManifestError("manifest.bad_item_qty", order_id=order_id)
    sku = str(item.get("sku") or "").strip()
    name = str(item.get("name") or "").strip()
    if not sku or not name:
        raise ManifestError("manifest.item_lacks_sku_or_name", order_id=order_id)
    return {"order_id": order_id, "sku": sku, "name": name, "qty": qty,
            "unit_price_cents": price, "category": item.get("category"),
            "qty_short": 0, "qty_damaged": 0}


def _item(order_id: str, item: dict) -> OrderItem:
    return OrderItem(**item_row(order_id, item))


def _required_text(data: dict, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str | int) or not str(value).strip():
        raise ManifestError("manifest.missing_field", key=key)
    return str(value).strip()


# --- manifest files (offline import) -----------------------------------------------------

def order_from_manifest(raw: dict, keys: CustomerKeys | None = None) -> dict:
    """A manifest order (may carry the full phone and the bare token) → the wire shape.
    `keys` groups one customer's orders within one import (opaque ids, see CustomerKeys)."""
    if not isinstance(raw, dict):
        raise ManifestError("manifest.order_not_object")
    data = dict(raw)
    phone = str(raw.get("phone") or "")
    if phone:
        if len(phone_digits(phone)) < 4:
            raise ManifestError("manifest.bad_phone", order_id=raw.get("order_id"))
        data["phone_masked"] = mask_phone(phone)
        data["phone_last4"] = phone_digits(phone)[-4:]
        data.setdefault("customer_key", (keys or CustomerKeys())(phone))
        data.pop("phone")
    token = raw.get("pickup_token")
    if token:
        data["token_sha256"] = token_sha256(str(token))
        data.pop("pickup_token")  # the bare token is never stored
    code = data.get("pickup_code")
    if code is not None and code != "":
        code = str(code).strip()
        if not (len(code) == 6 and code.isdigit()):
            raise ManifestError("manifest.bad_pickup_code", order_id=raw.get("order_id"))
        data["pickup_code"] = code
    return data


def parse_manifest(path: Path) -> list[dict]:
    """Batches of a JSON or CSV manifest file, in wire shape with `orders` inside."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ManifestError("manifest.file_not_found", path=path) from exc
    except OSError as exc:
        raise ManifestError("manifest.unreadable_file", path=path) from exc
    text = _decode(raw, path)
    if path.suffix.lower() == ".csv" or (not text.lstrip().startswith(("{", "["))):
        return _parse_csv(text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError("manifest.bad_json", line=exc.lineno) from exc
    batches = doc.get("batches") if isinstance(doc, dict) and "batches" in doc else doc
    if isinstance(batches, dict):
        batches = [batches]
    if not isinstance(batches, list) or not batches:
        raise ManifestError("manifest.no_batch")
    out = []
    for b in batches:
        if not isinstance(b, dict) or not isinstance(b.get("orders"), list):
            raise ManifestError("manifest.batch_without_orders")
        _required_text(b, "batch_id")
        out.append(b)
    return out


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030: Excel on Chinese Windows saves CSV in it,
    as the server's CSV import accepts."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ManifestError("manifest.unreadable_file", path=path)


CSV_REQUIRED = ["batch_id", "order_id", "customer_name", "sku", "name", "qty"]


def _parse_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ManifestError("manifest.csv_lacks_columns", columns=", ".join(missing))
    batches: dict[str, dict] = {}
    orders: dict[str, dict] = {}
    for lineno, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        empty = [c for c in CSV_REQUIRED if not row.get(c)]
        if empty:
            raise ManifestError("manifest.line_lacks", line=lineno, fields=", ".join(empty))
        batch = batches.setdefault(row["batch_id"], {
            "batch_id": row["batch_id"], "expected_at": row.get("expected_at") or None,
            "orders": []})
        order = orders.get(row["order_id"])
        if order is None:
            order = {k: row[k] for k in ("order_id", "customer_name", "phone", "pickup_code",
                                         "pickup_token", "token_sha256", "shelf_slot")
                     if row.get(k)}
            order["items"] = []
            orders[row["order_id"]] = order
            batch["orders"].append(order)
        try:
            qty = int(row["qty"])
            price = int(row.get("unit_price_cents") or 0)
        except ValueError as exc:
            raise ManifestError("manifest.line_bad_number", line=lineno) from exc
        order["items"].append({"sku": row["sku"], "name": row["name"], "qty": qty,
                               "unit_price_cents": price, "category": row.get("category") or None})
    if not batches:
        raise ManifestError("manifest.no_order")
    return list(batches.values())


def apply_manifest(session: Session, batches: list[dict]) -> ApplyReport:
    report = ApplyReport()
    keys = CustomerKeys()
    for b in batches:
        report.add(apply_batch(session, {k: v for k, v in b.items() if k != "orders"}))
        for raw in b["orders"]:
            data = order_from_manifest(raw, keys)
            data["batch_id"] = b["batch_id"]
            report.add(apply_order(session, data))
    return report


def import_manifest_file(store, path: Path) -> ApplyReport:
    """Load a manifest file in one transaction: all of it, or nothing."""
    batches = parse_manifest(path)
    with store.session() as s:
        return apply_manifest(s, batches)


def order_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order)) or 0
