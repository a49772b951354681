"""`pickup-station --self-test` from the venv: passes on this checkout; fails naming
`translations` (exit 1) when the resources folder has no .qm file; fails naming `qr` when the
shipped QR image is gone; fails naming `camera` when the QR video is not a video. Each run is the real program in a child process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pickup_station.paths import RESOURCES_ENV, resources_dir


def self_test(tmp_path: Path, resources: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env.pop("DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)  # it must choose offscreen by itself
    if resources is not None:
        env[RESOURCES_ENV] = str(resources)
    return subprocess.run([sys.executable, "-m", "pickup_station", "--self-test"], check=False,
                          capture_output=True, text=True, timeout=180, env=env)


def lines(out: subprocess.CompletedProcess) -> list[str]:
    return out.stdout.strip().splitlines()


def test_self_test_passes_from_the_venv(tmp_path):
    out = self_test(tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    got = lines(out)
    for name in ("store", "translations", "receipt-text", "receipt-raster", "qr", "camera",
                 "window"):
        assert f"ok {name}" in got, got
    assert got[-1] == "self-test passed"
    assert not list((tmp_path / "data").glob("**/station.sqlite3"))  # nothing of a station


def test_self_test_fails_naming_translations_when_the_qm_file_is_missing(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    for qm in copy.rglob("*.qm"):
        qm.unlink()
    out = self_test(tmp_path, copy)
    assert out.returncode == 1, out.stdout + out.stderr
    got = lines(out)
    failed = [ln for ln in got if ln.startswith("FAILED")]
    assert [ln.split(":")[0] for ln in failed] == ["FAILED translations"], got
    assert "pickup_station_zh_CN.qm" in failed[0]
    assert got[-1] == "self-test FAILED: translations"
    assert "ok qr" in got and "ok window" in got  # the other checks still ran


def test_self_test_fails_naming_qr_when_the_qr_image_is_gone(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    (copy / "selftest" / "demo-pickup-qr.png").unlink()
    out = self_test(tmp_path, copy)
    assert out.returncode == 1
    assert lines(out)[-1] == "self-test FAILED: qr", out.stdout


def test_self_test_fails_naming_camera_when_the_video_is_not_one(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    (copy / "selftest" / "demo-pickup-qr.avi").write_bytes(b"not a video\n" * 100)
    out = self_test(tmp_path, copy)
    assert out.returncode == 1
    assert lines(out)[-1] == "self-test FAILED: camera", out.stdout
    assert "ok qr" in lines(out) and "ok window" in lines(out)
