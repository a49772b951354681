"""The console's pages with actions: the needs-review queue (resolve) and the notices (retry).
They read and act through `sources.py`, the seam the lead connects to the real services.
Actions are form POSTs: a valid CSRF token and an admin, else 403 (web.AdminAction)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import CtxDep
from ..errors import Conflict, NotFound
from . import sources
from .pages import PAGE_SIZE, page_number
from .web import AdminAction, ConsoleRefusal, FormDep, SignedIn, redirect, render

router = APIRouter(prefix="/console", include_in_schema=False)
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def _flash(request: Request) -> str:
    done = request.query_params.get("done", "")
    return done if _ITEM_ID.fullmatch(done) else ""


def _item_id(value: str) -> str:
    if not _ITEM_ID.fullmatch(value):
        raise ConsoleRefusal(404, "error.not_found", what=value[:80])
    return value


@router.get("/review")
def review_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    state = request.query_params.get("state", "open")
    state = state if state in sources.REVIEW_STATES else "open"
    page = page_number(request)
    with ctx.db.read() as conn:
        rows = sources.list_review(conn, state, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render(request, ctx, "review.html", session=session, nav="review", state=state,
                  states=sources.REVIEW_STATES, rows=rows[:PAGE_SIZE],
                  has_more=len(rows) > PAGE_SIZE, page=page, done=_flash(request),
                  note_max=sources.NOTE_MAX)


@router.post("/review/{item_id}/resolve")
def resolve(item_id: str, ctx: CtxDep, session: AdminAction, fields: FormDep) -> Response:
    item_id = _item_id(item_id)
    note = fields.get("note", "").strip()
    if len(note) > sources.NOTE_MAX:
        raise ConsoleRefusal(422, "review.note_too_long", max=sources.NOTE_MAX)
    try:
        with ctx.db.write() as conn:
            sources.resolve_review(conn, item_id, note, session.user.username)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=item_id) from None
    except Conflict:
        raise ConsoleRefusal(409, "review.already") from None
    return redirect(f"/console/review?done={item_id}")


@router.get("/notices")
def notices_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    state = request.query_params.get("state", "")
    state = state if state in sources.NOTICE_STATES else ""
    page = page_number(request)
    with ctx.db.read() as conn:
        rows = sources.list_notices(conn, state or None, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render(request, ctx, "notices.html", session=session, nav="notices", state=state,
                  states=sources.NOTICE_STATES, rows=rows[:PAGE_SIZE],
                  has_more=len(rows) > PAGE_SIZE, page=page, done=_flash(request))


@router.post("/notices/{notice_id}/retry")
def retry(notice_id: str, ctx: CtxDep, session: AdminAction) -> Response:
    notice_id = _item_id(notice_id)
    try:
        with ctx.db.write() as conn:
            sources.retry_notice(conn, notice_id, session.user.username)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=notice_id) from None
    except Conflict:
        raise ConsoleRefusal(409, "notices.not_failed") from None
    return redirect(f"/console/notices?done={notice_id}")
