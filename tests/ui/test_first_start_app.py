"""The real app at start: on a new station the wizard opens by itself and the scan field has
the focus once it closes; a configured station goes straight to the counter; a settings file
beyond repair is said and the wizard opens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pickup_station.config import Settings, save_settings

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app in a child; a timer notes the wizard, closes it ("Set up later"), answers
# a settings notice, and notes which widget has the focus in the window that follows.
CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard
app = QApplication(sys.argv[:1])
seen = {"wizard": None, "notices": [], "focus": None, "window": False, "pin_asked": False,
        "polls": 0}
def poll():
    from PySide6.QtWidgets import QLineEdit
    for w in app.topLevelWidgets():
        if w.objectName() == "forcedPinDialog" and w.isVisible():  # the PIN was skipped
            seen["pin_asked"] = True
            w.findChild(QLineEdit, "newPin").setText("2580")
            w.findChild(QLineEdit, "newPinAgain").setText("2580")
            w.submit()
            return
    for w in app.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            seen["notices"].append(w.text())
            w.done(0)
    for w in app.topLevelWidgets():
        if isinstance(w, QWizard) and w.isVisible():
            seen["wizard"] = w.windowTitle()
            w.button(QWizard.WizardButton.CancelButton).click()
            return
        if w.objectName() == "mainWindow" and w.isVisible():
            seen["window"] = True
            seen["polls"] += 1
            f = app.focusWidget()
            seen["focus"] = f.objectName() if f is not None else None
            if seen["focus"] == "scanInput" and seen["polls"] > 3:
                QTimer.singleShot(100, app.closeAllWindows)
timer = QTimer(); timer.timeout.connect(poll); timer.start(300)
QTimer.singleShot(25000, app.closeAllWindows)  # never hang the suite
from pickup_station.app import main
code = main(sys.argv[1:])
print("RESULT " + json.dumps({"code": code, **seen}, ensure_ascii=False))
"""


def run_app(tmp_path: Path, *args: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CHILD, *args], check=False, cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, out.stderr[-3000:]
    return json.loads(line[-1][len("RESULT "):])


def test_a_new_station_gets_the_wizard_then_the_counter_with_the_scan_field_focused(tmp_path):
    data = tmp_path / "new"
    result = run_app(tmp_path, "--data-dir", str(data))
    assert result["code"] == 0
    assert result["wizard"] == "设置本自提点"  # in Chinese
    assert result["window"] and result["focus"] == "scanInput"
    assert (data / "config.json").exists()  # closed with "Set up later": it stays closed
    again = run_app(tmp_path, "--data-dir", str(data))
    assert again["wizard"] is None and again["focus"] == "scanInput"


def test_a_configured_station_goes_straight_to_the_counter(tmp_path):
    data = tmp_path / "configured"
    data.mkdir()
    save_settings(Settings(lang="en"), data / "config.json")
    result = run_app(tmp_path, "--data-dir", str(data))
    assert result["wizard"] is None and result["focus"] == "scanInput"


def test_a_settings_file_beyond_repair_is_said_and_the_wizard_opens(tmp_path):
    data = tmp_path / "broken"
    data.mkdir()
    (data / "config.json").write_bytes(b"\x00\x00garbage{")
    result = run_app(tmp_path, "--data-dir", str(data), "--lang", "en")
    assert result["wizard"] == "Set up this pickup station"
    [notice] = result["notices"]
    assert "config.json" in notice
    assert result["focus"] == "scanInput"
