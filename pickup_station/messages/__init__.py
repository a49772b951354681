"""One wording of every message: codes with parameters in, text in zh_CN or English out.

The core, the sync and hardware adapters and the command line say *what* happened as a
`Message(key, **params)` (or a `UserFacingError` carrying one); this package is the one place
that words it, for the window and for the CLI alike. The tables are plain Python (no Qt):
`zh_cn.TEXTS` and `en.TEXTS`, `str.format` templates with named placeholders. A parameter that
is itself a `Message` (or has `.message(lang)`, like a `UserFacingError`) is rendered in the same
language. `tests/unit/test_messages.py` keeps the two tables complete and in step.

    >>> Message("verdict.already_picked_up.title").render("en")
    'Already picked up'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from pickup_station.messages import en, zh_cn

log = logging.getLogger(__name__)

LANGS = ("zh_CN", "en")
TABLES: dict[str, Mapping[str, str]] = {"zh_CN": zh_cn.TEXTS, "en": en.TEXTS}
# Sentences of one explanation are set side by side: no space in Chinese, one in English.
SENTENCE_SEP = {"zh_CN": "", "en": " "}
# Items of a list: 、 in Chinese, a comma in English.
LIST_SEP = {"zh_CN": "、", "en": ", "}


def normalize_lang(lang: str | None) -> str:
    """The one place a language setting becomes a catalogue: `en*` is English, all else zh_CN."""
    return "en" if (lang or "").strip().lower().startswith("en") else "zh_CN"


def has(key: str) -> bool:
    return key in TABLES["zh_CN"]


class Message:
    """A code with parameters, worded only when rendered (`render(lang)`)."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params

    def render(self, lang: str | None = "zh_CN") -> str:
        return render(self.key, lang, **self.params)

    message = render  # the same face as UserFacingError.message(lang)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and other.key == self.key
                and other.params == self.params)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Message({self.key!r}{args})"


class Listing:
    """Several messages as one parameter (`"{areas}"`), listed as the language lists them."""

    __slots__ = ("parts",)

    def __init__(self, parts: Iterable[Message | str]):
        self.parts = list(parts)

    def message(self, lang: str | None = "zh_CN") -> str:
        lang = normalize_lang(lang)
        return LIST_SEP[lang].join(p.render(lang) if isinstance(p, Message) else p
                                   for p in self.parts)

    def __repr__(self) -> str:
        return f"Listing({self.parts!r})"


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.render(lang)
    message = getattr(value, "message", None)
    if callable(message):  # a UserFacingError, a status: worded in the same language
        return message(lang)
    return value


def render(key: str, lang: str | None = "zh_CN", /, **params: Any) -> str:
    """The text of `key` in `lang` with `params` filled in.

    A key missing from the catalogue (the completeness test makes that a test failure) shows
    as the key itself rather than crashing the counter in the middle of an error.
    """
    lang = normalize_lang(lang)
    template = TABLES[lang].get(key)
    if template is None:
        log.error("message %r has no %s text", key, lang)
        return key
    values = {k: _param(v, lang) for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        log.error("message %r (%s) could not be filled: %r", key, lang, exc)
        return template


def sentences(parts: Iterable[Message | str], lang: str | None = "zh_CN") -> str:
    """Several messages as one explanation, set as the language sets sentences."""
    lang = normalize_lang(lang)
    texts = [p.render(lang) if isinstance(p, Message) else p for p in parts]
    return SENTENCE_SEP[lang].join(t for t in texts if t)


__all__ = ["LANGS", "Listing", "Message", "has", "normalize_lang", "render", "sentences"]
