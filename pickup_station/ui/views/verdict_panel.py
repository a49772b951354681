"""The verdict panel: who it is, what to hand over, where it sits — readable from a step away.

`lookupResult` is a QLabel with the verdict in large rich text (its `verdictKind` and
`verdictReason` properties carry the machine-readable verdict). Below it, `handoverItems` lets
the host leave an order out or lower a quantity (short / damaged / declined), and
`candidateList` shows the orders matching a phone's last 4 digits.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.counter import LineChoice, OrderChoice
from pickup_station.core.verdicts import OrderView, Verdict
from pickup_station.messages import render

COLORS = {"ready": "#1b7f3b", "candidates": "#1f5fbf", "refused": "#c62828", "idle": "#555"}
REASON_CODES = ["short", "damaged", "declined"]


class VerdictPanel(QFrame):
    candidatePicked = Signal(str)  # order_id

    def __init__(self, parent: QWidget | None = None, lang: str = "zh_CN"):
        super().__init__(parent)
        self.lang = lang  # of the catalogue texts it shows itself (the idle prompt)
        self.setFrameShape(QFrame.StyledPanel)
        self.verdict: Verdict | None = None
        self.result = QLabel(self)
        self.result.setObjectName("lookupResult")
        self.result.setTextFormat(Qt.RichText)
        self.result.setWordWrap(True)
        self.result.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.result.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.items = QTreeWidget(self)
        self.items.setObjectName("handoverItems")
        self.items.setColumnCount(3)
        self.items.setHeaderLabels([self.tr("Order / item"), self.tr("Hand over"),
                                    self.tr("If not all")])
        self.items.setColumnWidth(0, 420)
        self.items.setColumnWidth(1, 90)
        self.items.setFocusPolicy(Qt.NoFocus)
        # no box of its own: with its rows hidden after a hand-over the tree is simply not seen
        self.items.setFrameShape(QFrame.NoFrame)
        self.items.viewport().setAutoFillBackground(False)
        self.candidates = QListWidget(self)
        self.candidates.setObjectName("candidateList")
        self.candidates.itemActivated.connect(self._pick)
        self.candidates.itemDoubleClicked.connect(self._pick)
        # One place below the verdict that shows the items, the candidates or nothing. Flipping
        # pages of a stack does not re-lay the whole panel out, as showing a hidden tree did
        # (that re-measured the big rich-text verdict: several ms per scan after a hand-over).
        self.detail = QStackedWidget(self)
        self.detail.setObjectName("verdictDetail")
        self._nothing = QWidget(self.detail)
        for page in (self._nothing, self.items, self.candidates):
            self.detail.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addWidget(self.detail, 1)
        self._spin: dict[int, tuple[QSpinBox, QComboBox]] = {}
        self._orders: dict[str, QTreeWidgetItem] = {}
        self._rows: list[list[tuple[QTreeWidgetItem, QSpinBox, QComboBox]]] = []  # kept rows
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
        orders_html = "".join(self._order_html(o) for o in verdict.orders) \
            if verdict.kind != "candidates" else ""
        self._set(headline, body + orders_html, verdict.kind, verdict.reason or "")
        if verdict.kind == "ready" or verdict.reason == "not_arrived":
            self._fill_items(verdict.orders)
        elif verdict.kind == "candidates":
            self._fill_candidates(verdict.orders)
        else:
            self._show_nothing()

    def _show_nothing(self) -> None:
        """No items below the verdict. When the items page is up, its rows are hidden rather
        than the page flipped: showing the tree again re-shows every editor in it (2 ms a
        scan, measured), and the next customer's verdict usually wants the tree."""
        if self.detail.currentWidget() is self.items:
            for n in range(self.items.topLevelItemCount()):
                self.items.topLevelItem(n).setHidden(True)
            self.items.setHeaderHidden(True)
        else:
            self.detail.setCurrentWidget(self._nothing)

    def _set(self, headline: str, body: str, kind: str, reason: str) -> None:
        color = COLORS.get(kind, "#555")
        self.result.setProperty("verdictKind", kind)
        self.result.setProperty("verdictReason", reason)
        self.result.setText(
            f'<div style="font-size:30px;font-weight:700;color:{color}">{html.escape(headline)}'
            f'</div><div style="font-size:18px">{body}</div>')
        self.result.setAccessibleName(headline)

    def _order_html(self, o: OrderView) -> str:
        items = render("list.sep", self.lang).join(f"{html.escape(i.name)} ×{i.qty}"
                                                   for i in o.items)
        slot = html.escape(o.shelf_slot or "—")
        mark = " ★" if o.scanned else ""
        order_word, batch_word = self.tr("Order"), self.tr("Batch")  # lupdate skips f-strings
        return (
            '<table style="margin-top:8px" cellspacing="0"><tr>'
            f'<td style="font-size:44px;font-weight:800;padding-right:18px">{slot}</td>'
            f'<td><div style="font-size:22px;font-weight:600">{html.escape(o.customer)} '
            f'{html.escape(o.phone)}{mark}</div>'
            f'<div style="font-size:16px;color:#444">{order_word} {html.escape(o.order_id)}'
            f' · {batch_word} {html.escape(o.batch_id)}</div>'
            f'<div style="font-size:18px">{items}</div></td></tr></table>')

    def _fill_items(self, orders: list[OrderView]) -> None:
        """One row per order and per item, with a quantity box and a reason list. The rows
        and their editors are kept and refilled for the next customer (building editors is
        what a scan's paint time went on); rows not needed this time are hidden."""
        self._spin.clear()
        self._orders.clear()
        for n, o in enumerate(orders):
            if n == self.items.topLevelItemCount():
                QTreeWidgetItem(self.items)
            top = self.items.topLevelItem(n)
            top.setText(0, f"{o.shelf_slot}  {o.customer}  {o.order_id}")
            top.setData(0, Qt.UserRole, o.order_id)
            top.setCheckState(0, Qt.Checked if o.arrived else Qt.Unchecked)
            top.setHidden(False)
            self._orders[o.order_id] = top
            for k, it in enumerate(o.items):
                child, spin, combo = self._item_row(n, k)
                child.setText(0, f"{it.name}  ({it.sku})")
                spin.setRange(0, it.qty)
                spin.setValue(it.available)
                spin.setSuffix(f" / {it.qty}")
                combo.setCurrentIndex(1 if it.qty_damaged and not it.qty_short else 0)
                combo.setEnabled(it.available < it.qty)
                child.setHidden(False)
                self._spin[it.item_id] = (spin, combo)
            for k in range(len(o.items), top.childCount()):
                top.child(k).setHidden(True)
            top.setExpanded(True)
        for n in range(len(orders), self.items.topLevelItemCount()):
            self.items.topLevelItem(n).setHidden(True)
        self.items.scrollToTop()
        self.items.setHeaderHidden(False)
        self.detail.setCurrentWidget(self.items)

    def _item_row(self, n: int, k: int) -> tuple[QTreeWidgetItem, QSpinBox, QComboBox]:
        """The k-th item row of the n-th order with its editors, made when first needed."""
        while len(self._rows) <= n:
            self._rows.append([])
        rows = self._rows[n]
        if k < len(rows):
            return rows[k]
        child = QTreeWidgetItem(self.items.topLevelItem(n))
        spin = QSpinBox()
        spin.setFocusPolicy(Qt.ClickFocus)
        combo = QComboBox()
        combo.addItems([self.tr("Short"), self.tr("Damaged"), self.tr("Declined")])
        combo.setFocusPolicy(Qt.ClickFocus)
        spin.valueChanged.connect(lambda v, c=combo, sp=spin: c.setEnabled(v < sp.maximum()))
        self.items.setItemWidget(child, 1, spin)
        self.items.setItemWidget(child, 2, combo)
        rows.append((child, spin, combo))
        return rows[k]

    def _fill_candidates(self, orders: list[OrderView]) -> None:
        self.candidates.clear()
        for o in orders:
            items = render("list.sep", self.lang).join(f"{i.name}×{i.qty}" for i in o.items)
            arrived = "" if o.arrived else self.tr(" (not arrived)")
            row = QListWidgetItem(f"{o.customer}  {o.phone}  {o.shelf_slot}  "
                                  f"{o.order_id}{arrived}\n    {items}")
            row.setData(Qt.UserRole, o.order_id)
            self.candidates.addItem(row)
        self.candidates.setCurrentRow(0)
        self.detail.setCurrentWidget(self.candidates)

    def _pick(self, item: QListWidgetItem) -> None:
        self.candidatePicked.emit(item.data(Qt.UserRole))

    # --- reading the host's choices -------------------------------------------------------
    def set_order_checked(self, order_id: str, checked: bool) -> None:
        self._orders[order_id].setCheckState(0, Qt.Checked if checked else Qt.Unchecked)

    def set_item_qty(self, item_id: int, qty: int, reason: str = "short") -> None:
        spin, combo = self._spin[item_id]
        spin.setValue(qty)
        combo.setCurrentIndex(REASON_CODES.index(reason))

    def choices(self) -> list[OrderChoice]:
        """The orders ticked, with the quantities the host set (None lines = as arrived)."""
        if self.verdict is None:
            return []
        out = []
        for o in self.verdict.orders:
            top = self._orders.get(o.order_id)
            if top is None or top.checkState(0) != Qt.Checked:
                continue
            lines, changed = [], False
            for it in o.items:
                spin, combo = self._spin[it.item_id]
                qty = spin.value()
                reason = REASON_CODES[combo.currentIndex()] if qty < it.qty else None
                changed |= qty != it.available
                lines.append(LineChoice(it.item_id, qty, reason))
            out.append(OrderChoice(o.order_id, lines if changed else None))
        return out

    def selected_candidate(self) -> str | None:
        item = self.candidates.currentItem()
        return item.data(Qt.UserRole) if item and self.candidates.isVisible() else None
