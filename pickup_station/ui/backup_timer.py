"""The window's daily backup: shortly after start, then every hour it asks whether the newest
backup is older than a day (`store/backup.py`); the copy is made on the read lane of the one road
(`Tasks`), never on the UI thread. The sync runner asks the same before its rounds; the lock in
`store/backup.py` keeps two copies from being made at once."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from pickup_station.store import backup

log = logging.getLogger(__name__)

FIRST_AFTER_MS = 5_000  # leave the first seconds to the counter's own reads
EVERY_MS = 3_600_000


class BackupTimer(QObject):
    backedUp = Signal(object)  # BackupInfo

    def __init__(self, store, tasks, parent: QObject | None = None,
                 first_after_ms: int = FIRST_AFTER_MS, every_ms: int = EVERY_MS):
        super().__init__(parent)
        self.setObjectName("backupTimer")
        self.store = store
        self.tasks = tasks
        self.last: backup.BackupInfo | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        QTimer.singleShot(first_after_ms, self, self.check)

    def check(self) -> None:
        path = self.store.path
        self.tasks.op(lambda: backup.backup_if_due(path), lane="read", parent=self) \
            .success(self._done).failure(self._failed).run()

    def _done(self, info) -> None:
        if info is not None:
            self.last = info
            self.backedUp.emit(info)

    def _failed(self, exc: BaseException) -> None:
        log.error("the daily backup could not be made", exc_info=exc)
