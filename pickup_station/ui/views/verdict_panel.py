"""The verdict panel: one glance from a metre away decides, then the orders to fetch.

At the top a full-width colour band (`verdictBand`) holds `lookupResult`: an icon and a word
(never colour alone, for colour-blind hosts), the headline in the largest type on the screen,
what to do when the answer is no ("勿发货", "请团长处理"), the explanation, and one summary
line (who, how many orders and items, which shelf slots). Each state has its own band
(`BANDS`): ready (blue, ▶ and the slot), partly ready (teal, ◐), done (solid green, ✓),
refused (red, ✕, do not hand over), needs the leader (amber, ⚠), scan again (slate, ?),
choose a customer (purple, ☰), idle (light grey). `lookupResult` carries the machine-readable
verdict in its `verdictKind` and `verdictReason` properties, the band its `bandState`.

Below the band, one place that shows the customer's orders as cards (`handoverItems`, see
order_cards.py), the customers matching a phone's last 4 digits (`candidateList`, one large
row per customer), or nothing. Order and batch ids and SKUs show only with the band's detail
toggle (`detailToggle`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.counter import OrderChoice
from pickup_station.core.verdicts import Verdict
from pickup_station.messages import render
from pickup_station.ui.views.order_cards import REASON_CODES, OrderCards

__all__ = ["BANDS", "REASON_CODES", "VerdictPanel", "band_state"]

HEADLINE_PX = 40  # the largest text on the counter screen
BODY_PX = 17
SUMMARY_PX = 20
CANDIDATE_PX = 20
SLOTS_SHOWN = 4


@dataclass(frozen=True)
class Band:
    background: str
    foreground: str
    icon: str


BANDS = {
    "idle": Band("#eceff1", "#263238", "○"),
    "ready": Band("#0d47a1", "#ffffff", "▶"),
    "partly_ready": Band("#00695c", "#ffffff", "◐"),
    "done": Band("#1b5e20", "#ffffff", "✓"),
    "candidates": Band("#4a148c", "#ffffff", "☰"),
    "needs_leader": Band("#ffb300", "#000000", "⚠"),
    "refused": Band("#b71c1c", "#ffffff", "✕"),
    "rescan": Band("#455a64", "#ffffff", "?"),
    "undone": Band("#eceff1", "#263238", "↺"),
}


def band_state(kind: str, reason: str = "") -> str:
    """The band of a verdict (kind, reason) or of a screen message (kind, its code)."""
    if kind == "refused":
        return {"not_arrived": "needs_leader", "empty": "rescan",
                "invalid": "rescan", "pairing_code": "rescan"}.get(reason, "refused")
    if kind == "ready" and reason == "done":
        return "done"
    if kind == "idle" and reason == "undone":
        return "undone"
    return kind if kind in BANDS else "idle"


class VerdictPanel(QFrame):
    candidatePicked = Signal(str)  # an order id that stands for the chosen customer

    def __init__(self, parent: QWidget | None = None, lang: str = "zh_CN"):
        super().__init__(parent)
        self.lang = lang  # of the catalogue texts it words itself (band, cards, idle prompt)
        self.headline_px = HEADLINE_PX  # Settings › Display may make it larger or smaller
        self.verdict: Verdict | None = None
        self.state = "idle"
        self.band = QFrame(self)
        self.band.setObjectName("verdictBand")
        self.band.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Maximum)
        self.band.setAutoFillBackground(True)
        self.result = QLabel(self.band)
        self.result.setObjectName("lookupResult")
        self.result.setTextFormat(Qt.RichText)
        self.result.setWordWrap(True)
        self.result.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.result.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.details_toggle = QToolButton(self.band)
        self.details_toggle.setObjectName("detailToggle")
        self.details_toggle.setText(self.tr("Order ids / SKU"))
        self.details_toggle.setToolTip(self.tr("Show order and batch numbers and SKU codes"))
        self.details_toggle.setCheckable(True)
        self.details_toggle.setFocusPolicy(Qt.NoFocus)
        self.details_toggle.toggled.connect(self._details)
        self.details_toggle.setStyleSheet(  # readable on every band colour
            "QToolButton{background:rgba(255,255,255,0.88);color:#263238;border:none;"
            "border-radius:4px;padding:3px 8px} QToolButton:checked{background:#ffffff;"
            "font-weight:700}")
        band_row = QHBoxLayout(self.band)
        band_row.setContentsMargins(14, 8, 10, 10)
        band_row.addWidget(self.result, 1)
        band_row.addWidget(self.details_toggle, 0, Qt.AlignTop)

        self.cards = OrderCards(self, lang)
        self.items = self.cards  # the hand-over area (objectName handoverItems)
        self.candidates = QListWidget(self)
        self.candidates.setObjectName("candidateList")
        font = QFont(self.candidates.font())
        font.setPixelSize(CANDIDATE_PX)
        self.candidates.setFont(font)
        self.candidates.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Ignored)
        self.candidates.setStyleSheet(
            "QListWidget::item{padding:6px 10px;border-bottom:1px solid #cfd8dc}"
            "QListWidget::item:selected{background:#4a148c;color:#ffffff}")
        self.candidates.itemActivated.connect(self._pick)
        self.candidates.itemDoubleClicked.connect(self._pick)
        # One place below the band: the cards, the candidates or nothing (a stack: flipping a
        # page does not re-lay the whole panel out).
        self.detail = QStackedWidget(self)
        self.detail.setObjectName("verdictDetail")
        self.detail.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Ignored)
        self._nothing = QWidget(self.detail)
        for page in (self._nothing, self.cards, self.candidates):
            self.detail.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.band)
        layout.addWidget(self.detail, 1)
        self.show_idle()

    # --- showing -------------------------------------------------------------------------
    def show_idle(self, text: str | None = None) -> None:
        self.verdict = None
        self._set(render("screen.idle.title", self.lang),
                  text or html.escape(render("screen.idle.body", self.lang)), "idle", "")
        self._show_nothing()

    def show_message(self, headline: str, body: str, kind: str, reason: str = "") -> None:
        self.verdict = None
        self._set(headline, body, kind, reason)
        self._show_nothing()

    def show_verdict(self, verdict: Verdict, headline: str, body: str) -> None:
        self.verdict = verdict
        self._set(self._headline(verdict, headline), body, verdict.kind, verdict.reason or "",
                  self._summary(verdict))
        if verdict.kind == "candidates":
            self._fill_candidates(verdict)
        elif verdict.orders:
            self._fill_items(verdict)
        else:
            self._show_nothing()

    def _show_nothing(self) -> None:
        """No cards below the band: a cover over the cards page when it is up (the next
        customer's verdict usually wants it again), else the empty page."""
        if self.detail.currentWidget() is self.cards:
            self.cards.set_covered(True)
        else:
            self.detail.setCurrentWidget(self._nothing)
        self.details_toggle.setVisible(False)

    def _headline(self, v: Verdict, title: str) -> str:
        state = band_state(v.kind, v.reason or "")
        if state == "ready":
            slots = [o.shelf_slot for o in v.orders if o.shelf_slot]
            if len(v.orders) == 1 and slots:
                return render("band.ready_slot", self.lang, title=title, slot=slots[0])
            return render("band.ready_many", self.lang, title=title, n=len(v.orders))
        if state == "partly_ready":
            return render("band.partly", self.lang, title=title, ready=len(v.arrived_orders),
                          n=len(v.orders))
        key = {"refused": "band.do_not_hand", "needs_leader": "band.call_leader",
               "rescan": "band.rescan"}.get(state)
        return render(key, self.lang, title=title) if key else title

    def _summary(self, v: Verdict) -> str:
        """Who, how many orders and items, which slots: one line under the explanation."""
        if not v.orders or v.kind == "candidates":
            return ""
        first = v.orders[0]
        if v.kind == "refused" and v.reason != "not_arrived":
            return render("band.summary_refused", self.lang, customer=first.customer,
                          phone=first.phone, n=len(v.orders))
        going = v.arrived_orders or v.orders
        slots = [o.shelf_slot for o in going if o.shelf_slot]
        shown = render("band.slot_sep", self.lang).join(slots[:SLOTS_SHOWN])
        if len(slots) > SLOTS_SHOWN:
            shown += " …"
        return render("band.summary", self.lang, customer=first.customer, phone=first.phone,
                      n=len(v.orders), items=sum(o.item_count for o in v.orders),
                      slots=shown or "—")

    def _set(self, headline: str, body: str, kind: str, reason: str, summary: str = "") -> None:
        state = band_state(kind, reason)
        band = BANDS[state]
        self.state = state
        if self.band.property("bandState") != state:
            # a palette, not a style sheet: re-reading a sheet costs ~1 ms on every change
            self.band.setProperty("bandState", state)
            palette = self.band.palette()
            palette.setColor(QPalette.Window, QColor(band.background))
            palette.setColor(QPalette.WindowText, QColor(band.foreground))
            self.band.setPalette(palette)
        self.result.setProperty("verdictKind", kind)
        self.result.setProperty("verdictReason", reason)
        line = (f'<div style="font-size:{SUMMARY_PX}px;font-weight:600">'
                f'{html.escape(summary)}</div>') if summary else ""
        self.result.setText(
            f'<div style="font-size:{self.headline_px}px;font-weight:800">{band.icon}&nbsp;'
            f'{html.escape(headline)}</div><div style="font-size:{BODY_PX}px">{body}</div>'
            f"{line}")
        self.result.setAccessibleName(headline)

    def _fill_items(self, verdict: Verdict) -> None:
        """The customer's orders as cards: ready ones ticked, those on the truck greyed (the
        scanned one ticked when all are on the truck: the leader is asked on confirm),
        refused ones with the slot struck through."""
        states = {}
        for o in verdict.orders:
            if verdict.kind == "refused" and verdict.reason != "not_arrived":
                states[o.order_id] = "refused"
            elif o.arrived:
                states[o.order_id] = "ready"
            else:
                states[o.order_id] = "waiting"
        self.cards.set_covered(False)
        self.cards.show_orders(verdict.orders, states)
        if verdict.reason == "not_arrived":
            scanned = [o for o in verdict.orders if o.scanned] or verdict.orders[:1]
            self.cards.card(scanned[0].order_id).check.setChecked(True)
        self.detail.setCurrentWidget(self.cards)
        self.details_toggle.setVisible(True)

    def _fill_candidates(self, verdict: Verdict) -> None:
        self.candidates.clear()
        sep = render("band.slot_sep", self.lang)
        for c in verdict.customers:
            slots = sep.join(c.shelf_slots[:SLOTS_SHOWN]) + (
                " …" if len(c.shelf_slots) > SLOTS_SHOWN else "")
            line = render("candidate.line", self.lang, n=len(c.order_ids), items=c.items,
                          slots=slots or "—")
            if c.waiting:
                line += render("candidate.waiting", self.lang, n=c.waiting)
            row = QListWidgetItem(render("candidate.head", self.lang, customer=c.customer,
                                         phone=c.phone) + "\n" + line)
            row.setData(Qt.UserRole, c.order_id)
            row.setSizeHint(QSize(0, CANDIDATE_PX * 2 + 34))
            self.candidates.addItem(row)
        self.candidates.setCurrentRow(0)
        self.detail.setCurrentWidget(self.candidates)
        self.details_toggle.setVisible(False)

    def _pick(self, item: QListWidgetItem) -> None:
        self.candidatePicked.emit(item.data(Qt.UserRole))

    def _details(self, on: bool) -> None:
        self.cards.set_details(on)

    # --- reading the host's choices -------------------------------------------------------
    def set_order_checked(self, order_id: str, checked: bool) -> None:
        self.cards.card(order_id).check.setChecked(checked)

    def set_item_qty(self, item_id: int, qty: int, reason: str = "short") -> None:
        for card in self.cards.visible_cards():
            row = card.row_for(item_id)
            if row is not None:
                card.adjust.setChecked(True)
                row.spin.setValue(qty)
                row.combo.setCurrentIndex(REASON_CODES.index(reason))
                return
        raise KeyError(item_id)

    def choices(self) -> list[OrderChoice]:
        """The orders ticked, with the quantities the host set (None lines = as arrived)."""
        if self.verdict is None or self.detail.currentWidget() is not self.cards \
                or self.cards.covered():
            return []
        return self.cards.choices()

    def chosen_waiting(self) -> list[str]:
        """Ticked orders still on the truck: handing them over needs the leader."""
        if self.verdict is None:
            return []
        waiting = {o.order_id for o in self.verdict.waiting_orders}
        return [c.order_id for c in self.choices() if c.order_id in waiting]

    def selected_candidate(self) -> str | None:
        item = self.candidates.currentItem()
        return item.data(Qt.UserRole) if item and self.candidates.isVisible() else None

    def visible_text(self) -> str:
        """Every word the panel shows now (band and cards), for tests and accessibility."""
        words = [self.result.text()]
        for card in self.cards.visible_cards() if self.detail.currentWidget() is self.cards \
                else []:  # (none while covered)
            words += [card.slot.text(), card.items.text(), card.note.text()]
            if card.ids.isVisibleTo(card):
                words.append(card.ids.text())
        return "\n".join(words)
