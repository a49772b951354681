"""The "needs attention" (需处理) list: what sync could not settle by itself, for the host.

Usage (main window)::

    dlg = AttentionDialog(store, tasks, parent=window, lang=settings.lang)
    dlg.attentionChanged.connect(window.set_attention_badge)  # unresolved count after a change
    dlg.open()

One row per unresolved item: what (upload rejected: pickup / cancelled after pickup ...), the
order, the server's reason in words (zh_CN or English), the local time, and the raw detail as a
tooltip. "标记已处理 / Mark resolved" (`resolveAttentionButton`) marks the selected rows handled;
"显示已处理" (`showResolvedCheck`) shows handled ones too. The table model
(`AttentionModel`) works without the dialog. Loading runs on the app's `read` lane and resolving on
its `write` lane (`ui.tasks.Tasks`); the dialog never waits on the disk.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pickup_station.store.db import Store, parse_iso
from pickup_station.sync.attention import (
    AttentionRow,
    describe_kind,
    describe_row,
    list_attention,
    resolve,
)
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.tasks import Tasks

COLUMNS = ("kind", "order", "reason", "time", "state")  # titles: AttentionModel.headers()


def _local(utc_iso: str | None) -> str:
    dt = parse_iso(utc_iso)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else ""


class AttentionModel(QAbstractTableModel):
    """Rows of `AttentionRow`. Our own words go through Qt's translator; the core's kind and
    reason descriptions come in `lang` (the core is bilingual by itself)."""

    def __init__(self, lang: str = "zh_CN", parent: QObject | None = None):
        super().__init__(parent)
        self.lang = lang
        self.rows: list[AttentionRow] = []

    def set_rows(self, rows: list[AttentionRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def headers(self) -> list[str]:
        return [self.tr("What"), self.tr("Order"), self.tr("Reason"), self.tr("Time"),
                self.tr("State")]

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        if column == 0:
            return describe_kind(r.kind, r.event_type, self.lang)
        if column == 1:
            return r.order_id or ""
        if column == 2:
            return describe_row(r, self.lang)  # with HQ's note, if any
        if column == 3:
            return _local(r.created_at)
        if r.resolved_at:
            return self.tr("Resolved %1").replace("%1", _local(r.resolved_at))
        return self.tr("Open")

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            r = self.rows[index.row()]
            head = r.reason + (" · " + self.tr("event %1").replace("%1", r.event_id)
                               if r.event_id else "")
            detail = json.dumps(r.detail, ensure_ascii=False, indent=1)[:1500] if r.detail else ""
            return head + ("\n" + detail if detail else "")
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()].id
        return None


class AttentionDialog(QDialog):
    attentionChanged = Signal(int)

    def __init__(self, store: Store, tasks: Tasks, parent: QWidget | None = None,
                 lang: str = "zh_CN"):
        super().__init__(parent)
        self.store = store
        self.tasks = tasks
        self.lang = lang
        self.setObjectName("attentionDialog")
        self.setWindowTitle(self.tr("Needs attention"))
        self.resize(820, 420)
        self.model = AttentionModel(lang, self)
        self.table = QTableView(self)
        self.table.setObjectName("attentionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self.summary.setObjectName("attentionSummary")
        self.show_resolved = QCheckBox(self.tr("Show resolved"), self)
        self.show_resolved.setObjectName("showResolvedCheck")
        self.resolve_button = QPushButton(self.tr("Mark resolved"), self)
        self.resolve_button.setObjectName("resolveAttentionButton")
        self.resolve_button.setEnabled(False)
        close = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_resolved)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.show_resolved.toggled.connect(self.reload)
        self.resolve_button.clicked.connect(self.resolve_selected)
        close.clicked.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(self._update_button)
        self.reload()

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        include, store = self.show_resolved.isChecked(), self.store
        self.tasks.op(lambda: list_attention(store, include_resolved=include), parent=self) \
            .success(self._on_loaded).run()

    @Slot()
    def resolve_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.resolve_button.setEnabled(False)

        store = self.store

        def job() -> int:
            for item_id in ids:
                resolve(store, item_id)
            return len(ids)
        self.tasks.op(job, lane="write", parent=self).success(self._on_resolved).run()

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.rows[r].id for r in sorted(rows)
                if self.model.rows[r].resolved_at is None]

    # --- results (UI thread) ------------------------------------------------------------------

    @Slot(object)
    def _on_loaded(self, rows: list[AttentionRow]) -> None:
        self.model.set_rows(rows)
        open_count = sum(1 for r in rows if r.resolved_at is None)
        self.summary.setText(self.tr("%n item(s) need attention", "", open_count))
        self._update_button()

    @Slot(int)
    def _on_resolved(self, _n: int) -> None:
        store = self.store
        self.tasks.op(lambda: len(list_attention(store)), parent=self) \
            .success(self.attentionChanged.emit).run()
        self.reload()

    @Slot()
    def _update_button(self, *_args) -> None:
        self.resolve_button.setEnabled(bool(self.selected_ids()))
