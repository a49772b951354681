"""The pairing code HQ shows for a new pickup point (docs/protocol.md, "Pairing a station").

`pickup-station:pair?u=<server url>&s=<station id>&t=<station token>`: scanned by the first-start
wizard (camera or scanner) instead of typing the address and token. The counter recognises it
too, so a host who scans it there is told where it belongs rather than "not a pickup code".
Plain Python: the scan path (`core.scanning`) uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

PAIRING_SCHEME = "pickup-station:pair"


@dataclass(frozen=True)
class PairingCode:
    url: str
    station_id: str
    token: str

    def __repr__(self) -> str:  # the token never lands in a log line
        return f"PairingCode(url={self.url!r}, station_id={self.station_id!r}, token=***)"


def looks_like_pairing(text: str) -> bool:
    return (text or "").strip().lower().startswith(PAIRING_SCHEME)


def parse_pairing(text: str) -> PairingCode | None:
    """The code in `text`, or None when it is not a complete pairing code."""
    text = (text or "").strip()
    if not looks_like_pairing(text):
        return None
    query = parse_qs(urlsplit(text).query, keep_blank_values=False)
    url, station, token = (query.get(k, [""])[0].strip() for k in ("u", "s", "t"))
    if not url.lower().startswith(("http://", "https://")) or not token:
        return None
    return PairingCode(url.rstrip("/"), station, token)
