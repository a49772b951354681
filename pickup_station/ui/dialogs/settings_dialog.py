"""Settings, in pages that fit a 1366×768 counter screen: scanner, camera, printer, sync,
display & language (the pages are in `settings_pages.py`). Saved to the settings file.

Saving applies at once (the window's `apply_settings`: camera, scanners, sounds, printer, sync
interval); only a new language waits for a restart, and the dialog says so only then. The
dialog never grows past the screen: each page scrolls inside it if it must.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pickup_station.ui.dialogs.settings_pages import (
    PRINT_MODES,
    PRINTER_KINDS,
    CameraPage,
    DisplayPage,
    PrinterPage,
    ScannerPage,
    SyncPage,
)
from pickup_station.ui.services import Services

__all__ = ["PRINTER_KINDS", "PRINT_MODES", "SettingsDialog"]
log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    saved = Signal()  # the settings were written; the window applies them

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.sv = services
        st = services.settings
        self.setWindowTitle(self.tr("Settings"))
        self.scanner = ScannerPage(st)
        self.camera = CameraPage(st, lang=services.lang)
        self.printer = PrinterPage(st)
        self.sync = SyncPage(st)
        self.display = DisplayPage(st, services.lang)
        self.pages = QTabWidget(self)
        self.pages.setObjectName("settingsPages")
        for page, title in ((self.scanner, self.tr("Scanner")), (self.camera, self.tr("Camera")),
                            (self.printer, self.tr("Printer")), (self.sync, self.tr("Sync")),
                            (self.display, self.tr("Display & language"))):
            self.add_page(page, title)
        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color:#c62828")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.printer.testRequested.connect(self.test_print)
        self.printer.usbListWanted.connect(self._list_usb_printers)
        self.sync.pairRequested.connect(self.pair)
        self.finished.connect(lambda _result: self.stop_preview())
        self.printer.update_rows()  # now that the USB list has a listener
        self._fit_screen()

    def add_page(self, page: QWidget, title: str) -> None:
        """A tab (scrolling if it must); the window adds its shelves view this way (a view is
        not a dialog's to import). Such a page acts at once, not on Save."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.pages.addTab(scroll, title.replace("&", "&&"))  # a word, not a shortcut

    # --- the names older code and tests use --------------------------------------------------
    @property
    def c_source(self):
        return self.camera.source

    @property
    def c_enabled(self):
        return self.camera.enabled

    @property
    def c_decoder(self):
        return self.camera.decoder

    @property
    def c_preview_button(self):
        return self.camera.preview_button

    # --- size ---------------------------------------------------------------------------------
    COMFORT = (720, 540)  # room for the camera preview without scrolling
    FRAME = 80  # the window's title bar and a taskbar, which availableGeometry may not count

    def _fit_screen(self) -> None:
        """A comfortable size, never more than the screen's free area (a 1366×768 screen, or
        1920×1080 at 150 %: 1280×720 logical), less a title bar and a taskbar; a page that is
        still too tall scrolls inside its tab."""
        screen = (self.parent().screen() if isinstance(self.parent(), QWidget) else None) \
            or self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        most_w, most_h = avail.width(), avail.height() - self.FRAME
        self.setMaximumSize(most_w, most_h)
        hint = self.sizeHint()
        self.resize(min(max(hint.width(), self.COMFORT[0]), most_w),
                    min(max(hint.height(), self.COMFORT[1]), most_h))

    # --- saving -------------------------------------------------------------------------------
    def _apply(self) -> None:
        st = self.sv.settings
        for page in (self.scanner, self.camera, self.printer, self.sync, self.display):
            page.store(st)

    def save(self) -> None:
        from pickup_station.errors import UserFacingError

        self._apply()
        try:
            self.sv.save_settings()
        except UserFacingError as exc:  # a full or read-only disk: say it, stay open
            self.error.setText(exc.message(self.sv.lang))
            self.error.show()
            return
        self.saved.emit()
        self.accept()

    # --- camera preview (CameraPage runs it) ------------------------------------------------
    @property
    def c_preview(self):
        return self.camera.preview

    def toggle_preview(self, on: bool) -> None:
        self.camera.toggle_preview(on)

    def stop_preview(self) -> None:
        self.camera.stop_preview()

    # --- printer ------------------------------------------------------------------------------
    def _list_usb_printers(self) -> None:
        list_usb_printers(self.sv.tasks, self.printer, self)

    def test_print(self) -> None:
        self.printer.store(self.sv.settings)
        self.sv.printer.test_print()

    def pair(self) -> None:
        window = self.parent()
        if hasattr(window, "show_pairing"):
            window.show_pairing()


def list_usb_printers(tasks, page: PrinterPage, parent=None) -> None:
    """Fill `page`'s USB list from a devices-lane job (asked once per page)."""
    from pickup_station.hardware.usb_printers import UsbListUnavailable, find_usb_printers

    def listed():
        try:
            return find_usb_printers()
        except UsbListUnavailable as exc:
            log.info("usb printers cannot be listed: %s", exc)
            return None

    page.usb_listed = []  # asked once per page
    tasks.op(listed, lane="devices", parent=parent or page) \
        .success(page.show_usb_printers) \
        .failure(lambda _exc: page.show_usb_printers(None)).run()
