"""The Qt side of sync: controller signals, pairing dialog, needs-attention dialog (offscreen)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from pickup_station.config import Settings
from pickup_station.core import arrival
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.identity import token_sha256
from pickup_station.store.db import iso, utcnow
from pickup_station.store.models import AttentionItem
from pickup_station.sync.client import Backoff, SyncClient
from pickup_station.ui.dialogs.attention_dialog import AttentionDialog
from pickup_station.ui.dialogs.pair_dialog import PairDialog
from pickup_station.ui.sync_controller import SyncController
from tests.server_fixtures import HQClient

from .conftest import attention, fast_client, seed

DEAD_URL = "http://127.0.0.1:9"


@pytest.fixture
def controller_for(station, qtbot, tasks):
    made: list[SyncController] = []

    def make(settings: Settings, **kw) -> SyncController:
        kw.setdefault("client_factory", lambda url, token: fast_client(url, token, retries=0))
        c = SyncController(station, settings, tasks, debounce_s=0.05,
                           backoff=Backoff(base=0.1, cap=0.3), **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        assert c.shutdown(timeout=10)


def test_controller_syncs_reports_and_coalesces(live_server, station, qtbot, controller_for):
    hq = HQClient(live_server)
    token, _ = seed(hq, n=3)
    settings = Settings(server_url=live_server.url, station_token=token, sync_interval_s=3600)
    c = controller_for(settings)
    texts: list[str] = []
    c.statusChanged.connect(texts.append)
    progress: list[tuple[int, int]] = []
    c.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignals([c.changesApplied, c.attentionChanged, c.progress], timeout=10_000):
        c.start()
    qtbot.waitUntil(lambda: c.status_text.startswith("已同步 "), timeout=10_000)
    assert c.status_text.endswith(" · 待上传 0") and texts[-1] == c.status_text
    assert progress[-1] == (3, 3)  # the first download reports its progress

    arrival.sign_off(station, "B1", "leader")
    for order_id in ("B1-O0", "B1-O1"):
        Counter(station).hand_over([OrderChoice(order_id)], "leader")
    rounds = c._runner.rounds
    for _ in range(20):  # a burst of local changes: coalesced into very few rounds
        c.request_sync()
    qtbot.waitUntil(lambda: {o["order_id"] for o in hq.pickups(station_id="S1")["pickups"]}
                    == {"B1-O0", "B1-O1"}, timeout=10_000)
    qtbot.waitUntil(lambda: c.status_text.endswith("待上传 0"), timeout=5000)
    assert c._runner.rounds - rounds <= 2


def test_controller_offline_then_sync_now(live_server, station, qtbot, controller_for):
    token, _ = seed(HQClient(live_server), n=1)
    settings = Settings(server_url=DEAD_URL, station_token=token, sync_interval_s=3600)
    c = controller_for(settings)
    c.start()
    qtbot.waitUntil(lambda: c.status_text.startswith("离线"), timeout=10_000)
    assert c.status_text == "离线 · 待上传 0" and "Cannot reach" not in c.status_tooltip
    assert "无法连接服务器" in c.status_tooltip
    # the host works offline; the label counts what waits at once (no round needed)
    with station.session() as s:
        from pickup_station.core.counter import record_event
        record_event(s, "item_short", {"sku": "SKU-1", "qty": 1, "stage": "counter",
                                       "note": "", "operator_id": "leader"},
                     order_id="B1-O0", batch_id="B1")
    c.request_sync()
    qtbot.waitUntil(lambda: c.status_text == "离线 · 待上传 1", timeout=5000)
    settings.server_url = live_server.url  # the pair dialog saved the right address
    with qtbot.waitSignal(c.changesApplied, timeout=10_000):
        c.settings_changed()
    qtbot.waitUntil(lambda: c.status_text.startswith("已同步") and c.status_text.endswith(" 0"),
                    timeout=10_000)


class SkewedClient(SyncClient):
    """The real client on a station whose clock runs 10 minutes fast."""

    def heartbeat(self, app_version, pending_events, station_time=None):
        fast = iso(utcnow() + timedelta(minutes=10))
        return super().heartbeat(app_version, pending_events, fast)


def test_clock_warning_and_unpaired(live_server, station, qtbot, controller_for, ui_language):
    ui_language("zh_CN")
    token, _ = seed(HQClient(live_server), n=1)
    settings = Settings(server_url=live_server.url, station_token=token, sync_interval_s=3600)
    c = controller_for(settings, client_factory=lambda u, t: SkewedClient(u, t, retries=0))
    with qtbot.waitSignal(c.clockWarning, timeout=10_000) as blocker:
        c.start()
    assert "本机时钟比服务器快 10 分钟" in blocker.args[0]
    assert 590 < float(station.get_meta("clock_skew_s")) < 610

    unpaired = controller_for(Settings())
    unpaired.start()
    qtbot.waitUntil(lambda: unpaired.status_text == "未配对 · 待上传 0", timeout=5000)


def test_clock_warning_stays_while_the_clock_is_still_wrong(live_server, station, qtbot,
                                                            controller_for, ui_language):
    """Issue 7 item 8: the warning cleared itself on the second skewed round."""
    ui_language("zh_CN")
    token, _ = seed(HQClient(live_server), n=1)
    settings = Settings(server_url=live_server.url, station_token=token, sync_interval_s=3600)
    skew = {"now": timedelta(minutes=10)}

    class Client(SyncClient):
        def heartbeat(self, app_version, pending_events, station_time=None):
            return super().heartbeat(app_version, pending_events, iso(utcnow() + skew["now"]))

    c = controller_for(settings, client_factory=lambda u, t: Client(u, t, retries=0))
    warnings: list[str] = []
    c.clockWarning.connect(warnings.append)
    with qtbot.waitSignal(c.roundFinished, timeout=10_000):
        c.start()
    for _ in range(2):  # two more rounds, the server's time still 10 minutes behind ours
        with qtbot.waitSignal(c.roundFinished, timeout=10_000) as done:
            c.sync_now()
        assert not done.args[0].clock_ok
    assert len(warnings) == 1 and "本机时钟比服务器快 10 分钟" in warnings[0]  # still up
    skew["now"] = timedelta(0)  # the host set the time: the next round clears it
    with qtbot.waitSignal(c.roundFinished, timeout=10_000) as done:
        c.sync_now()
    assert done.args[0].clock_ok and warnings[1:] == [""]


def test_locate_answers_by_signal(live_server, station, qtbot, controller_for):
    hq = HQClient(live_server)
    token, _ = seed(hq, "S1", "B1", n=1)
    _, other = seed(hq, "S2", "B2", n=1)
    c = controller_for(Settings(server_url=live_server.url, station_token=token))
    sha = token_sha256(other["orders"][0]["pickup_token"])
    with qtbot.waitSignal(c.located, timeout=5000) as found:
        c.locate(sha)
    assert found.args[0] == sha and found.args[1]["station_id"] == "S2"
    with qtbot.waitSignal(c.located, timeout=5000) as nowhere:
        c.locate("f" * 64)
    assert nowhere.args == ["f" * 64, None]
    c.settings.server_url = DEAD_URL
    with qtbot.waitSignal(c.locateFailed, timeout=5000) as failed:
        c.locate(sha)
    assert "无法连接服务器" in failed.args[1]


def test_pair_dialog_wrong_token_then_right(live_server, station, qtbot, tasks):
    token, _ = seed(HQClient(live_server), n=1)
    settings = Settings()
    saved: list[tuple[str, str]] = []
    dlg = PairDialog(settings, lambda: saved.append((settings.server_url, settings.station_token)),
                     store=station, tasks=tasks)
    qtbot.addWidget(dlg)
    dlg.url_input.setText(live_server.url)
    dlg.token_input.setText("wrong")
    dlg.test_button.click()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled() and "✗" in dlg.message.text(), timeout=5000)
    assert "令牌不正确" in dlg.message.text() and saved == []
    dlg.save_button.click()  # saving an unverified pairing verifies first, and refuses
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=5000)
    assert saved == [] and settings.server_url == ""

    dlg.url_input.setText("127.0.0.1:9")
    dlg.test_button.click()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled() and "✗" in dlg.message.text(), timeout=5000)
    assert "无法连接服务器 http://127.0.0.1:9" in dlg.message.text()

    dlg.url_input.setText(live_server.url)
    dlg.token_input.setText(token)
    with qtbot.waitSignal(dlg.paired, timeout=5000) as paired:
        dlg.save_button.click()
    assert saved == [(live_server.url, token)]
    assert paired.args[0]["server_url"] == live_server.url
    assert dlg.result() == dlg.DialogCode.Accepted


def test_attention_dialog_lists_and_resolves(station, qtbot, tasks):
    with station.session() as s:
        s.add(AttentionItem(kind="rejected_event", event_id="e1", event_type="pickup_confirmed",
                            order_id="O1", reason="order_cancelled",
                            detail='{"cancelled_at": "2026-01-01T00:00:00+00:00"}',
                            created_at=iso(utcnow())))
        s.add(AttentionItem(kind="cancelled_after_pickup", order_id="O2",
                            reason="order_cancelled_after_pickup", created_at=iso(utcnow())))
    dlg = AttentionDialog(station, tasks)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 2, timeout=5000)
    texts = {dlg.model.text(r, 0): dlg.model.text(r, 2) for r in range(2)}
    assert texts["上传被拒：提货核销"].startswith("订单已被总部取消")
    assert "总部取消了它" in texts["提货后被取消"]
    assert "cancelled_at" in dlg.model.data(dlg.model.index(0, 2), Qt.ItemDataRole.ToolTipRole) \
        or "cancelled_at" in dlg.model.data(dlg.model.index(1, 2), Qt.ItemDataRole.ToolTipRole)
    assert not dlg.resolve_button.isEnabled()
    row = next(r for r in range(2) if dlg.model.rows[r].order_id == "O1")
    dlg.table.selectionModel().select(
        dlg.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert dlg.resolve_button.isEnabled()
    with qtbot.waitSignal(dlg.attentionChanged, timeout=5000) as changed:
        dlg.resolve_button.click()
    assert changed.args == [1]
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 1, timeout=5000)
    resolved = {a.order_id: a.resolved_at for a in attention(station)}
    assert resolved["O1"] and resolved["O2"] is None
    dlg.show_resolved.setChecked(True)
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 2, timeout=5000)
    en = AttentionDialog(station, tasks, lang="en")
    qtbot.addWidget(en)
    qtbot.waitUntil(lambda: en.model.rowCount() == 1, timeout=5000)
    assert en.model.text(0, 0) == "Cancelled after pickup"
