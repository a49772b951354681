"""The window's start on a damaged machine: a store that is not a database is said in words (no
crash dialog, nothing written); a broken settings file is recovered and said once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pickup_station.config import Settings, load_settings, save_settings

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app in a child; a timer answers any message box and notes what it said.
CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication(sys.argv[:1])
seen = []
def poll():
    for w in app.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            seen.append([w.objectName(), w.windowTitle(), w.text()])
            w.done(0)
            if w.objectName() == "settingsNotice":
                QTimer.singleShot(200, app.closeAllWindows)
timer = QTimer(); timer.timeout.connect(poll); timer.start(100)
QTimer.singleShot(20000, app.closeAllWindows)  # never hang the suite
from pickup_station.app import main
code = main(sys.argv[1:])
print("RESULT " + json.dumps({"code": code, "seen": seen}, ensure_ascii=False))
"""


def run_app(tmp_path: Path, *args: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CHILD, *args], check=False, cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, out.stderr[-3000:]
    return json.loads(line[-1][len("RESULT "):])


def test_a_store_that_is_not_a_database_is_said_and_left_alone(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = data / "station.sqlite3"
    garbage = b"this is not a database, it is a shopping list\n" * 200
    store.write_bytes(garbage)
    for lang, words in (("zh_CN", "本地数据库已损坏"), ("en", "The local store is damaged")):
        result = run_app(tmp_path, "--data-dir", str(data), "--lang", lang)
        assert result["code"] == 1
        [(_, title, text)] = result["seen"]
        assert words in text and str(store) in text
        assert title in ("无法启动提货程序", "The pickup station cannot start")
        assert store.read_bytes() == garbage  # nothing written over it


def test_a_cut_short_settings_file_keeps_the_pairing_and_says_so_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    cfg = data / "config.json"
    paired = Settings(server_url="http://127.0.0.1:9", station_token="tok-123", lang="en",
                      sync_interval_s=3600)
    save_settings(paired, cfg)
    save_settings(paired, cfg)  # the second save leaves the last good copy beside it
    cfg.write_bytes(cfg.read_bytes()[:25])  # a power cut in the middle of a write
    result = run_app(tmp_path, "--data-dir", str(data))
    assert result["code"] == 0
    notices = [s for s in result["seen"] if s[0] == "settingsNotice"]
    assert len(notices) == 1
    _, title, text = notices[0]
    assert title == "Settings recovered" and "pairing is kept" in text
    again = load_settings(cfg)
    assert again.paired and again.station_token == "tok-123" and again.load_notice is None
