"""The real main window over a real store filled with demo batches, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton


@pytest.fixture
def make_window(qtbot, station, data_dir):
    from pickup_station.config import Paths, Settings
    from pickup_station.core.counter import Counter
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks

    made = []

    def make(settings: Settings | None = None, **extra):
        settings = settings or Settings()
        extra.setdefault("sounds", Sounds(enabled=False))
        sv = Services(store=station.store, settings=settings, paths=Paths.resolve(data_dir),
                      counter=Counter(station.store), tasks=Tasks(), **extra)
        w = MainWindow(sv)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def window(make_window):
    return make_window()


class Driver:
    """Drives the window the way a host does: type or scan into scanInput, press Enter."""

    def __init__(self, qtbot, window):
        self.qtbot, self.w = qtbot, window
        self.scan_input = window.findChild(QLineEdit, "scanInput")
        self.result = window.findChild(QLabel, "lookupResult")
        self.confirm_button = window.findChild(QPushButton, "confirmButton")

    def scan(self, text: str):
        with self.qtbot.waitSignal(self.w.counter_view.verdictShown, timeout=5000) as blocker:
            self.scan_input.setText(text)
            self.qtbot.keyClick(self.scan_input, Qt.Key_Return)
        return blocker.args[0]

    def enter(self):
        self.qtbot.keyClick(self.scan_input, Qt.Key_Return)

    def confirm_with_enter(self):
        with self.qtbot.waitSignal(self.w.counter_view.handoverDone, timeout=5000) as blocker:
            self.enter()
        return blocker.args[0]

    def kind(self) -> str:
        return self.result.property("verdictKind")

    def reason(self) -> str:
        return self.result.property("verdictReason")

    def text(self) -> str:
        return self.result.text()

    def shown(self) -> str:
        """All the panel shows: the band (lookupResult) and the order cards."""
        return self.w.counter_view.panel.visible_text()


@pytest.fixture
def host(qtbot, window):
    return Driver(qtbot, window)
