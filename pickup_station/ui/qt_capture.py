"""Camera frames through Qt Multimedia: the capture the counter's camera worker reads.

`open_qt_capture(source)` gives an object shaped like the capture
`pickup_station.hardware.camera.CameraWorker` reads (`isOpened()`, `read() -> (ok, frame)`,
`get(CAP_PROP_FPS)`, `release()`), so the worker's threads, reconnects and stall checks stay as
they are and the bundle needs no OpenCV:

- a device index ("0") or path ("/dev/video2"): `QCamera` (720p, MJPG when the camera offers it)
  in a `QMediaCaptureSession`;
- a video file or a stream URL (rtsp://, http://): `QMediaPlayer`.

Either one renders into a `QVideoSink`; each `QVideoFrame` becomes a gray numpy frame (its
luma plane, copied: ~1 ms at 720p, where `toImage()`'s RGB conversion costs ~20 ms) on the
capture's own thread and waits in a short queue for `read()`. The decoder reads gray; the
preview at the counter is gray too (enough to aim a phone at the camera). A live source keeps only the newest frames (the worker wants
no latency); a file is paused while its queue is full, so every frame is read. The Qt objects
live on a `QThread` of their own with its event loop, started by `isOpened()` from the worker's
grabber thread: the UI thread never waits on the camera.
"""

from __future__ import annotations

import collections
import logging
import os
import sys
import threading
import time

import numpy as np
from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QUrl, Slot
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

from pickup_station.hardware.camera import CAP_PROP_FPS, SourceKind, source_kind

log = logging.getLogger(__name__)

FILE_QUEUE = 16  # frames a file may run ahead of the decoder before it is paused
LIVE_QUEUE = 2  # a camera or stream: the newest frames only
END_GRACE_S = 0.15  # after the end of a file, how long read() still waits for a late frame
_LINGERING: set = set()  # media threads that outlived release(), kept until they end


_FFMPEG_QUIET = False


def quiet_ffmpeg() -> None:
    """FFmpeg (inside Qt's media plugin) prints to stderr by itself (every MJPG frame:
    "deprecated pixel format used"; probing hardware decoders that are not there); Qt reports
    what matters through its own signals and log, so FFmpeg keeps only fatal errors. Best
    effort, once Qt's plugin has loaded the library (found by its name)."""
    global _FFMPEG_QUIET
    if _FFMPEG_QUIET:
        return
    names = (["avutil-59.dll", "avutil-60.dll"] if sys.platform == "win32" else
             ["libavutil.59.dylib", "libavutil.60.dylib"] if sys.platform == "darwin" else
             ["libavutil.so.59", "libavutil.so.60"])
    import ctypes

    for name in names:
        try:
            ctypes.CDLL(name).av_log_set_level(8)  # AV_LOG_FATAL
            _FFMPEG_QUIET = True
            return
        except (OSError, AttributeError):
            continue


class _FrameReceiver(QObject):
    """Lives on the capture's thread: takes each frame the sink shows, as a queued call."""

    def __init__(self, capture: QtCapture):
        super().__init__()
        self.capture = capture
        self.player = None  # a file's QMediaPlayer, once opened (on this same thread)

    @Slot(QVideoFrame)
    def take(self, frame) -> None:
        self.capture._frame_arrived(frame)

    @Slot()
    def pause_player(self) -> None:
        """Pause a file that is still playing. Qt's pause() after the end of the file seeks
        back to its first frame, and the next play() would replay the whole file."""
        player = self.player
        if player is not None and player.playbackState() == player.PlaybackState.PlayingState \
                and player.mediaStatus() != player.MediaStatus.EndOfMedia:
            player.pause()

    @Slot()
    def resume_player(self) -> None:
        player = self.player
        if player is not None and player.playbackState() == player.PlaybackState.PausedState:
            player.play()


