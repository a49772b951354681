"""What every command of `pickup-station-cli` gets and gives: the invocation's context (paths,
settings, store opened on first use, language, log file) and the `Outcome` it returns."""

from __future__ import annotations

import argparse
import logging
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pickup_station.config import Paths, Settings, load_settings, save_settings
from pickup_station.errors import UserFacingError

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a command did: exit code (0 ok, 1 refused), a JSON payload and a human text."""

    code: int = 0
    payload: dict = field(default_factory=dict)
    text: str = ""


class UsageError(Exception):
    pass


class LogFile(logging.Handler):
    """The command line's log, never the terminal: `<data dir>/logs/station.log` (the window's
    log too), opened per record and only when something is logged. When that folder cannot be
    written (read-only, full, not a folder) the records go to the temp folder instead; `path`
    is where the last record went."""

    def __init__(self, data_dir: Path):
        super().__init__(logging.INFO)
        self.candidates = [Path(data_dir) / "logs" / "station.log",
                           Path(tempfile.gettempdir()) / "pickup-station-cli.log"]
        self.path: Path | None = self.candidates[0]
        self._next = 0
        self.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [cli %(process)d]: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record) + "\n"
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is dropped
            return
        while self._next < len(self.candidates):
            path = self.candidates[self._next]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(text)
                self.path = path
                return
            except OSError:
                self._next += 1
        self.path = None


class Context:
    """Lazily opened services for one CLI invocation."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.paths = Paths.resolve(getattr(args, "data_dir", None))
        self.lang = getattr(args, "lang", None) or "zh_CN"
        self.log_file = LogFile(self.paths.data_dir)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.paths.config_file)

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.config_file)

    @cached_property
    def store(self):
        from pickup_station.store.db import Store

        return Store.in_dir(self.paths.data_dir)

    def prepare_printing(self) -> None:
        """The explicit start-up step before escpos is first imported (hardware/escpos_cache:
        our capabilities cache, no temporary folder left behind per run)."""
        from pickup_station.hardware import escpos_cache

        escpos_cache.prepare()

    def msg(self, err: UserFacingError) -> str:
        return err.message(self.lang)

    def warnings(self) -> list[dict]:
        """What the host should know besides the command's answer: settings recovered from
        the last good copy, a store that failed its integrity check. Only for what this
        invocation opened."""
        out = []
        settings = self.__dict__.get("settings")
        if settings is not None and settings.load_notice is not None:
            out.append(settings.load_notice.as_json(self.lang))
        store = self.__dict__.get("store")
        damage = store.damage if store is not None else None
        if damage is not None:
            err = damage.error(store.path)
            out.append({"code": err.code, "message": self.msg(err),
                        "problems": damage.problems[:5]})
        return out

    def close(self) -> None:
        store = self.__dict__.get("store")
        if store is not None:
            try:
                store.close()
            except Exception:
                log.warning("could not close the store", exc_info=True)
