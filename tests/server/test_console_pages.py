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
from tests.server.console_helpers import (
    csrf_of,
    double_redemption,
    item_of,
    review_items,
    set_notice_states,
    signed_in,
    world_with_review,
)
from tests.server_fixtures import event


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
    item = item_of(any_live_server, "pickup_after_cancel")
    admin = signed_in(any_live_server, "alice", "admin")
    page = admin.get("/console/review")
    row = _row(page.text, f'data-item="{item["id"]}"')
    assert row.startswith("取消后交货 O2 B1 S1 李* 139****5678"), row
    assert "取消：顾客取消 · 取消后离线交货 被拒 小票 R0002 · 柜台 — · 操作员 op1" in row
    token = re.search(rf'action="/console/review/{item["id"]}/resolve".*?name="csrf" '
                      r'value="([^"]+)"', page.text, re.DOTALL).group(1)
    target = f"/console/review/{item['id']}/resolve"
    assert admin.post(target, {"csrf": token, "note": "  "}).status_code == 422
    assert admin.post(target, {"csrf": token, "note": "x" * 501}).status_code == 422
    done = admin.post(target, {"csrf": token, "note": "已联系顾客"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/review?done={item['id']}"
    after = admin.get(done.headers["location"])
    assert f"已处理：#{item['id']}" in after.text and 'data-item=' not in after.text
    resolved = _row(admin.get("/console/review?state=resolved").text,
                    f'data-item="{item["id"]}"')
    assert "alice ·" in resolved and resolved.endswith("已联系顾客")
    assert admin.post(target, {"csrf": token, "note": "again"}).status_code == 409
    for unknown in ("999999", "NOPE", "0", "9" * 30):
        answer = admin.post(f"/console/review/{unknown}/resolve", {"csrf": token, "note": "n"})
        assert answer.status_code == 404, unknown
    (api,) = review_items(any_live_server, state="resolved")
    assert (api["id"], api["note"], api["resolved_by"]) == (item["id"], "已联系顾客", "alice")
    # the batch's review column counts open items of the queue: none left
    assert re.search(r"3 1 1 0 否$", _row(admin.get("/console/batches").text,
                                         'data-batch="B1"'))


def _day_closed(day: str, sku: str, expected: int, counted: int) -> dict:
    return event("day_closed", data={
        "day": day, "operator_id": "leader", "operators": [],
        "totals": {"pickups": 0, "items_handed": 0, "shortages": 0, "returns": 0, "undos": 0},
        "counted": [{"sku": sku, "expected": expected, "counted": counted}],
        "discrepancies": [{"sku": sku, "expected": expected, "counted": counted,
                           "difference": counted - expected}]})


def test_the_review_page_shows_each_kind_filters_and_pages(any_live_server):
    from server_stub.console.pages import PAGE_SIZE

    w = world_with_review(any_live_server)
    double = double_redemption(w)
    admin = signed_in(any_live_server, "alice", "viewer")
    row = _row(admin.get("/console/review").text, f'data-item="{double["id"]}"')
    assert row.startswith("重复核销 O3 B1 S1 王* 137****9999"), row
    first, second = row.split("被拒")
    assert "有效 小票 S1-261123-0007 · 柜台 C-A · 操作员 alice · 2026-11-23 09:00" in first
    assert "小票 S1-261123-0007 · 柜台 C-B · 操作员 bob · 2026-11-23 09:04" in second
    only = admin.get("/console/review?kind=double_redemption&station=S1").text
    assert len(re.findall(r"<tr data-item=", only)) == 1 and f'data-item="{double["id"]}"' in only
    assert 'data-item=' not in admin.get("/console/review?station=S2").text
    assert w.s1.push([_day_closed("2026-11-22", "A", 3, 1)])[0]["status"] == "accepted"
    shelf = _row(admin.get("/console/review?kind=shelf_discrepancy").text, 'data-kind="shelf')
    assert "盘点差异" in shelf and "2026-11-22 日结 · 操作员 leader" in shelf
    assert "A：应有 3，实点 1（-2）" in shelf
    more = w.s1.push([_day_closed(f"2026-{9 + d // 28:02d}-{1 + d % 28:02d}", "B", 1, 0)
                      for d in range(PAGE_SIZE)])
    assert {r["status"] for r in more} == {"accepted"}
    first_page = admin.get("/console/review?kind=shelf_discrepancy").text
    assert len(re.findall(r"<tr data-item=", first_page)) == PAGE_SIZE
    assert 'href="?state=open&amp;kind=shelf_discrepancy&amp;page=2"' in first_page  # filters kept
    second_page = admin.get("/console/review?kind=shelf_discrepancy&page=2").text
    assert len(re.findall(r"<tr data-item=", second_page)) == 1


def test_notices_page_filters_retries_one_and_all_dead(server_factory):
    server = server_factory(notify_notifier="off")  # notices stay as the test leaves them
    w = world_with_review(server)  # B1 signed off: O1-O3 told "ready", then O2 "cancelled"
    w.s2.push([event("arrival_checked", batch_id="B2", data={"operator_id": "op2"})])
    set_notice_states(server, {"O1": "dead", "O3": "failed", "P1": "dead"})
    admin = signed_in(server, "alice", "admin")
    page = admin.get("/console/notices").text
    ids = dict(re.findall(r'<tr data-notice="(\d+)" data-state="(\w+)"', page))
    assert sorted(ids.values()) == ["dead", "dead", "failed", "pending", "pending"], ids
    o1 = next(i for i in ids if "O1" in _row(page, f'data-notice="{i}"'))
    assert "到货可取" in _row(page, f'data-notice="{o1}"')
    assert "张*" in _row(page, f'data-notice="{o1}"') and "13800001234" not in page
    assert "全部重新发送（2 条已放弃）" in page
    dead = admin.get("/console/notices?state=dead").text
    assert len(re.findall(r"<tr data-notice=", dead)) == 2
    assert len(re.findall(r"<tr data-notice=", admin.get(
        "/console/notices?state=dead&station=S2").text)) == 1
    assert "<tr data-notice=" not in admin.get("/console/notices?kind=short").text
    cancelled = admin.get("/console/notices?kind=cancelled").text
    assert len(re.findall(r"<tr data-notice=", cancelled)) == 1 and "订单取消" in cancelled
    token = csrf_of(page)
    done = admin.post(f"/console/notices/{o1}/retry", {"csrf": token})
    assert done.status_code == 303 and done.headers["location"] == f"/console/notices?done={o1}"
    after = admin.get(done.headers["location"]).text
    assert f"已重新排队：#{o1}" in after and "全部重新发送（1 条已放弃）" in after
    assert 'data-state="pending"' in after.split(f'data-notice="{o1}"')[1][:30]
    both = admin.post("/console/notices/retry-dead", {"csrf": token, "station": "S2"})
    assert both.headers["location"] == "/console/notices?station=S2&retried=1"
    assert "已重新排队 1 条通知" in admin.get(both.headers["location"]).text
    assert "retry-dead" not in admin.get("/console/notices").text  # none dead left
    assert admin.post("/console/notices/999999/retry", {"csrf": token}).status_code == 404
    set_notice_states(server, {"O1": "delivered"})
    assert admin.post(f"/console/notices/{o1}/retry", {"csrf": token}).status_code == 409


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
                                  "/console/notices?state={x}&kind={x}&station={x}&page={x}",
                                  "/console/review?kind={x}&station={x}",
                                  "/console/lang/{x}?next={x}",
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
                           f"/console/notices/{odd}/retry", "/console/notices/retry-dead"):
                answer = client.post(target, fields)
                assert answer.status_code < 500, (target, fields, answer.status_code)
    raw = client.http.post(live_server.url + "/console/review/1/resolve", timeout=10,
                           data=b"\xff\xfe&&&=%%%" * 100,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert raw.status_code in (400, 403)  # too many fields, or no valid token
