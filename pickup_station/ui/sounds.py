"""Distinct sounds for success and refusal (QSoundEffect, WAV files under resources/sounds).

A computer with no audio output (no sound card, no PulseAudio/PipeWire server) is normal at
some counters: the sounds are then off, the log says so in one line, and `available` is False
so the window can say it once in the status bar. Nothing is retried on every scan.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl

from pickup_station.paths import resource

log = logging.getLogger(__name__)


class Sounds(QObject):
    def __init__(self, enabled: bool = True, parent: QObject | None = None, *,
                 later: bool = False):
        """`later`: look for the audio output only when `load()` is called (the app does once
        its window is up: starting Qt Multimedia and its audio back-end takes 0.03-0.1 s)."""
        super().__init__(parent)
        self.enabled = enabled
        self.available: bool | None = None  # None: not looked for (sounds off, or not yet)
        self.played: list[str] = []  # what was asked to play, for tests and diagnostics
        self._effects = {}
        if enabled and not later:
            self._load()

    def load(self) -> None:
        """Look for the audio output and load the sounds, if on and not done yet."""
        if self.enabled and self.available is None:
            self._load()

    def _load(self) -> None:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # Qt without multimedia: stay silent, keep working
            if not (exc.name or "").startswith("PySide6"):
                raise
            self.available = False
            log.warning("no audio device: Qt multimedia is missing, sounds are off")
            return
        if not QMediaDevices.audioOutputs():
            self.available = False
            log.warning("no audio device: sounds are off")
            return
        self.available = True
        for name in ("ok", "fail", "warn"):
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(resource("sounds", f"{name}.wav"))))
            effect.setVolume(0.8)
            self._effects[name] = effect

    def set_enabled(self, on: bool) -> None:
        """Sounds on or off from the settings dialog, at once."""
        self.enabled = bool(on)
        if self.enabled and self.available is None:
            self._load()

    def play(self, name: str) -> None:
        self.played.append(name)
        effect = self._effects.get(name)
        if self.enabled and effect is not None:
            effect.play()
