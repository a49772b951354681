"""The counter camera: capture and QR decoding on worker threads, no Qt.

`CameraWorker(source, ...)` reads from a device index ("0"), a device path ("/dev/video2"), a
video file or a stream URL (rtsp://, http://), through a capture made by its `opener`: anything
with `isOpened()`, `read() -> (ok, frame)`, `get(CAP_PROP_FPS)` and `release()`. The window
passes Qt Multimedia's (`pickup_station.ui.qt_capture`, what the bundle ships); the default,
`open_capture`, is OpenCV's VideoCapture where OpenCV is installed (development, diagnostics).
Two plain Python threads:

- the grabber opens the source, reads frames and hands them over (a live source keeps only the
  newest frame, so decoding never lags behind the camera; a file hands over every frame), and
  reconnects with truncated exponential backoff when the source is missing or goes away;
- the processor decodes frames (at most every `decode_interval_s`), reports each frame with the
  codes found for the preview (`on_frame`), fires `on_code(text)` once per code (not again while
  it stays in view and for `repeat_window_s` after) and notices a stalled stream.

Callbacks run on the worker threads; `pickup_station.ui.widgets.camera_panel` turns them into signals.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from pickup_station.hardware.decoders import Decoded, QrDecoder, make_decoder
from pickup_station.hardware.scanners import REPEAT_WINDOW_S, RepeatGuard
from pickup_station.messages import render

log = logging.getLogger(__name__)


class SourceKind(str, Enum):
    DEVICE = "device"
    FILE = "file"
    STREAM = "stream"


def source_kind(source: str) -> SourceKind:
    s = str(source).strip()
    if s.isdigit() or s.startswith("/dev/video"):
        return SourceKind.DEVICE
    if "://" in s:
        return SourceKind.STREAM
    return SourceKind.FILE


CAP_PROP_FPS = 5  # OpenCV's number for the frame rate; every capture answers get() with it


def open_capture(source: str, timeout_ms: int = 5000):
    """Open a cv2.VideoCapture the way each kind of source needs (may not be opened).
    OpenCV is optional (not in the bundle): without it this raises ImportError, which the
    worker reports as a camera not found."""
    import cv2

    s = str(source).strip()
    kind = source_kind(s)
    if kind is SourceKind.DEVICE:
        cap = cv2.VideoCapture(int(s) if s.isdigit() else s)
        if cap.isOpened():
            # USB cameras give 720p at 30 fps only as MJPG (raw YUYV is ~10 fps over USB 2)
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, 1280)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, 720)
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap
    if kind is SourceKind.STREAM:
        # bounded open and read, so a dead camera ends a read instead of hanging it
        return cv2.VideoCapture(s, cv2.CAP_FFMPEG, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms,
                                                    cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms])
    return cv2.VideoCapture(s)


class CameraState(str, Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NOT_FOUND = "not_found"  # never opened: no camera, wrong index, missing file, bad URL
    LOST = "lost"  # was working, then read failed: unplugged / stream dropped; reconnecting
    STALLED = "stalled"  # opened, but no frame for stall_timeout_s
    ENDED = "ended"  # a video file came to its end (loop=False)
    STOPPED = "stopped"


@dataclass(frozen=True)
class CameraStatus:
    """Where the camera stands, with the words for `cameraStatus`."""

    state: CameraState
    source: str
    detail: str = ""

    def message(self, lang: str = "zh_CN") -> str:
        return render(f"camera.state.{self.state.value}", lang)


@dataclass
class FrameResult:
    """One processed frame: the image, the codes to outline, and timing for diagnostics."""

    frame: np.ndarray  # BGR (OpenCV) or gray (Qt Multimedia), as captured
    index: int  # frame number since the source was (re)opened
    captured_at: float  # time.monotonic() when the grabber got it
    codes: list[Decoded] = field(default_factory=list)  # to outline (latest decode)
    decoded: bool = False  # True when a decode ran on this very frame
    decode_ms: float = 0.0


class CameraWorker:
    """Capture + decode on worker threads for one source; start()/stop() from any thread."""

    def __init__(self, source: str, decoder: QrDecoder | None = None, *,
                 on_frame: Callable[[FrameResult], None] | None = None,
                 on_code: Callable[[str, FrameResult], None] | None = None,
                 on_status: Callable[[CameraStatus], None] | None = None,
                 decode_interval_s: float = 0.0,
                 repeat_window_s: float = REPEAT_WINDOW_S,
                 realtime: bool = False, loop: bool = False,
                 stall_timeout_s: float = 3.0,
                 backoff_s: tuple[float, float] = (0.5, 10.0),
                 opener: Callable[[str], object] = open_capture):
        self.source = str(source)
        self.kind = source_kind(self.source)
        self.decoder = decoder or make_decoder("auto")
        self._on_frame = on_frame
        self._on_code = on_code
        self._on_status = on_status
        self.decode_interval_s = decode_interval_s
        self.repeats = RepeatGuard(repeat_window_s)
        self.realtime = realtime  # files: play at their own fps, like a camera would
        self.loop = loop  # files: start again at the end
        self.stall_timeout_s = stall_timeout_s
        self.backoff_s = backoff_s
        self._opener = opener
        self.status = CameraStatus(CameraState.STOPPED, self.source)
        self.stats = {"grabbed": 0, "processed": 0, "decoded": 0, "frames_with_code": 0,
                      "dropped": 0, "reconnects": 0}
        self._stop = threading.Event()
        self._cv = threading.Condition()
        self._slot: tuple[np.ndarray, int, float] | None = None
        self._grabber_done = False
        self._generation = 0
        self._ever_connected = False
        self._last_frame_at = 0.0
        self._status_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if any(t.is_alive() for t in self._threads):
            return
        self._stop.clear()
        self._grabber_done = False
        self._threads = []
        self._start_grabber()
        proc = threading.Thread(target=self._process_loop, name="camera-decode", daemon=True)
        self._threads.append(proc)
        proc.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop both threads and release the capture; returns when they are gone."""
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.05, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            log.warning("camera threads still finishing after stop: %s", alive)
        self._set_status(CameraState.STOPPED)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker to end by itself (a file with loop=False); True if it did."""
        proc = self._threads[-1] if self._threads else None
        if proc is not None:
            proc.join(timeout)
            return not proc.is_alive()
        return True

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    # -- status ---------------------------------------------------------------------------------
    def _set_status(self, state: CameraState, detail: str = "") -> None:
        with self._status_lock:
            if self.status.state == state:
                return
            self.status = CameraStatus(state, self.source, detail)
            status = self.status
        log.info("camera %s: %s %s", self.source, state.value, detail)
        if self._on_status:
            try:
                self._on_status(status)
            except Exception:
                log.exception("camera status callback failed")

    # -- grabber --------------------------------------------------------------------------------
    def _start_grabber(self) -> None:
        self._generation += 1
        t = threading.Thread(target=self._grab_loop, args=(self._generation,),
                             name=f"camera-grab-{self._generation}", daemon=True)
        self._threads.insert(0, t)
        t.start()

    def _current(self, gen: int) -> bool:
        return not self._stop.is_set() and gen == self._generation

    def _grab_loop(self, gen: int) -> None:
        delay = self.backoff_s[0]
        if not self._ever_connected:
            self._set_status(CameraState.CONNECTING)
        try:
            while self._current(gen):
                try:
                    cap = self._opener(self.source)
                    opened = bool(cap.isOpened())
                except Exception as exc:  # noqa: BLE001 - a driver error is a missing camera
                    log.info("opening %s failed: %s", self.source, exc)
                    cap, opened = None, False
                if not opened:
                    if cap is not None:
                        cap.release()
                    self._set_status(CameraState.LOST if self._ever_connected
                                     else CameraState.NOT_FOUND)
                    self._stop.wait(delay)
                    delay = min(delay * 2, self.backoff_s[1])
                    continue
                if self._ever_connected:
                    self.stats["reconnects"] += 1
                self._ever_connected = True
                delay = self.backoff_s[0]
                self._last_frame_at = time.monotonic()
                self._set_status(CameraState.CONNECTED)
                try:
                    ended = self._read_frames(cap, gen)
                finally:
                    cap.release()
                if not self._current(gen):
                    return
                if ended:
                    if self.loop:
                        continue
                    self._set_status(CameraState.ENDED)
                    return
                self._set_status(CameraState.LOST)
                self._stop.wait(delay)
        finally:
            if gen == self._generation:
                with self._cv:
                    self._grabber_done = True
                    self._cv.notify_all()

    def _read_frames(self, cap, gen: int) -> bool:
        """Read until the source fails; True when a video file came to its end."""
        fps = cap.get(CAP_PROP_FPS) or 30.0
        period = 1.0 / fps if self.realtime and self.kind is SourceKind.FILE and fps > 0 else 0
        live = self.kind is not SourceKind.FILE
        index = 0
        next_at = time.monotonic()
        while self._current(gen):
            ok, frame = cap.read()
            if not ok or frame is None:
                return self.kind is SourceKind.FILE and os.path.exists(self.source)
            now = time.monotonic()
            self._last_frame_at = now
            self.stats["grabbed"] += 1
            if self.status.state is CameraState.STALLED:
                self._set_status(CameraState.CONNECTED)
            with self._cv:
                if live:  # newest frame wins: never queue up latency
                    if self._slot is not None:
                        self.stats["dropped"] += 1
                else:  # a file: every frame is decoded
                    while self._slot is not None and self._current(gen):
                        self._cv.wait(0.1)
                self._slot = (frame, index, now)
                self._cv.notify_all()
            index += 1
            if period:
                next_at += period
                self._stop.wait(max(0.0, next_at - time.monotonic()))
        return False

    # -- processor ------------------------------------------------------------------------------
    def _next_frame(self) -> tuple[np.ndarray, int, float] | None:
        with self._cv:
            while self._slot is None:
                if self._stop.is_set() or self._grabber_done:
                    return None
                self._cv.wait(0.1)
                self._check_stall()
            item, self._slot = self._slot, None
            self._cv.notify_all()
            return item

    def _check_stall(self) -> None:
        if self.status.state is not CameraState.CONNECTED:
            if self.status.state is CameraState.STALLED and \
                    time.monotonic() - self._last_frame_at > 2 * self.stall_timeout_s:
                # the read has hung past any timeout: abandon that grabber, start a new one
                log.warning("camera %s: read hung, opening a new capture", self.source)
                self._last_frame_at = time.monotonic()
                self._start_grabber()
            return
        if time.monotonic() - self._last_frame_at > self.stall_timeout_s:
            self._set_status(CameraState.STALLED)

    def _process_loop(self) -> None:
        last_decode_at = -1e9
        last_codes: list[Decoded] = []
        last_codes_at = -1e9
        while True:
            item = self._next_frame()
            if item is None:
                return
            frame, index, captured_at = item
            result = FrameResult(frame, index, captured_at)
            now = time.monotonic()
            if now - last_decode_at >= self.decode_interval_s:
                last_decode_at = now
                t0 = time.perf_counter()
                try:
                    codes = self.decoder.decode(frame)
                except Exception:  # one bad frame must not end the camera
                    log.exception("decoder %s failed on a frame", self.decoder.name)
                    codes = []
                result.decode_ms = (time.perf_counter() - t0) * 1000
                result.decoded = True
                self.stats["decoded"] += 1
                if codes:
                    self.stats["frames_with_code"] += 1
                last_codes, last_codes_at = codes, now
                result.codes = codes
            elif now - last_codes_at < 0.5:
                result.codes = last_codes
            self.stats["processed"] += 1
            self._deliver(result)

    def _deliver(self, result: FrameResult) -> None:
        if result.decoded:
            for code in result.codes:
                if self.repeats.admit(code.text) and self._on_code:
                    try:
                        self._on_code(code.text, result)
                    except Exception:
                        log.exception("camera code callback failed")
        if self._on_frame:
            try:
                self._on_frame(result)
            except Exception:
                log.exception("camera frame callback failed")
