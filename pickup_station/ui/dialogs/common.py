"""Small modal dialogs of the counter: operator sign-in, the leader's approval, a reason."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.operators import OperatorInfo


class _Form(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)


def _pin_field() -> QLineEdit:
    pin = QLineEdit()
    pin.setEchoMode(QLineEdit.Password)
    pin.setMaxLength(8)
    pin.setInputMask("")
    return pin


class SignInDialog(_Form):
    """Switch the operator at the counter: pick a name, type the PIN."""

    def __init__(self, operators: list[OperatorInfo], current: str | None,
                 parent: QWidget | None = None):
        super().__init__(self.tr("Switch operator"), parent)
        self.who = QComboBox()
        for op in operators:
            role = self.tr("Leader") if op.is_leader else self.tr("Assistant")
            self.who.addItem(op.name if op.name == role else f"{op.name} · {role}", op.operator_id)
        if current:
            self.who.setCurrentIndex(max(0, self.who.findData(current)))
        self.pin = _pin_field()
        self.form.addRow(self.tr("Operator"), self.who)
        self.form.addRow(self.tr("PIN"), self.pin)
        self.pin.setFocus()

    def values(self) -> tuple[str, str]:
        return self.who.currentData(), self.pin.text()


class ApprovalDialog(_Form):
    """The leader approves an exception with the PIN and a reason that goes on record."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None,
                 need_reason: bool = True):
        super().__init__(title, parent)
        label = QLabel(explanation)
        label.setWordWrap(True)
        self.form.addRow(label)
        self.pin = _pin_field()
        self.reason = QLineEdit()
        self.form.addRow(self.tr("Leader's PIN"), self.pin)
        if need_reason:
            self.form.addRow(self.tr("Reason"), self.reason)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Allow with the leader's PIN"))

    def values(self) -> tuple[str, str]:
        return self.pin.text(), self.reason.text().strip()


class ReasonDialog(_Form):
    def __init__(self, title: str, label: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.reason = QLineEdit()
        self.form.addRow(label, self.reason)

    def value(self) -> str:
        return self.reason.text().strip()


class OrderPickerDialog(_Form):
    """No-code hand-over: find the customer's order by name, order number or phone end."""

    def __init__(self, search, parent: QWidget | None = None):
        super().__init__(self.tr("Hand over without a code"), parent)
        self._search = search  # callable(text, on_results) that runs off the UI thread
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Name, order number or phone last 4"))
        self.query.textChanged.connect(lambda t: self._search(t, self._show))
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(lambda _i: self.accept())
        self.form.addRow(self.tr("Search"), self.query)
        self.form.addRow(self.results)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Choose this order"))
        self.resize(560, 420)

    def _show(self, orders) -> None:
        self.results.clear()
        for o in orders:
            sep = "、" if QLocale().language() == QLocale.Language.Chinese else ", "
            items = sep.join(f"{i.name}×{i.qty}" for i in o.items)
            row = QListWidgetItem(f"{o.customer} {o.phone}  {o.shelf_slot}  {o.order_id}\n"
                                  f"    {items}")
            row.setData(Qt.UserRole, o.order_id)
            self.results.addItem(row)
        self.results.setCurrentRow(0)

    def order_id(self) -> str | None:
        item = self.results.currentItem()
        return item.data(Qt.UserRole) if item else None
