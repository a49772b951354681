"""The language a widget speaks when it is not told (a module of its own: the scan sources and
the camera panel both ask, and the scan sources must not pull in the camera's numpy)."""

from __future__ import annotations

from PySide6.QtCore import QLocale


def ui_lang(lang: str | None = None) -> str:
    """zh_CN unless English is asked for, by argument or by the app's default locale."""
    if lang:
        return lang
    return "en" if QLocale().language() == QLocale.Language.English else "zh_CN"
