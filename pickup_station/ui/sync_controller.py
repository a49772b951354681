"""Qt face of background sync: the status-bar label, "Sync now", and the wrong-counter lookup.

Wiring (in the main window)::

    sync = SyncController(store, settings, tasks, parent=window, lang=services.lang)
    sync.statusChanged.connect(window.findChild(QLabel, "syncStatus").setText)
    sync.changesApplied.connect(window.refresh_lists)       # new batches/orders arrived
    sync.attentionChanged.connect(window.set_attention_badge)  # unresolved items, an int
    sync.clockWarning.connect(window.show_clock_warning)    # "" when the clock is fine again
    sync.progress.connect(window.show_download_progress)    # (done, total), first download only
    sync.located.connect(window.show_other_station)          # (token_sha256, dict or None)
    sync.start()
    ...after each local change (hand-over, undo, arrival check):  sync.request_sync()
    ..."Sync now" action:                                         sync.sync_now()
    ...after the pair dialog saved new settings:                  sync.settings_changed()
    ...on quit:                                                   sync.shutdown()

`statusChanged(str)` carries the label text, e.g. "已同步 14:32 · 待上传 3" or "离线 · 待上传 12";
`status_tooltip` holds the last error in words. `locate(token_sha256)` asks the server which
pickup point holds that order: `located(token_sha256, {station_id, name, address, ...})`, or
`located(token_sha256, None)` when no pickup point holds it; a network failure gives
`locateFailed(token_sha256, message)` instead. `roundFinished(object)` carries the engine's
`RoundReport` for anyone who wants detail.

Rounds run on `sync.runner.SyncRunner`'s own thread (a device loop: `stop()` ends it); a locate
is one operation on the app's `network` lane (`ui.tasks.Tasks`, the one road). Results come back
to the UI thread through queued signals, so every public signal is emitted on the UI thread.

The clock warning (`clockWarning`) is raised when a round finds the clock skewed and stays up
for as long as rounds keep finding it skewed; only a round with a good clock clears it.

The sync machinery (runner, engine, wire protocol, HTTP client: ~0.2 s to import) is imported
when it is first needed, by `start()` (after the window is up) or a `locate`, not with the
controller, which the window is built with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from pickup_station import __version__
from pickup_station.config import Settings
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)
from pickup_station.ui.tasks import Tasks

if TYPE_CHECKING:
    from pickup_station.store.db import Store
    from pickup_station.sync.engine import RoundReport
    from pickup_station.sync.runner import SyncRunner, SyncState


def _sync_client(url: str, token: str):
    from pickup_station.sync.client import SyncClient

    return SyncClient(url, token)


def clock_message(skew_s: float | None) -> str:
    """The clock warning, through Qt's translator (context SyncController)."""
    minutes = f"{abs(skew_s or 0) / 60:.0f}"
    if (skew_s or 0) > 0:
        text = QCoreApplication.translate(
            "SyncController", "This computer's clock is %1 min ahead of the server: please set "
            "the time. Pickup times are recorded with this clock.")
    else:
        text = QCoreApplication.translate(
            "SyncController", "This computer's clock is %1 min behind the server: please set "
            "the time. Pickup times are recorded with this clock.")
    return text.replace("%1", minutes)


