#!/usr/bin/env python3
"""Screenshot of the real station window, as a person sees it: `scripts/screenshot.py OUT.png`.

What it does, with nothing mocked:
1. starts Xvfb on a free display (a real X server; QT_QPA_PLATFORM is unset so Qt uses xcb);
2. starts the app once in demo mode in a fresh data dir (`--demo --screenshot`), which sets up
   the in-process sync server, the demo station and batches, and writes the sheet of demo QR
   codes; that first run quits by itself;
3. reads the first QR code on that sheet with zxing-cpp, the way a scanner would;
4. starts the app again with `--scan <that code>`, waits until the window is mapped and the
   verdict is drawn, and grabs the window from the X server with ImageMagick's `import`;
5. stops the app and Xvfb it started.

`scripts/screenshot.py --cases DIR [--size 1366x768]` takes one screenshot per counter case
instead (ready, done, each refusal, needs the leader, partly ready, the five-order customer, the
phone picker), each from a fresh start of the app scanning that case's code from the demo's
`demo-cases.json` (docs/demo-codes.md); "done" also presses Enter through the X server (XTest),
as a host would.

Needs the Debian packages `xvfb`, `x11-utils` (xwininfo) and `imagemagick` (import);
scripts/install-system-deps.sh installs them.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise SystemExit("screenshot: no free X display between :90 and :199")


def start_xvfb(size: str) -> tuple[subprocess.Popen, str]:
    n = free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 15
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"screenshot: Xvfb :{n} did not start")
        time.sleep(0.1)
    return proc, f":{n}"


def app_env(display: str) -> dict:
    env = dict(os.environ, DISPLAY=display)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def app_cmd(data_dir: Path, lang: str | None, *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "pickup_station", "--demo", "--data-dir", str(data_dir)]
    if lang:
        cmd += ["--lang", lang]
    return cmd + list(extra)


def first_code_on_sheet(sheet: Path) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(sheet))
    if not found:
        raise SystemExit(f"screenshot: no QR code found on {sheet}")
    # the sheet is laid out in rows: take the top-left code
    found.sort(key=lambda r: (r.position.top_left.y // 100, r.position.top_left.x))
    return found[0].text


def top_window(display: str, min_w: int = 400, min_h: int = 300) -> str | None:
    """The id of the largest mapped top-level window (there is no window manager)."""
    out = subprocess.run(["xwininfo", "-root", "-children"], env=app_env(display),
                         capture_output=True, text=True, check=False).stdout
    best, best_area = None, 0
    for m in re.finditer(r"^\s+(0x[0-9a-f]+) .*?(\d+)x(\d+)\+", out, re.MULTILINE):
        wid, w, h = m.group(1), int(m.group(2)), int(m.group(3))
        if w < min_w or h < min_h:
            continue
        state = subprocess.run(["xwininfo", "-id", wid], env=app_env(display),
                               capture_output=True, text=True, check=False).stdout
        if "IsViewable" in state and w * h > best_area:
            best, best_area = wid, w * h
    return best


# case → (what is scanned from demo-cases.json, Enter pressed after the verdict)
CASES = {
    "ready": ("ready", False),
    "done": ("ready", True),
    "already-picked-up": ("already_picked_up", False),
    "cancelled": ("cancelled", False),
    "unknown": ("unknown", False),
    "not-arrived": ("not_arrived", False),
    "partly-ready": ("mixed", False),
    "five-orders": ("five_orders", False),
    "phone-picker": ("shared_last4_a", False),
}


def press_return(display: str, wid: str) -> None:
    """Enter, typed into the window through the X server's XTest extension (no xdotool)."""
    x11 = ctypes.CDLL("libX11.so.6")
    xtst = ctypes.CDLL("libXtst.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for f in (x11.XKeysymToKeycode, x11.XSetInputFocus, x11.XFlush, x11.XCloseDisplay,
              xtst.XTestFakeKeyEvent):
        f.argtypes = None
    d = x11.XOpenDisplay(display.encode())
    if not d:
        raise SystemExit(f"screenshot: cannot open display {display}")
    d = ctypes.c_void_p(d)
    x11.XSetInputFocus(d, ctypes.c_ulong(int(wid, 16)), 2, ctypes.c_ulong(0))
    code = x11.XKeysymToKeycode(d, ctypes.c_ulong(0xFF0D))  # XK_Return
    xtst.XTestFakeKeyEvent(d, ctypes.c_uint(code), 1, ctypes.c_ulong(0))
    xtst.XTestFakeKeyEvent(d, ctypes.c_uint(code), 0, ctypes.c_ulong(0))
    x11.XFlush(d)
    x11.XCloseDisplay(d)


