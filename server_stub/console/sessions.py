"""Signed-in browsers: server-side session rows, and the CSRF tokens of the console's forms.

The cookie holds 256 random bits; the database keeps only their SHA-256, so a copy of the
database signs no one in. A session ends at sign-out, after IDLE_MINUTES without a request,
after MAX_HOURS in any case, and when the user is disabled or gets a new password. Signing in
always makes a new session (the token a browser had before is never promoted).

CSRF: every form of a session carries the session's random `csrf_token`. The sign-in form,
before there is a session, carries an HMAC (server secret) of a random pre-session cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, parse_iso, utcnow
from .users import ConsoleUser

IDLE_MINUTES = 120
MAX_HOURS = 12
TOUCH_EVERY_S = 60  # last_seen_at is written at most this often (one small write)


@dataclass(frozen=True)
class Session:
    token_sha256: str
    user: ConsoleUser
    csrf_token: str
    last_seen_at: str


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(conn: Connection, user_id: int) -> tuple[str, str]:
    """A new session for this user: answers (cookie token, csrf token). Expired rows go."""
    now = utcnow()
    s = m.console_sessions.c
    conn.execute(delete(m.console_sessions).where(s.expires_at < iso(now)))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(m.console_sessions.insert().values(
        session_sha256=_sha(token), user_id=user_id, csrf_token=csrf, created_at=iso(now),
        last_seen_at=iso(now), expires_at=iso(now + timedelta(hours=MAX_HOURS))))
    return token, csrf


def find_session(conn: Connection, token: str | None) -> Session | None:
    """The live session of this cookie token, or None (unknown, expired, idle, disabled)."""
    if not token or len(token) > 128:
        return None
    s, u = m.console_sessions.c, m.console_users.c
    row = conn.execute(
        select(s.session_sha256, s.csrf_token, s.last_seen_at, s.expires_at, u.id, u.username,
               u.role, u.disabled_at)
        .join(m.console_users, u.id == s.user_id)
        .where(s.session_sha256 == _sha(token))).first()
    if row is None or row.disabled_at is not None:
        return None
    now = utcnow()
    if parse_iso(row.expires_at) <= now:
        return None
    if parse_iso(row.last_seen_at) + timedelta(minutes=IDLE_MINUTES) <= now:
        return None
    return Session(token_sha256=row.session_sha256,
                   user=ConsoleUser(id=row.id, username=row.username, role=row.role),
                   csrf_token=row.csrf_token, last_seen_at=row.last_seen_at)


def needs_touch(session: Session) -> bool:
    return (utcnow() - parse_iso(session.last_seen_at)).total_seconds() >= TOUCH_EVERY_S


def touch(conn: Connection, session: Session) -> None:
    conn.execute(update(m.console_sessions)
                 .where(m.console_sessions.c.session_sha256 == session.token_sha256)
                 .values(last_seen_at=iso(utcnow())))


def end_session(conn: Connection, token: str | None) -> None:
    if token and len(token) <= 128:
        conn.execute(delete(m.console_sessions)
                     .where(m.console_sessions.c.session_sha256 == _sha(token)))


def new_pre_session() -> str:
    return secrets.token_urlsafe(24)


def login_csrf(secret: str, pre_session: str) -> str:
    """The sign-in form's CSRF token: bound to the browser's pre-session cookie."""
    return hmac.new(secret.encode(), b"console-login:" + pre_session.encode("ascii", "replace"),
                    hashlib.sha256).hexdigest()


def same_token(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())
