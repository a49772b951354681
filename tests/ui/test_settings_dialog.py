"""The settings dialog on a counter's screen: it fits 1366×768 and 1920×1080 at 150 %, speaks
in human labels, shows only the fields that apply, and saving applies without a restart."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox

from pickup_station.config import Settings, load_settings
from pickup_station.hardware import usb_printers
from pickup_station.hardware.usb_printers import UsbPrinterInfo

ROOT = Path(__file__).resolve().parents[2]
TASKBAR = 40  # what a Windows or Linux taskbar takes off a screen's height

# Opens the dialog on a screen of the given size (the offscreen platform's screen config) and
# reports, for every page, the dialog's frame and whether the page fits without scrolling.
CHILD = r"""
import json, sys, tempfile
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from pickup_station.app import load_translations
load_translations(app, sys.argv[1])
from pickup_station.config import Paths, Settings
from pickup_station.core.counter import Counter
from pickup_station.store.db import Store
from pickup_station.ui.services import Services
from pickup_station.ui.sounds import Sounds
from pickup_station.ui.tasks import Tasks
from pickup_station.ui.dialogs.settings_dialog import SettingsDialog
d = tempfile.mkdtemp()
st = Settings(lang=sys.argv[1])
st.printer.kind, st.printer.usb_vendor, st.printer.usb_product = "usb", 0x0416, 0x5011
store = Store.in_dir(d)
sv = Services(store=store, settings=st, paths=Paths.resolve(d), counter=Counter(store),
              tasks=Tasks(), sounds=Sounds(False), lang=sys.argv[1])
dlg = SettingsDialog(sv)
from pickup_station.ui.views.shelves_view import ShelvesView
dlg.add_page(ShelvesView(sv), "Shelves")  # as the window adds it
dlg.printer.usb_advanced.setChecked(True)  # the tallest printer page
dlg.camera.source.setText(sys.argv[2])
dlg.show()
out = {"screen": list(dlg.screen().availableGeometry().getRect()), "pages": []}
def measure(name):
    app.processEvents()
    scroll = dlg.pages.currentWidget()
    fr = dlg.frameGeometry()
    out["pages"].append({"page": name, "frame": [fr.width(), fr.height()],
                         "hint": [dlg.sizeHint().width(), dlg.sizeHint().height()],
                         "needs": scroll.widget().sizeHint().height(),
                         "room": scroll.viewport().height()})
for i in range(dlg.pages.count()):
    dlg.pages.setCurrentIndex(i)
    measure(dlg.pages.tabText(i))
