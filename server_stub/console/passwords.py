"""Passwords of HQ console users: scrypt (hashlib, no extra library), salted, self-describing.

Stored as `scrypt$N$r$p$salt$hash` (salt and hash URL-safe base64), so the cost can be raised
later and old hashes still verify (`needs_rehash` tells when to store a new one at sign-in).
N=2**15, r=8: 32 MiB per try, which makes guessing expensive; one verification measured
0.4 s on the busy shared 2-core build machine, quick enough for a sign-in.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

N, R, P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
_KEY_LEN = 32
MIN_LENGTH = 10
MAX_LENGTH = 256  # beyond this a "password" is an attempt to make the server work


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAXMEM, dklen=_KEY_LEN)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; False for anything malformed."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        kind, n, r, p, salt, expected = stored.split("$")
        if kind != "scrypt":
            return False
        got = _derive(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(expected))


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${N}${R}${P}$")


@functools.cache
def dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name takes as long as a wrong
    password (the timing does not tell which usernames exist)."""
    return hash_password(secrets.token_urlsafe(16))


def password_problem(password: str) -> str | None:
    """A catalogue key saying why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if len(password) > MAX_LENGTH:
        return "password.too_long"
    if password.strip() != password or not password.isprintable():
        return "password.bad_characters"
    return None
