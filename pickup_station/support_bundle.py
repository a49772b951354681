"""A support bundle: one zip a host can send to support, with no personal data in it.

What goes in:
- `about.json`: app version, platform, data folder, server address, station id and name, last
  sync, last backup;
- `settings.json`: the settings file's values, the station token replaced by `"<removed>"`;
- `store.json`: the store's statistics only — rows per table, schema version, file sizes
  (store, -wal, backups), the damage marker if any; never a row of a table;
- `logs/`: the log files, each line scrubbed of anything that looks like a phone number, a
  pickup token or a 6-digit pickup code (the logs should hold none: belt and braces).
"""

from __future__ import annotations

import json
import platform
import re
import sqlite3
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from pickup_station import __version__
from pickup_station.config import Paths, Settings, settings_to_dict
from pickup_station.store import backup, health
from pickup_station.store.db import STORE_FILENAME

REMOVED = "<removed>"
_SCRUB = [
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "<phone>"),  # a mainland mobile number
    (re.compile(r"(?<![A-Z2-7])[A-Z2-7]{26,}(?![A-Z2-7])"), "<token>"),  # a base32 token
    (re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])"), "<sha256>"),
    (re.compile(r"(?<![\d.])\d{6}(?![\d.])"), "<code>"),  # a pickup code (times have colons)
]


def scrub(line: str) -> str:
    for pattern, replacement in _SCRUB:
        line = pattern.sub(replacement, line)
    return line


def store_statistics(store_path: Path) -> dict:
    """Counts per table, schema version, sizes: read-only, never a row's content."""
    out: dict = {"path": str(store_path), "exists": store_path.exists()}
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(store_path) + suffix)
        out[f"size_bytes{suffix.replace('-', '_')}"] = f.stat().st_size if f.exists() else None
    damage = health.read_marker(store_path)
    out["damaged"] = damage.as_json() if damage else None
    if store_path.exists():
        try:
            conn = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=10)
            try:
                out["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
                out["rows"] = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                               for t in tables}
                out["page_size"] = conn.execute("PRAGMA page_size").fetchone()[0]
                out["page_count"] = conn.execute("PRAGMA page_count").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            out["error"] = str(exc)[:200]
    folder = backup.backups_dir(store_path)
    found = backup.list_backups(folder)
    out["backups"] = [{"name": p.name, "size_bytes": p.stat().st_size} for p in found]
    return out


def _meta(store_path: Path, *keys: str) -> dict:
    values = dict.fromkeys(keys)
    try:
        conn = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            for key, value in conn.execute(
                    f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(keys))})",
                    keys):
                values[key] = value
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    return values


def about(paths: Paths, settings: Settings) -> dict:
    """What the Help > About box shows (and `about.json` holds)."""
    store_path = Path(paths.data_dir) / STORE_FILENAME
    meta = _meta(store_path, "station_id", "station_name", "last_sync_at")
    last_backup = backup.last_backup_at(backup.backups_dir(store_path))
    return {
        "version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "data_dir": str(paths.data_dir),
        "log_dir": str(Path(paths.data_dir) / "logs"),
        "server": settings.server_url or None,
        "station_id": meta["station_id"],
        "station_name": meta["station_name"],
        "last_sync": meta["last_sync_at"],
        "last_backup": last_backup.isoformat(timespec="seconds") if last_backup else None,
    }


def settings_without_secrets(settings: Settings) -> dict:
    data = settings_to_dict(settings)
    if data.get("station_token"):
        data["station_token"] = REMOVED
    return data


def write_bundle(paths: Paths, settings: Settings, out: Path) -> Path:
    """Write the zip to `out` (a temp name first, then renamed); returns `out`."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")
    store_path = Path(paths.data_dir) / STORE_FILENAME

    def dump(obj) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n"

    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            made = datetime.now(UTC).isoformat(timespec="seconds")
            zf.writestr("about.json", dump({**about(paths, settings), "bundle_made_at": made}))
            zf.writestr("settings.json", dump(settings_without_secrets(settings)))
            zf.writestr("store.json", dump(store_statistics(store_path)))
            logs = Path(paths.data_dir) / "logs"
            for f in sorted(logs.glob("*.log*")) if logs.is_dir() else []:
                text = f.read_text(encoding="utf-8", errors="replace")
                zf.writestr(f"logs/{f.name}",
                            "".join(scrub(line) for line in text.splitlines(keepends=True)))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
