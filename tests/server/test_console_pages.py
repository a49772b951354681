"""HQ console pages over real data (SQLite and PostgreSQL): stations online/offline with pending
uploads, today's figures, batches with reconciliation, the review queue's resolve, exports as
CSV, both languages; odd input is never a 500."""

from __future__ import annotations

import csv
import io
import re

import pytest

from server_stub.console import figures
from server_stub.console.exports import csv_lines, plain
from tests.server.console_helpers import signed_in, world_with_review


def _row(html: str, marker: str) -> str:
    found = re.search(rf'<tr[^>]*{marker}[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert found, marker
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_stations_show_online_offline_version_and_pending(any_live_server):
    world_with_review(any_live_server)  # S1 sent a heartbeat, S2 never connected
    page = signed_in(any_live_server, "alice", "admin").get("/console/stations")
    assert page.status_code == 200
    s1 = _row(page.text, 'data-station="S1"')
    assert s1.startswith("S1 一号店 在线 ") and "1.4.2" in s1 and s1.split()[-2] == "3"
    assert "从未连接" in _row(page.text, 'data-station="S2"')
    assert "共 2 个自提点，1 个在线，3 条待上传" in page.text


def test_a_station_silent_for_long_is_offline(live_server):
    from datetime import timedelta

    from server_stub.db import Database, iso, utcnow

    world_with_review(live_server)
    db = Database(live_server.config.resolved_database_url, pool_size=1)
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE stations SET last_seen_at = ? WHERE station_id = 'S1'",
                             (iso(utcnow() - timedelta(minutes=figures.ONLINE_WITHIN_MINUTES,
                                                       seconds=5)),))
    db.dispose()
    page = signed_in(live_server, "alice", "viewer").get("/console/stations")
    assert "离线" in _row(page.text, 'data-station="S1"')


def test_today_counts_hand_overs_arrivals_shortages_refusals_and_review(any_live_server):
    from tests.server_fixtures import event

    w = world_with_review(any_live_server)
    w.s1.push([event("item_short", order_id="O3", batch_id="B1",
                     data={"sku": "SKU-1", "qty": 1})])
    page = signed_in(any_live_server, "alice", "admin").get("/console/today")
    s1 = re.search(r'data-station="S1".*?</tr>', page.text, re.DOTALL).group(0)
    cells = dict(re.findall(r'data-figure="(\w+)">(\d+)<', s1))
    assert cells == {"pickups": "1", "undone": "0", "arrived": "1", "waiting": "1",
                     "short": "1", "rejected": "1", "review": "1"}
    s2 = re.search(r'data-station="S2".*?</tr>', page.text, re.DOTALL).group(0)
    assert set(re.findall(r'data-figure="\w+">(\d+)<', s2)) == {"0"}


def test_batches_and_a_batch_reconciliation(any_live_server):
    world_with_review(any_live_server)
    client = signed_in(any_live_server, "alice", "viewer")
    listing = client.get("/console/batches")
    b1 = _row(listing.text, 'data-batch="B1"')
    assert b1.split()[:2] == ["B1", "S1"]
    assert re.search(r"3 1 1 1 否$", b1), b1  # orders, picked up, cancelled, review, closed
    only_s2 = client.get("/console/batches?station=S2").text
    assert "/console/batches/B2" in only_s2 and "/console/batches/B1" not in only_s2
    detail = client.get("/console/batches/B1")
    assert detail.status_code == 200
    o1 = _row(detail.text, 'data-order="O1"')
    assert "张*" in o1 and "138****1234" in o1 and "已取货" in o1 and "R0001" in o1
    assert "张三" not in detail.text and "13800001234" not in detail.text
    assert "已取消" in _row(detail.text, 'data-order="O2"')
    assert client.get("/console/batches/NOPE").status_code == 404


def test_resolving_a_review_item_takes_it_off_the_queue(any_live_server):
    world_with_review(any_live_server)
    admin = signed_in(any_live_server, "alice", "admin")
    page = admin.get("/console/review")
    row = _row(page.text, 'data-item="O2"')
    assert "取消前已交货" in row or "取消后离线交货" in row
    assert "李*" in row and "139****5678" in row
    token = re.search(r'action="/console/review/O2/resolve".*?name="csrf" value="([^"]+)"',
                      page.text, re.DOTALL).group(1)
    done = admin.post("/console/review/O2/resolve", {"csrf": token, "note": "已联系顾客"})
    assert done.status_code == 303 and done.headers["location"] == "/console/review?done=O2"
    after = admin.get(done.headers["location"])
    assert "已处理：O2" in after.text and 'data-item="O2"' not in after.text
    assert admin.post("/console/review/O2/resolve", {"csrf": token}).status_code == 409
    assert admin.post("/console/review/NOPE/resolve", {"csrf": token}).status_code == 404
    too_long = admin.post("/console/review/O1/resolve", {"csrf": token, "note": "x" * 501})
    assert too_long.status_code == 422
    batch = any_live_server.url + "/api/v1/batches/B1"
    import requests

    o2 = next(o for o in requests.get(batch, timeout=10, headers={
        "Authorization": f"Bearer {any_live_server.admin_token}"}).json()["orders"]
        if o["order_id"] == "O2")
    assert o2["needs_review"] is False


