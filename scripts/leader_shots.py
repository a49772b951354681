"""Screenshots of the leader's screens from the real window (`scripts/screenshot.py --leader
DIR`): the demo app under Xvfb at 1366x768, one run per screen; a small driver started with
the app (`python -c DRIVER --demo ...`) opens the screen and enters what a leader would type
(a count short, a basket of codes) before the X server's picture is taken with `import`.

Screens: pin (the forced PIN change at first start), receiving, shelves, uncollected,
day_close, operators, basket, prints. Files: DIR/leader-<screen>.png (PNG, < 200 KB each).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

SCREENS = ("pin", "receiving", "shelves", "uncollected", "day_close", "operators", "basket",
           "prints")

# Runs inside the app's process: waits for the main window, then opens the screen.
DRIVER = r'''
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])  # before the timer: main() uses this instance
screen = os.environ["SHOT_SCREEN"]
codes = json.loads(os.environ.get("SHOT_CODES", "[]"))
def find():
    from pickup_station.ui.main_window import MainWindow
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            return w
def drive():
    w = find()
    if w is None:
        QTimer.singleShot(200, drive)
        return
    w.move(0, 0)
    w.resize(1366, 740)
    from pickup_station.ui import leader_hookup
    if screen == "pin":
        return
    if screen == "basket":
        dlg = leader_hookup.open_basket(w)
        dlg.delegate.setText("3号楼 王阿姨")
        for i, c in enumerate(codes):
            QTimer.singleShot(400 * (i + 1), lambda c=c: dlg.add(c))
        return
    if screen == "prints":
        QTimer.singleShot(1500, lambda: leader_hookup.open_failed_prints(w))
        return
    tabs = w.leader_tabs
    view = getattr(tabs, screen)
    w.tabs.setCurrentWidget(tabs)
    tabs.show_screen(view)
    def then():
        if screen == "receiving" and view._lines:
            fresh = [p for p in view._lines if p.perishable] or view._lines
            view.set_received(fresh[0].sku, max(fresh[0].expected - 3, 0))
            view.set_received(view._lines[0].sku, max(view._lines[0].expected - 1, 0))
        elif screen == "day_close" and view._lines:
            view.fill_expected()
            view.set_count(view._lines[0].sku, max(view._lines[0].expected - 1, 0))
        elif screen == "operators" and view.rows:
            view.select(view.rows[-1].operator_id)
    view.dataShown.connect(then)
QTimer.singleShot(300, drive)
from pickup_station.app import main
sys.exit(main(sys.argv[1:]))
'''

# Runs before each screen but the first (which shows the forced PIN change): the leader's PIN
# changed; once, the arrived goods dated two days back (so some are overdue) and two failed
# papers kept.
PREP = r'''
import sys
from pickup_station.core import operators as ops, print_jobs
from pickup_station.store.db import Store
store = Store.in_dir(sys.argv[1])
with store.reader() as s:
    must = ops.pin_change_required(s)
if must:
    ops.change_pin(store, "leader", "1234", "2580")
from datetime import timedelta
from sqlalchemy import text
from pickup_station.store.db import iso, utcnow
if must:  # once: the goods came two days ago, two papers failed
    with store.session() as s:
        s.execute(text("UPDATE batches SET arrived_at = :t WHERE status = 'arrived'"),
                  {"t": iso(utcnow() - timedelta(days=2, hours=3))})
        oid, bid = s.execute(text("SELECT order_id, batch_id FROM orders WHERE "
                                  "pickup_state = 'open' AND shelf_slot IS NOT NULL "
                                  "LIMIT 1")).one()
    print_jobs.record_failure(store, "label", [oid], "打印机缺纸")
    print_jobs.record_failure(store, "packing_list", [bid], "打印机缺纸")
store.close()
'''


def all_codes(sheet: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(sheet))
    found.sort(key=lambda r: (r.position.top_left.y // 100, r.position.top_left.x))
    return [r.text for r in found]


def shrink(png: Path, limit: int = 200_000) -> None:
    """Keep the PNG under `limit` bytes (fewer colours when needed)."""
    from PIL import Image

    for colours in (256, 128, 64):
        if png.stat().st_size <= limit:
            return
        img = Image.open(png).convert("RGB").quantize(colours)
        img.save(png, optimize=True)


def take(out_dir: Path, data_dir: Path, lang: str, display: str, env: dict, stop, top_window,
         screens=SCREENS, settle: float = 5.0) -> list[Path]:
    """Called by screenshot.py with its Xvfb running and the demo set up in `data_dir`."""
    root = Path(__file__).resolve().parent.parent
    codes = all_codes(data_dir / "demo-codes.png")
    shots = []
    for screen in screens:
        if screen != "pin":
            subprocess.run([sys.executable, "-c", PREP, str(data_dir)], cwd=root, env=env,
                           check=True, timeout=120)
        basket = codes[:3] + ["PS1:not-a-real-code"] if screen == "basket" else []
        run_env = dict(env, SHOT_SCREEN=screen, SHOT_CODES=json.dumps(basket))
        app = subprocess.Popen([sys.executable, "-c", DRIVER, "--demo", "--data-dir",
                                str(data_dir), "--lang", lang], cwd=root, env=run_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 90
            while top_window(display) is None:
                if app.poll() is not None:
                    sys.stderr.write(app.stderr.read())
                    raise SystemExit(f"screenshot: the app exited early ({app.returncode})")
                if time.monotonic() > deadline:
                    raise SystemExit("screenshot: no window appeared within 90 s")
                time.sleep(0.3)
            time.sleep(settle)
            png = out_dir / f"leader-{screen.replace('_', '-')}.png"
            subprocess.run(["import", "-display", display, "-window", "root", str(png)],
                           check=True, env=env)
            shrink(png)
            shots.append(png)
            print(f"screenshot: wrote {png} ({png.stat().st_size // 1024} KB)")
        finally:
            stop(app)
    return shots