class _MediaThread(QThread):
    """Owns the QCamera or QMediaPlayer and runs their event loop until release()."""

    def __init__(self, capture: QtCapture):
        super().__init__()
        self.capture = capture
        self.player = None
        self.receiver: _FrameReceiver | None = None

    def run(self) -> None:
        from PySide6.QtMultimedia import QVideoSink

        cap = self.capture
        sink = QVideoSink()
        # queued to this thread's loop: the back-end's render thread never runs Python, so it
        # never waits for the GIL (player.stop() waits for that thread, holding the GIL)
        receiver = self.receiver = _FrameReceiver(cap)
        sink.videoFrameChanged.connect(receiver.take, Qt.ConnectionType.QueuedConnection)
        try:
            keep = self._open_camera(sink) if cap.kind is SourceKind.DEVICE else \
                self._open_player(sink)
        except Exception as exc:  # noqa: BLE001 - a back-end error is a source that won't open
            log.info("opening %s through Qt Multimedia failed: %s", cap.source, exc)
            keep = None
        if keep is None:
            cap._opened(False)
            return
        self.exec()  # until release() calls quit() (which may come first: exec() returns then)
        for obj in keep:  # stopped on their own thread, before the thread ends
            stop = getattr(obj, "stop", None)
            if stop:
                stop()
        sink.videoFrameChanged.disconnect()

    def _open_player(self, sink):
        from PySide6.QtMultimedia import QMediaPlayer

        cap = self.capture
        player = QMediaPlayer()
        quiet_ffmpeg()  # the media plugin (and its FFmpeg) is loaded by now
        player.setVideoOutput(sink)
        status = QMediaPlayer.MediaStatus

        def on_status(s) -> None:
            if s in (status.LoadedMedia, status.BufferedMedia, status.BufferingMedia):
                cap._opened(True)
            elif s == status.InvalidMedia:
                cap._opened(False)
                cap._finish()
            elif s == status.EndOfMedia:
                cap._finish()

        def on_error(error, message) -> None:
            log.info("camera %s: %s", cap.source, message)
            cap._opened(False)
            cap._finish()

        player.mediaStatusChanged.connect(on_status)
        player.errorOccurred.connect(on_error)
        url = QUrl.fromLocalFile(os.path.abspath(cap.source)) if cap.kind is SourceKind.FILE \
            else QUrl(cap.source)
        player.setSource(url)
        player.setPlaybackRate(cap.rate)
        player.play()
        self.player = self.receiver.player = player
        return [player]

    def _open_camera(self, sink):
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession

        cap = self.capture
        device = find_camera(cap.source)
        if device is None:
            return None
        camera = QCamera(device)
        quiet_ffmpeg()
        fmt = best_format(device)
        if fmt is not None:
            camera.setCameraFormat(fmt)
            cap.fps = fmt.maxFrameRate() or cap.fps
        session = QMediaCaptureSession()
        session.setCamera(camera)
        session.setVideoSink(sink)
        camera.activeChanged.connect(lambda active: active and cap._opened(True))

        def on_error(error, message) -> None:
            log.info("camera %s: %s", cap.source, message)
            cap._opened(False)
            cap._finish()

        camera.errorOccurred.connect(on_error)
        camera.start()
        return [camera, session]


def find_camera(source: str):
    """The QCameraDevice for "0", "1", ... (Qt's order) or "/dev/videoN"; None if absent."""
    from PySide6.QtMultimedia import QMediaDevices

    devices = QMediaDevices.videoInputs()
    s = source.strip()
    if s.isdigit():
        i = int(s)
        return devices[i] if i < len(devices) else None
    for d in devices:
        if bytes(d.id().data()).decode(errors="replace") == s:
            return d
    return None


def best_format(device):
    """720p (or the nearest above 480 lines) at 25+ fps, MJPG first: raw YUYV over USB 2 gives
    ~10 fps at 720p."""
    from PySide6.QtMultimedia import QVideoFrameFormat

    formats = list(device.videoFormats())
    if not formats:
        return None

    def score(f):
        size = f.resolution()
        mjpg = f.pixelFormat() == QVideoFrameFormat.PixelFormat.Format_Jpeg
        return (f.maxFrameRate() >= 25, abs(size.height() - 720) < 1, mjpg,
                -abs(size.height() - 720), f.maxFrameRate())

    return max(formats, key=score)


# frame formats whose first plane is 8-bit luma: the gray picture the decoder wants, as is
_LUMA_FIRST = {getattr(QVideoFrameFormat.PixelFormat, name, None) for name in (
    "Format_YUV420P", "Format_YUV422P", "Format_YV12", "Format_NV12", "Format_NV21",
    "Format_IMC1", "Format_IMC2", "Format_IMC3", "Format_IMC4", "Format_Y8")} - {None}


def frame_to_gray(frame: QVideoFrame) -> np.ndarray | None:
    """A gray numpy copy (h, w) of a video frame: its luma plane when it has one (~1 ms at
    720p), else Qt's conversion of its image (~20 ms: the RGB conversion is the cost)."""
    if frame.pixelFormat() in _LUMA_FIRST:
        mapped = QVideoFrame(frame)
        if mapped.map(QVideoFrame.MapMode.ReadOnly):
            try:
                bits = mapped.bits(0)
                if bits is not None:
                    w, h, stride = mapped.width(), mapped.height(), mapped.bytesPerLine(0)
                    plane = np.frombuffer(bits, np.uint8, count=stride * h).reshape(h, stride)
                    return plane[:, :w].copy()
            finally:
                mapped.unmap()
    image = frame.toImage()
    if image.isNull():
        return None
    return qimage_to_gray(image)


