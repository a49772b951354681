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
        if lang.startswith("en"):
            text = f"Paired: {st.name} ({st.station_id})" if st else f"Paired with {self.url}"
            if not hb.clock_ok:
                text += f"\nWarning: this computer's clock is {hb.clock_skew_seconds:.0f} s off"
            return text
        text = f"已配对：{st.name}（{st.station_id}）" if st else f"已配对：{self.url}"
        if not hb.clock_ok:
            text += f"\n注意：本机时钟与服务器相差 {hb.clock_skew_seconds:.0f} 秒，请校准时间"
        return text


def verify_pairing(url: str, token: str, pending_events: int = 0, *,
                   timeout: float = 10.0) -> PairingCheck:
    """Ask the server whether this token works there. Raises Refused with a clear reason."""
    url, token = normalize_url(url), (token or "").strip()
    if not url.startswith(("http://", "https://")) or "://" == url[-3:]:
        raise Refused("服务器地址无效，例如 http://192.168.1.10:8765",
                      "The server address is not valid, e.g. http://192.168.1.10:8765",
                      code="bad_address")
    if not token:
        raise Refused("请输入自提点令牌", "Please enter the station token", code="no_token")
    client = SyncClient(url, token, connect_timeout=min(5.0, timeout), read_timeout=timeout,
                        retries=0)
    try:
        hb = client.heartbeat(__version__, pending_events, iso(utcnow()))
        return PairingCheck(url, token, hb, client.me())
    except SyncAuthError as exc:
        raise Refused("自提点令牌不正确或已被停用：请核对总部发给本自提点的令牌",
                      "The station token is wrong or revoked: check the token HQ issued "
                      "for this pickup point", code="unauthorized") from exc
    except SyncOffline as exc:
        raise Refused(f"无法连接服务器 {url}：请检查地址、端口和网络",
                      f"Cannot reach the server at {url}: check the address, port and "
                      f"network ({exc.en})", code="unreachable") from exc
    except SyncError as exc:
        raise Refused(f"服务器 {url} 没有正常应答：{exc.zh}",
                      f"The server at {url} did not answer properly: {exc.en}",
                      code="server_error") from exc
    except P.ProtocolError as exc:
        raise Refused(f"{url} 不是自提同步服务器（{exc.zh}）",
                      f"{url} does not look like the sync server ({exc.en})",
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
