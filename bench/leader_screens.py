"""Open time of each leader SCREEN of the window (widget built + its data shown), offscreen,
over a given store: the part of `leader_bench.py` that needs Qt. Median of `repeat` opens."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def screen_open_times(store, repeat: int) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from pickup_station.config import Paths, Settings
    from pickup_station.core import operators as ops
    from pickup_station.core.counter import Counter
    from pickup_station.ui.dialogs.print_jobs_dialog import PrintJobsDialog
    from pickup_station.ui.print_queue import PrintQueue
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks
    from pickup_station.ui.views.basket_panel import BasketDialog
    from pickup_station.ui.views.day_close_view import DayCloseView
    from pickup_station.ui.views.operators_view import OperatorsView
    from pickup_station.ui.views.receiving_view import ReceivingView
    from pickup_station.ui.views.shelves_view import ShelvesView
    from pickup_station.ui.views.uncollected_view import UncollectedView

    app = QApplication.instance() or QApplication([])
    tasks = Tasks()
    settings = Settings()
    queue = PrintQueue(store, lambda: settings)
    sv = Services(store=store, settings=settings, paths=Paths.resolve(store.path.parent),
                  counter=Counter(store), tasks=tasks, sounds=Sounds(enabled=False),
                  printer=queue, lang="en")
    leader = ops.OperatorInfo("leader", "王芳", "leader")

    def wait(signal, timeout_ms=30_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def with_data(make, prepare=None):
        def open_once():
            view = make()
            view.resize(1366, 700)
            view.show()
            if prepare is not None:
                prepare(view)
            else:
                view.refresh()
            wait(view.dataShown)
            return view
        return open_once

    def no_data(make):
        def open_once():
            view = make()
            view.show()
            app.processEvents()
            return view
        return open_once

    def idle(tasks) -> None:
        deadline = time.perf_counter() + 30
        while tasks.pending and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()

    screens = {
        "screen: Receiving by product (pick list of 5,000 orders)":
            with_data(lambda: ReceivingView(sv, lambda: leader)),
        "screen: Shelves (layout + occupancy)": with_data(lambda: ShelvesView(sv)),
        "screen: Uncollected and returns (first 500)":
            with_data(lambda: UncollectedView(sv, lambda: leader),
                      lambda v: v.show_waiting.setChecked(True)),
        "screen: Day closing (figures + expected stock)":
            with_data(lambda: DayCloseView(sv, lambda: leader)),
        "screen: Operators": with_data(lambda: OperatorsView(sv, lambda: leader)),
        "screen: Delegate's basket": no_data(lambda: BasketDialog(sv, lambda: leader)),
        "screen: Failed prints": no_data(lambda: PrintJobsDialog(queue)),
    }
    out = {}
    for name, open_once in screens.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            view = open_once()
            times.append((time.perf_counter() - t0) * 1000)
            idle(tasks)  # what the screen does next (e.g. the shortfall preview) ends first
            view.close()
            view.deleteLater()
            app.processEvents()
        out[name] = round(statistics.median(times), 1)
    tasks.shutdown()
    tasks.join()
    queue.shutdown()
    return out
