"""The camera through Qt Multimedia (what the bundle ships, no OpenCV): the generated counter
video played by QMediaPlayer into a QVideoSink, read by the real camera worker threads."""

from __future__ import annotations

import functools
import threading
import time

import numpy as np
import pytest
from PySide6.QtGui import QImage

from pickup_station.hardware.camera import CAP_PROP_FPS, CameraState, CameraWorker
from pickup_station.hardware.decoders import make_decoder
from pickup_station.ui.qt_capture import QtCapture, open_qt_capture, qimage_to_gray
from tests.data.qr_video import cached_video

DECODE_RATE_FLOOR = 0.85  # as for the OpenCV capture (tests/hardware/test_camera.py)


@pytest.fixture(scope="session")
def counter_video(tmp_path_factory):
    return cached_video(tmp_path_factory.getbasetemp() / "qr_video", 320)


def qt_media_threads_gone(capture: QtCapture) -> bool:
    return capture._thread is None


def test_every_frame_of_a_file_is_read_gray_and_decoded(qapp, counter_video):
    path, truth = counter_video
    with_code = [i for i, t in enumerate(truth) if t is not None]
    per_frame: dict[int, list[str]] = {}
    shapes = set()
    fired: list[str] = []

    def on_frame(result):
        shapes.add(result.frame.shape)
        per_frame[result.index] = [c.text for c in result.codes]

    worker = CameraWorker(str(path), make_decoder("auto"), on_frame=on_frame,
                          on_code=lambda text, r: fired.append(text),
                          opener=functools.partial(open_qt_capture, rate=8.0))
    worker.start()
    assert worker.wait(120), "the worker did not finish the file"
    worker.stop()
    assert shapes == {(720, 1280)}  # the luma plane: gray, full size
    assert len(per_frame) == len(truth)  # paused while the decoder is behind: no frame lost
    hits = sum(truth[i] in per_frame[i] for i in with_code)
    wrong = sum(any(t != truth[i] for t in per_frame[i]) for i in range(len(truth)))
    assert wrong == 0
    assert hits / len(with_code) >= DECODE_RATE_FLOOR
    shown = list(dict.fromkeys(truth[i] for i in with_code if truth[i] in per_frame[i]))
    assert fired == shown


def test_a_file_plays_at_its_own_rate_and_reports_it(qapp, counter_video):
    path, _ = counter_video
    cap = QtCapture(str(path))
    try:
        assert cap.isOpened()
        assert cap.get(CAP_PROP_FPS) == 30.0
        t0 = time.monotonic()
        for _ in range(30):
            ok, frame = cap.read()
            assert ok and frame.dtype == np.uint8 and frame.ndim == 2
        assert time.monotonic() - t0 >= 0.5  # ~1 s of footage at rate 1.0, not as fast as it goes
    finally:
        cap.release()
    assert qt_media_threads_gone(cap)


@pytest.mark.parametrize("content", [None, b"", b"not a video\n" * 100])
def test_missing_or_broken_file_does_not_open(qapp, tmp_path, content):
    f = tmp_path / "clip.avi"
    if content is not None:
        f.write_bytes(content)
    cap = QtCapture(str(f))
    try:
        assert not cap.isOpened()
        assert cap.read() == (False, None)
    finally:
        cap.release()


def test_no_such_camera_is_not_found_and_retried(qapp):
    states = []
    opened = []

    def opener(source):
        opened.append(source)
        return open_qt_capture(source)

    worker = CameraWorker("7", make_decoder("zxing"), on_status=lambda s: states.append(s.state),
                          opener=opener, backoff_s=(0.05, 0.1))
    worker.start()
    try:
        deadline = time.monotonic() + 15
        while len(opened) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert CameraState.NOT_FOUND in states and CameraState.CONNECTED not in states
    assert len(opened) >= 2
    assert not [t for t in threading.enumerate() if t.name.startswith("camera-")]


def test_release_while_playing_returns_promptly(qapp, counter_video):
    path, _ = counter_video
    cap = QtCapture(str(path), rate=1.0)
    assert cap.isOpened()
    assert cap.read()[0]
    t0 = time.monotonic()
    cap.release()
    assert time.monotonic() - t0 < 3.0
    assert cap.read() == (False, None)


def test_a_pause_that_comes_after_the_end_does_not_replay_the_file(qapp, tmp_path, monkeypatch):
    """Under load the decoder's "pause" can reach the player after the file has ended; Qt's
    pause() then seeks back to the first frame and play() replays the whole file (CI read 59
    frames of a 40-frame clip). Each frame is read once, whatever comes late."""
    from PySide6.QtCore import QMetaObject, Qt

    from tests.data.qr_video import write_qr_video

    path = tmp_path / "clip.avi"
    write_qr_video(path, n_frames=40, seed=5)
    monkeypatch.setattr("pickup_station.ui.qt_capture.FILE_QUEUE", 1000)  # never paused in time
    cap = QtCapture(str(path), rate=8.0)
    try:
        assert cap.isOpened()
        deadline = time.monotonic() + 30
        while cap._ended_at is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert cap._ended_at is not None and cap.frames_in == 40
        cap._invoke("pause_player")  # the late pause and resume, as the reader sends them
        cap._invoke("resume_player")
        player = cap._thread.player  # and straight to the player: a seek back is not a new frame
        QMetaObject.invokeMethod(player, "pause", Qt.ConnectionType.QueuedConnection)
        QMetaObject.invokeMethod(player, "play", Qt.ConnectionType.QueuedConnection)
        time.sleep(1.0)  # 40 frames at 8× play in 0.17 s
        frames = [frame for _, frame in iter(cap.read, (False, None))]  # to the end
    finally:
        cap.release()
    assert len(frames) == cap.frames_in == 40


def test_qimage_to_gray_keeps_size_and_luma():
    img = QImage(7, 3, QImage.Format.Format_RGB32)
    img.fill(0xFF808080)
    gray = qimage_to_gray(img)
    assert gray.shape == (3, 7) and int(gray[1, 1]) == 128


def test_a_stream_url_is_read_as_a_live_source(qapp, counter_video):
    """An IP camera's HTTP stream through QMediaPlayer: frames come, only the newest are kept."""
    import http.server
    import socketserver

    path, _ = counter_video
    data = path.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "video/x-msvideo")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cap = QtCapture(f"http://127.0.0.1:{server.server_address[1]}/cam.avi", open_timeout_s=10)
    try:
        assert cap.live
        assert cap.isOpened()
        frames = []
        for _ in range(10):
            ok, frame = cap.read()
            assert ok
            frames.append(frame)
        assert all(f.shape == (720, 1280) for f in frames)
        with cap._cv:
            assert len(cap._frames) <= 2  # a live source never queues up latency
    finally:
        cap.release()
        server.shutdown()
        server.server_close()
