#!/usr/bin/env python3
"""Screenshots of the HQ console at 1366×768: `scripts/console_screenshots.py [OUT_DIR]`.

Starts a real sync server in a fresh folder, gives it a small realistic day over its own HTTP
API (four pickup points, batches arrived and handed over, a shortage, a hand-over of an order
HQ had cancelled and an order redeemed at two counters, which need review), makes an HQ admin
with the user command's function, then signs in with headless Chromium (Debian's
/usr/bin/chromium, driven by Playwright), resolves one review item and saves
docs/screenshots/console-*.png. The customers' notices go to a loopback webhook that refuses
some of them: a first server gives up on those after 2 s (dead), a second one on the same
data keeps retrying a later refusal (failed). Nothing is mocked; look at the pictures before
they go in.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_stub.console.users import create_user
from server_stub.db import Database
from server_stub.runner import start_server_thread

PASSWORD = "screenshots-only-1"
STATIONS = [("S001", "幸福里一号店"), ("S002", "光明花园店"), ("S003", "翠湖小区店"),
            ("S004", "东城新村店")]
GOODS = [("APL-1KG", "烟台苹果 1kg", 1290), ("MLK-950", "鲜牛奶 950ml", 1590),
         ("EGG-30", "土鸡蛋 30 枚", 2590), ("TOM-500", "番茄 500g", 690),
         ("RIC-5KG", "东北大米 5kg", 4990)]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞"]


def _now(minutes: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")


def _event(kind: str, **fields) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": kind, "occurred_at": _now(),
            "data": fields.pop("data", {}), **fields}


class Api:
    def __init__(self, url: str, token: str):
        self.url, self.http = url, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body=None) -> dict:
        answer = self.http.request(method, self.url + path, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()


class Webhook:
    """The chain's SMS service on loopback: 503 for the notices of `refused` orders."""

    def __init__(self):
        self.refused: set[str] = set()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(503 if body.get("order_id") in hook.refused else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notices"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for_notices(hq: Api, check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check(notices := hq.call("GET", "/api/v1/notices?limit=1000")["notices"]):
        if time.monotonic() > deadline:
            raise SystemExit("the notices did not reach the expected states: " + ", ".join(
                f"{n['id']} {n['order_id']} {n['kind']} {n['state']}" for n in notices))
        time.sleep(0.2)


def seed(url: str, admin_token: str) -> None:
    hq = Api(url, admin_token)
    for n, (sid, name) in enumerate(STATIONS):
        token = hq.call("POST", "/api/v1/stations", {"station_id": sid, "name": name,
                                                     "address": f"测试路 {n + 1} 号"})["token"]
        station = Api(url, token)
        orders = []
        for k in range(6 + 2 * n):
            goods = [GOODS[(k + j) % len(GOODS)] for j in range(1 + k % 3)]
            orders.append({"order_id": f"{sid}-{k + 1:04d}", "customer_name": NAMES[k % 10],
                           "phone": f"13{n}{k:02d}00{k:04d}",
                           "items": [{"sku": s, "name": g, "qty": 1 + (k + j) % 2,
                                      "unit_price_cents": p}
                                     for j, (s, g, p) in enumerate(goods)]})
        batch = f"B-1202-{sid}"
        hq.call("PUT", f"/api/v1/batches/{batch}", {"station_id": sid, "orders": orders,
                                                    "expected_at": _now(-90)})
        hq.call("PUT", f"/api/v1/batches/B-1203-{sid}", {
            "station_id": sid, "expected_at": _now(24 * 60),
            "orders": [dict(o, order_id=o["order_id"] + "-N") for o in orders[:3]]})
        hq.call("POST", f"/api/v1/batches/{batch}/dispatch")
        if sid == "S004":
            continue  # a new pickup point that never connected
        station.call("POST", "/api/v1/sync/heartbeat", {
            "app_version": ["1.4.2", "1.4.2", "1.3.9"][n], "pending_events": [0, 3, 0][n],
            "station_time": _now([0.02, -0.05, 2.5][n])})
        events = [_event("arrival_checked", batch_id=batch, data={"operator_id": "op1"})]
        for k, order in enumerate(orders[: 3 + 2 * n]):
            events.append(_event("pickup_confirmed", order_id=order["order_id"], data={
                "pickup_id": str(uuid.uuid4()), "receipt_no": f"R{n + 1}{k + 1:04d}",
                "operator_id": f"op{1 + k % 2}", "items": [], "override": None}))
        if n == 1:
            events.append(_event("item_short", order_id=orders[-1]["order_id"], batch_id=batch,
                                 data={"sku": orders[-1]["items"][0]["sku"], "qty": 1}))
            late = orders[-2]["order_id"]
            hq.call("POST", f"/api/v1/orders/{late}/cancel", {"reason": "顾客取消"})
            events.append(_event("pickup_confirmed", order_id=late, data={
                "pickup_id": str(uuid.uuid4()), "receipt_no": "R29999", "operator_id": "op1",
                "items": [], "override": None}))
        station.call("POST", "/api/v1/sync/push", {"events": events})
        if n == 0:  # one order scanned at two counters before either synced
            double = orders[4]["order_id"]
            for counter, (operator, minutes) in (("C-1", ("op1", -20)), ("C-2", ("op2", -17))):
                station.call("POST", "/api/v1/sync/push", {"events": [dict(
                    _event("pickup_confirmed", order_id=double, data={
                        "pickup_id": str(uuid.uuid4()), "receipt_no": "R10005",
                        "operator_id": operator, "counter_id": counter, "items": [],
                        "override": None}), occurred_at=_now(minutes))]})


def seed_failed_notice(url: str, admin_token: str, hook: Webhook) -> None:
    """A shortage S002 reports now: its customer's notice is refused, and retried later."""
    hq = Api(url, admin_token)
    token = hq.call("POST", "/api/v1/stations/S002/token")["token"]
    order = "S002-0006"  # waiting at the counter (0001-0005 were handed over)
    hook.refused.add(order)
    Api(url, token).call("POST", "/api/v1/sync/push", {"events": [_event(
        "item_short", order_id=order, batch_id="B-1202-S002",
        data={"sku": "APL-1KG", "qty": 1, "stage": "arrival", "operator_id": "op1"})]})
    wait_for_notices(hq, lambda ns: any(n["state"] == "failed" for n in ns))


PAGES = [("login", "/console/login", None), ("stations", "/console/stations", None),
         ("today", "/console/today", None), ("batches", "/console/batches", None),
         ("batch", "/console/batches/B-1202-S002", None), ("review", "/console/review", None),
         ("notices", "/console/notices", None), ("exports", "/console/exports", None),
         ("review-resolved", "/console/review?state=resolved", None),
         ("stations-en", "/console/stations", "en")]


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-dev-shm-usage",
                                                   "--lang=zh-CN"])
        tab = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        tab.goto(url + "/console/login")
        target = out / "console-login.png"
        tab.fill("#username", "hq.li")
        tab.screenshot(path=target)
        saved.append(target)
        tab.fill("#password", PASSWORD)
        tab.click("#sign-in")
        tab.wait_for_url(url + "/console/stations")
        for name, path, lang in PAGES[1:]:
            if name == "review-resolved":  # an admin resolves the hand-over after a cancel
                tab.goto(url + "/console/review")
                row = tab.locator('tr[data-kind="pickup_after_cancel"]')
                row.locator('input[name="note"]').fill("已联系顾客，改为退款，货品退回总部")
                row.locator("button").click()
                tab.wait_for_url(url + "/console/review?done=*")
            if lang:
                tab.goto(f"{url}/console/lang/{lang}?next={path}")
            else:
                tab.goto(url + path)
            target = out / f"console-{name}.png"
            tab.screenshot(path=target)
            saved.append(target)
        browser.close()
    return saved


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    hook = Webhook()
    with tempfile.TemporaryDirectory() as data:
        server = start_server_thread(data, notify_webhook_url=hook.url, notify_webhook_secret="s",
                                     notify_give_up_s=2, notify_poll_s=0.1,
                                     notify_backoff_base_s=0.3, notify_backoff_max_s=0.5)
        try:  # the first server gives up on S003's two last customers: dead notices
            hook.refused |= {"S003-0009", "S003-0010"}
            seed(server.url, server.admin_token)
            wait_for_notices(Api(server.url, server.admin_token), lambda ns: ns and all(
                n["state"] == ("dead" if n["order_id"] in hook.refused else "delivered")
                for n in ns))
        finally:
            server.stop()
        server = start_server_thread(data, notify_webhook_url=hook.url, notify_webhook_secret="s",
                                     notify_poll_s=0.1, notify_backoff_base_s=600)
        try:
            seed_failed_notice(server.url, server.admin_token, hook)
            db = Database(server.config.resolved_database_url, pool_size=1)
            with db.write() as conn:
                create_user(conn, "hq.li", "admin", PASSWORD)
                # S003's last heartbeat was 40 minutes ago (its shop's network is down)
                conn.exec_driver_sql("UPDATE stations SET last_seen_at = ? WHERE station_id = "
                                     "'S003'", (_now(-40),))
            db.dispose()
            for path in shoot(server.url, out):
                print(path)
        finally:
            server.stop()
            hook.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
