"""CSV and XLSX exports of HQ's lists (issue 11), streamed a chunk at a time.

- CSV: UTF-8 with a BOM (Excel then reads Chinese text right), one header line of the JSON
  field names, rows written as they are read (keyset pages of 2,000), so a 500,000-order
  export never sits in memory.
- XLSX: openpyxl in write-only mode (rows go straight to a temporary file, not kept as cell
  objects; spilled to disk past 8 MiB), then sent in 64 KiB pieces.
A text that a spreadsheet would run as a formula (starting with = + - @, or a tab or CR) gets a
leading apostrophe: an export opened at HQ cannot execute what a station or a customer typed.
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PIECE = 64 * 1024


def columns_of(row_type) -> list[str]:
    """The export's columns: the row dataclass's fields, in order (the JSON names)."""
    return [f.name for f in fields(row_type)]


def _cell(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _values(row, columns: Sequence[str]) -> list:
    return [_cell(getattr(row, c)) for c in columns]


def csv_stream(columns: Sequence[str], rows: Iterable, flush_every: int = 500
               ) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    pending = 0
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow(["" if v is None else v for v in _values(row, columns)])
        pending += 1
        if pending >= flush_every:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def xlsx_stream(title: str, columns: Sequence[str], rows: Iterable) -> Iterator[bytes]:
    from openpyxl import Workbook  # the server's extra ('.[server]') has it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append(_values(row, columns))
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        book.save(out)
        out.seek(0)
        while piece := out.read(_PIECE):
            yield piece


def filename(stem: str, fmt: str) -> str:
    return f"{stem}.{fmt}"
