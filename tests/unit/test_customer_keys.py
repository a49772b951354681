"""Orders read from a manifest here are grouped by opaque keys: nothing stored at the station
lets anyone go back from a key to a phone number (no unkeyed hash of the phone)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from pickup_station.core.manifest import import_manifest_file
from pickup_station.store.db import Store
from pickup_station.store.models import Order

MANIFEST = {"batches": [{"batch_id": "B1", "orders": [
    {"order_id": "O1", "customer_name": "王芳", "phone": "13812345678",
     "items": [{"sku": "S1", "name": "鸡蛋", "qty": 1}]},
    {"order_id": "O2", "customer_name": "王芳", "phone": "+86 138-1234-5678",
     "items": [{"sku": "S2", "name": "牛奶", "qty": 2}]},
    {"order_id": "O3", "customer_name": "李娜", "phone": "13900001111",
     "items": [{"sku": "S1", "name": "鸡蛋", "qty": 1}]},
]}]}


def keys_after_import(tmp_path, name: str) -> dict[str, str]:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(MANIFEST, ensure_ascii=False), encoding="utf-8")
    store = Store.in_dir(tmp_path / name)
    try:
        import_manifest_file(store, path)
        with store.reader() as s:
            return dict(s.execute(select(Order.order_id, Order.customer_key)).all())
    finally:
        store.close()


def test_one_customer_one_key_and_no_key_follows_from_the_phone(tmp_path):
    first = keys_after_import(tmp_path, "a")
    assert first["O1"] == first["O2"] != first["O3"]  # one customer, two spellings of a phone
    second = keys_after_import(tmp_path, "b")
    assert second["O1"] == second["O2"] and second["O1"] != first["O1"]  # not a function of it
    # no hash of any phone that the masked number leaves open gives the key
    candidates = {hashlib.sha256(f"cust:138{n:04d}5678".encode()).hexdigest()[:32]
                  for n in range(10_000)} | {hashlib.sha256(f"138{n:04d}5678".encode()).hexdigest()
                                             for n in range(10_000)}
    assert not candidates & set(first.values())
