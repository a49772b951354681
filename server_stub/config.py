"""Settings of the sync server: where its data lives, which database, the HQ admin token, limits.

Everything has a default; the environment (`DATABASE_URL`, `PICKUP_ADMIN_TOKEN`, `PICKUP_*`
limits) and the command line override it; tests and benches pass overrides to `ServerConfig`.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pickup_station.sync import protocol as P

DB_FILENAME = "sync_server.sqlite3"
ADMIN_TOKEN_FILENAME = "admin_token"
SERVER_SECRET_FILENAME = "server_secret"

# Published limits (part of the contract, declared once in pickup_station.sync.protocol).
PUSH_MAX_BYTES = P.PUSH_MAX_BYTES
PUSH_MAX_EVENTS = P.PUSH_MAX_EVENTS
BATCH_MAX_BYTES = P.BATCH_MAX_BYTES
DEFAULT_MAX_BYTES = P.DEFAULT_MAX_BYTES
PULL_DEFAULT_LIMIT = P.PULL_LIMIT_DEFAULT
PULL_MAX_LIMIT = P.PULL_LIMIT_MAX
FEED_DEFAULT_LIMIT = P.FEED_LIMIT_DEFAULT
FEED_MAX_LIMIT = P.FEED_LIMIT_MAX
CLOCK_SKEW_OK_SECONDS = P.CLOCK_SKEW_LIMIT_S


class ServerConfig(BaseSettings):
    """How one sync server runs: defaults, then the environment, then explicit values.

    Environment: DATABASE_URL, PICKUP_ADMIN_TOKEN, PICKUP_SERVER_SECRET and PICKUP_<SETTING>
    for every other field (PICKUP_STATION_BURST, PICKUP_MAX_CONCURRENT_SYNC, ...).
    """

    model_config = SettingsConfigDict(env_prefix="PICKUP_", env_ignore_empty=True,
                                      populate_by_name=True, extra="forbid")

    data_dir: Path
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "database_url"))
    admin_token: str | None = None
    # keys the customer grouping key (HMAC); made on first start and kept in the data dir
    server_secret: str | None = None
    # Flood control for the station endpoints (/api/v1/sync/*): a token bucket per station
    # (requests per second, burst) and a cap on authenticated requests in flight.
    # Over either -> 429 with Retry-After.
    station_rate_per_s: float = 50.0
    station_burst: int = 100
    # below worker_threads: HQ always finds threads free while stations queue (429 + Retry-After)
    max_concurrent_sync: int = 32
    # of those, how many are worked on at once (the others wait their turn on the event loop,
    # holding no thread): fewer threads fighting for the interpreter, so HQ stays quick in a
    # storm. Pushes on SQLite wait for the one writer instead (services/push_writer.py).
    station_lanes: int = Field(8, ge=1)
    retry_after_s: int = 2
    # Body limits per request kind (bytes).
    push_max_bytes: int = PUSH_MAX_BYTES
    batch_max_bytes: int = BATCH_MAX_BYTES
    default_max_bytes: int = DEFAULT_MAX_BYTES
    # Slow or silent clients are cut after these (published at /api/v1/limits):
    header_timeout_s: float = 10.0  # from connect (or the previous answer) to complete headers
    body_timeout_s: float = 20.0  # from headers to the last byte of the body
    keep_alive_timeout_s: float = 15.0  # idle between requests
    # Threads uvicorn/anyio may use for the (synchronous) endpoints.
    worker_threads: int = 40
    log_level: str = "warning"
    # the address stations use to reach this server, put in the pairing code HQ shows
    # (PICKUP_PUBLIC_URL); unset: the address HQ's own request came in on
    public_url: str | None = None
    # The HQ console (server_stub/console/): "today" and the times it shows are in this zone.
    hq_timezone: str = "Asia/Shanghai"
    extra: dict = Field(default_factory=dict)
    # Notices to customers (issue 11; docs/protocol.md "Notices"). notify_notifier: auto
    # (webhook when a URL is set, else log), webhook, log (masked lines, for the demo), off.
    notify_notifier: str = Field("auto", pattern="^(auto|webhook|log|off)$")
    notify_webhook_url: str | None = None  # the chain's SMS / mini-program service
    notify_webhook_secret: str | None = None  # HMAC-SHA256 key the receiver checks
    notify_webhook_timeout_s: float = Field(5.0, gt=0)
    notify_send_phone: bool = True  # the full phone in the webhook body (for SMS)
    notify_senders: int = Field(8, ge=1, le=64)  # concurrent deliveries
    notify_batch: int = Field(200, ge=1, le=5000)  # claimed and in flight at once
    notify_poll_s: float = Field(0.5, gt=0)  # how often the outbox is looked at when idle
    notify_lease_s: float = Field(60.0, gt=0)  # claim lease (longer when the queue needs it)
    notify_backoff_base_s: float = Field(5.0, gt=0)  # 1st retry after ~this, doubling, jittered
    notify_backoff_max_s: float = Field(900.0, gt=0)
    notify_give_up_s: float = Field(86_400.0, gt=0)  # then the notice is dead (HQ may retry)
    notify_overdue_hours: float = Field(48.0, ge=0)  # reminder after arrival; 0 = never
    notify_overdue_horizon_days: float = Field(14.0, gt=0)  # older arrivals are not swept
    notify_sweep_interval_s: float = Field(60.0, gt=0)

    def __init__(self, data_dir: Path | str | None = None, /, **values):
        if data_dir is not None:
            values["data_dir"] = Path(data_dir)
        super().__init__(**values)

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
        unknown = set(overrides) - set(cls.model_fields)
        if unknown:
            raise TypeError(f"unknown server setting: {', '.join(sorted(unknown))}")
        return cls(data_dir, **{k: v for k, v in overrides.items() if v is not None})


def _kept_secret(config: ServerConfig, filename: str) -> tuple[str, Path, bool]:
    """A secret kept in the data dir (0600), made now when absent. (value, path, made)."""
    path = config.data_dir / filename
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value, path, False
    value = secrets.token_urlsafe(32)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value, path, True


def ensure_server_secret(config: ServerConfig) -> str:
    """The key of customer grouping keys: given (PICKUP_SERVER_SECRET) or kept in the data dir.
    Stations cannot compute it, so a key says nothing about the phone number behind it."""
    if not config.server_secret:
        config.server_secret = _kept_secret(config, SERVER_SECRET_FILENAME)[0]
    return config.server_secret


def ensure_admin_token(config: ServerConfig, *, announce=True) -> str:
    """The HQ admin token: given, or kept in the data dir, or made now and printed once."""
    if config.admin_token:
        return config.admin_token
    token, path, made = _kept_secret(config, ADMIN_TOKEN_FILENAME)
    if made and announce:
        print(
            f"管理员令牌 / HQ admin token (shown once, kept in {path}):\n{token}",
            file=sys.stderr,
            flush=True,
        )
    config.admin_token = token
    return token