class SyncController(QObject):
    paired = True  # the window's `ui.services.NullSync` says False
    statusChanged = Signal(str)
    progress = Signal(int, int)
    clockWarning = Signal(str)
    attentionChanged = Signal(int)
    changesApplied = Signal()
    located = Signal(str, object)
    locateFailed = Signal(str, str)
    roundFinished = Signal(object)

    # worker → UI thread bridges (queued: emitted from worker threads)
    _stateFromWorker = Signal(object)
    _reportFromWorker = Signal(object)
    _progressFromWorker = Signal(int, int)
    _locateDone = Signal(str, object, str)

    def __init__(self, store: Store, settings: Settings, tasks: Tasks,
                 parent: QObject | None = None, *, client_factory=None, app_version: str = __version__,
                 debounce_s: float = 0.3, backoff=None, lang: str | None = None):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.tasks = tasks
        # the window's language (`--lang` wins over the settings file); kept until a restart
        self.lang = lang or settings.lang or "zh_CN"
        self._client_factory = client_factory or _sync_client
        self.status_text = ""
        self.status_tooltip = ""
        self._attention: int | None = None
        self._clock_bad = False
        self._runner_args = {"app_version": app_version, "debounce_s": debounce_s,
                             "backoff": backoff}
        self._runner_made: SyncRunner | None = None  # made by the first `start()` or `state`
        self._stateFromWorker.connect(self._on_state)
        self._reportFromWorker.connect(self._on_report)
        self._progressFromWorker.connect(self.progress)
        self._locateDone.connect(self._on_located)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.request_sync)
        self._started = False
        self._shut = False

    def _credentials(self) -> tuple[str, str]:  # worker thread: two str reads
        return self.settings.server_url, self.settings.station_token

    @property
    def _runner(self) -> SyncRunner:
        if self._runner_made is None:
            from pickup_station.sync.runner import SyncRunner

            self._runner_made = SyncRunner(
                self.store, self._credentials, on_report=self._reportFromWorker.emit,
                on_state=self._stateFromWorker.emit, on_progress=self._progressFromWorker.emit,
                lang=self.lang, client_factory=self._client_factory, **self._runner_args)
        return self._runner_made

    # --- public API ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker and the timer; a first round follows at once."""
        if self._started:
            return
        self._started = True
        self._timer.start(max(5, int(self.settings.sync_interval_s or 30)) * 1000)
        self._runner.start()
        self._runner.request(force=True)

    @Slot()
    def request_sync(self) -> None:
        """A local change happened (or the timer ticked): sync soon; bursts coalesce."""
        if self._started and not self._shut:
            self._runner.request()

    @Slot()
    def sync_now(self) -> None:
        """The host asked: a round right away, even while waiting after a failure."""
        if self._started and not self._shut:
            self._runner.request(force=True)

    @Slot()
    def settings_changed(self) -> None:
        """Settings were saved (pairing, interval): new timer, and a round now. A new
        language waits for the next start, like the rest of the window."""
        if self._started:
            self._timer.start(max(5, int(self.settings.sync_interval_s or 30)) * 1000)
        self.sync_now()

    def locate(self, token_sha256: str) -> None:
        """Which pickup point holds this order? Answer comes by `located` / `locateFailed`."""
        if self._shut:
            return
        url, token = self._credentials()
        if not (url and token):
            self._locateDone.emit(token_sha256, None,
                                 self.tr("Not paired with a server: cannot ask"))
            return
        self.tasks.op(lambda: self._locate_job(url, token, token_sha256), lane="network",
                      parent=self) \
            .success(lambda info: self._locateDone.emit(token_sha256, info, "")) \
            .failure(lambda exc: self._locateDone.emit(
                token_sha256, None, self.tasks.errors.message_for(exc))) \
            .run()

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop the timer and the workers (the round in flight ends at its next step)."""
        if self._shut:
            return True
        self._shut = True
        self._timer.stop()
        return self._runner.stop(timeout) if self._started else True

    def stop(self) -> None:
        """`ui.tasks.DeviceLoop`: the window stops every loop the same way on quit."""
        self.shutdown()

    @property
    def state(self) -> SyncState:
        return self._runner.state

    # --- worker side --------------------------------------------------------------------------

    def _locate_job(self, url: str, token: str, token_sha256: str) -> dict | None:
        client = self._client_factory(url, token)
        try:
            info = client.locate(token_sha256)
            return None if info is None else info.as_dict()
        finally:
            client.close()

    # --- UI thread ----------------------------------------------------------------------------

    @Slot(str, object, str)
    def _on_located(self, token_sha256: str, info, error: str) -> None:
        if error:
            self.locateFailed.emit(token_sha256, error)
        else:
            self.located.emit(token_sha256, info)

    @Slot(object)
    def _on_state(self, state: SyncState) -> None:
        text = state.label(self.lang)
        self.status_tooltip = state.error or ""
        if text != self.status_text:
            self.status_text = text
            self.statusChanged.emit(text)
        if state.attention != self._attention:
            self._attention = state.attention
            self.attentionChanged.emit(state.attention)

    @Slot(object)
    def _on_report(self, report: RoundReport) -> None:
        if report.changed_local_data:
            self.changesApplied.emit()
        bad = not report.clock_ok
        if bad and not self._clock_bad:
            self.clockWarning.emit(clock_message(report.clock_skew_s))
        elif self._clock_bad and not bad:  # only a good clock clears the warning
            self.clockWarning.emit("")
        self._clock_bad = bad
        self.roundFinished.emit(report)
