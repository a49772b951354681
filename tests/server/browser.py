"""Headless Chromium for the console's browser tests and screenshots: Debian's
/usr/bin/chromium driven by Playwright for Python (no browser download). `make test` installs
the package (scripts/install-system-deps.sh); without it the tests skip and say so."""

from __future__ import annotations

import shutil

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


NO_CHROMIUM = ("no chromium: install Debian's package (scripts/install-system-deps.sh, run by "
               "make test as root)")
