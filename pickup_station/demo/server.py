"""Demo mode (`make run`, `pickup-station --demo`): a real sync server in this process.

On first start it registers a demo pickup point, sends it realistic batches through the HQ API
(the two oldest signed off as arrived, the newest still on the truck), pairs the app and runs a
first sync. Later starts reuse everything. A sheet of demo customers' QR codes and pickup codes
is written as a PNG so a person can scan from paper or a phone screen.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass
from pathlib import Path

import requests

from pickup_station.config import Paths, load_settings, save_settings
from pickup_station.core.identity import mask_name, mask_phone

log = logging.getLogger(__name__)
STATION_ID = "DEMO01"
STATION_NAME = "幸福里社区自提点"
STATION_ADDRESS = "幸福里小区 3 号楼底商 102"
PREFERRED_PORT = 8765


@dataclass
class DemoHandle:
    server: object
    sheet: Path

    def stop(self) -> None:
        self.server.stop()


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_demo(paths: Paths, *, batches: int = 3, orders_per_batch: int = 120) -> DemoHandle:
    from server_stub.runner import start_server_thread

    server_dir = paths.data_dir / "demo-server"
    port = PREFERRED_PORT if _free(PREFERRED_PORT) else 0
    server = start_server_thread(server_dir, port=port)
    settings = load_settings(paths.config_file)
    sheet = paths.data_dir / "demo-codes.png"
    state_file = server_dir / "demo.json"
    if state_file.exists() and settings.station_token:
        settings.server_url = server.url  # the port may have changed
        save_settings(settings, paths.config_file)
        return DemoHandle(server, sheet)
    log.info("setting up the demo station on %s", server.url)
    hq = requests.Session()
    hq.headers["Authorization"] = f"Bearer {server.admin_token}"
    r = hq.post(f"{server.url}/api/v1/stations", json={
        "station_id": STATION_ID, "name": STATION_NAME, "address": STATION_ADDRESS,
        "leader_name": "王芳"}, timeout=10)
    if r.status_code == 409:
        r = hq.post(f"{server.url}/api/v1/stations/{STATION_ID}/token", timeout=10)
    r.raise_for_status()
    token = r.json()["token"]

    from pickup_station.demo import data as demo

    generated = demo.generate(batches=batches, orders_per_batch=orders_per_batch,
                              station_id=STATION_ID, seed=2026)
    cases = demo.showcase(generated)  # a known code for each case (docs/demo-codes.md)
    customers = []
    for b in generated:
        body = {"station_id": STATION_ID, "expected_at": b["expected_at"], "orders": b["orders"]}
        r = hq.put(f"{server.url}/api/v1/batches/{b['batch_id']}", json=body, timeout=60)
        r.raise_for_status()
        hq.post(f"{server.url}/api/v1/batches/{b['batch_id']}/dispatch", timeout=10)
        by_id = {o["order_id"]: o for o in b["orders"]}
        for answered in r.json()["orders"][:6]:
            o = by_id[answered["order_id"]]
            customers.append({"name": o["customer_name"], "phone": o["phone"],
                              "token": answered["pickup_token"],
                              "code": answered["pickup_code"], "batch": b["batch_id"]})

    hq.post(f"{server.url}/api/v1/orders/{cases['cancelled']['order_id']}/cancel",
            json={"reason": "顾客取消"}, timeout=10).raise_for_status()
    settings.server_url, settings.station_token = server.url, token
    if settings.printer.kind == "none":  # receipts go to a file, so printing can be tried
        settings.printer.kind = "file"
        settings.printer.target = str(paths.data_dir / "demo-printer.bin")
    save_settings(settings, paths.config_file)
    _first_sync(paths, server.url, token, [b["batch_id"] for b in generated[:-1]],
                [cases["already_picked_up"]["order_id"]])
    write_code_sheet(sheet, customers)
    (paths.data_dir / "demo-cases.json").write_text(
        json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    state_file.write_text(json.dumps({"station_id": STATION_ID}), encoding="utf-8")
    return DemoHandle(server, sheet)


def _first_sync(paths: Paths, url: str, token: str, arrived: list[str],
                collected: list[str] = ()) -> None:
    from pickup_station.core import arrival, shelves
    from pickup_station.core import operators as ops
    from pickup_station.core.counter import Counter, OrderChoice
    from pickup_station.store.db import Store
    from pickup_station.sync.engine import engine_for

    store = Store.in_dir(paths.data_dir)
    try:
        engine = engine_for(store, url, token)
        engine.refresh_identity()
        engine.pull()
        with store.session() as s:
            # the demo's PINs are printed in the README: no forced change of the leader's
            ops.add_operator(s, *ops.DEFAULT_LEADER, role="leader")
            ops.add_operator(s, "a1", "小李", "5678", role="assistant")
            # the demo's batches hold more cold goods than the default layout's cold shelves
            shelves.add_shelf(s, shelves.ShelfSpec("S", "chilled", 10, 30))
            shelves.add_shelf(s, shelves.ShelfSpec("Y", "frozen", 10, 30))
        for batch_id in arrived:
            arrival.sign_off(store, batch_id, "leader")
        _morning_pickups(store, arrived[:1])
        for order_id in collected:  # the showcase's "already picked up"
            Counter(store).hand_over([OrderChoice(order_id)], "a1")
        engine.run_round()
    finally:
        store.close()


def _morning_pickups(store, batch_ids: list[str], n: int = 8) -> None:
    """A few hand-overs already done, so the recent pickups and the figures are not empty.
    Customers on the code sheet (the first orders of each batch) are left waiting."""
    from sqlalchemy import select

    from pickup_station.core.counter import Counter, OrderChoice
    from pickup_station.store.models import Order

    if not batch_ids:
        return
    with store.reader() as s:
        ids = s.scalars(select(Order.order_id).where(Order.batch_id.in_(batch_ids))
                        .order_by(Order.order_id).offset(10).limit(n)).all()
    counter = Counter(store)
    for i, order_id in enumerate(ids):
        counter.hand_over([OrderChoice(order_id)], "a1" if i % 2 else "leader",
                          proxy_name="3 号楼王阿姨" if i == 3 else None)


def write_code_sheet(path: Path, customers: list[dict]) -> Path:
    """A printable sheet: each demo customer's pickup QR with the 6-digit code below it."""
    import qrcode
    from PIL import Image, ImageDraw

    from pickup_station.demo.fonts import cjk_font

    cols, cell_w, cell_h = 4, 300, 360
    rows = (len(customers) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell_w, rows * cell_h + 60), "white")
    draw = ImageDraw.Draw(sheet)
    title, small, big = cjk_font(26), cjk_font(18), cjk_font(30)
    draw.text((20, 14), f"{STATION_NAME} · 演示提货码（扫码或输入 6 位提货码）", fill="black",
              font=title)
    for n, c in enumerate(customers):
        x, y = (n % cols) * cell_w, (n // cols) * cell_h + 60
        url = f"https://m.example.com/p/{c['token']}"
        img = qrcode.make(url, box_size=5, border=2).convert("RGB").resize((230, 230))
        sheet.paste(img, (x + 35, y + 5))
        draw.text((x + 35, y + 240), c["code"], fill="black", font=big)
        draw.text((x + 35, y + 280), f"{mask_name(c['name'])} {mask_phone(c['phone'])}",
                  fill="black", font=small)
        draw.text((x + 35, y + 305), c["batch"], fill="#555", font=small)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return path
