"""Start-up time of the window, measured from outside: how long from launching the program to
the app's own "window shown after X s" log line (which counts only from app.py's import).

    python scripts/measure_start.py dist/pickup-station/pickup-station [RUNS]
    python scripts/measure_start.py .venv/bin/pickup-station

Each run uses a fresh data folder (a new, empty store) and quits by itself (--screenshot).
Offscreen Qt unless a DISPLAY is set (run under xvfb-run for X11). Last line JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = re.compile(r"window shown after ([0-9.]+) s")


def one(program: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="start-") as tmp:
        log = Path(tmp) / "logs" / "station.log"
        env = dict(os.environ)
        if not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        t0 = time.perf_counter()
        proc = subprocess.Popen([program, "--data-dir", tmp, "--screenshot",
                                 str(Path(tmp) / "shot.png")], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.perf_counter() - t0 < 60:
                text = log.read_text(encoding="utf-8") if log.exists() else ""
                m = LINE.search(text)
                if m:
                    return time.perf_counter() - t0, float(m.group(1))
                time.sleep(0.005)
            raise SystemExit("no 'window shown after' line within 60 s")
        finally:
            proc.wait(timeout=60)


def main() -> None:
    program = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    results = [one(program) for _ in range(runs)]
    for n, (wall, own) in enumerate(results, 1):
        print(f"run {n}: launch to window {wall:.3f} s (the app's own figure {own:.3f} s)")
    walls = sorted(w for w, _ in results)
    print(json.dumps({"program": program, "runs": runs, "first_s": round(results[0][0], 3),
                      "median_s": round(walls[len(walls) // 2], 3),
                      "max_s": round(walls[-1], 3),
                      "own_median_s": round(sorted(o for _, o in results)[runs // 2], 3)}))


if __name__ == "__main__":
    main()
