"""The counter as a host sees it from a metre away, on a 1366×768 screen (issue 9).

Each verdict state has its own full-width band (colour read back from the painted pixels, an
icon and a word, the headline in the largest type on screen); five and twelve orders scroll
inside a fixed area and never make the window taller; a customer's arrived order goes without
the leader while the one on the truck needs the PIN; the phone picker has one large row per
customer and Enter picks the highlighted one.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontInfo
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from pickup_station.store.models import Order
from pickup_station.ui.views.verdict_panel import BANDS

from .conftest import Driver

SCREEN_H = 768
FRAME_H = 30  # title bar of a typical window frame
PX = re.compile(r"font-size:\s*(\d+)px")


def db(station, sql, *args):
    conn = sqlite3.connect(station.store.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def text_px(w: QWidget) -> list[int]:
    """Every text size a widget shows: its font, and sizes in its rich text or style sheet."""
    sizes = [QFontInfo(w.font()).pixelSize()]
    if isinstance(w, QLabel):
        sizes += [int(x) for x in PX.findall(w.text())]
    sizes += [int(x) for x in PX.findall(w.styleSheet())]
    return sizes


def headline_is_the_largest_text(window) -> tuple[int, int]:
    panel = window.counter_view.panel
    headline = max(text_px(panel.result))
    others = [max(text_px(w)) for w in window.findChildren(QWidget)
              if w.isVisible() and w is not panel.result and w is not panel.band
              and w.styleSheet() != panel.band.styleSheet()]
    return headline, max(others)


def band_color(panel) -> str:
    image = panel.band.grab().toImage()
    return QColor(image.pixel(panel.band.width() // 2, 3)).name()


def make_customer(station, n: int, last4: str = "0005") -> list[dict]:
    """n orders of the first (arrived) batch become one customer's."""
    orders = station.batches[0]["orders"][:n]
    with station.store.session() as s:
        for o in orders:
            row = s.get(Order, o["order_id"])
            row.customer_key, row.customer_name = f"glance-{n}", "赵小雨"
            row.phone_masked, row.phone_last4 = f"138****{last4}", last4
    return orders


@pytest.fixture
def screen_host(qtbot, make_window):
    w = make_window()
    w.resize(1366, SCREEN_H - FRAME_H)
    qtbot.waitUntil(lambda: w.size().height() == SCREEN_H - FRAME_H)
    return Driver(qtbot, w)


def _ready(station, host):
    host.scan(station.lone_order()["pickup_code"])


def _done(station, host):
    host.scan(station.lone_order()["pickup_code"])
    host.confirm_with_enter()


def _already(station, host):
    _done(station, host)
    host.scan(station.lone_order()["pickup_code"])


def _cancelled(station, host):
    o = station.lone_order(1)
    db_exec(station, "UPDATE orders SET status='cancelled' WHERE order_id=?", o["order_id"])
    host.scan(o["pickup_code"])


def _unknown(station, host):
    host.scan("000000")


def _invalid(station, host):
    host.scan("hello")


def _not_arrived(station, host):
    host.scan(station.waiting_only_order()["pickup_code"])


def _partly(station, host):
    host.scan(station.mixed_customer()[0]["pickup_code"])


def _candidates(station, host):
    host.scan(station.lone_order()["phone"][-4:])


def db_exec(station, sql, *args):
    conn = sqlite3.connect(station.store.path)
    try:
        conn.execute(sql, args)
        conn.commit()
    finally:
        conn.close()


STATES = [  # band, how to get there, words the band must say
    ("ready", _ready, ["可以提货", "→ 货架"]),
    ("done", _done, ["核销成功"]),
    ("refused", _already, ["已提货", "勿发货"]),
    ("refused", _cancelled, ["订单已取消", "勿发货"]),
    ("refused", _unknown, ["查无此码", "勿发货"]),
    ("rescan", _invalid, ["不是提货码", "请重新扫码"]),
    ("needs_leader", _not_arrived, ["批次尚未到货签收", "请团长处理"]),
    ("partly_ready", _partly, ["部分可提货"]),
    ("candidates", _candidates, ["请选择顾客"]),
]


@pytest.mark.parametrize("state,get_there,words", STATES,
                         ids=[f"{s}-{f.__name__.strip('_')}" for s, f, _ in STATES])
