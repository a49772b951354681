"""Downloads: the pickups of a date range and one batch's reconciliation, as CSV.

UTF-8 with a byte order mark (Excel on a Chinese Windows opens it right), headers in the
console's language, times in the HQ zone, names and phones masked, and every cell that a
spreadsheet would run as a formula (`=`, `+`, `-`, `@` ...) made plain text.
The pickups file is streamed from one read transaction, so a month of a large city fits.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select

from .. import models as m
from ..db import iso
from ..deps import CtxDep
from ..errors import NotFound
from ..identifiers import name_masked
from ..services import reports
from .figures import station_choices
from .pages import BATCH_ID, station_filter
from .texts import text
from .web import (
    ConsoleRefusal,
    SignedIn,
    hq_zone,
    language,
    local_time,
    now_utc,
    render,
    secure,
)

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_DAYS = 31
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PICKUP_COLUMNS = ("col.station_id", "col.order", "col.batch", "col.receipt", "col.operator",
                  "col.proxy", "col.picked_up_at", "col.items_handed", "col.undone_at",
                  "col.undo_reason")
BATCH_COLUMNS = ("col.batch", "col.order", "col.customer", "col.phone", "col.status",
                 "col.items", "col.qty", "col.received", "col.short_qty", "col.damaged",
                 "col.handed", "col.picked_up_at", "col.receipt")


def plain(value) -> str:
    cell = "" if value is None else str(value)
    return "'" + cell if cell.startswith(_FORMULA) else cell


def csv_lines(rows: Iterable[Iterable]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow([plain(v) for v in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _download(lines: Iterator[bytes], filename: str) -> Response:
    answer = StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
    return secure(answer)


def date_range(request: Request, today: date) -> tuple[date, date] | None:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD` (both days included), at most MAX_DAYS; None: bad."""
    raw_from = request.query_params.get("from", today.isoformat())
    raw_to = request.query_params.get("to", raw_from)
    if not (_DATE.fullmatch(raw_from) and _DATE.fullmatch(raw_to)):
        return None
    try:
        first, last = date.fromisoformat(raw_from), date.fromisoformat(raw_to)
    except ValueError:
        return None
    if first > last or (last - first).days >= MAX_DAYS:
        return None
    return first, last


@router.get("/exports")
def exports_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    today = now_utc().astimezone(hq_zone(ctx.config.hq_timezone)).date()
    with ctx.db.read() as conn:
        choices = station_choices(conn)
    return render(request, ctx, "exports.html", session=session, nav="exports",
                  today=today.isoformat(), week_ago=(today - timedelta(days=6)).isoformat(),
                  choices=choices, max_days=MAX_DAYS)


@router.get("/exports/pickups.csv")
def pickups_csv(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    zone = hq_zone(ctx.config.hq_timezone)
    span = date_range(request, now_utc().astimezone(zone).date())
    if span is None:
        raise ConsoleRefusal(422, "exports.bad_range", days=MAX_DAYS)
    first, last = span
    lo = datetime.combine(first, time(0), tzinfo=zone)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    lang, station = language(request), station_filter(request)
    header = [text(key, lang) for key in PICKUP_COLUMNS]

    def rows() -> Iterator[list]:
        yield header
        p = m.pickups.c
        stmt = (select(m.pickups).where(p.picked_up_at >= iso(lo), p.picked_up_at < iso(hi))
                .order_by(p.picked_up_at, p.id))
        if station:
            stmt = stmt.where(p.station_id == station)
        with ctx.db.read() as conn:
            for r in conn.execution_options(yield_per=2000).execute(stmt):
                lines = json.loads(r.lines)  # none: the whole order was handed over
                handed = sum(int(ln.get("qty_handed", 0)) for ln in lines) if lines else ""
                yield [r.station_id, r.order_id, r.batch_id, r.receipt_no, r.operator_id,
                       name_masked(r.proxy_name), local_time(r.picked_up_at, zone, True), handed,
                       local_time(r.undone_at, zone, True) if r.undone_at else "",
                       r.undo_reason]

    name = f"pickups_{first.isoformat()}_{last.isoformat()}{'_' + station if station else ''}"
    return _download(csv_lines(rows()), name + ".csv")


@router.get("/exports/batches/{batch_id}.csv")
def batch_csv(batch_id: str, request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    if not BATCH_ID.fullmatch(batch_id):
        raise ConsoleRefusal(404, "error.not_found", what=batch_id[:80])
    try:
        with ctx.db.read() as conn:
            view = reports.batch_view(conn, batch_id)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=batch_id) from None
    lang, zone = language(request), hq_zone(ctx.config.hq_timezone)
    lines: list[list] = [[text(key, lang) for key in BATCH_COLUMNS]]
    for o in view["orders"]:
        status = text(f"order.{o['status']}", lang)
        for it in o["items"]:
            lines.append([view["batch_id"], o["order_id"], name_masked(o["customer_name"]),
                          o["phone_masked"], status, f"{it['sku']} {it['name']}", it["qty"],
                          it["received"], it["short"], it["damaged"], it["handed"],
                          local_time(o["picked_up_at"], zone, True) if o["picked_up_at"]
                          else "", o["receipt_no"]])
    return _download(csv_lines(lines), f"batch_{batch_id}.csv")
