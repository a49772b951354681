"""The station's time zone and its local days: times are stored in UTC, shown and counted in
the station's local time (Meta `station_tz`, an IANA name, else the computer's own zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from pickup_station.store.db import get_meta, parse_iso

STATION_TZ_KEY = "station_tz"  # Meta key


def station_tz(session: Session | None = None) -> tzinfo:
    """The station's time zone: Meta `station_tz` when set and known, else the computer's."""
    name = get_meta(session, STATION_TZ_KEY) if session is not None else None
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo  # type: ignore[return-value]


def tz_name(tz: tzinfo) -> str:
    return getattr(tz, "key", None) or str(tz)


def local_day_window(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """UTC [from, to) covering the local days `start`..`end` inclusive (DST-safe)."""
    lo = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return lo, hi


def local_text(text: str | None, tz: tzinfo) -> str:
    """A stored UTC time as the station's wall clock, `2026-11-22 01:30:00` ('' when absent)."""
    dt = parse_iso(text)
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if dt else ""
