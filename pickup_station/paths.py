"""Where things live on disk: resources shipped with the app, user data and config."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "pickup-station"
RESOURCES_ENV = "PICKUP_STATION_RESOURCES"


def resources_dir() -> Path:
    """The `resources/` folder: beside the package in a checkout, inside the bundle when frozen;
    `PICKUP_STATION_RESOURCES` points elsewhere (the self-test's tests use a doctored copy)."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
