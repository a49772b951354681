"""Two installs from one repo: the server alone, with no Qt, OpenCV or requests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATION_ONLY = ("PySide6", "cv2", "requests", "escpos", "zxingcpp", "serial")


def test_server_imports_nothing_of_the_station_app():
    """In this (full) venv: importing and building the server app loads no station-only
    library (the wire models come from pickup_station.sync.protocol, which is pydantic only)."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from server_stub.app import create_app\n"
        "from server_stub.config import ServerConfig\n"
        "create_app(ServerConfig(pathlib.Path(tempfile.mkdtemp())), announce_token=False)\n"
        f"print([m for m in {STATION_ONLY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_server_extra_installs_and_runs_without_qt(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    # a copy of the sources, so the build does not write into the work tree
    src = tmp_path / "src"
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for name in filter(None, files):
        if not (ROOT / name).is_file():
            continue
        dest = src / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes((ROOT / name).read_bytes())
    pip = subprocess.run([str(py), "-m", "pip", "install", "-q", f"{src}[server]"],
                         capture_output=True, text=True, timeout=600, check=False)
    assert pip.returncode == 0, pip.stderr[-2000:]
    for module in STATION_ONLY:
        probe = subprocess.run([str(py), "-c", f"import {module}"], capture_output=True, check=False)
        assert probe.returncode != 0, f"{module} is importable in the server-only venv"

    port = _free_port()
    env = {**os.environ, "PICKUP_ADMIN_TOKEN": "install-test-admin"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([str(venv / "bin" / "pickup-sync-server"), "--port", str(port),
                             "--data-dir", str(tmp_path / "data")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health",
                                            timeout=2) as r:
                    health = json.load(r)
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1][-2000:]
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.2)
        assert health["ok"] is True and health["database"] == "sqlite"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=5) as r:
            assert "/api/v1/sync/push" in json.load(r)["paths"]
    finally:
        proc.terminate()
        proc.wait(10)
