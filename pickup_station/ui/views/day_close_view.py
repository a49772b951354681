"""Closing the day (日结): the day's figures by operator; the goods count (what should be on the
shelves by product, what the leader counts, the differences); close the day, which prints the
closing slip; reprint or export a day already closed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import day_close
from pickup_station.ui.services import Services
from pickup_station.ui.widgets.leader_common import WARN_BG, make_info, make_table, say, set_row

NOT_COUNTED = -1


class DayCloseView(QWidget):
    dataShown = Signal()
    closed = Signal(object)  # DayClose
    localChange = Signal()

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self.day = QDateEdit(QDate.currentDate(), self)
        self.day.setObjectName("closingDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(self.refresh)
        self.figures = make_table(self, "operatorFigures", [
            self.tr("Operator"), self.tr("Pickups"), self.tr("Items handed"),
            self.tr("Shortages"), self.tr("Returns"), self.tr("Undos")], stretch=0)
        self.figures.setMaximumHeight(170)
        self.figures.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.stock = make_table(self, "stockCount", [
            self.tr("SKU"), self.tr("Product"), self.tr("Arrived"), self.tr("Handed over"),
            self.tr("Returned"), self.tr("Should be there"), self.tr("Counted"),
            self.tr("Difference")], stretch=1)
        self.info = make_info(self, "dayCloseInfo")
        fill = QPushButton(self.tr("Counted = expected"), self)
        fill.setToolTip(self.tr("Fill every count with what should be there, then change "
                                "the ones that differ"))
        fill.clicked.connect(self.fill_expected)
        self.close_button = QPushButton(self.tr("Close the day and print"), self)
        self.close_button.setObjectName("closeDayButton")
        self.close_button.clicked.connect(self.close_day)
        self.closed_days = QComboBox(self)
        self.closed_days.setObjectName("closedDays")
        self.closed_days.setMinimumWidth(130)
        self.reprint_button = QPushButton(self.tr("Reprint"), self)
        self.reprint_button.setObjectName("reprintClosing")
        self.reprint_button.clicked.connect(lambda: self.print_closing(self._closed_day(),
                                                                       reprint=True))
        export = QPushButton(self.tr("Export…"), self)
        export.setObjectName("exportClosing")
        export.clicked.connect(self._ask_export)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Day")))
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Closed days")))
        top.addWidget(self.closed_days)
        top.addWidget(self.reprint_button)
        top.addWidget(export)
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.figures)
        split.addWidget(self.stock)
        split.setSizes([150, 400])
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        bottom.addWidget(fill)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("By operator")))
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self._lines: list[day_close.StockLine] = []
        self._spins: dict[str, QSpinBox] = {}

    def current_day(self) -> date:
        return self.day.date().toPython()

    def refresh(self) -> None:
        """The figures and the stock are read side by side (the read lane has two threads)."""
        day, store = self.current_day(), self.sv.store
        got: dict = {}

        def part(key, value) -> None:
            got[key] = value
            if len(got) == 2:
                self._fill(day, got["figures"], *got["stock"])

        self.sv.tasks.op(lambda: day_close.operator_figures(store, day), parent=self) \
            .success(lambda v: part("figures", v)).run()
        self.sv.tasks.op(lambda: (day_close.expected_stock(store),
                                  day_close.get_closing(store, day),
                                  day_close.closed_days(store)), parent=self) \
            .success(lambda v: part("stock", v)).run()

    def _fill(self, day, figures, stock, closing, closed) -> None:
        if day != self.current_day():
            return
        self.closed_days.clear()
        self.closed_days.addItems(closed)
        self.reprint_button.setEnabled(bool(closed))
        self.figures.setRowCount(len(figures))
        for r, o in enumerate(figures):
            set_row(self.figures, r, [o.name or o.operator_id, o.pickups, o.items_handed,
                                      o.shortages, o.returns, o.undos], key=o.operator_id)
        if closing is not None:  # a closed day shows its count as it was
            stock = closing.stock
        self._lines = stock
        self._spins = {}
        self.stock.setRowCount(len(stock))
        for r, x in enumerate(stock):
            set_row(self.stock, r, [x.sku, x.name, x.arrived, x.handed, x.returned,
                                    x.expected], key=x.sku)
            spin = QSpinBox()
            spin.setRange(NOT_COUNTED, 99_999)
            spin.setSpecialValueText(self.tr("not counted"))
            spin.setValue(NOT_COUNTED if x.counted is None else x.counted)
            spin.setEnabled(closing is None)
            spin.valueChanged.connect(lambda _v, row=r: self._difference(row))
            self.stock.setCellWidget(r, 6, spin)
            self._spins[x.sku] = spin
            self._difference(r)
        self.close_button.setEnabled(closing is None)
        if closing is not None:
            say(self.info, self.tr("%1 was closed at %2 by %3: reprint or export it.")
                .replace("%1", closing.day).replace("%2", closing.closed_at[11:16])
                .replace("%3", closing.operator_name))
            self.closed_days.setCurrentText(closing.day)
        else:
            say(self.info, self.tr("Count the goods on the shelves and enter what is there "
                                   "(%1 product(s) should be there).")
                .replace("%1", str(len(stock))))
        self.dataShown.emit()

    def _difference(self, row: int) -> None:
        line = self._lines[row]
        value = self._spins[line.sku].value()
        diff = None if value == NOT_COUNTED else value - line.expected
        set_row(self.stock, row, [None] * 7 + ["" if diff is None else f"{diff:+d}" if diff else "0"],
                bg=WARN_BG if diff else None)

    def set_count(self, sku: str, count: int | None) -> None:
        self._spins[sku].setValue(NOT_COUNTED if count is None else count)

    def counts(self) -> dict[str, int]:
        return {sku: s.value() for sku, s in self._spins.items() if s.value() != NOT_COUNTED}

    def fill_expected(self) -> None:
        for line in self._lines:
            if self._spins[line.sku].isEnabled():
                self._spins[line.sku].setValue(max(line.expected, 0))

    def close_day(self) -> None:
        day, counted, op = self.current_day(), self.counts(), self.operator()
        self.close_button.setEnabled(False)

        def done(closing: day_close.DayClose) -> None:
            n = len(closing.discrepancies)
            say(self.info, self.tr("%1 closed: %2 discrepanc(ies) recorded; the closing slip "
                                   "is printing.").replace("%1", closing.day)
                .replace("%2", str(n)))
            self.sv.sounds.play("ok")
            self.print_closing(day, reprint=False, quiet=True)
            self.localChange.emit()
            self.closed.emit(closing)
            self.refresh()

        def failed(exc) -> None:
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
            self.sv.sounds.play("fail")
            self.close_button.setEnabled(True)
        self.sv.tasks.op(lambda: day_close.close_day(self.sv.store, day, op.operator_id,
                                                     counted),
                         lane="write", parent=self).success(done).failure(failed).run()

    def _closed_day(self) -> date | None:
        text = self.closed_days.currentText()
        return date.fromisoformat(text) if text else None

    def print_closing(self, day: date | None, *, reprint: bool, quiet: bool = False) -> None:
        if day is None:
            return
        if not self.sv.printer.present:
            if not quiet:
                say(self.info, self.tr("No printer is set up: choose one in Settings."),
                    error=True)
            return
        self.sv.printer.enqueue_day_closing(day, reprint=reprint)
        if not quiet:
            say(self.info, self.tr("Closing slip of %1 sent to the printer.")
                .replace("%1", day.isoformat()))

    def _ask_export(self) -> None:
        day = self._closed_day()
        if day is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the closed day"),
                                              f"closing-{day.isoformat()}.csv", "CSV (*.csv)")
        if path:
            self.export(day, path)

    def export(self, day: date, path) -> None:
        self.sv.tasks.op(lambda: day_close.export_closing(self.sv.store, day, path),
                         parent=self) \
            .success(lambda p: say(self.info, self.tr("Exported to %1").replace("%1", str(p)))) \
            .failure(lambda exc: say(self.info, self.sv.tasks.errors.message_for(exc),
                                     error=True)).run()
