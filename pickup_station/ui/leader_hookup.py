"""What the leader's day adds to the main window, in one place (so the window's own file
changes by a line): the "Leader" tab, the delegate's basket (Ctrl+B) and the failed-prints
list in the toolbar, and the forced change of the default leader PIN at start."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from pickup_station.core import operators as ops


def add_leader_tab(window: QMainWindow) -> None:
    """The "Leader" tab (`ui/window_tabs.py` adds it after the arrival check and figures)."""
    from pickup_station.ui.views.leader_tab import LeaderTabs

    window.leader_tabs = LeaderTabs(window.sv, lambda: window.operator, window)
    window.leader_tabs.localChange.connect(window._local_change)
    window.tabs.addTab(window.leader_tabs, QCoreApplication.translate("LeaderHookup", "Leader"))


def install(window: QMainWindow) -> None:
    sv = window.sv
    bar = window.findChild(QToolBar, "mainToolbar")
    basket = bar.addAction(QCoreApplication.translate("LeaderHookup", "Delegate's basket"), lambda: open_basket(window))
    basket.setObjectName("basketAction")
    basket.setShortcut(QKeySequence("Ctrl+B"))
    prints = bar.addAction(QCoreApplication.translate("LeaderHookup", "Failed prints"), lambda: open_failed_prints(window))
    prints.setObjectName("failedPrintsAction")
    window.failed_prints_action = prints
    if hasattr(sv.printer, "failedChanged"):
        label = QCoreApplication.translate("LeaderHookup", "Failed prints")
        sv.printer.failedChanged.connect(
            lambda n: prints.setText(f"{label} ({n})" if n else label))
    check_default_pin(window)


def open_basket(window):
    from pickup_station.ui.views.basket_panel import BasketDialog

    dlg = getattr(window, "basket_dialog", None)
    if dlg is None:
        dlg = window.basket_dialog = BasketDialog(window.sv, lambda: window.operator, window)
        dlg.handedOver.connect(lambda _r: window._local_change())
    dlg.show()
    dlg.raise_()
    dlg.scan.setFocus()
    return dlg


def open_failed_prints(window):
    from pickup_station.ui.dialogs.print_jobs_dialog import PrintJobsDialog

    dlg = PrintJobsDialog(window.sv.printer, window)
    dlg.show()
    return dlg


def check_default_pin(window) -> None:
    """On the writer lane, so it runs after the default leader is seeded in a new store."""
    store = window.sv.store

    def needed():
        with store.reader() as s:
            if not ops.pin_change_required(s):
                return None
            return next((o.operator_id for o in ops.operator_rows(s) if o.must_change_pin),
                        None)

    window.sv.tasks.op(needed, lane="write", parent=window) \
        .success(lambda op_id: ask_new_pin(window, op_id) if op_id else None).run()


def ask_new_pin(window, operator_id: str):
    from pickup_station.ui.dialogs.pin_dialog import ForcedPinDialog

    dlg = window.pin_dialog = ForcedPinDialog(window.sv, operator_id, window)
    dlg.changed.connect(lambda _w: window.statusBar().showMessage(
        QCoreApplication.translate("LeaderHookup", "The leader's PIN was changed."), 5000))
    dlg.finished.connect(lambda _r: (window.activateWindow(), window.counter_view.focus_scan()))
    dlg.open()  # application-modal: nothing else can be used until it is done
    return dlg
