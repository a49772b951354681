"""The HQ console in a real browser (headless Chromium, Playwright): signing in (a wrong
password first), stations, the language switch, resolving a review item (a hand-over after a
cancel; a double redemption, then found resolved with the note and who resolved it, in the
console and the API), downloading an export, retrying a dead notice and all dead ones until
delivered, a viewer without actions, forms without a CSRF token refused, the cookie's flags.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from server_stub.notifier.receiver import LoopbackReceiver
from tests.server.browser import CHROMIUM_ARGS, NO_CHROMIUM, chromium_path
from tests.server.conftest import build_world
from tests.server.console_helpers import (
    PASSWORD,
    add_user,
    double_redemption,
    item_of,
    review_items,
    set_notice_states,
    world_with_review,
)
from tests.server_fixtures import event

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright  # a dev dependency: missing is a failure

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile (no cookies) at the size of an HQ laptop."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True,
                                  locale="zh-CN")
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(tab, server, name: str, password: str = PASSWORD) -> None:
    tab.fill("#username", name)
    tab.fill("#password", password)
    tab.click("#sign-in")


def test_admin_signs_in_resolves_a_review_item_and_downloads_an_export(any_live_server, page):
    server = any_live_server
    world_with_review(server)
    rid = item_of(server, "pickup_after_cancel")["id"]
    add_user(server, "alice", "admin")
    page.goto(server.url + "/console/stations")
    assert page.url.startswith(server.url + "/console/login?next=")
    sign_in(page, server, "alice", "not-the-password")
    assert page.locator("#login-error").inner_text() == "用户名或密码错误。"
    sign_in(page, server, "alice")
    page.wait_for_url(server.url + "/console/stations")
    assert "alice（管理员）" in page.locator("#signed-in-user").inner_text()
    s1 = page.locator('tr[data-station="S1"]')
    assert "在线" in s1.inner_text() and "1.4.2" in s1.inner_text()
    assert "从未连接" in page.locator('tr[data-station="S2"]').inner_text()

    cookie = next(c for c in page.context.cookies() if c["name"] == "pickup_console")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False and cookie["path"] == "/console"  # http on loopback
    assert "pickup_console" not in page.evaluate("document.cookie")

    page.click("#lang-switch")
    page.wait_for_url(server.url + "/console/stations")
    assert page.locator("h1").inner_text() == "Pickup points"
    assert "online" in page.locator('tr[data-station="S1"]').inner_text()
    page.click("#lang-switch")
    assert page.locator("h1").inner_text() == "自提点"

    page.click("nav.nav >> text=待复核")
    row = page.locator(f'tr[data-item="{rid}"]')
    assert "李*" in row.inner_text() and "取消后交货" in row.inner_text()
    row.locator('input[name="note"]').fill("已电话联系顾客，补退款")
    row.locator("button").click()
    page.wait_for_url(server.url + f"/console/review?done={rid}")
    assert page.locator("#flash").inner_text() == f"已处理：#{rid}"
    assert page.locator(f'tr[data-item="{rid}"]').count() == 0
    assert page.locator("#review-empty").is_visible()

    page.click("nav.nav >> text=导出")
    with page.expect_download() as info:
        page.click("#download-pickups")
    download = info.value
    assert download.suggested_filename.startswith("pickups_")
    with open(download.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["编号", "订单"]
    assert [r[:4] for r in rows[1:]] == [["S1", "O1", "B1", "R0001"]]

    page.click("nav.nav >> text=批次对账")
    page.click("text=B1")
    assert "已取货" in page.locator('tr[data-order="O1"]').inner_text()
    with page.expect_download() as info:
        page.click("#batch-export")
    got = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert len(got) == 5 and got[1][1] == "O1"

    page.click("#sign-out")
    page.wait_for_url(server.url + "/console/login?bye=1")
    page.goto(server.url + "/console/stations")
    assert "/console/login" in page.url


def test_a_viewer_sees_no_actions_and_forms_without_csrf_are_refused(live_server, page):
    world_with_review(live_server)
    rid = item_of(live_server, "pickup_after_cancel")["id"]
    add_user(live_server, "vera", "viewer")
    page.goto(live_server.url + "/console/login")
    sign_in(page, live_server, "vera")
    page.wait_for_url(live_server.url + "/console/stations")
    page.goto(live_server.url + "/console/review")
    assert page.locator(f'tr[data-item="{rid}"]').is_visible()
    assert page.locator("table#review button, table#review form").count() == 0
    assert page.locator("form[method=post]").count() == 1  # only signing out
    token = page.locator('input[name="csrf"]').get_attribute("value")
    with_token = page.request.post(live_server.url + f"/console/review/{rid}/resolve",
                                   form={"csrf": token, "note": "x"}, max_redirects=0)
    assert with_token.status == 403 and "只读账号" in with_token.text()
    without = page.request.post(live_server.url + "/console/logout", form={}, max_redirects=0)
    assert without.status == 403 and "表单已失效" in without.text()
    page.reload()
    assert page.locator(f'tr[data-item="{rid}"]').is_visible()  # still open, still signed in


def test_an_admin_form_posted_without_its_token_changes_nothing(live_server, page):
    world_with_review(live_server)
    row = f'tr[data-item="{item_of(live_server, "pickup_after_cancel")["id"]}"]'
    add_user(live_server, "alice", "admin")
    page.goto(live_server.url + "/console/login")
    sign_in(page, live_server, "alice")
    page.wait_for_url(live_server.url + "/console/stations")
    page.goto(live_server.url + "/console/review")
    page.locator(f'{row} input[name="csrf"]').evaluate("e => e.remove()")
    page.locator(f'{row} input[name="note"]').fill("ok")
    page.locator(f'{row} button').click()
    assert page.locator("#refusal").inner_text().startswith("表单已失效")
    page.goto(live_server.url + "/console/review")
    assert page.locator(row).is_visible()


def signed_in_page(tab, server, name: str, role: str) -> None:
    add_user(server, name, role)
    tab.goto(server.url + "/console/login")
    sign_in(tab, server, name)
    tab.wait_for_url(server.url + "/console/stations")


def test_admin_resolves_a_double_redemption_and_finds_it_under_resolved(any_live_server, page):
    server = any_live_server
    w = build_world(server)
    w.s1.push([event("arrival_checked", batch_id="B1", data={"operator_id": "op1"})])
    item = double_redemption(w)
    signed_in_page(page, server, "alice", "admin")
    page.click("nav.nav >> text=待复核")
    row = page.locator(f'tr[data-item="{item["id"]}"]')
    text = row.inner_text()
    assert "重复核销" in text and "王*" in text and "137****9999" in text
    assert "有效" in text and "柜台 C-A · 操作员 alice" in text
    assert "被拒" in text and "柜台 C-B · 操作员 bob" in text
    row.locator("button").click()  # no note: the browser asks for one (required)
    assert page.url == server.url + "/console/review"
    row.locator('input[name="note"]').fill("两台电脑同时扫码，货只交了一次")
    row.locator("button").click()
    page.wait_for_url(server.url + f"/console/review?done={item['id']}")
    assert page.locator(f'tr[data-item="{item["id"]}"]').count() == 0
    page.click("#tab-resolved")
    resolved = page.locator(f'tr[data-item="{item["id"]}"]').inner_text()
    assert "两台电脑同时扫码，货只交了一次" in resolved and "alice" in resolved
    (api,) = review_items(server, state="resolved")
    assert (api["id"], api["resolved_by"], api["note"]) == (
        item["id"], "alice", "两台电脑同时扫码，货只交了一次")
    assert api["resolved_at"] and api["detail"]["pickups"][1]["counter_id"] == "C-B"


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _state_of(tab, notice_id) -> str:
    return tab.locator(f'tr[data-notice="{notice_id}"]').get_attribute("data-state")


def _reload_until(tab, check, timeout=20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, tab.content()[-2000:]
        time.sleep(0.2)
        tab.reload()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def start_server(request):
    """`start_server(**settings)`: a live server on SQLite or PostgreSQL with these settings."""
    url = request.getfixturevalue("pg_url_factory")() if request.param == "postgres" else None
    factory = request.getfixturevalue("server_factory")  # stopped before the schema is dropped
    return lambda **settings: factory(database_url=url, **settings)


def test_admin_retries_a_dead_notice_and_then_all_dead(start_server, page):
    secret = "console-webhook-secret"
    port = _closed_port()  # nothing listens: every delivery fails, and gives up at once
    server = start_server(notify_webhook_url=f"http://127.0.0.1:{port}/n",
                          notify_webhook_secret=secret, notify_give_up_s=0.3,
                          notify_poll_s=0.05, notify_backoff_base_s=0.05,
                          notify_backoff_max_s=0.1)
    w = build_world(server)
    w.s1.push([event("arrival_checked", batch_id="B1", data={"operator_id": "op1"})])
    signed_in_page(page, server, "alice", "admin")
    page.goto(server.url + "/console/notices?state=dead")
    _reload_until(page, lambda: page.locator("tr[data-notice]").count() == 3)
    first = page.locator("tr[data-notice]").first.get_attribute("data-notice")
    assert "已放弃" in page.locator(f'tr[data-notice="{first}"]').inner_text()
    assert "全部重新发送（3 条已放弃）" in page.locator("#retry-dead").inner_text()
    with LoopbackReceiver(secret, port=port) as receiver:  # the SMS service is back
        page.locator(f'tr[data-notice="{first}"] button').click()
        page.wait_for_url(server.url + f"/console/notices?done={first}")
        assert page.locator("#flash").inner_text() == f"已重新排队：#{first}"
        assert _state_of(page, first) in ("pending", "delivered")
        _reload_until(page, lambda: _state_of(page, first) == "delivered")
        assert "已送达" in page.locator(f'tr[data-notice="{first}"]').inner_text()
        assert page.locator(f'tr[data-notice="{first}"] button').count() == 0
        page.click("#retry-dead button")
        page.wait_for_url(server.url + "/console/notices?retried=2")
        assert page.locator("#flash").inner_text() == "已重新排队 2 条通知。"
        assert receiver.wait_for(3, timeout=20)
        _reload_until(page, lambda: {page.locator("tr[data-notice]").nth(i).get_attribute(
            "data-state") for i in range(3)} == {"delivered"})
    assert page.locator("#retry-dead").count() == 0


def test_a_viewer_sees_no_retry_and_its_retry_posts_are_403(live_server, page):
    world_with_review(live_server)
    set_notice_states(live_server, {"O1": "dead", "O3": "failed"})
    signed_in_page(page, live_server, "vera", "viewer")
    page.goto(live_server.url + "/console/notices")
    assert page.locator('tr[data-state="dead"]').count() == 1
    assert page.locator("table#notices button, table#notices form, #retry-dead").count() == 0
    notice = page.locator('tr[data-state="dead"]').get_attribute("data-notice")
    token = page.locator('input[name="csrf"]').get_attribute("value")
    for path in (f"/console/notices/{notice}/retry", "/console/notices/retry-dead"):
        refused = page.request.post(live_server.url + path, form={"csrf": token},
                                    max_redirects=0)
        assert refused.status == 403 and "只读账号" in refused.text(), path
    page.reload()
    assert page.locator('tr[data-state="dead"]').get_attribute("data-notice") == notice
