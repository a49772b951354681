"""The console's HTTP plumbing: pages from Jinja2 templates, cookies, who is signed in, CSRF.

- `render(...)`: one page, in the browser's chosen language, with the security headers every
  console answer carries (no scripts at all, no framing, not cached).
- `SignedIn`: the session of a page request; no session -> to the sign-in page.
- `AdminAction`: a form POST that changes something: a valid CSRF token of the session (else
  403) and an admin (a viewer gets 403 whatever the form).
- `AnyPost`: a form POST any signed-in user may make (signing out): the CSRF token only.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import parse_iso
from ..deps import CtxDep, ServerContext
from . import sessions
from .texts import DEFAULT_LANGUAGE, LANGUAGES, text

SESSION_COOKIE = "pickup_console"
PRE_COOKIE = "pickup_console_pre"
LANG_COOKIE = "pickup_console_lang"
COOKIE_PATH = "/console"
MAX_FORM_FIELDS = 20

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class ConsoleRefusal(Exception):
    """An answer other than the page: status and a catalogue key (shown as an HTML page)."""

    def __init__(self, status: int, key: str, **values):
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


class SignInNeeded(Exception):
    """A page asked for without a live session: the browser goes to the sign-in page."""


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@functools.lru_cache(maxsize=8)
def hq_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=8), "UTC+08:00")  # China has one zone


def local_time(value: str | None, zone: tzinfo, with_seconds: bool = False) -> str:
    """A stored UTC time as HQ reads it: `2026-05-01 14:03` in the HQ zone."""
    dt = parse_iso(value) if value else None
    if dt is None:
        return "—"
    fmt = "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
    return dt.astimezone(zone).strftime(fmt)


def yuan(cents: int | None) -> str:
    return "—" if cents is None else f"¥{cents / 100:,.2f}"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def set_cookie(response: Response, request: Request, name: str, value: str, *,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True,
                        samesite="strict", secure=is_https(request))


def forget_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=is_https(request))


def render(request: Request, ctx: ServerContext, template: str, *, status: int = 200,
           session: sessions.Session | None = None, **context) -> HTMLResponse:
    lang = language(request)
    zone = hq_zone(ctx.config.hq_timezone)
    page = _templates.get_template(template).render(
        t=functools.partial(_t, lang), lang=lang, session=session,
        user=session.user if session else None, csrf=session.csrf_token if session else "",
        path=request.url.path, here=_here(request), zone_name=ctx.config.hq_timezone,
        when=functools.partial(local_time, zone=zone), yuan=yuan, **context)
    return secure(HTMLResponse(page, status_code=status))


def _t(lang: str, key: str, **values) -> str:
    return text(key, lang, **values)


def _here(request: Request) -> str:
    """This page's path and query, to come back to after switching the language."""
    query = request.url.query
    return quote(request.url.path + (f"?{query}" if query else ""), safe="")


def redirect(location: str) -> Response:
    return secure(RedirectResponse(location, status_code=303))


def local_target(value: str | None, default: str = "/console/stations") -> str:
    """Where to go next: a console path, never another site (`//host`, `/\\host`, schemes)."""
    if (not value or not value.startswith("/console") or "\\" in value or "//" in value
            or any(ord(c) < 32 for c in value)):
        return default
    return value


def now_utc() -> datetime:
    return datetime.now(UTC)


# --- who is asking --------------------------------------------------------------------------

def _live_session(request: Request, ctx: ServerContext) -> sessions.Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with ctx.db.read() as conn:
        found = sessions.find_session(conn, token)
    if found is not None and sessions.needs_touch(found):
        with ctx.db.write() as conn:
            sessions.touch(conn, found)
    return found


def signed_in(request: Request, ctx: CtxDep) -> sessions.Session:
    found = _live_session(request, ctx)
    if found is None:
        raise SignInNeeded()
    return found


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of an urlencoded form (the console's only kind), first value of each."""
    body = (await request.body()).decode("utf-8", "replace")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise ConsoleRefusal(400, "error.bad_input", what="form") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # old browsers and non-browser clients: the CSRF token decides
        return True
    return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


def _posted_by_session(request: Request, ctx: ServerContext,
                       fields: dict[str, str]) -> sessions.Session:
    found = _live_session(request, ctx)
    if (found is None or not _same_origin(request)
            or not sessions.same_token(fields.get("csrf"), found.csrf_token)):
        raise ConsoleRefusal(403, "error.csrf")
    return found


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def any_post(request: Request, ctx: CtxDep, fields: FormDep) -> sessions.Session:
    return _posted_by_session(request, ctx, fields)


def admin_action(request: Request, ctx: CtxDep, fields: FormDep) -> sessions.Session:
    found = _posted_by_session(request, ctx, fields)
    if not found.user.is_admin:
        raise ConsoleRefusal(403, "error.viewer")
    return found


SignedIn = Annotated[sessions.Session, Depends(signed_in)]
AnyPost = Annotated[sessions.Session, Depends(any_post)]
AdminAction = Annotated[sessions.Session, Depends(admin_action)]


def install_handlers(app) -> None:
    """Refusals and sign-in redirects of console routes answer HTML, not the API's JSON."""

    @app.exception_handler(ConsoleRefusal)
    async def _refusal(request: Request, exc: ConsoleRefusal):
        # no user menu on a refusal: it needs no database read
        return render(request, request.app.state.ctx, "refusal.html", status=exc.status,
                      message=text(exc.key, language(request), **exc.values))

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _exc: SignInNeeded):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/console/login?next=" + quote(local_target(target), safe=""))
