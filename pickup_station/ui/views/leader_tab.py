"""The leader's screens in one tab of the main window: receiving by product, shelves,
uncollected and returns, day closing, operators. The screen shown is reloaded when it is
opened (nothing is read behind the counter while the leader is not looking)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from pickup_station.ui.services import Services
from pickup_station.ui.views.day_close_view import DayCloseView
from pickup_station.ui.views.operators_view import OperatorsView
from pickup_station.ui.views.receiving_view import ReceivingView
from pickup_station.ui.views.shelves_view import ShelvesView
from pickup_station.ui.views.uncollected_view import UncollectedView


class LeaderTabs(QTabWidget):
    localChange = Signal()

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("leaderTabs")
        self.receiving = ReceivingView(services, operator_getter, self)
        self.shelves = ShelvesView(services, self)
        self.uncollected = UncollectedView(services, operator_getter, self)
        self.day_close = DayCloseView(services, operator_getter, self)
        self.operators = OperatorsView(services, operator_getter, self)
        self.addTab(self.receiving, self.tr("Receiving by product"))
        self.addTab(self.shelves, self.tr("Shelves"))
        self.addTab(self.uncollected, self.tr("Uncollected and returns"))
        self.addTab(self.day_close, self.tr("Day closing"))
        self.addTab(self.operators, self.tr("Operators"))
        for view in (self.receiving, self.shelves, self.uncollected, self.day_close):
            view.localChange.connect(self.localChange)
        self.currentChanged.connect(lambda _i: self.refresh())

    def show_screen(self, view: QWidget) -> None:
        """Bring one leader screen up (and load it)."""
        if self.currentWidget() is view:
            self.refresh()
        else:
            self.setCurrentWidget(view)

    def refresh(self) -> None:
        if self.isVisible():
            self.currentWidget().refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.currentWidget().refresh()
