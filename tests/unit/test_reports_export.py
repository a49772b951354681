"""The pickups report: rows by local day, and the CSV/XLSX files re-read as a leader would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from pickup_station.core.reports import export_pickups, pickups_report
from pickup_station.core.reports.export import COLUMNS, headers
from pickup_station.errors import Refused
from tests.reports_seed import FULL_PHONES, seed

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 22)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def _no_full_phone(raw: bytes) -> None:
    for phone in FULL_PHONES.values():
        assert phone.encode() not in raw
        assert phone.encode("utf-16-le") not in raw


def test_rows_are_one_per_line_in_local_day(seeded):
    with seeded.reader() as s:
        rows = pickups_report(s, DAY, DAY, SH)
        two_days = pickups_report(s, date(2026, 11, 21), DAY, SH)
        next_day = pickups_report(s, date(2026, 11, 23), date(2026, 11, 23), SH)
    assert [(r.receipt_no, r.sku) for r in rows] == [
        ("R-p1", "A1"), ("R-p1", "M1"), ("R-p5", "E1"), ("R-p5", "V1"), ("R-p6", "V1"),
        ("R-p7", "M1")]
    assert rows[0].picked_at_local == "2026-11-22 01:30:00"
    assert rows[-1].picked_at_local == "2026-11-22 23:59:59"
    assert len(two_days) == 8 and {r.receipt_no for r in two_days} >= {"R-p3", "R-p10"}
    assert [r.receipt_no for r in next_day] == ["R-p9"]  # 16:00Z is local 00:00 next day
    egg = rows[2]
    assert (egg.qty_ordered, egg.qty_handed, egg.not_handed_reason) == (10, 8, "damaged")
    assert (egg.unit_price_cents, egg.amount_cents, egg.proxy_name) == (120, 960, "邻居小王")
    assert (egg.customer, egg.phone, egg.operator_name) == ("赵*", "136****3333", "李团长")
    undone = rows[4]
    assert (undone.undone_at_local, undone.undone_by, undone.undo_reason) == \
        ("2026-11-22 12:10:00", "lead", "拿错了")
    assert rows[5].override_kind == "no_code" and rows[5].override_by == "lead"


def test_csv_has_bom_and_reads_back(seeded, tmp_path):
    out = tmp_path / "pickups.csv"
    with seeded.reader() as s:
        res = export_pickups(s, DAY, DAY, "csv", out, SH)
    assert (res.rows, res.pickups, res.format) == (6, 4, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    _no_full_phone(raw)
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == headers("zh_CN") and table[0][0] == "小票号"
    assert len(table) == 7
    by = {name: i for i, (name, *_rest) in enumerate(COLUMNS)}
    egg = table[3]
    assert egg[by["receipt_no"]] == "R-p5" and egg[by["picked_at_local"]] == "2026-11-22 11:00:00"
    assert egg[by["unit_price_cents"]] == "1.20" and egg[by["amount_cents"]] == "9.60"
    assert egg[by["not_handed_reason"]] == "破损" and egg[by["phone"]] == "136****3333"
    assert table[6][by["override_kind"]] == "无码提货"
    assert not list(tmp_path.glob(".export-*"))  # temp file moved into place


def test_csv_english_headers(seeded, tmp_path):
    out = tmp_path / "en.csv"
    with seeded.reader() as s:
        export_pickups(s, DAY, DAY, "csv", out, SH, lang="en")
    first = out.read_text(encoding="utf-8-sig").splitlines()
    assert first[0].startswith("Receipt no.,Picked up at,Batch")
    assert ",damaged," in first[3]


def test_xlsx_formats_and_reads_back(seeded, tmp_path):
    out = tmp_path / "pickups.xlsx"
    with seeded.reader() as s:
        res = export_pickups(s, date(2026, 11, 21), DAY, "xlsx", out, SH)
    assert (res.rows, res.pickups) == (8, 6)
    _no_full_phone(out.read_bytes())
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "提货明细" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == headers("zh_CN") and ws["A1"].font.bold
    assert ws.column_dimensions["H"].width == 24 and ws.auto_filter.ref == "A1:V9"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8
    by = {name: i for i, (name, *_rest) in enumerate(COLUMNS)}
    p5 = next(r for r in rows if r[by["receipt_no"]] == "R-p5")
    assert p5[by["picked_at_local"]] == datetime(2026, 11, 22, 11, 0)
    assert p5[by["amount_cents"]] == pytest.approx(9.60)
    money = ws.cell(row=2, column=by["amount_cents"] + 1)
    assert money.number_format == "0.00" and isinstance(money.value, float)
    assert ws.cell(row=2, column=2).number_format == "yyyy-mm-dd hh:mm:ss"
    for r in rows:
        assert "****" in r[by["phone"]]


def test_empty_range_writes_header_only(seeded, tmp_path):
    out = tmp_path / "none.xlsx"
    with seeded.reader() as s:
        res = export_pickups(s, date(2025, 1, 1), date(2025, 1, 2), "xlsx", out, SH)
    assert (res.rows, res.pickups) == (0, 0)
    assert openpyxl.load_workbook(out).active.max_row == 1


def test_unwritable_target_refused_and_nothing_left(seeded, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with seeded.reader() as s:
        with pytest.raises(Refused) as err:
            export_pickups(s, DAY, DAY, "csv", blocker / "out.csv", SH)
        assert "不存在" in err.value.zh and "does not exist" in err.value.en
        with pytest.raises(Refused):
            export_pickups(s, DAY, DAY, "csv", tmp_path, SH)  # a folder
        with pytest.raises(ValueError):
            export_pickups(s, DAY, DAY, "pdf", tmp_path / "x.pdf", SH)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_times_written_with_other_offsets_land_on_the_right_day(seeded):
    from pickup_station.store.models import Pickup, PickupLine

    with seeded.session() as s:
        for pid, at in (("pz", "2026-11-21T16:00:00Z"),  # exactly local midnight of the 22nd
                        ("p8", "2026-11-22T01:00:00+08:00"),  # local 01:00 of the 22nd
                        ("pe", "2026-11-21T15:59:59.999Z")):  # still the 21st
            s.add(Pickup(pickup_id=pid, receipt_no=f"R-{pid}", order_id="O8", operator_id="op1",
                         picked_at=at, undone_at="2026-11-22T02:00:00.000+00:00"))
            s.flush()
            s.add(PickupLine(pickup_id=pid, sku="T1", name="豆腐", qty_ordered=2, qty_handed=2))
    with seeded.reader() as s:
        got = {r.receipt_no: r.picked_at_local for r in pickups_report(s, DAY, DAY, SH)}
        prev = {r.receipt_no for r in pickups_report(s, date(2026, 11, 21), date(2026, 11, 21), SH)}
    assert got["R-pz"] == "2026-11-22 00:00:00" and got["R-p8"] == "2026-11-22 01:00:00"
    assert "R-pe" not in got and "R-pe" in prev
