"""The reconnect storm, small: 100 stations come back at once with a backlog, twice (the second
time alongside 30 hostile slow connections), against uvicorn with workers
(`bench/reconnect_storm.py`, run as a process). The full storm is 2,000 stations and 100
hostile connections: `.venv/bin/python bench/reconnect_storm.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# many processes or a server under load: run after the parallel suite, alone (Makefile)
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(200)
def test_small_reconnect_storm():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reconnect_storm.py"), "--stations", "100",
         "--backlog", "20", "--hostile", "30", "--bound", "90",
         # HQ's 500 ms p99 is the full bench's target (it reports it); inside `make test` the
         # two cores are shared with the rest of the suite, so here HQ must merely answer
         "--hq-p99-ms", "10000"],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=190)
    out = proc.stdout
    assert proc.returncode == 0, out[-5000:] + proc.stderr[-3000:]
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["stations"] == 100
    assert figures["http_5xx"] == 0
    assert figures["429_without_retry_after"] == 0
    assert figures["unfinished"] == 0
    assert figures["hq_p99_ms"] <= 10000
    assert "storm A" in out and "storm B" in out and "hostile" in out
