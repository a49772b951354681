"""Server settings: environment, database URL forms, the admin token kept in the data dir."""

from __future__ import annotations

import pytest

from server_stub.config import ServerConfig, ensure_admin_token


def test_database_url_forms(tmp_path):
    assert ServerConfig(tmp_path).resolved_database_url == \
        f"sqlite:///{tmp_path / 'sync_server.sqlite3'}"
    for given in ("postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"):
        assert ServerConfig(tmp_path, database_url=given).resolved_database_url == \
            "postgresql+psycopg://u@h/db"


def test_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("PICKUP_ADMIN_TOKEN", "env-token")
    monkeypatch.setenv("PICKUP_STATION_BURST", "7")
    monkeypatch.setenv("PICKUP_MAX_CONCURRENT_SYNC", "9")
    cfg = ServerConfig.from_env(tmp_path, station_rate_per_s=1.5, log_level=None)
    assert (cfg.database_url, cfg.admin_token) == ("sqlite:///elsewhere.db", "env-token")
    assert (cfg.station_burst, cfg.max_concurrent_sync, cfg.station_rate_per_s) == (7, 9, 1.5)
    assert cfg.log_level == "warning"
    with pytest.raises(TypeError):
        ServerConfig.from_env(tmp_path, no_such_setting=1)


def test_admin_token_made_once_and_kept(tmp_path, capsys):
    first = ensure_admin_token(ServerConfig(tmp_path / "d"))
    assert first in capsys.readouterr().err
    again = ensure_admin_token(ServerConfig(tmp_path / "d"))
    assert again == first and capsys.readouterr().err == ""
    assert (tmp_path / "d" / "admin_token").stat().st_mode & 0o077 == 0
    assert ensure_admin_token(ServerConfig(tmp_path / "d", admin_token="given")) == "given"
