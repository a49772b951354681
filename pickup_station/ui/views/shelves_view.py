"""Shelves (货架): the station's layout by area, occupancy at a glance, and adding a shelf (an
overflow area when the shelves are full). A standalone view the settings dialog can link to;
the leader tab shows it as is."""

from __future__ import annotations

from collections import Counter as Tally

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import shelves
from pickup_station.core.shelves import ShelfSpec
from pickup_station.ui.services import Services
from pickup_station.ui.widgets.leader_common import WARN_BG, make_info, make_table, say, set_row

LOW_FREE = 0.1  # an area with less than this share free is shown as nearly full


def load_shelves(store) -> tuple[list[ShelfSpec], shelves.ShelfOccupancy]:
    with store.reader() as s:
        return shelves.get_layout(s), shelves.occupancy(s)


class ShelvesView(QWidget):
    dataShown = Signal()
    localChange = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.area_names = {"normal": self.tr("Normal"), "chilled": self.tr("Chilled"),
                           "frozen": self.tr("Frozen"), "overflow": self.tr("Overflow")}
        self.areas = make_table(self, "shelfAreas", [
            self.tr("Area"), self.tr("Slots"), self.tr("Occupied"), self.tr("Free"),
            self.tr("Use")], stretch=4)
        self.areas.setMaximumHeight(160)
        self.shelf_table = make_table(self, "shelfTable", [
            self.tr("Shelf"), self.tr("Area"), self.tr("Levels"), self.tr("Positions"),
            self.tr("Slots"), self.tr("Occupied"), self.tr("Example slot")], stretch=6)
        self.info = make_info(self, "shelvesInfo")
        self.name = QLineEdit(self)
        self.name.setObjectName("newShelfName")
        self.name.setPlaceholderText(self.tr("e.g. Z1"))
        self.name.setMaxLength(4)
        self.area = QComboBox(self)
        self.area.setObjectName("newShelfArea")
        for key in shelves.AREAS:
            self.area.addItem(self.area_names[key], key)
        self.area.setCurrentIndex(self.area.findData("overflow"))
        self.levels = QSpinBox(self)
        self.levels.setRange(1, 99)
        self.levels.setValue(5)
        self.positions = QSpinBox(self)
        self.positions.setRange(1, 99)
        self.positions.setValue(30)
        self.add_button = QPushButton(self.tr("Add shelf"), self)
        self.add_button.setObjectName("addShelfButton")
        self.add_button.clicked.connect(self.add_from_form)
        box = QGroupBox(self.tr("Add a shelf or an overflow area"), self)
        form = QFormLayout(box)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Area"), self.area)
        form.addRow(self.tr("Levels"), self.levels)
        form.addRow(self.tr("Positions per level"), self.positions)
        form.addRow(self.add_button)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        side = QVBoxLayout()
        side.addWidget(box)
        side.addWidget(refresh)
        side.addStretch(1)
        main = QVBoxLayout()
        main.addWidget(self.areas)
        main.addWidget(self.shelf_table, 1)
        main.addWidget(self.info)
        layout = QHBoxLayout(self)
        layout.addLayout(main, 1)
        layout.addLayout(side)
        self.occupancy: shelves.ShelfOccupancy | None = None

    def refresh(self) -> None:
        self.sv.tasks.op(lambda: load_shelves(self.sv.store), parent=self) \
            .success(self._fill).run()

    def _fill(self, loaded) -> None:
        specs, occ = loaded
        self.occupancy = occ
        self.areas.setRowCount(0)
        full = []
        for use in occ.areas:
            if not use.slots and not use.occupied:
                continue
            r = self.areas.rowCount()
            self.areas.insertRow(r)
            low = use.slots and use.free < use.slots * LOW_FREE
            set_row(self.areas, r, [self.area_names[use.area], use.slots, use.occupied,
                                    use.free], key=use.area, bg=WARN_BG if low else None)
            bar = QProgressBar()
            bar.setRange(0, max(use.slots, 1))
            bar.setValue(min(use.occupied, use.slots))
            bar.setFormat(f"{use.occupied}/{use.slots}")
            self.areas.setCellWidget(r, 4, bar)
            if low:
                full.append(self.area_names[use.area])
        per_shelf = Tally(slot.partition("-")[0] for slot in occ.held)
        self.shelf_table.setRowCount(len(specs))
        for r, s in enumerate(specs):
            set_row(self.shelf_table, r, [s.name, self.area_names[s.area], s.levels,
                                          s.positions, s.capacity, per_shelf.get(s.name, 0),
                                          f"{s.name}-1-01"], key=s.name)
        if full:
            say(self.info, self.tr("Nearly full: %1. Add a shelf or an overflow area before "
                                   "the next sign-off.").replace("%1", "、".join(full)),
                error=True)
        else:
            say(self.info, self.tr("%1 slot(s) held, %2 shelf(s).")
                .replace("%1", str(occ.occupied)).replace("%2", str(len(specs))))
        self.dataShown.emit()

    def add_from_form(self) -> None:
        spec = ShelfSpec(self.name.text().strip().upper(), self.area.currentData(),
                         self.levels.value(), self.positions.value())
        self.add_shelf(spec)

    def add_shelf(self, spec: ShelfSpec) -> None:
        def add():
            with self.sv.store.session() as s:
                return shelves.add_shelf(s, spec)

        def done(_layout) -> None:
            self.name.clear()
            self.localChange.emit()
            self.refresh()

        def failed(exc) -> None:
            say(self.info, self.sv.tasks.errors.message_for(exc), error=True)
            self.sv.sounds.play("fail")
        self.sv.tasks.op(add, lane="write", parent=self).success(done).failure(failed).run()
