"""`pickup-station` / `python -m pickup_station`: the counter app, and its self-test.

`--self-test` is answered here, at the entry point (a composition root like app.py: it opens a
store, Qt, the printers' encoders, the decoders, the camera's road (Qt Multimedia plays a short
QR video) and the window, and touches nothing of the station's own data): does this
installation (a bundle, or the venv) hold together?

One line per check on stdout — `ok store`, ... or `FAILED translations: <why>` — then
`self-test passed` (exit 0) or `self-test FAILED: <names>` (exit 1). Nothing of the station's
own data is touched: the store and the window's data live in a temporary folder, removed after.
With no display, Qt runs offscreen (`QT_QPA_PLATFORM=offscreen` is set for this process only).
`PICKUP_STATION_RESOURCES` points the checks at another resources folder (tests use a copy
without the .qm file to see the translation check fail).

On Windows the window program has no console: `pickup-station --self-test > self-test.txt`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

QR_FILE = ("selftest", "demo-pickup-qr.png")
QR_TEXT = ("selftest", "demo-pickup-qr.txt")
QR_VIDEO = ("selftest", "demo-pickup-qr.avi")  # 6 MJPG frames, the last 4 show the QR


class Check:
    def __init__(self, work: Path):
        self.work = work
        self.app = None

    def store(self) -> None:
        from pickup_station.demo import data as demo
        from pickup_station.store import backup
        from pickup_station.store.db import Store

        store = Store.in_dir(self.work / "store")
        try:
            demo.bulk_load(store, demo.generate(batches=1, orders_per_batch=5, seed=1))
            if store.integrity_check() != "ok":
                raise RuntimeError("integrity_check of a new store failed")
            store.set_meta("selftest", "1")
            if store.get_meta("selftest") != "1":
                raise RuntimeError("a written value did not read back")
            info = backup.make_backup(store.path, reason="manual")
            if not Path(info.path).is_file():
                raise RuntimeError("the backup file is missing")
        finally:
            store.close()

    def qt(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication([sys.argv[0], "--self-test"])

    def translations(self) -> None:
        from PySide6.QtCore import QCoreApplication

        from pickup_station.app import load_translations
        from pickup_station.messages import render
        from pickup_station.paths import resource

        qm = resource("i18n", "pickup_station_zh_CN.qm")
        if not qm.is_file():
            raise RuntimeError(f"{qm} is missing")
        translators = load_translations(self.app, "zh_CN")
        try:
            if not any(t.filePath().endswith("pickup_station_zh_CN.qm") for t in translators):
                raise RuntimeError(f"{qm} did not load")
            said = QCoreApplication.translate("MainWindow", "Counter")
            if said == "Counter":
                raise RuntimeError(f"{qm} loaded but translates nothing")
            if render("verdict.ready.title", "zh_CN") == render("verdict.ready.title", "en"):
                raise RuntimeError("the message catalogue has no Chinese")
        finally:
            load_translations(self.app, "en")

    def _receipt_lines(self):
        from datetime import datetime

        from pickup_station.core.papers.layout import layout
        from pickup_station.core.papers.model import PickupReceipt, ReceiptItem, StationInfo

        receipt = PickupReceipt(
            station=StationInfo("演示自提点", "ST001", "幸福路 1 号"),
            picked_at=datetime(2026, 12, 1, 9, 30).astimezone(), order_id="O-SELFTEST",
            batch_id="B-SELFTEST", customer_name="张*", phone="138****0000",
            receipt_no="R-0001", operator_name="团长",
            items_handed=[ReceiptItem("东北大米 5kg", 1), ReceiptItem("Eggs 30", 2)])
        return layout(receipt, 58)

    def receipt_text(self) -> None:
        from pickup_station.hardware import escpos_cache

        escpos_cache.prepare()  # before escpos is imported, as the app does
        from pickup_station.core.papers.layout import paper_size
        from pickup_station.hardware.escpos_cn import decode_text, encode

        data = encode(self._receipt_lines(), paper_size(58), mode="text")
        if "东北大米" not in decode_text(data):
            raise RuntimeError("the Chinese text did not survive ESC/POS encoding")

    def receipt_raster(self) -> None:
        from pickup_station.core.papers.layout import paper_size
        from pickup_station.hardware.escpos_cn import encode, parse_raster
        from pickup_station.ui.receipt_raster import render_lines, render_preview

        paper = paper_size(58)
        lines = self._receipt_lines()
        image = render_preview(lines, paper)
        if image.width != paper.dots or image.height < 200:
            raise RuntimeError(f"the receipt image is {image.width}x{image.height}")
        if image.convert("L").getextrema()[0] > 64:
            raise RuntimeError("the receipt image has no dark pixels (no font?)")
        images = parse_raster(encode(lines, paper, mode="raster", rasterize=render_lines))
        if not images:
            raise RuntimeError("raster mode gave no image")

    def qr(self) -> None:
        import numpy as np
        from PIL import Image

        from pickup_station.hardware.decoders import make_decoder
        from pickup_station.paths import resource

        path, expected = resource(*QR_FILE), resource(*QR_TEXT)
        if not path.is_file():
            raise RuntimeError(f"{path} is missing")
        frame = np.asarray(Image.open(path).convert("L"))
        found = [d.text for d in make_decoder("auto").decode(frame)]
        want = expected.read_text(encoding="ascii").strip()
        if found != [want]:
            raise RuntimeError(f"decoded {found!r}, expected the demo token")

    def camera(self) -> None:
        """The camera's road in this installation: Qt Multimedia's media plugin (and its FFmpeg)
        plays a short video into a video sink, the frames are decoded (no OpenCV needed)."""
        from pickup_station.hardware.decoders import make_decoder
        from pickup_station.paths import resource
        from pickup_station.ui.qt_capture import QtCapture

        path, expected = resource(*QR_VIDEO), resource(*QR_TEXT)
        if not path.is_file():
            raise RuntimeError(f"{path} is missing")
        cap = QtCapture(str(path), rate=4.0)
        frames, found = 0, set()
        try:
            if not cap.isOpened():
                raise RuntimeError("Qt Multimedia could not open the test video (media plugin?)")
            decoder = make_decoder("auto")
            while True:
                ok, frame = cap.read()
                if not ok:
                    break
                frames += 1
                found.update(d.text for d in decoder.decode(frame))
        finally:
            cap.release()
        want = expected.read_text(encoding="ascii").strip()
        if frames < 4 or found != {want}:
            raise RuntimeError(f"{frames} frames read, decoded {sorted(found)!r}")

    def window(self) -> None:
        from PySide6.QtWidgets import QApplication

        from pickup_station.app import build_services
        from pickup_station.config import Paths, Settings
        from pickup_station.ui.main_window import MainWindow

        data = self.work / "window"
        paths = Paths(data_dir=data, config_file=data / "config.json")
        services = build_services(paths, Settings(sounds=False), "zh_CN")
        window = MainWindow(services)
        try:
            window.show()
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline and not window.isVisible():
                QApplication.processEvents()
            QApplication.processEvents()
            if not window.isVisible() or window.scan_input is None:
                raise RuntimeError("the window did not show")
            if window.width() > 1366 or window.height() > 768 + 200:
                raise RuntimeError(f"the window is {window.width()}x{window.height()}")
        finally:
            window.close()
            QApplication.processEvents()
            services.store.close()


CHECKS: list[tuple[str, Callable[[Check], None]]] = [
    ("store", Check.store),
    ("qt", Check.qt),
    ("translations", Check.translations),
    ("receipt-text", Check.receipt_text),
    ("receipt-raster", Check.receipt_raster),
    ("qr", Check.qr),
    ("camera", Check.camera),
    ("window", Check.window),
]
NEEDS_QT = {"translations", "receipt-raster", "camera", "window"}


def run(out=None) -> int:
    out = out or sys.stdout
    if not os.environ.get("QT_QPA_PLATFORM") and not (
            sys.platform in ("win32", "darwin") or os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")  # its library probing
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pickup-selftest-") as tmp:
        check = Check(Path(tmp))
        for name, fn in CHECKS:
            if name in NEEDS_QT and "qt" in failed:
                failed.append(name)
                print(f"FAILED {name}: Qt did not start", file=out, flush=True)
                continue
            try:
                fn(check)
            except Exception as exc:  # noqa: BLE001 - every failure is a line of the report
                failed.append(name)
                why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                print(f"FAILED {name}: {why}", file=out, flush=True)
                if os.environ.get("PICKUP_SELFTEST_TRACE"):
                    traceback.print_exc()
                continue
            print(f"ok {name}", file=out, flush=True)
    if failed:
        print(f"self-test FAILED: {', '.join(failed)}", file=out, flush=True)
        return 1
    print("self-test passed", file=out, flush=True)
    return 0


def main() -> int:
    if "--self-test" in sys.argv[1:]:  # touches nothing of the station's own data
        return run()
    from pickup_station.app import main as _main

    return _main()


if __name__ == "__main__":
    sys.exit(main())
