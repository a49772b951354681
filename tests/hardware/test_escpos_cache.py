"""python-escpos's printer database is cached in our folder, written whole, and escpos leaves
no temporary folder behind (its default: a new one on every start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from pickup_station.hardware import escpos_cache
used = escpos_cache.prepare(Path(sys.argv[1]))
import escpos.capabilities as caps
from escpos.printer import Dummy
Dummy().text("ok")
print(used, caps.pickle_dir, len(caps.CAPABILITIES["profiles"]))
"""


def run_children(n: int, cache: Path, tmp: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp), "HOME": str(tmp.parent)}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(cache)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        outs.append(out.strip())
    return outs


def test_cache_is_ours_whole_and_leaves_no_temp_folder(tmp_path):
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    outs = run_children(3, cache, tmp)  # three programs starting at once
    for out in outs:
        used, pickle_dir, profiles = out.split()
        assert used == pickle_dir == str(cache)
        assert int(profiles) > 10
    assert [p.name for p in cache.iterdir()] == [
        f"{sys.version.split()[0]}.capabilities.pickle"]
    assert list(tmp.iterdir()) == []  # nothing left behind
    again = run_children(1, cache, tmp)[0].split()
    assert again[0] == str(cache) and int(again[2]) > 10


IMPORT_ONLY = """
import os, tempfile, types
writes = []
class Watched(types.ModuleType):
    def __setattr__(self, name, value):
        writes.append(name)
        super().__setattr__(name, value)
tempfile.__class__ = Watched
import pickup_station.hardware.printers  # noqa: F401
import pickup_station.hardware.escpos_cn  # noqa: F401
print(writes, os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR"))
"""


def _child(code: str | list[str], tmp: Path, **env) -> subprocess.CompletedProcess:
    args = [sys.executable, "-c", code] if isinstance(code, str) else [sys.executable, *code]
    base = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp), "HOME": str(tmp.parent),
            "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(args, check=False, cwd=ROOT, env={**base, **env}, capture_output=True,
                          text=True, timeout=120)


def test_importing_the_printers_sets_nothing_up(tmp_path):
    """The cache set-up is an explicit step: importing the adapters neither replaces
    `tempfile.mkdtemp` (not even for a moment) nor points escpos anywhere."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = _child(IMPORT_ONLY, tmp)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "None"]


def test_the_cli_takes_the_explicit_step_before_printing(tmp_path):
    """`pickup-station-cli test-print` prepares the cache itself: no temporary folder per run."""
    tmp, data = tmp_path / "tmp", tmp_path / "data"
    tmp.mkdir()
    for _ in range(2):
        out = _child(["-m", "pickup_station.cli", "test-print", "--data-dir", str(data),
                      "--json", "--mode", "text"], tmp)
        assert out.returncode in (0, 1), out.stderr  # 1: no printer set up, said in words
    assert list(tmp.iterdir()) == []
    assert [p.name for p in (tmp_path / ".cache" / "pickup-station" / "escpos").iterdir()] == [
        f"{sys.version.split()[0]}.capabilities.pickle"]


def test_the_app_takes_the_explicit_step_at_start(tmp_path):
    tmp, data = tmp_path / "tmp", tmp_path / "data"
    tmp.mkdir()
    code = ("import sys; from pickup_station.app import main; "
            f"sys.exit(main(['--data-dir', {str(data)!r}, '--screenshot', "
            f"{str(tmp_path / 'shot.png')!r}]))")
    out = _child(code, tmp)
    assert out.returncode == 0, out.stderr
    assert [p.name for p in tmp.iterdir() if p.name.startswith("tmp")] == []  # no mkdtemp()
    assert (tmp_path / ".cache" / "pickup-station" / "escpos").is_dir()