def test_each_state_has_its_band_icon_words_and_the_largest_headline(
        station, screen_host, ui_language, state, get_there, words):
    ui_language("zh_CN")
    get_there(station, screen_host)
    panel = screen_host.w.counter_view.panel
    screen_host.qtbot.waitUntil(lambda: panel.state == state, timeout=3000)
    assert panel.band.property("bandState") == state
    assert band_color(panel) == BANDS[state].background  # painted, not just asked for
    assert panel.band.width() >= panel.width() - 2  # the full width of the panel
    headline_html = panel.result.text().split("</div>")[0]
    assert BANDS[state].icon in headline_html  # icon and word, never colour alone
    for word in words:
        assert word in panel.result.text()
    headline, other = headline_is_the_largest_text(screen_host.w)
    assert headline > other, (headline, other)


def test_bands_differ_in_colour_and_icon_and_ready_is_not_done():
    shown = [s for s in BANDS if s not in ("idle", "undone")]
    assert len({BANDS[s].background for s in shown}) == len(shown)
    assert len({BANDS[s].icon for s in BANDS}) == len(BANDS)
    ready, done = QColor(BANDS["ready"].background), QColor(BANDS["done"].background)
    assert ready.hue() != done.hue() and BANDS["ready"].icon != BANDS["done"].icon


def test_a_refusal_strikes_the_slot_out_and_the_band_says_do_not_hand(station, screen_host):
    _already(station, screen_host)
    panel = screen_host.w.counter_view.panel
    [card] = panel.cards.visible_cards()
    assert card.slot.font().strikeOut() and not card.check.isVisible()
    assert not screen_host.confirm_button.isEnabled()
    assert screen_host.w.counter_view.sv.sounds.played[-1] == "fail"


@pytest.mark.parametrize("n", [1, 5, 12, 20])
def test_many_orders_scroll_inside_a_fixed_area(station, screen_host, qtbot, n):
    w = screen_host.w
    orders = make_customer(station, n)
    before = w.size()
    assert w.minimumSizeHint().height() + FRAME_H <= SCREEN_H
    v = screen_host.scan(orders[-1]["pickup_code"])
    assert v.kind == "ready" and len(v.orders) == n
    qtbot.wait(50)
    assert w.size() == before
    assert w.minimumSizeHint().height() + FRAME_H <= SCREEN_H
    assert w.minimumSize().height() + FRAME_H <= SCREEN_H
    panel = w.counter_view.panel
    summary = panel.result.text()
    assert f"共 {n} 单" in summary
    assert ("…" in summary) == (n > 4)  # slots beyond four are elided
    cards = panel.cards
    shown = cards.visible_cards()
    assert len(shown) == n
    if n >= 12:
        assert cards.verticalScrollBar().maximum() > 0  # they scroll; the window does not grow
    viewport = cards.viewport()
    for card in shown:  # every card can be brought into view
        cards.ensureWidgetVisible(card, 0, 0)
        qtbot.wait(5)
        top = card.mapTo(viewport, QPoint(0, 0)).y()
        assert top >= 0 and top + card.height() <= viewport.height(), card.order.order_id
    assert len(panel.cards.choices()) == n  # one list: ticking happens in the cards only
    qtbot.keyClick(screen_host.scan_input, Qt.Key_Escape)
    assert screen_host.kind() == "idle"
    qtbot.wait(50)
    assert w.size() == before and w.minimumSizeHint().height() + FRAME_H <= SCREEN_H


