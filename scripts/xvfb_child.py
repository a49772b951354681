"""Run a screenshot script's `shoot(out, lang)` in a child process on its own Xvfb screen (the
counter PC's 1366x768 by default), so the pictures show the real X11 window, not offscreen."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main(script: str, shoot: Callable[[Path, str], None], display: str) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--lang", default="zh_CN")
    ap.add_argument("--size", default="1366x768")
    args = ap.parse_args()
    if os.environ.get("PICKUP_SHOT_CHILD"):
        shoot(args.out, args.lang)
        return 0
    w, h = args.size.split("x")
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.0)
        env = {**os.environ, "DISPLAY": display, "PICKUP_SHOT_CHILD": "1"}
        env.pop("QT_QPA_PLATFORM", None)
        return subprocess.call([sys.executable, script, *sys.argv[1:]], env=env)
    finally:
        xvfb.terminate()
        xvfb.wait()
