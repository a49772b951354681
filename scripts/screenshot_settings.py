#!/usr/bin/env python3
"""Screenshots of each page of the settings dialog, from the real window on a real X server:
`scripts/screenshot_settings.py OUT_DIR [--lang zh_CN|en] [--size 1366x768]`.

Starts Xvfb at the given screen size (unless DISPLAY is already set), builds the station window
over a fresh data folder with demo data, opens Settings and grabs the dialog on each tab
(`settings-<n>-<tab>.png`), printing the dialog's size against the screen's. Needs xvfb.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def shoot(out: Path, lang: str) -> None:
    from PySide6.QtWidgets import QApplication

    from pickup_station.app import build_services, load_translations
    from pickup_station.config import Paths, Settings
    from pickup_station.demo import data as demo
    from pickup_station.store.db import Store
    from pickup_station.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    data = Path(tempfile.mkdtemp(prefix="pickup-settings-"))
    store = Store.in_dir(data)
    demo.bulk_load(store, demo.generate(batches=2, orders_per_batch=30, seed=5))
    store.close()
    paths = Paths.resolve(str(data))
    settings = Settings(lang=lang)
    settings.printer.kind = "network"
    settings.printer.target = "192.168.1.50:9100"
    app._translators = load_translations(app, lang)
    services = build_services(paths, settings, lang)
    window = MainWindow(services)
    window.show()
    dlg = window.settings_dialog()
    dlg.show()
    screen = dlg.screen().availableGeometry()
    out.mkdir(parents=True, exist_ok=True)
    for i in range(dlg.pages.count()):
        dlg.pages.setCurrentIndex(i)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.02)
        name = f"settings-{i + 1}.png"
        dlg.grab().save(str(out / name))
        print(f"{name}: tab '{dlg.pages.tabText(i)}', dialog {dlg.width()}x{dlg.height()} "
              f"on a {screen.width()}x{screen.height()} screen")
    dlg.close()
    window.close()


if __name__ == "__main__":
    from scripts.xvfb_child import main

    sys.exit(main(__file__, shoot, ":97"))