dlg.pages.setCurrentIndex(1)
dlg.c_preview_button.click()
measure("camera with preview")
dlg.stop_preview()
sv.tasks.shutdown()
print("RESULT " + json.dumps(out, ensure_ascii=False))
"""


def _open_on_screen(tmp_path, width, height, scale, lang, video) -> dict:
    cfg = tmp_path / f"screen-{width}x{height}.json"
    cfg.write_text(json.dumps({"screens": [{"name": "counter", "x": 0, "y": 0, "width": width,
                                            "height": height, "logicalDpi": 96,
                                            "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={cfg}",
           "QT_SCALE_FACTOR": str(scale)}
    out = subprocess.run([sys.executable, "-c", CHILD, lang, video], check=False, cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, out.stderr[-3000:]
    return json.loads(line[-1][len("RESULT "):])


@pytest.mark.parametrize(("width", "height", "scale"), [(1366, 768, 1), (1920, 1080, 1.5)])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_page_fits_a_counter_screen(tmp_path, width, height, scale, lang):
    from tests.data.qr_video import write_one_code_video

    video = write_one_code_video(tmp_path / "cam.avi", "X", 5, 25)
    result = _open_on_screen(tmp_path, width, height, scale, lang, video)
    _, _, w, h = result["screen"]
    assert (w, h) == (round(width / scale), round(height / scale))  # logical pixels
    assert len(result["pages"]) == 7  # six tabs, and the camera's with its preview
    for page in result["pages"]:
        fw, fh = page["frame"]
        assert fw <= w and fh <= h - TASKBAR, page  # Save and Cancel stay on the screen
        assert page["hint"][1] <= h - TASKBAR, page
        assert page["needs"] <= page["room"], page  # and no page has to scroll


@pytest.fixture
def dialog(qtbot, make_window):
    def make(settings: Settings | None = None, **services):
        window = make_window(settings, **services)
        dlg = window.settings_dialog()
        qtbot.addWidget(dlg)
        return window, dlg
    return make


def _items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_printer_fields_follow_the_kind(dialog):
    _, dlg = dialog()
    page = dlg.printer
    rows = {"target": page.target_row, "usb_advanced": page.usb_advanced, "ids": page.ids_row,
            "baud": page.baud, "paper": page.paper, "test": page.test}
    expected = {
        "none": set(),
        "usb": {"usb_advanced", "paper", "test"},
        "network": {"target", "paper", "test"},
        "serial": {"target", "baud", "paper", "test"},
        "file": {"target", "paper", "test"},
        "cups": {"target", "paper", "test"},
        "win32": {"target", "paper", "test"},
    }
    for kind, shown in expected.items():
        page.kind.setCurrentIndex(page.kind.findData(kind))
        assert {name for name, w in rows.items() if page.visible_row(w)} == shown, kind
    page.kind.setCurrentIndex(page.kind.findData("network"))
    assert page.form.labelForField(page.target_row).text() == "Address"
    page.kind.setCurrentIndex(page.kind.findData("serial"))
    assert page.form.labelForField(page.target_row).text() == "Serial port"
    page.kind.setCurrentIndex(page.kind.findData("usb"))
    page.usb_advanced.setChecked(True)
    assert page.visible_row(page.ids_row)
    # the scanner's baud rate only with a serial port; the camera file only for a file
    assert not dlg.scanner.visible_row(dlg.scanner.baud)
    dlg.scanner.port.setText("/dev/ttyACM0")
    assert dlg.scanner.visible_row(dlg.scanner.baud)
    assert not dlg.camera.visible_row(dlg.camera.source_row)
    dlg.camera.device.setCurrentIndex(dlg.camera.device.findData("file"))
    assert dlg.camera.visible_row(dlg.camera.source_row)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_choice_has_a_human_label(dialog, ui_language, lang):
    ui_language(lang)
    _, dlg = dialog(Settings(lang=lang), lang=lang)
    kinds = _items(dlg.printer.kind)
    raw = re.compile(r"^(none|file|usb|network|serial|cups|win32|auto|text|raster|mixed|"
                     r"zxing-sharpen|opencv-aruco|pyzbar|58|80|0)$")
    for combo in (dlg.printer.kind, dlg.printer.paper, dlg.printer.mode, dlg.camera.decoder,
                  dlg.camera.device):
        assert not [t for t in _items(combo) if raw.match(t)], _items(combo)
    if lang == "zh_CN":
        assert kinds == ["无打印机", "USB 打印机", "网络打印机", "串口打印机", "Windows 打印机",
                         "CUPS 打印机", "保存到文件（测试）"]
        assert _items(dlg.camera.device)[0].startswith("第 1 个摄像头")
        assert [dlg.pages.tabText(i) for i in range(dlg.pages.count())] == [
            "扫码枪", "摄像头", "打印机", "同步", "界面和语言", "货架"]
    else:
        assert kinds[0] == "No printer" and "Save to a file (test)" in kinds
        assert _items(dlg.camera.device)[0].startswith("Camera 1")
        assert dlg.pages.tabText(4) == "Display && language"  # shown as "Display & language"
    assert _items(dlg.camera.decoder)[0] in ("Automatic (best available)", "自动（选最好用的）")
    assert not dlg.printer.visible_row(dlg.printer.ids_row)  # no hex ids on first sight


def test_connected_usb_printers_are_listed_by_name(dialog, qtbot, monkeypatch):
    found = [UsbPrinterInfo(0x0416, 0x5011, "Winbond POS58"), UsbPrinterInfo(0x28E9, 0x0289)]
    monkeypatch.setattr(usb_printers, "find_usb_printers", lambda: list(found))
    settings = Settings()
    settings.printer.kind = "usb"
    window, dlg = dialog(settings)
    listing = dlg.printer.usb_list
    qtbot.waitUntil(lambda: listing.count() == 2, timeout=5000)
    assert _items(listing) == ["Winbond POS58 (0416:5011)", "USB printer (28e9:0289)"]
    assert dlg.printer.visible_row(listing) and not dlg.printer.visible_row(dlg.printer.ids_row)
    listing.setCurrentIndex(1)
    dlg.save()
    p = window.sv.settings.printer
    assert (p.kind, p.usb_vendor, p.usb_product) == ("usb", 0x28E9, 0x0289)


def test_without_libusb_the_ids_are_typed_behind_the_advanced_toggle(dialog, qtbot, monkeypatch):
    def unavailable():
        raise usb_printers.UsbListUnavailable("no libusb backend")

    monkeypatch.setattr(usb_printers, "find_usb_printers", unavailable)
    settings = Settings()
    settings.printer.kind = "usb"
    window, dlg = dialog(settings)
    page = dlg.printer
    qtbot.waitUntil(lambda: bool(page.usb_note.text()), timeout=5000)
    assert "libusb" in page.usb_note.text() and not page.visible_row(page.usb_list)
    assert not page.visible_row(page.ids_row)
    page.usb_advanced.setChecked(True)
    page.vendor.setText("0416")
    page.product.setText("5011")
    dlg.save()
    assert (window.sv.settings.printer.usb_vendor, window.sv.settings.printer.usb_product) == (
        0x0416, 0x5011)


def test_saving_applies_at_once_and_only_the_language_waits(dialog, tmp_path, data_dir):
    settings = Settings()
    window, dlg = dialog(settings, lang="zh_CN")
    assert not dlg.display.visible_row(dlg.display.restart_note)
    assert window.printer_status.text() != ""
    dlg.scanner.prefix.setText("]Q1")
    dlg.display.sounds.setChecked(False)
    dlg.sync.interval.setValue(120)
    dlg.scanner.gap.setValue(60)
    dlg.display.headline.setValue(56)
    dlg.display.uncollected.setValue(5)
    dlg.printer.kind.setCurrentIndex(dlg.printer.kind.findData("file"))
    out = tmp_path / "paper.bin"
    dlg.printer.target.setText(str(out))
    dlg.display.lang.setCurrentIndex(dlg.display.lang.findData("en"))
    assert dlg.display.visible_row(dlg.display.restart_note)  # the one restart
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    saved = load_settings(window.sv.paths.config_file)
    assert (saved.scanner.prefix, saved.sounds, saved.sync_interval_s, saved.printer.kind,
            saved.printer.target, saved.lang) == ("]Q1", False, 120, "file", str(out), "en")
    assert window.wedge.prefix == "]Q1"  # the running scanner strips it now
    assert (saved.scanner.max_key_interval_ms, saved.verdict_font_px,
            saved.uncollected_after_days) == (60, 56, 5)
    assert (window.wedge.max_key_interval_ms, window.wedge.hold_ms) == (60, 180)
    assert window.counter_view.panel.headline_px == 56  # the next verdict is drawn so
    assert window.sv.sounds.enabled is False
    assert window.sv.lang == "zh_CN"  # the window keeps its language until the restart


def test_a_serial_scanner_starts_and_stops_from_the_settings(dialog):
    window, dlg = dialog()
    assert getattr(window, "serial_scanner", None) is None
    dlg.scanner.port.setText("/dev/does-not-exist-ttyACM9")
    dlg.save()
    first = window.serial_scanner
    assert first is not None and first.settings.serial_port == "/dev/does-not-exist-ttyACM9"
    again = window.settings_dialog()
    again.scanner.port.setText("")
    again.save()
    assert window.serial_scanner is None and not first.running


@pytest.mark.parametrize(("lang", "words"), [("zh_CN", "没有声音设备：提示音已关闭"),
                                              ("en", "No audio device: sounds are off")])
def test_no_audio_device_is_said_once_in_the_status_bar(qtbot, make_window, monkeypatch, lang,
                                                        words):
    from PySide6.QtMultimedia import QMediaDevices

    from pickup_station.ui.sounds import Sounds

    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(list))
    sounds = Sounds(enabled=True)
    assert sounds.available is False and not sounds._effects
    window = make_window(lang=lang, sounds=sounds)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == words, timeout=3000)
    sounds.play("ok")  # nothing to play, nothing raised
    assert sounds.played == ["ok"]
