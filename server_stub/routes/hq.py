"""HQ: one view of the chain (issue 11): lists of batches and orders, a station's day, the
daily report and commission; each list also as CSV or XLSX (`?format=csv|xlsx`, streamed).

Admin token only. The data functions are services/hq_lists.py and hq_reports.py (the console
calls them too); this module checks the filters (4xx with a clear code) and shapes answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from ..config import FEED_MAX_LIMIT
from ..deps import AdminDep, CtxDep, ServerContext
from ..errors import FastJSON, invalid
from ..schemas import ID_PATTERN
from ..schemas_hq import (
    BatchListOut,
    CommissionOut,
    DailyReportOut,
    OrderListOut,
    StationDayOut,
)
from ..services import hq_export, hq_lists, hq_reports
from ..services.hq_lists import BatchFilter, BatchRow, OrderFilter, OrderRow
from . import AUTH_ERRORS, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE
from .params import PAGE_SIZE, ascii_int

router = APIRouter(prefix="/api/v1", tags=["hq"], responses={**AUTH_ERRORS, **UNAVAILABLE})

OptId = Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)]
PageSize = Annotated[str | None, Query(pattern=PAGE_SIZE,
                                       description=f"page size, default 50, capped at "
                                                   f"{FEED_MAX_LIMIT}")]
# The patterns are published in the schema and checked here (not by FastAPI), so a bad value
# gets its own code: `invalid_date`, `invalid_month`, `invalid_phone_last4`, `invalid_cursor`.
_YEAR = r"(?:19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
DAY_PATTERN = rf"^{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
MONTH_PATTERN = rf"^{_YEAR}-(?:0[1-9]|1[0-2])$"
LAST4_PATTERN = r"^[0-9]{4}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,400}$"
_DAY, _MONTH, _LAST4, _CURSOR = (re.compile(p) for p in (DAY_PATTERN, MONTH_PATTERN,
                                                          LAST4_PATTERN, CURSOR_PATTERN))


def _published(pattern: str, optional: bool = True) -> dict:
    return {"pattern": f"^$|{pattern}" if optional else pattern}


Cursor = Annotated[str | None, Query(description="`next` of the previous page",
                                     json_schema_extra=_published(CURSOR_PATTERN))]
Format = Annotated[Literal["json", "csv", "xlsx"], Query(
    description="`csv` (UTF-8 with BOM) or `xlsx`: every matching row as a file (streamed; "
                "`limit` and `cursor` are ignored)")]
EXPORTS: dict = {200: {"description": "JSON, or the file when `format` is csv or xlsx",
                       "content": {"text/csv": {"schema": {"type": "string"}},
                                   hq_export.XLSX_MIME: {"schema": {"type": "string",
                                                                    "format": "binary"}}}}}


def parse_day(text: str | None, name: str = "date") -> date:
    """A calendar date, YYYY-MM-DD in ASCII digits; 422 `invalid_date` otherwise."""
    if text and _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise invalid(f"{name} must be a calendar date YYYY-MM-DD (ASCII digits, 1970-9998)",
                  "invalid_date")


def parse_month(text: str | None) -> tuple[int, int]:
    if not _MONTH.fullmatch(text or ""):
        raise invalid("month must be YYYY-MM (ASCII digits, 1970-9998)", "invalid_month")
    return int(text[:4]), int(text[5:])


def check_cursor(text: str | None, size: int) -> None:
    if text and not _CURSOR.fullmatch(text):
        raise invalid("cursor is not a `next` value of this list", "invalid_cursor")
    hq_lists.decode_cursor(text, size)


def _page_size(limit: str | None) -> int:
    return min(ascii_int(limit, "limit", default=50, minimum=1, code="invalid_limit"),
               FEED_MAX_LIMIT)


def _export(ctx: ServerContext, fmt: str, stem: str, columns: list[str],
            produce: Callable[..., Iterable]) -> StreamingResponse:
    """The rows `produce(conn)` yields, as a file; the connection lives while it streams."""
    def rows():
        with ctx.db.read() as conn:
            yield from produce(conn)

    if fmt == "csv":
        body, mime = hq_export.csv_stream(columns, rows()), hq_export.CSV_MIME
    else:
        body, mime = hq_export.xlsx_stream(stem, columns, rows()), hq_export.XLSX_MIME
    return StreamingResponse(body, media_type=mime, headers={
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


@router.get("/batches", response_model=BatchListOut, responses={**QUERY_ERRORS, **EXPORTS},
            summary="Batches of every station, newest day first (filter, page, export)")
def list_batches(
    _admin: AdminDep, ctx: CtxDep, station_id: OptId = None,
    date_: Annotated[str | None, Query(
        alias="date", description="YYYY-MM-DD: the batch's day at HQ (UTC+8)",
        json_schema_extra=_published(DAY_PATTERN))] = None,
    status: Literal["created", "dispatched", "arrived", "closed"] | None = None,
    limit: PageSize = None, cursor: Cursor = None, format: Format = "json",
):
    flt = BatchFilter(station_id or None, parse_day(date_).isoformat() if date_ else None,
                      status)
    size = _page_size(limit)
    check_cursor(cursor, 2)
    if format != "json":
        return _export(ctx, format, "batches", hq_export.columns_of(BatchRow), lambda conn:
                       hq_lists.all_rows(lambda *a, **k: hq_lists.list_batches(conn, *a, **k),
                                         flt))
    with ctx.db.read() as conn:
        page = hq_lists.list_batches(conn, flt, size, cursor)
    return FastJSON({"batches": [asdict(r) for r in page.rows], "total": page.total,
                     "total_exact": page.total_exact, "next": page.next})


@router.get("/orders", response_model=OrderListOut, responses={**QUERY_ERRORS, **EXPORTS},
            summary="Orders of every station by order_id (search, filter, page, export)")
def list_orders(
    _admin: AdminDep, ctx: CtxDep, station_id: OptId = None, order_id: OptId = None,
    phone_last4: Annotated[str | None, Query(
        description="the phone's last 4 digits", json_schema_extra=_published(LAST4_PATTERN))
    ] = None,
    batch_id: OptId = None,
    status: Literal["pending", "arrived", "picked_up", "returned", "cancelled"] | None = None,
    limit: PageSize = None, cursor: Cursor = None, format: Format = "json",
):
    """`status=picked_up` also finds partially picked up orders (their row says so)."""
    if phone_last4 and not _LAST4.fullmatch(phone_last4):
        raise invalid("phone_last4 must be 4 ASCII digits", "invalid_phone_last4")
    flt = OrderFilter(station_id or None, order_id or None, phone_last4 or None,
                      batch_id or None, status)
    size = _page_size(limit)
    check_cursor(cursor, 1)
    if format != "json":
        return _export(ctx, format, "orders", hq_export.columns_of(OrderRow), lambda conn:
                       hq_lists.all_rows(lambda *a, **k: hq_lists.list_orders(conn, *a, **k),
                                         flt))
    with ctx.db.read() as conn:
        page = hq_lists.list_orders(conn, flt, size, cursor)
    return FastJSON({"orders": [asdict(r) for r in page.rows], "total": page.total,
                     "total_exact": page.total_exact, "next": page.next})


@router.get("/stations/{station_id}/days/{day}", response_model=StationDayOut,
            responses={**QUERY_ERRORS, **NOT_FOUND},
            summary="One station's day: arrivals, pickups, shortages, returns, closing")
def station_day(station_id: Annotated[str, Path(pattern=ID_PATTERN)],
                day: Annotated[str, Path(description="YYYY-MM-DD, HQ's day (UTC+8)",
                                         json_schema_extra=_published(DAY_PATTERN, False))],
                _admin: AdminDep, ctx: CtxDep):
    when = parse_day(day, "day")
    with ctx.db.read() as conn:
        out = hq_reports.station_day(conn, station_id, when)
    return FastJSON(asdict(out))


@router.get("/reports/daily", response_model=DailyReportOut,
            responses={**QUERY_ERRORS, **EXPORTS},
            summary="Every station's day side by side (one row a station)")
def daily_report(_admin: AdminDep, ctx: CtxDep, date_: Annotated[str, Query(
        alias="date", description="YYYY-MM-DD, HQ's day (UTC+8)",
        json_schema_extra=_published(DAY_PATTERN, False))], format: Format = "json"):
    when = parse_day(date_)
    if format != "json":
        return _export(ctx, format, f"daily-{when.isoformat()}",
                       hq_export.columns_of(hq_reports.DayFigures),
                       lambda conn: hq_reports.day_figures(conn, when))
    with ctx.db.read() as conn:
        rows = hq_reports.day_figures(conn, when)
    return FastJSON({"day": when.isoformat(), "stations": [asdict(r) for r in rows]})


@router.get("/reports/commission", response_model=CommissionOut,
            responses={**QUERY_ERRORS, **EXPORTS},
            summary="Commission per station for a month, from the batches' rates")
def commission_report(_admin: AdminDep, ctx: CtxDep, month: Annotated[str, Query(
        description="YYYY-MM, HQ's month (UTC+8)",
        json_schema_extra=_published(MONTH_PATTERN, False))], format: Format = "json"):
    """The month's batches (by their day at HQ): the value of their orders whose hand-over
    stands, times the batch's `commission_rate` (basis points), rounded half up per batch."""
    year, mon = parse_month(month)
    if format != "json":
        return _export(ctx, format, f"commission-{year:04d}-{mon:02d}",
                       hq_export.columns_of(hq_reports.CommissionRow),
                       lambda conn: hq_reports.commission(conn, year, mon))
    with ctx.db.read() as conn:
        rows = hq_reports.commission(conn, year, mon)
    return FastJSON({"month": f"{year:04d}-{mon:02d}", "stations": [asdict(r) for r in rows],
                     "commission_cents": sum(r.commission_cents for r in rows)})
