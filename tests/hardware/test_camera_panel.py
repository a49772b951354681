"""CameraPanel: the Qt face of the camera worker (offscreen, real threads, generated video)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QLabel

from pickup_station.ui.widgets.camera_panel import CameraPanel, frame_to_qimage
from tests.data.qr_video import cached_video


@pytest.fixture(scope="session")
def counter_video(tmp_path_factory):
    return cached_video(tmp_path_factory.getbasetemp() / "qr_video", 320)


def camera_threads():
    return [t for t in threading.enumerate() if t.name.startswith("camera-")]


@pytest.fixture
def panel(qtbot):
    p = CameraPanel(lang="zh_CN", backoff_s=(0.05, 0.2))
    qtbot.addWidget(p)
    p.resize(640, 400)
    p.show()
    yield p
    p.stop()
    assert not camera_threads()


def test_panel_previews_outlines_and_emits_each_code_once(qtbot, panel, counter_video):
    path, truth = counter_video
    status = panel.findChild(QLabel, "cameraStatus")
    assert status is not None and status.text() == "摄像头：已关闭"
    scanned, threads = [], []

    def on_scan(text):
        scanned.append(text)
        threads.append(QThread.currentThread())

    panel.codeScanned.connect(on_scan)
    panel.worker_options.update(realtime=False, loop=False)  # as fast as it goes, once
    panel.start(str(path))
    qtbot.waitUntil(lambda: panel.state.value == "ended", timeout=30000)
    assert status.text() == "摄像头：视频已播放完"
    distinct = {t for t in truth if t}
    assert len(scanned) == len(set(scanned)), "a code was fired twice"
    assert set(scanned) <= distinct
    assert len(scanned) >= 0.8 * len(distinct)
    assert all(t is QThread.currentThread() for t in threads)
    assert panel.frames_shown > 0
    assert panel.last_scan_latency_ms >= 0


def test_preview_shows_the_outline_of_a_found_code(qtbot, panel, counter_video):
    path, _truth = counter_video
    panel.worker_options.update(realtime=True, loop=True)
    panel.start(str(path))
    qtbot.waitUntil(lambda: bool(panel.preview.outlines), timeout=10000)
    assert panel.preview.image.width() == 1280 and panel.preview.image.height() == 720
    assert len(panel.preview.outlines[0]) == 4
    assert panel.findChild(QLabel, "cameraStatus").text() == "摄像头：已连接"
    panel.preview.grab()  # paints with the outline without error


def test_no_camera_is_shown_and_retried(qtbot, panel):
    panel.start("7")  # no such device here
    label = panel.findChild(QLabel, "cameraStatus")
    qtbot.waitUntil(lambda: label.text() == "摄像头：未找到摄像头，正在重试…", timeout=5000)
    assert panel.running  # keeps trying in the background
    panel.stop()
    assert label.text() == "摄像头：已关闭"
    assert not panel.running


def test_english_status_through_tr(qtbot):
    p = CameraPanel(lang="en", backoff_s=(0.05, 0.2))
    qtbot.addWidget(p)
    try:
        p.start("7")
        label = p.findChild(QLabel, "cameraStatus")
        qtbot.waitUntil(lambda: "no camera found" in label.text(), timeout=5000)
    finally:
        p.stop()


def test_close_stops_the_threads(qtbot, counter_video):
    path, _ = counter_video
    p = CameraPanel(backoff_s=(0.05, 0.2))
    qtbot.addWidget(p)
    p.show()
    p.start(str(path))
    qtbot.waitUntil(lambda: p.frames_shown > 3, timeout=10000)
    p.close()
    assert not p.running
    assert not camera_threads()


def test_frame_to_qimage_is_a_deep_copy_with_bgr_order():
    frame = np.zeros((4, 6, 3), dtype=np.uint8)
    frame[..., 2] = 200  # red in BGR
    img = frame_to_qimage(frame)
    frame[:] = 0
    c = img.pixelColor(1, 1)
    assert (c.red(), c.green(), c.blue()) == (200, 0, 0)
