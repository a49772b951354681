"""The first-start wizard (首次启动向导): opens by itself on a station with no settings file and
an empty store, in Chinese (English can be chosen on its first page).

Steps: language → connect (pairing code / address and token / offline with a manifest) → the
leader's PIN → scanner → camera → printer → shelves. Every step can be skipped ("Skip this
step") and done later in Settings; "Set up later" closes the wizard. What the device steps set
is saved to the settings file when the wizard closes, so it does not open again. The window
is built after it (`app.py`), so the scan field has the focus when it closes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget, QWizard, QWizardPage

from pickup_station.errors import UserFacingError
from pickup_station.ui.wizard.needed import first_start

SIZE = (900, 640)  # fits 1366×768 with a title bar and a task bar


class WelcomePage(QWizardPage):
    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Welcome to the pickup station"))
        self.setSubTitle(self.tr("A few steps set this counter up. Every step can be skipped "
                                 "and done later in Settings."))
        self.language = QComboBox(self)
        self.language.setObjectName("wizardLanguage")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        steps = QLabel(self.tr("1. Connect to headquarters (or work offline)\n"
                               "2. The leader's PIN\n"
                               "3. Scanner, camera and printer\n"
                               "4. Shelves"), self)
        form = QFormLayout(self)
        form.addRow(self.tr("Language / 语言"), self.language)
        form.addRow(steps)


class FirstStartWizard(QWizard):
    languageChanged = Signal(str)

    def __init__(self, services, on_language: Callable[[str], None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.on_language = on_language
        self.setObjectName("firstStartWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                              QWizard.WizardButton.FinishButton,
                              QWizard.WizardButton.CancelButton])
        self.customButtonClicked.connect(lambda _which: self.skip())
        self.currentIdChanged.connect(self._page_changed)
        self.skipping = False
        self.paired_info: dict | None = None
        self.save_error = ""
        self._build()
        self.resize(*SIZE)

    def _build(self) -> None:
        # the pages are imported here, not with the module: `app.py` asks `first_start()` on
        # every start, and the connect page brings the sync client and protocol (~0.2 s)
        from pickup_station.ui.wizard.connect_page import ConnectPage
        from pickup_station.ui.wizard.device_pages import (
            CameraStep,
            PinStep,
            PrinterStep,
            ScannerStep,
            ShelvesStep,
        )

        self.setWindowTitle(self.tr("Set up this pickup station"))
        for which, text in ((QWizard.WizardButton.CustomButton1, self.tr("Skip this step")),
                            (QWizard.WizardButton.CancelButton, self.tr("Set up later")),
                            (QWizard.WizardButton.NextButton, self.tr("Next >")),
                            (QWizard.WizardButton.BackButton, self.tr("< Back")),
                            (QWizard.WizardButton.FinishButton, self.tr("Finish"))):
            self.setButtonText(which, text)
        self.welcome = WelcomePage(self.sv.lang)
        self.welcome.language.currentIndexChanged.connect(self._language_picked)
        self.connect_page = ConnectPage(self.sv)
        self.connect_page.paired.connect(self._paired)
        self.pin = PinStep(self.sv)
        self.scanner = ScannerStep(self.sv)
        self.camera = CameraStep(self.sv)
        self.printer = PrinterStep(self.sv)
        self.shelves = ShelvesStep(self.sv)
        for page in self.steps():
            self.addPage(page)

    def steps(self) -> list[QWizardPage]:
        return [self.welcome, self.connect_page, self.pin, self.scanner, self.camera,
                self.printer, self.shelves]

    # --- moving ------------------------------------------------------------------------------
    def skip(self) -> None:
        """Next without storing what the page shows (the last step: finish)."""
        self.skipping = True
        try:
            if self.currentId() == self.pageIds()[-1]:
                self.accept()
            else:
                self.next()
        finally:
            self.skipping = False

    def _page_changed(self, _id: int) -> None:
        self.button(QWizard.WizardButton.CustomButton1).setVisible(
            self.currentPage() is not self.welcome)

    def _paired(self, info: dict) -> None:
        self.paired_info = info

    # --- language ------------------------------------------------------------------------------
    def _language_picked(self, _index: int) -> None:
        lang = self.welcome.language.currentData()
        if lang == self.sv.lang:
            return
        QTimer.singleShot(0, lambda: self.switch_language(lang))  # not inside the combo's signal

    def switch_language(self, lang: str) -> None:
        """Load the language, say it to the services, and build the pages anew in it."""
        self.sv.settings.lang = lang
        self.sv.lang = lang
        self.sv.tasks.errors.lang = lang
        if hasattr(self.sv.printer, "_lang_fixed"):
            self.sv.printer._lang_fixed = lang
        if self.on_language is not None:
            self.on_language(lang)
        for page_id in list(self.pageIds()):
            page = self.page(page_id)
            self.removePage(page_id)
            page.deleteLater()
        self._build()
        self.restart()
        self.languageChanged.emit(lang)

    # --- closing -----------------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Finished or "Set up later": keep what was set (the wizard does not open again)."""
        self.camera.page.stop_preview()
        self.connect_page.camera_button.setChecked(False)
        try:
            self.sv.save_settings()
        except UserFacingError as exc:  # a full or read-only disk: the counter says it
            self.save_error = exc.message(self.sv.lang)
        super().done(result)


def open_first_start(services, on_language=None, parent=None) -> FirstStartWizard:
    wizard = FirstStartWizard(services, on_language, parent)
    wizard.setWindowModality(Qt.WindowModality.ApplicationModal)
    wizard.show()
    return wizard


__all__ = ["FirstStartWizard", "first_start", "open_first_start"]
