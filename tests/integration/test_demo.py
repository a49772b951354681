"""Demo mode (`make run`): a real in-process server with a demo station, the store paired and
synced, some hand-overs done, and a sheet of codes that a person can scan."""

from __future__ import annotations

import json

import cv2
import zxingcpp
from sqlalchemy import text

from pickup_station.config import Paths, load_settings
from pickup_station.core.counter import Counter
from pickup_station.demo.server import STATION_ID, start_demo
from pickup_station.store.db import Store


def showcase_verdicts(counter: Counter, cases: dict) -> dict:
    """What the counter shows for each showcase case's code (the phone's last 4 for the shared
    one): the verdict's code and how many orders it brings."""
    out = {}
    for case, c in cases.items():
        if case == "shared_last4_b":
            continue
        v = counter.lookup(c["phone_last4"] if case == "shared_last4_a" else c["pickup_code"])
        out[case] = (v.code, len(v.orders))
    return out


def test_demo_station_is_paired_synced_and_its_sheet_scans(tmp_path):
    paths = Paths.resolve(tmp_path / "demo")
    paths.data_dir.mkdir(parents=True)
    demo = start_demo(paths, batches=3, orders_per_batch=30)
    try:
        settings = load_settings(paths.config_file)
        assert settings.server_url == demo.server.url and settings.station_token
        assert settings.printer.kind == "file"
        store = Store.in_dir(paths.data_dir)
        try:
            assert store.get_meta("station_id") == STATION_ID
            with store.reader() as s:
                batches = dict(s.execute(
                    text("SELECT batch_id, status FROM batches")).all())
                pickups = s.execute(text(
                    "SELECT count(*) FROM pickups")).scalar()
                outbox = s.execute(text(
                    "SELECT count(*) FROM outbox")).scalar()
            assert sorted(batches.values()) == ["arrived", "arrived", "expected"]
            assert pickups == 9 and outbox == 0  # done and uploaded
            codes = zxingcpp.read_barcodes(cv2.imread(str(demo.sheet)))
            assert len(codes) >= 12
            verdict = Counter(store).lookup(codes[0].text)
            assert verdict.kind == "ready", verdict.reason
            cases = json.loads((paths.data_dir / "demo-cases.json").read_text("utf-8"))
            assert showcase_verdicts(Counter(store), cases) == {
                "five_orders": ("ready", 5), "mixed": ("partly_ready", 2),
                "shared_last4_a": ("candidates", 3), "already_picked_up": ("already_picked_up", 1),
                "cancelled": ("cancelled", 1), "not_arrived": ("not_arrived", 1),
                "ready": ("ready", 1), "unknown": ("unknown", 0)}
        finally:
            store.close()
    finally:
        demo.stop()
    again = start_demo(paths, batches=3, orders_per_batch=30)  # the next start reuses it all
    try:
        assert load_settings(paths.config_file).server_url == again.server.url
    finally:
        again.stop()
