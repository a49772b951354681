"""What a customer brings (docs/protocol.md "Identifiers"): pickup token and code, phone forms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta, timezone


def new_pickup_token() -> str:
    """32 characters of RFC 4648 base32 = 160 random bits."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.upper().encode("ascii")).hexdigest()


def new_pickup_code(taken: set[str]) -> str:
    """6 random digits not in `taken` (the station's open orders' codes)."""
    if len(taken) >= 900_000:
        raise RuntimeError("no free pickup codes left for this station")
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in taken:
            return code


def phone_digits(phone: str) -> str:
    return "".join(c for c in phone if c in "0123456789")


def phone_masked(phone: str) -> str:
    """`138****1234`: first 3, four stars, last 4."""
    d = phone_digits(phone)
    if len(d) < 7:
        return "*" * max(0, len(d) - 4) + d[-4:]
    return f"{d[:3]}****{d[-4:]}"


def phone_last4(phone: str) -> str:
    return phone_digits(phone)[-4:]


def customer_key(phone: str, secret: str) -> str:
    """Groups one customer's orders at a station without telling who it is: an HMAC keyed by
    the server's secret. An unkeyed hash would give the phone back (the masked phone leaves
    10,000 candidates); without the secret a station cannot test a guess."""
    digits = phone_digits(phone).encode("ascii")
    return hmac.new(secret.encode("utf-8"), b"cust:" + digits, hashlib.sha256).hexdigest()[:32]


def name_masked(name: str) -> str:
    """`王芳` → `王*`, `欧阳娜娜` → `欧**娜`, `Alice` → `A***e` (the station's rule)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# HQ's days and months are China Standard Time (UTC+8, no daylight saving), as CSV import reads
# a time without an offset.
HQ_TZ = timezone(timedelta(hours=8))


def hq_day(stamp: str) -> str:
    """The HQ-local date (YYYY-MM-DD) of a stored UTC ISO time."""
    dt = datetime.fromisoformat(stamp)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(HQ_TZ).date().isoformat()
