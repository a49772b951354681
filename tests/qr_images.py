"""QR images as the station sees them: a PNG data URL from the server, decoded by the
station's own decoder chain (the camera's), so a test feeds the wizard what a scan would give."""

from __future__ import annotations

import base64

import numpy as np

PNG_PREFIX = "data:image/png;base64,"


def png_of(data_url: str) -> bytes:
    assert data_url.startswith(PNG_PREFIX), data_url[:40]
    png = base64.b64decode(data_url[len(PNG_PREFIX):])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return png


def decode_png(png: bytes) -> list[str]:
    import cv2

    from pickup_station.hardware.decoders import make_decoder

    frame = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert frame is not None, "not an image"
    return [found.text for found in make_decoder("auto").decode(frame)]
