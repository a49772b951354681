"""Uncollected orders and returns (滞留 / 退回): the orders on the shelf past their threshold,
most overdue first; thresholds per storage kind (editable); a reminder (HQ reminds the
customer) and a return to HQ with a reason, both for the selected orders."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import returns, shelves
from pickup_station.ui.services import Services
from pickup_station.ui.widgets.leader_common import (
    PERISHABLE_BG,
    make_info,
    make_table,
    say,
    selected_keys,
    set_row,
)

SCREEN_LIMIT = 500  # rows shown at once (the most overdue)


def load_uncollected(store, include_waiting: bool):
    with store.reader() as s:
        limits = returns.thresholds(s)
    return limits, returns.uncollected(store, include_waiting=include_waiting,
                                       limit=SCREEN_LIMIT)


class UncollectedView(QWidget):
    dataShown = Signal()
    localChange = Signal()
    acted = Signal(str, object)  # "reminded" / "returned", result

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self.storage_names = {"dry": self.tr("dry"), "fresh": self.tr("fresh"),
                              "chilled": self.tr("chilled"), "frozen": self.tr("frozen")}
        self.threshold_spins: dict[str, QSpinBox] = {}
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Overdue after (days):")))
        for key in shelves.STORAGES:
            spin = QSpinBox(self)
            spin.setObjectName(f"threshold_{key}")
            spin.setRange(0, 365)
            top.addWidget(QLabel(self.storage_names[key]))
            top.addWidget(spin)
            self.threshold_spins[key] = spin
        save = QPushButton(self.tr("Save thresholds"), self)
        save.setObjectName("saveThresholds")
        save.clicked.connect(self.save_thresholds)
        top.addWidget(save)
        top.addStretch(1)
        self.show_waiting = QCheckBox(self.tr("Also those not yet overdue"), self)
        self.show_waiting.toggled.connect(self.refresh)
        top.addWidget(self.show_waiting)
        self.table = make_table(self, "uncollectedTable", [
            self.tr("Order"), self.tr("Slot"), self.tr("Customer"), self.tr("Phone"),
            self.tr("Storage"), self.tr("Waited (h)"), self.tr("Overdue (h)"), self.tr("Items"),
            self.tr("Reminders")], stretch=2)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        for col, width in enumerate((150, 150, 90, 110, 110, 90, 90, 60)):
            self.table.setColumnWidth(col, width)
        self.info = make_info(self, "uncollectedInfo")
        self.remind_button = QPushButton(self.tr("Ask HQ to remind"), self)
        self.remind_button.setObjectName("remindButton")
        self.remind_button.clicked.connect(lambda: self.remind(selected_keys(self.table)))
        self.reason = QComboBox(self)
        self.reason.setObjectName("returnReason")
        self.reason.setEditable(True)
        self.reason.addItems([self.tr("Not collected in time"), self.tr("Customer refused"),
                              self.tr("Goods spoiled")])
        self.reason.setMinimumWidth(200)
        self.return_button = QPushButton(self.tr("Return to HQ"), self)
        self.return_button.setObjectName("returnButton")
        self.return_button.clicked.connect(
            lambda: self.return_orders(selected_keys(self.table), self.reason.currentText()))
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        bottom.addWidget(self.remind_button)
        bottom.addWidget(QLabel(self.tr("Reason")))
        bottom.addWidget(self.reason)
        bottom.addWidget(self.return_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.rows: list[returns.UncollectedOrder] = []
        self._note = ""  # what the last action did, kept over the reload it causes

    def refresh(self) -> None:
        waiting = self.show_waiting.isChecked()
        self.sv.tasks.op(lambda: load_uncollected(self.sv.store, waiting), parent=self) \
            .success(self._fill).run()

    def _fill(self, loaded) -> None:
        limits, rows = loaded
        for key, spin in self.threshold_spins.items():
            spin.setValue(limits[key])
        self.rows = rows
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(rows))
        for r, u in enumerate(rows):
            set_row(self.table, r, [
                u.order_id, u.shelf_slot, u.customer, u.phone,
                self.storage_names.get(u.storage, u.storage)
                + (self.tr(" (cancelled)") if u.cancelled else ""),
                u.waited_hours, max(0, u.overdue_hours), u.items,
                u.reminders], key=u.order_id,
                bg=PERISHABLE_BG if u.storage != "dry" else None)
        self.table.setUpdatesEnabled(True)
        note, self._note = self._note, ""
        say(self.info, note or self.tr("%1 order(s) waiting too long, most overdue first.")
            .replace("%1", str(sum(1 for u in rows if u.overdue_hours >= 0))))
        self.dataShown.emit()

    def select_orders(self, order_ids: list[str]) -> None:
        self.table.clearSelection()
        for r, u in enumerate(self.rows):
            if u.order_id in order_ids:
                for c in range(self.table.columnCount()):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setSelected(True)

    def save_thresholds(self) -> None:
        values = {k: s.value() for k, s in self.threshold_spins.items()}

        def save():
            with self.sv.store.session() as s:
                for key, days in values.items():
                    returns.set_threshold(s, key, days)
        self.sv.tasks.op(save, lane="write", parent=self).success(lambda _r: self.refresh()) \
            .failure(self._failed).run()

    def remind(self, order_ids: list[str]) -> None:
        if not self._chosen(order_ids):
            return
        op = self.operator()
        self.sv.tasks.op(lambda: returns.request_reminder(self.sv.store, order_ids,
                                                          op.operator_id),
                         lane="write", parent=self) \
            .success(lambda n: self._done("reminded", n, self.tr(
                "HQ will remind %1 customer(s).").replace("%1", str(n)))) \
            .failure(self._failed).run()

    def return_orders(self, order_ids: list[str], reason: str) -> None:
        if not self._chosen(order_ids):
            return
        op = self.operator()
        self.sv.tasks.op(lambda: returns.return_orders(self.sv.store, order_ids,
                                                       op.operator_id, reason),
                         lane="write", parent=self) \
            .success(lambda res: self._done("returned", res, self.tr(
                "%1 order(s) returned to HQ; %2 slot(s) freed.")
                .replace("%1", str(len(res.returned)))
                .replace("%2", str(len(res.freed_slots))))) \
            .failure(self._failed).run()

    def _chosen(self, order_ids: list[str]) -> bool:
        if not order_ids:
            say(self.info, self.tr("Choose one or more orders in the list first."), error=True)
            return False
        return True

    def _done(self, what: str, result, text: str) -> None:
        say(self.info, text)
        self._note = text
        self.sv.sounds.play("ok")
        self.localChange.emit()
        self.acted.emit(what, result)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
        self.sv.sounds.play("fail")
