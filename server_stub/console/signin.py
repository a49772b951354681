"""Signing in and out, and the language switch (routes under /console)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..deps import CtxDep, ServerContext
from . import sessions, users
from .web import (
    LANG_COOKIE,
    PRE_COOKIE,
    SESSION_COOKIE,
    AnyPost,
    forget_cookie,
    form_fields,
    hq_zone,
    local_target,
    local_time,
    redirect,
    render,
    set_cookie,
)

router = APIRouter(prefix="/console", include_in_schema=False)
PRE_COOKIE_S = 3600
LANG_COOKIE_S = 365 * 86400


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def throttle(request: Request) -> users.LoginThrottle:
    """The app's throttle of failed sign-ins (console.install made it)."""
    return request.app.state.console_throttle


def _login_page(request: Request, ctx: ServerContext, *, status: int = 200,
                error: tuple[str, dict] | None = None, username: str = "",
                notice: str | None = None,
                next_path: str | None = None) -> Response:
    pre = request.cookies.get(PRE_COOKIE) or ""
    fresh = not (0 < len(pre) <= 64)
    if fresh:
        pre = sessions.new_pre_session()
    page = render(request, ctx, "login.html", status=status, error=error, username=username,
                  notice=notice, login_csrf=sessions.login_csrf(ctx.config.server_secret, pre),
                  next_path=local_target(next_path or request.query_params.get("next")))
    if fresh:
        set_cookie(page, request, PRE_COOKIE, pre, max_age=PRE_COOKIE_S)
    return page


@router.get("")
def home() -> Response:
    return redirect("/console/stations")


@router.get("/login")
def login_form(request: Request, ctx: CtxDep) -> Response:
    notice = "login.signed_out" if request.query_params.get("bye") == "1" else None
    return _login_page(request, ctx, notice=notice)


@router.post("/login")
def login(request: Request, ctx: CtxDep,
          fields: Annotated[dict[str, str], Depends(form_fields)]) -> Response:
    username = fields.get("username", "").strip()[:64]
    pre = request.cookies.get(PRE_COOKIE, "")
    given = fields.get("csrf")
    if not pre or not sessions.same_token(given, sessions.login_csrf(ctx.config.server_secret,
                                                                     pre)):
        return _login_page(request, ctx, status=403, error=("login.expired", {}),
                           username=username, next_path=fields.get("next"))
    wait = throttle(request).wait_s(_client(request))
    if wait:
        return _login_page(request, ctx, status=429, username=username,
                           error=("login.throttled", {"minutes": (wait + 59) // 60}),
                           next_path=fields.get("next"))
    with ctx.db.read() as conn:
        row = users.find_user(conn, username) if username else None
    verdict = users.check_password(row, fields.get("password", ""))  # no transaction held
    if verdict.user is None:
        return _refused(request, ctx, row, verdict, username, fields.get("next"))
    with ctx.db.write() as conn:
        users.record_success(conn, row.id, fields["password"], row.password_hash)
        sessions.end_session(conn, request.cookies.get(SESSION_COOKIE))
        token, _csrf = sessions.start_session(conn, row.id)
    answer = redirect(local_target(fields.get("next")))
    set_cookie(answer, request, SESSION_COOKIE, token)
    forget_cookie(answer, request, PRE_COOKIE)
    return answer


def _refused(request: Request, ctx: ServerContext, row, verdict: users.SignIn, username: str,
             next_path: str | None) -> Response:
    throttle(request).failed(_client(request))
    until = verdict.locked_until
    if row is not None and verdict.refusal == "login.wrong" and row.disabled_at is None:
        with ctx.db.write() as conn:
            until = users.record_failure(conn, row.id)
    if until:
        shown = local_time(until, hq_zone(ctx.config.hq_timezone))
        return _login_page(request, ctx, status=429, error=("login.locked", {"until": shown}),
                           username=username, next_path=next_path)
    return _login_page(request, ctx, status=401, error=("login.wrong", {}), username=username,
                       next_path=next_path)


@router.post("/logout")
def logout(request: Request, ctx: CtxDep, _session: AnyPost) -> Response:
    with ctx.db.write() as conn:
        sessions.end_session(conn, request.cookies.get(SESSION_COOKIE))
    answer = redirect("/console/login?bye=1")
    forget_cookie(answer, request, SESSION_COOKIE)
    return answer


@router.get("/lang/{code}")
def switch_language(code: str, request: Request) -> Response:
    answer = redirect(local_target(request.query_params.get("next")))
    if code in ("zh_CN", "en"):
        set_cookie(answer, request, LANG_COOKIE, code, max_age=LANG_COOKIE_S)
    return answer
