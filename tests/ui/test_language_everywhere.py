"""Every text the window shows follows the language it was started in: no Chinese under
`--lang en`, no untranslated English under zh_CN.

The real window over a store of demo batches, with the real print queue and sync controller
(the settings file says the *other* language, as when a host starts `--lang en` on a Chinese
station), is walked widget by widget: labels, buttons, tab titles, table headers and cells,
combo items, placeholders, tooltips, the status bar and the window title; on each tab, after
each kind of scan, and in every dialog it opens (settings pages, pairing, needs attention,
the leader's approval, sign-in, hand-over without a code). Names, item names and ids from the
data are not words of the screen and are left out (tests/language_check.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from pickup_station.config import Settings
from pickup_station.messages import render
from tests.language_check import station_data, wrong_language


def _texts_of(w: QWidget) -> list[str]:
    out = [w.toolTip(), w.accessibleName()]
    if isinstance(w, (QLabel, QAbstractButton)):
        out.append(w.text())
    elif isinstance(w, QLineEdit):
        out.append(w.placeholderText())
    elif isinstance(w, QComboBox):
        out += [w.itemText(i) for i in range(w.count())]
    elif isinstance(w, QTabBar):
        out += [w.tabText(i) for i in range(w.count())] + [w.tabToolTip(i)
                                                          for i in range(w.count())]
    elif isinstance(w, QGroupBox):
        out.append(w.title())
    elif isinstance(w, QAbstractSpinBox):
        out += [getattr(w, "suffix", lambda: "")(), getattr(w, "prefix", lambda: "")(),
                w.specialValueText()]
    elif isinstance(w, QProgressBar):
        out.append(w.format())
    elif isinstance(w, (QTextEdit, QPlainTextEdit)):
        out.append(w.toPlainText())
    elif isinstance(w, QAbstractItemView) and w.model() is not None:
        m = w.model()
        try:
            columns = m.columnCount(QModelIndex())
        except TypeError:  # a list model keeps it private: one column
            columns = 1
        out += [str(m.headerData(i, Qt.Horizontal, Qt.DisplayRole) or "")
                for i in range(columns)]
        for r in range(min(m.rowCount(QModelIndex()), 30)):
            for c in range(columns):
                idx = m.index(r, c)
                out += [str(m.data(idx, Qt.DisplayRole) or ""),
                        str(m.data(idx, Qt.ToolTipRole) or "")]
    return [t for t in out if t]


def shown(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text of `root` and its visible children."""
    found = [(root.objectName() or type(root).__name__, root.windowTitle())]
    if isinstance(root, QMainWindow):
        found.append(("statusBar", root.statusBar().currentMessage()))
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        where = w.objectName() or type(w).__name__
        found += [(where, t) for t in _texts_of(w)]
    return [(where, t) for where, t in found if t]


class Walker:
    def __init__(self, lang: str, data: list[str]):
        self.lang, self.data = lang, data
        self.problems: list[tuple[str, str, str]] = []
        self.seen = 0
        self.moments: list[str] = []

    def walk(self, root: QWidget, moment: str) -> None:
        QApplication.processEvents()
        self.moments.append(moment)
        for where, text in shown(root):
            self.seen += 1
            bad = wrong_language(text, self.lang, self.data)
            if bad:
                self.problems.append((moment, where, text, " ".join(bad.split())[:120]))

    def walk_modal(self, moment: str, then=None) -> None:
        """On the next turn of the event loop: walk the dialog that is open, then close it."""
        def look():
            dlg = QApplication.activeModalWidget()
            assert isinstance(dlg, QDialog), moment
            if then is not None:
                then(dlg)
            self.walk(dlg, moment)
            dlg.reject()
        QTimer.singleShot(0, look)


def _scan(qtbot, window, text: str):
    with qtbot.waitSignal(window.counter_view.verdictShown, timeout=5000):
        window.submit_scan(text)


