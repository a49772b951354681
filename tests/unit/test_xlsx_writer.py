"""The streaming XLSX writer: a file openpyxl reads back cell for cell, types and styles kept,
text that XML cannot hold made safe, every part well-formed XML."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
from lxml import etree

from pickup_station.core.reports.xlsx_writer import Money, SheetWriter, column_letter


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_cells_read_back_with_types_styles_filter_and_frozen_header():
    buf = io.BytesIO()
    with SheetWriter(buf, "提货明细", [10] * 28) as w:
        w.header([f"列{i}" for i in range(28)])
        w.row(["张*丰", 3, Money(1250), datetime(2026, 11, 22, 10, 5, 3), None, "", 2.5,
               Money(-5), "  前后空格 ", "a\x00b\x1bc<&>\"'", True] + ["x"] * 16 + ["末"])
        w.row(["张*丰"])
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb.active
    assert ws.title == "提货明细" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:AB3"
    assert ws["A1"].value == "列0" and ws["A1"].font.b and ws["AB1"].value == "列27"
    row = [c.value for c in ws[2]]
    assert row[:11] == ["张*丰", 3, 12.5, datetime(2026, 11, 22, 10, 5, 3), None, None, 2.5,
                        -0.05, "  前后空格 ", "abc<&>\"'", True]
    assert row[27] == "末" and ws["A3"].value == "张*丰"
    assert ws["C2"].number_format == "0.00" and ws["D2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws.column_dimensions["B"].width == 10
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for name in z.namelist():
            etree.fromstring(z.read(name))  # every part is well-formed XML
        assert b"_xlnm._FilterDatabase" in z.read("xl/workbook.xml")


def test_an_empty_report_is_a_valid_file():
    buf = io.BytesIO()
    with SheetWriter(buf, "Pickups", [12, 12]) as w:
        w.header(["a", "b"])
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws.max_row == 1 and [c.value for c in ws[1]] == ["a", "b"]