def test_notices_page_is_empty_until_the_notices_service_is_connected(live_server):
    client = signed_in(live_server, "alice", "admin")
    page = client.get("/console/notices?state=failed")
    assert page.status_code == 200 and 'id="notices-empty"' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/console/notices/N1/retry", {"csrf": token}).status_code == 404


def _csv(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_pickups_export_is_a_csv_of_the_days_hand_overs(any_live_server):
    world_with_review(any_live_server)
    client = signed_in(any_live_server, "alice", "viewer")
    answer = client.get("/console/exports/pickups.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = _csv(answer)
    assert rows[0][:3] == ["编号", "订单", "批次"] and len(rows) == 2
    assert rows[1][:5] == ["S1", "O1", "B1", "R0001", "op1"]
    client.get("/console/lang/en?next=/console/exports")
    english = _csv(client.get("/console/exports/pickups.csv?station=S2"))
    assert english == [english[0]] and english[0][:3] == ["ID", "Order", "Batch"]
    for bad in ("from=2026-01-01&to=2026-03-01", "from=2026-02-30", "from=x",
                "from=2026-05-02&to=2026-05-01", "from=２０２６-01-01"):
        assert client.get(f"/console/exports/pickups.csv?{bad}").status_code == 422, bad


def test_batch_export_lists_every_order_line_masked(any_live_server):
    world_with_review(any_live_server)
    client = signed_in(any_live_server, "alice", "viewer")
    rows = _csv(client.get("/console/exports/batches/B1.csv"))
    assert len(rows) == 1 + 4  # O1 has two lines, O2 and O3 one each
    o1 = [r for r in rows if r[1] == "O1"]
    assert [r[5] for r in o1] == ["A 苹果", "B 牛奶"] and o1[0][2] == "张*"
    assert "13800001234" not in client.get("/console/exports/batches/B1.csv").text


def test_cells_a_spreadsheet_would_run_are_plain_text():
    assert plain("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [plain(v) for v in ("+1", "-1", "@a", "a=b", None, 3)] == ["'+1", "'-1", "'@a",
                                                                        "a=b", "", "3"]
    out = b"".join(csv_lines([["a", "=1"]])).decode("utf-8-sig")
    assert out == "a,'=1\r\n"


def test_the_language_switch_keeps_the_page_and_stays_chosen(live_server):
    client = signed_in(live_server, "alice", "admin")
    assert "自提点" in client.get("/console/stations").text
    switch = client.get("/console/lang/en?next=/console/batches%3Fpage%3D2",
                        allow_redirects=False)
    assert switch.status_code == 303 and switch.headers["location"] == "/console/batches?page=2"
    page = client.get("/console/batches")
    assert "Batches and reconciliation" in page.text and 'lang="en"' in page.text
    assert "批次对账" not in page.text
    client.get("/console/lang/zh_CN?next=/console/batches")
    assert "批次对账" in client.get("/console/batches").text


ODD = ["%00", "%2e%2e", "a" * 300, "%F0%9F%98%80", "..%2F..", "%C0%AF", "S1%0A", "¹", "'",
       "<script>"]


@pytest.mark.parametrize("path", ["/console/batches/{x}", "/console/exports/batches/{x}.csv",
                                  "/console/batches?station={x}&page={x}",
                                  "/console/review?state={x}&page={x}",
                                  "/console/notices?state={x}", "/console/lang/{x}?next={x}",
                                  "/console/exports/pickups.csv?from={x}&to={x}&station={x}",
                                  "/console/login?next={x}"])
def test_odd_input_is_never_a_500(live_server, path):
    world_with_review(live_server) if path.startswith("/console/batches/") else None
    client = signed_in(live_server, "alice", "admin")
    token = client.csrf()
    for odd in ODD:
        answer = client.get(path.replace("{x}", odd), allow_redirects=False)
        assert answer.status_code < 500, (odd, answer.status_code)
        assert "<script>" not in answer.text, odd
    for odd in ODD:
        for fields in ({"csrf": token, "note": odd}, {"csrf": odd}, {odd: odd},
                       {"csrf": token, "username": odd, "password": odd}):
            for target in (f"/console/review/{odd}/resolve", "/console/login",
                           f"/console/notices/{odd}/retry"):
                answer = client.post(target, fields)
                assert answer.status_code < 500, (target, fields, answer.status_code)
    raw = client.http.post(live_server.url + "/console/review/O2/resolve", timeout=10,
                           data=b"\xff\xfe&&&=%%%" * 100,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert raw.status_code in (400, 403)  # too many fields, or no valid token
