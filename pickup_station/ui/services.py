"""What the window is given: the core services and the adapters' Qt wrappers (no globals).

The printer and the sync link are typed seams: the real `ui.print_queue.PrintQueue` and
`ui.sync_controller.SyncController`, or a Null object when the counter has none (no printer
built, not paired with a server), so the window calls them without probing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from pickup_station.config import Paths, Settings
from pickup_station.core.counter import Counter
from pickup_station.store.db import Store
from pickup_station.ui.sounds import Sounds
from pickup_station.ui.tasks import Tasks


class Printer(Protocol):
    """What the window asks of the print queue (`ui.print_queue.PrintQueue`)."""

    present: bool  # False for the Null printer: the views say "no printer is set up"
    statusChanged: SignalInstance

    def enqueue_receipt(self, pickup_id: str) -> int: ...
    def reprint(self, pickup_id: str) -> int: ...
    def enqueue_label(self, order_id: str) -> int: ...
    def enqueue_day_summary(self, summary) -> int: ...
    def test_print(self) -> int: ...
    def refresh_status(self) -> int: ...
    def status_text(self) -> str: ...
    def stop(self) -> object: ...


class SyncLink(Protocol):
    """What the window asks of background sync (`ui.sync_controller.SyncController`)."""

    paired: bool  # False for the Null link: "Sync now" opens the pairing dialog
    status_text: str
    statusChanged: SignalInstance
    progress: SignalInstance
    clockWarning: SignalInstance
    attentionChanged: SignalInstance
    changesApplied: SignalInstance
    located: SignalInstance
    locateFailed: SignalInstance

    def start(self) -> None: ...
    def request_sync(self) -> None: ...
    def sync_now(self) -> None: ...
    def settings_changed(self) -> None: ...
    def locate(self, token_sha256: str) -> None: ...
    def stop(self) -> object: ...


class NullPrinter(QObject):
    """No printer: every paper is dropped, the status never changes."""

    present = False
    statusChanged = Signal(str)

    def enqueue_receipt(self, pickup_id: str) -> int:
        return 0

    def reprint(self, pickup_id: str) -> int:
        return 0

    def enqueue_label(self, order_id: str) -> int:
        return 0

    def enqueue_day_summary(self, summary) -> int:
        return 0

    def test_print(self) -> int:
        return 0

    def refresh_status(self) -> int:
        return 0

    def status_text(self) -> str:
        return ""  # the window keeps its own "Printer: not set up"

    def stop(self) -> None:
        pass


class NullSync(QObject):
    """Not paired with a server: the counter works offline; nothing is asked or sent."""

    paired = False
    status_text = ""
    statusChanged = Signal(str)
    progress = Signal(int, int)
    clockWarning = Signal(str)
    attentionChanged = Signal(int)
    changesApplied = Signal()
    located = Signal(str, object)
    locateFailed = Signal(str, str)

    def start(self) -> None:
        pass

    def request_sync(self) -> None:
        pass

    def sync_now(self) -> None:
        pass

    def settings_changed(self) -> None:
        pass

    def locate(self, token_sha256: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class Services:
    store: Store
    settings: Settings
    paths: Paths
    counter: Counter
    tasks: Tasks
    sounds: Sounds
    sync: SyncLink = field(default_factory=NullSync)
    printer: Printer = field(default_factory=NullPrinter)
    demo_sheet: Path | None = None
    lang: str = "zh_CN"

    def __post_init__(self) -> None:
        self.tasks.errors.lang = self.lang  # failures are told in the window's language

    def save_settings(self) -> None:
        from pickup_station.config import save_settings

        save_settings(self.settings, self.paths.config_file)
