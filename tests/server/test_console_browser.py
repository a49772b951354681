"""The HQ console in a real browser (headless Chromium, Playwright): signing in (a wrong
password first), stations, the language switch, resolving a review item, downloading an
export, a viewer without actions, forms without a CSRF token refused, the cookie's flags.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from tests.server.browser import CHROMIUM_ARGS, NO_CHROMIUM, chromium_path
from tests.server.console_helpers import PASSWORD, add_user, world_with_review

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
    row = page.locator('tr[data-item="O2"]')
    assert "李*" in row.inner_text()
    row.locator('input[name="note"]').fill("已电话联系顾客，补退款")
    row.locator("button").click()
    page.wait_for_url(server.url + "/console/review?done=O2")
    assert page.locator("#flash").inner_text() == "已处理：O2"
    assert page.locator('tr[data-item="O2"]').count() == 0
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
    add_user(live_server, "vera", "viewer")
    page.goto(live_server.url + "/console/login")
    sign_in(page, live_server, "vera")
    page.wait_for_url(live_server.url + "/console/stations")
    page.goto(live_server.url + "/console/review")
    assert page.locator('tr[data-item="O2"]').is_visible()
    assert page.locator("table#review button, table#review form").count() == 0
    assert page.locator("form").count() == 1  # only signing out
    token = page.locator('input[name="csrf"]').get_attribute("value")
    with_token = page.request.post(live_server.url + "/console/review/O2/resolve",
                                   form={"csrf": token, "note": "x"}, max_redirects=0)
    assert with_token.status == 403 and "只读账号" in with_token.text()
    without = page.request.post(live_server.url + "/console/logout", form={}, max_redirects=0)
    assert without.status == 403 and "表单已失效" in without.text()
    page.reload()
    assert page.locator('tr[data-item="O2"]').is_visible()  # still open, still signed in


def test_an_admin_form_posted_without_its_token_changes_nothing(live_server, page):
    world_with_review(live_server)
    add_user(live_server, "alice", "admin")
    page.goto(live_server.url + "/console/login")
    sign_in(page, live_server, "alice")
    page.wait_for_url(live_server.url + "/console/stations")
    page.goto(live_server.url + "/console/review")
    page.locator('tr[data-item="O2"] input[name="csrf"]').evaluate("e => e.remove()")
    page.locator('tr[data-item="O2"] button').click()
    assert page.locator("#refusal").inner_text().startswith("表单已失效")
    page.goto(live_server.url + "/console/review")
    assert page.locator('tr[data-item="O2"]').is_visible()
