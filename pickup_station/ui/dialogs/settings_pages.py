"""The pages of the settings dialog: scanner, camera, printer, sync, display & language.

Each page is a form over one part of `Settings`; `load()` is done in the constructor and
`store(settings)` writes the fields back. Rows that do not apply to the current choice are
hidden (`QFormLayout.setRowVisible`), every choice has a human label (the saved value is the
item's data), and nothing here waits on a device: the USB printer list is gathered on the
`devices` lane.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pickup_station.config import Settings

PRINTER_KINDS = ["none", "usb", "network", "serial", "win32", "cups", "file"]
PRINT_MODES = ["text", "raster", "mixed"]
DECODERS = ["auto", "zxing-sharpen", "zxing", "opencv-aruco", "pyzbar", "opencv"]


def _row(*widgets) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, (QLineEdit, QComboBox)) else 0)
    return box


def _select(combo: QComboBox, value) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class _Page(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

    def visible_row(self, field: QWidget) -> bool:
        return self.form.isRowVisible(field)


class ScannerPage(_Page):
    def __init__(self, st: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        sc = st.scanner
        self.wedge = QCheckBox(self.tr("A scanner that types like a keyboard (USB keyboard mode)"))
        self.wedge.setChecked(sc.wedge_enabled)
        self.prefix = QLineEdit(sc.prefix)
        self.suffix = QLineEdit(sc.suffix)
        for w in (self.prefix, self.suffix):
            w.setPlaceholderText(self.tr("nothing"))
        self.port = QLineEdit(sc.serial_port)
        self.port.setObjectName("scannerSerialPort")
        self.port.setPlaceholderText(self.tr("none (e.g. /dev/ttyACM0 or COM3)"))
        self.baud = QSpinBox()
        self.baud.setObjectName("scannerBaud")
        self.baud.setRange(1200, 921600)
        self.baud.setValue(sc.serial_baudrate)
        self.gap = QSpinBox()
        self.gap.setObjectName("wedgeKeyGap")
        self.gap.setRange(10, 150)
        self.gap.setSuffix(self.tr(" ms"))
        self.gap.setValue(int(sc.max_key_interval_ms or 35))
        self.gap.setToolTip(self.tr("Keys closer together than this count as a scanner, not a "
                                    "person. Raise it if scans land as typing."))
        self.form.addRow(self.wedge)
        self.form.addRow(self.tr("Scanner types faster than"), self.gap)
        self.form.addRow(self.tr("Characters to remove before a code"), self.prefix)
        self.form.addRow(self.tr("Characters to remove after a code"), self.suffix)
        self.form.addRow(self.tr("Serial scanner port"), self.port)
        self.form.addRow(self.tr("Serial speed (baud)"), self.baud)
        self.port.textChanged.connect(self.update_rows)
        self.wedge.toggled.connect(self.update_rows)
        self.update_rows()

    def update_rows(self) -> None:
        self.form.setRowVisible(self.baud, bool(self.port.text().strip()))
        self.form.setRowVisible(self.gap, self.wedge.isChecked())

    def store(self, st: Settings) -> None:
        sc = st.scanner
        sc.wedge_enabled = self.wedge.isChecked()
        sc.max_key_interval_ms = self.gap.value()
        sc.prefix, sc.suffix = self.prefix.text(), self.suffix.text()
        sc.serial_port, sc.serial_baudrate = self.port.text().strip(), self.baud.value()


class CameraPage(_Page):
    """Which camera (by its description where the system gives one) or a video file / stream,
    which decoder, and a live preview of that choice (the dialog runs the preview)."""

    FILE = "file"
    codeSeen = Signal(str)  # a code the preview read

    def __init__(self, st: Settings, parent: QWidget | None = None, lang: str | None = None):
        super().__init__(parent)
        self.lang = lang
        cam = st.camera
        self.enabled = QCheckBox(self.tr("Use a camera to scan QR codes"))
        self.enabled.setChecked(cam.enabled)
        self.device = QComboBox()
        self.device.setObjectName("cameraSource")
        for i, description in enumerate(self._cameras(cam.source)):
            label = (self.tr("Camera %1 (%2)").replace("%2", description) if description
                     else self.tr("Camera %1")).replace("%1", str(i + 1))
            self.device.addItem(label, str(i))
        self.device.addItem(self.tr("A video file or stream address"), self.FILE)
        self.source = QLineEdit()
        self.source.setObjectName("cameraSourceText")
        self.source.setPlaceholderText(self.tr("video file, or rtsp://…"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        self.source_row = _row(self.source, browse)
        self.decoder = QComboBox()
        self.decoder.setObjectName("cameraDecoder")
        names = {"auto": self.tr("Automatic (best available)"),
                 "zxing-sharpen": self.tr("ZXing, second try sharpened (reads the most)"),
                 "zxing": "ZXing", "opencv-aruco": self.tr("OpenCV (contrib module)"),
                 "pyzbar": "ZBar", "opencv": "OpenCV"}
        for name in DECODERS + [cam.decoder] * (cam.decoder not in DECODERS):
            self.decoder.addItem(names.get(name, name), name)
        _select(self.decoder, cam.decoder)
        self.preview_button = QPushButton(self.tr("Show preview"))
        self.preview_button.setObjectName("cameraPreviewButton")
        self.preview_button.setCheckable(True)
        self.preview_box = QVBoxLayout()
        self.form.addRow(self.enabled)
        self.form.addRow(self.tr("Camera"), self.device)
        self.form.addRow(self.tr("File or address"), self.source_row)
        self.form.addRow(self.tr("QR decoder"), self.decoder)
        self.form.addRow(self.preview_button)
        self.form.addRow(self.preview_box)
        self.device.currentIndexChanged.connect(self._device_chosen)
        self.source.textChanged.connect(self._text_changed)
        self.source.setText(cam.source)
        self._text_changed(cam.source)
        self.preview = None  # a CameraPanel while the preview runs
        self.preview_button.toggled.connect(self.toggle_preview)

    # --- the live preview (settings dialog and first-start wizard) ----------------------------
    def toggle_preview(self, on: bool) -> None:
        """A live preview of the source chosen above, with detected codes outlined (and
        `codeSeen` for each), so the host can aim the camera before saving. The counter's own
        camera keeps running."""
        if not on:
            self.stop_preview()
            return
        from pickup_station.ui.widgets.camera_panel import CameraPanel

        panel = self.preview = CameraPanel(self, decoder=self.decoder.currentData(),
                                           lang=self.lang)
        panel.setObjectName("cameraPreviewPanel")
        panel.status_label.setObjectName("cameraPreviewStatus")
        panel.setMinimumHeight(240)
        panel.codeScanned.connect(self.codeSeen)
        self.preview_box.addWidget(panel)
        panel.start(self.chosen_source())
        self.preview_button.setText(self.tr("Hide preview"))

    def stop_preview(self) -> None:
        panel, self.preview = self.preview, None
        if panel is not None:
            panel.stop()
            panel.setParent(None)
            panel.deleteLater()
        if self.preview_button.isChecked():
            self.preview_button.blockSignals(True)
            self.preview_button.setChecked(False)
            self.preview_button.blockSignals(False)
        self.preview_button.setText(self.tr("Show preview"))

    @staticmethod
    def _cameras(current: str) -> list[str]:
        """One entry per camera: its description from QMediaDevices (the camera opens "N" as
        Qt's N-th video input, ui/qt_capture.py), at least the saved one."""
        try:
            from PySide6.QtMultimedia import QMediaDevices

            found = [d.description() for d in QMediaDevices.videoInputs()]
        except ImportError as exc:
            if not (exc.name or "").startswith("PySide6"):
                raise
            found = []
        wanted = int(current) + 1 if current.strip().isdigit() else 1
        return found + [""] * max(0, wanted - len(found))

    def _device_chosen(self, _index: int) -> None:
        data = self.device.currentData()
        if data != self.FILE:
            self.source.setText(data)
        elif self.source.text().strip().isdigit():
            self.source.clear()
        self.update_rows()

    def _text_changed(self, text: str) -> None:
        text = text.strip()
        data = text if text.isdigit() and self.device.findData(text) >= 0 else self.FILE
        if self.device.currentData() != data:
            self.device.blockSignals(True)
            _select(self.device, data)
            self.device.blockSignals(False)
        self.update_rows()

    def update_rows(self) -> None:
        self.form.setRowVisible(self.source_row, self.device.currentData() == self.FILE)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video file"), self.source.text())
        if path:
            self.source.setText(path)

    def chosen_source(self) -> str:
        return self.source.text().strip() or "0"

    def store(self, st: Settings) -> None:
        cam = st.camera
        cam.enabled, cam.source = self.enabled.isChecked(), self.chosen_source()
        cam.decoder = self.decoder.currentData()


class PrinterPage(_Page):
    """The printer kind first; then only the fields that kind uses."""

    testRequested = Signal()
    usbListWanted = Signal()

    def __init__(self, st: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        p = st.printer
        self.kind = QComboBox()
        self.kind.setObjectName("printerKind")
        labels = {"none": self.tr("No printer"), "usb": self.tr("USB printer"),
                  "network": self.tr("Network printer"), "serial": self.tr("Serial printer"),
                  "win32": self.tr("Windows printer"), "cups": self.tr("CUPS printer"),
                  "file": self.tr("Save to a file (test)")}
        for k in PRINTER_KINDS + [p.kind] * (p.kind not in PRINTER_KINDS):
            self.kind.addItem(labels.get(k, k), k)
        _select(self.kind, p.kind)
        self.target = QLineEdit(p.target)
        self.target.setObjectName("printerTarget")
        self.browse = QPushButton(self.tr("Choose…"))
        self.browse.clicked.connect(self._browse)
        self.target_row = _row(self.target, self.browse)
        self.usb_list = QComboBox()
        self.usb_list.setObjectName("usbPrinterList")
        self.usb_note = QLabel()
        self.usb_note.setObjectName("usbPrinterNote")
        self.usb_note.setWordWrap(True)
        self.usb_advanced = QCheckBox(self.tr("Enter the USB ids by hand (advanced)"))
        self.usb_advanced.setObjectName("usbAdvanced")
        hex4 = QRegularExpressionValidator(QRegularExpression("[0-9a-fA-F]{1,4}"))
        self.vendor = QLineEdit(f"{p.usb_vendor:04x}")
        self.product = QLineEdit(f"{p.usb_product:04x}")
        for w in (self.vendor, self.product):
            w.setValidator(hex4)
            w.setMaxLength(4)
        self.ids_row = _row(QLabel(self.tr("vendor")), self.vendor,
                            QLabel(self.tr("product")), self.product)
        self.baud = QSpinBox()
        self.baud.setObjectName("printerBaud")
        self.baud.setRange(1200, 921600)
        self.baud.setValue(p.baudrate)
        self.paper = QComboBox()
        self.paper.addItem(self.tr("58 mm (narrow)"), 58)
        self.paper.addItem(self.tr("80 mm (wide)"), 80)
        _select(self.paper, p.paper_mm)
        self.mode = QComboBox()
        for m, label in zip(PRINT_MODES, [self.tr("Text (printer has Chinese font)"),
                                          self.tr("Image (any printer)"),
                                          self.tr("Mixed (slow serial links)")], strict=True):
            self.mode.addItem(label, m)
        _select(self.mode, p.mode)
        self.auto = QCheckBox(self.tr("Print a receipt after each hand-over"))
        self.auto.setChecked(p.auto_print)
        self.test = QPushButton(self.tr("Test print"))
        self.test.setObjectName("testPrintButton")
        self.test.clicked.connect(self.testRequested)
        self.form.addRow(self.tr("Printer"), self.kind)
        self.form.addRow(self.tr("Address"), self.target_row)
        self.form.addRow(self.tr("Connected printer"), self.usb_list)
        self.form.addRow(self.usb_note)
        self.form.addRow(self.usb_advanced)
        self.form.addRow(self.tr("USB ids (hex)"), self.ids_row)
        self.form.addRow(self.tr("Speed (baud)"), self.baud)
        self.form.addRow(self.tr("Paper"), self.paper)
        self.form.addRow(self.tr("Chinese text"), self.mode)
        self.form.addRow(self.auto)
        self.form.addRow(self.test)
        self.usb_listed: list | None = None  # None: not asked yet or cannot be listed
        self.kind.currentIndexChanged.connect(self.update_rows)
        self.usb_advanced.toggled.connect(self.update_rows)
        self.usb_list.currentIndexChanged.connect(self._usb_chosen)
        self.update_rows()

    # --- which rows ---------------------------------------------------------------------------
    def update_rows(self) -> None:
        kind = self.kind.currentData()
        target = {"file": (self.tr("File"), self.tr("a file or folder for the printed bytes")),
                  "network": (self.tr("Address"), "192.168.1.50:9100"),
                  "serial": (self.tr("Serial port"), "/dev/ttyUSB0, COM3"),
                  "cups": (self.tr("Printer name"), self.tr("as the system names it")),
                  "win32": (self.tr("Printer name"), self.tr("as Windows names it"))}.get(kind)
        self.form.setRowVisible(self.target_row, target is not None)
        if target is not None:
            self.form.labelForField(self.target_row).setText(target[0])
            self.target.setPlaceholderText(target[1])
            self.browse.setVisible(kind == "file")
        usb = kind == "usb"
        listed = bool(self.usb_list.count())
        self.form.setRowVisible(self.usb_list, usb and listed)
        self.form.setRowVisible(self.usb_note, usb and bool(self.usb_note.text()))
        self.form.setRowVisible(self.usb_advanced, usb)
        self.form.setRowVisible(self.ids_row, usb and self.usb_advanced.isChecked())
        self.form.setRowVisible(self.baud, kind == "serial")
        for w in (self.paper, self.mode, self.auto, self.test):
            self.form.setRowVisible(w, kind != "none")
        if usb and self.usb_listed is None:
            self.usbListWanted.emit()

    # --- the USB list (filled by the dialog from a devices-lane job) -------------------------
    def show_usb_printers(self, printers: list | None) -> None:
        """`printers`: `UsbPrinterInfo`s found, or None when they cannot be listed here."""
        self.usb_listed = printers if printers is not None else []
        saved = (int(self.vendor.text() or "0", 16), int(self.product.text() or "0", 16))
        self.usb_list.blockSignals(True)
        self.usb_list.clear()
        for pr in printers or []:
            name = pr.name or self.tr("USB printer")
            self.usb_list.addItem(f"{name} ({pr.ids})", (pr.vendor, pr.product))
        if printers and all(saved != (pr.vendor, pr.product) for pr in printers) and all(saved):
            self.usb_list.addItem(self.tr("The saved printer %1 (not connected)")
                                  .replace("%1", f"{saved[0]:04x}:{saved[1]:04x}"), saved)
        self.usb_list.setCurrentIndex(max(0, self.usb_list.findData(saved)))
        self.usb_list.blockSignals(False)
        if printers is None:
            note = self.tr("Connected USB printers cannot be listed on this computer (libusb "
                           "is missing): enter the ids by hand.")
        elif not printers:
            note = self.tr("No USB printer found: is it plugged in and switched on?")
        else:
            note = ""
            self._usb_chosen(self.usb_list.currentIndex())
        self.usb_note.setText(note)
        self.update_rows()

    def _usb_chosen(self, _index: int) -> None:
        ids = self.usb_list.currentData()
        if ids:
            self.vendor.setText(f"{ids[0]:04x}")
            self.product.setText(f"{ids[1]:04x}")

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Print to file"), self.target.text())
        if path:
            self.target.setText(path)

    def store(self, st: Settings) -> None:
        p = st.printer
        p.kind, p.target = self.kind.currentData(), self.target.text().strip()
        p.usb_vendor = int(self.vendor.text() or "0", 16)
        p.usb_product = int(self.product.text() or "0", 16)
        p.baudrate = self.baud.value()
        p.paper_mm, p.mode = self.paper.currentData(), self.mode.currentData()
        p.auto_print = self.auto.isChecked()


class SyncPage(_Page):
    pairRequested = Signal()

    def __init__(self, st: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.server = QLabel(st.server_url or self.tr("Not paired: the counter works offline"))
        self.server.setObjectName("serverAddress")
        self.server.setWordWrap(True)
        pair = QPushButton(self.tr("Pair with server…") if not st.paired
                           else self.tr("Pair again…"))
        pair.clicked.connect(self.pairRequested)
        self.interval = QSpinBox()
        self.interval.setObjectName("syncInterval")
        self.interval.setRange(5, 3600)
        self.interval.setSuffix(self.tr(" s"))
        self.interval.setValue(max(5, int(st.sync_interval_s or 30)))
        self.form.addRow(self.tr("Server"), self.server)
        self.form.addRow(pair)
        self.form.addRow(self.tr("Sync every"), self.interval)

    def store(self, st: Settings) -> None:
        st.sync_interval_s = self.interval.value()


class DisplayPage(_Page):
    """Language (the one setting that needs a restart), sounds, the size of the verdict, and
    when an order counts as uncollected."""

    def __init__(self, st: Settings, running_lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.running_lang = running_lang
        self.lang = QComboBox()
        self.lang.setObjectName("languageChoice")
        self.lang.addItem("简体中文", "zh_CN")
        self.lang.addItem("English", "en")
        _select(self.lang, st.lang)
        self.restart_note = QLabel(self.tr("The new language is used after the app restarts."))
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.sounds = QCheckBox(self.tr("Play sounds"))
        self.sounds.setChecked(st.sounds)
        self.headline = QSpinBox()
        self.headline.setObjectName("verdictFontSize")
        self.headline.setRange(24, 96)
        self.headline.setSuffix(self.tr(" px"))
        self.headline.setValue(int(st.verdict_font_px or 40))
        self.uncollected = QSpinBox()
        self.uncollected.setObjectName("uncollectedAfterDays")
        self.uncollected.setRange(1, 60)
        self.uncollected.setSuffix(self.tr(" days"))
        self.uncollected.setValue(int(st.uncollected_after_days or 3))
        self.form.addRow(self.tr("Language"), self.lang)
        self.form.addRow(self.restart_note)
        self.form.addRow(self.sounds)
        self.form.addRow(self.tr("Verdict text size (from the next scan)"), self.headline)
        self.form.addRow(self.tr("Uncollected after"), self.uncollected)
        self.lang.currentIndexChanged.connect(self.update_rows)
        self.update_rows()

    def update_rows(self) -> None:
        self.form.setRowVisible(self.restart_note, self.lang.currentData() != self.running_lang)

    def store(self, st: Settings) -> None:
        st.lang = self.lang.currentData()
        st.sounds = self.sounds.isChecked()
        st.verdict_font_px = self.headline.value()
        st.uncollected_after_days = self.uncollected.value()
