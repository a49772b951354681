"""The verdict panel shows the catalogue's words (pickup_station.messages), in the window's
language, and the same words as the command line: a verdict is worded once."""

from __future__ import annotations

import html
import re

import pytest

from pickup_station.config import Settings
from pickup_station.core.counter import Counter
from pickup_station.messages import render

from .conftest import Driver

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_panel_speaks_the_catalogue(make_window, station, qtbot, ui_language, lang):
    ui_language(lang)
    host = Driver(qtbot, make_window(Settings(lang=lang), lang=lang))
    assert render("screen.idle.title", lang) in html.unescape(host.text())

    unknown = host.scan("000000")
    assert unknown.reason == "unknown"
    shown = html.unescape(host.text())
    for message in (unknown.headline(), *unknown.explanation()):
        assert message.render(lang) in shown
    assert bool(CJK.search(shown)) == (lang == "zh_CN")  # no Chinese left in the English window

    order = station.lone_order()  # ready: no other order of this customer is on the truck
    assert host.scan(order["pickup_code"]).kind == "ready"
    host.confirm_with_enter()
    assert render("screen.handed_over.title", lang) in html.unescape(host.text())
    again = host.scan(order["pickup_code"])
    assert again.reason == "already_picked_up"
    shown = html.unescape(host.text())
    cli = Counter(station.store).lookup(order["pickup_code"])  # what pickup-station-cli says
    for message in (cli.headline(), *cli.explanation()):
        assert message.render(lang) in shown and message.render(lang) in cli.message(lang)
    assert "店员" not in shown
