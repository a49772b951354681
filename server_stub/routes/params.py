"""Query parameters as the contract means them: numbers are ASCII digits, times ISO 8601.

`str.isdigit()` and `int()` accept far more (`²`, full-width `１２`, Arabic-Indic `٣`, `1_000`,
spaces): never use them on input.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ..errors import invalid

_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?",
                  re.ASCII)


def ascii_int(text: str | None, name: str, *, default: int, minimum: int = 0,
              code: str = "validation_error") -> int:
    if text is None or text == "":
        return default
    if not _DIGITS.fullmatch(text) or int(text) >= 2**63:
        raise invalid(f"{name} must be ASCII digits (0-9)", code)
    value = int(text)
    if value < minimum:
        raise invalid(f"{name} must be at least {minimum}", code)
    return value


def since_param(text: str | None) -> tuple[int | None, datetime | None]:
    """(cursor, None) for digits, (None, time) for an ISO time, (None, None) for nothing."""
    if not text:
        return None, None
    if _DIGITS.fullmatch(text):
        return ascii_int(text, "since", default=0), None
    if not _ISO.fullmatch(text):
        return None, None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None, None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        when = when.astimezone(UTC)
    except OverflowError:
        return None, None
    return None, when
