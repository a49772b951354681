"""Settings on a damaged machine: atomic writes, the last good copy, per-field fallback, unknown
keys kept (issue 7 item 8b, issue 8). Real files in a temp folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pickup_station.config import (
    PrinterSettings,
    Settings,
    backup_path,
    load_settings,
    save_settings,
)
from pickup_station.errors import DataDirReadOnly, DiskFull
from tests import damaged_disk

URL, TOKEN = "http://10.0.0.5:8765", "st-token-1"


@pytest.fixture
def cfg(tmp_path):
    return tmp_path / "station" / "config.json"


def paired(**kw) -> Settings:
    return Settings(server_url=URL, station_token=TOKEN, **kw)


def files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_save_is_atomic_and_keeps_the_same_bytes_as_last_good_copy(cfg):
    save_settings(paired(sync_interval_s=45), cfg)
    assert files(cfg.parent) == ["config.json", "config.json.bak"]  # no temp file left
    assert backup_path(cfg).read_bytes() == cfg.read_bytes()
    again = load_settings(cfg)
    assert again == paired(sync_interval_s=45) and again.load_notice is None


def test_unknown_keys_survive_an_older_app_saving(cfg):
    """A newer version wrote keys this one does not know, at the top level and in a section;
    this version changes a setting and saves: the newer keys must still be there."""
    cfg.parent.mkdir(parents=True)
    newer = {"server_url": URL, "station_token": TOKEN, "lang": "en",
             "label_printer": {"kind": "zebra", "dpi": 203}, "theme": "dark",
             "printer": {"kind": "file", "target": "/tmp/r.bin", "cut_mode": "partial"},
             "extra": {"commission_rates": {"fruit": 0.1}}}
    cfg.write_text(json.dumps(newer), encoding="utf-8")
    settings = load_settings(cfg)
    assert settings.load_notice is None and settings.lang == "en"
    assert settings.printer.kind == "file" and settings.extra["commission_rates"]["fruit"] == 0.1
    settings.sounds = False
    save_settings(settings, cfg)
    saved = json.loads(cfg.read_text(encoding="utf-8"))
    assert saved["label_printer"] == {"kind": "zebra", "dpi": 203} and saved["theme"] == "dark"
    assert saved["printer"]["cut_mode"] == "partial" and saved["printer"]["kind"] == "file"
    assert saved["sounds"] is False and "unknown_keys" not in saved
    assert "load_notice" not in saved and "unknown_keys" not in saved["printer"]
    assert load_settings(cfg) == settings


@pytest.mark.parametrize("damage", ["truncated", "not_json", "array", "empty", "binary"])
def test_a_broken_file_falls_back_to_the_last_good_copy_and_keeps_the_pairing(cfg, damage):
    save_settings(paired(lang="en", sync_interval_s=60), cfg)
    good = cfg.read_bytes()
    broken = {"truncated": good[: len(good) // 2], "not_json": b"server_url = oops\n",
              "array": b"[1, 2, 3]", "empty": b"", "binary": os.urandom(300)}[damage]
    cfg.write_bytes(broken)

    settings = load_settings(cfg)
    assert settings.paired and (settings.server_url, settings.station_token) == (URL, TOKEN)
    assert settings.lang == "en" and settings.sync_interval_s == 60
    notice = settings.load_notice
    assert notice is not None and notice.code == "config_recovered"
    assert "配对信息已保留" in notice.message("zh_CN") and "pairing is kept" in notice.message("en")
    # the broken file is kept as it was, and the recovered settings are written back
    kept = cfg.parent / notice.broken_copy.rsplit("/", 1)[-1]
    assert kept.read_bytes() == broken
    assert json.loads(cfg.read_text(encoding="utf-8"))["station_token"] == TOKEN
    # the notice is shown once: the next start reads a good file
    assert load_settings(cfg).load_notice is None and load_settings(cfg).paired


def test_neither_file_usable_gives_defaults_and_says_pair_again(cfg):
    cfg.parent.mkdir(parents=True)
    cfg.write_bytes(b'{"server_url": "http://x", "station_tok')
    backup_path(cfg).write_bytes(b"\x00\x00\x00")
    settings = load_settings(cfg)
    assert settings == Settings()
    assert settings.load_notice.code == "config_reset"
    assert "重新配对" in settings.load_notice.zh and "pair again" in settings.load_notice.en
    assert backup_path(cfg).read_bytes() != b"\x00\x00\x00"  # now the defaults
    assert any(name.startswith("config.json.broken-") for name in files(cfg.parent))


def test_a_missing_file_is_a_fresh_station(cfg):
    assert load_settings(cfg) == Settings() and load_settings(cfg).load_notice is None
    assert not cfg.parent.exists()  # reading wrote nothing


@pytest.mark.parametrize("with_backup", [True, False])
def test_a_wrong_typed_value_falls_back_field_by_field_and_names_the_field(cfg, with_backup):
    if with_backup:
        save_settings(paired(), cfg)
    else:
        cfg.parent.mkdir(parents=True)
    cfg.write_text(json.dumps({"server_url": 5, "station_token": TOKEN, "sounds": "yes",
                               "sync_interval_s": True, "printer": {"paper_mm": "80"},
                               "camera": ["not", "a", "section"], "lang": "en"}),
                   encoding="utf-8")
    settings = load_settings(cfg)  # no AttributeError, no TypeError
    bad = ["server_url", "sync_interval_s", "sounds", "printer.paper_mm", "camera"]
    assert sorted(settings.load_notice.fields) == sorted(bad)
    for name in bad:
        assert name in settings.load_notice.message("en")
        assert name in settings.load_notice.message("zh_CN")
    assert settings.server_url == (URL if with_backup else "")
    assert settings.paired is with_backup and settings.station_token == TOKEN
    assert settings.lang == "en" and settings.sounds is True and settings.sync_interval_s == 30
    assert settings.printer.paper_mm == 58 and settings.camera == Settings().camera
    saved = json.loads(cfg.read_text(encoding="utf-8"))
    assert saved["server_url"] == settings.server_url and saved["printer"]["paper_mm"] == 58


def test_reading_a_broken_file_on_a_read_only_folder_changes_nothing(cfg):
    save_settings(paired(), cfg)
    cfg.write_bytes(b'{"server_url": "ht')
    before = {p.name: p.read_bytes() for p in cfg.parent.iterdir()}
    with damaged_disk.read_only(cfg.parent) as how:
        if how is None:
            pytest.skip("no way to make a folder read-only here")
        settings = load_settings(cfg)
        assert settings.paired and settings.load_notice.code == "config_recovered"
        assert settings.load_notice.broken_copy is None  # could not be set aside: still said
        assert {p.name: p.read_bytes() for p in cfg.parent.iterdir()} == before
        with pytest.raises(DataDirReadOnly) as err:
            save_settings(settings, cfg)
        assert "只读" in err.value.zh and "read-only" in err.value.en
        assert {p.name: p.read_bytes() for p in cfg.parent.iterdir()} == before


SAVE_ON_FULL_DISK = """
import sys
from pathlib import Path
from pickup_station.config import PrinterSettings, Settings, save_settings
from pickup_station.errors import DiskFull
try:
    save_settings(Settings(server_url="http://new", station_token="t2",
                           printer=PrinterSettings(target="x" * 200_000)), Path(sys.argv[1]))
