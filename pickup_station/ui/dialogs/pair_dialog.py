"""Pairing dialog (连接服务器): the host enters the server address and station token once.

Usage (main window / settings)::

    dlg = PairDialog(settings, save_settings, store=store, tasks=tasks, parent=window)
    dlg.paired.connect(lambda info: sync_controller.settings_changed())
    dlg.open()

Widgets: `serverUrlInput`, `stationTokenInput` (hidden text), `testConnectionButton`,
`pairMessage` (the verdict), and Save/Cancel. "测试连接 / Test connection" asks the server on the
app's `network` lane (heartbeat + `/sync/me`) and says clearly what is wrong: wrong or revoked token
(401), address unreachable, not a sync server. "保存 / Save" verifies the same way (unless the
very same address and token were just verified) and only a verified pairing is saved: settings
via `save_settings()`, the station's name/address into the store (`sync.pairing`, on the
`write` lane), then
`paired(dict)` is emitted with `{server_url, station_id, name, address, clock_ok, ...}` and the
dialog closes. A failed check saves nothing.
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
from pickup_station.store.db import Store
from pickup_station.sync.engine import pending_count
from pickup_station.sync.pairing import PairingCheck, commit_pairing, verify_pairing
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.tasks import Tasks


class PairDialog(QDialog):
    paired = Signal(dict)

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
        self.setObjectName("pairDialog")
        self.setWindowTitle(self.tr("Connect to the sync server"))
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("pairSaveButton")
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        form = QFormLayout()
        form.addRow(self.tr("Server address"), self.url_input)
        form.addRow(self.tr("Station token"), self.token_input)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.last_check: PairingCheck | None = None
        self._busy = False
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def test_connection(self) -> None:
        self._start_check(save_after=False)

    @Slot()
    def save(self) -> None:
        self._start_check(save_after=True)

    def _entered(self) -> tuple[str, str]:
        from pickup_station.sync.client import normalize_url

        return normalize_url(self.url_input.text()), self.token_input.text().strip()

    def _start_check(self, save_after: bool) -> None:
        if self._busy:
            return
        self._busy = True
        self._set_enabled(False)
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
        self._busy = False
        self._set_enabled(True)
        self.last_check = check
        self.message.setProperty("ok", check is not None)
        self.message.setText(("✓ " if check else "✗ ") + message)
        if check is not None and save_after:
            self.paired.emit(check.as_json())
            self.accept()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.test_button, self.save_button, self.url_input, self.token_input):
            w.setEnabled(on)
