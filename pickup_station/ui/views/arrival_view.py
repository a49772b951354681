"""Arrival check (到货签收): the leader compares the truck's load with the manifest.

The batch list shows what is expected and what arrived; "Check arrival" opens the batch's
orders and items, where the leader enters what is short or damaged, then signs off.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pickup_station.core import arrival
from pickup_station.core.identity import mask_name
from pickup_station.store.db import parse_iso
from pickup_station.store.models import Order
from pickup_station.ui.services import Services


def _load_batch(store, batch_id: str) -> list[dict]:
    with store.reader() as s:
        orders = s.scalars(select(Order).where(Order.batch_id == batch_id)
                           .options(selectinload(Order.items)).order_by(Order.shelf_slot))
        return [{"order_id": o.order_id, "customer": mask_name(o.customer_name),
                 "slot": o.shelf_slot or "", "status": o.status,
                 "items": [{"sku": i.sku, "name": i.name, "qty": i.qty} for i in o.items]}
                for o in orders]


class ArrivalView(QWidget):
    localChange = Signal()
    signedOff = Signal(object)  # ArrivalResult

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self.batches = QTableWidget(0, 5, self)
        self.batches.setObjectName("batchTable")
        self.batches.setHorizontalHeaderLabels([
            self.tr("Batch"), self.tr("Expected"), self.tr("Status"), self.tr("Orders"),
            self.tr("Not picked up")])
        self.batches.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.batches.setSelectionBehavior(QTableWidget.SelectRows)
        self.batches.setEditTriggers(QTableWidget.NoEditTriggers)
        self.batches.itemSelectionChanged.connect(self._selected)
        self.lines = QTreeWidget(self)
        self.lines.setObjectName("arrivalLines")
        self.lines.setHeaderLabels([self.tr("Shelf / order / item"), self.tr("Ordered"),
                                    self.tr("Short"), self.tr("Damaged")])
        self.lines.setColumnWidth(0, 460)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.sign_button = QPushButton(self.tr("Sign off as arrived"), self)
        self.sign_button.setObjectName("signOffButton")
        self.sign_button.setEnabled(False)
        self.sign_button.clicked.connect(self.sign_off)
        self.labels_button = QPushButton(self.tr("Print shelf labels"), self)
        self.labels_button.setObjectName("printLabelsButton")
        self.labels_button.setToolTip(self.tr(
            "One label per order of this batch, in shelf order, to stick on the bags"))
        self.labels_button.setEnabled(False)
        self.labels_button.clicked.connect(self.print_labels)
        self._orders: list[dict] = []
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Delivery batches")))
        top.addStretch(1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.batches, 1)
        layout.addWidget(self.lines, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        bottom.addWidget(self.labels_button)
        bottom.addWidget(self.sign_button)
        layout.addLayout(bottom)
        self._spins: list[tuple[str, str, QSpinBox, QSpinBox]] = []
        self._rows: list[arrival.BatchSummary] = []
        self.refresh()

    def refresh(self) -> None:
        self.sv.tasks.run(lambda: arrival.list_batches(self.sv.store), self._fill)

    def _fill(self, rows: list[arrival.BatchSummary]) -> None:
        current = self.current_batch()
        self._rows = rows
        self.batches.setRowCount(len(rows))
        names = {"expected": self.tr("Expected", "batch status"), "arrived": self.tr("Arrived"),
                 "closed": self.tr("Closed")}
        for r, b in enumerate(rows):
            when = parse_iso(b.expected_at)
            values = [b.batch_id, when.astimezone().strftime("%m-%d %H:%M") if when else "",
                      names.get(b.status, b.status), str(b.orders), str(b.open_orders)]
            for c, v in enumerate(values):
                self.batches.setItem(r, c, QTableWidgetItem(v))
            if b.batch_id == current:
                self.batches.selectRow(r)

    def current_batch(self) -> str | None:
        row = self.batches.currentRow()
        return self._rows[row].batch_id if 0 <= row < len(self._rows) else None

    def select_batch(self, batch_id: str) -> None:
        for r, b in enumerate(self._rows):
            if b.batch_id == batch_id:
                self.batches.selectRow(r)
                return

    def _selected(self) -> None:
        batch_id = self.current_batch()
        if not batch_id:
            return
        summary = next(b for b in self._rows if b.batch_id == batch_id)
        self.sign_button.setEnabled(summary.status == "expected")
        self.sv.tasks.run(lambda: _load_batch(self.sv.store, batch_id),
                          lambda orders: self._fill_lines(batch_id, summary.status, orders))

    def _fill_lines(self, batch_id: str, status: str, orders: list[dict]) -> None:
        if batch_id != self.current_batch():
            return
        self.lines.clear()
        self._spins = []
        self._orders = orders
        self.labels_button.setEnabled(bool(orders))
        editable = status == "expected"
        for o in orders:
            top = QTreeWidgetItem(self.lines, [f"{o['slot']}  {o['customer']}  {o['order_id']}"])
            for it in o["items"]:
                child = QTreeWidgetItem(top, [it["name"], str(it["qty"])])
                spins = []
                for col in (2, 3):
                    spin = QSpinBox()
                    spin.setRange(0, it["qty"])
                    spin.setEnabled(editable)
                    self.lines.setItemWidget(child, col, spin)
                    spins.append(spin)
                self._spins.append((o["order_id"], it["sku"], *spins))
            top.setExpanded(True)
        self.info.setText(self.tr("%n order(s) in this batch.", "", len(orders)))

    def print_labels(self) -> None:
        """Queue a shelf label for every active order of the shown batch (the print queue
        works on its own thread; its outcome shows in `printerStatus`)."""
        printer = self.sv.printer
        if not printer.present:
            self.info.setText(self.tr("No printer is set up: choose one in Settings."))
            self.sv.sounds.play("fail")
            return
        orders = [o for o in self._orders if o["status"] == "active"]
        for o in orders:
            printer.enqueue_label(o["order_id"])
        self.info.setText(self.tr("%n shelf label(s) sent to the printer.", "", len(orders)))

    def set_issue(self, order_id: str, sku: str, short: int = 0, damaged: int = 0) -> None:
        for oid, s, spin_short, spin_damaged in self._spins:
            if (oid, s) == (order_id, sku):
                spin_short.setValue(short)
                spin_damaged.setValue(damaged)

    def issues(self) -> list[arrival.ArrivalIssue]:
        out = []
        for order_id, sku, spin_short, spin_damaged in self._spins:
            if spin_short.value():
                out.append(arrival.ArrivalIssue(order_id, sku, spin_short.value(), "short"))
            if spin_damaged.value():
                out.append(arrival.ArrivalIssue(order_id, sku, spin_damaged.value(), "damaged"))
        return out

    def sign_off(self) -> None:
        batch_id = self.current_batch()
        if not batch_id:
            return
        issues = self.issues()
        operator = self.operator()
        self.sign_button.setEnabled(False)

        def done(result: arrival.ArrivalResult):
            self.info.setText(self.tr(
                "Batch %1 signed off: %2 short line(s), %3 damaged line(s).")
                .replace("%1", result.batch_id).replace("%2", str(result.lines_short))
                .replace("%3", str(result.lines_damaged)))
            self.sv.sounds.play("ok")
            self.refresh()
            self.localChange.emit()
            self.signedOff.emit(result)

        def failed(exc):
            msg = self.sv.tasks.errors.message_for(exc)
            self.info.setText(f'<span style="color:#c62828">{html.escape(msg)}</span>')
            self.sign_button.setEnabled(True)
            self.sv.sounds.play("fail")
        self.sv.tasks.run(lambda: arrival.sign_off(self.sv.store, batch_id, operator.operator_id,
                                                   issues), done, failed, lane="write")
