"""`pickup-station-cli` on a damaged machine (issue 8): a corrupt or truncated store, a read-only
data folder, a full disk, a data folder that is a file, broken settings, an unexpected error.

Every case: a clear message in Chinese and in English, one JSON object on stdout with `--json`
(`{"ok": false, "error": {"code", "message"}}`), exit 1, no traceback on the terminal (it is in
the log file), and the store and settings files exactly as they were. Real files, real disks
(tmpfs / read-only mounts where this machine allows, see tests/damaged_disk.py), and the real
CLI in a child process where the process matters.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pickup_station.cli import counter, main
from pickup_station.config import Settings, backup_path, save_settings
from pickup_station.core import operators as ops
from pickup_station.demo import data as demo
from pickup_station.store.db import Store
from tests import damaged_disk

DEAD_URL = "http://127.0.0.1:9"
WORDS = {  # what each code's message must say, in each language
    "store_corrupt": ("损坏", "damaged"),
    "data_dir_read_only": ("无法写入", "cannot be written"),
    "disk_full": ("磁盘已满", "disk is full"),
    "not_a_folder": ("不是文件夹", "not a folder"),
    "internal_error": ("意外错误", "unexpected error"),
}


def make_station(data_dir: Path, orders: int = 10) -> None:
    store = Store.in_dir(data_dir)
    try:
        demo.bulk_load(store, demo.generate(batches=2, orders_per_batch=orders, seed=3),
                       arrived=True)
        with store.session() as s:
            ops.ensure_default_operators(s)
    finally:
        store.close()
    save_settings(Settings(server_url=DEAD_URL, station_token="tok-1"),
                  data_dir / "config.json")


def snapshot(data_dir: Path) -> dict[str, bytes]:
    names = ("station.sqlite3", "config.json", "config.json.bak")
    return {n: (data_dir / n).read_bytes() for n in names if (data_dir / n).exists()}


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def run_cli(data_dir: Path, *argv: str, tmp: Path, preexec=None) -> subprocess.CompletedProcess:
    """The real CLI in a child process; its temp folder (fallback log) is `tmp`."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run([sys.executable, "-m", "pickup_station.cli", *argv, "--data-dir",
                           str(data_dir)], check=False, capture_output=True, text=True,
                          timeout=180, env=env, preexec_fn=preexec)


def refused(stdout: str, stderr: str, rc: int, code: str, lang: str, words: str | None = None,
            ) -> dict:
    """Exactly one JSON object on stdout, nothing on stderr, exit 1, the code and the words."""
    lines = stdout.strip().splitlines()
    assert len(lines) == 1, stdout
    assert stderr == "", stderr
    out = json.loads(lines[0])
    assert rc == 1 and out["ok"] is False and out["error"]["code"] == code, out
    zh, en = WORDS[words or code]
    assert (en if lang == "en" else zh) in out["error"]["message"], out["error"]["message"]
    return out


@pytest.fixture
def station_dir(tmp_path, monkeypatch):
    d = tmp_path / "station"
    d.mkdir()
    make_station(d)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # in-process fallback log
    return d


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


COMMANDS = [["status"], ["lookup", "123456"], ["handover", "123456"], ["sync"],
            ["check-store"], ["arrive", "B1"], ["operator-add", "X9", "Li", "--pin", "9999"]]


