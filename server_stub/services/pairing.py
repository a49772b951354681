"""The pairing code HQ shows a new pickup point: one text the station scans instead of typing
the server address and its token, and a QR (PNG) of that text.

The payload (docs/protocol.md, "Pairing a station"):
`pickup-station:pair?u=<server url>&s=<station id>&t=<station token>` (URL-encoded values).
The token is shown once and stored hashed, so the QR is made in the same answer that issues
the token (a `data:image/png;base64,...` field) and never fetched later.

QR images come from `segno`: pure Python, no Pillow or C library on the server, writes PNG
itself, and is maintained (the station's own `qrcode` needs Pillow to write PNG).
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import segno

PAIRING_SCHEME = "pickup-station:pair"


def pairing_payload(url: str, station_id: str, token: str) -> str:
    return f"{PAIRING_SCHEME}?" + urlencode({"u": url, "s": station_id, "t": token})


def qr_png_data_url(text: str, scale: int = 6) -> str:
    """A QR of `text` as a PNG data URL (error correction M, the usual quiet zone of 4)."""
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=scale, border=4)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def pairing_for(url: str, station_id: str, token: str) -> dict:
    payload = pairing_payload(url, station_id, token)
    return {"url": url, "station_id": station_id, "token": token, "payload": payload,
            "qr_png": qr_png_data_url(payload)}
