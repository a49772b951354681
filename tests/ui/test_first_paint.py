"""The start-up's "usable" moment (`ui/first_paint.py`): the scan field painted with the focus on
it, or a dialog of the window holding the focus; and the real app logs its start-up time at that
moment and only then starts its devices, sounds, printing and backups."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDialog, QLineEdit, QMainWindow, QPushButton, QVBoxLayout, QWidget

from pickup_station.ui.first_paint import FirstPaint

ROOT = Path(__file__).resolve().parents[2]


class PaintSeen(QObject):
    def __init__(self, widget):
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def _window(qtbot):
    window = QMainWindow()
    body = QWidget(window)
    field, other = QLineEdit(body), QPushButton("other", body)
    layout = QVBoxLayout(body)
    layout.addWidget(other)
    layout.addWidget(field)
    window.setCentralWidget(body)
    qtbot.addWidget(window)
    return window, field, other


def test_usable_once_the_field_is_painted_with_the_focus(qtbot):
    window, field, _other = _window(qtbot)
    painted = PaintSeen(field)
    seen = []
    window.show()
    watch = FirstPaint(window, field, lambda focus: seen.append(
        (focus, painted.painted, field.hasFocus())))
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [("field", True, True)]
    assert watch.at is not None


def test_a_dialog_of_the_window_holding_the_focus_counts(qtbot):
    window, field, _other = _window(qtbot)
    seen = []
    window.show()
    FirstPaint(window, field, seen.append)
    window.activateWindow()
    dialog = QDialog(window)  # the forced PIN change opens like this on a new store
    dialog_field = QLineEdit(dialog)
    dialog.open()
    dialog_field.setFocus()
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == ["dialog"]
    dialog.close()


def test_without_the_focus_it_says_so_after_the_wait(qtbot):
    window, field, other = _window(qtbot)
    seen = []
    window.show()
    FirstPaint(window, field, seen.append, focus_wait_ms=300)
    window.activateWindow()
    other.setFocus()  # the focus is elsewhere in the window: not usable for scanning
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == ["none"]


def test_the_other_tabs_can_come_after_the_counter(qtbot, station, data_dir):
    """`later_tabs`: the counter tab alone at first; `add_tabs` then adds the same tabs, in the
    same order, as a window built all at once has (and a second call adds nothing)."""
    from pickup_station.config import Paths, Settings
    from pickup_station.core.counter import Counter
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks
    from pickup_station.ui.window_tabs import add_tabs

    def window(**kw):
        sv = Services(store=station.store, settings=Settings(), paths=Paths.resolve(data_dir),
                      counter=Counter(station.store), tasks=Tasks(), sounds=Sounds(False))
        w = MainWindow(sv, **kw)
        qtbot.addWidget(w)
        return w

    def tabs(w):
        return [(w.tabs.tabText(i), w.tabs.widget(i)) for i in range(w.tabs.count())]

    whole, later = window(), window(later_tabs=True)
    assert tabs(later) == [(whole.tabs.tabText(0), later.counter_view)]
    assert getattr(later, "arrival_view", None) is None
    add_tabs(later)
    add_tabs(later)
    assert [t for t, _ in tabs(later)] == [t for t, _ in tabs(whole)]
    assert [w for _, w in tabs(later)] == [later.counter_view, later.arrival_view,
                                          later.reports_view, later.leader_tabs]
    later.show()
    with qtbot.waitSignal(later.reports_view.refreshed, timeout=5000):
        later.tabs.setCurrentWidget(later.reports_view)  # the figures load when opened


def test_the_app_logs_its_start_when_usable_and_starts_the_rest_after(tmp_path):
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(tmp_path)}
    child = r"""
import linecache, sys
from PySide6.QtWidgets import QApplication
import pickup_station.app as A
import pickup_station.ui.first_paint as fp
ready = fp.FirstPaint._finish
def finish(self, focus):
    w = QApplication.focusWidget()
    A.log.info("probe: focus on %s, sounds looked for: %s, escpos loaded: %s, tabs: %d, "
               "sources read: %d", w.objectName() if w is not None else None,
               self.parent().sv.sounds.available is not None, "escpos" in sys.modules,
               self.parent().tabs.count(),
               sum(k.endswith(("main_window.py", "counter.py", "models.py"))
                   for k in linecache.cache))
    ready(self, focus)
fp.FirstPaint._finish = finish
import pickup_station.ui.window_tabs as wt
add = wt.add_tabs
def add_tabs(window):
    add(window)
    A.log.info("probe: tabs added: %d", window.tabs.count())
wt.add_tabs = add_tabs
sys.exit(A.main(sys.argv[1:]))
"""
    out = subprocess.run([sys.executable, "-c", child, "--data-dir", str(data), "--lang", "en",
                          "--screenshot", str(tmp_path / "shot.png")], check=False, cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    log = (data / "logs" / "station.log").read_text(encoding="utf-8").splitlines()
    probe = next(i for i, ln in enumerate(log) if "probe:" in ln)
    shown = next(i for i, ln in enumerate(log) if "window shown after" in ln)
    assert shown == probe + 1
    # usable: the scan field, or (a new store) the leader's forced PIN dialog has the focus
    focus = re.search(r"focus on (\w+)", log[probe]).group(1)
    assert focus in ("scanInput", "newPin"), log[probe]
    assert ("a dialog of the window has the focus" in log[shown]) == (focus == "newPin")
    assert "sounds looked for: False, escpos loaded: False, tabs: 1" in log[probe]
    # PySide6's import hook read the source of no module the app imported after it
    # (app.skip_pyside_source_scan; the window, the counter and the store models among them)
    assert log[probe].endswith("sources read: 0")
    added = next(i for i, ln in enumerate(log) if "probe: tabs added: 4" in ln)
    assert added > shown
    audio = [i for i, ln in enumerate(log) if "no audio device" in ln or "Qt multimedia" in ln]
    assert audio and min(audio) > shown  # the sounds were looked for after the window was up
    assert (tmp_path / ".cache" / "pickup-station" / "escpos").is_dir()  # printing started


def test_the_store_is_checked_after_the_first_paint_and_before_sync(tmp_path, station,
                                                                    data_dir):
    """A station whose store has a bad sector in an index: the window still comes up at once;
    right after its first paint the quick_check finds the damage (marker written), and sync
    starts only then, so it never uploads from the damaged store."""
    from pickup_station.config import Settings, save_settings
    from tests.sync.test_damaged_store import break_index_pages

    station.store.close()
    break_index_pages(data_dir / "station.sqlite3")
    save_settings(Settings(server_url="http://127.0.0.1:9", station_token="tok", lang="en"),
                  data_dir / "config.json")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(tmp_path)}
    child = r"""
import sys
import pickup_station.app as A
from pickup_station.ui.sync_controller import SyncController
start = SyncController.start
def probe(self):
    damage = self.store.damage
    A.log.info("probe: sync starts, damage: %s", damage.check if damage else None)
    start(self)
SyncController.start = probe
sys.exit(A.main(sys.argv[1:]))
"""
    out = subprocess.run([sys.executable, "-c", child, "--data-dir", str(data_dir),
                          "--screenshot", str(tmp_path / "shot.png")], check=False, cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    log = (data_dir / "logs" / "station.log").read_text(encoding="utf-8").splitlines()
    shown = next(i for i, ln in enumerate(log) if "window shown after" in ln)
    found = next(i for i, ln in enumerate(log) if "is damaged (quick_check)" in ln)
    sync = next(i for i, ln in enumerate(log) if "probe: sync starts" in ln)
    assert shown < found < sync
    assert log[sync].endswith("damage: quick_check")
