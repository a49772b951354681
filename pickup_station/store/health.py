"""The store's health: is the SQLite file still sound enough to upload from?

- On open, `Store` runs `PRAGMA quick_check` (about 40 ms for 50,000 orders): it catches broken
  pages and b-trees. When a marker (below) says the store was found damaged before, it runs the
  full `PRAGMA integrity_check` instead, so a file restored by support clears the flag and a
  still-damaged one keeps it.
- `Store.check_integrity()` runs the full `integrity_check` (about 0.4 s for 50,000 orders; it
  also finds an index that no longer matches its table): on demand (`pickup-station-cli
  check-store`) and once a day from the sync runner (`Store.check_if_due()`).
- A failed check, or a "database disk image is malformed" met while working, writes the marker
  `station.sqlite3.damaged.json` beside the store: what failed and when. The store file itself
  is never written to, repaired or deleted because of it. While the marker is there the sync
  engine neither pulls nor pushes (the round reports `store_corrupt`), the window's sync status
  and the CLI say so. Only a full check that passes removes the marker.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pickup_station.errors import StoreCorrupt
from pickup_station.failures import failure_of, store_corrupt

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".damaged.json"
META_CHECKED_AT = "integrity_checked_at"  # UTC ISO of the last full check that passed
CHECK_EVERY_S = 24 * 3600
MAX_PROBLEMS = 20


@dataclass
class Damage:
    """What a failed check found (the first lines of SQLite's own report)."""

    check: str  # quick_check / integrity_check / while_working
    problems: list[str] = field(default_factory=list)
    found_at: str = ""

    def error(self, store_path: Path | str) -> StoreCorrupt:
        first = self.problems[0] if self.problems else self.check
        return store_corrupt(store_path, first[:200])

    def as_json(self) -> dict:
        return asdict(self)


def marker_path(store_path: Path) -> Path:
    return Path(str(store_path) + MARKER_SUFFIX)


def run_check(conn: sqlite3.Connection, full: bool) -> list[str]:
    """SQLite's own check: [] when it says "ok", else its first lines. May raise
    sqlite3.DatabaseError when the file cannot even be read that far."""
    pragma = "integrity_check" if full else "quick_check"
    rows = conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
    lines = [line for (text,) in rows for line in str(text).splitlines() if line.strip()]
    if lines == ["ok"]:
        return []
    return [line for line in lines if not line.startswith("***")][:MAX_PROBLEMS] or lines[:1]


def run_check_on_open(conn: sqlite3.Connection, full: bool) -> list[str]:
    """`run_check`, except that a full check that trips over the damage (SQLite raises
    "malformed" where quick_check still reports) gives its error plus quick_check's lines."""
    try:
        return run_check(conn, full)
    except sqlite3.DatabaseError as exc:
        err = failure_of(exc)
        if not full or err is None or err.code != "store_corrupt":
            raise
        return [str(exc), *run_check(conn, full=False)]


def read_marker(store_path: Path) -> Damage | None:
    path = marker_path(store_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Damage(str(data.get("check", "?")), [str(p) for p in data.get("problems", [])],
                      str(data.get("found_at", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError):
        return Damage("marker", [f"{path.name} is there but unreadable"])


def write_marker(store_path: Path, damage: Damage) -> bool:
    """Write the marker atomically; False when the folder cannot be written (logged)."""
    path = marker_path(store_path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".damaged-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(damage.as_json(), fh, ensure_ascii=False, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True
    except OSError:
        log.exception("could not write the damaged-store marker %s", path)
        return False


def clear_marker(store_path: Path) -> None:
    try:
        marker_path(store_path).unlink(missing_ok=True)
    except OSError:
        log.exception("could not remove the damaged-store marker")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_due(checked_at: str | None, every_s: float = CHECK_EVERY_S) -> bool:
    if not checked_at:
        return True
    try:
        last = datetime.fromisoformat(checked_at)
    except ValueError:
        return True
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    age = (datetime.now(UTC) - last).total_seconds()
    return age >= every_s or age < -3600  # a clock set back a lot: check again
