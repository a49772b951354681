"""CSV import of batches: per-batch results, per-line errors, nothing stored for a bad batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.server.conftest import assert_error
from tests.server_fixtures import HQClient, StationClient

HEADER = ("batch_id,station_id,order_id,customer_name,phone,sku,name,qty,unit_price_cents,"
          "category,expected_at,pickup_code,shelf_slot\n")
GOOD = (
    "B1,S1,O1,张三,13800001234,A,苹果 1kg,2,1290,fruit,2026-11-23 08:00,,\n"
    "B1,S1,O1,张三,13800001234,B,牛奶,1,800,dairy,,,\n"
    "B1,S1,O2,李四,13900005678,A,苹果 1kg,1,1290,fruit,,654321,A-1-2\n"
)
BAD = (
    "B2,S1,O3,王五,13700001234,A,苹果,zero,1290,fruit,,,\n"      # line 5: qty
    "B2,S1,O4,赵六,12,A,苹果,1,1290,fruit,,,\n"                   # line 6: phone
    "B2,S2,O5,钱七,13700004321,A,苹果,1,1290,fruit,,,\n"          # line 7: other station
    "B2,S1,O6,孙八,13700004321,A,苹果,1,-5,fruit,,,\n"            # line 8: price
    ",S1,O7,周九,13700004321,A,苹果,1,1,fruit,,,\n"               # line 9: no batch
)


def test_import_good_and_bad_batches(live_server):
    hq = HQClient(live_server)
    token = hq.create_station("S1")
    hq.create_station("S2")
    report = hq.import_csv(HEADER + GOOD + BAD)
    assert report["ok"] is False and report["imported"] == 1 and report["rejected"] == 1
    b1, b2 = report["batches"]
    assert b1["status"] == "imported" and b1["errors"] == []
    assert [o["order_id"] for o in b1["orders"]] == ["O1", "O2"]
    assert b1["orders"][1]["pickup_code"] == "654321"
    assert b2["status"] == "rejected" and b2["orders"] == []
    assert [e["line"] for e in b2["errors"]] == [5, 6, 7, 8]
    assert "qty" in b2["errors"][0]["error"] and "phone" in b2["errors"][1]["error"]
    assert "station_id" in b2["errors"][2]["error"]
    assert "unit_price_cents" in b2["errors"][3]["error"]
    assert report["errors"] == [{"line": 9, "error": "batch_id missing or not a valid id"}]
    # nothing of B2 was stored; B1 is there exactly as a PUT would have made it
    assert_error(hq.request("GET", "/api/v1/batches/B2"), 404)
    view = hq.get_batch("B1")
    assert view["expected_at"] == "2026-11-23T00:00:00.000+00:00"  # +08:00 when none given
    o1 = view["orders"][0]
    assert [(i["sku"], i["qty"], i["unit_price_cents"]) for i in o1["items"]] == [
        ("A", 2, 1290), ("B", 1, 800)]
    assert view["orders"][1]["shelf_slot"] == "A-1-2"
    changes, _ = StationClient(live_server, token).pull_all()
    assert [c["kind"] for c in changes] == ["batch", "order", "order"]
    # importing the same file again keeps tokens and codes
    again = hq.import_csv(HEADER + GOOD)
    assert again["ok"] is True and again["batches"][0]["orders"] == b1["orders"]


def test_import_gb18030_and_missing_columns(live_server):
    hq = HQClient(live_server)
    hq.create_station("S1")
    r = hq.request("POST", "/api/v1/batches/import", data=(HEADER + GOOD).encode("gb18030"),
                   headers={"Content-Type": "text/csv"})
    assert r.status_code == 200 and r.json()["ok"] is True
    assert hq.get_batch("B1")["orders"][0]["customer_name"] == "张三"
    r = hq.request("POST", "/api/v1/batches/import", data="batch_id,order_id\nB1,O1\n",
                   headers={"Content-Type": "text/csv"})
    err = assert_error(r, 422, "invalid_csv")
    assert "station_id" in err["message"]
    assert_error(hq.request("POST", "/api/v1/batches/import", data=b"",
                            headers={"Content-Type": "text/csv"}), 422, "invalid_csv")
    r = hq.request("POST", "/api/v1/batches/import", data=HEADER + GOOD.replace("S1", "S404"),
                   headers={"Content-Type": "text/csv"})
    assert r.json()["batches"][0]["errors"][0]["line"] == 2


def test_import_csv_command_line(tmp_path):
    data_dir = tmp_path / "server"
    env = dict(os.environ, PICKUP_ADMIN_TOKEN="cli-admin")
    env.pop("DATABASE_URL", None)
    root = Path(__file__).resolve().parents[2]
    # a station must exist: register it through the library, on the same data dir
    from server_stub.runner import start_server_thread

    server = start_server_thread(data_dir, admin_token="cli-admin")
    HQClient(server).create_station("S1")
    server.stop()
    csv_file = tmp_path / "batch.csv"
    csv_file.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "server_stub", "import-csv", str(csv_file),
                           "--data-dir", str(data_dir)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr  # one batch rejected
    report = json.loads(done.stdout)
    assert report["imported"] == 1 and report["batches"][1]["errors"][0]["line"] == 5
    server = start_server_thread(data_dir, admin_token="cli-admin")
    try:
        assert HQClient(server).get_batch("B1")["order_count"] == 2
    finally:
        server.stop()
