"""The console's reading pages: stations, today's figures, batches and one batch's
reconciliation (routes under /console; any signed-in user)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import CtxDep
from ..errors import NotFound
from ..identifiers import name_masked
from ..schemas import ID_PATTERN
from ..services import reports
from . import figures
from .web import ConsoleRefusal, SignedIn, hq_zone, now_utc, render

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
BATCH_ID = re.compile(ID_PATTERN)


def page_number(request: Request) -> int:
    """`?page=N` (ASCII digits, 1-10000); anything else is page 1."""
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 10_000 else 1


def station_filter(request: Request) -> str:
    raw = request.query_params.get("station", "")
    return raw if raw and BATCH_ID.fullmatch(raw) else ""


def hq_day(ctx, now: datetime) -> tuple[str, datetime, datetime]:
    """Today in the HQ zone: (YYYY-MM-DD, start, end) with start/end as aware times."""
    local = now.astimezone(hq_zone(ctx.config.hq_timezone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.date().isoformat(), start, start + timedelta(days=1)


@router.get("/stations")
def stations_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    with ctx.db.read() as conn:
        rows = figures.stations(conn, now_utc())
    return render(request, ctx, "stations.html", session=session, nav="stations", rows=rows,
                  online=sum(r.online for r in rows),
                  pending=sum(r.pending_events or 0 for r in rows),
                  online_minutes=figures.ONLINE_WITHIN_MINUTES)


@router.get("/today")
def today_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    day, start, end = hq_day(ctx, now_utc())
    with ctx.db.read() as conn:
        rows = figures.today(conn, start, end, day)
    return render(request, ctx, "today.html", session=session, nav="today", day=day,
                  rows=rows, totals=figures.totals(rows), columns=figures.DAY_FIGURES)


@router.get("/batches")
def batches_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    page, station = page_number(request), station_filter(request)
    with ctx.db.read() as conn:
        rows = figures.batches(conn, station or None, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        choices = figures.station_choices(conn)
    return render(request, ctx, "batches.html", session=session, nav="batches",
                  rows=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE, page=page,
                  station=station, choices=choices)


@router.get("/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    if not BATCH_ID.fullmatch(batch_id):
        raise ConsoleRefusal(404, "error.not_found", what=batch_id[:80])
    try:
        with ctx.db.read() as conn:
            view = reports.batch_view(conn, batch_id)
            in_review = figures.open_review_orders(conn, batch_id)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=batch_id) from None
    for order in view["orders"]:
        order["customer_masked"] = name_masked(order["customer_name"])
        order["needs_review"] = order["order_id"] in in_review  # open in the queue
    return render(request, ctx, "batch.html", session=session, nav="batches", batch=view)
