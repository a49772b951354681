"""The forced PIN change at first start: while the default leader PIN (1234) is unchanged the
window asks for a new one before anything else; the dialog cannot be dismissed. PINs are typed
in password fields and never shown, logged or put in a message."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import operators as ops
from pickup_station.ui.widgets.leader_common import make_info, pin_field, say


class ForcedPinDialog(QDialog):
    changed = Signal(object)  # OperatorInfo

    def __init__(self, services, operator_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator_id = operator_id
        self.setObjectName("forcedPinDialog")
        self.setWindowTitle(self.tr("Change the leader's PIN"))
        self.setWindowModality(Qt.ApplicationModal)
        self.setWindowFlag(Qt.WindowCloseButtonHint, False)
        explain = QLabel(self.tr(
            "This station still has the default leader PIN. Choose a new PIN of 4 to 8 "
            "digits before anything else; keep it to yourself."))
        explain.setWordWrap(True)
        self.new_pin = pin_field("newPin")
        self.again = pin_field("newPinAgain")
        self.info = make_info(self, "pinInfo")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok, self)
        self.buttons.accepted.connect(self.submit)
        form = QFormLayout()
        form.addRow(self.tr("New PIN"), self.new_pin)
        form.addRow(self.tr("New PIN again"), self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        if parent is not None:  # the window closing (the app quitting) takes this along
            parent.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Close and self.isVisible():
            self.done(QDialog.Rejected)
        return False

    def reject(self) -> None:  # Escape or the window's close: the change is not optional
        say(self.info, self.tr("The new PIN is needed before the station can be used."),
            error=True)

    def closeEvent(self, event) -> None:
        """Closed without a new PIN (the window manager, or the app quitting): the station
        closes with it rather than opening without the change."""
        event.accept()
        self.done(QDialog.Rejected)
        parent = self.parentWidget()
        if parent is not None:
            parent.close()

    def submit(self) -> None:
        new, again = self.new_pin.text(), self.again.text()
        if new != again:
            say(self.info, self.tr("The two PINs differ: type them again."), error=True)
            self.again.clear()
            return
        self.buttons.setEnabled(False)
        op_id = self.operator_id

        def failed(exc) -> None:
            self.buttons.setEnabled(True)
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
        self.sv.tasks.op(lambda: ops.change_pin(self.sv.store, op_id, ops.DEFAULT_LEADER[2], new),
                         lane="write", parent=self).success(self._done).failure(failed).run()

    def _done(self, who) -> None:
        self.new_pin.clear()
        self.again.clear()
        self.changed.emit(who)
        self.accept()
