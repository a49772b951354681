"""Day closing (日结): figures by operator, expected shelf contents, the goods count with its
discrepancies as `day_closed`, on the slip (bytes), reprint and export."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from pickup_station.core import arrival, day_close, returns
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.core.papers.layout import Text, layout, paper_size
from pickup_station.core.papers.model import (
    CountLine,
    DaySummary,
    OperatorSummaryLine,
    StationInfo,
)
from pickup_station.hardware import escpos_cn
from pickup_station.store.models import OutboxEvent
from tests.unit.leader_seed import APPLE, MILK, RICE, load, order

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOLDEN = Path(__file__).parent / "papers"


@pytest.fixture
def day(store):
    store.set_meta("station_tz", "Asia/Shanghai")
    store.set_meta("station_name", "幸福里自提点")
    load(store, "B1", [order("O1", "13800001111", RICE), order("O2", "13900002222", APPLE),
                       order("O3", "13700003333", APPLE, MILK), order("O4", "13600004444", MILK)])
    arrival.sign_off(store, "B1", "leader")
    counter = Counter(store)
    counter.hand_over([OrderChoice("O1")], "a1")
    first = counter.hand_over([OrderChoice("O2")], "leader")
    counter.undo(first.pickups[0].pickup_id, "a1", "拿错了")
    counter.hand_over([OrderChoice("O2")], "a1")
    returns.return_orders(store, ["O4"], "leader", "超时未取")
    return datetime.now(SHANGHAI).date()


def test_expected_shelf_contents_are_arrived_minus_handed_minus_returned(store, day):
    stock = {x.sku: (x.arrived, x.handed, x.returned, x.expected)
             for x in day_close.expected_stock(store)}
    assert stock == {"FRU-1": (4, 2, 0, 2), "GRN-1": (1, 1, 0, 0), "MLK-1": (2, 0, 1, 1)}


def test_figures_by_operator(store, day):
    figs = {o.operator_id: o for o in day_close.operator_figures(store, day)}
    a1, leader = figs["a1"], figs["leader"]
    assert (a1.pickups, a1.items_handed, a1.undos, a1.returns) == (2, 3, 1, 0)
    assert (leader.pickups, leader.returns, leader.undos) == (0, 1, 0)
    assert leader.name == "王芳"


def test_close_day_records_the_count_and_its_discrepancies_once(store, day):
    closing = day_close.close_day(store, day, "leader", {"FRU-1": 1, "MLK-1": 1})
    assert [(d.sku, d.expected, d.counted, d.difference) for d in closing.discrepancies] == [
        ("FRU-1", 2, 1, -1)]
    with store.reader() as s:
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "day_closed")).one()
    data = json.loads(ev.payload)
    assert data["day"] == day.isoformat() and data["operator_id"] == "leader"
    assert data["totals"] == {"pickups": 2, "items_handed": 3, "shortages": 0, "returns": 1,
                              "undos": 1}
    assert data["discrepancies"] == [{"sku": "FRU-1", "expected": 2, "counted": 1,
                                      "difference": -1}]
    assert {c["sku"] for c in data["counted"]} == {"FRU-1", "MLK-1"}
    with pytest.raises(day_close.DayAlreadyClosed):
        day_close.close_day(store, day, "leader", {})
    with pytest.raises(day_close.Refused) as err:
        day_close.close_day(store, date(2020, 1, 1), "leader", {"NOPE": 1})
    assert err.value.code == "unknown_item"
    assert day_close.closed_days(store) == [day.isoformat()]


def test_a_closed_day_reprints_and_exports(store, day, tmp_path):
    day_close.close_day(store, day, "leader", {"FRU-1": 1})
    slip = day_close.closing_slip(store, day, reprint=True)
    assert slip.closed_by == "王芳" and slip.returns == 1 and slip.reprint
    assert slip.discrepancies == [CountLine("苹果 1kg", 2, 1)] and slip.counted_products == 1
    body = [ln.text for ln in layout(slip, 58) if isinstance(ln, Text)]
    assert "盘点：1 种商品" in body and "日结人：王芳" in body and "** 补打 **" in body
    assert any(t.startswith("苹果 1kg") and t.endswith("应2 实1 差-1") for t in body)
    out = day_close.export_closing(store, day, tmp_path / "day.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["日结", day.isoformat()]
    assert ["FRU-1", "苹果 1kg", "4", "2", "0", "2", "1", "-1"] in rows
    with pytest.raises(day_close.Refused) as err:
        day_close.closing_slip(store, date(2020, 1, 1))
    assert err.value.code == "day_not_closed"


def test_closing_slip_bytes_with_operators_and_discrepancies():
    slip = DaySummary(
        day=date(2026, 11, 22), station=StationInfo("幸福里自提点", "ST-0042"), pickups=41,
        orders_handed=40, items_handed=97, uncollected=3, shortages=2, undos=1, returns=2,
        operators=[OperatorSummaryLine("王芳", 30, 71, 2, 2, 0),
                   OperatorSummaryLine("小李", 11, 26, 0, 0, 1)],
        counted_products=12, discrepancies=[CountLine("赣南脐橙 2.5kg", 5, 4),
                                            CountLine("鲜牛奶 950ml", 3, 4)],
        closed_by="王芳", closed_at=datetime(2026, 11, 22, 21, 5, tzinfo=UTC),
        printed_at=datetime(2026, 11, 22, 21, 6, tzinfo=UTC))
    for mm in (58, 80):
        lines = layout(slip, mm)
        body = [ln.text for ln in lines if isinstance(ln, Text)]
        assert any(t.startswith("王芳") and t.split()[-5:] == ["30", "71", "2", "2", "0"]
                   for t in body)
        assert any(t.endswith("应3 实4 差+1") for t in body)
        data = escpos_cn.encode(lines, paper_size(mm), "text", None)
        assert data == (GOLDEN / f"day_closing_{mm}.bin").read_bytes()
    # a plain day summary (no closing) prints exactly as before: no closing block
    plain = [ln.text for ln in layout(DaySummary(day=date(2026, 11, 22)), 58)
             if isinstance(ln, Text)]
    assert not any("盘点" in t or "日结人" in t or "退回" in t for t in plain)
