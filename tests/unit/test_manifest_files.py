"""The offline manifest parser (配送清单 from a USB stick): JSON and CSV in the server's CSV
import format, and every malformed file refused with its reason in both languages, nothing
half-imported."""

from __future__ import annotations

import json

import pytest

from pickup_station.core.manifest import import_manifest_file, order_count, parse_manifest
from pickup_station.errors import ManifestError

# the server's CSV import columns (server_stub/services/csv_import.py), one line per item
SERVER_CSV = (
    "batch_id,station_id,order_id,customer_name,phone,sku,name,qty,unit_price_cents,category,"
    "expected_at,pickup_code\n"
    "B1,S1,O1,王芳,13812345678,EGG,鸡蛋,2,1290,fresh,2026-12-02T08:00:00+08:00,123456\n"
    "B1,S1,O1,王芳,13812345678,MILK,牛奶,1,990,dairy,2026-12-02T08:00:00+08:00,123456\n"
    "B1,S1,O2,李娜,13900001111,EGG,鸡蛋,1,1290,fresh,2026-12-02T08:00:00+08:00,654321\n")


def test_the_servers_csv_format_loads_with_its_items_grouped(tmp_path, store):
    path = tmp_path / "manifest.csv"
    path.write_text(SERVER_CSV, encoding="utf-8")
    [batch] = parse_manifest(path)
    assert batch["batch_id"] == "B1" and [o["order_id"] for o in batch["orders"]] == ["O1", "O2"]
    assert [i["sku"] for i in batch["orders"][0]["items"]] == ["EGG", "MILK"]
    report = import_manifest_file(store, path)
    assert (report.batches, report.orders) == (1, 2)
    with store.reader() as s:
        assert order_count(s) == 2


def test_a_csv_saved_by_excel_on_chinese_windows_gb18030_loads(tmp_path):
    path = tmp_path / "清单.csv"
    path.write_bytes(SERVER_CSV.encode("gb18030"))
    [batch] = parse_manifest(path)
    assert batch["orders"][1]["customer_name"] == "李娜"


def test_json_with_one_batch_or_a_list(tmp_path):
    order = {"order_id": "O1", "customer_name": "王芳", "phone": "13812345678",
             "items": [{"sku": "S", "name": "鸡蛋", "qty": 1}]}
    for doc in ({"batch_id": "B1", "orders": [order]}, [{"batch_id": "B1", "orders": [order]}],
                {"batches": [{"batch_id": "B1", "orders": [order]}]}):
        path = tmp_path / "m.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert [b["batch_id"] for b in parse_manifest(path)] == ["B1"]


MALFORMED = [
    ("cut.json", b'{"batches": [{"batch_id": "B1", "orders": [', "manifest.bad_json",
     "不是有效的 JSON"),
    ("empty.json", b"{}", "manifest.batch_without_orders", None),
    ("nobatch.json", b"[]", "manifest.no_batch", None),
    ("noorders.json", b'{"batches": [{"batch_id": "B1"}]}', "manifest.batch_without_orders",
     None),
    ("columns.csv", b"batch_id,order_id\nB1,O1\n", "manifest.csv_lacks_columns", "qty"),
    ("qty.csv", "batch_id,order_id,customer_name,sku,name,qty\nB1,O1,王,S,蛋,two\n".encode(),
     "manifest.line_bad_number", None),
    ("blank.csv", "batch_id,order_id,customer_name,sku,name,qty\nB1,,王,S,蛋,1\n".encode(),
     "manifest.line_lacks", "order_id"),
    ("header.csv", b"batch_id,order_id,customer_name,sku,name,qty\n", "manifest.no_order", None),
    ("binary.csv", bytes(range(256)) * 4, None, None),
]


@pytest.mark.parametrize(("name", "content", "key", "words"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_refused_with_its_reason_and_nothing_is_stored(
        tmp_path, store, name, content, key, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ManifestError) as refused:
        import_manifest_file(store, path)
    if key is not None:
        assert refused.value.key == key
    zh, en = refused.value.message("zh_CN"), refused.value.message("en")
    assert zh and en and zh != en
    if words is not None:
        assert words in zh + en
    with store.reader() as s:
        assert order_count(s) == 0


def test_a_bad_order_in_the_middle_stores_nothing_of_the_file(tmp_path, store):
    bad = SERVER_CSV.replace("654321", "65432")  # a pickup code must be 6 digits
    path = tmp_path / "m.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ManifestError):
        import_manifest_file(store, path)
    with store.reader() as s:
        assert order_count(s) == 0


def test_a_missing_file_is_said(tmp_path, store):
    with pytest.raises(ManifestError) as refused:
        import_manifest_file(store, tmp_path / "nope.json")
    assert "nope.json" in refused.value.message("en")
