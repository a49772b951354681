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
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from pickup_station.core import operators as ops
from pickup_station.errors import Refused
from pickup_station.messages import render
from pickup_station.store.db import get_meta
from pickup_station.ui import leader_hookup
from pickup_station.ui.dialogs.common import SignInDialog
from pickup_station.ui.services import Services
from pickup_station.ui.tasks import DeviceLoop
from pickup_station.ui.views.counter_view import CounterView
from pickup_station.ui.window_tabs import add_tabs

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 later_tabs: bool = False):
        super().__init__(parent)
        self.sv = services
        self.setObjectName("mainWindow")
        self._fit_to_screen(1280, 800)
        self._operator = self._initial_operator()
        self.counter_view = CounterView(services, lambda: self._operator, self)
        self.counter_view.panel.headline_px = services.settings.verdict_font_px
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.counter_view, self.tr("Counter"))
        if not later_tabs:  # else window_tabs.add_tabs, after the first paint (app.py)
            add_tabs(self)
        self.setCentralWidget(self.tabs)
        self._build_toolbar()
        self._build_help_menu()
        self._build_status_bar()
        self._wire_adapters()
        leader_hookup.install(self)
        self._update_title()
        self.tabs.currentChanged.connect(self._tab_changed)
        QTimer.singleShot(0, self.counter_view.focus_scan)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """The wished size, but never larger than the screen's free area (a 1366×768 counter
        PC has ~730 px under its task bar; the frame's title bar comes on top)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width()), min(height, free.height() - 32)
        self.resize(width, height)

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

    def _build_help_menu(self) -> None:
        """Help: About, the log folder, a support bundle (pickup_station/support_bundle.py)."""
        menu = self.menuBar().addMenu(self.tr("Help"))
        menu.setObjectName("helpMenu")
        self.about_action = menu.addAction(self.tr("About"), self.show_about)
        self.about_action.setObjectName("aboutAction")
        self.log_folder_action = menu.addAction(self.tr("Open log folder"), self.open_log_folder)
        self.log_folder_action.setObjectName("logFolderAction")
        self.support_action = menu.addAction(self.tr("Export a support bundle…"),
                                             self.export_support_bundle)
        self.support_action.setObjectName("supportBundleAction")

    def show_about(self) -> None:
        from pickup_station import support_bundle

        paths, settings = self.sv.paths, self.sv.settings
        self.sv.tasks.op(lambda: support_bundle.about(paths, settings), parent=self) \
            .success(self._show_about).run()

    def _show_about(self, info: dict) -> None:
        from PySide6.QtWidgets import QMessageBox

        never = self.tr("never")
        rows = [(self.tr("Version"), info["version"]),
                (self.tr("Data folder"), info["data_dir"]),
                (self.tr("Server"), info["server"] or self.tr("not paired")),
                (self.tr("Station"), " ".join(x for x in (info["station_id"],
                                                          info["station_name"]) if x) or "-"),
                (self.tr("Last sync"), info["last_sync"] or never),
                (self.tr("Last backup"), info["last_backup"] or never)]
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About pickup-station"),
                          "\n".join(f"{k}: {v}" for k, v in rows), QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("aboutBox")
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.about_box = box
        box.open()

    def open_log_folder(self) -> bool:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        folder = self.sv.paths.data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def export_support_bundle(self, out=None) -> None:
        """A zip with logs, settings without the token and store statistics (no personal
        data); asks where to save it unless `out` is given."""
        from datetime import datetime
        from pathlib import Path

        from pickup_station import support_bundle

        if out is None:
            from PySide6.QtWidgets import QFileDialog

            name = f"pickup-station-support-{datetime.now():%Y%m%d-%H%M%S}.zip"
            out, _ = QFileDialog.getSaveFileName(self, self.tr("Export a support bundle"),
                                                 str(Path.home() / name), "Zip (*.zip)")
            if not out:
                return
        paths, settings = self.sv.paths, self.sv.settings
        self.sv.tasks.op(lambda: support_bundle.write_bundle(paths, settings, Path(out)),
                         parent=self) \
            .success(lambda p: self.statusBar().showMessage(
                self.tr("Support bundle saved: %1").replace("%1", str(p)), 15_000)) \
            .progress(self.tr("Writing the support bundle…")).run()

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
        self.say_if_no_audio()

    def say_if_no_audio(self) -> None:
        """Sounds are on but there is no audio output: said once in the status bar (the app
        calls this again after loading the sounds once the window is up)."""
        if self.sv.sounds.enabled and self.sv.sounds.available is False:
            QTimer.singleShot(0, lambda: self.statusBar().showMessage(
                render("app.no_audio_device", self.sv.lang), 20_000))

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
        if getattr(self, "arrival_view", None) is not None:  # (window_tabs)
            self.arrival_view.refresh()
        self._refresh_figures_if_shown()

    def _refresh_figures_if_shown(self) -> None:
        """The figures tab reloads after a change only while it is on screen: a reload reads
        the whole day, and doing that behind the counter after every hand-over slows the next
        customer down. `_tab_changed` reloads it when the host opens the tab."""
        if self.tabs.currentWidget() is getattr(self, "reports_view", None):
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
                                          parent=self, lang=self.sv.lang)
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
        self.settings_dialog().exec()
        self.counter_view.focus_scan()

    def settings_dialog(self):
        """The settings dialog, wired so that saving applies what changed (no restart but
        for the language)."""
        from pickup_station.ui.dialogs.settings_dialog import SettingsDialog

        st = self.sv.settings
        before = (st.camera.enabled, st.camera.source, st.camera.decoder, st.sync_interval_s)
        from pickup_station.ui.views.shelves_view import ShelvesView

        dlg = SettingsDialog(self.sv, self)
        dlg.shelves = ShelvesView(self.sv)
        dlg.shelves.refresh()
        dlg.add_page(dlg.shelves, self.tr("Shelves"))
        dlg.saved.connect(lambda: self.apply_settings(before))
        return dlg

    def apply_settings(self, before: tuple | None = None) -> None:
        """Make the running counter match the saved settings: camera, scanners, sounds,
        printer, sync interval. The language is kept until the next start."""
        st = self.sv.settings
        cam = st.camera
        if before is None or before[:3] != (cam.enabled, cam.source, cam.decoder):
            self.apply_camera_settings()
        self.apply_scanner_settings()
        self.sv.sounds.set_enabled(st.sounds)
        self.counter_view.panel.headline_px = st.verdict_font_px
        self.sv.printer.refresh_status()
        if before is None or before[3] != st.sync_interval_s:
            self.sv.sync.settings_changed()

    def apply_scanner_settings(self) -> None:
        """Keyboard-wedge and serial scanners as the settings say, without a restart."""
        from pickup_station.ui.scan_sources import SerialScannerSource, WedgeDetector

        sc = self.sv.settings.scanner
        wedge = getattr(self, "wedge", None)
        if wedge is None and sc.wedge_enabled:
            self.wedge = wedge = WedgeDetector(sc, self, lang=self.sv.lang)
            wedge.scanned.connect(self.submit_scan)
            wedge.rejected.connect(self.report_problem)
            wedge.install()
        elif wedge is not None:
            wedge.enabled, wedge.prefix, wedge.suffix = (bool(sc.wedge_enabled), sc.prefix or "",
                                                         sc.suffix or "")
            wedge.max_key_interval_ms = int(sc.max_key_interval_ms or 35)
            wedge.hold_ms = 3 * wedge.max_key_interval_ms
        wanted = (sc.serial_port, sc.serial_baudrate, sc.prefix, sc.suffix)
        serial = getattr(self, "serial_scanner", None)
        if serial is not None and getattr(serial, "wanted", None) == wanted:
            return
        if serial is not None:
            serial.stop()
            serial.deleteLater()
            self.serial_scanner = None
        if sc.serial_port:
            serial = SerialScannerSource(sc, self, lang=self.sv.lang)
            serial.wanted = wanted
            serial.scanned.connect(self.submit_scan)
            serial.statusChanged.connect(self.statusBar().showMessage)
            serial.problem.connect(self.report_problem)
            self.serial_scanner = serial

    def device_loops(self) -> list[DeviceLoop]:
        """Everything with a thread of its own, stopped on quit."""
        loops: list[DeviceLoop] = [self.sv.sync, self.sv.printer]
        loops += [part for part in (getattr(self, "camera_panel", None),
                                    getattr(self, "serial_scanner", None)) if part is not None]
        return loops

    def closeEvent(self, event) -> None:
        wedge = getattr(self, "wedge", None)
        if wedge is not None:  # a closed window takes no more keys from the application
            wedge.uninstall()
        for loop in self.device_loops():
            try:
                loop.stop()
            except Exception:
                log.exception("error while closing")
        self.sv.tasks.shutdown(wait=True)  # queued writes are finished first
        super().closeEvent(event)
