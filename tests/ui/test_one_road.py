"""The one road for background work (ui/tasks.py) and the one error presenter (ui/errors.py)."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from pickup_station.errors import Refused, UserFacingError
from pickup_station.ui.errors import ErrorPresenter, generic_message
from pickup_station.ui.tasks import PROGRESS_AFTER_MS, Tasks

PACKAGE = Path(__file__).resolve().parents[2] / "pickup_station"


def boom_ufe():
    raise Refused("counter.order_already_picked_up", order_id="A1", code="already_picked_up")


def boom_bug():
    raise KeyError("13812345678")  # a bug whose text must never reach the screen


@pytest.mark.parametrize(("lang", "text"), [("zh_CN", "订单 A1 已提货，不能重复核销"),
                                            ("en", "Order A1 was already picked up")])
def test_a_user_facing_failure_reaches_the_presenter_in_the_users_language(qtbot, lang, text):
    tasks = Tasks(errors=ErrorPresenter(lang))
    try:
        with qtbot.waitSignal(tasks.errors.shown, timeout=5000) as shown:
            tasks.op(boom_ufe).run()  # no failure callback: the presenter speaks
        assert shown.args == [text]
    finally:
        tasks.shutdown()
        tasks.join()


def test_a_plain_exception_is_logged_and_the_user_gets_a_generic_message(qtbot, caplog):
    tasks = Tasks()
    try:
        with caplog.at_level(logging.ERROR), \
                qtbot.waitSignal(tasks.errors.shown, timeout=5000) as shown:
            tasks.op(boom_bug, lane="write").run()
        assert shown.args == [generic_message()]
        assert "13812345678" not in shown.args[0]
        logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is KeyError]
        assert logged, "the bug must be in the log, with its traceback"
    finally:
        tasks.shutdown()
        tasks.join()


def test_a_failure_callback_gets_the_exception_and_the_presenter_stays_quiet(qtbot, tasks):
    shown: list[str] = []
    tasks.errors.shown.connect(shown.append)
    got: list[BaseException] = []
    tasks.op(boom_ufe).failure(got.append).run()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert isinstance(got[0], UserFacingError) and shown == []
    assert tasks.errors.message_for(got[0], "en") == "Order A1 was already picked up"


def test_the_window_shows_an_unhandled_failure_in_the_status_bar(qtbot, make_window):
    window = make_window()
    window.sv.tasks.errors.lang = "zh_CN"
    with qtbot.waitSignal(window.sv.tasks.errors.shown, timeout=5000):
        window.sv.tasks.op(boom_ufe, parent=window).run()
    assert window.statusBar().currentMessage() == "订单 A1 已提货，不能重复核销"
    assert window.sv.sounds.played[-1] == "fail"


def test_the_writer_lane_is_serial_and_keeps_the_order(qtbot, tasks, store):
    events: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def write(i: int):
        def job():
            with lock:
                events.append(("start", i, threading.current_thread().name))
            store.set_meta("last_write", str(i))  # a real write to the SQLite file
            time.sleep(0.005)
            with lock:
                events.append(("end", i, threading.current_thread().name))
            return i
        return job

    done: list[int] = []
    for i in range(12):
        tasks.op(write(i), lane="write").success(done.append).run()
    qtbot.waitUntil(lambda: len(done) == 12, timeout=10_000)
    assert done == list(range(12))  # delivered in the order they were asked for
    expected = [(kind, i) for i in range(12) for kind in ("start", "end")]
    assert [(k, i) for k, i, _ in events] == expected  # never two at once
    assert len({name for _, _, name in events}) == 1  # one writer thread
    assert store.get_meta("last_write") == "11"


def test_shutdown_finishes_the_queued_writes(qtbot, store):
    tasks = Tasks()
    gate = threading.Event()

    def write(i: int):
        def job():
            gate.wait(5)
            store.set_meta(f"queued_{i}", str(i))
        return job

    for i in range(5):
        tasks.op(write(i), lane="write").run()
    assert tasks.pending == 5
    threading.Timer(0.2, gate.set).start()
    tasks.shutdown(wait=True)  # returns once the five writes are committed
    assert [store.get_meta(f"queued_{i}") for i in range(5)] == ["0", "1", "2", "3", "4"]
    assert tasks.op(write(9), lane="write").run() is None  # nothing new after shutdown
    tasks.join()


def test_a_job_ending_after_its_window_closed_is_dropped_quietly(qtbot, store):
    tasks = Tasks()
    widget = QWidget()
    gate = threading.Event()
    delivered: list[object] = []

    def slow():
        gate.wait(5)
        return "late"

    tasks.op(slow, parent=widget).success(delivered.append).run()
    tasks.op(lambda: (gate.wait(5), boom_bug())).failure(delivered.append).run()
    widget.deleteLater()  # the dialog is closed and gone while its jobs still run
    qtbot.waitUntil(lambda: not isValid(widget), timeout=5000)
    tasks.shutdown(wait=False)  # the window closes: the road delivers nothing more
    gate.set()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    qtbot.wait(50)
    assert delivered == []
    tasks.join()


def test_a_result_for_a_deleted_parent_is_dropped_while_the_road_runs_on(qtbot, tasks):
    widget = QWidget()
    gate = threading.Event()
    delivered: list[object] = []
    tasks.op(lambda: gate.wait(5), parent=widget).success(delivered.append).run()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not isValid(widget), timeout=5000)
    gate.set()
    with qtbot.waitSignal(tasks.errors.shown, timeout=5000, raising=False) as nothing:
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    qtbot.wait(50)
    assert delivered == [] and not nothing.signal_triggered
    tasks.op(lambda: 7).success(delivered.append).run()  # the road still works
    qtbot.waitUntil(lambda: delivered == [7], timeout=5000)


def test_progress_shows_only_for_slow_work(qtbot, tasks):
    busy: list[str] = []
    tasks.busy.connect(busy.append)
    done: list[object] = []
    tasks.op(lambda: 1).progress("Quick…").success(done.append).run()
    qtbot.waitUntil(lambda: done == [1], timeout=5000)
    qtbot.wait(PROGRESS_AFTER_MS + 100)
    assert busy == []  # quick work never flashes a busy sign
    tasks.op(lambda: time.sleep(PROGRESS_AFTER_MS / 1000 + 0.4)).progress("Exporting…") \
        .success(done.append).run()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert busy == ["Exporting…", ""]


def test_an_unknown_lane_is_refused(tasks):
    with pytest.raises(ValueError, match="no such lane"):
        tasks.op(lambda: None, lane="io")


def test_no_thread_pool_is_made_outside_the_one_road():
    makers = re.compile(r"\b(QThreadPool|ThreadPoolExecutor)\(")
    found = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if makers.search(p.read_text(encoding="utf-8"))]
    assert found == ["ui/tasks.py"]


def test_the_window_stops_every_device_loop_alike(qtbot, make_window):
    from pickup_station.ui.services import NullPrinter, NullSync

    window = make_window()
    loops = window.device_loops()
    assert isinstance(loops[0], NullSync) and isinstance(loops[1], NullPrinter)
    assert all(callable(loop.stop) for loop in loops)


def test_a_new_store_gets_its_first_leader_on_the_writer_lane(qtbot, store, data_dir, tasks):
    """The window writes nothing on the UI thread, not even the first leader of a new store:
    it is seeded on the writer lane, before any hand-over could be queued there."""
    from pickup_station.config import Paths, Settings
    from pickup_station.core import operators as ops
    from pickup_station.core.counter import Counter
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds

    ui_thread = threading.current_thread()
    writers: list[str] = []
    real = store.session

    def session(*a, **kw):
        writers.append(threading.current_thread().name)
        assert threading.current_thread() is not ui_thread, "store written on the UI thread"
        return real(*a, **kw)

    store.session = session
    sv = Services(store=store, settings=Settings(), paths=Paths.resolve(data_dir),
                  counter=Counter(store), tasks=tasks, sounds=Sounds(enabled=False))
    w = MainWindow(sv)
    qtbot.addWidget(w)
    assert w.operator.operator_id == ops.DEFAULT_LEADER[0] and w.operator.is_leader
    qtbot.waitUntil(lambda: tasks.pending == 0 and bool(writers), timeout=5000)
    assert writers and all(name.startswith("lane-write") for name in writers)
    with store.reader() as s:
        assert [o.operator_id for o in ops.list_operators(s)] == [ops.DEFAULT_LEADER[0]]
    w.close()


def test_a_job_ending_after_the_main_window_closed_does_not_crash(qtbot, make_window):
    window = make_window()
    gate = threading.Event()
    delivered: list[object] = []

    def slow_lookup():
        gate.wait(5)
        return window.sv.counter.recent_pickups(5)

    window.sv.tasks.op(slow_lookup, parent=window.counter_view) \
        .success(lambda rows: (delivered.append(rows), window.counter_view._fill_recent(rows))) \
        .run()
    window.sv.tasks.op(lambda: (gate.wait(5), boom_bug())).run()  # would be presented
    window.close()  # stops the loops and the road; the jobs are still running
    gate.set()
    qtbot.waitUntil(lambda: window.sv.tasks.pending == 0, timeout=5000)
    qtbot.wait(50)
    assert delivered == [] and window.statusBar().currentMessage() == ""
    window.sv.tasks.join()


def test_jobs_cancelled_by_shutdown_are_counted_out(qtbot):
    """A job still queued when the road shuts down never runs: `pending` must not wait for it."""
    from pickup_station.ui.tasks import Tasks

    tasks = Tasks()
    gate = threading.Event()
    ran: list[int] = []
    for n in range(5):  # the read lane has two threads: three of these wait in its queue
        tasks.op(lambda n=n: (gate.wait(5), ran.append(n)), lane="read").run()
    assert tasks.pending == 5
    tasks.shutdown(wait=False)
    gate.set()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    tasks.join()
    assert len(ran) == 2
