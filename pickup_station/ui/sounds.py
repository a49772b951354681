"""Distinct sounds for success and refusal (QSoundEffect, WAV files under resources/sounds)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl

from pickup_station.paths import resource


class Sounds(QObject):
    def __init__(self, enabled: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.enabled = enabled
        self.played: list[str] = []  # what was asked to play, for tests and diagnostics
        self._effects = {}
        if enabled:
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError as exc:  # Qt without multimedia: stay silent, keep working
                if not (exc.name or "").startswith("PySide6"):
                    raise
                return
            for name in ("ok", "fail", "warn"):
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resource("sounds", f"{name}.wav"))))
                effect.setVolume(0.8)
                self._effects[name] = effect

    def play(self, name: str) -> None:
        self.played.append(name)
        effect = self._effects.get(name)
        if self.enabled and effect is not None:
            effect.play()
