"""A batch HQ sends again must not put back on the shelf what the arrival check found missing.

Found by the stateful sync test (`hq_puts_the_batch_again` + `shortages_are_not_forgotten`):
a re-PUT of the same batch (idempotent at HQ) rewrote the station's open order items with
`qty_short = 0`; the counter then offered the missing goods and, handed over partly, reported
the same shortage a second time. The same held for a manifest imported again offline.
"""

from __future__ import annotations

from sqlalchemy import select

from pickup_station.core import arrival, manifest
from pickup_station.core import operators as ops
from pickup_station.store.db import Store
from pickup_station.store.models import OrderItem
from tests.server_fixtures import HQClient, make_order

from .conftest import new_engine

ITEMS = [{"sku": "SKU-1", "name": "苹果 1kg", "qty": 3, "unit_price_cents": 100},
         {"sku": "SKU-2", "name": "鸡蛋", "qty": 2, "unit_price_cents": 100}]


def shelf(store: Store) -> dict:
    with store.reader() as s:
        return {(r.order_id, r.sku): (r.qty_short, r.qty_damaged) for r in s.execute(
            select(OrderItem.order_id, OrderItem.sku, OrderItem.qty_short, OrderItem.qty_damaged))}


def test_a_batch_put_again_keeps_the_arrival_shortages(live_server, tmp_path):
    hq = HQClient(live_server)
    token = hq.create_station("S1")
    orders = [make_order(f"O{i}", phone=f"1380000{i:04d}", items=ITEMS) for i in range(3)]
    hq.put_batch("B1", "S1", orders)
    hq.dispatch("B1")
    store = Store.in_dir(tmp_path / "st")
    with store.session() as s:
        ops.ensure_default_operators(s)
    engine = new_engine(store, live_server.url, token)
    engine.pull()
    arrival.sign_off(store, "B1", "leader", [
        arrival.ArrivalIssue("O0", "SKU-1", 2), arrival.ArrivalIssue("O1", "SKU-2", 1),
        arrival.ArrivalIssue("O1", "SKU-1", 1, "damaged")])
    before = shelf(store)
    assert before[("O0", "SKU-1")] == (2, 0) and before[("O1", "SKU-1")] == (0, 1)
    engine.push()
    hq.put_batch("B1", "S1", orders)  # the same manifest again
    report = engine.pull()
    assert report.orders == 3  # it did come down and was applied
    assert shelf(store) == before
    # HQ changed a quantity: the shortage stays, capped at what is ordered now
    orders[0]["items"] = [dict(ITEMS[0], qty=1), ITEMS[1]]
    hq.put_batch("B1", "S1", orders)
    engine.pull()
    assert shelf(store)[("O0", "SKU-1")] == (1, 0)
    store.close()


def test_a_manifest_imported_again_keeps_the_arrival_shortages(tmp_path):
    store = Store.in_dir(tmp_path / "st")
    order = {"order_id": "O1", "batch_id": "B1", "customer_name": "张三",
             "phone_masked": "138****0001", "phone_last4": "0001", "items": ITEMS}
    with store.session() as s:
        ops.ensure_default_operators(s)
        manifest.apply_batch(s, {"batch_id": "B1", "station_id": "S1"})
        manifest.apply_order(s, order)
    arrival.sign_off(store, "B1", "leader", [arrival.ArrivalIssue("O1", "SKU-2", 2)])
    with store.session() as s:
        manifest.apply_order(s, order)
    assert shelf(store)[("O1", "SKU-2")] == (2, 0)
    store.close()
