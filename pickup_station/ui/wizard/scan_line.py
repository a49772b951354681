"""The scan field of a wizard page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit


class ScanLine(QLineEdit):
    """Where a scanner types on a wizard page: its Enter ends the scan (`scanned`) and never
    reaches the wizard's default button, so a scan does not turn the page."""

    scanned = Signal(str)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.scanned.emit(self.text())
            return
        super().keyPressEvent(event)
