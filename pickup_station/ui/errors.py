"""The one place where a failure becomes a message (after Anki's `aqt/errors.py`).

`ErrorPresenter.message_for(exc)` is the text a person at the counter reads:

- a `UserFacingError` speaks for itself, in the user's language (`exc.message(lang)`);
- `Cancelled` is not an error: no text at all;
- anything else is a bug or a surprise: it is written to the log with its traceback, and the
  person gets a generic sentence (never `str(exc)`, which can hold paths, SQL or personal data).

`present(exc)` does that and emits `shown(text)`; the main window puts it in the status bar with
the failure sound. Every background operation that fails without its own failure callback is
presented here (`ui/tasks.py`); views that show the failure in place call `message_for`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from pickup_station.errors import Cancelled, UserFacingError
from pickup_station.messages import render

log = logging.getLogger(__name__)


def generic_message(lang: str | None = "zh_CN") -> str:
    return render("error.generic", lang)


class ErrorPresenter(QObject):
    shown = Signal(str)  # the text shown to the person, already in their language

    def __init__(self, lang: str = "zh_CN", parent: QObject | None = None):
        super().__init__(parent)
        self.lang = lang

    def message_for(self, exc: BaseException, lang: str | None = None) -> str:
        """The words for `exc` in `lang` (default: the window's); logs what is not a
        `UserFacingError`."""
        if isinstance(exc, Cancelled):
            return ""
        if isinstance(exc, UserFacingError):
            return exc.message(lang or self.lang)
        log.error("background operation failed", exc_info=exc)
        return generic_message(lang or self.lang)

    def present(self, exc: BaseException) -> str:
        text = self.message_for(exc)
        if text:
            self.shown.emit(text)
        return text
