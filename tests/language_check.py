"""What counts as a text in the wrong language, for the window and the command line alike.

`wrong_language(text, lang, data)` returns the offending rest of `text` (empty when it is fine):
under English, any Chinese left once the station's own data (customer and operator names,
item names, the station's name: `station_data(store)`) is taken out; under zh_CN, any English
word left once data, ids, codes, paths, addresses, numbers and the program names of
`ZH_ALLOWED` are taken out. The lists are short and explicit on purpose, like
tests/unit/test_messages.py's.
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Latin words a Chinese screen may show: program, device and protocol names, units.
ZH_ALLOWED = {
    "PIN", "QR", "USB", "CUPS", "Windows", "ZXing", "ZBar", "OpenCV", "English", "JSON", "CSV",
    "XLSX", "mm", "libusb", "rtsp", "pyserial", "PySide6", "URL", "TOKEN", "ESC", "POS", "Esc",
    "Enter", "COM3", "GB18030", "SKU", "Excel", "UTC",
}
# Commands and options a Chinese text may name as they are typed.
_COMMAND = re.compile(r"\b(pickup-station-cli|pickup-station|check-store|make run|pair|"
                      r"zxing-sharpen|zxing|opencv-aruco|pyzbar|opencv)\b"
                      r"|--[a-z][a-z-]*")
# Chinese an English screen may show: the language's own name in the language picker.
EN_ALLOWED = ["简体中文"]
_ID = re.compile(r"\b(?=[A-Z0-9_-]*\d)[A-Z][A-Z0-9_-]+\b|\bO\d{6,}\b")  # DEMO01-..., B-2026...
_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][\w./\\ -]*\w|https?://\S+|[\w.-]*\.(?:png|bin|db|"
                   r"sqlite3|json|csv|xlsx|log|avi)\b")


def station_data(store) -> list[str]:
    """The texts the station's data brings to a screen, longest first."""
    from sqlalchemy import select

    from pickup_station.core.identity import mask_name
    from pickup_station.store.models import Meta, Operator, Order, OrderItem, Pickup

    found: set[str] = set()
    with store.reader() as s:
        for name in s.scalars(select(Order.customer_name)):
            found |= {name, mask_name(name)}
        found |= set(s.scalars(select(OrderItem.name)))
        found |= {c for c in s.scalars(select(OrderItem.category)) if c}
        found |= set(s.scalars(select(Operator.name)))
        found |= {p for p in s.scalars(select(Pickup.proxy_name)) if p}
        found |= {m.value for m in s.scalars(select(Meta)) if m.key.startswith("station_")
                  and m.value}
    return sorted((t for t in found if t), key=len, reverse=True)


def strip_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def wrong_language(text: str, lang: str, data: list[str] = ()) -> str:
    rest = strip_data(text or "", list(data))
    if lang == "en":
        for ok in EN_ALLOWED:
            rest = rest.replace(ok, " ")
        return " ".join(re.findall(r"\S*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+\S*", rest))
    rest = re.sub(r"<[^>]+>", " ", rest)  # rich-text tags
    rest = re.sub(r"&\w+;", " ", rest)
    rest = _PATH.sub(" ", rest)
    rest = _ID.sub(" ", rest)
    rest = _COMMAND.sub(" ", rest)
    rest = re.sub(r"%\d|%p%|%n", " ", rest)  # Qt placeholders
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", rest)
    bad = [w for w in words if w not in ZH_ALLOWED and not re.fullmatch(r"[A-Z]", w)]
    return " ".join(bad)
