"""The camera preview at the counter: live picture, the code outlined, and the camera's status.

`CameraPanel(parent)` wraps `pickup_station.hardware.camera.CameraWorker` (capture and decode on
plain Python threads) in Qt signals; its frames come through Qt Multimedia
(`pickup_station.ui.qt_capture`: QCamera / QMediaPlayer into a QVideoSink), not OpenCV. `start(source)` / `stop()`; `codeScanned(str)` fires once
per code on the UI thread (not again while the code stays in view and for 3 s after). The child
label `cameraStatus` says whether the camera is connected, missing, unplugged or stalled; the
worker keeps retrying with backoff and reconnects by itself when the camera returns.

Frames (gray from Qt Multimedia; BGR from an OpenCV capture) are wrapped as QImage on the worker thread with `.copy()` (~0.3 ms at
720p, where a numpy `frame[..., ::-1].copy()` costs ~3 ms), and only when the previous one was
painted, so a slow UI drops preview frames instead of queueing them.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from pickup_station.config import CameraSettings
from pickup_station.hardware import make_camera_worker
from pickup_station.hardware.camera import CameraState, CameraStatus, CameraWorker, FrameResult
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.lang import ui_lang
from pickup_station.ui.qt_capture import open_qt_capture

log = logging.getLogger(__name__)


def frame_to_qimage(frame) -> QImage:
    """A deep-copied QImage of a BGRA, BGR or gray numpy frame, safe to hand to the UI thread."""
    h, w = frame.shape[:2]
    fmt = (QImage.Format.Format_Grayscale8 if frame.ndim == 2 else
           QImage.Format.Format_RGB32 if frame.shape[2] == 4 else QImage.Format.Format_BGR888)
    return QImage(frame.data, w, h, frame.strides[0], fmt).copy()


class _CameraBridge(QObject):
    """Lives on the UI thread; the worker's callbacks emit its signals (queued across threads)."""

    frameReady = Signal(QImage, object)  # image, list of corner lists
    codeFound = Signal(str, float)  # text, monotonic capture time of its frame
    statusChanged = Signal(object)  # CameraStatus

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame_pending = threading.Event()
        self.frames_in = 0

    def on_frame(self, result: FrameResult) -> None:
        self.frames_in += 1
        if self.frame_pending.is_set():  # the UI has not painted the last one: drop this one
            return
        image = frame_to_qimage(result.frame)
        outlines = [list(c.points) for c in result.codes if c.points]
        self.frame_pending.set()
        try:
            self.frameReady.emit(image, outlines)
        except RuntimeError:  # the panel is being destroyed
            pass

    def on_code(self, text: str, result: FrameResult) -> None:
        try:
            self.codeFound.emit(text, result.captured_at)
        except RuntimeError:
            pass

    def on_status(self, status: CameraStatus) -> None:
        try:
            self.statusChanged.emit(status)
        except RuntimeError:
            pass


class CameraPreview(QWidget):
    """Paints the latest frame, scaled to fit, with found codes outlined in green."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("cameraPreview")
        self.setMinimumSize(240, 135)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.outlines: list = []
        self.frames_shown = 0

    def show_frame(self, image: QImage, outlines: list) -> None:
        self.image = image
        self.outlines = outlines
        self.frames_shown += 1
        self.update()

    def clear(self) -> None:
        self.image = None
        self.outlines = []
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(24, 24, 24))
        if self.image is None or self.image.isNull():
            p.end()
            return
        iw, ih = self.image.width(), self.image.height()
        scale = min(self.width() / iw, self.height() / ih)
        dw, dh = iw * scale, ih * scale
        x0, y0 = (self.width() - dw) / 2, (self.height() - dh) / 2
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        p.drawImage(QRectF(x0, y0, dw, dh), self.image)
        pen = QPen(QColor(0, 220, 90), 3)
        p.setPen(pen)
        for corners in self.outlines:
            poly = QPolygonF([QPointF(x0 + x * scale, y0 + y * scale) for x, y in corners])
            p.drawPolygon(poly)
        p.end()


class CameraPanel(QWidget):
    """Live preview + `cameraStatus` label; emits `codeScanned(text)` on the UI thread."""

    codeScanned = Signal(str)
    statusChanged = Signal(str)

    def __init__(self, parent=None, *, decoder: str = "auto", lang: str | None = None,
                 **worker_options):
        super().__init__(parent)
        self.setObjectName("cameraPanel")
        self.lang = ui_lang(lang)
        self.decoder_name = decoder
        self.worker_options = worker_options
        self.worker: CameraWorker | None = None
        self.state = CameraState.STOPPED
        self.last_capture_at = 0.0  # monotonic capture time of the frame behind the last scan
        self.last_scan_latency_ms = 0.0  # that frame's capture -> codeScanned on the UI thread
        self.preview = CameraPreview(self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("cameraStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status_label)
        self._bridge = _CameraBridge(self)
        self._bridge.frameReady.connect(self._show_frame)
        self._bridge.codeFound.connect(self._code_found)
        self._bridge.statusChanged.connect(self._status_changed)
        self._show_status(CameraStatus(CameraState.STOPPED, ""))

    # -- words --------------------------------------------------------------------------------
    def status_text(self, status: CameraStatus) -> str:
        """The camera's state in the station's language (worded by the message catalogue)."""
        return status.message(self.lang)

    def _show_status(self, status: CameraStatus) -> None:
        self.state = status.state
        text = self.status_text(status)
        self.status_label.setText(text)
        self.status_label.setToolTip(status.detail or status.source)
        self.statusChanged.emit(text)

    # -- control ------------------------------------------------------------------------------
    def start(self, source: str) -> None:
        """Start showing and decoding `source` (device index, device path, file or URL)."""
        self.stop()
        b = self._bridge
        options = dict(self.worker_options)
        # a file played "as fast as it goes" (realtime=False) runs its player at 8x; it is
        # paused whenever the decoder falls behind, so no frame is skipped
        rate = 1.0 if options.get("realtime", True) else 8.0
        options.setdefault("opener", functools.partial(open_qt_capture, rate=rate))
        self.worker = make_camera_worker(
            CameraSettings(enabled=True, source=str(source), decoder=self.decoder_name),
            on_frame=b.on_frame, on_code=b.on_code, on_status=b.on_status, **options)
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker threads (joins them) and show the camera as off."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop(timeout=2.0)
        self._bridge.frame_pending.clear()
        self.preview.clear()
        self._show_status(CameraStatus(CameraState.STOPPED, ""))

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    @property
    def frames_shown(self) -> int:
        return self.preview.frames_shown

    # -- from the worker (UI thread) ----------------------------------------------------------
    @Slot(QImage, object)
    def _show_frame(self, image: QImage, outlines: list) -> None:
        self._bridge.frame_pending.clear()
        if self.worker is None:  # a late frame after stop()
            return
        self.preview.show_frame(image, outlines)

    @Slot(str, float)
    def _code_found(self, text: str, captured_at: float) -> None:
        if self.worker is None:
            return
        self.last_capture_at = captured_at
        self.last_scan_latency_ms = (time.monotonic() - captured_at) * 1000
        self.codeScanned.emit(text)

    @Slot(object)
    def _status_changed(self, status: CameraStatus) -> None:
        if self.worker is None and status.state is not CameraState.STOPPED:
            return
        self._show_status(status)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
