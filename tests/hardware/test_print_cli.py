"""`pickup-station-cli test-print` against a File printer: exit codes, JSON, bytes on paper."""

from __future__ import annotations

import json

import pytest

from pickup_station.cli import main
from pickup_station.config import PrinterSettings, Settings, save_settings
from pickup_station.demo.receipt_samples import IDS, seed
from pickup_station.hardware.escpos_cn import decode_text, parse_raster
from pickup_station.store.db import Store


@pytest.fixture
def station(tmp_path):
    store = Store.in_dir(tmp_path)
    seed(store)
    store.close()
    return tmp_path


def run(capsys, *argv) -> tuple[int, dict]:
    code = main(["test-print", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_not_configured_is_a_refusal(station, capsys):
    code, out = run(capsys, "--data-dir", str(station))
    assert code == 1 and out["error"]["code"] == "printer_not_configured"


def test_test_page_and_receipt_on_a_file_printer(station, capsys):
    target = station / "paper.bin"
    save_settings(Settings(printer=PrinterSettings(kind="file", target=str(target))),
                  station / "config.json")
    code, out = run(capsys, "--data-dir", str(station))
    assert code == 0 and out["printed"] == "test" and out["mode"] == "text"
    assert out["bytes"] == target.stat().st_size and "打印测试" in decode_text(target.read_bytes())
    code, out = run(capsys, "--data-dir", str(station), "--receipt", IDS.receipt_short,
                    "--reprint")
    assert code == 0 and out["printed"] == "receipt"
    text = decode_text(target.read_bytes())
    assert IDS.receipt_short in text and "补打" in text
    code, out = run(capsys, "--data-dir", str(station), "--label", "missing")
    assert code == 1 and out["error"]["code"] == "receipt_not_found"


def test_raster_mode_from_the_command_line(station, capsys, qapp):
    target = station / "raster.bin"
    save_settings(Settings(printer=PrinterSettings(kind="file", target=str(target))),
                  station / "config.json")
    code, out = run(capsys, "--data-dir", str(station), "--mode", "raster", "--paper", "80",
                    "--label", IDS.order_open)
    assert code == 0 and out["mode"] == "raster" and out["paper_mm"] == 80
    assert {xb for xb, _, _ in parse_raster(target.read_bytes())} == {72}


def test_missing_file_folder_is_a_clear_refusal(station, capsys):
    save_settings(Settings(printer=PrinterSettings(kind="file",
                                                   target=str(station / "gone" / "p.bin"))),
                  station / "config.json")
    code, out = run(capsys, "--data-dir", str(station), "--lang", "en")
    assert code == 1 and out["error"]["code"] == "printer_not_found"
    assert "does not exist" in out["error"]["message"]
