"""What a customer brings to the counter, and how it is hashed, masked and normalised.

See docs/protocol.md: pickup tokens are base32, compared upper-case, and only their SHA-256
is ever stored at the station.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlsplit

BASE32_TOKEN = re.compile(r"^[A-Z2-7]{16,64}$")
_DIGITS = re.compile(r"\D+")


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.strip().upper().encode("ascii")).hexdigest()


class CustomerKeys:
    """Opaque grouping keys for customers of a manifest read here (offline import, demo data):
    one random id per phone number, kept only in memory for that one import. Nothing stored
    lets anyone go back from a key to a phone (no unkeyed hash: a masked phone leaves only
    10,000 candidates). Synced orders carry the server's keyed key instead."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}

    def __call__(self, phone: str) -> str:
        digits = phone_digits(phone)
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        return self._keys.setdefault(digits, secrets.token_hex(16))


def phone_digits(phone: str) -> str:
    return _DIGITS.sub("", phone or "")


def mask_phone(phone: str) -> str:
    """`13812341234` → `138****1234`. Short numbers keep only their last 4 digits."""
    d = phone_digits(phone)
    if len(d) == 13 and d.startswith("86"):  # +86 country code
        d = d[2:]
    if len(d) >= 11:
        return f"{d[:3]}****{d[-4:]}"
    if len(d) > 4:
        return "*" * (len(d) - 4) + d[-4:]
    return d


def safe_phone(stored: str | None) -> str:
    """The phone as it may be shown or printed: the store keeps it masked already; anything
    that still shows all its digits is masked here."""
    stored = stored or ""
    return stored if "*" in stored else mask_phone(stored)


def mask_name(name: str) -> str:
    """`王芳` → `王*`, `欧阳娜娜` → `欧**娜`, `Alice` → `A***e`: enough to check, not to dox."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def token_from_text(text: str) -> str | None:
    """The pickup token inside a scanned text: bare, a URL's last path segment or its `t` query."""
    text = text.strip()
    candidates = [text]
    if "://" in text or text.startswith("/") or "?" in text:
        parts = urlsplit(text)
        query = parse_qs(parts.query)
        candidates = query.get("t", []) + [seg for seg in reversed(parts.path.split("/")) if seg][:1]
    for cand in candidates:
        cand = cand.strip().upper().rstrip("=")
        if BASE32_TOKEN.match(cand):
            return cand
    return None
