"""The console's pages with actions: the needs-review queue (resolve) and the notices (retry,
retry all dead). They call the services the API calls (`services/review.py`,
`services/notice_view.py`); filtered by state, kind and station, paged like the other pages.
Actions are form POSTs: a valid CSRF token and an admin, else 403 (web.AdminAction)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import CtxDep
from ..errors import Conflict, NotFound
from ..schemas import NOTE_MAX, REVIEW_KINDS
from ..services import notice_view
from ..services import review as review_service
from . import worklists
from .figures import station_choices
from .pages import BATCH_ID, PAGE_SIZE, page_number
from .web import AdminAction, ConsoleRefusal, FormDep, SignedIn, redirect, render

router = APIRouter(prefix="/console", include_in_schema=False)


def _flash(request: Request, name: str = "done") -> str:
    done = request.query_params.get(name, "")
    return done if done.isascii() and done.isdigit() and len(done) <= 18 else ""


def _row_id(value: str) -> int:
    found = worklists.row_id(value)
    if found is None:
        raise ConsoleRefusal(404, "error.not_found", what=value[:80])
    return found


@router.get("/review")
def review_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    chosen, page = worklists.review_filters(request), page_number(request)
    with ctx.db.read() as conn:
        rows, has_more = review_service.list_items(
            conn, state=chosen.state, kind=chosen.kind or None,
            station_id=chosen.station or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
            newest_first=chosen.state == "resolved")
        customers = worklists.customers(conn, rows)
        choices = station_choices(conn)
    return render(request, ctx, "review.html", session=session, nav="review",
                  state=chosen.state, kind=chosen.kind, station=chosen.station,
                  states=worklists.REVIEW_STATES, kinds=REVIEW_KINDS, choices=choices,
                  rows=rows, customers=customers, has_more=has_more, page=page,
                  query=chosen.query(), tab_query=chosen.query(with_state=False),
                  done=_flash(request), note_max=NOTE_MAX)


@router.post("/review/{item_id}/resolve")
def resolve(item_id: str, ctx: CtxDep, session: AdminAction, fields: FormDep) -> Response:
    review_id = _row_id(item_id)
    note = fields.get("note", "").strip()
    if not note or "\x00" in note:
        raise ConsoleRefusal(422, "review.note_needed")
    if len(note) > NOTE_MAX:
        raise ConsoleRefusal(422, "review.note_too_long", max=NOTE_MAX)
    try:
        with ctx.db.write(feed=True) as conn:  # the station pulls the note: a feed change
            review_service.resolve(conn, review_id, note, session.user.username)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=item_id) from None
    except Conflict:
        raise ConsoleRefusal(409, "review.already") from None
    return redirect(f"/console/review?done={review_id}")


@router.get("/notices")
def notices_page(request: Request, ctx: CtxDep, session: SignedIn) -> Response:
    chosen, page = worklists.notice_filters(request), page_number(request)
    wanted = {"state": chosen.state, "kind": chosen.kind, "station_id": chosen.station}
    with ctx.db.read() as conn:
        listed = notice_view.list_notices(conn, wanted, 0, PAGE_SIZE, newest_first=True,
                                          offset=(page - 1) * PAGE_SIZE)
        dead = worklists.dead_count(conn, chosen.station or None)
        choices = station_choices(conn)
    return render(request, ctx, "notices.html", session=session, nav="notices",
                  state=chosen.state, kind=chosen.kind, station=chosen.station,
                  states=worklists.NOTICE_STATES, kinds=worklists.NOTICE_KINDS,
                  retryable=worklists.RETRYABLE, choices=choices, rows=listed["notices"],
                  has_more=listed["has_more"], page=page, query=chosen.query(),
                  tab_query=chosen.query(with_state=False), dead=dead,
                  last_change=worklists.last_change, done=_flash(request),
                  retried=_flash(request, "retried"))


@router.post("/notices/retry-dead")
def retry_dead(ctx: CtxDep, _session: AdminAction, fields: FormDep) -> Response:
    """Every dead notice (of the station the page was filtered to) goes back to pending."""
    station = fields.get("station", "")
    station = station if BATCH_ID.fullmatch(station) else ""
    with ctx.db.write() as conn:
        done = notice_view.retry_dead(conn, ctx.config.notify_give_up_s, station or None)
    back = f"station={station}&" if station else ""
    return redirect(f"/console/notices?{back}retried={done['retried']}")


@router.post("/notices/{notice_id}/retry")
def retry(notice_id: str, ctx: CtxDep, _session: AdminAction) -> Response:
    """A failed or dead notice goes back to pending, with the server's give-up time (as the
    API's retry); a delivered one is a 409."""
    row = _row_id(notice_id)
    try:
        with ctx.db.write() as conn:
            notice_view.retry(conn, row, ctx.config.notify_give_up_s)
    except NotFound:
        raise ConsoleRefusal(404, "error.not_found", what=notice_id) from None
    except Conflict:
        raise ConsoleRefusal(409, "notices.already_delivered") from None
    return redirect(f"/console/notices?done={row}")
