"""Day closing and uncollected figures against hand-computed values (see tests/reports_seed.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pickup_station.core.reports import (
    commission_for,
    day_figures,
    local_day_window,
    station_tz,
    uncollected,
)
from pickup_station.store.db import set_meta
from tests.reports_seed import FULL_PHONES, seed

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # local 16:00
RATES = {"水果": 0.08, "蔬菜": 0.15}


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def test_local_day_window_is_utc_plus_8():
    lo, hi = local_day_window(DAY, DAY, SH)
    assert lo == datetime(2026, 11, 21, 16, tzinfo=UTC)
    assert hi == datetime(2026, 11, 22, 16, tzinfo=UTC)


def test_day_figures_counter_totals(seeded):
    with seeded.reader() as s:
        f = day_figures(s, DAY, SH, uncollected_after_days=3, commission_rates=RATES, now=NOW)
    # p1 (11-21T17:30Z = local 11-22 01:30), p5, p7 (local 23:59:59); p6 undone; p3/p9 other days
    assert (f.pickups, f.orders_handed, f.orders_partial) == (3, 3, 1)
    assert f.items_handed == 3 + 9 + 2
    assert f.value_handed_cents == 2390 + 1270 + 2580
    assert (f.proxy_pickups, f.overrides) == (1, 1)
    assert f.undos == 2  # p6 (same day) and p10 (picked yesterday, undone today)


def test_day_figures_shortages_do_not_double_count_arrival(seeded):
    with seeded.reader() as s:
        f = day_figures(s, DAY, SH, now=NOW)
    assert (f.arrival_short_qty, f.arrival_damaged_qty) == (1, 1)
    # V1 short at the counter was already short at arrival; E1 2 damaged is new at the counter
    assert (f.counter_short_qty, f.counter_damaged_qty) == (0, 2)
    assert f.shortage_qty == 4
    kinds = sorted((x.stage, x.kind, x.order_id, x.sku, x.qty) for x in f.shortage_lines)
    assert kinds == [("arrival", "damaged", "O8", "T1", 1), ("arrival", "short", "O5", "V1", 1),
                     ("counter", "damaged", "O5", "E1", 2)]


def test_day_figures_waiting_uncollected_and_batches(seeded):
    with seeded.reader() as s:
        f = day_figures(s, DAY, SH, uncollected_after_days=3, now=NOW)
    assert (f.waiting, f.uncollected) == (4, 2)  # O2,O10,O6,O8 wait; O2,O10 for > 3 days
    lines = {b.batch_id: b for b in f.batches}
    assert set(lines) == {"B1", "B2"}
    b1, b2 = lines["B1"], lines["B2"]
    assert (b1.orders, b1.picked_up, b1.picked_up_today, b1.remaining, b1.uncollected) == \
        (4, 2, 1, 2, 2)
    assert (b2.orders, b2.picked_up, b2.picked_up_today, b2.remaining, b2.uncollected,
            b2.short_items) == (4, 2, 2, 2, 0, 2)
    assert b2.arrived_at_local == "2026-11-22 09:00:00"


def test_day_figures_per_operator(seeded):
    with seeded.reader() as s:
        f = day_figures(s, DAY, SH, now=NOW)
    ops = [(o.operator_id, o.name, o.pickups, o.items_handed, o.value_handed_cents, o.undos)
           for o in f.operators]
    assert ops == [("lead", "李团长", 2, 11, 3850, 1), ("op1", "张三", 1, 3, 2390, 1)]


def test_commission_per_category_half_up(seeded):
    with seeded.reader() as s:
        f = day_figures(s, DAY, SH, commission_rates=RATES, now=NOW)
    got = [(c.category, c.value_cents, c.rate, c.commission_cents) for c in f.commission]
    assert got == [("", 960, 0.10, 96), ("乳品", 3870, 0.10, 387), ("水果", 1100, 0.08, 88),
                   ("蔬菜", 310, 0.15, 47)]  # 46.5 fen rounds half-up to 47
    assert f.commission_cents == 618
    assert sum(c.value_cents for c in f.commission) == f.value_handed_cents


def test_commission_default_rate_and_validation():
    assert commission_for({"x": 1000})[0].commission_cents == 100
    assert commission_for({"x": 1000}, {"default": 0.05})[0].commission_cents == 50
    assert commission_for({"x": 15}, default_rate=0.1)[0].commission_cents == 2  # 1.5 → 2
    with pytest.raises(ValueError):
        commission_for({"x": 1}, {"x": 1.5})


def test_previous_day_and_empty_day(seeded):
    with seeded.reader() as s:
        prev = day_figures(s, date(2026, 11, 21), SH, now=NOW)
        empty = day_figures(s, date(2026, 12, 1), SH, now=NOW)
    assert (prev.pickups, prev.undos) == (1, 0)  # p3 at local 23:59; p10 was undone
    assert prev.operators[0].operator_id == "op1"
    assert (empty.pickups, empty.value_handed_cents, empty.commission_cents) == (0, 0, 0)


def test_to_dict_is_json_and_fits_day_summary(seeded):
    with seeded.reader() as s:
        d = day_figures(s, DAY, SH, now=NOW).to_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert d["day"] == "2026-11-22" and d["tz"] == "Asia/Shanghai"
    assert d["shortages"] == 4 and d["batches"][0]["batch_id"] == "B1"
    assert d["shortage_lines"][0]["stage"] == "counter"
    for phone in FULL_PHONES.values():
        assert phone not in text
    receipts = pytest.importorskip("pickup_station.core.papers")
    summary = receipts.DaySummary.from_dict(d)
    assert (summary.pickups, summary.orders_handed, summary.items_handed) == (3, 3, 14)
    assert (summary.uncollected, summary.shortages, summary.undos) == (2, 4, 2)
    assert summary.batches[1].picked_up == 2 and summary.batches[1].short_items == 2


def test_uncollected_oldest_first_masked(seeded):
    with seeded.reader() as s:
        rows = uncollected(s, NOW, 3, tz=SH)
        every = uncollected(s, NOW, 3, all_waiting=True, tz=SH)
    assert [r.order_id for r in rows] == ["O2", "O10"]
    r = rows[0]
    assert (r.customer, r.phone, r.shelf_slot, r.batch_id) == ("欧**娜", "139****5678", "A-1-02",
                                                               "B1")
    assert (r.days_waiting, r.overdue, r.item_count, r.value_cents) == (4, True, 1, 4990)
    assert r.items == "大米5kg×1" and r.arrived_at_local == "2026-11-18 10:00"
    assert [(x.order_id, x.overdue, x.days_waiting) for x in every] == [
        ("O2", True, 4), ("O10", True, 4), ("O6", False, 0), ("O8", False, 0)]


def test_uncollected_boundary_is_more_than_n_days(seeded):
    arrived = datetime(2026, 11, 18, 2, tzinfo=UTC)
    with seeded.reader() as s:
        assert uncollected(s, arrived + timedelta(days=3), 3, tz=SH) == []
        later = uncollected(s, arrived + timedelta(days=3, milliseconds=1), 3, tz=SH)
        naive = uncollected(s, NOW.replace(tzinfo=None), 3, tz=SH)  # naive means UTC
    assert [r.order_id for r in later] == ["O2", "O10"]
    assert [r.days_waiting for r in naive] == [4, 4]


def test_closed_batch_is_not_waiting(seeded):
    with seeded.session() as s:
        from pickup_station.store.models import Batch

        s.get(Batch, "B1").status = "closed"
    with seeded.reader() as s:
        assert [r.order_id for r in uncollected(s, NOW, 0, tz=SH)] == ["O6", "O8"]


def test_station_tz_from_meta(store):
    with store.session() as s:
        set_meta(s, "station_tz", "Asia/Shanghai")
    with store.reader() as s:
        assert station_tz(s).utcoffset(NOW) == timedelta(hours=8)
