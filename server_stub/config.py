"""Settings of the sync server: where its data lives, which database, the HQ admin token, limits.

Everything has a default; the environment (`DATABASE_URL`, `PICKUP_ADMIN_TOKEN`, `PICKUP_*`
limits) and the command line override it; tests and benches pass overrides to `ServerConfig`.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

DB_FILENAME = "sync_server.sqlite3"
ADMIN_TOKEN_FILENAME = "admin_token"

# Published limits (part of the contract, see docs/protocol.md).
PUSH_MAX_BYTES = 2 * 1024 * 1024
PUSH_MAX_EVENTS = 500
BATCH_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_BYTES = 256 * 1024
PULL_DEFAULT_LIMIT = 500
PULL_MAX_LIMIT = 2000
FEED_DEFAULT_LIMIT = 500
FEED_MAX_LIMIT = 2000
CLOCK_SKEW_OK_SECONDS = 300


@dataclass
class ServerConfig:
    """How one sync server runs. `from_env` fills it from the environment."""

    data_dir: Path
    database_url: str | None = None
    admin_token: str | None = None
    # Flood control for the station endpoints (/api/v1/sync/*):
    # a token bucket per station (requests per second, burst) and a global cap on requests in
    # flight. Over either -> 429 with Retry-After.
    station_rate_per_s: float = 50.0
    station_burst: int = 100
    max_concurrent_sync: int = 64
    retry_after_s: int = 2
    # Body limits per request kind (bytes).
    push_max_bytes: int = PUSH_MAX_BYTES
    batch_max_bytes: int = BATCH_MAX_BYTES
    default_max_bytes: int = DEFAULT_MAX_BYTES
    # Threads uvicorn/anyio may use for the (synchronous) endpoints.
    worker_threads: int = 40
    log_level: str = "warning"
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)

    @property
    def resolved_database_url(self) -> str:
        url = self.database_url
        if url:
            # plain postgres URLs mean psycopg 3 here (psycopg2 is not installed)
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix):]
            return url
        return f"sqlite:///{self.data_dir / DB_FILENAME}"

    @classmethod
    def from_env(cls, data_dir: Path, **overrides) -> ServerConfig:
        """Defaults, then the environment, then explicit overrides (None means 'not given')."""
        values: dict = {"data_dir": data_dir}
        env = os.environ
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("PICKUP_ADMIN_TOKEN"):
            values["admin_token"] = env["PICKUP_ADMIN_TOKEN"]
        numeric = {
            "PICKUP_STATION_RATE_PER_S": ("station_rate_per_s", float),
            "PICKUP_STATION_BURST": ("station_burst", int),
            "PICKUP_MAX_CONCURRENT_SYNC": ("max_concurrent_sync", int),
            "PICKUP_WORKER_THREADS": ("worker_threads", int),
        }
        for name, (attr, conv) in numeric.items():
            if env.get(name):
                values[attr] = conv(env[name])
        known = {f.name for f in fields(cls)}
        for key, value in overrides.items():
            if key not in known:
                raise TypeError(f"unknown server setting: {key}")
            if value is not None:
                values[key] = value
        return cls(**values)


def ensure_admin_token(config: ServerConfig, *, announce=True) -> str:
    """The HQ admin token: given, or kept in the data dir, or made now and printed once."""
    if config.admin_token:
        return config.admin_token
    path = config.data_dir / ADMIN_TOKEN_FILENAME
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            config.admin_token = token
            return token
    token = secrets.token_urlsafe(32)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    if announce:
        print(
            f"管理员令牌 / HQ admin token (shown once, kept in {path}):\n{token}",
            file=sys.stderr,
            flush=True,
        )
    config.admin_token = token
    return token
