"""Every counter flow and refusal, driven through scanInput / lookupResult / confirmButton.

After each hand-over the SQLite file is read again with a fresh connection to prove the commit.
"""

import sqlite3
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pickup_station.store.db import utcnow

from .conftest import Driver


def db(station, sql, *args):
    conn = sqlite3.connect(station.store.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_key_widgets_are_named(window):
    from PySide6.QtWidgets import QWidget
    for name in ("scanInput", "lookupResult", "confirmButton", "syncStatus", "printerStatus",
                 "cameraStatus"):
        assert window.findChild(QWidget, name) is not None, name


def test_scan_code_shows_customer_items_and_shelf_then_enter_confirms(station, host, qtbot):
    o = station.lone_order()
    host.scan(o["pickup_code"])
    assert host.kind() == "ready"
    masked = o["phone"][:3] + "****" + o["phone"][-4:]
    assert masked in host.text()
    assert o["phone"] not in host.text()  # never the full number
    assert o["items"][0]["name"] in host.shown()  # on the order's card
    assert o["order_id"] not in host.shown()  # ids only behind the detail toggle
    [(slot,)] = db(station, "SELECT shelf_slot FROM orders WHERE order_id=?", o["order_id"])
    assert slot in host.text()
    assert host.confirm_button.isEnabled()
    result = host.confirm_with_enter()
    assert result.pickups[0].order_id == o["order_id"]
    assert "✓" in host.text()
    assert db(station, "SELECT pickup_state FROM orders WHERE order_id=?", o["order_id"]) == \
        [("picked_up",)]
    assert db(station, "SELECT count(*) FROM outbox WHERE type='pickup_confirmed'") == [(1,)]
    assert QApplication.focusWidget() is host.scan_input  # next scan just works
    assert host.w.counter_view.sv.sounds.played[-1] == "ok"


def test_confirm_button_click_and_qr_url(station, host, qtbot):
    o = station.lone_order(1)
    host.scan(f"https://m.example.com/p/{o['pickup_token']}")
    with qtbot.waitSignal(host.w.counter_view.handoverDone, timeout=5000):
        qtbot.mouseClick(host.confirm_button, Qt.LeftButton)
    assert db(station, "SELECT count(*) FROM pickups WHERE order_id=?", o["order_id"]) == [(1,)]
    assert QApplication.focusWidget() is host.scan_input


def test_scanning_the_same_qr_twice_never_hands_over_twice(station, host, qtbot):
    o = station.lone_order()
    host.scan(o["pickup_token"])
    host.confirm_with_enter()
    v = host.scan(o["pickup_token"])
    assert v.reason == "already_picked_up" and host.kind() == "refused"
    [(receipt,)] = db(station, "SELECT receipt_no FROM pickups")
    assert receipt in host.text()
    assert not host.confirm_button.isEnabled()
    host.enter()  # Enter on a refusal does nothing
    qtbot.wait(100)
    assert db(station, "SELECT count(*) FROM pickups") == [(1,)]
    assert host.w.counter_view.sv.sounds.played[-1] == "fail"


def test_double_enter_while_committing_hands_over_once(station, host, qtbot):
    o = station.lone_order()
    host.scan(o["pickup_code"])
    with qtbot.waitSignal(host.w.counter_view.handoverDone, timeout=5000):
        host.enter()
        host.enter()
        host.enter()
    qtbot.wait(200)
    assert db(station, "SELECT count(*) FROM pickups") == [(1,)]


@pytest.mark.parametrize("text,reason", [("hello!!", "invalid"), ("000000", "unknown"),
                                         ("12345", "invalid"), ("\x1b\x00]]", "invalid")])
def test_refusals_have_their_own_message(host, text, reason):
    host.scan(text)
    assert (host.kind(), host.reason()) == ("refused", reason)
    assert not host.confirm_button.isEnabled()


def test_cancelled_and_refunded(station, host):
    a, b = station.batches[0]["orders"][:2]
    conn = sqlite3.connect(station.store.path)
    conn.execute("UPDATE orders SET status='cancelled', cancel_reason='顾客取消' WHERE order_id=?",
                 (a["order_id"],))
    conn.execute("UPDATE orders SET status='refunded' WHERE order_id=?", (b["order_id"],))
    conn.commit()
    host.scan(a["pickup_code"])
    assert host.reason() == "cancelled" and "顾客取消" in host.text()
    host.scan(b["pickup_code"])
    assert host.reason() == "refunded"


def test_phone_last4_lists_candidates_and_enter_picks(station, host, qtbot):
    o = station.lone_order()
    v = host.scan(o["phone"][-4:])
    assert v.kind == "candidates"
    panel = host.w.counter_view.panel
    row = next(i for i in range(panel.candidates.count())
               if panel.candidates.item(i).data(Qt.UserRole) == o["order_id"])
    panel.candidates.setCurrentRow(row)
    with qtbot.waitSignal(host.w.counter_view.verdictShown, timeout=5000):
        host.enter()
    shown = host.w.counter_view.panel.verdict
    assert host.kind() == "ready" and [x.order_id for x in shown.orders] == [o["order_id"]]
    assert shown.orders[0].shelf_slot in host.text()
    host.confirm_with_enter()
    assert db(station, "SELECT order_id FROM pickups") == [(o["order_id"],)]


def test_all_open_orders_of_a_customer_handed_together_and_one_left_out(station, host, qtbot):
    o = station.order_with_siblings()
    v = host.scan(o["pickup_code"])
    ids = [x.order_id for x in v.orders if x.arrived]
    assert len(ids) >= 2
    host.w.counter_view.panel.set_order_checked(ids[-1], False)
    result = host.confirm_with_enter()
    assert {p.order_id for p in result.pickups} == set(ids[:-1])
    assert db(station, "SELECT pickup_state FROM orders WHERE order_id=?", ids[-1]) == \
        [("open",)]


def test_partial_pickup_through_the_window(station, host):
    o = next(x for x in station.batches[0]["orders"] if len(x["items"]) >= 2)
    v = host.scan(o["pickup_code"])
    order = next(x for x in v.orders if x.order_id == o["order_id"])
    item = order.items[0]
    for other in v.orders:
        if other.order_id != o["order_id"]:
            host.w.counter_view.panel.set_order_checked(other.order_id, False)
    host.w.counter_view.panel.set_item_qty(item.item_id, item.qty - 1, "damaged")
    host.confirm_with_enter()
    assert db(station, "SELECT pickup_state FROM orders WHERE order_id=?", o["order_id"]) == \
        [("partially_picked_up",)]
    assert (item.sku, item.qty - 1, "damaged") in db(
        station, "SELECT sku, qty_handed, reason FROM pickup_lines")
    assert db(station, "SELECT count(*) FROM outbox WHERE type='item_damaged'") == [(1,)]


def test_proxy_pickup_records_the_collector(station, host, qtbot):
    o = station.lone_order()
    host.scan(o["pickup_code"])
    host.w.findChild(type(host.scan_input), "proxyName").setText("邻居 张三")
    host.confirm_with_enter()
    assert db(station, "SELECT proxy_name FROM pickups") == [("邻居 张三",)]
    assert host.w.findChild(type(host.scan_input), "proxyName").text() == ""


def test_batch_not_arrived_then_leader_override(station, host, qtbot):
    o = station.waiting_only_order()
    host.scan(o["pickup_code"])
    assert host.reason() == "not_arrived"
    cv = host.w.counter_view
    cv.ask_leader_approval = lambda *a: ("5678", "急用")  # an assistant's PIN
    host.enter()
    qtbot.waitUntil(lambda: host.reason() == "leader_pin_required", timeout=3000)
    assert db(station, "SELECT count(*) FROM pickups") == [(0,)]
    host.scan(o["pickup_code"])
    cv.ask_leader_approval = lambda *a: ("1234", "顾客急用")
    with qtbot.waitSignal(cv.handoverDone, timeout=5000):
        host.enter()
    assert db(station, "SELECT override_kind, override_by, override_reason FROM pickups") == \
        [("batch_not_arrived", "leader", "顾客急用")]


def test_no_code_handover_needs_leader_and_is_marked(station, host, qtbot):
    o = station.lone_order()
    cv = host.w.counter_view
    cv.pick_order_without_code = lambda: o["order_id"]
    cv.ask_leader_approval = lambda *a: ("1234", "顾客手机没电，核对身份证")
    with qtbot.waitSignal(cv.verdictShown, timeout=5000):
        qtbot.mouseClick(host.w.findChild(type(host.confirm_button), "noCodeButton"),
                         Qt.LeftButton)
    assert host.kind() == "ready"
    host.confirm_with_enter()
    assert db(station, "SELECT override_kind, override_reason FROM pickups") == \
        [("no_code", "顾客手机没电，核对身份证")]


def test_undo_within_ten_minutes_and_late_undo_needs_leader(station, host, qtbot):
    cv = host.w.counter_view
    a, b = station.batches[0]["orders"][20:22]
    for o in (a, b):
        host.scan(o["pickup_code"])
        host.confirm_with_enter()
    qtbot.waitUntil(lambda: cv.recent.count() >= 2, timeout=3000)
    # make the older pickup 11 minutes old
    conn = sqlite3.connect(station.store.path)
    old = (utcnow() - timedelta(minutes=11)).isoformat()
    conn.execute("UPDATE pickups SET picked_at=? WHERE order_id=?", (old, a["order_id"]))
    conn.commit()
    cv.refresh_recent()
    qtbot.wait(200)
    cv.ask_reason = lambda *a: "拿错了"
    row_b = next(i for i in range(cv.recent.count())
                 if cv.recent.item(i).data(Qt.UserRole)["order_id"] == b["order_id"])
    cv.recent.setCurrentRow(row_b)
    cv.undo_selected()
    qtbot.waitUntil(lambda: host.reason() == "undone", timeout=3000)
    assert db(station, "SELECT undone_by FROM pickups WHERE order_id=?", b["order_id"]) == \
        [("leader",)]
    asked = []
    cv.ask_leader_approval = lambda *x: asked.append(x) or ("1234", "")
    qtbot.waitUntil(lambda: cv.recent.count() >= 2, timeout=3000)
    row_a = next(i for i in range(cv.recent.count())
                 if cv.recent.item(i).data(Qt.UserRole)["order_id"] == a["order_id"])
    cv.recent.setCurrentRow(row_a)
    cv.undo_selected()
    qtbot.waitUntil(lambda: db(station, "SELECT undo_override_by FROM pickups WHERE order_id=?",
                               a["order_id"]) == [("leader",)], timeout=3000)
    assert asked  # the leader was asked
    assert db(station, "SELECT count(*) FROM outbox WHERE type='pickup_undone'") == [(2,)]


def test_switch_operator_with_pin_and_records_name_the_operator(station, host, qtbot):
    w = host.w
    w.sign_in("a1", "0000")  # wrong PIN
    qtbot.wait(200)
    assert w.operator.operator_id != "a1"
    w.sign_in("a1", "5678")
    qtbot.waitUntil(lambda: w.operator.operator_id == "a1", timeout=3000)
    assert "小李" in w.findChild(type(host.result), "operatorLabel").text()
    o = station.lone_order()
    host.scan(o["pickup_code"])
    host.confirm_with_enter()
    assert db(station, "SELECT operator_id FROM pickups") == [("a1",)]


def test_arrival_tab_signs_a_batch_off_with_a_shortage(station, window, qtbot):
    view = window.arrival_view
    batch = station.batches[-1]
    qtbot.waitUntil(lambda: view.batches.rowCount() == 3, timeout=3000)
    view.select_batch(batch["batch_id"])
    qtbot.waitUntil(lambda: len(view._spins) > 0, timeout=3000)
    o = batch["orders"][0]
    view.set_issue(o["order_id"], o["items"][0]["sku"], short=1)
    with qtbot.waitSignal(view.signedOff, timeout=5000):
        qtbot.mouseClick(view.sign_button, Qt.LeftButton)
    assert db(station, "SELECT status FROM batches WHERE batch_id=?", batch["batch_id"]) == \
        [("arrived",)]
    assert db(station, "SELECT qty_short FROM order_items WHERE order_id=? AND sku=?",
              o["order_id"], o["items"][0]["sku"]) == [(1,)]
    # and now the counter hands its orders over without an override
    host = Driver(qtbot, window)
    window.tabs.setCurrentIndex(0)
    host.scan(batch["orders"][3]["pickup_code"])
    assert host.kind() == "ready"


def test_escape_clears_and_newer_scan_wins(station, host, qtbot):
    a, b = station.batches[0]["orders"][30:32]
    host.scan_input.setText(a["pickup_code"])
    qtbot.keyClick(host.scan_input, Qt.Key_Return)
    v = host.scan(b["pickup_code"])
    qtbot.wait(100)
    assert v.orders[0].order_id == b["order_id"] and host.w.counter_view.panel.verdict is v
    assert v.orders[0].shelf_slot in host.text()
    qtbot.keyClick(host.scan_input, Qt.Key_Escape)
    assert host.kind() == "idle"


def test_the_counter_rehearses_a_hand_over_at_start_on_the_writer_lane(qtbot, make_window,
                                                                         station, monkeypatch):
    """The first customer's confirm does not pay for the hand-over's first run; the rehearsal
    runs once, on the writer lane, and leaves the store as it was."""
    import threading

    from pickup_station.core.counter import Counter

    calls = []
    real = Counter.warm_up

    def spy(self):
        calls.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(Counter, "warm_up", spy)
    conn = sqlite3.connect(station.store.path)
    before = list(conn.iterdump())
    w = make_window()
    qtbot.waitUntil(lambda: bool(calls) and w.sv.tasks.pending == 0, timeout=5000)
    assert len(calls) == 1 and calls[0].startswith("lane-write")
    assert list(conn.iterdump()) == before
    conn.close()
    host = Driver(qtbot, w)
    o = station.lone_order()
    host.scan(o["pickup_code"])
    assert host.confirm_with_enter().receipt_nos[0].endswith("-0001")
