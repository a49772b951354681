"""Start-up time of the window, measured from outside: how long from launching the program to
the app's own "window shown after X s (CPU Y s)" log line, written once the window is usable:
its scan field painted with the keyboard focus (or a dialog of the window holding it: a new
store's forced PIN change can open first). X counts only from app.py's import; Y is the
process's CPU time since launch (the figure to compare on a loaded machine).

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

LINE = re.compile(r"window shown after ([0-9.]+) s(?: \(CPU ([0-9.]+) s(?:; ([^)]*))?\))?")


def one(program: str) -> tuple[float, float, float | None, str]:
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
                    cpu = float(m.group(2)) if m.group(2) else None
                    return time.perf_counter() - t0, float(m.group(1)), cpu, m.group(3) or ""
                time.sleep(0.005)
            raise SystemExit("no 'window shown after' line within 60 s")
        finally:
            proc.wait(timeout=60)


def main() -> None:
    program = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    results = [one(program) for _ in range(runs)]
    for n, (wall, own, cpu, note) in enumerate(results, 1):
        extra = "" if cpu is None else f", CPU {cpu:.3f} s"
        print(f"run {n}: launch to window {wall:.3f} s (the app's own figure {own:.3f} s"
              f"{extra}){f': {note}' if note else ''}")
    walls = sorted(r[0] for r in results)
    out = {"program": program, "runs": runs, "first_s": round(results[0][0], 3),
           "median_s": round(walls[len(walls) // 2], 3), "max_s": round(walls[-1], 3),
           "own_median_s": round(sorted(r[1] for r in results)[runs // 2], 3)}
    cpus = sorted(r[2] for r in results if r[2] is not None)
    if len(cpus) == runs:
        out["cpu_median_s"] = round(cpus[runs // 2], 3)
        out["scan_field_focused"] = sum(not r[3] for r in results)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
