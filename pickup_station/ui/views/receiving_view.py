"""Receiving by product (到货签收, as the leader counts the truck).

Pick a batch; its products are listed with the expected quantity and a spin box for the count.
The shortfall rule is shown and can be changed; the preview lists which order lines go short
(each editable) and flags perishables. Sign-off gives the shelf slots; full shelves are refused
with what to do (add an overflow area, here in one click). After sign-off a product's count can
be corrected (a box found later). Packing list and shelf labels go to the print queue.
Per-order short/damaged entry stays in the "Arrival check" tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import text

from pickup_station.core import arrival, receiving, shelves
from pickup_station.core.shelves import ShelfSpec, ShelvesFull
from pickup_station.messages import render
from pickup_station.ui.services import Services
from pickup_station.ui.widgets.leader_common import (
    PERISHABLE_BG,
    make_info,
    make_table,
    say,
    set_row,
)


def _default_batch(rows: list[arrival.BatchSummary], current: str | None) -> str | None:
    """The batch shown: the one chosen before, else the first still to receive, else the
    newest."""
    ids = [b.batch_id for b in rows]
    if current in ids:
        return current
    waiting = [b.batch_id for b in rows if b.status == "expected"]
    return waiting[0] if waiting else (ids[-1] if ids else None)


class ReceivingView(QWidget):
    dataShown = Signal()
    previewShown = Signal()
    signedOff = Signal(object)  # ArrivalResult
    corrected = Signal(object)  # CorrectionResult
    localChange = Signal()

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self._batches: list[arrival.BatchSummary] = []
        self._lines: list[receiving.PickLine] = []
        self._spins: dict[str, QSpinBox] = {}
        self._plan: receiving.ReceivingPreview | None = None
        self._short_spins: list[QSpinBox] = []
        self.batch = QComboBox(self)
        self.batch.setObjectName("receivingBatch")
        self.batch.setMinimumWidth(380)
        self.batch.currentIndexChanged.connect(self._load_lines)
        self.rule = QComboBox(self)
        self.rule.setObjectName("shortfallRule")
        for key, words in receiving.RULES.items():
            self.rule.addItem(render(words, self.sv.lang), key)
        self.rule.currentIndexChanged.connect(self._schedule_preview)
        self.products = make_table(self, "pickList", [
            self.tr("SKU"), self.tr("Product"), self.tr("Category"), self.tr("Storage"),
            self.tr("Orders"), self.tr("Expected"), self.tr("Received")], stretch=1)
        self.shorts = make_table(self, "shortLines", [
            self.tr("Order"), self.tr("Customer"), self.tr("Product"), self.tr("Ordered"),
            self.tr("Short"), self.tr("Perishable")], stretch=2)
        for col, width in ((0, 190), (1, 120), (3, 70), (4, 90), (5, 80)):
            self.shorts.setColumnWidth(col, width)
        self.info = make_info(self, "receivingInfo")
        self.sign_button = QPushButton(self.tr("Sign off as received"), self)
        self.sign_button.setObjectName("receiveSignOff")
        self.sign_button.clicked.connect(self.sign_off)
        self.correct_button = QPushButton(self.tr("Correct the selected count"), self)
        self.correct_button.setObjectName("correctCount")
        self.correct_button.setToolTip(self.tr(
            "After sign-off: a box found later or a miscount; the shortfall follows"))
        self.correct_button.clicked.connect(self.correct_selected)
        self.overflow_button = QPushButton(self.tr("Add an overflow area"), self)
        self.overflow_button.setObjectName("addOverflowFromReceiving")
        self.overflow_button.clicked.connect(self.add_overflow)
        self.overflow_button.hide()
        self.packing_button = QPushButton(self.tr("Print packing list"), self)
        self.packing_button.setObjectName("printPackingList")
        self.packing_button.clicked.connect(self.print_packing_list)
        self.labels_button = QPushButton(self.tr("Print shelf labels"), self)
        self.labels_button.setObjectName("printReceivingLabels")
        self.labels_button.clicked.connect(self.print_labels)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_preview)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Batch")))
        top.addWidget(self.batch)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Shortfall rule")))
        top.addWidget(self.rule)
        top.addStretch(1)
        top.addWidget(refresh)
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.products)
        lower = QWidget(split)
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(self.tr("Order lines that go short (editable)")))
        lv.addWidget(self.shorts)
        split.addWidget(lower)
        split.setSizes([320, 200])
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        for b in (self.overflow_button, self.packing_button, self.labels_button,
                  self.correct_button, self.sign_button):
            bottom.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self._set_buttons(None)

    # --- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """The batches and the pick list of the one shown, in one trip to the reader."""
        current, store = self.current_batch(), self.sv.store

        def load():
            rows = arrival.list_batches(store)
            pick = _default_batch(rows, current)
            return rows, pick, (receiving.pick_list(store, pick) if pick else [])
        self.sv.tasks.op(load, parent=self).success(self._fill_all).run()

    def _fill_all(self, loaded) -> None:
        rows, pick, lines = loaded
        self._fill_batches(rows, pick, load=False)
        self._fill_lines(pick, lines)

    def _fill_batches(self, rows: list[arrival.BatchSummary], pick: str | None,
                      load: bool = True) -> None:
        self._batches = rows
        self.batch.blockSignals(True)
        self.batch.clear()
        names = {"expected": self.tr("expected"), "arrived": self.tr("received"),
                 "closed": self.tr("closed")}
        for b in rows:
            self.batch.addItem(f"{b.batch_id} · {names.get(b.status, b.status)} · "
                               + self.tr("%n order(s)", "", b.orders), b.batch_id)
        self.batch.setCurrentIndex(max(self.batch.findData(pick), 0))
        self.batch.blockSignals(False)
        if load:
            self._load_lines()

    def current_batch(self) -> str | None:
        return self.batch.currentData()

    def select_batch(self, batch_id: str) -> None:
        i = self.batch.findData(batch_id)
        if i >= 0:
            self.batch.setCurrentIndex(i)

    def _status(self) -> str | None:
        b = next((b for b in self._batches if b.batch_id == self.current_batch()), None)
        return b.status if b else None

    def _load_lines(self) -> None:
        batch_id = self.current_batch()
        if not batch_id:
            self.dataShown.emit()
            return
        self.sv.tasks.op(lambda: receiving.pick_list(self.sv.store, batch_id), parent=self) \
            .success(lambda lines: self._fill_lines(batch_id, lines)).run()

    def _fill_lines(self, batch_id: str, lines: list[receiving.PickLine]) -> None:
        if batch_id != self.current_batch():
            return
        if not batch_id:
            self.dataShown.emit()
            return
        status = self._status()
        self._lines = lines
        self._spins = {}
        self.products.setRowCount(len(lines))
        storage = {"dry": self.tr("dry"), "fresh": self.tr("fresh"),
                   "chilled": self.tr("chilled"), "frozen": self.tr("frozen")}
        for r, p in enumerate(lines):
            set_row(self.products, r, [p.sku, p.name, p.category, storage[p.storage], p.orders,
                                       p.expected], key=p.sku,
                    bg=PERISHABLE_BG if p.perishable else None)
            spin = QSpinBox()
            spin.setRange(0, max(p.expected * 3, p.expected + 50))
            spin.setValue(p.expected if p.received is None else p.received)
            spin.setProperty("sku", p.sku)
            spin.setEnabled(status != "closed")
            spin.valueChanged.connect(self._schedule_preview)
            self.products.setCellWidget(r, 6, spin)
            self._spins[p.sku] = spin
        self.products.resizeColumnsToContents()
        self.products.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.products.setColumnWidth(6, 90)
        self.shorts.setRowCount(0)
        self._plan = None
        self._set_buttons(status)
        perishable = sum(1 for p in lines if p.perishable)
        say(self.info, self.tr("%1 product(s), %2 perishable (blue): count them and enter "
                               "what came.").replace("%1", str(len(lines)))
            .replace("%2", str(perishable)) if status == "expected" else
            self.tr("Signed off. Change a count and press 'Correct' for a box found later."))
        self.dataShown.emit()
        if status == "expected":
            self.update_preview()

    def _set_buttons(self, status: str | None) -> None:
        self.sign_button.setEnabled(status == "expected")
        self.correct_button.setEnabled(status == "arrived")
        self.packing_button.setEnabled(status in ("arrived", "closed"))
        self.labels_button.setEnabled(status == "arrived")
        self.rule.setEnabled(status == "expected")

    # --- the preview ---------------------------------------------------------------------
    def set_received(self, sku: str, count: int) -> None:
        self._spins[sku].setValue(count)

    def received(self) -> dict[str, int]:
        return {sku: spin.value() for sku, spin in self._spins.items()}

    def set_rule(self, rule: str) -> None:
        self.rule.setCurrentIndex(self.rule.findData(rule))

    def _schedule_preview(self, *_args) -> None:
        if self._status() == "expected":
            self._timer.start()

    def update_preview(self) -> None:
        batch_id, counts, rule = self.current_batch(), self.received(), self.rule.currentData()
        if not batch_id:
            return
        self.sv.tasks.op(lambda: receiving.preview(self.sv.store, batch_id, counts, rule),
                         parent=self).success(self._show_preview).failure(self._failed).run()

    def _show_preview(self, plan: receiving.ReceivingPreview) -> None:
        if plan.batch_id != self.current_batch() or plan.received != self.received():
            return
        self._plan = plan
        self._short_spins = []
        self.shorts.setRowCount(len(plan.shorts))
        for r, line in enumerate(plan.shorts):
            set_row(self.shorts, r, [line.order_id, line.customer, line.name, line.qty_ordered,
                                     None, self.tr("yes") if line.perishable else ""],
                    key=line.order_id, bg=PERISHABLE_BG if line.perishable else None)
            spin = QSpinBox()
            spin.setRange(0, line.qty_ordered)
            spin.setValue(line.qty_short)
            spin.valueChanged.connect(lambda v, ln=line: setattr(ln, "qty_short", v))
            self.shorts.setCellWidget(r, 4, spin)
            self._short_spins.append(spin)
        total = sum(plan.shortfall(p.sku) for p in plan.products)
        say(self.info, self.tr("Short: %1 item(s) on %2 order line(s), by the rule shown. "
                               "Change a line if needed, then sign off.")
            .replace("%1", str(total)).replace("%2", str(len(plan.shorts))) if total else
            self.tr("Everything came as expected."))
        self.previewShown.emit()

    def set_line_short(self, row: int, qty: int) -> None:
        self._short_spins[row].setValue(qty)

    # --- actions -------------------------------------------------------------------------
    def sign_off(self) -> None:
        plan, operator = self._plan, self.operator()
        if plan is None or plan.received != self.received():
            self.update_preview()
            say(self.info, self.tr("The preview is being updated: check it, then sign off."))
            return
        self.sign_button.setEnabled(False)
        self.overflow_button.hide()
        self.sv.tasks.op(lambda: receiving.sign_off_received(
            self.sv.store, plan.batch_id, operator.operator_id, plan), lane="write",
            parent=self).success(self._signed).failure(self._sign_failed).run()

    def _signed(self, result: arrival.ArrivalResult) -> None:
        say(self.info, self.tr("Batch %1 signed off: %2 short line(s); shelf slots given.")
            .replace("%1", result.batch_id).replace("%2", str(result.lines_short)))
        self.sv.sounds.play("ok")
        self.localChange.emit()
        self.signedOff.emit(result)
        self.refresh()

    def _sign_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        self.sign_button.setEnabled(True)
        if isinstance(exc, ShelvesFull):
            self.overflow_button.show()

    def _failed(self, exc: BaseException) -> None:
        say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
        self.sv.sounds.play("fail")

    def add_overflow(self) -> None:
        """One click from the refusal: an overflow shelf big enough for what was missing."""
        def add():
            with self.sv.store.session() as s:
                names = {x.name for x in shelves.get_layout(s)}
                name = next(f"X{i}" for i in range(1, 999) if f"X{i}" not in names)
                shelves.add_shelf(s, ShelfSpec(name, "overflow", 5, 30))
                return name
        self.sv.tasks.op(add, lane="write", parent=self).success(self._overflow_added) \
            .failure(self._failed).run()

    def _overflow_added(self, name: str) -> None:
        self.overflow_button.hide()
        say(self.info, self.tr("Overflow shelf %1 added (150 slots): sign off again.")
            .replace("%1", name))
        self.localChange.emit()

    def correct_selected(self) -> None:
        row = self.products.currentRow()
        if not (0 <= row < len(self._lines)):
            say(self.info, self.tr("Choose the product to correct first."), error=True)
            return
        self.correct(self._lines[row].sku, self._spins[self._lines[row].sku].value())

    def correct(self, sku: str, count: int) -> None:
        batch_id, operator = self.current_batch(), self.operator()
        self.sv.tasks.op(lambda: receiving.correct_received(
            self.sv.store, batch_id, operator.operator_id, sku, count), lane="write",
            parent=self).success(self._corrected).failure(self._failed).run()

    def _corrected(self, result: receiving.CorrectionResult) -> None:
        say(self.info, self.tr("%1: received %2 → %3; %4 order line(s) changed.")
            .replace("%1", result.sku).replace("%2", str(result.received_before))
            .replace("%3", str(result.received_after)).replace("%4", str(len(result.lines))))
        self.sv.sounds.play("ok")
        self.localChange.emit()
        self.corrected.emit(result)
        self._load_lines()

    def _printer_ready(self) -> bool:
        if not self.sv.printer.present:
            say(self.info, self.tr("No printer is set up: choose one in Settings."), error=True)
            self.sv.sounds.play("fail")
            return False
        return True

    def print_packing_list(self) -> None:
        if self._printer_ready() and self.current_batch():
            self.sv.printer.enqueue_packing_list(self.current_batch())
            say(self.info, self.tr("Packing list sent to the printer."))

    def print_labels(self) -> None:
        batch_id = self.current_batch()
        if not (self._printer_ready() and batch_id):
            return

        def orders():
            with self.sv.store.reader() as s:
                return list(s.scalars(text(
                    "SELECT order_id FROM orders WHERE batch_id = :b AND status = 'active' "
                    "AND pickup_state = 'open' ORDER BY shelf_slot, order_id")
                    .bindparams(b=batch_id)))

        def send(ids: list[str]) -> None:
            for oid in ids:
                self.sv.printer.enqueue_label(oid)
            say(self.info, self.tr("%n shelf label(s) sent to the printer.", "", len(ids)))
        self.sv.tasks.op(orders, parent=self).success(send).run()
