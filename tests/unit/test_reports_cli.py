"""`pickup-station-cli export` and `day-summary` run as a real subprocess on a real store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pickup_station.store.db import Store
from tests.reports_seed import FULL_PHONES, seed

VENV_CLI = Path(sys.executable).with_name("pickup-station-cli")


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    d = tmp_path_factory.mktemp("station")
    s = Store.in_dir(d)
    seed(s)
    s.set_meta("station_tz", "Asia/Shanghai")
    s.close()
    return d


def run(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(VENV_CLI)] if VENV_CLI.exists() else [sys.executable, "-m", "pickup_station.cli"]
    proc = subprocess.run([*cmd, *args], check=False, capture_output=True, timeout=60)
    for phone in FULL_PHONES.values():
        assert phone.encode() not in proc.stdout + proc.stderr
    return proc


def test_export_csv_json(station, tmp_path):
    out = tmp_path / "nov.csv"
    proc = run("export", "--data-dir", str(station), "--from", "2026-11-01", "--to", "2026-11-22",
               "--format", "csv", "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body == {"ok": True, "rows": 8, "pickups": 6, "out": str(out), "format": "csv",
                    "from": "2026-11-01", "to": "2026-11-22", "tz": "Asia/Shanghai"}
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(table) == 9 and table[1][0] == "R-p10"
    for phone in FULL_PHONES.values():
        assert phone.encode() not in raw


def test_export_xlsx_format_from_suffix_and_tz_option(station, tmp_path):
    out = tmp_path / "day.xlsx"
    # in UTC the local-22nd pickup at 2026-11-21T17:30Z falls on the 21st
    proc = run("export", "--data-dir", str(station), "--from", "2026-11-22", "--to", "2026-11-22",
               "--out", str(out), "--tz", "UTC", "--json")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert (body["format"], body["pickups"], body["tz"]) == ("xlsx", 4, "UTC")
    receipts = {r[0] for r in openpyxl.load_workbook(out).active.iter_rows(
        min_row=2, values_only=True)}
    assert receipts == {"R-p5", "R-p6", "R-p7", "R-p9"}


@pytest.mark.parametrize("args", [
    ["--from", "2026-11-31", "--to", "2026-12-01"],  # no such day
    ["--from", "2026-11-22", "--to", "2026-11-01"],  # backwards
    ["--from", "2026-11-01", "--to", "2026-11-22", "--format", "pdf"],
    ["--from", "2026-11-01", "--to", "2026-11-22", "--tz", "Mars/Olympus"],
])
def test_export_bad_usage_exits_2(station, tmp_path, args):
    proc = run("export", "--data-dir", str(station), *args, "--out", str(tmp_path / "x.csv"),
               "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == "usage"
    assert not (tmp_path / "x.csv").exists()


def test_export_unwritable_is_a_refusal(station, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = run("export", "--data-dir", str(station), "--from", "2026-11-01", "--to", "2026-11-22",
               "--format", "csv", "--out", str(blocker / "x.csv"), "--json", "--lang", "en")
    assert proc.returncode == 1
    err = json.loads(proc.stdout)["error"]
    assert err["code"] == "export_unwritable" and "does not exist" in err["message"]


def test_day_summary_json_and_text(station):
    proc = run("day-summary", "--data-dir", str(station), "--date", "2026-11-22", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["ok"] is True and d["day"] == "2026-11-22" and d["tz"] == "Asia/Shanghai"
    assert (d["pickups"], d["items_handed"], d["value_handed_cents"], d["undos"]) == \
        (3, 14, 6240, 2)
    assert d["commission_cents"] == 624  # default 10 % everywhere: 96 + 387 + 110 + 31
    text = run("day-summary", "--data-dir", str(station), "--date", "2026-11-22")
    assert text.returncode == 0 and "今日核销: 3" in text.stdout.decode()
    bad = run("day-summary", "--data-dir", str(station), "--date", "yesterday", "--json")
    assert bad.returncode == 2
