"""Pairing a pickup point with the sync server: check the address and token, then keep them.

`verify_pairing(url, token)` asks the server (heartbeat, then `/sync/me`) and raises `Refused`
with a clear zh_CN/English reason: wrong or revoked token (401), unreachable address, or an
address that is not a sync server. `commit_pairing(...)` then saves the settings and the
station's identity (Meta `station_id`, `station_name`, `station_address`; receipts print them)
and restarts the pull from the beginning when the server or the station changed.
Used by the CLI `pair` command and by `ui/pair_dialog.py`. No Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pickup_station import __version__
from pickup_station.config import Settings
from pickup_station.errors import Refused, SyncAuthError
from pickup_station.messages import render
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.sync import protocol as P
from pickup_station.sync.client import SyncClient, SyncError, SyncOffline, normalize_url
from pickup_station.sync.engine import META_CLOCK_OK, META_CLOCK_SKEW, META_CURSOR, save_identity


@dataclass
class PairingCheck:
    url: str
    token: str
    heartbeat: P.HeartbeatAnswer
    station: P.StationInfo | None

    def as_json(self) -> dict:
        st = self.station
        return {"ok": True, "server_url": self.url,
                "station_id": st.station_id if st else None, "name": st.name if st else None,
                "address": st.address if st else None, "clock_ok": self.heartbeat.clock_ok,
                "clock_skew_s": self.heartbeat.clock_skew_seconds}

    def describe(self, lang: str = "zh_CN") -> str:
        st, hb = self.station, self.heartbeat
        text = (render("pair.done", lang, name=st.name, station_id=st.station_id) if st
                else render("pair.done_url", lang, url=self.url))
        if not hb.clock_ok:
            text += "\n" + render("pair.clock", lang, seconds=hb.clock_skew_seconds)
        return text


def verify_pairing(url: str, token: str, pending_events: int = 0, *,
                   timeout: float = 10.0) -> PairingCheck:
    """Ask the server whether this token works there. Raises Refused with a clear reason."""
    url, token = normalize_url(url), (token or "").strip()
    if not url.startswith(("http://", "https://")) or "://" == url[-3:]:
        raise Refused("pair.bad_address", code="bad_address")
    if not token:
        raise Refused("pair.no_token", code="no_token")
    client = SyncClient(url, token, connect_timeout=min(5.0, timeout), read_timeout=timeout,
                        retries=0)
    try:
        hb = client.heartbeat(__version__, pending_events, iso(utcnow()))
        return PairingCheck(url, token, hb, client.me())
    except SyncAuthError as exc:
        raise Refused("pair.unauthorized", code="unauthorized") from exc
    except SyncOffline as exc:
        raise Refused("pair.unreachable", url=url, error=exc, code="unreachable") from exc
    except SyncError as exc:
        raise Refused("pair.server_error", url=url, error=exc, code="server_error") from exc
    except P.ProtocolError as exc:
        raise Refused("pair.not_a_sync_server", url=url, error=exc,
                      code="not_a_sync_server") from exc
    finally:
        client.close()


def commit_pairing(check: PairingCheck, settings: Settings, save_settings: Callable[[], None],
                   store: Store | None) -> None:
    """Keep a verified pairing: settings first, then identity and clock facts in the store."""
    old_url = normalize_url(settings.server_url)
    settings.server_url, settings.station_token = check.url, check.token
    save_settings()
    if store is None:
        return
    old_station = store.get_meta("station_id")
    info = check.station
    if info is not None:
        save_identity(store, info)
    moved = old_url != check.url or (info is not None
                                     and old_station not in (None, "", info.station_id))
    if moved and store.get_meta(META_CURSOR):
        store.set_meta(META_CURSOR, None)  # another server or station: read its changes afresh
    hb = check.heartbeat
    store.set_meta(META_CLOCK_SKEW, None if hb.clock_skew_seconds is None
                   else f"{hb.clock_skew_seconds:.1f}")
    store.set_meta(META_CLOCK_OK, "1" if hb.clock_ok else "0")
