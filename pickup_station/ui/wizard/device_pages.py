"""Steps 2-4 of the first-start wizard: the leader's PIN, scanner, camera, printer, shelves.

Each step shows the piece the rest of the app uses for the same thing (the PIN form of the
forced PIN dialog, the settings dialog's scanner / camera / printer pages, the leader's shelves
view), so what the wizard sets is what Settings shows later. A step that is skipped stores
nothing; "Next" stores what the page shows into the settings (saved when the wizard closes).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWizardPage

from pickup_station.core import operators as ops
from pickup_station.core.scanning import clean_scan_text, parse_scan
from pickup_station.ui.dialogs.pin_dialog import NewPinForm
from pickup_station.ui.dialogs.settings_pages import CameraPage, PrinterPage, ScannerPage
from pickup_station.ui.widgets.leader_common import make_info, say
from pickup_station.ui.wizard.scan_line import ScanLine


class _Step(QWizardPage):
    def __init__(self, services, title: str, subtitle: str, parent=None):
        super().__init__(parent)
        self.sv = services
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.box = QVBoxLayout(self)

    def skipping(self) -> bool:
        return bool(getattr(self.wizard(), "skipping", False))


class PinStep(_Step):
    """The leader sets a PIN instead of the default 1234 (skipped: the counter asks at start)."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("The leader's PIN"), self.tr(
            "Choose a PIN of 4 to 8 digits for the leader (团长). It approves exceptions and "
            "manages operators. Skipped, the counter asks for it when it opens."), parent)
        self.form = NewPinForm(services, ops.DEFAULT_LEADER[0], self)
        self.form.changed.connect(self._changed)
        self.box.addWidget(self.form)
        self.box.addStretch(1)
        self.done = False

    def validatePage(self) -> bool:
        if self.skipping() or self.done or not (self.form.new_pin.text()
                                                or self.form.again.text()):
            return True
        self.form.submit()
        return False  # the wizard moves on once the PIN is changed

    def _changed(self, _who) -> None:
        self.done = True
        say(self.form.info, "✓ " + self.tr("The leader's PIN is set."), ok=True)
        self.wizard().next()


def shown(text: str) -> str:
    """What a scanner sent, with its invisible characters made visible."""
    return "".join({"\r": "␍", "\n": "␊", "\t": "␉", " ": "␠"}.get(c, c) for c in text)


class ScannerStep(_Step):
    """"Scan anything now": what arrived, what is left once the prefix/suffix are removed,
    and what the counter would make of it."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Barcode scanner"), self.tr(
            "Scan any code now (a pickup QR, a product barcode). If the scanner adds characters "
            "before or after the code, enter them below to be removed."), parent)
        self.test_input = ScanLine(self)
        self.test_input.setObjectName("scannerTestInput")
        self.test_input.setPlaceholderText(self.tr("Scan here"))
        self.test_input.scanned.connect(self.on_scan)
        self.arrived = make_info(self, "scannerArrived")
        self.page = ScannerPage(services.settings, self)
        self.page.prefix.textChanged.connect(self._explain)
        self.page.suffix.textChanged.connect(self._explain)
        self.box.addWidget(self.test_input)
        self.box.addWidget(self.arrived)
        self.box.addWidget(self.page)
        self.box.addStretch(1)
        self.last = ""

    def initializePage(self) -> None:
        self.test_input.setFocus()

    def on_scan(self, text: str) -> None:
        self.last = text
        self.test_input.clear()
        self._explain()

    def _explain(self) -> None:
        if not self.last:
            return
        text, prefix, suffix = self.last, self.page.prefix.text(), self.page.suffix.text()
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        kinds = {"token": self.tr("a pickup QR"), "code": self.tr("a 6-digit pickup code"),
                 "phone4": self.tr("a phone's last 4 digits"),
                 "pairing": self.tr("HQ's pairing code")}
        kind = kinds.get(parse_scan(text).kind, self.tr("not a pickup code (that is fine "
                                                         "for a test)"))
        say(self.arrived, self.tr("Arrived: %1\nThe counter reads: %2 — %3")
            .replace("%1", shown(self.last)).replace("%2", clean_scan_text(text))
            .replace("%3", kind))

    def validatePage(self) -> bool:
        if not self.skipping():
            self.page.store(self.sv.settings)
        return True


class CameraStep(_Step):
    """The camera page with its live preview; a code read there is shown."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Camera"), self.tr(
            "A webcam can read customers' QR codes. Choose it, show the preview and hold a "
            "code in front of it."), parent)
        self.page = CameraPage(services.settings, self, lang=services.lang)
        self.decoded = make_info(self, "cameraDecoded")
        self.page.codeSeen.connect(lambda text: say(
            self.decoded, "✓ " + self.tr("Read: %1").replace("%1", text), ok=True))
        self.box.addWidget(self.page)
        self.box.addWidget(self.decoded)

    def validatePage(self) -> bool:
        self.page.stop_preview()
        if not self.skipping():
            self.page.store(self.sv.settings)
        return True

    def cleanupPage(self) -> None:
        self.page.stop_preview()


class PrinterStep(_Step):
    """The printer page: kind, paper, mode, a test print and what the printer says."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Receipt printer"), self.tr(
            "Choose the printer, its paper and how it prints Chinese, then make a test print."),
            parent)
        from pickup_station.ui.dialogs.settings_dialog import list_usb_printers

        self.page = PrinterPage(services.settings, self)
        self.page.testRequested.connect(self.test_print)
        self.page.usbListWanted.connect(lambda: list_usb_printers(services.tasks, self.page))
        self.status = QLabel(services.printer.status_text() or self.tr("Printer: not set up"))
        self.status.setObjectName("wizardPrinterStatus")
        self.status.setWordWrap(True)
        services.printer.statusChanged.connect(self.status.setText)
        check = QPushButton(self.tr("Ask the printer how it is"), self)
        check.setObjectName("printerCheckButton")
        check.clicked.connect(self.check)
        self.box.addWidget(self.page)
        self.box.addWidget(check)
        self.box.addWidget(self.status)
        self.box.addStretch(1)
        self.page.update_rows()

    def test_print(self) -> None:
        self.page.store(self.sv.settings)
        self.sv.printer.test_print()

    def check(self) -> None:
        self.page.store(self.sv.settings)
        self.sv.printer.refresh_status()

    def validatePage(self) -> bool:
        if not self.skipping():
            self.page.store(self.sv.settings)
        return True


class ShelvesStep(_Step):
    """The leader's shelves view: the layout the station starts with, and adding shelves."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Shelves"), self.tr(
            "Where bags wait for their customers. Name your shelves as they stand in the shop; "
            "each bag gets a slot like A-3-12 (shelf, level, position)."), parent)
        from pickup_station.ui.views.shelves_view import ShelvesView

        self.view = ShelvesView(services, self)
        self.box.addWidget(self.view, 1)

    def initializePage(self) -> None:
        self.view.refresh()
