"""Settings: language, printer, camera, scanners, server pairing. Saved to the settings file."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pickup_station.ui.services import Services

PRINTER_KINDS = ["none", "file", "usb", "network", "serial", "cups", "win32"]
PRINT_MODES = ["text", "raster", "mixed"]


class SettingsDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        st = services.settings
        self.setWindowTitle(self.tr("Settings"))
        self.lang = QComboBox()
        self.lang.addItem("简体中文", "zh_CN")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(max(0, self.lang.findData(st.lang)))
        self.sounds = QCheckBox(self.tr("Play sounds"))
        self.sounds.setChecked(st.sounds)

        self.p_kind = QComboBox()
        for k in PRINTER_KINDS:
            self.p_kind.addItem(k, k)
        self.p_kind.setCurrentIndex(max(0, self.p_kind.findData(st.printer.kind)))
        self.p_target = QLineEdit(st.printer.target)
        self.p_target.setPlaceholderText(self.tr("file path, host:9100, /dev/ttyUSB0, printer name"))
        self.p_vendor = QLineEdit(f"{st.printer.usb_vendor:04x}")
        self.p_product = QLineEdit(f"{st.printer.usb_product:04x}")
        self.p_paper = QComboBox()
        self.p_paper.addItem("58 mm", 58)
        self.p_paper.addItem("80 mm", 80)
        self.p_paper.setCurrentIndex(max(0, self.p_paper.findData(st.printer.paper_mm)))
        self.p_mode = QComboBox()
        for m, label in zip(PRINT_MODES, [self.tr("Text (printer has Chinese font)"),
                                          self.tr("Image (any printer)"),
                                          self.tr("Mixed (slow serial links)")], strict=True):
            self.p_mode.addItem(label, m)
        self.p_mode.setCurrentIndex(max(0, self.p_mode.findData(st.printer.mode)))
        self.p_auto = QCheckBox(self.tr("Print a receipt after each hand-over"))
        self.p_auto.setChecked(st.printer.auto_print)
        test = QPushButton(self.tr("Test print"))
        test.setObjectName("testPrintButton")
        test.clicked.connect(self.test_print)

        self.c_enabled = QCheckBox(self.tr("Use a camera to scan QR codes"))
        self.c_enabled.setChecked(st.camera.enabled)
        self.c_source = QLineEdit(st.camera.source)
        self.c_source.setPlaceholderText(self.tr("0 (first camera), a video file or rtsp://…"))
        self.c_decoder = QComboBox()
        self.c_decoder.setObjectName("cameraDecoder")
        from pickup_station.hardware.decoders import decoder_names

        for name in ["auto", *decoder_names()]:
            self.c_decoder.addItem(name, name)
        self.c_decoder.setCurrentIndex(max(0, self.c_decoder.findData(st.camera.decoder)))
        self.c_preview_button = QPushButton(self.tr("Show preview"))
        self.c_preview_button.setObjectName("cameraPreviewButton")
        self.c_preview_button.setCheckable(True)
        self.c_preview_button.toggled.connect(self.toggle_preview)
        self.c_preview = None  # a CameraPanel while the preview runs
        self.c_box = QVBoxLayout()

        self.s_prefix = QLineEdit(st.scanner.prefix)
        self.s_suffix = QLineEdit(st.scanner.suffix)
        self.s_port = QLineEdit(st.scanner.serial_port)
        self.s_port.setPlaceholderText("/dev/ttyACM0, COM3")
        self.s_baud = QSpinBox()
        self.s_baud.setRange(1200, 921600)
        self.s_baud.setValue(st.scanner.serial_baudrate)

        server = QLabel(st.server_url or self.tr("not paired"))
        pair = QPushButton(self.tr("Pair with server…"))
        pair.clicked.connect(self.pair)

        general = self._group(self.tr("General"), [(self.tr("Language"), self.lang),
                                                   ("", self.sounds)])
        printer = self._group(self.tr("Printer"), [
            (self.tr("Connection"), self.p_kind), (self.tr("Address"), self.p_target),
            (self.tr("USB vendor id (hex)"), self.p_vendor),
            (self.tr("USB product id (hex)"), self.p_product),
            (self.tr("Paper"), self.p_paper), (self.tr("Chinese text"), self.p_mode),
            ("", self.p_auto), ("", test)])
        camera = self._group(self.tr("Camera"), [("", self.c_enabled),
                                                 (self.tr("Source"), self.c_source),
                                                 (self.tr("Decoder"), self.c_decoder),
                                                 ("", self.c_preview_button)])
        camera.layout().addRow(self.c_box)
        scanner = self._group(self.tr("Scanners"), [
            (self.tr("Prefix to strip"), self.s_prefix), (self.tr("Suffix to strip"), self.s_suffix),
            (self.tr("Serial port"), self.s_port), (self.tr("Baud rate"), self.s_baud)])
        sync = self._group(self.tr("Server"), [(self.tr("Address"), server), ("", pair)])
        note = QLabel(self.tr("Language and scanner changes apply after a restart."))
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.finished.connect(lambda _result: self.stop_preview())
        layout = QVBoxLayout(self)
        for w in (general, printer, camera, scanner, sync, note, buttons):
            layout.addWidget(w)

    @staticmethod
    def _group(title: str, rows) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for label, widget in rows:
            form.addRow(label, widget) if label else form.addRow(widget)
        return box

    def _apply(self) -> None:
        st = self.sv.settings
        st.lang = self.lang.currentData()
        st.sounds = self.sounds.isChecked()
        p = st.printer
        p.kind, p.target = self.p_kind.currentData(), self.p_target.text().strip()
        p.usb_vendor = int(self.p_vendor.text() or "0", 16)
        p.usb_product = int(self.p_product.text() or "0", 16)
        p.paper_mm, p.mode = self.p_paper.currentData(), self.p_mode.currentData()
        p.auto_print = self.p_auto.isChecked()
        st.camera.enabled, st.camera.source = self.c_enabled.isChecked(), self.c_source.text()
        st.camera.decoder = self.c_decoder.currentData()
        sc = st.scanner
        sc.prefix, sc.suffix = self.s_prefix.text(), self.s_suffix.text()
        sc.serial_port, sc.serial_baudrate = self.s_port.text().strip(), self.s_baud.value()

    def save(self) -> None:
        try:
            self._apply()
        except ValueError:
            return
        self.sv.save_settings()
        self.accept()

    def toggle_preview(self, on: bool) -> None:
        """A live preview of the source typed above, with detected codes outlined, so the
        host can aim the camera before saving. The counter's own camera keeps running."""
        if not on:
            self.stop_preview()
            return
        from pickup_station.ui.widgets.camera_panel import CameraPanel

        self.c_preview = CameraPanel(self, decoder=self.c_decoder.currentData(),
                                     lang=self.sv.lang)
        self.c_preview.setObjectName("cameraPreviewPanel")
        self.c_preview.status_label.setObjectName("cameraPreviewStatus")
        self.c_preview.setMinimumHeight(240)
        self.c_box.addWidget(self.c_preview)
        self.c_preview.start(self.c_source.text().strip() or "0")
        self.c_preview_button.setText(self.tr("Hide preview"))

    def stop_preview(self) -> None:
        panel, self.c_preview = self.c_preview, None
        if panel is not None:
            panel.stop()
            panel.setParent(None)
            panel.deleteLater()
        if self.c_preview_button.isChecked():
            self.c_preview_button.blockSignals(True)
            self.c_preview_button.setChecked(False)
            self.c_preview_button.blockSignals(False)
        self.c_preview_button.setText(self.tr("Show preview"))

    def test_print(self) -> None:
        try:
            self._apply()
        except ValueError:
            return
        self.sv.printer.test_print()

    def pair(self) -> None:
        window = self.parent()
        if hasattr(window, "show_pairing"):
            window.show_pairing()
