"""Turning any scanned or typed text into a query: the one door every scan source uses.

A keyboard-wedge burst, a serial scanner line, a camera decode and the host's typing all end
up in `parse_scan`, which tolerates whitespace, case, full-width digits and scanner suffixes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pickup_station.core.identity import token_from_text, token_sha256
from pickup_station.core.pairing_code import looks_like_pairing

MAX_SCAN_LENGTH = 512


@dataclass(frozen=True)
class ScanQuery:
    kind: str  # token / code / phone4 / order_id / pairing / invalid / empty
    value: str  # token_sha256 for a token, the digits for code/phone4, cleaned text otherwise
    raw: str


def clean_scan_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")[: MAX_SCAN_LENGTH * 2]
    # scanners add CR/LF/TAB; some add a prefix like "]Q1" (AIM symbology id) — strip it
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if text.startswith("]Q") and len(text) > 3:
        text = text[3:]
    return text


def parse_scan(text: str) -> ScanQuery:
    raw = text
    text = clean_scan_text(text)
    if not text:
        return ScanQuery("empty", "", raw)
    if len(text) > MAX_SCAN_LENGTH:
        return ScanQuery("invalid", text[:64], raw)
    if looks_like_pairing(text):  # HQ's pairing code: the value keeps no token
        return ScanQuery("pairing", "", "")
    compact = text.replace(" ", "").replace("-", "")
    if compact.isdigit():
        if len(compact) == 6:
            return ScanQuery("code", compact, raw)
        if len(compact) == 4:
            return ScanQuery("phone4", compact, raw)
        return ScanQuery("invalid", compact, raw)
    token = token_from_text(text)
    if token:
        return ScanQuery("token", token_sha256(token), raw)
    return ScanQuery("invalid", text[:64], raw)
