"""The real main window over a real store holding small hand-made batches (tests/unit/
leader_seed.py), for the leader's screens; optional file printer."""

from __future__ import annotations

import pytest

from tests.unit.leader_seed import APPLE, MILK, RICE, SHRIMP, load, order

B1 = [order("O1", "13800001111", APPLE, RICE, name="张三丰"),
      order("O2", "13900002222", APPLE, name="李四"),
      order("O3", "13700003333", {**APPLE, "qty": 3}, MILK, name="王五"),
      order("O4", "13600004444", MILK, SHRIMP, name="欧阳娜娜")]


def code(oid: str) -> str:
    return next(o["pickup_code"] for o in B1 if o["order_id"] == oid)


@pytest.fixture
def leader_window(qtbot, store, data_dir, tmp_path):
    from pickup_station.config import Paths, PrinterSettings, Settings
    from pickup_station.core.counter import Counter
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.print_queue import PrintQueue
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks

    made, queues = [], []

    def make(*, seed: bool = True, paper=None, operators: bool = True):
        if seed:
            load(store, "B1", B1, operators=operators)
        settings = Settings()
        extra = {}
        if paper is not None:
            settings.printer = PrinterSettings(kind="file", target=str(paper), mode="text")
            queue = PrintQueue(store, lambda: settings)
            queues.append(queue)
            extra["printer"] = queue
        sv = Services(store=store, settings=settings, paths=Paths.resolve(data_dir),
                      counter=Counter(store), tasks=Tasks(), sounds=Sounds(enabled=False),
                      lang="en", **extra)
        w = MainWindow(sv)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
    for q in queues:
        q.shutdown()


def open_screen(qtbot, window, name: str):
    """Show the leader tab's screen `name` and wait until its data is shown."""
    tabs = window.leader_tabs
    view = getattr(tabs, name)
    with qtbot.waitSignal(view.dataShown, timeout=5000):
        window.tabs.setCurrentWidget(tabs)
        tabs.show_screen(view)
    return view
