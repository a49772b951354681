"""The central sync server of pickup-station (FastAPI + SQLAlchemy Core; SQLite or PostgreSQL).

Rooms:
    __main__.py    `pickup-sync-server` / `python -m server_stub` (serve, import-csv, migrate)
    runner.py      `start_server_thread(...)` -> RunningServer: real uvicorn on loopback
    app.py         `create_app(config)`: routers, error envelope, limits
    config.py      ServerConfig (pydantic-settings: DATABASE_URL, PICKUP_ADMIN_TOKEN, PICKUP_*)
    db.py          engine, read/write units of work (SQLite WAL + one writer; PG advisory lock)
    migrations.py  Alembic runner (revisions in alembic/versions/), legacy translation, drift
    models.py      the tables (Core)
    schemas.py     HQ wire models; the station's half is pickup_station.sync.protocol
    deps.py        SessionDep / ReadSessionDep / FeedSessionDep, AdminDep, CurrentStation
    limits.py      413 body limits, 429 flood control, read deadlines
    errors.py      domain errors -> {"error": {"code", "message"}} for every failure
    routes/        one router per resource: stations, batches, orders, pickups, sync, imports,
                   meta (health, limits)
    services/      use cases; take a connection, never commit, raise domain errors:
                   stations, batches, feed (pull), events (push), reports, csv_import
"""