def test_arrived_order_goes_without_pin_and_the_one_on_the_truck_needs_it(
        station, screen_host, qtbot):
    arrived, waiting = station.mixed_customer()
    cv = screen_host.w.counter_view
    asked = []

    def no_leader(*args):  # the leader is not there: no PIN, the dialog is cancelled
        asked.append(args)
    cv.ask_leader_approval = no_leader
    v = screen_host.scan(arrived["pickup_code"])
    assert v.kind == "partly_ready" and cv.panel.state == "partly_ready"
    assert cv.sv.sounds.played[-1] == "warn"
    card = cv.panel.cards.card(waiting["order_id"])
    assert card.state == "waiting" and not card.check.isChecked()
    assert card.note.text() and next(o for o in v.orders
                                     if o.order_id == waiting["order_id"]).expected_at \
        in card.note.text()
    assert cv.panel.cards.card(arrived["order_id"]).check.isChecked()

    card.check.setChecked(True)  # the host chooses to hand the late one over too: no PIN
    screen_host.enter()
    assert len(asked) == 1
    assert db(station, "SELECT count(*) FROM pickups") == [(0,)]

    card.check.setChecked(False)  # only the arrived ones: no PIN asked
    result = screen_host.confirm_with_enter()
    here = {o.order_id for o in v.arrived_orders}
    assert arrived["order_id"] in here and waiting["order_id"] not in here
    assert {p.order_id for p in result.pickups} == here
    assert len(asked) == 1
    assert dict(db(station, "SELECT order_id, override_kind FROM pickups")) == \
        dict.fromkeys(here)

    v = screen_host.scan(waiting["pickup_code"])
    assert v.reason == "not_arrived" and cv.panel.state == "needs_leader"
    screen_host.enter()
    assert len(asked) == 2 and db(station, "SELECT count(*) FROM pickups") == [(len(here),)]
    cv.ask_leader_approval = lambda *a: ("1234", "顾客急用")
    with qtbot.waitSignal(cv.handoverDone, timeout=5000):
        screen_host.enter()
    assert dict(db(station, "SELECT order_id, override_kind FROM pickups")) == {
        **dict.fromkeys(here), waiting["order_id"]: "batch_not_arrived"}


def test_phone_picker_one_large_row_per_customer_and_enter_picks(
        station, screen_host, qtbot, ui_language):
    arrived, _ = station.mixed_customer()
    other = station.lone_order()
    last4 = arrived["phone"][-4:]
    db_exec(station, "UPDATE orders SET phone_last4=? WHERE order_id=?", last4, other["order_id"])
    cv = screen_host.w.counter_view
    v = screen_host.scan(last4)
    assert v.kind == "candidates"
    rows = cv.panel.candidates
    assert rows.count() == len(v.customers) >= 2
    assert len(v.orders) > rows.count()  # several orders, fewer rows: one per customer
    texts = [rows.item(i).text() for i in range(rows.count())]
    mixed = next(t for t in texts if arrived["phone"][-4:] in t and "未到货" in t)
    assert "个订单" in mixed and "*" in mixed.split()[0]  # masked name and phone, as stored
    assert arrived["phone"] not in "".join(texts)
    assert all(rows.visualItemRect(rows.item(i)).height() >= 56 for i in range(rows.count()))
    assert cv.confirm_button.text() == "Choose this customer (Enter)"
    assert cv.confirm_button.isEnabled()

    target = v.customers[1]
    qtbot.keyClick(screen_host.scan_input, Qt.Key_Down)  # arrows move the highlight
    assert rows.currentRow() == 1
    with qtbot.waitSignal(cv.verdictShown, timeout=5000) as blocker:
        screen_host.enter()
    picked = blocker.args[0]
    assert {o.order_id for o in picked.orders} == set(target.order_ids)
    assert cv.confirm_button.text() == "Confirm hand-over (Enter)"
    assert QApplication.focusWidget() is screen_host.scan_input


def test_phone_picker_button_in_chinese(station, make_window, qtbot, ui_language):
    ui_language("zh_CN")
    host = Driver(qtbot, make_window())
    host.scan(station.lone_order()["phone"][-4:])
    assert host.confirm_button.text().startswith("选择此顾客")


def test_the_new_words_follow_the_window_language(station, make_window, qtbot, ui_language):
    from pickup_station.config import Settings

    ui_language("en")
    host = Driver(qtbot, make_window(Settings(lang="en"), lang="en"))
    cv = host.w.counter_view
    arrived, waiting = station.mixed_customer()
    asked = []
    cv.ask_leader_approval = lambda *a: asked.append(a)
    host.scan(arrived["pickup_code"])
    band = host.text()
    assert "Partly ready" in band and "arrived" in band and "shelf" in band
    card = cv.panel.cards.card(waiting["order_id"])
    assert card.note.text().startswith("On the truck")
    assert card.check.text() == "Hand over early (leader)"
    assert cv.panel.details_toggle.text() == "Order ids / SKU"
    card.check.setChecked(True)
    host.enter()
    [(title, explanation)] = asked
    assert title == "Hand over before arrival"  # the leader is told which slot is still on the truck
    assert card.order.shelf_slot in explanation and "Still on the truck" in explanation
    host.scan(arrived["phone"][-4:])
    assert "order(s)" in cv.panel.candidates.item(0).text()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert not cjk.search(cv.confirm_button.text())
    assert not cjk.search(re.sub(r"[\u4e00-\u9fff]\*+[\u4e00-\u9fff]?", "", host.text()))
