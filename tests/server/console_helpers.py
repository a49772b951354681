"""Helpers for the HQ console's tests: users made in the server's own database, a browser-like
client (requests with cookies), and a world where something needs HQ's review."""

from __future__ import annotations

import re

import requests
from sqlalchemy import text

from server_stub.console.users import create_user
from server_stub.db import Database, now_iso
from server_stub.runner import RunningServer
from tests.server.conftest import World, build_world, pickup
from tests.server_fixtures import event

PASSWORD = "correct-horse-7"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def add_user(server: RunningServer, name: str, role: str, password: str = PASSWORD) -> None:
    db = Database(server.config.resolved_database_url, pool_size=1)
    try:
        with db.write() as conn:
            create_user(conn, name, role, password)
    finally:
        db.dispose()


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


class ConsoleClient:
    """A browser without JavaScript: keeps cookies, reads CSRF tokens from the pages."""

    def __init__(self, server: RunningServer):
        self.url = server.url
        self.http = requests.Session()

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.http.get(self.url + path, **kw)

    def post(self, path: str, fields: dict, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        kw.setdefault("allow_redirects", False)
        return self.http.post(self.url + path, data=fields, **kw)

    def sign_in(self, name: str, password: str = PASSWORD, next_path: str = "/console/stations"
                ) -> requests.Response:
        form = self.get("/console/login")
        return self.post("/console/login", {"csrf": csrf_of(form.text), "username": name,
                                            "password": password, "next": next_path})

    def csrf(self, page: str = "/console/stations") -> str:
        return csrf_of(self.get(page).text)


def signed_in(server: RunningServer, name: str, role: str) -> ConsoleClient:
    add_user(server, name, role)
    client = ConsoleClient(server)
    answer = client.sign_in(name)
    assert answer.status_code == 303, answer.text[:500]
    return client


def world_with_review(server: RunningServer) -> World:
    """S1's batch B1 arrived; O1 handed over; O2 cancelled at HQ and then handed over at the
    counter anyway (the station had not pulled the cancel): O2 needs HQ's review."""
    w = build_world(server)
    w.s1.heartbeat(app_version="1.4.2", pending_events=3)
    w.s1.push([event("arrival_checked", batch_id="B1", data={"operator_id": "op1"})])
    w.hq.cancel("O2", "顾客取消")
    results = w.s1.push([pickup("O1", "PK-1", "R0001"), pickup("O2", "PK-2", "R0002")])
    assert [r["status"] for r in results] == ["accepted", "rejected"], results
    return w


def review_items(server: RunningServer, **params) -> list[dict]:
    """The queue as the API answers it (admin token)."""
    answer = requests.get(server.url + "/api/v1/review", params=params, timeout=30,
                          headers={"Authorization": f"Bearer {server.admin_token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def item_of(server: RunningServer, kind: str) -> dict:
    (item,) = [i for i in review_items(server, state="open") if i["kind"] == kind]
    return item


def double_redemption(w: World, order_id: str = "O3") -> dict:
    """`order_id` handed over at counter C-A, then again at counter C-B (two PCs of S1 under
    one token, the second not yet pulled): the second is refused and queued for HQ."""
    first = pickup(order_id, "PK-A", "S1-261123-0007", occurred_at="2026-11-23T01:00:00+00:00")
    first["data"].update(counter_id="C-A", operator_id="alice")
    second = pickup(order_id, "PK-B", "S1-261123-0007", occurred_at="2026-11-23T01:04:00+00:00")
    second["data"].update(counter_id="C-B", operator_id="bob")
    assert w.s1.push([first])[0]["status"] == "accepted"
    refused = w.s1.push([second])[0]
    assert (refused["status"], refused["reason"]) == ("rejected", "already_picked_up"), refused
    return item_of(w.server, "double_redemption")


def set_notice_states(server, states: dict[str, str]) -> None:
    """Gives notices (by order id) a state, as the notifier would have left them."""
    db = Database(server.config.resolved_database_url, pool_size=1)
    try:
        with db.write() as conn:
            for order_id, state in states.items():
                conn.execute(text(
                    "UPDATE notices SET state = :state, attempts = 3, last_error = 'HTTP 503', "
                    "dead_at = :dead_at WHERE order_id = :order_id"),
                    {"state": state, "dead_at": now_iso() if state == "dead" else None,
                     "order_id": order_id})
    finally:
        db.dispose()
