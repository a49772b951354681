"""Schema migrations (Alembic): restarts keep data, runs are idempotent, databases made by the
old `schema_migrations` runner upgrade with their data, and the models match the migrated schema
exactly (autogenerate finds no drift) on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import create_engine, inspect, text

from server_stub import migrations, models
from server_stub.db import Database
from tests.server.conftest import build_world, pickup
from tests.server_fixtures import HQClient, StationClient


def _url(kind: str, tmp_path, request) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return request.getfixturevalue("pg_url_factory")()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("kind", BACKENDS)
def test_migrate_is_idempotent_and_models_match(kind, tmp_path, request):
    url = _url(kind, tmp_path, request)
    db = Database(url)
    assert (db.migrated_from, db.version) == (0, migrations.LATEST)
    db.dispose()
    again = Database(url)
    assert (again.migrated_from, again.version) == (migrations.LATEST, migrations.LATEST)
    insp = inspect(again.engine)
    for table in models.metadata.sorted_tables:
        actual = {c["name"] for c in insp.get_columns(table.name)}
        assert actual == {c.name for c in table.columns}, table.name
    with again.engine.connect() as conn:
        assert migrations.schema_drift(conn) == []
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert int(rev) == migrations.LATEST
    again.dispose()


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("legacy_version", [1, 2])
def test_legacy_database_has_no_drift_after_upgrade(kind, legacy_version, tmp_path, request):
    """A database of the pre-Alembic runner is translated (stamped), not rebuilt, and ends up
    with exactly the schema of a fresh one."""
    url = _url(kind, tmp_path, request)
    engine = create_engine(url)
    assert migrations.legacy_migrate(engine, target=legacy_version) == (0, legacy_version)
    assert migrations.migrate(engine) == (legacy_version, migrations.LATEST)
    assert migrations.migrate(engine) == (migrations.LATEST, migrations.LATEST)
    with engine.connect() as conn:
        assert migrations.schema_drift(conn) == []
    engine.dispose()


def test_drift_check_can_fail(tmp_path):
    """The drift check sees a missing index (so a passing check means something)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    migrations.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_events_order"))
        conn.execute(text("ALTER TABLE stations ADD COLUMN stray TEXT"))
    with engine.connect() as conn:
        found = {str(d[0]) for d in migrations.schema_drift(conn)}
    assert {"add_index", "remove_column"} <= found
    engine.dispose()


@pytest.mark.parametrize("kind", BACKENDS)
def test_newer_schema_is_refused(kind, tmp_path, request):
    url = _url(kind, tmp_path, request)
    Database(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(migrations.SchemaTooNew):
        Database(url)


def test_migrate_command(tmp_path, capsys):
    from server_stub.__main__ import main

    assert main(["--data-dir", str(tmp_path), "migrate"]) == 0
    assert f"schema version 0 -> {migrations.LATEST}" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "migrate"]) == 0
    assert f"{migrations.LATEST} -> {migrations.LATEST}" in capsys.readouterr().out


@pytest.mark.parametrize("kind", BACKENDS)
def test_version_1_database_upgrades_with_its_data(kind, tmp_path, request, server_factory):
    url = _url(kind, tmp_path, request)
    engine = create_engine(url)
    assert migrations.legacy_migrate(engine, target=1) == (0, 1)
    token = "st_old-station-token"
    now = "2026-11-20T08:00:00.000+00:00"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO stations (station_id, name, address, token_sha256, created_at)"
            " VALUES ('S1', '老店', '旧街 1 号', :h, :t)"),
            {"h": hashlib.sha256(token.encode()).hexdigest(), "t": now})
        conn.execute(text(
            "INSERT INTO batches (batch_id, station_id, status, created_at, updated_at)"
            " VALUES ('B1', 'S1', 'created', :t, :t)"), {"t": now})
        conn.execute(text(
            "INSERT INTO orders (order_id, batch_id, station_id, customer_name, phone,"
            " pickup_token, token_sha256, pickup_code, updated_at) VALUES"
            " ('O1', 'B1', 'S1', '张三', '13800001234', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',"
            " :h, '111111', :t)"),
            {"h": hashlib.sha256(b"A" * 32).hexdigest(), "t": now})
        conn.execute(text(
            "INSERT INTO order_items (order_id, line_no, sku, name, qty, unit_price_cents)"
            " VALUES ('O1', 1, 'A', '苹果', 2, 500)"))
        conn.execute(text(
            "INSERT INTO pickups (station_id, pickup_id, order_id, batch_id, receipt_no,"
            " picked_up_at, received_at, event_id, lines)"
            " VALUES ('S1', 'P-1', 'O1', 'B1', 'R-OLD', :t, :t, 'e1', '[]')"), {"t": now})
        conn.execute(text("UPDATE orders SET active_pickup = (SELECT id FROM pickups)"))
    engine.dispose()

    server = server_factory(database_url=url)
    hq = HQClient(server)
    view = hq.get_batch("B1")
    assert view["orders"][0]["status"] == "picked_up"
    assert view["orders"][0]["needs_review"] is False  # the new column, filled by default
    assert view["orders"][0]["receipt_no"] == "R-OLD"
    feed = hq.pickups()["pickups"]  # the new feed table was filled from the old pickups
    assert [p["receipt_no"] for p in feed] == ["R-OLD"]
    assert StationClient(server, token).pull()["changes"] == []  # token still valid
    again = hq.put_batch("B1", "S1", [{"order_id": "O1", "customer_name": "张三",
                                       "phone": "13800001234",
                                       "items": [{"sku": "A", "name": "苹果", "qty": 2}]}])
    assert again["orders"][0]["pickup_token"] == "A" * 32
    assert again["orders"][0]["pickup_code"] == "111111"


@pytest.mark.parametrize("kind", BACKENDS)
def test_restart_keeps_data(kind, tmp_path, request, server_factory):
    url = _url(kind, tmp_path, request) if kind == "postgres" else None
    data_dir = tmp_path / "server"
    first = server_factory(data_dir=data_dir, database_url=url)
    world = build_world(first)
    world.s1.push([pickup("O1", "P-1", receipt_no="R1")])
    world.s1.heartbeat("2.0", 5)
    admin = first.admin_token
    first.stop()

    second = server_factory(data_dir=data_dir, database_url=url)
    assert second.admin_token == admin  # kept in the data dir
    hq = HQClient(second)
    assert [s["station_id"] for s in hq.stations()] == ["S1", "S2"]
    assert hq.stations()[0]["app_version"] == "2.0"
    assert [p["receipt_no"] for p in hq.pickups()["pickups"]] == ["R1"]
    s1 = StationClient(second, world.t1)
    changes, _ = s1.pull_all()
    assert len(changes) == 4
    again = hq.put_batch("B1", "S1", [{"order_id": "O1", "customer_name": "张三",
                                       "phone": "13800001234",
                                       "items": [{"sku": "A", "name": "苹果", "qty": 2}]}])
    assert again["orders"][0]["pickup_token"] == world.token_of("O1")
    # dedup survives the restart
    assert s1.push([pickup("O1", "P-9")])[0]["reason"] == "already_picked_up"
