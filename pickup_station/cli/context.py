"""What every command of `pickup-station-cli` gets and gives: the invocation's context (paths,
settings, store opened on first use, language) and the `Outcome` it returns."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from functools import cached_property

from pickup_station.config import Paths, Settings, load_settings, save_settings
from pickup_station.errors import UserFacingError


@dataclass
class Outcome:
    """What a command did: exit code (0 ok, 1 refused), a JSON payload and a human text."""

    code: int = 0
    payload: dict = field(default_factory=dict)
    text: str = ""


class UsageError(Exception):
    pass


class Context:
    """Lazily opened services for one CLI invocation."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.paths = Paths.resolve(getattr(args, "data_dir", None))
        self.lang = getattr(args, "lang", None) or "zh_CN"

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
