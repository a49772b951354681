"""The local store: pragmas, migrations, the ORM matching the migrated schema, durability."""

import sqlite3

import pytest
from sqlalchemy import inspect

from pickup_station.errors import StoreTooNew
from pickup_station.store import migrations
from pickup_station.store.db import Store
from pickup_station.store.models import Base, Meta


def test_pragmas_are_set_on_every_connection(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_orm_matches_migrated_schema(store):
    insp = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        db_cols = {c["name"] for c in insp.get_columns(table.name)}
        orm_cols = {c.name for c in table.columns}
        assert orm_cols == db_cols, table.name


def test_new_store_is_at_latest_version(store):
    assert store.version == migrations.LATEST
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST


def test_reopening_keeps_data_and_does_not_migrate_again(data_dir):
    s = Store.in_dir(data_dir)
    s.set_meta("station_id", "ST9")
    s.close()
    again = Store.in_dir(data_dir)
    assert again.migrated_from == migrations.LATEST
    assert again.get_meta("station_id") == "ST9"


def test_upgrade_from_an_older_version_keeps_rows(data_dir, monkeypatch):
    s = Store.in_dir(data_dir)
    s.set_meta("k", "v")
    s.close()
    extra = ["ALTER TABLE meta ADD COLUMN note TEXT"]
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [extra])
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    upgraded = Store.in_dir(data_dir)
    assert upgraded.migrated_from == migrations.LATEST - 1
    assert upgraded.get_meta("k") == "v"


def test_failed_migration_rolls_back_whole_step(data_dir, monkeypatch):
    Store.in_dir(data_dir).close()
    bad = ["ALTER TABLE meta ADD COLUMN note TEXT", "THIS IS NOT SQL"]
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [bad])
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with pytest.raises(sqlite3.OperationalError):
        Store.in_dir(data_dir)
    conn = sqlite3.connect(data_dir / "station.sqlite3")
    cols = [r[1] for r in conn.execute("PRAGMA table_info(meta)")]
    assert "note" not in cols
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST - 1


def test_store_from_a_newer_app_is_refused_untouched(data_dir):
    Store.in_dir(data_dir).close()
    conn = sqlite3.connect(data_dir / "station.sqlite3")
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    conn.close()
    with pytest.raises(StoreTooNew) as err:
        Store.in_dir(data_dir)
    assert "升级" in err.value.message("zh_CN")


def test_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Meta(key="half", value="done"))
        s.flush()
        raise RuntimeError("power cut")
    assert store.get_meta("half") is None


def test_reader_does_not_wait_for_a_writer(store):
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO meta VALUES ('x', 'uncommitted')")
    try:
        assert store.get_meta("x") is None  # sees the last committed snapshot at once
    finally:
        blocker.execute("ROLLBACK")


def test_a_store_opened_without_its_check_is_checked_by_check_now(station, data_dir):
    """The window opens its store without the quick_check and runs `check_now` after its first
    paint: the same finding, the same marker (and a sound store stays unmarked)."""
    from pickup_station.store import health
    from tests.sync.test_damaged_store import break_index_pages

    station.store.close()
    sound = Store.in_dir(data_dir, check_on_open=False)
    sound.check_now()
    assert sound.damage is None
    sound.close()
    break_index_pages(data_dir / "station.sqlite3")
    unchecked = Store.in_dir(data_dir, check_on_open=False)
    assert unchecked.damage is None  # not looked at yet
    unchecked.check_now()
    assert unchecked.damage is not None and unchecked.damage.check == "quick_check"
    assert health.read_marker(unchecked.path) is not None
    unchecked.close()


def test_a_store_to_be_migrated_is_checked_at_once_all_the_same(station, data_dir):
    """A damaged file is never migrated: without `check_on_open`, a pending migration still
    makes the check run first, and the store is refused untouched."""
    from pickup_station.errors import UserFacingError
    from tests.sync.test_damaged_store import break_index_pages

    station.store.close()
    path = data_dir / "station.sqlite3"
    break_index_pages(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST - 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserFacingError) as err:
        Store.in_dir(data_dir, check_on_open=False)
    assert err.value.code == "store_corrupt"
    assert path.read_bytes() == before