except DiskFull as exc:
    print(exc.code)
"""


def test_saving_on_a_full_disk_raises_disk_full_and_leaves_the_old_file(tmp_path):
    folder = tmp_path / "station"
    with damaged_disk.small_disk(folder, 64) as mounted:
        cfg = folder / "config.json"
        save_settings(paired(), cfg)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        if mounted:
            damaged_disk.fill(folder)
            before["filler.bin"] = (folder / "filler.bin").read_bytes()
            with pytest.raises(DiskFull) as err:
                save_settings(Settings(server_url="http://new", station_token="t2",
                                       printer=PrinterSettings(target="x" * 200_000)), cfg)
            assert "磁盘已满" in err.value.zh and "disk is full" in err.value.en
        else:  # no tmpfs here: a file size limit on a child process fails writes the same way
            out = subprocess.run([sys.executable, "-c", SAVE_ON_FULL_DISK, str(cfg)],
                                 check=False, capture_output=True, text=True, timeout=60,
                                 preexec_fn=damaged_disk.file_size_limit(100_000))
            assert out.stdout.strip() == "disk_full", out.stderr
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temp left
        assert load_settings(cfg) == paired()


def test_sections_replaced_by_the_window_keep_their_unknown_keys_in_the_file(cfg):
    cfg.parent.mkdir(parents=True)
    cfg.write_text(json.dumps({"printer": {"kind": "usb", "cut_mode": "full"}}), encoding="utf-8")
    settings = load_settings(cfg)
    from dataclasses import replace

    settings.printer = replace(settings.printer, paper_mm=80)
    save_settings(settings, cfg)
    assert json.loads(cfg.read_text(encoding="utf-8"))["printer"]["cut_mode"] == "full"
    assert isinstance(settings.printer, PrinterSettings)
