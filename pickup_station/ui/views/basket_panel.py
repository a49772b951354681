"""A delegate's basket (代取篮) at the counter: several customers' codes scanned one after
another into a list (each verdict listed; refusals shown and left out), then one confirm
hands everything over in one transaction and prints one receipt per order or one combined
slip. Opened from the toolbar (Ctrl+B) beside the counter; the counter view is untouched."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.basket import Basket
from pickup_station.ui.widgets.leader_common import WARN_BG, make_info, make_table, say, set_row


class BasketDialog(QDialog):
    entryAdded = Signal(object)  # BasketEntry
    handedOver = Signal(object)  # HandoverResult

    def __init__(self, services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self.basket = Basket(services.counter)
        self.setObjectName("basketDialog")
        self.setWindowTitle(self.tr("Delegate's basket"))
        self.scan = QLineEdit(self)
        self.scan.setObjectName("basketScan")
        self.scan.setPlaceholderText(self.tr("Scan each customer's code, one after another"))
        self.scan.returnPressed.connect(lambda: self.add(self.scan.text()))
        self.table = make_table(self, "basketTable", [
            self.tr("Customer"), self.tr("Phone"), self.tr("Slot"), self.tr("Orders"),
            self.tr("Verdict")], stretch=4)
        self.delegate = QLineEdit(self)
        self.delegate.setObjectName("delegateName")
        self.delegate.setPlaceholderText(self.tr("e.g. Building 3, Ms Wang"))
        self.paper = QComboBox(self)
        self.paper.setObjectName("basketPaper")
        self.paper.addItem(self.tr("One combined slip"), "combined")
        self.paper.addItem(self.tr("One receipt per order"), "each")
        self.paper.addItem(self.tr("No paper"), "none")
        self.info = make_info(self, "basketInfo")
        self.remove_button = QPushButton(self.tr("Remove line"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.confirm_button = QPushButton(self.tr("Hand all over"), self)
        self.confirm_button.setObjectName("basketConfirm")
        self.confirm_button.clicked.connect(self.confirm)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        form = QFormLayout()
        form.addRow(self.tr("Scan"), self.scan)
        form.addRow(self.tr("Delegate"), self.delegate)
        form.addRow(self.tr("Paper"), self.paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 560)
        self._update()

    def add(self, text: str) -> None:
        text = text.strip()
        self.scan.clear()
        if not text:
            return
        counter = self.sv.counter
        self.sv.tasks.op(lambda: counter.lookup(text), parent=self) \
            .success(self._looked_up).run()

    def _looked_up(self, verdict) -> None:
        entry = self.basket._keep(verdict)
        self.sv.sounds.play("ok" if entry.accepted else "fail")
        self._update()
        self.entryAdded.emit(entry)
        self.scan.setFocus()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.basket.entries):
            self.basket.remove(row)
            self._update()

    def _update(self) -> None:
        entries = self.basket.entries
        self.table.setRowCount(len(entries))
        lang = self.sv.lang
        for r, e in enumerate(entries):
            orders = [o for o in e.verdict.orders if o.order_id in e.order_ids] or \
                e.verdict.orders
            first = orders[0] if orders else None
            set_row(self.table, r, [first.customer if first else "", first.phone if first
                                    else "", first.shelf_slot if first else "",
                                    len(e.order_ids), self.tr("in the basket") if e.accepted
                                    else e.message(lang)],
                    bg=None if e.accepted else WARN_BG)
        n, refused = len(self.basket.order_ids), len(self.basket.refusals)
        self.confirm_button.setEnabled(n > 0)
        say(self.info, self.tr("%1 customer(s), %2 order(s) in the basket; %3 left out.")
            .replace("%1", str(len(self.basket.accepted))).replace("%2", str(n))
            .replace("%3", str(refused)))

    def confirm(self) -> None:
        op, name, paper = self.operator(), self.delegate.text(), self.paper.currentData()
        basket = self.basket
        self.confirm_button.setEnabled(False)

        def failed(exc) -> None:
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
            self.sv.sounds.play("fail")
            self.confirm_button.setEnabled(bool(basket.order_ids))
        self.sv.tasks.op(lambda: basket.hand_over(op.operator_id, name), lane="write",
                         parent=self).success(lambda r: self._handed(r, paper)) \
            .failure(failed).run()

    def _handed(self, result, paper: str) -> None:
        ids = [p.pickup_id for p in result.pickups]
        if self.sv.printer.present and paper == "combined":
            self.sv.printer.enqueue_combined_slip(ids)
        elif self.sv.printer.present and paper == "each":
            for pid in ids:
                self.sv.printer.enqueue_receipt(pid)
        self.sv.sounds.play("ok")
        self._update()
        say(self.info, self.tr("Handed over: %1 order(s) to %2.")
            .replace("%1", str(len(ids))).replace("%2", self.delegate.text().strip()))
        self.delegate.clear()
        self.handedOver.emit(result)

    def keyPressEvent(self, event) -> None:  # Enter in the scan field must not close it
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            return
        super().keyPressEvent(event)
