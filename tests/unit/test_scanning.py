"""Every scan source's text ends up in parse_scan: tolerant of scanners and people."""

import pytest

from pickup_station.core.identity import mask_name, mask_phone, token_from_text, token_sha256
from pickup_station.core.scanning import parse_scan

TOKEN = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


@pytest.mark.parametrize("text", [
    TOKEN, TOKEN.lower(), f"  {TOKEN}\r\n", f"{TOKEN}\t",
    f"https://m.example.com/p/{TOKEN}", f"https://m.example.com/p/{TOKEN}/",
    f"https://m.example.com/pickup?t={TOKEN}&src=wx", f"]Q1{TOKEN}",
])
def test_tokens_in_every_shape(text):
    q = parse_scan(text)
    assert q.kind == "token"
    assert q.value == token_sha256(TOKEN)


@pytest.mark.parametrize("text,kind,value", [
    ("123456", "code", "123456"), (" 123 456\n", "code", "123456"),
    ("１２３４５６", "code", "123456"),  # full-width digits from a Chinese IME
    ("1234", "phone4", "1234"), ("12-34", "phone4", "1234"),
    ("12345", "invalid", "12345"), ("1234567", "invalid", "1234567"),
    ("", "empty", ""), ("\r\n", "empty", ""),
])
def test_codes_and_phone_ends(text, kind, value):
    q = parse_scan(text)
    assert (q.kind, q.value) == (kind, value)


@pytest.mark.parametrize("text", ["hello world", "\x00\x01\x02garbage", "ABC", "x" * 5000,
                                  "https://evil.example.com/", "ÿþ\udcff"])
def test_garbage_is_invalid_not_a_crash(text):
    assert parse_scan(text).kind in ("invalid", "empty")


def test_token_from_url_prefers_t_parameter():
    assert token_from_text(f"https://x.cn/a/b?t={TOKEN}") == TOKEN
    assert token_from_text("https://x.cn/a/NOTATOKEN") is None


def test_masking():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138-1234-1234") == "138****1234"
    assert mask_name("王芳") == "王*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert "1234" in mask_phone("1234")
