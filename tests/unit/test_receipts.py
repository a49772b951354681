"""Receipt content from the store and its layout on 58 / 80 mm paper (no Qt, no printer)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pickup_station.core.papers import (
    DaySummary,
    PickupReceipt,
    ReceiptNotFound,
    StationInfo,
    make_test_page,
    pickup_receipt_from_store,
    shelf_label_from_store,
)
from pickup_station.core.papers.layout import (
    Cut,
    Qr,
    Text,
    display_width,
    layout,
    paper_size,
    two_columns,
    wrap,
)
from pickup_station.demo.receipt_samples import IDS, day_summary, seed
from pickup_station.store.db import Store, iso
from pickup_station.store.models import Order, Pickup

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def seeded(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    seed(store)
    yield store
    store.close()


def texts(lines) -> list[str]:
    return [ln.text for ln in lines if isinstance(ln, Text)]


def test_display_width_counts_chinese_and_full_width_punctuation_as_two():
    assert display_width("abc") == 3
    assert display_width("提货") == 4
    assert display_width("，。！（）￥×") == 14
    assert display_width("A-3-12 张三") == 11


@pytest.mark.parametrize("width", [10, 16, 31, 32, 48])
def test_wrap_never_exceeds_width_and_keeps_every_character(width):
    text = "农夫山泉饮用天然水 550ml×24瓶/箱 特惠装（限购两箱）Fresh milk 1L"
    rows = wrap(text, width)
    assert all(display_width(r) <= width for r in rows)
    assert "".join(rows).replace(" ", "") == text.replace(" ", "")


def test_two_columns_puts_quantity_flush_right_on_the_last_row():
    rows = two_columns("农夫山泉饮用天然水 550ml×24瓶/箱 特惠装", "x12", 32)
    assert all(display_width(r) <= 32 for r in rows)
    assert rows[-1].endswith("x12") and display_width(rows[-1]) == 32


def test_receipt_from_store_has_station_local_time_masked_customer_and_items(seeded):
    with seeded.reader() as s:
        r = pickup_receipt_from_store(s, IDS.short_pickup)
    assert r.station == StationInfo("幸福里社区自提点（3号楼便利店）", "ST-0042",
                                    "杭州市西湖区文三路 123 号幸福里小区 3 幢 1 楼")
    # stored 02:05:03 UTC, the station is in Asia/Shanghai (Meta station_tz)
    assert r.picked_at == datetime(2026, 11, 22, 10, 5, 3, tzinfo=SHANGHAI)
    assert r.picked_at.utcoffset().total_seconds() == 8 * 3600
    assert r.customer_name == "欧**娜" and r.phone == "139****5678"
    assert r.operator_name == "王小明" and r.receipt_no == IDS.receipt_short
    assert [(i.name, i.qty) for i in r.items_handed] == [("紫皮洋葱 1kg", 2)]
    assert [(i.name, i.qty, i.reason) for i in r.items_not_handed] == [
        ("土鸡蛋 30枚", 1, "damaged"), ("五常大米 5kg", 1, "short")]
    assert r.qty_handed == 2 and r.qty_not_handed == 2 and not r.reprint


def test_receipt_lookup_by_receipt_number_and_missing_pickup(seeded):
    with seeded.reader() as s:
        assert pickup_receipt_from_store(s, IDS.receipt_full).order_id == IDS.order_full
        with pytest.raises(ReceiptNotFound) as err:
            pickup_receipt_from_store(s, "nope")
    assert "找不到" in err.value.message("zh_CN") and "nope" in err.value.message("en")


def test_unmasked_phone_in_store_is_masked_on_paper(seeded):
    with seeded.session() as s:
        s.get(Order, IDS.order_full).phone_masked = "13812345678"
    with seeded.reader() as s:
        assert pickup_receipt_from_store(s, IDS.full_pickup).phone == "138****5678"


@pytest.mark.parametrize("mm", [58, 80])
def test_receipt_layout_fits_the_paper_and_says_everything(seeded, mm):
    with seeded.reader() as s:
        r = pickup_receipt_from_store(s, IDS.full_pickup, reprint=True,
                                      now=datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    lines = layout(r, mm)
    cols = paper_size(mm).columns
    for ln in lines:
        if isinstance(ln, Text):
            assert display_width(ln.text) <= (cols // 2 if ln.large else cols), ln
    body = "\n".join(texts(lines))
    for needle in ("2026-11-22 10:05:03", IDS.order_full, "B-20261122-A", "张*丰",
                   "138****1234", "代取：李四（邻居）", "操作员：王小明", IDS.receipt_full,
                   "有机西红柿 500g", "补打", "补打时间 2026-11-22 18:00:00"):
        assert needle in body, needle
    assert "-" * cols in body
    qrs = [ln for ln in lines if isinstance(ln, Qr)]
    assert [q.data for q in qrs] == [IDS.receipt_full]
    assert isinstance(lines[-1], Cut)


def test_receipt_without_shortage_has_no_shortage_block_and_undone_is_marked(seeded):
    with seeded.reader() as s:
        body = "\n".join(texts(layout(pickup_receipt_from_store(s, IDS.full_pickup))))
    assert "未提" not in body and "补打" not in body and "已提 6 件" in body
    with seeded.session() as s:
        s.get(Pickup, IDS.full_pickup).undone_at = iso(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    with seeded.reader() as s:
        body = "\n".join(texts(layout(pickup_receipt_from_store(s, IDS.full_pickup))))
    assert "已撤销" in body and "撤销时间 2026-11-22 11:00:00" in body


def test_shortage_lines_say_why(seeded):
    with seeded.reader() as s:
        body = "\n".join(texts(layout(pickup_receipt_from_store(s, IDS.short_pickup), 80)))
    assert "土鸡蛋 30枚（破损）" in body and "五常大米 5kg（缺货）" in body
    assert "未提 2 件" in body


def test_control_bytes_in_a_name_never_reach_the_paper(seeded):
    with seeded.session() as s:
        s.get(Pickup, IDS.full_pickup).proxy_name = "李四\x1b@\x1dV\x00\n邻居"
    with seeded.reader() as s:
        lines = layout(pickup_receipt_from_store(s, IDS.full_pickup))
    for t in texts(lines):
        assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in t), repr(t)
    assert any("李四@V 邻居" in t for t in texts(lines))


def test_shelf_label_counts_items_that_came_and_shows_slot_large(seeded):
    with seeded.reader() as s:
        label = shelf_label_from_store(s, IDS.order_short)
        with pytest.raises(ReceiptNotFound):
            shelf_label_from_store(s, "missing")
    assert label.shelf_slot == "B-1-07" and label.pickup_code == "605117"
    assert label.item_count == 3  # 1 + (1 - 1 short) + 2
    assert label.customer_name == "欧**娜"
    lines = layout(label, 58)
    large = [ln.text for ln in lines if isinstance(ln, Text) and ln.large]
    assert "B-1-07" in large and "605117" in large
    assert "件数：共 3 件（3 种）" in texts(lines)


def test_day_summary_from_plain_dict_and_layout():
    d = day_summary()
    assert d.day == date(2026, 11, 22) and d.station.station_id == "ST-0042"
    assert [b.batch_id for b in d.batches] == ["B-20261122-A", "B-20261122-B"]
    for mm in (58, 80):
        body = texts(layout(d, mm))
        assert any(t.startswith("已提件数") and t.endswith("112") for t in body)
        assert any(t.startswith("B-20261122-B") and t.split()[-4:] == ["11", "9", "2", "1"]
                   for t in body)
    minimal = DaySummary.from_dict({"date": "2026-11-23", "pickups": 3, "unknown_key": 1})
    assert minimal.pickups == 3 and minimal.batches == []
    with pytest.raises(ValueError):
        DaySummary.from_dict({"pickups": 1})


def test_test_page_shows_columns_and_punctuation():
    page = make_test_page(StationInfo("测试点"), "file /tmp/x · 58 mm · text")
    body = texts(layout(page, 58))
    assert "12345678901234567890123456789012" in body
    assert any("，。" in t for t in body)


def test_receipt_dataclass_can_be_built_by_hand():
    r = PickupReceipt(StationInfo("点"), datetime(2026, 1, 1, 9, 0), "O1", "B1", "王*", "",
                      "R1", "店员")
    assert texts(layout(r))[0] == "点"
