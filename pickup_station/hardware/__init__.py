"""Counter hardware adapters (camera, scanners, printers): plain Python, no Qt.

Factory helpers build a device from the station settings; the UI wraps them in signals
(`pickup_station.ui.widgets.camera_panel`, `pickup_station.ui.scan_sources`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keep `import pickup_station.hardware` cheap (no cv2 until needed)
    from pickup_station.config import CameraSettings, ScannerSettings
    from pickup_station.hardware.camera import CameraStatus, CameraWorker, FrameResult
    from pickup_station.hardware.scanners import ScannerStatus, ScanProblem, SerialScanner


def make_camera_worker(settings: CameraSettings, *,
                       on_frame: Callable[[FrameResult], None] | None = None,
                       on_code: Callable[[str, FrameResult], None] | None = None,
                       on_status: Callable[[CameraStatus], None] | None = None,
                       **options) -> CameraWorker:
    """A camera worker for the settings' source and decoder (not started).

    A video file as source plays at its own frame rate and loops, like a camera would.
    An unknown or unavailable decoder name falls back to the best available one.
    """
    import logging

    from pickup_station.hardware.camera import CameraWorker, SourceKind, source_kind
    from pickup_station.hardware.decoders import DecoderUnavailable, make_decoder

    try:
        decoder = make_decoder(settings.decoder or "auto")
    except (ValueError, DecoderUnavailable) as exc:
        logging.getLogger(__name__).warning("decoder %s unusable (%s); using auto",
                                            settings.decoder, exc)
        decoder = make_decoder("auto")
    is_file = source_kind(settings.source) is SourceKind.FILE
    options.setdefault("realtime", is_file)
    options.setdefault("loop", is_file)
    return CameraWorker(settings.source, decoder, on_frame=on_frame, on_code=on_code,
                        on_status=on_status, **options)


def make_serial_scanner(settings: ScannerSettings, *,
                        on_scan: Callable[[str], None] | None = None,
                        on_status: Callable[[ScannerStatus], None] | None = None,
                        on_problem: Callable[[ScanProblem], None] | None = None,
                        **options) -> SerialScanner | None:
    """A serial scanner worker for the settings (not started), or None when no port is set."""
    from pickup_station.hardware.scanners import SerialScanner

    if not settings.serial_port:
        return None
    return SerialScanner(settings.serial_port, settings.serial_baudrate, on_scan, on_status,
                         on_problem, prefix=settings.prefix, suffix=settings.suffix, **options)


__all__ = ["make_camera_worker", "make_serial_scanner"]
