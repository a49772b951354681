"""A customer's orders as compact cards that scroll inside a fixed area of the verdict panel.

One card per order: a tick (hand this one over), the shelf slot in large type, the items in one
line, and under it what the host must know (on the truck until when; the scanned order when
there are several). Quantities and reasons are set in the card itself ("Quantities…" opens one
row per item with a quantity box and a reason): the one place to change them. Order and batch
ids and SKUs show only with the panel's detail toggle. The area has a fixed share of the
window and scrolls: ten or twenty orders never make the window taller.

Cards and their editors are kept and refilled for the next customer (building widgets is what
a scan's paint time would go on); the item editors are made only when a host opens them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.counter import LineChoice, OrderChoice
from pickup_station.core.verdicts import ItemView, OrderView
from pickup_station.messages import render

REASON_CODES = ["short", "damaged", "declined"]
# how a card looks: ready to hand over, on the truck (greyed), refused (slot struck through);
# one sheet on the list, the card's `cardState` picks the rule (no sheet parsed per scan)
CARD_SHEET = (
    'QFrame#orderCard{border-radius:4px}'
    'QFrame#orderCard[cardState="ready"]{background:#ffffff;border:1px solid #b0bec5;'
    'border-left:6px solid #0d47a1}'
    'QFrame#orderCard[cardState="waiting"]{background:#eceff1;border:1px dashed #90a4ae;'
    'border-left:6px solid #90a4ae}'
    'QFrame#orderCard[cardState="refused"]{background:#f5f5f5;border:1px solid #bdbdbd;'
    'border-left:6px solid #b71c1c}')
TEXT_COLOR = {"ready": "#000000", "waiting": "#607d8b", "refused": "#757575"}


def _show(widget: QWidget, on: bool) -> None:
    """setVisible only on a change: even a no-op setVisible costs a scan's paint time."""
    if widget.isHidden() == on:
        widget.setVisible(on)


