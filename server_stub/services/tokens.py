"""How station tokens are kept: only their SHA-256 is stored."""

from __future__ import annotations

import hashlib


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
