"""The console's catalogue: both languages say the same things (same placeholders), every key
a template or a route asks for exists, and no page word is left outside the catalogue."""

from __future__ import annotations

import re
import string
from pathlib import Path

from server_stub.console import worklists
from server_stub.console.texts import TEXTS, text
from server_stub.schemas import REVIEW_KINDS

CONSOLE = Path(__file__).resolve().parents[2] / "server_stub" / "console"
LITERAL_KEY = re.compile(r"""(?:t|text|both|ConsoleRefusal\(\d+,)\s*\(?\s*['"]([a-z_]+\.[a-z_.]+)['"]""")
PREFIXED = re.compile(r"""t\('([a-z_]+\.)' \+""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_placeholders():
    for key, (zh, en) in TEXTS.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key


def test_every_key_the_code_and_templates_name_exists():
    sources_text = [p.read_text(encoding="utf-8") for p in CONSOLE.rglob("*")
                    if p.suffix in (".py", ".html")]
    named = {key for src in sources_text for key in LITERAL_KEY.findall(src)}
    assert len(named) > 60
    missing = sorted(k for k in named if k not in TEXTS)
    assert missing == []


def test_worded_states_and_reasons_exist_in_both_languages():
    prefixes = ("order.", "status.", "notice.", "review.", "reason.", "role.", "nav.", "col.")
    for state in ("pending", "arrived", "picked_up", "partially_picked_up", "cancelled",
                  "returned"):
        assert f"order.{state}" in TEXTS
    for state in worklists.NOTICE_STATES:
        assert f"notice.{state}" in TEXTS
    for kind in worklists.NOTICE_KINDS:
        assert f"notice_kind.{kind}" in TEXTS
    for state in worklists.REVIEW_STATES:
        assert f"review.{state}" in TEXTS and f"review.empty_{state}" in TEXTS
    for kind in REVIEW_KINDS:
        assert f"review_kind.{kind}" in TEXTS
    for status in ("accepted", "rejected", "reported"):
        assert f"detail.{status}" in TEXTS
    for reason in ("handed_over_before_cancel", "handed_over_offline_after_cancel"):
        assert f"reason.{reason}" in TEXTS
    assert all(any(k.startswith(p) for k in TEXTS) for p in prefixes)
    assert text("nav.batches", "zh_CN") == "批次对账" and text("nav.batches", "en") == "Batches"
    assert text("nav.batches", "fr") == "批次对账"  # an unknown language reads Chinese


def test_templates_hold_no_words_of_their_own():
    for page in (CONSOLE / "templates").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        visible = re.sub(r"{[{%].*?[%}]}|<[^>]+>", " ", html, flags=re.DOTALL)
        words = [w for w in re.findall(r"[A-Za-z\u4e00-\u9fff]{2,}", visible)]
        assert words == [], (page.name, words)