def qimage_to_gray(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
    return buf.reshape(h, stride)[:, :w].copy()


class QtCapture:
    """One source read through Qt Multimedia; used by one grabber thread, like a VideoCapture."""

    def __init__(self, source: str, *, rate: float = 1.0, open_timeout_s: float = 5.0,
                 read_timeout_s: float = 5.0):
        self.source = str(source).strip()
        self.kind = source_kind(self.source)
        self.rate = rate  # a file's playback speed (1.0: like a camera)
        self.fps = 30.0
        self.open_timeout_s = open_timeout_s
        self.read_timeout_s = read_timeout_s
        self.live = self.kind is not SourceKind.FILE
        self.frames_in = 0
        self._frames: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._state: bool | None = None  # None: opening; True: opened; False: failed
        self._ended_at: float | None = None  # when the file ended or the source failed
        self._paused = False
        self._last_start = -1  # a file's newest frame time (µs): frames come once, in order
        self._released = threading.Event()
        self._thread: _MediaThread | None = None

    # -- the VideoCapture shape -----------------------------------------------------------------
    def isOpened(self) -> bool:  # the VideoCapture name the worker calls
        if self._thread is None:
            if self.kind is SourceKind.FILE and not os.path.isfile(self.source):
                return False
            self._thread = _MediaThread(self)
            self._thread.start()
        deadline = time.monotonic() + self.open_timeout_s
        with self._cv:
            while self._state is None and time.monotonic() < deadline:
                self._cv.wait(0.05)
            return bool(self._state)

    def get(self, prop: int) -> float:
        return float(self.fps) if prop == CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        deadline = time.monotonic() + self.read_timeout_s
        with self._cv:
            while not self._frames:
                now = time.monotonic()
                # a frame queued just before the end of the file may still be on its way
                ended = self._ended_at is not None and now - self._ended_at > END_GRACE_S
                if ended or self._released.is_set() or now > deadline:
                    return False, None
                self._cv.wait(0.05)
            gray = self._frames.popleft()
            resume = self._paused and len(self._frames) <= FILE_QUEUE // 2
            if resume:
                self._paused = False
        if resume:
            self._invoke("resume_player")
        return True, gray

    def release(self) -> None:
        self._released.set()
        with self._cv:
            self._frames.clear()
            self._cv.notify_all()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        thread.quit()
        # QThread.wait() would hold the GIL the media thread needs to finish: poll instead
        deadline = time.monotonic() + 3.0
        while not thread.isFinished() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not thread.isFinished():
            log.warning("camera %s: Qt media thread still closing", self.source)
            _LINGERING.add(thread)  # a QThread destroyed while it runs aborts the process
            thread.finished.connect(lambda: _LINGERING.discard(thread))

    # -- from the media thread ----------------------------------------------------------------
    def _opened(self, ok: bool) -> None:
        with self._cv:
            if self._state is None:
                self._state = ok
            self._cv.notify_all()

    def _finish(self) -> None:
        with self._cv:
            if self._ended_at is None:
                self._ended_at = time.monotonic()
            self._cv.notify_all()

    def _frame_arrived(self, frame) -> None:
        if not frame.isValid() or self._released.is_set():
            return
        start = frame.startTime()
        if not self.live and start >= 0:
            if start <= self._last_start:  # shown again (a seek, a re-render): not a new frame
                return
            self._last_start = start
        gray = frame_to_gray(frame)
        if gray is None:
            return
        pause = False
        with self._cv:
            self.frames_in += 1
            self._frames.append(gray)
            if self.live:
                while len(self._frames) > LIVE_QUEUE:
                    self._frames.popleft()
            elif len(self._frames) >= FILE_QUEUE and not self._paused:
                self._paused = pause = True
            self._cv.notify_all()
        if pause:
            self._invoke("pause_player")

    def _invoke(self, slot: str) -> None:
        """Run a receiver's slot on the media thread, where the player lives and its state
        can be read without a race."""
        thread = self._thread
        receiver = thread.receiver if thread is not None else None
        if receiver is not None:
            QMetaObject.invokeMethod(receiver, slot, Qt.ConnectionType.QueuedConnection)


def open_qt_capture(source: str, **options) -> QtCapture:
    """The opener for `CameraWorker(opener=...)`: a Qt Multimedia capture of `source`."""
    return QtCapture(source, **options)


__all__ = ["QtCapture", "frame_to_gray", "open_qt_capture", "qimage_to_gray", "quiet_ffmpeg"]
