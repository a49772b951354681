"""The FastAPI application of the sync server: `create_app(config)` wires everything."""

from __future__ import annotations

from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from . import console, errors
from .auth import TokenCache
from .config import ServerConfig, ensure_admin_token, ensure_server_secret
from .db import Database
from .deps import ServerContext
from .limits import BodyLimitMiddleware, StationBuckets
from .notifier import make_notifier
from .notifier.worker import NoticeWorker
from .routes import (
    batches,
    hq,
    imports,
    journal,
    leader,
    meta,
    notices,
    orders,
    pickups,
    review,
    stations,
    sync,
)
from .services.push_writer import PushWriter

API_DESCRIPTION = """Sync server of the pickup-station system (社区团购自提点).

HQ calls need the admin token, station calls (`/api/v1/sync/*`) a station token:
`Authorization: Bearer <token>` (the `bearer` security scheme: "Authorize" above, then
"Try it out"). Every error is `{"error": {"code", "message"}}`.
Limits: push 500 events / 2 MiB, batch PUT and CSV import 16 MiB, other bodies 256 KiB (413);
pull `limit` ≤ 2000; too many requests → 429 with `Retry-After`.
"""


def create_app(config: ServerConfig, *, announce_token: bool = True,
               one_process: bool = True) -> FastAPI:
    """A ready app: database migrated, admin token known. `one_process=False` for each worker
    of a server run as several processes (no station-token cache: a rotation in one worker
    must stop the old token in all of them at once)."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_admin_token(config, announce=announce_token)
    ensure_server_secret(config)
    db = Database(config.resolved_database_url, pool_size=max(5, config.worker_threads // 2))
    ctx = ServerContext(config=config, db=db,
                        buckets=StationBuckets(config.station_rate_per_s, config.station_burst),
                        tokens=TokenCache(enabled=one_process),
                        pusher=PushWriter(db) if db.dialect == "sqlite" else None)
    notifier = make_notifier(config)  # notices to customers (issue 11)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.worker_threads
        # The schema is built on first use, and every station call asks it which methods a
        # path has (errors.allowed_methods): built before the first station comes, not while
        # a storm of them waits (about a second of one core).
        app.openapi()
        worker = NoticeWorker(db, config, notifier) if notifier else None
        if worker:
            worker.start()
        yield
        if worker:
            worker.stop()
        if ctx.pusher is not None:
            ctx.pusher.stop()
        db.dispose()

    # /docs (Swagger UI) and /redoc from assets shipped in the fastapi-offline package, served
    # by this server (/static-offline-docs/...): no CDN, works on a network without internet.
    app = FastAPIOffline(title="pickup-station sync server", version="1.0.0",
                         description=API_DESCRIPTION, lifespan=lifespan,
                         swagger_ui_parameters={"persistAuthorization": True,
                                                "validatorUrl": None})
    app.state.ctx = ctx
    errors.install(app)
    # Manifest pages are repetitive JSON: gzip cuts a 2,000-order page about tenfold, which
    # matters on a shop's mobile hotspot. requests asks for it and unpacks it by itself.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    # Added last, so it runs first (outside gzip): its early answers (429 to a reconnect
    # storm, 401, 413, 408) are small and were a third of a worker's event loop in a storm
    # when they went through gzip's machinery too.
    app.add_middleware(BodyLimitMiddleware, config=config)
    for module in (stations, imports, batches, orders, pickups, sync, meta, leader, review,
                   notices, journal, hq):
        app.include_router(module.router)
    console.install(app)  # the HQ console's pages under /console (not in the API schema)
    return app
