"""`pickup-sync-server [--host 127.0.0.1] [--port 8765] [--data-dir DIR]` / `python -m server_stub`.

Environment: DATABASE_URL (default: a SQLite file in the data dir; `postgresql+psycopg://...`
for PostgreSQL), PICKUP_ADMIN_TOKEN (else one is generated on first start, printed once and kept
in the data dir), PICKUP_STATION_RATE_PER_S / PICKUP_STATION_BURST / PICKUP_MAX_CONCURRENT_SYNC.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import platformdirs

DEFAULT_DATA_DIR = Path(platformdirs.user_data_dir("pickup-sync-server", appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pickup-sync-server",
                                description="Sync server for pickup stations (自提点同步服务器)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    p.add_argument("--log-level", default="info")
    p.add_argument("--workers", type=int, default=1,
                   help="uvicorn worker processes (PostgreSQL only; SQLite has one writer)")
    sub = p.add_subparsers(dest="command")
    imp = sub.add_parser("import-csv", help="import batches from a CSV file (one line per item)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    mig = sub.add_parser("migrate", help="bring the database schema up to date and exit")
    mig.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    from .console.users_cli import add_parser as add_user_parser

    add_user_parser(sub)  # `user add NAME --role admin|viewer`, passwd, disable, enable, list
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .config import ServerConfig, ensure_admin_token

    config = ServerConfig.from_env(args.data_dir, log_level=args.log_level)
    config.data_dir.mkdir(parents=True, exist_ok=True)  # a new folder is fine for every command
    if args.command == "import-csv":
        from .services.csv_import import import_file

        return import_file(config, args.file)
    if args.command == "migrate":
        from .db import Database

        db = Database(config.resolved_database_url)
        print(f"schema version {db.migrated_from} -> {db.version}")
        db.dispose()
        return 0
    if args.command == "user":
        from .console.users_cli import run as run_user_command
        from .db import Database

        db = Database(config.resolved_database_url)
        try:
            return run_user_command(args, db)
        finally:
            db.dispose()
    import uvicorn

    from .app import create_app
    from .transport import WorkerGuardedH11Protocol, guarded_protocol

    ensure_admin_token(config, announce=True)
    if args.workers > 1:  # each worker process builds its app from the same settings
        from .db import Database

        # the schema brought up to date once, here, before the workers open the database:
        # workers migrating a new SQLite file at once fail with "database is locked"
        Database(config.resolved_database_url).dispose()
        os.environ["PICKUP_SERVER_DATA_DIR"] = str(config.data_dir)
        os.environ["PICKUP_SERVER_LOG_LEVEL"] = args.log_level
        os.environ["PICKUP_SERVER_HEADER_TIMEOUT_S"] = str(config.header_timeout_s)
        app = "server_stub.__main__:app_from_env"
    else:
        app = create_app(config)
    print(f"pickup sync server on http://{args.host}:{args.port} (data: {config.data_dir}, "
          f"database: {config.resolved_database_url.split('@')[-1]})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                factory=args.workers > 1, workers=args.workers,
                http=(WorkerGuardedH11Protocol if args.workers > 1
                      else guarded_protocol(config.header_timeout_s)),
                timeout_keep_alive=max(1, round(config.keep_alive_timeout_s)))
    return 0


def app_from_env():
    """The app of one worker process (`--workers N`): settings as the parent read them."""
    from .app import create_app
    from .config import ServerConfig

    config = ServerConfig.from_env(Path(os.environ["PICKUP_SERVER_DATA_DIR"]),
                                   log_level=os.environ.get("PICKUP_SERVER_LOG_LEVEL"))
    return create_app(config, announce_token=False, one_process=False)


if __name__ == "__main__":
    sys.exit(main())
