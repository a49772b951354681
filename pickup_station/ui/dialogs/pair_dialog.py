"""Pairing with the sync server (连接服务器): the host enters the server address and station
token once, or scans the pairing code HQ shows.

Usage (main window / settings)::

    dlg = PairDialog(settings, save_settings, store=store, tasks=tasks, parent=window)
    dlg.paired.connect(lambda info: sync_controller.settings_changed())
    dlg.open()

`PairForm` is the part both the dialog and the first-start wizard show. Widgets:
`serverUrlInput`, `stationTokenInput` (hidden text), `testConnectionButton`, `pairMessage` (the
verdict); the dialog adds Save/Cancel. "测试连接 / Test connection" asks the server on the app's
`network` lane (heartbeat + `/sync/me`) and says clearly what is wrong: wrong or revoked token
(401), address unreachable, not a sync server. "保存 / Save" (or a scanned pairing code,
`pair_with_code`) verifies the same way (unless the very same address and token were just
verified) and only a verified pairing is saved: settings via `save_settings()`, the station's
name/address into the store (`sync.pairing`, on the `write` lane), then `paired(dict)` is
emitted with `{server_url, station_id, name, address, clock_ok, ...}`. A failed check saves
nothing and the form stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.config import Settings
from pickup_station.core.pairing_code import PairingCode
from pickup_station.store.db import Store
from pickup_station.sync.engine import pending_count
from pickup_station.sync.pairing import PairingCheck, commit_pairing, verify_pairing
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.tasks import Tasks


class PairForm(QWidget):
    """Address, token, "Test connection" and the verdict; checks and saves a pairing."""

    paired = Signal(dict)
    busyChanged = Signal(bool)

    def __init__(self, settings: Settings, save_settings: Callable[[], None], *,
                 tasks: Tasks, store: Store | None = None, parent: QWidget | None = None,
                 timeout_s: float = 10.0, lang: str | None = None):
        super().__init__(parent)
        self.settings = settings
        self.save_settings = save_settings
        self.store = store
        self.tasks = tasks
        self.timeout_s = timeout_s
        self.lang = lang or settings.lang or "zh_CN"  # for the core's messages
        self.url_input = QLineEdit(settings.server_url, self)
        self.url_input.setObjectName("serverUrlInput")
        self.url_input.setPlaceholderText("http://192.168.1.10:8765")
        self.token_input = QLineEdit(settings.station_token, self)
        self.token_input.setObjectName("stationTokenInput")
        self.token_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_input.setPlaceholderText(self.tr("Station token from HQ"))
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("testConnectionButton")
        self.message = QLabel(self)
        self.message.setObjectName("pairMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Server address"), self.url_input)
        form.addRow(self.tr("Station token"), self.token_input)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.message)
        self.last_check: PairingCheck | None = None
        self.busy = False
        self.test_button.clicked.connect(self.test_connection)

    # --- actions ------------------------------------------------------------------------------
    @Slot()
    def test_connection(self) -> None:
        self._start_check(save_after=False)

    @Slot()
    def save(self) -> None:
        self._start_check(save_after=True)

    def pair_with_code(self, code: PairingCode) -> None:
        """A scanned pairing code: fill the form, then check and save as "Save" does."""
        self.url_input.setText(code.url)
        self.token_input.setText(code.token)
        self.save()

    def _entered(self) -> tuple[str, str]:
        from pickup_station.sync.client import normalize_url

        return normalize_url(self.url_input.text()), self.token_input.text().strip()

    def _start_check(self, save_after: bool) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self.message.setText(self.tr("Connecting to the server…"))
        url, token = self._entered()
        store, timeout, known = self.store, self.timeout_s, self.last_check

        def check() -> PairingCheck:
            if known is not None and (known.url, known.token) == (url, token):
                return known  # just verified: no second round trip
            pending = pending_count(store) if store is not None else 0
            return verify_pairing(url, token, pending, timeout=timeout)

        def checked(check: PairingCheck) -> None:
            if not save_after:
                self._on_checked(check, check.describe(self.lang), False)
                return
            settings, save = self.settings, self.save_settings
            self.tasks.op(lambda: commit_pairing(check, settings, save, store), lane="write",
                          parent=self) \
                .success(lambda _r: self._on_checked(check, check.describe(self.lang), True)) \
                .failure(self._failed).run()

        self.tasks.op(check, lane="network", parent=self).success(checked) \
            .failure(self._failed).run()

    # --- results (UI thread) ------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        self._on_checked(None, self.tasks.errors.message_for(exc, self.lang), False)

    def _on_checked(self, check: PairingCheck | None, message: str, save_after: bool) -> None:
        self.last_check = check
        self.message.setProperty("ok", check is not None)
        self.message.setStyleSheet("" if check is not None else "color:#c62828")
        self.message.setText(("✓ " if check else "✗ ") + message)
        self._set_busy(False)
        if check is not None and save_after:
            self.paired.emit(check.as_json())

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.test_button, self.url_input, self.token_input):
            w.setEnabled(not busy)
        self.busyChanged.emit(busy)


class PairDialog(QDialog):
    paired = Signal(dict)

    def __init__(self, settings: Settings, save_settings: Callable[[], None], *,
                 tasks: Tasks, store: Store | None = None, parent: QWidget | None = None,
                 timeout_s: float = 10.0, lang: str | None = None):
        super().__init__(parent)
        self.setObjectName("pairDialog")
        self.setWindowTitle(self.tr("Connect to the sync server"))
        self.form = PairForm(settings, save_settings, tasks=tasks, store=store, parent=self,
                             timeout_s=timeout_s, lang=lang)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("pairSaveButton")
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.form.save)
        self.buttons.rejected.connect(self.reject)
        self.form.busyChanged.connect(lambda busy: self.save_button.setEnabled(not busy))
        self.form.paired.connect(self._paired)

    def _paired(self, info: dict) -> None:
        self.paired.emit(info)
        self.accept()

    # --- the form's parts, by the names older code and tests use ------------------------------
    @property
    def url_input(self) -> QLineEdit:
        return self.form.url_input

    @property
    def token_input(self) -> QLineEdit:
        return self.form.token_input

    @property
    def test_button(self) -> QPushButton:
        return self.form.test_button

    @property
    def message(self) -> QLabel:
        return self.form.message

    @property
    def last_check(self) -> PairingCheck | None:
        return self.form.last_check

    def test_connection(self) -> None:
        self.form.test_connection()

    def save(self) -> None:
        self.form.save()