def _px(widget: QWidget, px: int, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    widget.setFont(font)


class _ItemRow:
    """One item's editors inside a card: name, quantity handed (of ordered), reason."""

    def __init__(self, card: OrderCard, grid: QGridLayout, row: int):
        self.name = QLabel(card)
        self.spin = QSpinBox(card)
        self.spin.setFocusPolicy(Qt.ClickFocus)
        self.spin.setMinimumWidth(90)
        self.combo = QComboBox(card)
        self.combo.addItems(card.reason_labels())
        self.combo.setFocusPolicy(Qt.ClickFocus)
        self.spin.valueChanged.connect(lambda v: self.combo.setEnabled(v < self.spin.maximum()))
        for col, w in enumerate((self.name, self.spin, self.combo)):
            grid.addWidget(w, row, col)
        self.item: ItemView | None = None

    def fill(self, item: ItemView, lang: str, details: bool) -> None:
        self.item = item
        key = "card.item_sku" if details else "card.item"
        self.name.setText(render(key, lang, name=item.name, sku=item.sku, qty=item.qty))
        self.spin.setRange(0, item.qty)
        self.spin.setValue(item.available)
        self.spin.setSuffix(f" / {item.qty}")
        self.combo.setCurrentIndex(1 if item.qty_damaged and not item.qty_short else 0)
        self.combo.setEnabled(item.available < item.qty)

    def set_visible(self, on: bool) -> None:
        for w in (self.name, self.spin, self.combo):
            w.setVisible(on)


class OrderCard(QFrame):
    """One order of the customer at the counter."""

    def __init__(self, parent: QWidget | None = None, lang: str = "zh_CN"):
        super().__init__(parent)
        self.setObjectName("orderCard")
        self.lang = lang
        self.order: OrderView | None = None
        self.state = "ready"
        self.details = False
        self._rows_filled = False
        self._styled = False
        self.check = QCheckBox(self)
        self.check.setObjectName("orderTick")
        self.check.setFocusPolicy(Qt.NoFocus)
        self.slot = QLabel(self)
        self.slot.setObjectName("cardSlot")
        _px(self.slot, 26, bold=True)
        self.slot.setMinimumWidth(118)
        self.items = QLabel(self)
        self.items.setObjectName("cardItems")
        self.items.setWordWrap(True)
        _px(self.items, 16)
        self.note = QLabel(self)
        self.note.setObjectName("cardNote")
        _px(self.note, 14, bold=True)
        self.ids = QLabel(self)
        self.ids.setObjectName("cardIds")
        _px(self.ids, 13)
        self.ids.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.adjust = QToolButton(self)
        self.adjust.setObjectName("adjustButton")
        self.adjust.setText(self.tr("Quantities…"))
        self.adjust.setToolTip(self.tr("Hand over less than ordered: short, damaged or declined"))
        self.adjust.setCheckable(True)
        self.adjust.setFocusPolicy(Qt.NoFocus)
        self.adjust.toggled.connect(self._show_editors)
        self.editors = QWidget(self)
        self.editors.setObjectName("itemEditors")
        self._grid = QGridLayout(self.editors)
        self._grid.setContentsMargins(24, 0, 0, 0)
        self._grid.setColumnStretch(0, 1)
        self._rows: list[_ItemRow] = []
        self.editors.hide()

        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.items)
        text.addWidget(self.note)
        text.addWidget(self.ids)
        top = QHBoxLayout()
        top.addWidget(self.check, 0, Qt.AlignTop)
        top.addWidget(self.slot, 0, Qt.AlignTop)
        top.addLayout(text, 1)
        top.addWidget(self.adjust, 0, Qt.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.editors)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)

    def reason_labels(self) -> list[str]:
        """The words of REASON_CODES, in their order."""
        return [self.tr("Short"), self.tr("Damaged"), self.tr("Declined")]

    # --- filling -------------------------------------------------------------------------
    def fill(self, order: OrderView, state: str, details: bool, several: bool) -> None:
        """state: ready (ticked), waiting (on the truck: greyed, unticked, the leader's),
        refused (nothing to hand: slot struck through)."""
        self.order = order
        if state != self.state or not self._styled:  # restyling costs: only on a change
            self.state, self._styled = state, True
            self.setProperty("cardState", state)
            self.style().unpolish(self)
            self.style().polish(self)
            for label in (self.slot, self.items, self.note, self.ids, self.check):
                palette = label.palette()  # each its own: a parent's sheet stops inheritance
                palette.setColor(QPalette.WindowText, QColor(TEXT_COLOR[state]))
                label.setPalette(palette)
            font = self.slot.font()
            font.setStrikeOut(state == "refused")
            self.slot.setFont(font)
            _show(self.check, state != "refused")
            self.check.setText(self.tr("Hand over") if state == "ready"
                               else self.tr("Hand over early (leader)"))
        self.slot.setText(order.shelf_slot or "—")
        self.check.setChecked(state == "ready")
        _show(self.adjust, state != "refused")
        self.adjust.setChecked(False)
        self._rows_filled = False
        self.set_details(details)
        notes = []
        if state == "waiting":
            notes.append(render("card.on_truck", self.lang, expected_at=order.expected_at)
                         if order.expected_at else render("card.on_truck_no_eta", self.lang))
        if several and order.scanned:
            notes.append(render("card.scanned", self.lang))
        self.note.setText("  ·  ".join(notes))
        _show(self.note, bool(notes))
        _show(self, True)

    def set_details(self, details: bool) -> None:
        o = self.order
        if o is None:
            return
        self.details = details
        sep = render("card.item_sep", self.lang)
        parts = []
        for i in o.items:
            if details:
                parts.append(render("card.item_sku", self.lang, name=i.name, sku=i.sku,
                                    qty=i.qty))
            elif i.available < i.qty:
                parts.append(render("card.item_missing", self.lang, name=i.name, qty=i.qty,
                                    missing=i.qty - i.available))
            else:
                parts.append(render("card.item", self.lang, name=i.name, qty=i.qty))
        self.items.setText(sep.join(parts))
        self.ids.setText(render("card.ids", self.lang, order_id=o.order_id, batch_id=o.batch_id))
        _show(self.ids, details)
        if self._rows_filled:
            for row in self._rows[:len(o.items)]:
                key = "card.item_sku" if details else "card.item"
                row.name.setText(render(key, self.lang, name=row.item.name, sku=row.item.sku,
                                        qty=row.item.qty))

    def _show_editors(self, on: bool) -> None:
        if on:
            self.ensure_editors()
        self.editors.setVisible(on)

    def ensure_editors(self) -> None:
        """The item rows of this order, made or refilled when the host first opens them."""
        if self._rows_filled or self.order is None:
            return
        items = self.order.items
        while len(self._rows) < len(items):
            self._rows.append(_ItemRow(self, self._grid, len(self._rows)))
        for row, item in zip(self._rows, items, strict=False):
            row.fill(item, self.lang, self.details)
            row.set_visible(True)
        for row in self._rows[len(items):]:
            row.set_visible(False)
            row.item = None
        self._rows_filled = True

    # --- reading -------------------------------------------------------------------------
    def row_for(self, item_id: int) -> _ItemRow | None:
        if self.order is None or all(i.item_id != item_id for i in self.order.items):
            return None
        self.ensure_editors()
        return next(r for r in self._rows if r.item and r.item.item_id == item_id)

    def choice(self) -> OrderChoice | None:
        o = self.order
        if o is None or self.state == "refused" or not self.check.isChecked():
            return None
        if not self._rows_filled:
            return OrderChoice(o.order_id, None)  # everything that arrived
        lines, changed = [], False
        for row in self._rows[:len(o.items)]:
            qty = row.spin.value()
            reason = REASON_CODES[row.combo.currentIndex()] if qty < row.item.qty else None
            changed |= qty != row.item.available
            lines.append(LineChoice(row.item.item_id, qty, reason))
        return OrderChoice(o.order_id, lines if changed else None)


