"""A delegate's basket of four customers with one refusal, handed over in one go with one
combined slip; a failed print kept in the store survives a restart and prints on "retry all"."""

from __future__ import annotations

from escpos.printer import Dummy
from PySide6.QtGui import QKeySequence
from sqlalchemy import select

from pickup_station.config import PrinterSettings, Settings
from pickup_station.core import print_jobs
from pickup_station.hardware.escpos_cn import decode_text
from pickup_station.store.models import Order, Pickup
from pickup_station.ui.dialogs.print_jobs_dialog import PrintJobsDialog
from pickup_station.ui.print_queue import PrintQueue
from pickup_station.ui.widgets.leader_common import plain
from tests.ui import leader_fixtures
from tests.ui.conftest import Driver
from tests.ui.leader_fixtures import code, open_screen

WAIT = 5000
leader_window = leader_fixtures.leader_window  # the fixture, used by name


def sign_off(qtbot, w):
    view = open_screen(qtbot, w, "receiving")
    qtbot.waitUntil(lambda: view._plan is not None, timeout=WAIT)
    with qtbot.waitSignal(view.signedOff, timeout=WAIT):
        view.sign_button.click()


def test_a_four_customer_basket_with_one_refusal(qtbot, leader_window, store, tmp_path):
    paper = tmp_path / "paper.bin"
    w = leader_window(paper=paper)
    sign_off(qtbot, w)
    w.tabs.setCurrentWidget(w.counter_view)
    host = Driver(qtbot, w)
    host.scan(code("O4"))
    host.confirm_with_enter()  # O4 collected earlier: its code is refused in the basket
    printed = []
    w.sv.printer.jobFinished.connect(lambda _j, ok, _m: printed.append(ok))
    qtbot.waitUntil(lambda: len(printed) == 1, timeout=20_000)
    action = w.findChild(type(w.failed_prints_action), "basketAction")
    assert action.shortcut() == QKeySequence("Ctrl+B")
    action.trigger()
    dlg = w.basket_dialog
    assert dlg.isVisible() and dlg.width() <= 1366 and dlg.height() <= 768
    for oid in ("O1", "O2", "O4", "O3"):
        with qtbot.waitSignal(dlg.entryAdded, timeout=WAIT):
            dlg.scan.setText(code(oid))
            dlg.scan.returnPressed.emit()
    verdicts = [dlg.table.item(r, 4).text() for r in range(dlg.table.rowCount())]
    assert verdicts[0] == verdicts[1] == verdicts[3] == "in the basket"
    assert "picked up" in verdicts[2].lower()
    assert "3 customer(s), 3 order(s) in the basket; 1 left out" in plain(dlg.info)
    dlg.delegate.setText("3号楼王阿姨")
    with qtbot.waitSignal(dlg.handedOver, timeout=WAIT) as got:
        dlg.confirm_button.click()
    result = got.args[0]
    assert sorted(p.order_id for p in result.pickups) == ["O1", "O2", "O3"]
    with store.reader() as s:
        rows = s.scalars(select(Pickup).where(Pickup.order_id.in_(["O1", "O2", "O3"]))).all()
        assert len({p.picked_at for p in rows}) == 1  # one transaction, one moment
        assert {p.proxy_name for p in rows} == {"3号楼王阿姨"}
        assert s.get(Order, "O4").pickup_state != "open"
    qtbot.waitUntil(lambda: len(printed) == 2, timeout=20_000)
    slip = decode_text(paper.read_bytes())
    assert slip.count("代取汇总单") == 1 and "3号楼王阿姨" in slip
    assert "共 3 位顾客，3 单" in slip and "13800001111" not in slip
    assert not dlg.basket.entries and not dlg.confirm_button.isEnabled()


class Jammed(Dummy):
    def _raw(self, msg):
        raise OSError(5, "Input/output error")


def test_a_failed_print_survives_a_restart(qtbot, leader_window, store, tmp_path):
    paper = tmp_path / "paper.bin"
    settings = Settings(printer=PrinterSettings(kind="file", target=str(paper), mode="text"))
    w = leader_window()
    sign_off(qtbot, w)
    first = PrintQueue(store, lambda: settings, printer_factory=lambda _s: Jammed())
    done = []
    first.jobFinished.connect(lambda _j, ok, _m: done.append(ok))
    first.enqueue_label("O1")
    first.enqueue_packing_list("B1")
    qtbot.waitUntil(lambda: len(done) == 2, timeout=20_000)
    assert done == [False, False]
    first.shutdown()  # the station is switched off
    kept = print_jobs.list_failed(store)
    assert [(j.kind, j.ref_ids) for j in kept] == [("label", ["O1"]),
                                                   ("packing_list", ["B1"])]
    assert all("13800001111" not in j.error for j in kept)
    again = PrintQueue(store, lambda: settings)  # after the restart, a working printer
    try:
        qtbot.waitUntil(lambda: len(again.failed_jobs()) == 2, timeout=WAIT)
        # the status text is recomputed on the queue's owner thread, after the kept jobs are
        # loaded (a queued signal): wait for it rather than read it the moment they are
        qtbot.waitUntil(lambda: "2 papers kept for reprint" in again.status_text(),
                        timeout=WAIT)
        dlg = PrintJobsDialog(again, w)
        qtbot.addWidget(dlg)
        dlg.show()
        assert dlg.table.rowCount() == 2 and dlg.table.item(0, 1).text() == "O1"
        finished = []
        again.jobFinished.connect(lambda _j, ok, _m: finished.append(ok))
        dlg.retry_button.click()
        qtbot.waitUntil(lambda: len(finished) == 2, timeout=20_000)
        assert finished == [True, True]
        assert print_jobs.list_failed(store) == []
        text = decode_text(paper.read_bytes())
        assert "O1" in text and "打包单" in text
        assert again.failed_jobs() == [] and dlg.table.rowCount() == 0
    finally:
        again.shutdown()
