"""Step 1 of the first-start wizard: connect to HQ's sync server, or work offline.

Three ways, one page: scan the pairing code HQ shows (a scanner types it into
`pairingScanInput`; the camera button opens a preview that reads it), type the address and the
token (`PairForm`, the pairing dialog's own form: the token is checked against the server
before it is saved), or work offline and import a manifest file (JSON or CSV, e.g. from a USB
stick). Whatever the way, nothing unverified is saved, and the page can be skipped.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from pickup_station.core.manifest import import_manifest_file
from pickup_station.core.pairing_code import looks_like_pairing, parse_pairing
from pickup_station.ui.dialogs.pair_dialog import PairForm
from pickup_station.ui.widgets.leader_common import make_info, say
from pickup_station.ui.wizard.scan_line import ScanLine


class ConnectPage(QWizardPage):
    paired = Signal(dict)
    manifestImported = Signal(object)  # ApplyReport

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.sv = services
        self.setTitle(self.tr("Connect to headquarters"))
        self.setSubTitle(self.tr("Scan the pairing code HQ shows for this pickup point, type "
                                 "the server address and token, or work offline for now."))
        self.scan_input = ScanLine(self)
        self.scan_input.setObjectName("pairingScanInput")
        self.scan_input.setPlaceholderText(self.tr("Scan the pairing code here"))
        self.scan_input.scanned.connect(self.on_scan)
        self.camera_button = QPushButton(self.tr("Use the camera"), self)
        self.camera_button.setObjectName("pairingCameraButton")
        self.camera_button.setCheckable(True)
        self.camera_button.toggled.connect(self.toggle_camera)
        self.camera_box = QVBoxLayout()
        self.status = make_info(self, "connectStatus")
        self.form = PairForm(services.settings, services.save_settings, tasks=services.tasks,
                             store=services.store, parent=self, lang=services.lang)
        self.form.message.hide()  # the page's own status line says it
        self.form.paired.connect(self._paired)
        self.form.busyChanged.connect(self._busy)
        self.form.message.setObjectName("pairMessageInForm")
        self.connect_button = QPushButton(self.tr("Check and connect"), self)
        self.connect_button.setObjectName("pairConnectButton")
        self.connect_button.clicked.connect(self.form.save)
        self.form.test_button.hide()
        self.import_button = QPushButton(self.tr("Import a manifest file…"), self)
        self.import_button.setObjectName("importManifestButton")
        self.import_button.clicked.connect(self.choose_manifest)
        self._build()
        self.busy = False

    def _build(self) -> None:
        scan_box = QGroupBox(self.tr("1. Scan the pairing code (recommended)"), self)
        row = QHBoxLayout(scan_box)
        row.addWidget(self.scan_input, 1)
        row.addWidget(self.camera_button)
        type_box = QGroupBox(self.tr("2. Or type the address and the token"), self)
        typed = QVBoxLayout(type_box)
        typed.addWidget(self.form)
        typed.addWidget(self.connect_button)
        offline_box = QGroupBox(self.tr("3. Or work offline only"), self)
        offline = QHBoxLayout(offline_box)
        note = QLabel(self.tr("Load a manifest file (JSON or CSV) from HQ, e.g. from a USB "
                              "stick. You can connect later in Settings › Sync."), self)
        note.setWordWrap(True)
        offline.addWidget(note, 1)
        offline.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scan_box)
        layout.addLayout(self.camera_box)
        layout.addWidget(type_box)
        layout.addWidget(offline_box)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.scan_input.setFocus()

    # --- scanning ----------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        """Every scan source ends here on this page: a pairing code is checked and saved."""
        self.scan_input.clear()
        code = parse_pairing(text)
        if code is None:
            why = (self.tr("This pairing code is incomplete: ask HQ for a new one.")
                   if looks_like_pairing(text) else
                   self.tr("This is not a pairing code. Scan the code HQ shows for this pickup "
                           "point."))
            say(self.status, "✗ " + why, error=True)
            return
        say(self.status, self.tr("Pairing code read: checking it with the server…"))
        self.form.pair_with_code(code)

    def toggle_camera(self, on: bool) -> None:
        panel = getattr(self, "camera_panel", None)
        if panel is not None:
            panel.stop()
            panel.setParent(None)
            panel.deleteLater()
            self.camera_panel = None
        if on:
            from pickup_station.ui.widgets.camera_panel import CameraPanel

            cam = self.sv.settings.camera
            self.camera_panel = CameraPanel(self, decoder=cam.decoder, lang=self.sv.lang)
            self.camera_panel.setMinimumHeight(200)
            self.camera_panel.codeScanned.connect(self.on_scan)
            self.camera_box.addWidget(self.camera_panel)
            self.camera_panel.start(cam.source)

    def cleanupPage(self) -> None:
        self.camera_button.setChecked(False)

    def validatePage(self) -> bool:
        self.camera_button.setChecked(False)
        return not self.busy

    # --- results ------------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.connect_button, self.import_button, self.scan_input):
            w.setEnabled(not busy)
        if busy:
            say(self.status, self.tr("Connecting to the server…"))
        elif self.form.last_check is None and self.form.message.text():
            say(self.status, self.form.message.text(), error=True)
            self.scan_input.setFocus()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy

    def _paired(self, info: dict) -> None:
        say(self.status, "✓ " + self.tr("Connected: %1 (%2). Orders arrive in the background.")
            .replace("%1", info.get("name") or "").replace("%2", info.get("station_id") or ""),
            ok=True)
        self.paired.emit(info)

    # --- offline -----------------------------------------------------------------------------
    def choose_manifest(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Manifest file"), str(Path.home()),
                                              self.tr("Manifests (*.json *.csv)"))
        if path:
            self.import_manifest(Path(path))

    def import_manifest(self, path: Path) -> None:
        store = self.sv.store
        self.import_button.setEnabled(False)

        def done(report) -> None:
            self.import_button.setEnabled(True)
            say(self.status, "✓ " + self.tr("Imported %1: %2 batch(es), %3 order(s).")
                .replace("%1", path.name).replace("%2", str(report.batches))
                .replace("%3", str(report.orders)), ok=True)
            self.manifestImported.emit(report)

        def failed(exc) -> None:
            self.import_button.setEnabled(True)
            say(self.status, "✗ " + self.tr("%1 was not imported: %2").replace("%1", path.name)
                .replace("%2", self.sv.tasks.errors.message_for(exc, self.sv.lang)), error=True)
            self.manifestImported.emit(None)
        self.sv.tasks.op(lambda: import_manifest_file(store, path), lane="write", parent=self) \
            .success(done).failure(failed).run()