class OrderCards(QScrollArea):
    """The cards of one verdict, in a scrolling area that never asks the window to grow."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, lang: str = "zh_CN"):
        super().__init__(parent)
        self.lang = lang
        self.setObjectName("handoverItems")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.NoFocus)
        # a fixed share of the panel: the cards scroll, the window keeps its size
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Ignored)
        self.setMinimumHeight(90)
        self.inner = QWidget(self)
        self.inner.setObjectName("orderCardList")
        self.inner.setStyleSheet(CARD_SHEET)
        self._layout = QVBoxLayout(self.inner)
        self._layout.setContentsMargins(0, 0, 4, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setWidget(self.inner)
        self.cards: list[OrderCard] = []
        self.details = False
        # An empty cover over the cards when a message replaces them: showing it is cheap,
        # while hiding the cards (or flipping the page) and showing them again for the next
        # customer re-shows every widget in them, a few ms a scan.
        self.cover = QWidget(self)
        self.cover.setObjectName("orderCardsCover")
        self.cover.setAutoFillBackground(True)
        self.cover.hide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.cover.setGeometry(self.rect())

    def covered(self) -> bool:
        return not self.cover.isHidden()

    def set_covered(self, on: bool) -> None:
        if on:
            self.cover.setGeometry(self.rect())
            self.cover.raise_()
        self.cover.setVisible(on)

    def show_orders(self, orders: list[OrderView], states: dict[str, str]) -> None:
        """Fill a card per order (arrived ones first), hide the cards not needed."""
        ordered = sorted(orders, key=lambda o: states[o.order_id] != "ready")
        several = len(orders) > 1
        for n, o in enumerate(ordered):
            if n == len(self.cards):
                card = OrderCard(self.inner, self.lang)
                self._layout.insertWidget(n, card)
                self.cards.append(card)
            self.cards[n].fill(o, states[o.order_id], self.details, several)
        for card in self.cards[len(ordered):]:
            card.order = None
            _show(card, False)
        self.verticalScrollBar().setValue(0)

    def visible_cards(self) -> list[OrderCard]:
        if self.covered():
            return []
        return [c for c in self.cards if c.order is not None]

    def card(self, order_id: str) -> OrderCard:
        return next(c for c in self.visible_cards() if c.order.order_id == order_id)

    def set_details(self, on: bool) -> None:
        self.details = on
        for c in self.visible_cards():
            c.set_details(on)

    def choices(self) -> list[OrderChoice]:
        return [ch for c in self.visible_cards() if (ch := c.choice()) is not None]
