"""Migration 0006 (issue 11) on a database with data: the batch's day at HQ, the order's value
and phone last 4 digits are filled in, and the lists read them, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from server_stub import migrations
from tests.server_fixtures import HQClient

NOW = "2026-11-20T17:00:00.000+00:00"  # 21 November at HQ (UTC+8)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0006_fills_in_what_the_lists_read(kind, tmp_path, request, server_factory):
    url = (f"sqlite:///{tmp_path / 'db.sqlite3'}" if kind == "sqlite"
           else request.getfixturevalue("pg_url_factory")())
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations.alembic_config(conn), "0004")
        conn.execute(text("INSERT INTO stations (station_id, name, created_at)"
                          " VALUES ('S1', '老店', :t)"), {"t": NOW})
        conn.execute(text(
            "INSERT INTO batches (batch_id, station_id, status, expected_at, created_at,"
            " updated_at) VALUES ('B1', 'S1', 'created', NULL, :t, :t),"
            " ('B2', 'S1', 'created', '2026-11-25T01:00:00.000+00:00', :t, :t)"), {"t": NOW})
        for oid, batch, phone in (("O1", "B1", "138-0000-1234"), ("O2", "B2", "13900005678")):
            conn.execute(text(
                "INSERT INTO orders (order_id, batch_id, station_id, customer_name, phone,"
                " pickup_token, token_sha256, pickup_code, updated_at) VALUES"
                " (:o, :b, 'S1', '张三', :p, :o, :o, '111111', :t)"),
                {"o": oid, "b": batch, "p": phone, "t": NOW})
        conn.execute(text(
            "INSERT INTO order_items (order_id, line_no, sku, name, qty, unit_price_cents)"
            " VALUES ('O1', 1, 'A', '苹果', 2, 500), ('O1', 2, 'B', '牛奶', 1, 800)"))
    engine.dispose()
    hq = HQClient(server_factory(database_url=url))  # migrates to the head
    batches = hq.request("GET", "/api/v1/batches").json()["batches"]
    assert [(b["batch_id"], b["day"], b["value_cents"]) for b in batches] == [
        ("B2", "2026-11-25", 0), ("B1", "2026-11-21", 1800)]
    found = hq.request("GET", "/api/v1/orders", params={"phone_last4": "1234"}).json()
    assert [(o["order_id"], o["phone_masked"], o["value_cents"]) for o in found["orders"]] == [
        ("O1", "138****1234", 1800)]
