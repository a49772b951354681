"""What every report shares: SQL time windows over stored ISO texts, masking, money in yuan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func

from pickup_station.core.identity import safe_phone  # noqa: F401  (re-exported)
from pickup_station.core.timezone import (  # noqa: F401  (re-exported for the reports)
    STATION_TZ_KEY,
    local_day_window,
    local_text,
    station_tz,
    tz_name,
)
from pickup_station.store.db import iso, utcnow

DEFAULT_COMMISSION_RATE = Decimal("0.10")
COMMISSION_ROUNDING = "per category: handed value x rate, rounded half-up to whole fen, then summed"
SHORTAGE_REASONS = ("short", "damaged")


# ---- helpers ---------------------------------------------------------------------------







_UTC_TEXT = "%Y-%m-%d %H:%M:%f"  # SQLite strftime: any stored ISO text, normalised to UTC


def _window(column, lo: datetime, hi: datetime):
    """SQL condition `lo <= column < hi` for a stored ISO time: a plain text range (one that
    the index serves, widened by 14 h for texts written with another offset) and the exact
    test on the time normalised to UTC by SQLite."""
    def utc_text(dt: datetime) -> str:
        return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.") + f"{dt.microsecond // 1000:03d}"

    margin = timedelta(hours=14)
    normalised = func.strftime(_UTC_TEXT, column)
    return and_(column >= iso(lo - margin), column < iso(hi + margin),
                normalised >= utc_text(lo), normalised < utc_text(hi))


def _aware(now: datetime | None) -> datetime:
    """`now` as an aware UTC time (naive means UTC, as everything stored)."""
    now = now or utcnow()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)






def yuan(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
