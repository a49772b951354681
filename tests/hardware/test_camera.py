"""The camera worker on a generated 720p counter video, through the real capture threads.

The video (320 frames: codes at many sizes, angles, blur and noise, plus empty frames) is made
once per session. Fakes only at the device edge: a camera that can be unplugged wraps a real
cv2.VideoCapture of the file; a stalling stream is a real HTTP server that stops sending.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
import time

import cv2
import pytest

from pickup_station.hardware.camera import CameraState, CameraWorker, open_capture
from pickup_station.hardware.decoders import make_decoder
from tests.data.qr_video import cached_video

DECODE_RATE_FLOOR = 0.85  # measured ~0.97-0.99 with the auto decoder
FPS_FLOOR = 25.0  # the pipeline must keep up with a 30 fps camera; measured ~150-250 here


@pytest.fixture(scope="session")
def counter_video(tmp_path_factory):
    return cached_video(tmp_path_factory.getbasetemp() / "qr_video", 320)


class Events:
    def __init__(self):
        self.states: list[CameraState] = []
        self.codes: list[str] = []
        self.frames = 0
        self.cond = threading.Condition()

    def on_status(self, status):
        with self.cond:
            self.states.append(status.state)
            self.cond.notify_all()

    def on_code(self, text, result):
        with self.cond:
            self.codes.append(text)
            self.cond.notify_all()

    def on_frame(self, result):
        with self.cond:
            self.frames += 1
            self.cond.notify_all()

    def wait_for(self, pred, timeout=8.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                assert left > 0, (self.states, self.codes, self.frames)
                self.cond.wait(min(left, 0.05))

    def worker(self, source, **kw) -> CameraWorker:
        kw.setdefault("decoder", make_decoder("auto"))
        return CameraWorker(str(source), on_status=self.on_status, on_code=self.on_code,
                            on_frame=self.on_frame, **kw)


def camera_threads():
    return [t for t in threading.enumerate() if t.name.startswith("camera-")]


def test_decode_rate_and_fps_through_the_capture_thread(counter_video):
    path, truth = counter_video
    assert len(truth) >= 300
    with_code = [i for i, t in enumerate(truth) if t is not None]
    assert 0 < len(with_code) < len(truth)  # codes and empty frames
    per_frame: dict[int, list[str]] = {}
    fired: list[str] = []

    def on_frame(result):
        assert result.decoded  # a file: every frame is decoded
        per_frame[result.index] = [c.text for c in result.codes]
        for c in result.codes:
            assert len(c.points) == 4

    worker = CameraWorker(str(path), make_decoder("auto"), on_frame=on_frame,
                          on_code=lambda text, r: fired.append(text))
    t0 = time.perf_counter()
    worker.start()
    assert worker.wait(60), "the worker did not finish the file"
    elapsed = time.perf_counter() - t0
    worker.stop()
    assert worker.status.state is CameraState.STOPPED
    assert not camera_threads()

    assert len(per_frame) == len(truth)
    hits = sum(truth[i] in per_frame[i] for i in with_code)
    wrong = sum(any(t != truth[i] for t in per_frame[i]) for i in range(len(truth)))
    rate = hits / len(with_code)
    fps = len(truth) / elapsed
    print(f"\ncamera pipeline: {worker.decoder.name}: decoded {hits}/{len(with_code)} frames with "
          f"a code ({rate:.1%}), {wrong} wrong, {fps:.0f} frames/s at 1280x720")
    assert wrong == 0
    assert rate >= DECODE_RATE_FLOOR
    assert fps >= FPS_FLOOR
    # each customer's code fired once, in order of appearance, none invented
    shown = list(dict.fromkeys(truth[i] for i in with_code if truth[i] in per_frame[i]))
    assert fired == shown


def test_no_camera_at_that_index_says_so_and_keeps_trying():
    ev = Events()
    worker = ev.worker("7", backoff_s=(0.05, 0.1))  # no /dev/video7 on this machine
    opens = []
    real = open_capture

    def counting_open(source):
        opens.append(time.monotonic())
        return real(source)

    worker._opener = counting_open
    worker.start()
    try:
        ev.wait_for(lambda: CameraState.NOT_FOUND in ev.states)
        ev.wait_for(lambda: len(opens) >= 3)  # retrying with backoff
        assert CameraState.CONNECTED not in ev.states
    finally:
        worker.stop()
    assert not camera_threads()
    assert ev.states[0] is CameraState.CONNECTING and ev.states[-1] is CameraState.STOPPED


def test_missing_file_is_found_once_it_appears(counter_video, tmp_path):
    path, truth = counter_video
    late = tmp_path / "late.avi"
    ev = Events()
    worker = ev.worker(late, backoff_s=(0.05, 0.2))
    worker.start()
    try:
        ev.wait_for(lambda: CameraState.NOT_FOUND in ev.states)
        shutil.copy(path, late)
        ev.wait_for(lambda: CameraState.CONNECTED in ev.states)
        ev.wait_for(lambda: len(ev.codes) >= 2)
        assert set(ev.codes) <= set(truth)
    finally:
        worker.stop()
    assert not camera_threads()


class UnpluggableCamera:
    """The device edge: a USB camera that can be pulled out (reads from the real video)."""

    def __init__(self, path):
        self.path = str(path)
        self.plugged = threading.Event()
        self.plugged.set()
        self.opened = 0

    def open(self, source):
        if not self.plugged.is_set():
            return _Closed()
        self.opened += 1
        return _Reader(cv2.VideoCapture(self.path), self.plugged)


class _Closed:
    def isOpened(self):
        return False

    def release(self):
        pass


class _Reader:
    def __init__(self, cap, plugged):
        self.cap, self.plugged = cap, plugged

    def isOpened(self):
        return self.cap.isOpened()

    def get(self, prop):
        return self.cap.get(prop)

    def read(self):
        if not self.plugged.is_set():
            return False, None
        time.sleep(0.01)  # ~camera pace, so the test sees it mid-shift
        ok, frame = self.cap.read()
        if not ok:  # a camera never ends: start the footage again
            self.cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self.cap.read()
        return ok, frame

    def release(self):
        self.cap.release()


def test_camera_unplugged_mid_shift_reconnects_by_itself(counter_video):
    path, _truth = counter_video
    cam = UnpluggableCamera(path)
    ev = Events()
    worker = ev.worker("0", opener=cam.open, backoff_s=(0.05, 0.2))  # "device 0"
    worker.start()
    try:
        ev.wait_for(lambda: len(ev.codes) >= 1)
        cam.plugged.clear()
        ev.wait_for(lambda: CameraState.LOST in ev.states)
        time.sleep(0.3)
        assert worker.running  # still trying, nothing crashed
        frames_while_out = ev.frames
        time.sleep(0.2)
        assert ev.frames == frames_while_out
        cam.plugged.set()
        ev.wait_for(lambda: ev.states.count(CameraState.CONNECTED) >= 2)
        ev.wait_for(lambda: ev.frames > frames_while_out + 10)
        assert worker.stats["reconnects"] >= 1
        assert cam.opened >= 2
    finally:
        worker.stop()
    assert not camera_threads()


def test_http_stream_that_stalls_is_reported_and_reconnected(counter_video):
    path, truth = counter_video
    data = path.read_bytes()
    stall_first = threading.Event()
    stall_first.set()
    release = threading.Event()
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "video/x-msvideo")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                cut = len(data) // 4
                self.wfile.write(data[:cut])
                self.wfile.flush()
                if stall_first.is_set():  # the camera's stream freezes: no more bytes
                    stall_first.clear()
                    release.wait(10)
                    return
                self.wfile.write(data[cut:])
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/cam.avi"
    ev = Events()
    worker = ev.worker(url, opener=functools.partial(open_capture, timeout_ms=1500),
                       stall_timeout_s=0.5, backoff_s=(0.05, 0.2), loop=False)
    worker.start()
    try:
        ev.wait_for(lambda: CameraState.STALLED in ev.states)
        ev.wait_for(lambda: ev.states.count(CameraState.CONNECTED) >= 2, timeout=10)
        assert len(requests) >= 2  # it opened the stream again by itself
        ev.wait_for(lambda: len(ev.codes) >= 5, timeout=10)
        assert set(ev.codes) <= set(truth)
    finally:
        release.set()
        worker.stop()
        server.shutdown()
        server.server_close()
    assert not camera_threads()


class _HangingCapture:
    """A driver whose read never returns until released (no timeout in the backend)."""

    def __init__(self, gate):
        self.gate = gate

    def isOpened(self):
        return True

    def get(self, prop):
        return 30.0

    def read(self):
        self.gate.wait(5)
        return False, None

    def release(self):
        pass


def test_hung_read_is_abandoned_for_a_new_capture(counter_video):
    path, _ = counter_video
    gate = threading.Event()
    opened = []

    def opener(source):
        opened.append(source)
        if len(opened) == 1:
            return _HangingCapture(gate)
        return cv2.VideoCapture(str(path))

    ev = Events()
    worker = ev.worker("rtsp://camera.local/stream", opener=opener, stall_timeout_s=0.2)
    worker.start()
    try:
        ev.wait_for(lambda: CameraState.STALLED in ev.states)
        ev.wait_for(lambda: len(opened) >= 2 and ev.frames > 5)
        assert ev.states.count(CameraState.CONNECTED) >= 2
    finally:
        gate.set()
        worker.stop()
    assert not camera_threads()


def test_factories_build_from_settings(counter_video):
    from pickup_station.config import CameraSettings, ScannerSettings
    from pickup_station.hardware import make_camera_worker, make_serial_scanner

    path, _ = counter_video
    w = make_camera_worker(CameraSettings(enabled=True, source=str(path), decoder="no-such"))
    assert w.realtime and w.loop  # a file plays like a camera
    assert w.decoder.name == "zxing-sharpen"  # unknown name: the best available
    w = make_camera_worker(CameraSettings(source="rtsp://10.0.0.5/live", decoder="zxing"))
    assert not w.loop and w.decoder.name == "zxing"
    assert make_serial_scanner(ScannerSettings(serial_port="")) is None
    sc = make_serial_scanner(ScannerSettings(serial_port="/dev/ttyUSB9", serial_baudrate=115200,
                                             prefix="#"))
    assert (sc.port, sc.baudrate, sc.prefix) == ("/dev/ttyUSB9", 115200, "#")
    assert not sc.running
