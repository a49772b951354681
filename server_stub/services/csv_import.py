"""CSV import of batches (one line per order item) for HQ staff without programmers.

Columns (header line required, any order): batch_id, station_id, order_id, customer_name, phone,
sku, name, qty, unit_price_cents, category, expected_at, pickup_code (optional), shelf_slot
(optional), pickup_token (optional). UTF-8 (with or without BOM) or GB18030 (Excel on Chinese
Windows). A time without an offset is taken as China Standard Time (+08:00).

Each batch is imported in its own transaction, exactly as `PUT /api/v1/batches/{id}` would;
a batch with any bad line is not imported at all, and every bad line is reported as
`{line, error}` (line 1 is the header, as a spreadsheet numbers it).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import Connection

from ..db import Database
from ..errors import DomainError, Invalid
from ..schemas import ID_PATTERN, BatchIn
from .batches import put_batch

REQUIRED = ("batch_id", "station_id", "order_id", "customer_name", "phone", "sku", "name", "qty")
OPTIONAL = ("unit_price_cents", "category", "expected_at", "pickup_code", "shelf_slot",
            "pickup_token")
CST = timezone(timedelta(hours=8))
_ID = re.compile(ID_PATTERN)
MAX_LINES = 200_000


class CsvError(Invalid):
    """The file as a whole cannot be read (encoding, header)."""

    code = "invalid_csv"


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError("the file is neither UTF-8 nor GB18030 text")


def _time(text: str) -> str:
    dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("/", "-"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=CST)
    return dt.isoformat()


def _int(text: str, field: str, *, minimum: int, default: int | None = None) -> int:
    text = text.strip()
    if not text and default is not None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,18}", text):
        raise ValueError(f"{field} must be a whole number, got {text!r}")
    value = int(text)
    if value < minimum:
        raise ValueError(f"{field} must be at least {minimum}")
    return value


def parse(text: str) -> tuple[dict[str, dict], list[dict]]:
    """CSV text -> ({batch_id: {station_id, expected_at, orders, lines, errors, ...}}, errors
    of lines that name no batch)."""
    # newline="": lines end at CR LF, LF or a bare CR (Excel's "CSV (Macintosh)")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _parse_rows(reader)
    except csv.Error as exc:
        raise CsvError(f"line {reader.line_num}: not valid CSV ({exc})") from None


def _parse_rows(reader: csv.DictReader) -> tuple[dict[str, dict], list[dict]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvError("missing columns: " + ", ".join(missing))
    reader.fieldnames = header
    batches: dict[str, dict] = OrderedDict()
    loose: list[dict] = []
    count = 0
    for row in reader:
        line = reader.line_num
        count += 1
        if count > MAX_LINES:
            raise CsvError(f"more than {MAX_LINES} lines; split the file")
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(cells.values()):
            continue
        if None in row:
            loose_err = {"line": line, "error": "more cells than columns in the header"}
        else:
            loose_err = None
        bid = cells.get("batch_id", "")
        if not _ID.fullmatch(bid):
            loose.append({"line": line, "error": "batch_id missing or not a valid id"})
            continue
        batch = batches.setdefault(bid, {"batch_id": bid, "station_id": cells["station_id"],
                                         "expected_at": None, "orders": OrderedDict(),
                                         "lines": [], "errors": [], "line_of": {}})
        batch["lines"].append(line)
        if loose_err:
            batch["errors"].append(loose_err)
            continue
        try:
            _line_into(batch, cells, line)
        except ValueError as exc:
            batch["errors"].append({"line": line, "error": str(exc)})
    return batches, loose


def _line_into(batch: dict, cells: dict, line: int) -> None:
    for col in REQUIRED:
        if not cells.get(col):
            raise ValueError(f"{col} is empty")
    if cells["station_id"] != batch["station_id"]:
        raise ValueError(f"station_id {cells['station_id']} differs from the batch's "
                         f"{batch['station_id']}")
    if cells.get("expected_at"):
        try:
            when = _time(cells["expected_at"])
        except ValueError:
            raise ValueError(f"expected_at {cells['expected_at']!r} is not a date/time") from None
        if batch["expected_at"] not in (None, when):
            raise ValueError("expected_at differs from an earlier line of the batch")
        batch["expected_at"] = when
    item = {"sku": cells["sku"], "name": cells["name"],
            "qty": _int(cells["qty"], "qty", minimum=1),
            "unit_price_cents": _int(cells.get("unit_price_cents", ""), "unit_price_cents",
                                     minimum=0, default=0),
            "category": cells.get("category") or None}
    oid = cells["order_id"]
    order = batch["orders"].get(oid)
    fields = {"customer_name": cells["customer_name"], "phone": cells["phone"],
              "pickup_code": cells.get("pickup_code") or None,
              "shelf_slot": cells.get("shelf_slot") or None,
              "pickup_token": cells.get("pickup_token") or None}
    if order is None:
        batch["orders"][oid] = {"order_id": oid, **fields, "items": [item]}
        batch["line_of"][(oid, None)] = line
    else:
        for key, value in fields.items():
            if value is not None and order[key] is not None and value != order[key]:
                raise ValueError(f"{key} differs from an earlier line of order {oid}")
            if order[key] is None:
                order[key] = value
        order["items"].append(item)
    batch["line_of"][(oid, len(batch["orders"][oid]["items"]) - 1)] = line


def _validation_errors(batch: dict, exc: ValidationError) -> list[dict]:
    order_ids = list(batch["orders"])
    first = batch["lines"][0]
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        line = first
        if len(loc) >= 2 and loc[0] == "orders" and isinstance(loc[1], int):
            oid = order_ids[loc[1]]
            line = batch["line_of"].get((oid, None), first)
            if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
                line = batch["line_of"].get((oid, loc[3]), line)
        field = str(loc[-1]) if loc else "batch"
        out.append({"line": line, "error": f"{field}: {err.get('msg', 'invalid')}"})
    return out


def import_csv(transaction: Callable[[], AbstractContextManager[Connection]],
               raw: bytes) -> dict:
    """Import every batch of the file that has no errors; report all errors per line.

    Each batch is one unit: `transaction()` gives a connection whose transaction commits when
    the block ends (the caller decides: `db.write(feed=True)` in the server)."""
    text = decode(raw)
    if "\x00" in text:
        raise CsvError("the file contains NUL characters; is it really a CSV text file?")
    batches, loose = parse(text)
    results = []
    for bid, batch in batches.items():
        result = {"batch_id": bid, "station_id": batch["station_id"],
                  "lines": len(batch["lines"]), "orders": [], "errors": batch["errors"]}
        body = None
        errors = list(batch["errors"])
        try:
            body = BatchIn.model_validate({
                "station_id": batch["station_id"], "expected_at": batch["expected_at"],
                "orders": [{k: v for k, v in o.items() if v is not None}
                           for o in batch["orders"].values()]})
        except ValidationError as exc:
            bad = {e["line"] for e in errors}
            errors += [e for e in _validation_errors(batch, exc) if e["line"] not in bad]
        result["errors"] = sorted(errors, key=lambda e: e["line"])
        if errors:
            body = None
        if body is not None:
            try:
                with transaction() as conn:
                    answer = put_batch(conn, bid, body)
                result["orders"] = answer["orders"]
            except DomainError as exc:
                result["errors"] = [{"line": batch["lines"][0], "error": exc.message}]
        result["status"] = "rejected" if result["errors"] else "imported"
        results.append(result)
    ok = not loose and all(r["status"] == "imported" for r in results)
    return {"ok": ok, "imported": sum(r["status"] == "imported" for r in results),
            "rejected": sum(r["status"] == "rejected" for r in results),
            "batches": results, "errors": loose}


def import_file(config, path: Path) -> int:
    """`python -m server_stub import-csv FILE`: prints the JSON report; exit 0 only if all ok."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        print(json.dumps({"ok": False, "error": f"cannot read {path}: {exc}"}))
        return 2
    db = Database(config.resolved_database_url)
    try:
        report = import_csv(lambda: db.write(feed=True), raw)
    except CsvError as exc:
        print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        return 1
    finally:
        db.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"imported {report['imported']} batch(es), rejected {report['rejected']}",
          file=sys.stderr)
    return 0 if report["ok"] else 1
