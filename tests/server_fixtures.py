"""Live sync-server fixtures: a real uvicorn server on loopback, real HTTP, real databases.

Registered as a pytest plugin in tests/conftest.py. Fixtures:

- ``live_server``: a fresh server on a fresh SQLite file (per test). Yields
  ``server_stub.runner.RunningServer`` with ``.url`` (``http://127.0.0.1:PORT``),
  ``.admin_token``, ``.data_dir``, ``.stop()``.
- ``pg_live_server``: the same on PostgreSQL at 127.0.0.1:5432 (db ``test``, user ``postgres``),
  in a fresh schema dropped after the test. Skips when PostgreSQL does not answer.
- ``any_live_server``: parametrized over ``sqlite`` and ``postgres``.
- ``server_factory``: ``server_factory(data_dir=None, database_url=None, **settings)`` starts
  more servers (e.g. ``station_burst=2`` for 429 tests, or the same ``data_dir`` again to test a
  restart); all are stopped after the test. ``pg_url_factory()`` gives a fresh PG schema URL.

Helpers (plain classes, no fixture needed)::

    hq = HQClient(server)                       # admin-token calls
    token = hq.create_station("S1", "一号店", address="幸福路 1 号")
    answer = hq.put_batch("B1", "S1", [make_order("O1"), make_order("O2", items=[...])])
    answer["orders"][0]["pickup_token"], answer["orders"][0]["pickup_code"]
    hq.dispatch("B1"); hq.cancel("O1", "customer changed mind"); hq.get_batch("B1")
    hq.rotate_token("S1") -> new token; hq.stations(); hq.pickups(station_id=, since=)
    hq.request("GET", "/api/v1/...")            # raw requests.Response, no raising

    st = StationClient(server, token)           # station-token calls (for server tests)
    st.pull(after=None, limit=None); st.push([event(...)]); st.heartbeat(...); st.locate(sha)

    make_order(order_id, customer_name="张三", phone="13800001234", items=None, **extra)
    event(type, order_id=None, batch_id=None, data=None, occurred_at=None, event_id=None)

HQClient/StationClient methods raise ``ApiCallError`` (``.status``, ``.code``, ``.body``) on a
non-2xx answer, except ``request`` which returns the response as is.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
import requests

from server_stub.runner import RunningServer, start_server_thread

PG_BASE = os.environ.get("PICKUP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_PG_CONNINFO = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
_pg_ok: bool | None = None


class ApiCallError(Exception):
    def __init__(self, response: requests.Response):
        self.status = response.status_code
        try:
            self.body = response.json()
        except ValueError:
            self.body = {"raw": response.text}
        err = self.body.get("error", {}) if isinstance(self.body, dict) else {}
        self.code = err.get("code")
        super().__init__(f"{self.status} {self.code}: {err.get('message', response.text[:200])}")


class _Client:
    def __init__(self, server: RunningServer | str, token: str):
        self.url = server if isinstance(server, str) else server.url
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, **kw)

    def _call(self, method: str, path: str, **kw) -> dict:
        r = self.request(method, path, **kw)
        if not r.ok:
            raise ApiCallError(r)
        return r.json()


class HQClient(_Client):
    """Headquarters calls with the admin token."""

    def __init__(self, server: RunningServer, token: str | None = None):
        super().__init__(server, token or server.admin_token)

    def create_station(self, station_id: str, name: str | None = None, *,
                       address: str | None = "测试路 1 号", leader_name: str | None = None) -> str:
        body = {"station_id": station_id, "name": name or f"自提点 {station_id}",
                "address": address, "leader_name": leader_name}
        return self._call("POST", "/api/v1/stations", json=body)["token"]

    def rotate_token(self, station_id: str) -> str:
        return self._call("POST", f"/api/v1/stations/{station_id}/token")["token"]

    def stations(self) -> list[dict]:
        return self._call("GET", "/api/v1/stations")["stations"]

    def put_batch(self, batch_id: str, station_id: str, orders: list[dict], *,
                  expected_at: str | None = None) -> dict:
        body = {"station_id": station_id, "orders": orders}
        if expected_at:
            body["expected_at"] = expected_at
        return self._call("PUT", f"/api/v1/batches/{batch_id}", json=body)

    def dispatch(self, batch_id: str) -> dict:
        return self._call("POST", f"/api/v1/batches/{batch_id}/dispatch")

    def cancel(self, order_id: str, reason: str = "customer cancelled") -> dict:
        return self._call("POST", f"/api/v1/orders/{order_id}/cancel", json={"reason": reason})

    def get_batch(self, batch_id: str) -> dict:
        return self._call("GET", f"/api/v1/batches/{batch_id}")

    def pickups(self, station_id: str | None = None, since: str | None = None,
                limit: int | None = None) -> dict:
        params = {k: v for k, v in (("station_id", station_id), ("since", since),
                                    ("limit", limit)) if v is not None}
        return self._call("GET", "/api/v1/pickups", params=params)

    def import_csv(self, text: str) -> dict:
        return self._call("POST", "/api/v1/batches/import", data=text.encode("utf-8"),
                          headers={"Content-Type": "text/csv; charset=utf-8"})


class StationClient(_Client):
    """Station calls with a station token (a tiny client for server tests)."""

    def pull(self, after: str | None = None, limit: int | None = None) -> dict:
        params = {k: v for k, v in (("after", after), ("limit", limit)) if v is not None}
        return self._call("GET", "/api/v1/sync/pull", params=params)

    def pull_all(self, after: str | None = None, limit: int = 2000) -> tuple[list[dict], str]:
        changes: list[dict] = []
        while True:
            page = self.pull(after, limit)
            changes += page["changes"]
            after = page["cursor"]
            if not page["has_more"]:
                return changes, after

    def push(self, events: list[dict]) -> list[dict]:
        return self._call("POST", "/api/v1/sync/push", json={"events": events})["results"]

    def heartbeat(self, app_version: str = "test", pending_events: int = 0,
                  station_time: str | None = None) -> dict:
        body = {"app_version": app_version, "pending_events": pending_events}
        if station_time:
            body["station_time"] = station_time
        return self._call("POST", "/api/v1/sync/heartbeat", json=body)

    def locate(self, token_sha256: str) -> dict:
        return self._call("GET", "/api/v1/sync/locate", params={"token_sha256": token_sha256})


def make_order(order_id: str, *, customer_name: str = "张三", phone: str = "13800001234",
               items: list[dict] | None = None, **extra) -> dict:
    order = {"order_id": order_id, "customer_name": customer_name, "phone": phone,
             "items": items or [{"sku": "SKU-1", "name": "苹果 1kg", "qty": 2,
                                 "unit_price_cents": 1290, "category": "fruit"}]}
    order.update(extra)
    return order


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def event(type: str, *, order_id: str | None = None, batch_id: str | None = None,
          data: dict | None = None, occurred_at: str | None = None,
          event_id: str | None = None) -> dict:
    ev = {"event_id": event_id or str(uuid.uuid4()), "type": type,
          "occurred_at": occurred_at or now_iso(), "data": data or {}}
    if order_id:
        ev["order_id"] = order_id
    if batch_id:
        ev["batch_id"] = batch_id
    return ev


def pg_available() -> bool:
    global _pg_ok
    if _pg_ok is None:
        import psycopg

        try:
            with psycopg.connect(_PG_CONNINFO):
                _pg_ok = True
        except (ImportError, OSError, psycopg.Error):
            _pg_ok = False
    return _pg_ok


class _PgSchemas:
    def __init__(self):
        self.created: list[str] = []

    def new_url(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(_PG_CONNINFO, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        self.created.append(name)
        return f"{PG_BASE}?options=-csearch_path%3D{name}"

    def drop_all(self) -> None:
        import psycopg

        if not self.created:
            return
        with psycopg.connect(_PG_CONNINFO, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def pg_url_factory():
    """`pg_url_factory()` -> a SQLAlchemy URL for a fresh, empty PostgreSQL schema."""
    if not pg_available():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer")
    schemas = _PgSchemas()
    yield schemas.new_url
    schemas.drop_all()


@pytest.fixture
def server_factory(tmp_path):
    started: list[RunningServer] = []
    counter = iter(range(1000))

    def start(data_dir=None, database_url: str | None = None, **settings) -> RunningServer:
        data_dir = data_dir or tmp_path / f"server{next(counter)}"
        server = start_server_thread(data_dir, database_url=database_url, **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_server(server_factory) -> RunningServer:
    return server_factory()


@pytest.fixture
def pg_live_server(pg_url_factory, server_factory) -> RunningServer:
    # pg_url_factory first: its schema is dropped only after the server has stopped
    return server_factory(database_url=pg_url_factory())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_live_server(request) -> RunningServer:
    if request.param == "sqlite":
        return request.getfixturevalue("live_server")
    return request.getfixturevalue("pg_live_server")
