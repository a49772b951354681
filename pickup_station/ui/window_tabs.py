"""The main window's tabs after the counter: arrival check, figures, the leader's screens.

`MainWindow` adds them as it is built, or, built with `later_tabs=True` (what `app.py` does),
leaves them to `add_tabs(window)`, which the app calls once the counter has been painted: the
counter's first paint then does not wait for them (~0.1-0.2 s to import and build all three).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def add_tabs(window) -> None:
    """Arrival check, figures and the leader's screens, in that order, once."""
    if getattr(window, "arrival_view", None) is not None:
        return
    from pickup_station.ui import leader_hookup
    from pickup_station.ui.views.arrival_view import ArrivalView
    from pickup_station.ui.views.reports_view import ReportsView

    sv = window.sv
    window.arrival_view = ArrivalView(sv, lambda: window.operator, window)
    window.arrival_view.localChange.connect(window._local_change)
    window.tabs.addTab(window.arrival_view,
                       QCoreApplication.translate("MainWindow", "Arrival check"))
    window.reports_view = ReportsView(sv.store, settings=sv.settings, tasks=sv.tasks,
                                      printer=sv.printer, parent=window)
    window.tabs.addTab(window.reports_view, QCoreApplication.translate("MainWindow", "Figures"))
    leader_hookup.add_leader_tab(window)
