"""Fixtures shared by the whole suite. Each part of the app adds its own in its folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

import pytest

pytest_plugins = ["tests.server_fixtures"]


@pytest.fixture
def ui_language(qapp):
    """`ui_language("zh_CN")` installs the UI translation the way the app does at start
    (app.load_translations); English (no translator) and the old default locale come back
    afterwards, so the next test sees the untranslated source texts."""
    from PySide6.QtCore import QLocale

    from pickup_station.app import load_translations

    before = QLocale()
    yield lambda lang: load_translations(qapp, lang)
    load_translations(qapp, "en")
    QLocale.setDefault(before)


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "station"
    d.mkdir()
    return d


@pytest.fixture
def store(data_dir):
    from pickup_station.store.db import Store

    s = Store.in_dir(data_dir)
    yield s
    s.close()


class Station:
    """A station store filled with demo batches: the first ones arrived, the last expected."""

    def __init__(self, store, batches):
        self.store = store
        self.batches = batches

    def order(self, batch: int, n: int) -> dict:
        return self.batches[batch]["orders"][n]

    def order_with_siblings(self, batch: int = 0):
        """An order of a customer who has another open order in an arrived batch."""
        from collections import Counter as C

        arrived = [o for b in self.batches[:-1] for o in b["orders"]]
        counts = C(o["phone"] for o in arrived)
        return next(o for o in self.batches[batch]["orders"] if counts[o["phone"]] > 1)

    def waiting_only_order(self):
        """An order still on the truck whose customer has no order in an arrived batch."""
        arrived = {o["phone"] for b in self.batches[:-1] for o in b["orders"]}
        return next(o for o in self.batches[-1]["orders"] if o["phone"] not in arrived)

    def mixed_customer(self) -> tuple[dict, dict]:
        """(an arrived order, an order on the truck) of one customer."""
        waiting = {o["phone"]: o for o in self.batches[-1]["orders"]}
        arrived = next(o for b in self.batches[:-1] for o in b["orders"] if o["phone"] in waiting)
        return arrived, waiting[arrived["phone"]]

    def lone_order(self, batch: int = 0):
        from collections import Counter as C

        counts = C(o["phone"] for b in self.batches for o in b["orders"])
        return next(o for o in self.batches[batch]["orders"] if counts[o["phone"]] == 1)


@pytest.fixture
def station(store):
    from pickup_station.core import operators as ops
    from pickup_station.demo import data as demo
    from pickup_station.store.models import Batch

    batches = demo.generate(batches=3, orders_per_batch=40, customers=90, seed=11)
    demo.bulk_load(store, batches, arrived=True)
    with store.session() as s:
        s.get(Batch, batches[-1]["batch_id"]).status = "expected"
        s.get(Batch, batches[-1]["batch_id"]).arrived_at = None
        ops.add_operator(s, "leader", "王芳", "1234", role="leader")
        ops.add_operator(s, "a1", "小李", "5678", role="assistant")
    return Station(store, batches)


@pytest.fixture
def tasks(qtbot):
    """The window's one road for background work (ui/tasks.py); its lanes are joined after the
    test, so no Qt object is ever released on one of their threads."""
    from pickup_station.ui.tasks import Tasks

    t = Tasks()
    yield t
    t.shutdown()
    t.join()
