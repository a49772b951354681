"""A small world for server tests: two stations with one batch each, on a live server."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from server_stub.runner import RunningServer
from tests.server_fixtures import HQClient, StationClient, make_order


@dataclass
class World:
    server: RunningServer
    hq: HQClient
    s1: StationClient
    s2: StationClient
    t1: str  # S1's token
    t2: str
    b1: dict  # PUT answer of batch B1 (station S1: orders O1, O2, O3)
    b2: dict  # PUT answer of batch B2 (station S2: order P1)

    def token_of(self, order_id: str) -> str:
        for answer in (self.b1, self.b2):
            for o in answer["orders"]:
                if o["order_id"] == order_id:
                    return o["pickup_token"]
        raise KeyError(order_id)

    def sha_of(self, order_id: str) -> str:
        return hashlib.sha256(self.token_of(order_id).encode("ascii")).hexdigest()


def build_world(server: RunningServer) -> World:
    hq = HQClient(server)
    t1 = hq.create_station("S1", "一号店", address="幸福路 1 号")
    t2 = hq.create_station("S2", "二号店", address="光明路 2 号")
    b1 = hq.put_batch("B1", "S1", [
        make_order("O1", items=[{"sku": "A", "name": "苹果", "qty": 2, "unit_price_cents": 500},
                                {"sku": "B", "name": "牛奶", "qty": 1, "unit_price_cents": 800}]),
        make_order("O2", customer_name="李四", phone="139 0000 5678"),
        make_order("O3", customer_name="王五", phone="13700009999"),
    ], expected_at="2026-11-23T08:00:00+08:00")
    b2 = hq.put_batch("B2", "S2", [make_order("P1", customer_name="赵六")])
    return World(server, hq, StationClient(server, t1), StationClient(server, t2), t1, t2, b1, b2)


@pytest.fixture
def world(live_server) -> World:
    return build_world(live_server)


@pytest.fixture
def any_world(any_live_server) -> World:
    return build_world(any_live_server)


def pickup(order_id: str, pickup_id: str, receipt_no: str = "R0001", **kw):
    """A pickup_confirmed event handing over the whole order."""
    from tests.server_fixtures import event

    data = {"pickup_id": pickup_id, "receipt_no": receipt_no, "operator_id": "op1",
            "proxy_name": kw.pop("proxy_name", None), "items": kw.pop("items", []),
            "override": None}
    return event("pickup_confirmed", order_id=order_id, data=data, **kw)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the error envelope (and `code`, when given)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
