"""The leader's tab (报表): today's figures in large numbers, the uncollected list and an export.

All database work runs on the app's one road (`ui.tasks.Tasks`, the `read` lane); results come
back to the UI thread, so the counter never freezes while a big month is exported. A refresh
asked for while one runs is coalesced into one more refresh afterwards; a result that arrives
after the view is gone is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core.reports import (
    DayFigures,
    UncollectedOrder,
    day_figures,
    station_tz,
    uncollected,
    uncollected_total,
    yuan,
)
from pickup_station.core.reports.export import ExportResult, export_pickups
from pickup_station.store.db import utcnow
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.services import NullPrinter, Printer
from pickup_station.ui.tasks import Tasks


class UncollectedTableModel(QAbstractTableModel):
    """Orders waiting on the shelf, oldest first; overdue ones (滞留) tinted."""

    COLUMNS = ("customer", "phone", "shelf_slot", "batch_id", "days_waiting", "items")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[UncollectedOrder] = []
        self._headers = [self.tr("Customer"), self.tr("Phone"), self.tr("Shelf"),
                         self.tr("Batch"), self.tr("Days waiting"), self.tr("Items")]

    def set_rows(self, rows: list[UncollectedOrder]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> UncollectedOrder:
        return self._rows[index]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        name = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return getattr(r, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.order_id} · {r.arrived_at_local} · {r.items}"
        if role == Qt.ItemDataRole.TextAlignmentRole and name == "days_waiting":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and r.overdue:
            return QBrush(QColor("#fde2e1"))
        return None


class _Figure(QFrame):
    """A caption over one large number."""

    def __init__(self, caption: str, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–", self)
        self.value.setObjectName(object_name)
        font = QFont(self.value.font())
        font.setPointSize(max(font.pointSize(), 10) * 2 + 4)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label = QLabel(caption, self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QVBoxLayout(self)
        box.addWidget(self.value)
        box.addWidget(label)


class ReportsView(QWidget):
    """Today's figures, the uncollected list and the pickups export, for the leader.

    `store` is the station Store; `settings` (optional) gives `uncollected_after_days`, `lang`
    and `extra["commission_rates"]`; `tz` overrides the store's station time zone; `clock`
    returns the aware UTC now (tests pin it); `tasks` is the app's one road for background work;
    `printer` is the print queue that prints the day-closing slip (日结单)."""

    refreshed = Signal()
    LIST_LIMIT = 500  # rows of the uncollected list loaded at most (oldest first); the rest counted
    exportFinished = Signal(object)  # ExportResult
    failed = Signal(str)

    def __init__(self, store, *, tasks: Tasks, settings=None, tz: tzinfo | None = None,
                 clock: Callable[[], datetime] = utcnow, printer: Printer | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportsView")
        self.store = store
        self.printer: Printer = printer or NullPrinter(self)  # prints the day-closing slip
        self.settings = settings
        self._tasks = tasks
        self._tz = tz
        self._clock = clock
        self._refreshing = False
        self._refresh_again = False
        self.figures: DayFigures | None = None
        self._build()

    # ---- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.pickups_fig = _Figure(self.tr("Picked up today"), "todayPickups", self)
        self.waiting_fig = _Figure(self.tr("Waiting for pickup"), "waitingOrders", self)
        self.uncollected_fig = _Figure(self.tr("Uncollected"), "uncollectedOrders", self)
        self.shortage_fig = _Figure(self.tr("Short / damaged"), "shortageItems", self)
        figures = QGridLayout()
        for i, f in enumerate((self.pickups_fig, self.waiting_fig, self.uncollected_fig,
                               self.shortage_fig)):
            figures.addWidget(f, 0, i)
        self.detail = QLabel("", self)
        self.detail.setObjectName("reportsDetail")
        self.detail.setWordWrap(True)

        self.table_model = UncollectedTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("uncollectedTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(UncollectedTableModel.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.all_waiting = QCheckBox(self.tr("Show all waiting orders"), self)
        self.all_waiting.setObjectName("showAllWaiting")
        self.all_waiting.toggled.connect(self.refresh)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("reportsRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        list_bar = QHBoxLayout()
        list_bar.addWidget(QLabel(self.tr("Uncollected orders"), self))
        list_bar.addStretch(1)
        list_bar.addWidget(self.all_waiting)
        list_bar.addWidget(self.refresh_button)
        self.print_button = QPushButton(self.tr("Print day summary"), self)
        self.print_button.setObjectName("printDaySummary")
        self.print_button.setEnabled(False)  # until today's figures are loaded
        self.print_button.clicked.connect(self.print_day_summary)
        list_bar.addWidget(self.print_button)

        today = QDate.currentDate()
        self.date_from = QDateEdit(QDate(today.year(), today.month(), 1), self)
        self.date_to = QDateEdit(today, self)
        for edit, name in ((self.date_from, "exportFrom"), (self.date_to, "exportTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.format_box = QComboBox(self)
        self.format_box.setObjectName("exportFormat")
        self.format_box.addItem(self.tr("Excel (.xlsx)"), "xlsx")
        self.format_box.addItem(self.tr("CSV (.csv)"), "csv")
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self._ask_export)
        export_bar = QHBoxLayout()
        export_bar.addWidget(QLabel(self.tr("Pickups report from"), self))
        export_bar.addWidget(self.date_from)
        export_bar.addWidget(QLabel(self.tr("to"), self))
        export_bar.addWidget(self.date_to)
        export_bar.addWidget(self.format_box)
        export_bar.addWidget(self.export_button)
        export_bar.addStretch(1)

        self.status = QLabel("", self)
        self.status.setObjectName("reportsStatus")
        self.status.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addLayout(figures)
        box.addWidget(self.detail)
        box.addLayout(list_bar)
        box.addWidget(self.table, 1)
        box.addLayout(export_bar)
        box.addWidget(self.status)

    def print_day_summary(self) -> None:
        """The day-closing slip of the figures on screen, on the print queue's thread."""
        if self.figures is None:
            return
        if not self.printer.present:
            self.status.setText(self.tr("No printer is set up: choose one in Settings."))
            return
        self.printer.enqueue_day_summary(self.figures.to_dict())
        self.status.setText(self.tr("Day summary sent to the printer."))

    # ---- background work -------------------------------------------------------------------
    def _run(self, fn, on_done, on_failed, progress: str | None = None) -> None:
        op = self._tasks.op(fn, lane="read", parent=self).success(on_done).failure(on_failed)
        if progress:
            op.progress(progress)
        op.run()

    def _lang(self) -> str:
        return getattr(self.settings, "lang", None) or "zh_CN"

    def _error_text(self, exc: BaseException) -> str:
        return self._tasks.errors.message_for(exc)

    # ---- refresh ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Reload today's figures and the list off the UI thread."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self.refresh_button.setEnabled(False)
        after = getattr(self.settings, "uncollected_after_days", 3)
        extra = getattr(self.settings, "extra", None) or {}
        rates = extra.get("commission_rates") if isinstance(extra, dict) else None
        all_waiting = self.all_waiting.isChecked()
        now = self._clock()
        store, fixed_tz, limit = self.store, self._tz, self.LIST_LIMIT

        def load():
            with store.reader() as s:
                tz = fixed_tz or station_tz(s)
                today = now.astimezone(tz).date()
                fig = day_figures(s, today, tz, uncollected_after_days=after,
                                  commission_rates=rates, now=now)
                rows = uncollected(s, now, after, all_waiting=all_waiting, tz=tz,
                                   limit=limit)
                total = (len(rows) if len(rows) < limit else
                         uncollected_total(s, now, after, all_waiting=all_waiting))
            return fig, rows, total

        self._run(load, self._show, self._refresh_failed)

    def _refresh_done(self) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _show(self, result) -> None:
        fig, rows, total = result
        self.figures = fig
        self.print_button.setEnabled(True)
        self.pickups_fig.value.setText(str(fig.pickups))
        self.waiting_fig.value.setText(str(fig.waiting))
        self.uncollected_fig.value.setText(str(fig.uncollected))
        self.shortage_fig.value.setText(str(fig.shortage_qty))
        self.detail.setText(
            self.tr("Handed value ¥%1 · items %2 · proxy %3 · overrides %4 · undos %5"
                    " · commission (est.) ¥%6")
            .replace("%1", yuan(fig.value_handed_cents)).replace("%2", str(fig.items_handed))
            .replace("%3", str(fig.proxy_pickups)).replace("%4", str(fig.overrides))
            .replace("%5", str(fig.undos)).replace("%6", yuan(fig.commission_cents)))
        self.table_model.set_rows(rows)
        self.status.setText("" if total <= len(rows) else self.tr(
            "Showing the %1 longest-waiting of %2 orders.")
            .replace("%1", str(len(rows))).replace("%2", str(total)))
        self._refresh_done()
        self.refreshed.emit()

    def _refresh_failed(self, exc) -> None:
        text = self._error_text(exc)
        self.status.setText(text)
        self._refresh_done()
        self.failed.emit(text)

    # ---- export ----------------------------------------------------------------------------
    @Slot()
    def _ask_export(self) -> None:
        fmt = self.format_box.currentData()
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if start > end:
            self.status.setText(self.tr("The first day is after the last day."))
            return
        suggested = str(Path.home() / f"pickups_{start:%Y%m%d}-{end:%Y%m%d}.{fmt}")
        filters = self.tr("Excel (*.xlsx)") if fmt == "xlsx" else self.tr("CSV (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export pickups"), suggested, filters)
        if path:
            if not path.lower().endswith("." + fmt):
                path += "." + fmt
            self.export_to(path, start, end, fmt)

    def export_to(self, path: str, start: date, end: date, fmt: str) -> None:
        """Write the pickups report for local days `start`..`end` on a worker."""
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))
        store, fixed_tz, lang = self.store, self._tz, self._lang()

        def work() -> ExportResult:
            with store.reader() as s:
                return export_pickups(s, start, end, fmt, path, fixed_tz or station_tz(s),
                                      lang=lang)

        self._run(work, self._export_done, self._export_failed, progress=self.tr("Exporting…"))

    def _export_done(self, res: ExportResult) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(self.tr("Exported %1 pickups (%2 lines) to %3")
                            .replace("%1", str(res.pickups)).replace("%2", str(res.rows))
                            .replace("%3", res.out))
        self.exportFinished.emit(res)

    def _export_failed(self, exc) -> None:
        self.export_button.setEnabled(True)
        text = self._error_text(exc)
        self.status.setText(text)
        self.failed.emit(text)
