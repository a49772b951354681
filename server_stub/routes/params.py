"""Query parameters as the contract means them: numbers are ASCII digits, times RFC 3339.

`str.isdigit()` and `int()` accept far more (`²`, full-width `１２`, Arabic-Indic `٣`, `1_000`,
spaces): never use them on input. Each parameter's pattern is published in the OpenAPI schema
and is exactly what the server accepts (no leading zeros, at most 2**63-1).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pickup_station.sync.patterns import rfc3339_pattern, uint_pattern

from ..errors import invalid

INT_MAX = 2**63 - 1
CURSOR = uint_pattern(INT_MAX)  # 0 .. 2**63-1
PAGE_SIZE = uint_pattern(INT_MAX, minimum=1)  # 1 .. 2**63-1 (larger than the cap is capped)
# a time of years 1970-9998 (only compared, never stored; in UTC it stays in datetime's range)
ANY_TIME = rfc3339_pattern(
    r"19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8]",
    r"19(?:7[26]|8[048]|9[26])|[2-9][0-9](?:0[48]|[2468][048]|[13579][26])"
    r"|(?:[2468][048]|[3579][26])00")
SINCE = f"^(?:|{CURSOR[1:-1]}|{ANY_TIME[1:-1]})$"  # nothing, a cursor or a time
AFTER = f"^(?:|{CURSOR[1:-1]})$"
_CURSOR, _PAGE_SIZE, _ANY_TIME = re.compile(CURSOR), re.compile(PAGE_SIZE), re.compile(ANY_TIME)


def ascii_int(text: str | None, name: str, *, default: int, minimum: int = 0,
              code: str = "validation_error") -> int:
    if text is None or text == "":
        return default
    if not (_PAGE_SIZE if minimum else _CURSOR).fullmatch(text):
        low = "1" if minimum else "0"
        raise invalid(f"{name} must be ASCII digits (0-9), {low}-{INT_MAX}, no leading zeros",
                      code)
    return int(text)


def since_param(text: str | None) -> tuple[int | None, datetime | None]:
    """(cursor, None) for digits, (None, time) for an RFC 3339 time, (None, None) for nothing;
    422 for anything else."""
    if not text:
        return None, None
    if _CURSOR.fullmatch(text):
        return int(text), None
    if not _ANY_TIME.fullmatch(text):
        raise invalid("since must be a next_since cursor or an RFC 3339 time with offset")
    return None, datetime.fromisoformat(text).astimezone(UTC)
