"""SQL text on the transaction's own DBAPI cursor: the hot path of a push.

A push of 50 events ran about a dozen SQLAlchemy Core statements, and SQLAlchemy's work around
each (compiling the expanding IN lists, building and processing every row's parameters, the
multi-row VALUES of INSERT ... RETURNING) cost more than SQLite's own work: about two thirds of
the push. The statements of that path are written here once, as SQL that SQLite and PostgreSQL
both read (`?` placeholders, turned into psycopg's `%s`), and run on the cursor of the
connection SQLAlchemy already has open, inside the same transaction (and savepoint).

Only for text and integer columns with nothing to convert on the way in or out; everything
else keeps using SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import chain

from sqlalchemy.engine import Connection

# bound parameters per statement: SQLite before 3.32 allows 999; PostgreSQL 65,535
_SQLITE_VARS = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
_PG_VARS = 65_535


class Raw:
    """Statements of one open transaction. SQL is written with `?` placeholders."""

    def __init__(self, conn: Connection):
        self.pg = conn.dialect.name == "postgresql"
        self.max_vars = _PG_VARS if self.pg else _SQLITE_VARS
        self.cursor = conn.connection.dbapi_connection.cursor()

    def sql(self, text: str) -> str:
        return _pg(text) if self.pg else text

    def rows(self, text: str, params: Sequence = ()) -> list[tuple]:
        self.cursor.execute(self.sql(text), tuple(params))
        return self.cursor.fetchall() if self.cursor.description is not None else []

    def many(self, text: str, rows: Sequence[Sequence]) -> None:
        if rows:
            self.cursor.executemany(self.sql(text), rows)

    def rows_in(self, head: str, values: Sequence, params: Sequence = (),
                tail: str = "") -> list[tuple]:
        """`head` + ` IN (?, ...)` + `tail`, with `params` before the listed `values` and as
        many statements as the parameter limit needs (none for no values): the rows of all
        of them."""
        out: list[tuple] = []
        step = max(1, self.max_vars - len(params) - 1)
        for start in range(0, len(values), step):
            part = values[start:start + step]
            out += self.rows(f"{head} IN ({_marks(len(part))}){tail}", (*params, *part))
        return out

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence],
               tail: str = "") -> list[tuple]:
        """INSERT INTO table (columns) VALUES (...), (...) `tail` (ON CONFLICT ...,
        RETURNING ...): as few statements as the parameter limit allows; the rows returned."""
        out: list[tuple] = []
        if not rows:
            return out
        per = max(1, self.max_vars // len(columns))
        one = f"({_marks(len(columns))})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        for start in range(0, len(rows), per):
            part = rows[start:start + per]
            self.cursor.execute(self.sql(head + ", ".join([one] * len(part)) + tail),
                                tuple(_flat(part)))
            if self.cursor.description is not None:  # RETURNING
                out += self.cursor.fetchall()
        return out


@cache
def _marks(n: int) -> str:
    return ", ".join(["?"] * n)


@lru_cache(maxsize=1024)  # a statement per row count of a multi-row VALUES: a few hundred
def _pg(text: str) -> str:
    return text.replace("%", "%%").replace("?", "%s")


def _flat(rows: Iterable[Sequence]) -> Iterable:
    return chain.from_iterable(rows)
