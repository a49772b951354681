"""Station settings: one JSON file, read at start, written atomically when changed.

Where: `<config dir>/config.json` (platformdirs' user config dir), or `<data dir>/config.json`
when a data dir is given on the command line, so that one `--data-dir` holds a whole station.

- **Written atomically**: a temp file in the same folder, fsync, rename, fsync of the folder;
  then the same bytes go to `config.json.bak`, the last good copy. A full or read-only disk
  raises `DiskFull` / `DataDirReadOnly` and leaves both files as they were.
- **Read defensively**: a value of the wrong type (`"server_url": 5`) falls back to the last
  good copy's value, else its default, and the notice names the field. A file that cannot be
  used at all (cut short, not JSON, not an object, unreadable) falls back to the last good copy
  whole, so the pairing (server address + token) survives; with no usable copy either, the
  defaults. Either way a warning is logged, `settings.load_notice` (a `ConfigNotice`) tells the
  window or the CLI once, the broken file is kept as `config.json.broken-<time>` (never
  overwritten or deleted) and the recovered settings are written back.
- A missing `config.json` is a fresh station (or one reset on purpose): defaults, no notice.
- **Unknown keys are kept** (at the top level and inside printer/camera/scanner), so the keys of
  a newer app version survive an older one saving. Missing keys take their defaults.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, get_type_hints

from pickup_station.failures import failure_of
from pickup_station.messages import Message, sentences
from pickup_station.paths import default_config_dir, default_data_dir

log = logging.getLogger(__name__)

NOT_SAVED = {"saved": False}  # field metadata: kept in memory, never written to the file


@dataclass
class ConfigNotice:
    """What was wrong with the settings file and what is used instead, for the host to see once.
    `code`: `config_recovered` (the last good copy or defaults for some fields, pairing kept if
    it was there) or `config_reset` (no usable copy: defaults, pair again). Its sentences are
    catalogue messages (`settings_file.*` in `pickup_station.messages`)."""

    code: str
    parts: list[Message]
    fields: list[str] = field(default_factory=list)
    broken_copy: str | None = None

    def message(self, lang: str = "zh_CN") -> str:
        return sentences(self.parts, lang)

    @property
    def zh(self) -> str:
        return self.message("zh_CN")

    @property
    def en(self) -> str:
        return self.message("en")

    def as_json(self, lang: str = "zh_CN") -> dict:
        return {"code": self.code, "message": self.message(lang), "fields": self.fields,
                "broken_copy": self.broken_copy}


@dataclass
class PrinterSettings:
    # none / file / usb / network / serial / cups / win32
    kind: str = "none"
    target: str = ""  # file path, "host:9100", "/dev/ttyUSB0", CUPS or Windows printer name
    usb_vendor: int = 0
    usb_product: int = 0
    baudrate: int = 9600
    paper_mm: int = 58  # 58 or 80
    # text (printer has a Chinese font: GB18030), raster (whole receipt as image),
    # mixed (text with the CJK lines as images, for slow serial links)
    mode: str = "text"
    auto_print: bool = True
    unknown_keys: dict = field(default_factory=dict, repr=False, compare=False,
                                metadata=NOT_SAVED)  # a newer version's keys


@dataclass
class CameraSettings:
    enabled: bool = False
    source: str = "0"  # device index, video file or stream URL
    decoder: str = "auto"
    unknown_keys: dict = field(default_factory=dict, repr=False, compare=False,
                                metadata=NOT_SAVED)  # a newer version's keys


@dataclass
class ScannerSettings:
    wedge_enabled: bool = True
    prefix: str = ""
    suffix: str = ""
    max_key_interval_ms: int = 35
    serial_port: str = ""
    serial_baudrate: int = 9600
    unknown_keys: dict = field(default_factory=dict, repr=False, compare=False,
                                metadata=NOT_SAVED)  # a newer version's keys


@dataclass
class Settings:
    server_url: str = ""
    station_token: str = ""
    lang: str = "zh_CN"
    sync_interval_s: int = 30
    uncollected_after_days: int = 3
    sounds: bool = True
    verdict_font_px: int = 40  # the verdict's headline, the largest text at the counter
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    extra: dict = field(default_factory=dict)
    unknown_keys: dict = field(default_factory=dict, repr=False, compare=False,
                                metadata=NOT_SAVED)  # a newer version's keys
    # what was wrong with the file when it was read (see module doc); never saved
    load_notice: ConfigNotice | None = field(default=None, repr=False, compare=False,
                                              metadata=NOT_SAVED)

    @property
    def paired(self) -> bool:
        return bool(self.server_url and self.station_token)


_NESTED = {"printer": PrinterSettings, "camera": CameraSettings, "scanner": ScannerSettings}


@dataclass
class Paths:
    data_dir: Path
    config_file: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None) -> Paths:
        if data_dir:
            d = Path(data_dir).expanduser().resolve()
            return cls(d, d / "config.json")
        env = os.environ.get("PICKUP_STATION_DATA_DIR")
        if env:
            d = Path(env).expanduser().resolve()
            return cls(d, d / "config.json")
        return cls(default_data_dir(), default_config_dir() / "config.json")


def backup_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".bak")


# --- reading ---------------------------------------------------------------------------------


# why a settings file could not be used (each worded as `settings_file.why.<code>`)
UNUSABLE = ("unreadable", "not_json", "empty", "not_object")


def _read_object(path: Path) -> tuple[dict | None, str]:
    """(the JSON object, "") or (None, why not); why is "missing" for no file at all."""
    try:
        text = Path(path).read_bytes()
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:
        log.warning("settings file %s unreadable: %s", path, exc)
        return None, "unreadable"
    try:
        raw = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "not_json" if text.strip() else "empty"
    if not isinstance(raw, dict):
        return None, "not_object"
    return raw, ""


def _saved_fields(cls) -> list:
    return [f for f in fields(cls) if f.metadata.get("saved", True)]


def _fits(value: Any, kind: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind) if isinstance(kind, type) else True


def _build(cls, raw: dict, fallback: dict, prefix: str = "") -> tuple[Any, list[str]]:
    """`cls` from `raw`, field by field: a value of the wrong type takes `fallback`'s value
    when that one fits, else the default. Returns the object and the names of the bad fields."""
    hints = get_type_hints(cls)
    saved = _saved_fields(cls)
    known = {f.name for f in saved}
    kwargs: dict[str, Any] = {"unknown_keys": {k: v for k, v in raw.items() if k not in known}}
    bad: list[str] = []
    for f in saved:
        if f.name not in raw:
            continue  # an older file: the default
        value, kind = raw[f.name], hints[f.name]
        spare = fallback.get(f.name) if isinstance(fallback, dict) else None
        if is_dataclass(kind):
            if not isinstance(value, dict):
                bad.append(prefix + f.name)
                value = spare if isinstance(spare, dict) else {}
            kwargs[f.name], inner = _build(kind, value, spare if isinstance(spare, dict) else {},
                                           f"{prefix}{f.name}.")
            bad += inner
        elif _fits(value, kind):
            kwargs[f.name] = value
        else:
            bad.append(prefix + f.name)
            if spare is not None and _fits(spare, kind):
                kwargs[f.name] = spare
    return cls(**kwargs), bad


def load_settings(path: Path) -> Settings:
    """The settings in `path`, never raising for what is in the file (see the module doc)."""
    path = Path(path)
    raw, why = _read_object(path)
    if raw is None and why == "missing":
        return Settings()
    good_copy, _ = _read_object(backup_path(path))
    if raw is not None:
        settings, bad = _build(Settings, raw, good_copy or {})
        if not bad:
            if good_copy is None:  # e.g. written by a version without backups: keep one now
                _keep_backup(path)
            return settings
        notice = _fields_notice(path, bad, good_copy is not None)
    elif good_copy is not None:
        settings, _ = _build(Settings, good_copy, {})
        notice = _backup_notice(path, why, settings.paired)
    else:
        settings = Settings()
        notice = _reset_notice(path, why)
    log.warning("settings: %s", notice.message("en"))
    notice.broken_copy = _repair(path, settings)
    if notice.broken_copy:
        notice.parts.append(Message("settings_file.broken_kept", name=Path(notice.broken_copy).name))
    settings.load_notice = notice
    return settings


def _fields_notice(path: Path, bad: list[str], have_copy: bool) -> ConfigNotice:
    key = "settings_file.fields_from_copy" if have_copy else "settings_file.fields_from_defaults"
    return ConfigNotice("config_recovered", [Message(key, path=path, names=", ".join(bad))], bad)


def _backup_notice(path: Path, why: str, paired: bool) -> ConfigNotice:
    parts = [Message("settings_file.damaged_copy_used", path=path, why=Message(f"settings_file.why.{why}"),
                     copy=backup_path(path).name)]
    if paired:
        parts.append(Message("settings_file.pairing_kept"))
    return ConfigNotice("config_recovered", parts)


def _reset_notice(path: Path, why: str) -> ConfigNotice:
    return ConfigNotice("config_reset", [Message("settings_file.damaged_reset", path=path,
                                                 why=Message(f"settings_file.why.{why}"))])


def _repair(path: Path, settings: Settings) -> str | None:
    """Set the broken file aside (a new name, never overwriting one) and write the recovered
    settings. Best effort: on a read-only or full disk nothing changes and the notice stays."""
    try:
        broken = path.read_bytes()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            copy = path.with_name(f"{path.name}.broken-{stamp}" + (f"-{n}" if n else ""))
            try:
                with open(copy, "xb") as fh:
                    fh.write(broken)
                    fh.flush()
                    os.fsync(fh.fileno())
                break
            except FileExistsError:
                continue
        else:
            return None
        save_settings(settings, path)
        return str(copy)
    except Exception:
        log.warning("settings: could not write the recovered settings back to %s", path,
                    exc_info=True)
        return None


# --- writing ---------------------------------------------------------------------------------


def settings_to_dict(obj: Any) -> dict:
    """What goes into the file: the saved fields, then the unknown keys read with them."""
    out: dict[str, Any] = {}
    for f in _saved_fields(type(obj)):
        value = getattr(obj, f.name)
        out[f.name] = settings_to_dict(value) if is_dataclass(value) else value
    for key, value in (getattr(obj, "unknown_keys", None) or {}).items():
        out.setdefault(key, value)
    return out


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # the rename itself survives a power cut only once the folder is on disk
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass  # not every platform can fsync a folder (Windows)


def _keep_backup(path: Path) -> None:
    try:
        _atomic_write(backup_path(path), path.read_bytes())
    except OSError:
        log.warning("settings: could not keep a last good copy of %s", path, exc_info=True)


def save_settings(settings: Settings, path: Path) -> None:
    """Write `path` atomically, then the same bytes as the last good copy (`.bak`). A full or
    read-only disk raises `DiskFull` / `DataDirReadOnly` and changes neither file."""
    path = Path(path)
    data = (json.dumps(settings_to_dict(settings), ensure_ascii=False, indent=2) + "\n"
            ).encode("utf-8")
    try:
        _atomic_write(path, data)
    except OSError as exc:
        raise (failure_of(exc, path.parent) or exc) from exc
    try:
        _atomic_write(backup_path(path), data)
    except OSError:
        log.warning("settings: saved, but could not update the last good copy", exc_info=True)
