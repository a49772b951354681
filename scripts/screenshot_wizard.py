#!/usr/bin/env python3
"""Screenshots of each step of the first-start wizard, from the real widgets on a real X
server: `scripts/screenshot_wizard.py OUT_DIR [--lang zh_CN|en] [--size 1366x768]`.

Starts Xvfb at the given screen size (unless told it runs inside it), a sync server over
loopback with one registered station, and the wizard over a fresh data folder; pairs by
feeding the server's own pairing QR (decoded by the station's decoder) as a scan, types a
PIN, scans a test code, and grabs each step (`wizard-<n>-<step>.png`), printing the wizard's
size against the screen's. Needs xvfb.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def settle(app, until=lambda: True, seconds: float = 8.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
        if until():
            for _ in range(15):
                app.processEvents()
                time.sleep(0.02)
            return


def pairing_text(server) -> str:
    import requests

    from tests.qr_images import decode_png, png_of

    answer = requests.post(f"{server.url}/api/v1/stations", timeout=10,
                           headers={"Authorization": f"Bearer {server.admin_token}"},
                           json={"station_id": "XFL-01", "name": "幸福里社区自提点"}).json()
    [text] = decode_png(png_of(answer["pairing"]["qr_png"]))
    return text


def shoot(out: Path, lang: str) -> None:
    from PySide6.QtWidgets import QApplication

    from pickup_station.app import build_services, load_translations
    from pickup_station.config import Paths, Settings
    from pickup_station.ui.wizard.first_start import FirstStartWizard
    from server_stub.runner import start_server_thread

    app = QApplication.instance() or QApplication([])
    data = Path(tempfile.mkdtemp(prefix="pickup-wizard-"))
    server = start_server_thread(data / "server")
    paths = Paths.resolve(str(data / "station"))
    settings = Settings(lang="zh_CN")
    app._translators = load_translations(app, "zh_CN")
    services = build_services(paths, settings, "zh_CN")
    wiz = FirstStartWizard(services, lambda new: load_translations(app, new))
    wiz.show()
    settle(app)
    if lang != "zh_CN":
        wiz.welcome.language.setCurrentIndex(wiz.welcome.language.findData(lang))
        settle(app, lambda: wiz.welcome.language.currentData() == lang)
    screen = wiz.screen().availableGeometry()
    out.mkdir(parents=True, exist_ok=True)

    def grab(n: int, name: str) -> None:
        settle(app)
        file = f"wizard-{n}-{name}.png"
        wiz.grab().save(str(out / file))
        print(f"{file}: wizard {wiz.width()}x{wiz.height()} on a "
              f"{screen.width()}x{screen.height()} screen")

    grab(1, "welcome")
    wiz.next()
    wiz.connect_page.on_scan(pairing_text(server))
    settle(app, lambda: services.settings.paired, 15)
    grab(2, "connect")
    wiz.next()
    wiz.pin.form.new_pin.setText("2580")
    wiz.pin.form.again.setText("2580")
    grab(3, "pin")
    wiz.next()
    settle(app, lambda: wiz.currentPage() is wiz.scanner)
    wiz.scanner.page.prefix.setText("]Q1")
    wiz.scanner.on_scan("]Q1458585")
    grab(4, "scanner")
    wiz.next()
    from tests.data.qr_video import write_one_code_video

    camera = wiz.camera.page
    camera.enabled.setChecked(True)
    camera.source.setText(write_one_code_video(data / "cam.avi", "K7Q2M4XW9RTY3HPLZ5BN6CDF8GJA2E4S",
                                               5, 200))
    camera.preview_button.click()
    settle(app, lambda: "✓" in wiz.camera.decoded.text(), 10)
    grab(5, "camera")
    wiz.next()
    printer = wiz.printer.page
    printer.kind.setCurrentIndex(printer.kind.findData("network"))
    printer.target.setText("192.168.1.50:9100")
    grab(6, "printer")
    wiz.next()
    settle(app, lambda: wiz.shelves.view.shelf_table.rowCount() > 0)
    grab(7, "shelves")
    wiz.close()
    services.tasks.shutdown(wait=True)
    server.stop()


if __name__ == "__main__":
    from scripts.xvfb_child import main

    sys.exit(main(__file__, shoot, ":93"))
