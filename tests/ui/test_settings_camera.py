"""Camera settings at work: the settings dialog previews the source typed in it (detected
codes outlined, decoder chosen there), and saving starts, restarts or stops the counter's
camera without a restart of the app."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPushButton

from pickup_station.ui.dialogs.settings_dialog import SettingsDialog
from tests.data.qr_video import write_one_code_video


def test_preview_in_settings_then_saved_camera_scans_at_the_counter(
        qtbot, make_window, station, tmp_path):
    window = make_window()
    window.sv.save_settings = lambda: None  # the settings file is not what is tested here
    order = station.lone_order()
    video = write_one_code_video(tmp_path / "cam.avi", order["pickup_token"], 5, 25)
    assert getattr(window, "camera_panel", None) is None

    dlg = SettingsDialog(window.sv, window)
    dlg.c_source.setText(video)
    decoder = dlg.findChild(QComboBox, "cameraDecoder")
    decoder.setCurrentIndex(decoder.findData("zxing"))
    button = dlg.findChild(QPushButton, "cameraPreviewButton")
    verdicts = []
    window.counter_view.verdictShown.connect(verdicts.append)
    button.click()
    preview = dlg.c_preview
    assert preview is not None and preview.objectName() == "cameraPreviewPanel"
    qtbot.waitUntil(lambda: preview.frames_shown > 3, timeout=10_000)
    qtbot.waitUntil(lambda: bool(preview.preview.outlines), timeout=10_000)  # code outlined
    assert verdicts == []  # a preview never looks anything up
    button.click()
    assert dlg.c_preview is None and not preview.running

    dlg.c_enabled.setChecked(True)
    dlg.save()
    cam = window.sv.settings.camera
    assert (cam.enabled, cam.source, cam.decoder) == (True, video, "zxing")
    window.apply_camera_settings()
    panel = window.camera_panel
    qtbot.waitUntil(lambda: len(verdicts) >= 1, timeout=10_000)
    assert verdicts[0].orders[0].order_id == order["order_id"]
    assert panel.decoder_name == "zxing" and panel.running

    cam.enabled = False
    window.apply_camera_settings()
    assert not panel.running and not panel.isVisible()


def test_closing_settings_stops_its_preview(qtbot, make_window, tmp_path):
    window = make_window()
    dlg = SettingsDialog(window.sv, window)
    dlg.c_source.setText(write_one_code_video(tmp_path / "c.avi", "X", 5, 25))
    dlg.c_preview_button.click()
    preview = dlg.c_preview
    qtbot.waitUntil(lambda: preview.frames_shown > 0, timeout=10_000)
    dlg.reject()
    assert not preview.running
    assert not dlg.c_preview_button.isChecked()