@pytest.fixture
def started(qtbot, make_window, station, data_dir, ui_language):
    """The window as `pickup-station --lang LANG` starts it on a station whose settings say
    the other language, paired with an unreachable server, printing to a file."""
    from pickup_station.ui.print_queue import PrintQueue
    from pickup_station.ui.sync_controller import SyncController

    made = []

    def start(lang: str):
        ui_language(lang)
        other = "zh_CN" if lang == "en" else "en"
        settings = Settings(lang=other, server_url="http://127.0.0.1:9", station_token="t",
                            sync_interval_s=3600)
        settings.printer.kind, settings.printer.target = "file", str(data_dir / "paper.bin")
        printer = PrintQueue(station.store, lambda: settings, lang=lang)
        window = make_window(settings, lang=lang, printer=printer)
        sync = SyncController(station.store, settings, window.sv.tasks, lang=lang,
                              debounce_s=0.05)
        window.sv.sync = sync
        window._wire_sync(sync)
        sync.start()
        made.append((printer, sync))
        qtbot.waitUntil(lambda: bool(sync.status_text), timeout=10_000)
        return window

    yield start
    for printer, sync in made:
        sync.shutdown()
        printer.shutdown()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_window_speaks_one_language(qtbot, started, station, lang):
    window = started(lang)
    walker = Walker(lang, station_data(station.store))
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(200)
        walker.walk(window, f"tab {i}")
    window.tabs.setCurrentIndex(0)

    lone = station.lone_order()
    late = station.batches[-1]["orders"][0]
    for moment, text in (("ready", lone["pickup_code"]), ("unknown", "000001"),
                         ("not a code", "hello?"), ("not arrived", late["pickup_code"]),
                         ("several orders", station.order_with_siblings()["pickup_code"])):
        _scan(qtbot, window, text)
        walker.walk(window, f"after scan: {moment}")
    _scan(qtbot, window, lone["pickup_code"])
    with qtbot.waitSignal(window.counter_view.handoverDone, timeout=5000):
        window.findChild(QAbstractButton, "confirmButton").click()
    walker.walk(window, "handed over")
    _scan(qtbot, window, lone["pickup_code"])
    walker.walk(window, "after scan: already picked up")
    window.printer_status.setText(window.sv.printer.status_text() or window.printer_status.text())

    def every_page(dlg):
        for i in range(dlg.pages.count()):
            dlg.pages.setCurrentIndex(i)
            walker.walk(dlg, f"settings page {i}")
    walker.walk_modal("settings", every_page)
    window.show_settings()
    walker.walk_modal("pairing")
    window.show_pairing()
    walker.walk_modal("needs attention")
    window.show_attention()
    walker.walk_modal("sign in")
    window.switch_operator()
    walker.walk_modal("leader's approval")
    window.counter_view.ask_leader_approval(render("verdict.not_arrived.title", lang),
                                            render("counter.leader_approval_needed", lang))
    walker.walk_modal("without a code")
    window.counter_view.pick_order_without_code()

    assert walker.seen > 150  # it looked at the screen, not at nothing
    assert {f"settings page {i}" for i in range(5)} | {
        "settings", "pairing", "needs attention", "sign in", "leader's approval",
        "without a code"} <= set(walker.moments)
    assert walker.problems == [], "\n".join(f"{m} | {where} | {bad}"
                                            for m, where, _text, bad in walker.problems)


def test_the_walk_finds_a_word_in_the_wrong_language(qtbot, started, station):
    """The check itself: a Chinese word under English and an English one under zh_CN."""
    window = started("en")
    window.statusBar().showMessage("已同步")
    walker = Walker("en", station_data(station.store))
    walker.walk(window, "doctored")
    assert [p[2] for p in walker.problems] == ["已同步"]
    walker = Walker("zh_CN", station_data(station.store))
    label = QLabel("打印机：ready", window)
    label.show()
    walker.walk(window, "doctored")
    assert "打印机：ready" in [p[2] for p in walker.problems]
