"""HQ console users: create, change password, disable, and signing in with a lockout.

Data functions: they never commit (the caller owns the transaction).
Guessing is slowed three ways: scrypt (passwords.py), the account locks for LOCK_MINUTES after
LOCK_AFTER wrong passwords in a row, and `LoginThrottle` turns an address away after too many
failures whatever usernames it tries.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, now_iso, parse_iso, utcnow
from . import passwords

ROLES = ("admin", "viewer")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
LOCK_AFTER = 5
LOCK_MINUTES = 15


class UserError(ValueError):
    """A refusal with a catalogue key (texts.py) for the person at the keyboard."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    username: str
    role: str
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: `user` when it worked, else `refusal` (a catalogue key)."""

    user: ConsoleUser | None
    refusal: str | None = None
    locked_until: str | None = None


def _user(row) -> ConsoleUser:
    return ConsoleUser(id=row.id, username=row.username, role=row.role,
                       disabled=row.disabled_at is not None)


def check_new(username: str, role: str, password: str) -> None:
    if not USERNAME.match(username):
        raise UserError("user.bad_name")
    if role not in ROLES:
        raise UserError("user.bad_role")
    problem = passwords.password_problem(password)
    if problem:
        raise UserError(problem, min=passwords.MIN_LENGTH)


def create_user(conn: Connection, username: str, role: str, password: str) -> ConsoleUser:
    check_new(username, role, password)
    u = m.console_users.c
    if conn.execute(select(u.id).where(func.lower(u.username) == username.lower())).first():
        raise UserError("user.exists", name=username)
    now = now_iso()
    new_id = conn.execute(m.console_users.insert().values(
        username=username, password_hash=passwords.hash_password(password), role=role,
        created_at=now, password_changed_at=now, failed_logins=0)).inserted_primary_key[0]
    return ConsoleUser(id=int(new_id), username=username, role=role)


def find_user(conn: Connection, username: str):
    u = m.console_users.c
    return conn.execute(select(m.console_users)
                        .where(func.lower(u.username) == username.lower())).first()


def set_password(conn: Connection, username: str, password: str) -> None:
    """A new password; every session of the user ends and a lock is lifted."""
    problem = passwords.password_problem(password)
    if problem:
        raise UserError(problem, min=passwords.MIN_LENGTH)
    row = _existing(conn, username)
    conn.execute(update(m.console_users).where(m.console_users.c.id == row.id).values(
        password_hash=passwords.hash_password(password), password_changed_at=now_iso(),
        failed_logins=0, locked_until=None))
    end_sessions_of(conn, row.id)


def set_disabled(conn: Connection, username: str, disabled: bool) -> None:
    row = _existing(conn, username)
    conn.execute(update(m.console_users).where(m.console_users.c.id == row.id).values(
        disabled_at=now_iso() if disabled else None))
    if disabled:
        end_sessions_of(conn, row.id)


def list_users(conn: Connection) -> list:
    return conn.execute(select(m.console_users).order_by(m.console_users.c.username)).all()


def end_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(delete(m.console_sessions).where(m.console_sessions.c.user_id == user_id))


def _existing(conn: Connection, username: str):
    row = find_user(conn, username)
    if row is None:
        raise UserError("user.unknown", name=username)
    return row


def check_password(row, password: str) -> SignIn:
    """The verdict on a sign-in attempt for a user row (None: unknown name). Spends the same
    scrypt work whatever the case, and touches no database: run it outside a transaction."""
    if row is None:
        passwords.verify_password(password, passwords.dummy_hash())
        return SignIn(None, "login.wrong")
    locked = parse_iso(row.locked_until)
    if locked is not None and locked > utcnow():
        return SignIn(None, "login.locked", row.locked_until)
    if not passwords.verify_password(password, row.password_hash):
        return SignIn(None, "login.wrong")
    if row.disabled_at is not None:
        return SignIn(None, "login.wrong")  # says no more than a wrong password does
    return SignIn(_user(row))


def record_success(conn: Connection, user_id: int, password: str, stored_hash: str) -> None:
    values = {"failed_logins": 0, "locked_until": None, "last_login_at": now_iso()}
    if passwords.needs_rehash(stored_hash):  # the cost was raised since: store the new kind
        values["password_hash"] = passwords.hash_password(password)
    conn.execute(update(m.console_users).where(m.console_users.c.id == user_id).values(**values))


def record_failure(conn: Connection, user_id: int) -> str | None:
    """One more wrong password; at LOCK_AFTER in a row the account locks. Answers the time
    it is locked until, or None."""
    u = m.console_users.c
    failed = conn.execute(select(u.failed_logins).where(u.id == user_id)).scalar_one() + 1
    if failed < LOCK_AFTER:
        conn.execute(update(m.console_users).where(u.id == user_id).values(failed_logins=failed))
        return None
    until = iso(utcnow() + timedelta(minutes=LOCK_MINUTES))
    conn.execute(update(m.console_users).where(u.id == user_id)
                 .values(failed_logins=0, locked_until=until))
    return until


class LoginThrottle:
    """Failed sign-ins per client address in a sliding window (in this process): past
    `limit` failures in `window_s`, the address is turned away before any password work."""

    def __init__(self, limit: int = 20, window_s: float = 900.0):
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(address, ()) if now - t < self.window_s]
        if kept:
            self._failures[address] = kept
        else:
            self._failures.pop(address, None)
        return kept

    def wait_s(self, address: str) -> int:
        """Seconds until this address may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent(address, now)
            if len(recent) < self.limit:
                return 0
            return max(1, int(self.window_s - (now - recent[-self.limit])) + 1)

    def failed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of addresses: forget the oldest half
                for key in list(self._failures)[:50_000]:
                    del self._failures[key]
            recent = self._recent(address, now)
            recent.append(now)
            self._failures[address] = recent
