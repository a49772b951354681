"""The city trial, short: 5 stations (one with two counters) through the fault proxy, SIGKILLs,
a server restart and a full disk, judged against HQ (`bench/city_trial.py`, run as a process).

The full trial (50 stations) is `.venv/bin/python bench/city_trial.py`; this one keeps the
same script and checks, with a short day, so it runs in `make test`.
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


@pytest.mark.timeout(240)
def test_short_city_trial_loses_nothing(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "city_trial.py"), "--stations", "5",
         "--minutes", "0.75", "--orders", "30", "--pace", "1.5", "--sync-every", "2",
         "--kills", "6", "--heal-timeout", "90", "--out-dir", str(tmp_path / "trial")],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=230)
    out = proc.stdout
    assert proc.returncode == 0, out[-6000:] + proc.stderr[-3000:]
    figures = json.loads(out.strip().splitlines()[-1])
    assert set(figures) == {"stations", "confirmed", "uploaded", "lost", "duplicated",
                            "conflicts", "heal_to_consistent_s", "events_per_s",
                            "push_p99_ms"}
    assert figures["stations"] == 5
    assert figures["lost"] == 0 and figures["duplicated"] == 0
    assert figures["confirmed"] > 15 and figures["uploaded"] > 0
    # the bad day happened: kills, a server restart, an offline station with cancels
    assert "server back after" in out
    assert "was offline; HQ cancelled" in out
    assert "disk space back" in out
