"""Operators (操作员), for the leader: add, rename, disable or enable, reset a PIN. PINs are
typed in password fields, never listed, logged or put in a message; a locked operator shows
the seconds left."""

from __future__ import annotations

import secrets

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import operators as ops
from pickup_station.errors import Refused
from pickup_station.ui.services import Services
from pickup_station.ui.widgets.leader_common import (
    WARN_BG,
    make_info,
    make_table,
    pin_field,
    row_key,
    say,
    set_row,
)


def load_operators(store):
    with store.reader() as s:
        return ops.operator_rows(s)


class OperatorsView(QWidget):
    dataShown = Signal()
    changed = Signal()

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self.table = make_table(self, "operatorTable", [
            self.tr("Name"), self.tr("Role"), self.tr("State"), self.tr("PIN")], stretch=0)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.info = make_info(self, "operatorsInfo")
        # add
        self.new_name = QLineEdit(self)
        self.new_name.setObjectName("newOperatorName")
        self.new_name.setMaxLength(20)
        self.new_role = QComboBox(self)
        self.new_role.setObjectName("newOperatorRole")
        self.new_role.addItem(self.tr("Assistant"), "assistant")
        self.new_role.addItem(self.tr("Leader"), "leader")
        self.new_pin = pin_field("newOperatorPin")
        add = QPushButton(self.tr("Add operator"), self)
        add.setObjectName("addOperatorButton")
        add.clicked.connect(lambda: self.add(self.new_name.text(), self.new_pin.text(),
                                             self.new_role.currentData()))
        add_box = QGroupBox(self.tr("New operator"), self)
        f1 = QFormLayout(add_box)
        f1.addRow(self.tr("Name"), self.new_name)
        f1.addRow(self.tr("Role"), self.new_role)
        f1.addRow(self.tr("PIN"), self.new_pin)
        f1.addRow(add)
        # the selected one
        self.rename_field = QLineEdit(self)
        self.rename_field.setObjectName("renameOperator")
        self.rename_field.setMaxLength(20)
        rename = QPushButton(self.tr("Rename"), self)
        rename.setObjectName("renameOperatorButton")
        rename.clicked.connect(lambda: self.rename(self.current(), self.rename_field.text()))
        self.active_button = QPushButton(self.tr("Disable"), self)
        self.active_button.setObjectName("toggleOperatorButton")
        self.active_button.clicked.connect(self._toggle)
        self.reset_field = pin_field("resetPin")
        reset = QPushButton(self.tr("Reset PIN"), self)
        reset.setObjectName("resetPinButton")
        reset.clicked.connect(lambda: self.reset_pin(self.current(), self.reset_field.text()))
        sel_box = QGroupBox(self.tr("Selected operator"), self)
        f2 = QFormLayout(sel_box)
        f2.addRow(self.tr("New name"), self.rename_field)
        f2.addRow(rename)
        f2.addRow(self.tr("New PIN"), self.reset_field)
        f2.addRow(reset)
        f2.addRow(self.active_button)
        side = QVBoxLayout()
        side.addWidget(add_box)
        side.addWidget(sel_box)
        side.addStretch(1)
        main = QVBoxLayout()
        main.addWidget(self.table, 1)
        main.addWidget(self.info)
        layout = QHBoxLayout(self)
        layout.addLayout(main, 1)
        layout.addLayout(side)
        self.rows: list[ops.OperatorRow] = []

    def refresh(self) -> None:
        self.sv.tasks.op(lambda: load_operators(self.sv.store), parent=self) \
            .success(self._fill).run()

    def _fill(self, rows: list[ops.OperatorRow]) -> None:
        current = self.current()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, o in enumerate(rows):
            state = (self.tr("locked, %1 s left").replace("%1", str(o.locked_seconds))
                     if o.locked_seconds else
                     self.tr("active") if o.active else self.tr("disabled"))
            pin = self.tr("must be changed") if o.must_change_pin else "••••"
            set_row(self.table, r, [o.name, self.tr("Leader") if o.role == "leader"
                                    else self.tr("Assistant"), state, pin], key=o.operator_id,
                    bg=WARN_BG if (o.locked_seconds or not o.active) else None)
            if o.operator_id == current:
                self.table.selectRow(r)
        if not self.operator().is_leader:
            say(self.info, self.tr("Only the leader manages operators."), error=True)
        self.dataShown.emit()

    def current(self) -> str | None:
        row = self.table.currentRow()
        return row_key(self.table, row) if row >= 0 else None

    def select(self, operator_id: str) -> None:
        for r, o in enumerate(self.rows):
            if o.operator_id == operator_id:
                self.table.selectRow(r)

    def _selected(self) -> None:
        row = next((o for o in self.rows if o.operator_id == self.current()), None)
        if row is not None:
            self.rename_field.setText(row.name)
            self.active_button.setText(self.tr("Disable") if row.active else self.tr("Enable"))

    def _toggle(self) -> None:
        row = next((o for o in self.rows if o.operator_id == self.current()), None)
        if row is not None:
            self.set_active(row.operator_id, not row.active)

    # --- actions (leader only; the core refuses anyone else too) ---------------------------
    def _act(self, fn, done_text: str, clear=()) -> None:
        acting = self.operator()

        def work():
            with self.sv.store.session() as s:
                if not acting.is_leader:
                    raise Refused("operators.leader_only", code="leader_only")
                return fn(s, acting)

        def done(_r) -> None:
            for w in clear:
                w.clear()
            say(self.info, done_text)
            self.changed.emit()
            self.refresh()

        def failed(exc) -> None:
            for w in clear:
                if w.echoMode() == QLineEdit.Password:
                    w.clear()
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
            self.sv.sounds.play("fail")
        self.sv.tasks.op(work, lane="write", parent=self).success(done).failure(failed).run()

    def add(self, name: str, pin: str, role: str = "assistant") -> None:
        name = name.strip()
        op_id = "op-" + secrets.token_hex(3)
        if not name:
            say(self.info, self.tr("Give the new operator a name."), error=True)
            return
        self._act(lambda s, _a: ops.add_operator(s, op_id, name, pin, role),
                  self.tr("%1 added.").replace("%1", name), (self.new_name, self.new_pin))

    def rename(self, operator_id: str | None, name: str) -> None:
        if operator_id:
            self._act(lambda s, a: ops.rename_operator(s, a, operator_id, name),
                      self.tr("Renamed to %1.").replace("%1", name.strip()))

    def set_active(self, operator_id: str, active: bool) -> None:
        self._act(lambda s, a: ops.set_active(s, a, operator_id, active),
                  self.tr("Enabled.") if active else
                  self.tr("Disabled: this operator can no longer sign in."))

    def reset_pin(self, operator_id: str | None, pin: str) -> None:
        if operator_id:
            self._act(lambda s, a: ops.reset_pin(s, a, operator_id, pin),
                      self.tr("PIN reset (and any lock lifted)."), (self.reset_field,))
