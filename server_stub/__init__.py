"""The central sync server of pickup-station (FastAPI + SQLAlchemy Core; SQLite or PostgreSQL).

Rooms:
    __main__.py    `pickup-sync-server` / `python -m server_stub` (serve, import-csv, migrate)
    runner.py      `start_server_thread(...)` -> RunningServer: real uvicorn on loopback
    app.py         `create_app(config)`: routes, error envelope, limits
    config.py      ServerConfig (env: DATABASE_URL, PICKUP_ADMIN_TOKEN, PICKUP_* limits)
    db.py          engine, read/write units of work (SQLite WAL + one writer; PG advisory lock)
    migrations.py  versioned schema runner (`schema_migrations`), SQLite and PostgreSQL
    models.py      the tables (Core)          schemas.py  wire models (pydantic)
    deps.py        who is calling (Bearer)    limits.py   413 body limits, 429 flood control
    errors.py      {"error": {"code", "message"}} for every failure
    routes/        hq.py (admin token), sync.py (station token), imports.py (CSV)
    services/      batches.py (PUT/dispatch/cancel + change feed), feed.py (pull),
                   events.py (push), reports.py (reconciliation, pickups feed)
    csv_import.py  CSV batches with per-line errors
"""
