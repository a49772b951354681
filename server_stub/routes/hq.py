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
Cursor = Annotated[str | None, Query(max_length=400,
                                     description="`next` of the previous page")]
Format = Annotated[Literal["json", "csv", "xlsx"], Query(
    description="`csv` (UTF-8 with BOM) or `xlsx`: every matching row as a file (streamed; "
                "`limit` and `cursor` are ignored)")]
DayText = Annotated[str, Query(description="YYYY-MM-DD, HQ's day (UTC+8)")]
EXPORTS: dict = {200: {"description": "JSON, or the file when `format` is csv or xlsx",
                       "content": {"text/csv": {"schema": {"type": "string"}},
                                   hq_export.XLSX_MIME: {"schema": {"type": "string",
                                                                    "format": "binary"}}}}}
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_LAST4 = re.compile(r"[0-9]{4}")


def parse_day(text: str | None, name: str = "date") -> date:
    """A calendar date, YYYY-MM-DD in ASCII digits; 422 `invalid_date` otherwise."""
    if text and _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise invalid(f"{name} must be a calendar date YYYY-MM-DD (ASCII digits)", "invalid_date")


def parse_month(text: str | None) -> tuple[int, int]:
    found = _MONTH.fullmatch(text or "")
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1970:
        raise invalid("month must be YYYY-MM (ASCII digits, 1970 or later)", "invalid_month")
    return int(found.group(1)), int(found.group(2))


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
    date_: Annotated[str | None, Query(alias="date", description="YYYY-MM-DD: the batch's "
                                                                 "day at HQ (UTC+8)")] = None,
    status: Literal["created", "dispatched", "arrived", "closed"] | None = None,
    limit: PageSize = None, cursor: Cursor = None, format: Format = "json",
):
    flt = BatchFilter(station_id or None, parse_day(date_).isoformat() if date_ else None,
                      status)
    size = _page_size(limit)
    hq_lists.decode_cursor(cursor, 2)
    if format != "json":
        return _export(ctx, format, "batches", hq_export.columns_of(BatchRow), lambda conn:
                       hq_lists.all_rows(lambda *a, **k: hq_lists.list_batches(conn, *a, **k),
                                         flt))
    with ctx.db.read() as conn:
        page = hq_lists.list_batches(conn, flt, size, cursor)
    return FastJSON({"batches": [asdict(r) for r in page.rows], "total": page.total,
                     "next": page.next})


@router.get("/orders", response_model=OrderListOut, responses={**QUERY_ERRORS, **EXPORTS},
            summary="Orders of every station by order_id (search, filter, page, export)")
def list_orders(
    _admin: AdminDep, ctx: CtxDep, station_id: OptId = None, order_id: OptId = None,
    phone_last4: Annotated[str | None, Query(description="the phone's last 4 digits")] = None,
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
    hq_lists.decode_cursor(cursor, 1)
    if format != "json":
        return _export(ctx, format, "orders", hq_export.columns_of(OrderRow), lambda conn:
                       hq_lists.all_rows(lambda *a, **k: hq_lists.list_orders(conn, *a, **k),
                                         flt))
    with ctx.db.read() as conn:
        page = hq_lists.list_orders(conn, flt, size, cursor)
    return FastJSON({"orders": [asdict(r) for r in page.rows], "total": page.total,
                     "next": page.next})


@router.get("/stations/{station_id}/days/{day}", response_model=StationDayOut,
            responses={**QUERY_ERRORS, **NOT_FOUND},
            summary="One station's day: arrivals, pickups, shortages, returns, closing")
def station_day(station_id: Annotated[str, Path(pattern=ID_PATTERN)],
                day: Annotated[str, Path(description="YYYY-MM-DD, HQ's day (UTC+8)")],
                _admin: AdminDep, ctx: CtxDep):
    when = parse_day(day, "day")
    with ctx.db.read() as conn:
        out = hq_reports.station_day(conn, station_id, when)
    return FastJSON(asdict(out))


@router.get("/reports/daily", response_model=DailyReportOut,
            responses={**QUERY_ERRORS, **EXPORTS},
            summary="Every station's day side by side (one row a station)")
def daily_report(_admin: AdminDep, ctx: CtxDep, date_: Annotated[str, Query(
        alias="date", description="YYYY-MM-DD, HQ's day (UTC+8)")], format: Format = "json"):
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
        description="YYYY-MM, HQ's month (UTC+8)")], format: Format = "json"):
    """Hand-overs that stand, made in the month, times their batch's `commission_rate`
    (basis points), rounded half up per batch."""
    year, mon = parse_month(month)
    if format != "json":
        return _export(ctx, format, f"commission-{year:04d}-{mon:02d}",
                       hq_export.columns_of(hq_reports.CommissionRow),
                       lambda conn: hq_reports.commission(conn, year, mon))
    with ctx.db.read() as conn:
        rows = hq_reports.commission(conn, year, mon)
    return FastJSON({"month": f"{year:04d}-{mon:02d}", "stations": [asdict(r) for r in rows],
                     "commission_cents": sum(r.commission_cents for r in rows)})
