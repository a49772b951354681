"""The station's main window: counter, arrival check, figures; status bar for sync/printer/camera.

The window only arranges screens and wires the adapters' Qt wrappers in; the work happens in
the core (through `Tasks`, the one road: nothing here writes the store on the UI thread) and in
the views. Failures nobody handles in place reach the one error presenter, shown in the status
bar; the device loops (sync, printer, camera, serial scanner) are stopped alike on quit.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from pickup_station.core import operators as ops
from pickup_station.errors import Refused
from pickup_station.store.db import get_meta
from pickup_station.ui import leader_hookup
from pickup_station.ui.dialogs.common import SignInDialog
from pickup_station.ui.services import Services
from pickup_station.ui.tasks import DeviceLoop
from pickup_station.ui.views.arrival_view import ArrivalView
from pickup_station.ui.views.counter_view import CounterView
from pickup_station.ui.views.reports_view import ReportsView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.setObjectName("mainWindow")
        self.resize(1280, 800)
        self._operator = self._initial_operator()
        self.counter_view = CounterView(services, lambda: self._operator, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.counter_view, self.tr("Counter"))
        self._add_optional_tabs()
        self.setCentralWidget(self.tabs)
        self._build_toolbar()
        self._build_status_bar()
        self._wire_adapters()
        leader_hookup.install(self)
        self._update_title()
        self.tabs.currentChanged.connect(self._tab_changed)
        QTimer.singleShot(0, self.counter_view.focus_scan)

    # --- for tests and every scan source --------------------------------------------------
    @property
    def scan_input(self):
        return self.counter_view.scan_input

    def submit_scan(self, text: str) -> None:
        if self.tabs.currentWidget() is not self.counter_view:
            self.tabs.setCurrentWidget(self.counter_view)
        self.counter_view.submit_scan(text)

    @property
    def operator(self) -> ops.OperatorInfo:
        return self._operator

    # --- building ------------------------------------------------------------------------
    def _initial_operator(self) -> ops.OperatorInfo:
        """Read who works the counter. A store that has no operator yet (a new one) gets the
        default leader on the writer lane: queued before any hand-over, so committed first."""
        with self.sv.store.reader() as s:
            wanted = get_meta(s, "current_operator")
            if wanted:
                try:
                    return ops.get_operator(s, wanted)
                except Refused:
                    pass
            operators = ops.list_operators(s)
        if operators:
            return ([o for o in operators if o.is_leader] or operators)[0]
        op_id, name, _pin = ops.DEFAULT_LEADER

        def seed():
            with self.sv.store.session() as s:
                ops.ensure_default_operators(s)
        self.sv.tasks.op(seed, lane="write", parent=self).run()
        return ops.OperatorInfo(op_id, name, "leader")

    def _add_optional_tabs(self) -> None:
        self.arrival_view = ArrivalView(self.sv, lambda: self._operator, self)
        self.arrival_view.localChange.connect(self._local_change)
        self.tabs.addTab(self.arrival_view, self.tr("Arrival check"))
        self.reports_view = ReportsView(self.sv.store, settings=self.sv.settings,
                                        tasks=self.sv.tasks, printer=self.sv.printer,
                                        parent=self)
        self.tabs.addTab(self.reports_view, self.tr("Figures"))

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Counter"), self)
        bar.setMovable(False)
        bar.setObjectName("mainToolbar")
        self.addToolBar(Qt.TopToolBarArea, bar)
        self.operator_label = QLabel(self)
        self.operator_label.setObjectName("operatorLabel")
        self.operator_label.setStyleSheet("font-weight:600;padding:0 12px")
        bar.addWidget(self.operator_label)
        bar.addAction(self.tr("Switch operator"), self.switch_operator)
        bar.addSeparator()
        self.sync_action = bar.addAction(self.tr("Sync now"), self.sync_now)
        self.attention_action = bar.addAction(self.tr("Needs attention"), self.show_attention)
        bar.addAction(self.tr("Settings"), self.show_settings)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.sync_status = QLabel(self.tr("Not paired with a server: working offline"), self)
        self.sync_status.setObjectName("syncStatus")
        self.printer_status = QLabel(self.tr("Printer: not set up"), self)
        self.printer_status.setObjectName("printerStatus")
        self.camera_status = QLabel(self.tr("Camera: off"), self)
        self.camera_status.setObjectName("cameraStatus")
        self.sync_progress = QProgressBar(self)  # the first large download only
        self.sync_progress.setObjectName("syncProgress")
        self.sync_progress.setMaximumWidth(180)
        self.sync_progress.setFormat(self.tr("Downloading orders %p%"))
        self.sync_progress.hide()
        sb.addPermanentWidget(self.sync_progress)
        for w in (self.sync_status, self.printer_status, self.camera_status):
            w.setStyleSheet("padding:0 10px")
            sb.addPermanentWidget(w)
        if self.sv.demo_sheet:
            demo = QLabel(self.tr("Demo codes: %1").replace("%1", str(self.sv.demo_sheet)), self)
            demo.setObjectName("demoSheet")
            demo.setTextInteractionFlags(Qt.TextSelectableByMouse)
            sb.addWidget(demo)

    def _wire_adapters(self) -> None:
        self.counter_view.localChange.connect(self._local_change)
        self.sv.tasks.errors.shown.connect(self.report_problem)
        self.sv.tasks.busy.connect(self._busy)
        self._wire_sync(self.sv.sync)
        printer = self.sv.printer
        printer.statusChanged.connect(self.printer_status.setText)
        if printer.status_text():
            self.printer_status.setText(printer.status_text())

    def _wire_sync(self, sync) -> None:
        sync.statusChanged.connect(self.sync_status.setText)
        sync.located.connect(self.counter_view.on_located)
        sync.clockWarning.connect(self._clock_warning)
        sync.attentionChanged.connect(self._attention_changed)
        sync.changesApplied.connect(self._remote_changes)
        sync.progress.connect(self._download_progress)
        sync.locateFailed.connect(self._locate_failed)
        if sync.status_text:
            self.sync_status.setText(sync.status_text)

    def attach_camera(self, panel: QWidget) -> None:
        """Put the camera preview above the recent pickups; its own label is `cameraStatus`."""
        self.camera_panel = panel
        self.counter_view.side.insertWidget(0, panel, 2)
        self.camera_status.setObjectName("cameraStatusMirror")
        status = panel.findChild(QLabel, "cameraStatus")
        if status is not None:
            self.camera_status.setText(status.text())
        if hasattr(panel, "statusChanged"):
            panel.statusChanged.connect(self.camera_status.setText)

    def apply_camera_settings(self) -> None:
        """Start, restart or stop the counter's camera to match the settings, no restart."""
        cam = self.sv.settings.camera
        panel = getattr(self, "camera_panel", None)
        if not cam.enabled:
            if panel is not None:
                panel.stop()
                panel.hide()
            return
        if panel is None:
            from pickup_station.ui.widgets.camera_panel import CameraPanel

            panel = CameraPanel(self, decoder=cam.decoder, lang=self.sv.lang)
            panel.codeScanned.connect(self.submit_scan)
            self.attach_camera(panel)
        panel.decoder_name = cam.decoder
        panel.show()
        panel.start(cam.source)

    # --- reactions -----------------------------------------------------------------------
    def _local_change(self) -> None:
        self.sv.sync.request_sync()
        self._refresh_figures_if_shown()

    def _busy(self, label: str) -> None:
        """A background operation is taking a while (shown only after ~600 ms)."""
        if label:
            self.statusBar().showMessage(label)
        else:
            self.statusBar().clearMessage()

    def _remote_changes(self) -> None:
        self.arrival_view.refresh()
        self._refresh_figures_if_shown()

    def _refresh_figures_if_shown(self) -> None:
        """The figures tab reloads after a change only while it is on screen: a reload reads
        the whole day, and doing that behind the counter after every hand-over slows the next
        customer down. `_tab_changed` reloads it when the host opens the tab."""
        if self.tabs.currentWidget() is self.reports_view:
            self.reports_view.refresh()

    def _download_progress(self, done: int, total: int) -> None:
        if total <= 0 or done >= total:
            self.sync_progress.hide()
            return
        self.sync_progress.setRange(0, total)
        self.sync_progress.setValue(done)
        self.sync_progress.show()

    def _locate_failed(self, _token_sha256: str, message: str) -> None:
        """The code is unknown here and the server could not be asked where it belongs."""
        self.statusBar().showMessage(
            self.tr("Could not ask the server which pickup point holds this order: %1")
            .replace("%1", message), 10_000)

    def report_problem(self, message: str) -> None:
        """A scan source refused what it read (garbage, half a code, a repeat) or a device
        failed: say so in the status bar with the failure sound; nothing is handed over."""
        if not message:
            return
        self.statusBar().showMessage(message, 8000)
        self.sv.sounds.play("fail")
        self.counter_view.focus_scan()

    def _clock_warning(self, text: str) -> None:
        if not text:  # the clock is fine again
            self.sync_status.setStyleSheet("padding:0 10px")
            self.sync_status.setToolTip("")
            return
        self.sync_status.setStyleSheet("padding:0 10px;color:#c62828;font-weight:600")
        self.sync_status.setToolTip(text)
        self.statusBar().showMessage(text, 60_000)

    def _attention_changed(self, count: int) -> None:
        label = self.tr("Needs attention")
        self.attention_action.setText(f"{label} ({count})" if count else label)

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if widget is self.counter_view:
            self.counter_view.focus_scan()
        elif widget is self.arrival_view or widget is self.reports_view:
            widget.refresh()

    def _update_title(self) -> None:
        station = self.sv.store.get_meta("station_name") or self.tr("Pickup point")
        role = self.tr("Leader") if self._operator.is_leader else self.tr("Assistant")
        name = self._operator.name
        text = (self.tr("Operator: %1").replace("%1", name) if name == role else
                self.tr("Operator: %1 (%2)").replace("%1", name).replace("%2", role))
        self.operator_label.setText(text)
        self.setWindowTitle(self.tr("Pickup station — %1").replace("%1", station))

    # --- actions -------------------------------------------------------------------------
    def switch_operator(self) -> None:
        with self.sv.store.reader() as s:
            operators = ops.list_operators(s)
        dlg = SignInDialog(operators, self._operator.operator_id, self)
        if dlg.exec():
            self.sign_in(*dlg.values())
        self.counter_view.focus_scan()

    def sign_in(self, operator_id: str, pin: str) -> None:
        def verify():  # counts wrong PINs: the 5th in a row locks for a minute
            return ops.authenticate(self.sv.store, operator_id, pin)

        def ok(op):
            self._operator = op
            self.sv.tasks.run(lambda: self.sv.store.set_meta("current_operator", op.operator_id),
                              lane="write")
            self._update_title()
            self.statusBar().showMessage(self.tr("Signed in: %1").replace("%1", op.name), 5000)

        self.sv.tasks.op(verify, lane="write", parent=self).success(ok).run()  # wrong: status bar

    def sync_now(self) -> None:
        if not self.sv.sync.paired:
            self.show_pairing()
        else:
            self.sv.sync.sync_now()
        self.counter_view.focus_scan()

    def show_pairing(self) -> None:
        from pickup_station.ui.dialogs.pair_dialog import PairDialog

        dlg = PairDialog(self.sv.settings, self.sv.save_settings, store=self.sv.store,
                         tasks=self.sv.tasks, parent=self, lang=self.sv.lang)
        dlg.paired.connect(self._paired)
        dlg.exec()

    def _paired(self, info: dict) -> None:
        if not self.sv.sync.paired:
            from pickup_station.ui.sync_controller import SyncController

            self.sv.sync = SyncController(self.sv.store, self.sv.settings, self.sv.tasks,
                                          parent=self)
            self._wire_sync(self.sv.sync)
            self.sv.sync.start()
        else:
            self.sv.sync.settings_changed()
        self._update_title()

    def show_attention(self) -> None:
        from pickup_station.ui.dialogs.attention_dialog import AttentionDialog

        AttentionDialog(self.sv.store, self.sv.tasks, self, lang=self.sv.lang).exec()
        self.counter_view.focus_scan()

    def show_settings(self) -> None:
        from pickup_station.ui.dialogs.settings_dialog import SettingsDialog

        cam = self.sv.settings.camera
        before = (cam.enabled, cam.source, cam.decoder)
        if SettingsDialog(self.sv, self).exec() and before != (cam.enabled, cam.source,
                                                               cam.decoder):
            self.apply_camera_settings()
        self.counter_view.focus_scan()

    def device_loops(self) -> list[DeviceLoop]:
        """Everything with a thread of its own, stopped on quit."""
        loops: list[DeviceLoop] = [self.sv.sync, self.sv.printer]
        loops += [part for part in (getattr(self, "camera_panel", None),
                                    getattr(self, "serial_scanner", None)) if part is not None]
        return loops

    def closeEvent(self, event) -> None:
        for loop in self.device_loops():
            try:
                loop.stop()
            except Exception:
                log.exception("error while closing")
        self.sv.tasks.shutdown(wait=True)  # queued writes are finished first
        super().closeEvent(event)
