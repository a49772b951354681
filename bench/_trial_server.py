"""The sync server of the trials as a real uvicorn process with several workers.

`ServerProcess(data_dir, workers=2)` migrates the database once, then runs
`uvicorn _trial_server:make_app --factory --workers N` on a fixed loopback port (so a restart
comes back at the same address). PostgreSQL at 127.0.0.1:5432 (db `test`, user `postgres`)
is used when it answers, in a fresh schema dropped by `drop_database()`; else a SQLite file.
Only the HTTP contract of DESIGN.md is used from outside.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_CONNINFO = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_app():
    """The uvicorn factory each worker calls (settings from the environment)."""
    from server_stub.app import create_app
    from server_stub.config import ServerConfig

    config = ServerConfig.from_env(Path(os.environ["PICKUP_TRIAL_DATA_DIR"]))
    return create_app(config, announce_token=False, one_process=False)


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_CONNINFO):
            return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, *, workers: int = 2, database: str = "auto",
                 port: int | None = None, env: dict | None = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_urlsafe(24)
        self.schema: str | None = None
        use_pg = database == "postgres" or (database == "auto" and pg_available())
        if use_pg:
            import psycopg

            self.schema = "trial_" + uuid.uuid4().hex[:12]
            with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{self.schema}"')
            self.database_url = f"{PG_BASE}?options=-csearch_path%3D{self.schema}"
        else:
            self.database_url = f"sqlite:///{self.data_dir / 'sync_server.sqlite3'}"
        self.kind = "postgres" if use_pg else "sqlite"
        self.env = dict(os.environ, DATABASE_URL=self.database_url,
                        PICKUP_ADMIN_TOKEN=self.admin_token,
                        PICKUP_TRIAL_DATA_DIR=str(self.data_dir),
                        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]), **(env or {}))
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        subprocess.run([sys.executable, "-m", "server_stub", "migrate", "--data-dir",
                        str(self.data_dir)], env=self.env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.data_dir / "uvicorn.log", "ab")  # noqa: SIM115 - kept by the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "_trial_server:make_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
             "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "30",
             # the server's own connections: a deadline for the request headers, as
             # `python -m server_stub --workers N` runs it (server_stub/transport.py)
             "--http", "server_stub.transport:WorkerGuardedH11Protocol",
             "--backlog", "4096"],
            env=self.env, cwd=HERE, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: see {self.data_dir / 'uvicorn.log'}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not answer in time")

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def restart(self) -> float:
        """Stop and start again on the same port; the seconds it was away."""
        t0 = time.monotonic()
        self.stop()
        self.start()
        self.restarts += 1
        return time.monotonic() - t0

    def drop_database(self) -> None:
        if self.schema:
            import psycopg

            with psycopg.connect(PG_CONNINFO, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            self.schema = None


class HQ:
    """Headquarters calls over plain HTTP with the admin token (raises on non-2xx)."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, *, ok=(200, 201), retries: int = 20, **kw):
        kw.setdefault("timeout", 30)
        last = None
        for attempt in range(retries):
            try:
                r = self.session.request(method, self.url + path, **kw)
            except requests.RequestException as exc:  # a server restart in progress
                last = exc
                time.sleep(min(2.0, 0.2 * (attempt + 1)))
                continue
            if r.status_code >= 500 or r.status_code == 429:
                last = RuntimeError(f"{method} {path}: {r.status_code} {r.text[:200]}")
                time.sleep(min(2.0, 0.2 * (attempt + 1)))
                continue
            if r.status_code not in ok:
                return r
            return r
        raise RuntimeError(f"{method} {path} kept failing: {last}")

    def json(self, method: str, path: str, **kw) -> dict:
        r = self.call(method, path, **kw)
        if not r.ok:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def create_station(self, station_id: str, name: str) -> str:
        return self.json("POST", "/api/v1/stations",
                         json={"station_id": station_id, "name": name,
                               "address": f"{name} 幸福路 {station_id[-2:]} 号",
                               "leader_name": "王团长"})["token"]

    def put_batch(self, batch_id: str, station_id: str, orders: list[dict]) -> dict:
        return self.json("PUT", f"/api/v1/batches/{batch_id}",
                         json={"station_id": station_id, "orders": orders})

    def dispatch(self, batch_id: str) -> dict:
        return self.json("POST", f"/api/v1/batches/{batch_id}/dispatch")

    def cancel(self, order_id: str, reason: str = "顾客取消 / customer cancelled"):
        return self.call("POST", f"/api/v1/orders/{order_id}/cancel", json={"reason": reason})

    def batch(self, batch_id: str) -> dict:
        return self.json("GET", f"/api/v1/batches/{batch_id}")

    def stations(self) -> list[dict]:
        return self.json("GET", "/api/v1/stations")["stations"]

    def all_pickups(self) -> list[dict]:
        out, since = [], None
        while True:
            params = {"limit": 2000}
            if since is not None:
                params["since"] = since
            page = self.json("GET", "/api/v1/pickups", params=params)
            out += page["pickups"]
            if not page.get("has_more") or not page["pickups"]:
                return out
            since = page["next_since"]
