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
