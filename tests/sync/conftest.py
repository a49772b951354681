"""Fixtures for the station's sync: a real server on loopback, a real store, the real client."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from pickup_station.core import operators as ops
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import AttentionItem, OutboxEvent
from pickup_station.sync.client import SyncClient
from pickup_station.sync.engine import SyncEngine
from tests.server_fixtures import HQClient, make_order

from .faultproxy import FaultProxy


def fast_client(url: str, token: str, **kw) -> SyncClient:
    """The real client with test-sized timeouts and retry pauses."""
    kw.setdefault("connect_timeout", 2.0)
    kw.setdefault("read_timeout", 5.0)
    kw.setdefault("retry_base", 0.01)
    kw.setdefault("retry_cap", 0.05)
    return SyncClient(url, token, **kw)


def new_engine(store: Store, url: str, token: str, *, engine_kw: dict | None = None,
               **client_kw) -> SyncEngine:
    return SyncEngine(store, fast_client(url, token, **client_kw), **(engine_kw or {}))


def seed(hq: HQClient, station_id: str = "S1", batch_id: str = "B1", n: int = 3,
         token: str | None = None) -> tuple[str, dict]:
    """A station with one batch of n orders at HQ. Returns (station token, PUT answer)."""
    token = token or hq.create_station(station_id, f"自提点{station_id}", address="幸福路 1 号",
                                       leader_name="王团长")
    answer = hq.put_batch(batch_id, station_id,
                          [make_order(f"{batch_id}-O{i}", customer_name=f"顾客{i}",
                                      phone=f"1380000{i:04d}") for i in range(n)])
    return token, answer


def queue_events(store: Store, events: list[dict]) -> None:
    """Write outbox rows as the counter does (payload = JSON of data)."""
    with store.session() as s:
        for e in events:
            s.add(OutboxEvent(event_id=e["event_id"], type=e["type"], order_id=e.get("order_id"),
                              batch_id=e.get("batch_id"),
                              payload=json.dumps(e.get("data") or {}, ensure_ascii=False),
                              occurred_at=e.get("occurred_at") or iso(utcnow())))


def short_event(order_id: str, batch_id: str = "B1", qty: int = 1, note: str = "") -> dict:
    return {"event_id": str(uuid.uuid4()), "type": "item_short", "order_id": order_id,
            "batch_id": batch_id, "occurred_at": iso(utcnow()),
            "data": {"sku": "SKU-1", "qty": qty, "stage": "counter", "note": note,
                     "operator_id": "leader"}}


def outbox_ids(store: Store) -> list[str]:
    with store.reader() as s:
        return list(s.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.seq)))


def attention(store: Store) -> list[AttentionItem]:
    with store.reader() as s:
        return list(s.scalars(select(AttentionItem).order_by(AttentionItem.id)))


def server_events(server, station_id: str = "S1") -> dict[str, int]:
    """event_id → how many rows the server holds for it (exactly-once check)."""
    eng = create_engine(server.config.resolved_database_url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(text(
                "SELECT event_id, COUNT(*) FROM events WHERE station_id = :s GROUP BY event_id"),
                {"s": station_id}).all()
    finally:
        eng.dispose()
    return {r[0]: r[1] for r in rows}


def count_rows(store: Store, model) -> int:
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def hq(live_server) -> HQClient:
    return HQClient(live_server)


@pytest.fixture
def station(store):
    """A fresh station store with the default leader (operator `leader`, PIN 1234)."""
    with store.session() as s:
        ops.ensure_default_operators(s)
    return store


@pytest.fixture
def proxy(live_server):
    p = FaultProxy(live_server.url)
    yield p
    p.close()
