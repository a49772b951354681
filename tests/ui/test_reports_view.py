"""The reports tab on a real store: figures and the uncollected table load off the UI thread,
through the app's one road (ui/tasks.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool

from pickup_station.config import Settings
from pickup_station.core.reports import uncollected
from pickup_station.store.models import Order
from pickup_station.ui.views.reports_view import ReportsView, UncollectedTableModel
from tests.reports_seed import FULL_PHONES, seed

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # local 2026-11-22 16:00


@pytest.fixture
def view(qtbot, store, tasks):
    seed(store)
    v = ReportsView(store, tasks=tasks, settings=Settings(uncollected_after_days=3), tz=SH,
                    clock=lambda: NOW)
    qtbot.addWidget(v)
    return v


def test_table_model_without_widgets(store):
    seed(store)
    with store.reader() as s:
        rows = uncollected(s, NOW, 3, all_waiting=True, tz=SH)
    model = UncollectedTableModel()
    model.set_rows(rows)
    assert (model.rowCount(), model.columnCount()) == (4, 6)
    assert model.rowCount(model.index(0, 0)) == 0
    cells = [model.data(model.index(0, c)) for c in range(6)]
    assert cells == ["欧**娜", "139****5678", "A-1-02", "B1", 4, "大米5kg×1"]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(3, 0), Qt.ItemDataRole.BackgroundRole) is None  # not overdue
    assert model.data(QModelIndex()) is None
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Days waiting"


def test_refresh_loads_off_the_ui_thread(qtbot, view):
    view.refresh()
    # results arrive by a queued signal, so nothing is shown until the event loop runs
    assert view.table_model.rowCount() == 0
    assert not view.refresh_button.isEnabled()
    with qtbot.waitSignal(view.refreshed, timeout=10000):
        pass
    assert view.table_model.rowCount() == 2
    assert view.pickups_fig.value.text() == "3"
    assert view.waiting_fig.value.text() == "4"
    assert view.uncollected_fig.value.text() == "2"
    assert view.shortage_fig.value.text() == "4"
    assert "62.40" in view.detail.text()
    assert view.refresh_button.isEnabled()
    shown = " ".join(str(view.table_model.data(view.table_model.index(r, c)))
                     for r in range(2) for c in range(6))
    for phone in FULL_PHONES.values():
        assert phone not in shown


def test_refresh_sees_new_hand_over_and_all_waiting(qtbot, view, store):
    view.refresh()
    qtbot.waitUntil(lambda: view.table_model.rowCount() == 2, timeout=10000)
    with store.session() as s:
        s.get(Order, "O2").pickup_state = "picked_up"
    view.refresh()
    view.refresh()  # asked twice while busy: coalesced, still ends right
    qtbot.waitUntil(lambda: view.table_model.rowCount() == 1 and view.refresh_button.isEnabled(),
                    timeout=10000)
    assert view.table_model.row(0).order_id == "O10"
    view.all_waiting.setChecked(True)  # toggling refreshes
    qtbot.waitUntil(lambda: view.table_model.rowCount() == 3, timeout=10000)


def test_export_on_worker(qtbot, view, tmp_path):
    out = tmp_path / "nov.xlsx"
    with qtbot.waitSignal(view.exportFinished, timeout=20000) as sig:
        view.export_to(str(out), date(2026, 11, 1), date(2026, 11, 22), "xlsx")
        assert not view.export_button.isEnabled()
    res = sig.args[0]
    assert (res.rows, res.pickups) == (8, 6)
    assert openpyxl.load_workbook(out).active.max_row == 9
    assert view.export_button.isEnabled() and "6" in view.status.text()


def test_export_failure_shown_not_raised(qtbot, view, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with qtbot.waitSignal(view.failed, timeout=10000) as sig:
        view.export_to(str(blocker / "x.csv"), date(2026, 11, 1), date(2026, 11, 22), "csv")
    assert "导出文件夹不存在" in sig.args[0]
    assert view.status.text() == sig.args[0] and view.export_button.isEnabled()


def test_work_goes_through_the_apps_one_road(qtbot, store, tasks):
    """The view has no pool of its own: its reads are operations of the road, run on the
    road's `read` lane threads."""
    import threading

    seed(store)
    threads: list[str] = []
    real_op = tasks.op

    def spy(fn, **kw):
        def wrapped():
            threads.append(threading.current_thread().name)
            return fn()
        return real_op(wrapped, **kw)

    tasks.op = spy
    v = ReportsView(store, tz=SH, clock=lambda: NOW, tasks=tasks)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.refreshed, timeout=10000):
        v.refresh()
    assert v.table_model.rowCount() == 2 and tasks.pending == 0
    assert threads and all(t.startswith("lane-read") for t in threads)
    assert not [c for c in v.findChildren(QThreadPool)]


def test_view_deleted_while_jobs_run(qtbot, store, tasks, tmp_path):
    from shiboken6 import isValid

    seed(store)
    v = ReportsView(store, tz=SH, clock=lambda: NOW, tasks=tasks)
    out = tmp_path / "late.csv"
    shown: list[object] = []
    v.refreshed.connect(lambda: shown.append("refreshed"))
    v.exportFinished.connect(shown.append)
    v.refresh()
    v.export_to(str(out), date(2026, 11, 1), date(2026, 11, 22), "csv")
    v.deleteLater()  # the jobs run on: their results find the view gone
    qtbot.waitUntil(lambda: not isValid(v), timeout=10000)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10000)
    qtbot.wait(50)  # any queued result for the dead view is dropped, not delivered
    assert shown == []
    assert out.exists() and out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_long_list_loads_a_page_and_says_how_many_wait(qtbot, store, tasks, monkeypatch):
    seed(store)
    monkeypatch.setattr(ReportsView, "LIST_LIMIT", 3)
    v = ReportsView(store, tasks=tasks, settings=Settings(uncollected_after_days=3), tz=SH,
                    clock=lambda: NOW)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.refreshed, timeout=10000):
        v.refresh()
    assert v.table_model.rowCount() == 2 and v.status.text() == ""  # all fit
    with qtbot.waitSignal(v.refreshed, timeout=10000):
        v.all_waiting.setChecked(True)  # 4 waiting, 3 shown: oldest first
    assert [v.table_model.row(r).order_id for r in range(3)] == ["O2", "O10", "O6"]
    assert "3" in v.status.text() and "4" in v.status.text()
    assert v.waiting_fig.value.text() == "4"
