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


class NewPinForm(QWidget):
    """A new PIN typed twice for an operator still on the default PIN: the forced dialog and
    the first-start wizard show it. `submit()` changes it on the writer lane; `changed(info)`
    follows, or the reason in `info` (the label)."""

    changed = Signal(object)  # OperatorInfo
    busyChanged = Signal(bool)

    def __init__(self, services, operator_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator_id = operator_id
        self.new_pin = pin_field("newPin")
        self.again = pin_field("newPinAgain")
        self.info = make_info(self, "pinInfo")
        form = QFormLayout()
        form.addRow(self.tr("New PIN"), self.new_pin)
        form.addRow(self.tr("New PIN again"), self.again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.info)

    def submit(self) -> None:
        new, again = self.new_pin.text(), self.again.text()
        if new != again:
            say(self.info, self.tr("The two PINs differ: type them again."), error=True)
            self.again.clear()
            return
        self.busyChanged.emit(True)
        store, op_id = self.sv.store, self.operator_id

        def change():
            with store.session() as s:  # a new store: the default leader may not exist yet
                ops.ensure_default_operators(s)
            return ops.change_pin(store, op_id, ops.DEFAULT_LEADER[2], new)

        def failed(exc) -> None:
            self.busyChanged.emit(False)
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
        self.sv.tasks.op(change, lane="write", parent=self).success(self._done) \
            .failure(failed).run()

    def _done(self, who) -> None:
        self.new_pin.clear()
        self.again.clear()
        self.busyChanged.emit(False)
        self.changed.emit(who)


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
        self.form = NewPinForm(services, operator_id, self)
        self.new_pin, self.again, self.info = self.form.new_pin, self.form.again, self.form.info
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok, self)
        self.buttons.accepted.connect(self.submit)
        self.form.busyChanged.connect(lambda busy: self.buttons.setEnabled(not busy))
        self.form.changed.connect(self._done)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.form)
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
        self.form.submit()

    def _done(self, who) -> None:
        self.changed.emit(who)
        self.accept()
