"""Small pieces the leader's screens share: a read-only table, a status line that says what
happened (or what went wrong, in the error presenter's words), a masked-free row filler."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

PERISHABLE_BG = QColor("#e3f2fd")
WARN_BG = QColor("#ffebee")


def make_table(parent: QWidget, name: str, headers: list[str], stretch: int = 1) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QTableWidget.SelectRows)
    t.setEditTriggers(QTableWidget.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(26)
    if stretch >= 0:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return t


def set_row(table: QTableWidget, row: int, values: list, *, key: str | None = None,
            bg: QColor | None = None) -> None:
    for c, v in enumerate(values):
        if v is None:
            continue
        item = QTableWidgetItem(str(v))
        if isinstance(v, int | float):
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        if key is not None:
            item.setData(Qt.UserRole, key)
        if bg is not None:
            item.setBackground(bg)
        table.setItem(row, c, item)


def row_key(table: QTableWidget, row: int) -> str | None:
    item = table.item(row, 0)
    return item.data(Qt.UserRole) if item is not None else None


def selected_keys(table: QTableWidget) -> list[str]:
    rows = sorted({i.row() for i in table.selectedIndexes()})
    return [k for k in (row_key(table, r) for r in rows) if k]


def make_info(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def say(label: QLabel, text: str, *, error: bool = False, ok: bool = False) -> None:
    label.setProperty("isError", error)
    if error:
        label.setText(f'<span style="color:#c62828;font-weight:600">{html.escape(text)}</span>')
    elif ok:
        label.setText(f'<span style="color:#2e7d32;font-weight:600">{html.escape(text)}</span>')
    else:
        label.setText(html.escape(text))


def plain(label: QLabel) -> str:
    """The label's words without markup (tests and screen readers)."""
    doc = label.text()
    if doc.startswith("<span"):
        doc = doc[doc.index(">") + 1:doc.rindex("</span>")]
    return html.unescape(doc)


def pin_field(name: str) -> QLineEdit:
    """A PIN is typed in a password field: never shown."""
    pin = QLineEdit()
    pin.setObjectName(name)
    pin.setEchoMode(QLineEdit.Password)
    pin.setMaxLength(8)
    return pin
