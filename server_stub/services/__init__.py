"""Use cases of the sync server. Functions take an open connection and never commit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def chunked(values: Sequence, size: int = 900) -> Iterator[Sequence]:
    """Slices small enough for an IN (...) list on any SQLite build."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
