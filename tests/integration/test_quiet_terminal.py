"""A counter PC with no sound card: the terminal stays clean, the log says it in one line.

Qt's multimedia back-end (library probing, FFmpeg), PulseAudio with no server, QSoundEffect
and the platform plugin used to fill the terminal with warnings that make sound look broken.
The app now sends Qt's messages to its log file (`app.route_qt_messages`) and, finding no
audio output, logs one line and says it once in the status bar.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOISE = ("qt.multimedia", "PulseAudio", "pa_context", "QSoundEffect", "ALSA lib",
         "propagateSizeHints", "symbolsresolver", "FFmpeg", "VIDEOIO")


def _env(tmp_path: Path) -> dict:
    """No audio server to be found (PulseAudio nor PipeWire), no logging rules from the suite's
    conftest: what the app does on its own is what is tested."""
    runtime = tmp_path / "run"
    runtime.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "PULSE", "PIPEWIRE"))}
    env.update({"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{runtime}/none",
                "PIPEWIRE_REMOTE": f"{runtime}/none", "TMPDIR": str(tmp_path)})
    return env


def test_no_audio_device_is_one_log_line_and_no_terminal_noise(tmp_path):
    data = tmp_path / "station"
    shot = tmp_path / "shot.png"
    out = subprocess.run([sys.executable, "-m", "pickup_station", "--data-dir", str(data),
                          "--lang", "en", "--screenshot", str(shot)], check=False, cwd=ROOT,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert shot.exists()
    noisy = [ln for ln in out.stderr.splitlines() if any(n in ln for n in NOISE)]
    assert noisy == []
    assert out.stderr.strip() == ""
    log = (data / "logs" / "station.log").read_text(encoding="utf-8")
    said = [ln for ln in log.splitlines() if "no audio device" in ln]
    assert len(said) == 1 and "sounds are off" in said[0]
    assert "PulseAudioService" in log  # Qt's words were kept, in the log


def test_without_the_routing_the_same_start_is_noisy(tmp_path):
    """The control: Qt multimedia in the same environment, without the app's routing, prints
    to the terminal; so the test above can fail."""
    child = ("from PySide6.QtWidgets import QApplication\n"
             "app = QApplication([])\n"
             "from PySide6.QtMultimedia import QMediaDevices\n"
             "print(len(QMediaDevices.audioOutputs()))\n")
    out = subprocess.run([sys.executable, "-c", child], check=False, cwd=ROOT,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "0"  # no audio device here, as above
    assert any(n in out.stderr for n in NOISE), out.stderr
