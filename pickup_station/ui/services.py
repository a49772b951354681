"""What the window is given: the core services and the adapters' Qt wrappers (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pickup_station.config import Paths, Settings
from pickup_station.core.counter import Counter
from pickup_station.store.db import Store
from pickup_station.ui.sounds import Sounds
from pickup_station.ui.tasks import Tasks


@dataclass
class Services:
    store: Store
    settings: Settings
    paths: Paths
    counter: Counter
    tasks: Tasks
    sounds: Sounds
    sync: Any = None  # ui.sync_controller.SyncController when paired
    printer: Any = None  # ui.print_queue.PrintQueue
    demo_sheet: Path | None = None
    lang: str = "zh_CN"

    def save_settings(self) -> None:
        from pickup_station.config import save_settings

        save_settings(self.settings, self.paths.config_file)
