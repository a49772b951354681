"""The real window paired with the real server on loopback: a customer at the wrong counter is
sent to the right pickup point, and a hand-over confirmed in the window reaches HQ by itself
(the controller syncs after each local change)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from pickup_station.config import Paths, Settings
from pickup_station.core import arrival
from pickup_station.core.counter import Counter
from pickup_station.sync.client import Backoff
from pickup_station.ui.main_window import MainWindow
from pickup_station.ui.services import Services
from pickup_station.ui.sounds import Sounds
from pickup_station.ui.sync_controller import SyncController
from pickup_station.ui.tasks import Tasks
from tests.server_fixtures import HQClient

from .conftest import fast_client, new_engine, outbox_ids, seed


@pytest.fixture
def online(live_server, station, data_dir, qtbot):
    hq = HQClient(live_server)
    token, mine = seed(hq, "S1", "B1", n=2)
    hq.create_station("S2", "光明里自提点", address="光明路 88 号 1 楼")
    _, theirs = seed(hq, "S2", "B2", n=1, token="unused")
    assert new_engine(station, live_server.url, token).run_round().ok
    arrival.sign_off(station, "B1", "leader")
    settings = Settings(server_url=live_server.url, station_token=token)
    tasks = Tasks()
    sync = SyncController(station, settings, tasks, debounce_s=0.05,
                          backoff=Backoff(base=0.1, cap=0.3),
                          client_factory=lambda url, tok: fast_client(url, tok, retries=0))
    sv = Services(store=station, settings=settings, paths=Paths.resolve(data_dir),
                  counter=Counter(station), tasks=tasks, sounds=Sounds(enabled=False),
                  sync=sync)
    window = MainWindow(sv)
    qtbot.addWidget(window)
    window.show()
    sync.start()
    yield window, hq, mine, theirs
    window.close()


def scan(qtbot, window, text: str):
    box = window.findChild(QLineEdit, "scanInput")
    box.setText(text)
    with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000) as sig:
        box.returnPressed.emit()
    return sig.args[0]


def test_customer_at_the_wrong_counter_is_sent_to_the_right_one(qtbot, online):
    window, _hq, _mine, theirs = online
    label = window.findChild(QLabel, "lookupResult")
    verdict = scan(qtbot, window, theirs["orders"][0]["pickup_token"])
    assert verdict.kind == "refused" and verdict.reason == "unknown"
    qtbot.waitUntil(lambda: label.property("verdictReason") == "other_station", timeout=5000)
    assert "光明里自提点" in label.text() and "光明路 88 号" in label.text()
    assert not window.findChild(QPushButton, "confirmButton").isEnabled()


def test_hand_over_in_the_window_reaches_hq_without_a_click_on_sync(qtbot, online):
    window, hq, mine, _theirs = online
    order = mine["orders"][0]
    verdict = scan(qtbot, window, order["pickup_code"])
    assert verdict.kind == "ready"
    with qtbot.waitSignal(window.counter_view.handoverDone, timeout=5000) as done:
        window.findChild(QPushButton, "confirmButton").click()

    def picked_up() -> bool:
        batch = hq.get_batch("B1")
        return any(o["order_id"] == order["order_id"] and o["status"] == "picked_up"
                   for o in batch["orders"])

    qtbot.waitUntil(picked_up, timeout=10_000)
    feed = hq.pickups(station_id="S1")["pickups"]
    assert [p["receipt_no"] for p in feed] == done.args[0].receipt_nos
    qtbot.waitUntil(lambda: not outbox_ids(window.sv.store), timeout=5000)
