"""Station settings: one JSON file, read at start, written atomically when changed.

Where: `<config dir>/config.json` (platformdirs' user config dir), or `<data dir>/config.json`
when a data dir is given on the command line, so that one `--data-dir` holds a whole station.
Unknown keys are kept; missing keys take their defaults; a corrupt file is set aside, not lost.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pickup_station.paths import default_config_dir, default_data_dir


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


@dataclass
class CameraSettings:
    enabled: bool = False
    source: str = "0"  # device index, video file or stream URL
    decoder: str = "auto"


@dataclass
class ScannerSettings:
    wedge_enabled: bool = True
    prefix: str = ""
    suffix: str = ""
    max_key_interval_ms: int = 35
    serial_port: str = ""
    serial_baudrate: int = 9600


@dataclass
class Settings:
    server_url: str = ""
    station_token: str = ""
    lang: str = "zh_CN"
    sync_interval_s: int = 30
    uncollected_after_days: int = 3
    sounds: bool = True
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    extra: dict = field(default_factory=dict)

    @property
    def paired(self) -> bool:
        return bool(self.server_url and self.station_token)


_NESTED = {"printer": PrinterSettings, "camera": CameraSettings, "scanner": ScannerSettings}


def _from_dict(cls, data: dict):
    known = {f.name for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            continue
        if key in _NESTED and isinstance(value, dict):
            value = _from_dict(_NESTED[key], value)
        kwargs[key] = value
    return cls(**kwargs)


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


def load_settings(path: Path) -> Settings:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise TypeError("settings file is not a JSON object")
    except FileNotFoundError:
        return Settings()
    except (ValueError, TypeError, OSError):
        # keep the broken file for support staff, start with defaults
        Path(path).replace(Path(path).with_suffix(".broken.json"))
        return Settings()
    return _from_dict(Settings, raw)


def save_settings(settings: Settings, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(settings), fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