def shoot(display: str, data_dir: Path, lang: str | None, scan: str, out: Path, settle: float,
          enter: bool = False) -> None:
    """Start the app scanning `scan`, wait for its window, (press Enter,) grab it, stop it."""
    env = app_env(display)
    app = subprocess.Popen(app_cmd(data_dir, lang, "--scan", scan), cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, wid = time.monotonic() + 60, None
        while wid is None:
            if app.poll() is not None:
                sys.stderr.write(app.stderr.read())
                raise SystemExit(f"screenshot: the app exited early ({app.returncode})")
            if time.monotonic() > deadline:
                raise SystemExit("screenshot: no window appeared within 60 s")
            time.sleep(0.3)
            wid = top_window(display)
        time.sleep(settle)
        if enter:
            press_return(display, wid)
            time.sleep(2.0)
        subprocess.run(["import", "-display", display, "-window", wid, str(out)], check=True,
                       env=env)
        print(f"screenshot: wrote {out}")
    finally:
        stop(app)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="PNG file to write (with --cases: the folder for them)")
    p.add_argument("--cases", action="store_true",
                   help="one screenshot per counter case into the folder OUT")
    p.add_argument("--only", nargs="+", choices=list(CASES), help="with --cases: just these")
    p.add_argument("--size", default="1366x900", help="X screen size (default 1366x900)")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="app language (default: settings)")
    p.add_argument("--scan", help="text to scan (default: the first QR on the demo sheet)")
    p.add_argument("--settle", type=float, default=4.0,
                   help="seconds to wait after the window shows before grabbing")
    p.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    p.add_argument("--leader", action="store_true",
                   help="OUT is a folder: one leader-<screen>.png per leader screen "
                        "(scripts/leader_shots.py), on a 1366x768 screen")
    args = p.parse_args()
    if args.leader:
        return leader_main(args)
    for tool in ("Xvfb", "xwininfo", "import"):
        if shutil.which(tool) is None:
            raise SystemExit(f"screenshot: '{tool}' not found; run scripts/install-system-deps.sh")

    data_dir = Path(tempfile.mkdtemp(prefix="pickup-shot-"))
    xvfb, display = start_xvfb(args.size)
    try:
        env = app_env(display)
        setup = subprocess.run(
            app_cmd(data_dir, args.lang, "--screenshot", str(data_dir / "first-start.png")),
            cwd=ROOT, env=env, timeout=180, capture_output=True, text=True, check=False)
        sheet = data_dir / "demo-codes.png"
        if setup.returncode != 0 or not sheet.exists():
            sys.stderr.write(setup.stderr)
            raise SystemExit(f"screenshot: demo set-up failed (exit {setup.returncode})")
        if args.cases:
            cases = json.loads((data_dir / "demo-cases.json").read_text("utf-8"))
            folder = Path(args.out).resolve()
            folder.mkdir(parents=True, exist_ok=True)
            wanted = args.only or list(CASES)
            for name in wanted:
                case, enter = CASES[name]
                c = cases[case]
                text = c["phone_last4"] if name == "phone-picker" else c["pickup_code"]
                print(f"screenshot: {name}: scanning {text!r}")
                shoot(display, data_dir, args.lang, text, folder / f"counter-{name}.png", args.settle,
                      enter)
            return 0
        out = Path(args.out).resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        code = args.scan or first_code_on_sheet(sheet)
        print(f"screenshot: scanning {code!r} on display {display}")
        shoot(display, data_dir, args.lang, code, out, args.settle)
    finally:
        stop(xvfb)
        if args.keep:
            print(f"screenshot: data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def leader_main(args) -> int:
    """The leader's screens (scripts/leader_shots.py), each from the real demo window."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import leader_shots

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="pickup-leader-shot-"))
    xvfb, display = start_xvfb("1366x768")
    try:
        env = app_env(display)
        setup = subprocess.run(
            app_cmd(data_dir, args.lang, "--screenshot", str(data_dir / "first-start.png")),
            cwd=ROOT, env=env, timeout=180, capture_output=True, text=True, check=False)
        if setup.returncode != 0 or not (data_dir / "demo-codes.png").exists():
            sys.stderr.write(setup.stderr)
            raise SystemExit(f"screenshot: demo set-up failed (exit {setup.returncode})")
        leader_shots.take(out, data_dir, args.lang or "zh_CN", display, env, stop, top_window,
                          settle=args.settle + 2)
    finally:
        stop(xvfb)
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