@pytest.mark.parametrize("damage", [_garbage, _truncate], ids=["garbage", "truncated"])
def test_a_corrupt_store_is_refused_clearly_and_left_alone(station_dir, damage, capsys):
    damage(station_dir / "station.sqlite3")
    before = snapshot(station_dir)
    for argv in COMMANDS:
        for lang in ("zh_CN", "en"):
            rc = main([*argv, "--data-dir", str(station_dir), "--json", "--lang", lang])
            got = capsys.readouterr()
            out = refused(got.out, got.err, rc, "store_corrupt", lang)
            assert out["error"]["log_file"] == str(station_dir / "logs" / "station.log")
        rc = main([*argv, "--data-dir", str(station_dir)])  # text: the message, no traceback
        got = capsys.readouterr()
        assert rc == 1 and got.err == "" and "本地数据库已损坏" in got.out
        assert "Traceback" not in got.out
    assert snapshot(station_dir) == before
    log = (station_dir / "logs" / "station.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "StoreCorrupt" in log


def test_the_real_process_on_a_corrupt_store(station_dir, tmp_path):
    _garbage(station_dir / "station.sqlite3")
    before = snapshot(station_dir)
    for lang in ("zh_CN", "en"):
        r = run_cli(station_dir, "status", "--json", "--lang", lang, tmp=tmp_path)
        refused(r.stdout, r.stderr, r.returncode, "store_corrupt", lang)
    assert snapshot(station_dir) == before


def test_a_read_only_data_folder(station_dir, tmp_path):
    before = snapshot(station_dir)
    with damaged_disk.read_only(station_dir) as how:
        if how is None:
            pytest.skip("no way to make a folder read-only here")
        for argv in (["status"], ["operator-add", "X9", "Li", "--pin", "9999"], ["sync"]):
            for lang in ("zh_CN", "en"):
                r = run_cli(station_dir, *argv, "--json", "--lang", lang, tmp=tmp_path)
                out = refused(r.stdout, r.stderr, r.returncode, "data_dir_read_only", lang)
                assert out["error"]["log_file"] == str(tmp_path / "pickup-station-cli.log")
        assert snapshot(station_dir) == before, how
    assert "Traceback" in (tmp_path / "pickup-station-cli.log").read_text(encoding="utf-8")
    assert snapshot(station_dir) == before and integrity(station_dir / "station.sqlite3") == "ok"


def test_a_full_disk_saves_nothing_half_and_says_so(tmp_path):
    data_dir = tmp_path / "station"
    manifest = tmp_path / "manifest.json"
    big = demo.generate(batches=3, orders_per_batch=400, seed=5, station_id="ST001")
    manifest.write_text(json.dumps({"batches": big}, ensure_ascii=False), encoding="utf-8")
    with damaged_disk.small_disk(data_dir, 2048) as mounted:
        make_station(data_dir)
        before = snapshot(data_dir)
        if mounted:
            damaged_disk.fill(data_dir)
            preexec, how = None, "tmpfs"
        else:
            preexec, how = damaged_disk.file_size_limit(64 * 1024), "RLIMIT_FSIZE"
        for lang in ("zh_CN", "en"):
            r = run_cli(data_dir, "import-manifest", str(manifest), "--json", "--lang", lang,
                        tmp=tmp_path, preexec=preexec)
            refused(r.stdout, r.stderr, r.returncode, "disk_full", lang)
        assert snapshot(data_dir) == before, how
        assert integrity(data_dir / "station.sqlite3") == "ok"
        assert not [p for p in data_dir.iterdir() if p.name.startswith(".config-")]
    # once there is room again the same import goes through: nothing was left half done
    r = run_cli(data_dir, "import-manifest", str(manifest), "--json", tmp=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["orders"] == 1200, r.stdout + r.stderr


def test_a_data_folder_that_is_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    not_a_folder = tmp_path / "station"
    not_a_folder.write_bytes(b"someone's notes")
    for lang in ("zh_CN", "en"):
        rc = main(["status", "--data-dir", str(not_a_folder), "--json", "--lang", lang])
        got = capsys.readouterr()
        refused(got.out, got.err, rc, "data_dir_read_only", lang, words="not_a_folder")
    assert not_a_folder.read_bytes() == b"someone's notes"


def test_an_unexpected_error_names_the_log_file_and_nothing_more(station_dir, monkeypatch,
                                                                  capsys):
    def boom(args, ctx):
        raise RuntimeError("customer 13812345678 broke it")
    monkeypatch.setattr(counter, "cmd_status", boom)
    for lang in ("zh_CN", "en"):
        rc = main(["status", "--data-dir", str(station_dir), "--json", "--lang", lang])
        got = capsys.readouterr()
        out = refused(got.out, got.err, rc, "internal_error", lang)
        log_file = station_dir / "logs" / "station.log"
        assert str(log_file) in out["error"]["message"] and "RuntimeError" in got.out
        assert "13812345678" not in got.out  # the exception's text stays in the log
    assert "Traceback" in log_file.read_text(encoding="utf-8")


def test_a_wrong_typed_setting_falls_back_and_names_the_field(station_dir, capsys):
    cfg = station_dir / "config.json"
    cfg.write_text(json.dumps({"server_url": 5, "station_token": "tok-1"}), encoding="utf-8")
    rc = main(["status", "--data-dir", str(station_dir), "--json", "--lang", "en"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["paired"] is True and out["server_url"] == DEAD_URL  # last good
    (warning,) = out["warnings"]
    assert warning["code"] == "config_recovered" and warning["fields"] == ["server_url"]
    assert "server_url" in warning["message"]
    # with no last good copy: the default, and a sync refuses as unpaired (no AttributeError)
    backup_path(cfg).unlink()
    cfg.write_text(json.dumps({"server_url": 5, "station_token": "tok-1"}), encoding="utf-8")
    rc = main(["sync", "--data-dir", str(station_dir)])
    got = capsys.readouterr()
    assert rc == 1 and got.err == "" and "server_url" in got.out and "尚未配对" in got.out


def test_a_truncated_settings_file_keeps_the_pairing(station_dir, tmp_path):
    cfg = station_dir / "config.json"
    good = cfg.read_bytes()
    cfg.write_bytes(good[: len(good) // 3])
    r = run_cli(station_dir, "status", "--json", "--lang", "en", tmp=tmp_path)
    assert r.returncode == 0 and r.stderr == ""
    out = json.loads(r.stdout)
    assert out["paired"] is True and out["server_url"] == DEAD_URL
    assert [w["code"] for w in out["warnings"]] == ["config_recovered"]
    assert "pairing is kept" in out["warnings"][0]["message"]
    kept = [p for p in station_dir.iterdir() if p.name.startswith("config.json.broken-")]
    assert [p.read_bytes() for p in kept] == [good[: len(good) // 3]]
    r = run_cli(station_dir, "status", "--json", tmp=tmp_path)  # said once
    assert "warnings" not in json.loads(r.stdout) and json.loads(r.stdout)["paired"] is True
