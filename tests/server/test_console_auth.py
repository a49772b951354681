"""HQ console: signing in and out over real HTTP (SQLite and PostgreSQL): hashed passwords,
session cookie flags, sessions rotated at sign-in and ended at sign-out, CSRF on every form,
lockout and throttling against guessing, viewers refused any change, no open redirect."""

from __future__ import annotations

import io

import pytest

from server_stub.console import passwords, sessions
from server_stub.console.users import LOCK_AFTER, LoginThrottle
from server_stub.console.users_cli import read_password
from server_stub.db import Database
from tests.server.console_helpers import (
    PASSWORD,
    ConsoleClient,
    add_user,
    csrf_of,
    item_of,
    signed_in,
    world_with_review,
)


def _cookie_header(response, name: str) -> str:
    for value in response.raw.headers.getlist("set-cookie"):
        if value.startswith(name + "="):
            return value
    raise AssertionError(f"no {name} cookie in {response.headers}")


def test_wrong_password_then_right_one_signs_in_with_a_strict_httponly_cookie(any_live_server):
    add_user(any_live_server, "alice", "admin")
    client = ConsoleClient(any_live_server)
    wrong = client.sign_in("alice", "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    assert "pickup_console" not in client.http.cookies
    unknown = client.sign_in("nobody", PASSWORD)
    assert unknown.status_code == 401 and "用户名或密码错误" in unknown.text  # same words
    right = client.sign_in("alice", PASSWORD, next_path="/console/today")
    assert right.status_code == 303 and right.headers["location"] == "/console/today"
    cookie = _cookie_header(right, "pickup_console").lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert "secure" not in cookie.replace("samesite", "")  # plain http on loopback
    page = client.get("/console/today")
    assert page.status_code == 200 and "alice" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'


def test_pages_need_a_session_and_the_password_is_stored_as_scrypt(live_server):
    add_user(live_server, "alice", "admin")
    page = ConsoleClient(live_server).get("/console/batches?page=2", allow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=%2Fconsole%2Fbatches%3Fpage%3D2"
    db = Database(live_server.config.resolved_database_url, pool_size=1)
    with db.read() as conn:
        stored = conn.exec_driver_sql(
            "SELECT password_hash FROM console_users WHERE username = 'alice'").scalar_one()
    db.dispose()
    assert stored.startswith("scrypt$32768$8$1$") and PASSWORD not in stored
    assert passwords.verify_password(PASSWORD, stored)
    assert not passwords.verify_password(PASSWORD + "x", stored)


def test_sign_in_makes_a_new_session_and_sign_out_ends_it(any_live_server):
    add_user(any_live_server, "alice", "admin")
    client = ConsoleClient(any_live_server)
    assert client.sign_in("alice").status_code == 303
    first = client.http.cookies["pickup_console"]
    assert client.sign_in("alice").status_code == 303
    second = client.http.cookies["pickup_console"]
    assert second != first
    stale = ConsoleClient(any_live_server)
    stale.http.cookies.set("pickup_console", first, path="/console")
    assert stale.get("/console/stations", allow_redirects=False).status_code == 303
    out = client.post("/console/logout", {"csrf": client.csrf()})
    assert out.status_code == 303 and out.headers["location"] == "/console/login?bye=1"
    replay = ConsoleClient(any_live_server)
    replay.http.cookies.set("pickup_console", second, path="/console")
    assert replay.get("/console/stations", allow_redirects=False).status_code == 303


def test_every_form_needs_its_csrf_token(any_live_server):
    world_with_review(any_live_server)
    rid = item_of(any_live_server, "pickup_after_cancel")["id"]
    admin = signed_in(any_live_server, "alice", "admin")
    token = admin.csrf("/console/review")
    for path, fields in ((f"/console/review/{rid}/resolve", {"note": "ok"}),
                         ("/console/notices/1/retry", {}),
                         ("/console/logout", {})):
        assert admin.post(path, fields).status_code == 403, path
        assert admin.post(path, {**fields, "csrf": "x" + token}).status_code == 403, path
    other = signed_in(any_live_server, "bob", "admin")  # another session's token is no good
    assert admin.post(f"/console/review/{rid}/resolve",
                      {"note": "ok", "csrf": other.csrf()}).status_code == 403
    cross = admin.post(f"/console/review/{rid}/resolve", {"note": "ok", "csrf": token},
                       headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "表单已失效" in cross.text
    assert "O2" in admin.get("/console/review").text  # nothing was resolved
    done = admin.post(f"/console/review/{rid}/resolve", {"note": "ok", "csrf": token})
    assert done.status_code == 303


def test_sign_in_form_has_its_own_csrf_token(live_server):
    add_user(live_server, "alice", "admin")
    client = ConsoleClient(live_server)
    client.get("/console/login")  # the pre-session cookie
    forged = client.post("/console/login", {"csrf": "guess", "username": "alice",
                                            "password": PASSWORD})
    assert forged.status_code == 403 and "pickup_console" not in client.http.cookies
    bare = ConsoleClient(live_server).post("/console/login", {
        "csrf": csrf_of(client.get("/console/login").text), "username": "alice",
        "password": PASSWORD})  # a token without the cookie it belongs to
    assert bare.status_code == 403


def test_a_viewer_sees_no_action_and_any_change_it_posts_is_403(any_live_server):
    world_with_review(any_live_server)
    rid = item_of(any_live_server, "pickup_after_cancel")["id"]
    viewer = signed_in(any_live_server, "vera", "viewer")
    page = viewer.get("/console/review")
    assert page.status_code == 200 and "O2" in page.text
    assert "/resolve" not in page.text and "<button type=\"submit\" class=\"primary\"" not in page.text
    token = csrf_of(page.text)  # the sign-out form's: the viewer has a valid token
    refused = viewer.post(f"/console/review/{rid}/resolve", {"note": "mine", "csrf": token})
    assert refused.status_code == 403 and "只读账号" in refused.text
    assert viewer.post("/console/notices/1/retry", {"csrf": token}).status_code == 403
    assert viewer.post("/console/notices/retry-dead", {"csrf": token}).status_code == 403
    assert "O2" in viewer.get("/console/review").text
    assert viewer.post("/console/logout", {"csrf": token}).status_code == 303  # may leave


def test_wrong_passwords_in_a_row_lock_the_account(live_server):
    add_user(live_server, "alice", "admin")
    client = ConsoleClient(live_server)
    for _ in range(LOCK_AFTER - 1):
        assert client.sign_in("alice", "guess-guess-guess").status_code == 401
    locked = client.sign_in("alice", "guess-guess-guess")
    assert locked.status_code == 429 and "已锁定" in locked.text
    still = client.sign_in("alice", PASSWORD)  # even the right password waits now
    assert still.status_code == 429 and "pickup_console" not in client.http.cookies


def test_an_address_that_fails_too_often_is_turned_away():
    throttle = LoginThrottle(limit=3, window_s=60)
    for _ in range(3):
        assert throttle.wait_s("10.0.0.1") == 0
        throttle.failed("10.0.0.1")
    assert 0 < throttle.wait_s("10.0.0.1") <= 61
    assert throttle.wait_s("10.0.0.2") == 0


def test_the_live_server_throttles_guessing_across_usernames(live_server):
    live_server._server.config.app.state.console_throttle.limit = 3
    client = ConsoleClient(live_server)
    for name in ("a1", "a2", "a3"):
        assert client.sign_in(name, "whatever-123").status_code == 401
    turned = client.sign_in("a4", "whatever-123")
    assert turned.status_code == 429 and "次数过多" in turned.text


def test_disabled_users_and_changed_passwords_end_sessions(live_server):
    from server_stub.console.users import set_disabled, set_password

    client = signed_in(live_server, "alice", "admin")
    db = Database(live_server.config.resolved_database_url, pool_size=1)
    with db.write() as conn:
        set_password(conn, "alice", "another-pass-9")
    assert client.get("/console/stations", allow_redirects=False).status_code == 303
    assert client.sign_in("alice", "another-pass-9").status_code == 303
    with db.write() as conn:
        set_disabled(conn, "alice", True)
    db.dispose()
    assert client.get("/console/stations", allow_redirects=False).status_code == 303
    assert client.sign_in("alice", "another-pass-9").status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "/console//evil", "/api/v1/stations",
                                    "javascript:alert(1)"])
def test_no_redirect_leaves_the_console(live_server, target):
    add_user(live_server, "alice", "admin")
    client = ConsoleClient(live_server)
    assert client.sign_in("alice", next_path=target).headers["location"] == "/console/stations"
    switch = client.get(f"/console/lang/en?next={target}", allow_redirects=False)
    assert switch.headers["location"] == "/console/stations"


def test_the_admin_api_token_still_works_and_opens_no_console(live_server):
    import requests

    api = requests.get(live_server.url + "/api/v1/stations", timeout=10,
                       headers={"Authorization": f"Bearer {live_server.admin_token}"})
    assert api.status_code == 200
    page = requests.get(live_server.url + "/console/stations", allow_redirects=False, timeout=10,
                        headers={"Authorization": f"Bearer {live_server.admin_token}"})
    assert page.status_code == 303  # the console wants a person, not the integration token


def test_password_hashes_and_rules():
    stored = passwords.hash_password("ein langes Passwort")
    assert passwords.verify_password("ein langes Passwort", stored)
    assert stored != passwords.hash_password("ein langes Passwort")  # salted
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash("scrypt$16384$8$1$abc$def")
    for broken in ("", "plain", "scrypt$x$8$1$a$b", "bcrypt$1$2$3$4$5"):
        assert not passwords.verify_password("whatever", broken)
    assert not passwords.verify_password("x" * 10_000, stored)
    assert passwords.password_problem("short") == "password.too_short"
    assert passwords.password_problem(" padded password ") == "password.bad_characters"
    assert passwords.password_problem("long enough now") is None
    assert sessions.same_token("abc", "abc") and not sessions.same_token("", "")


def test_cli_reads_the_password_from_a_pipe_or_twice_from_a_terminal():
    assert read_password(io.StringIO("s3cret-password\n")) == "s3cret-password"

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["first-password", "first-password"])
    assert read_password(Terminal(), prompt=lambda _p: next(answers)) == "first-password"
    answers = iter(["first-password", "other-password"])
    with pytest.raises(ValueError):
        read_password(Terminal(), prompt=lambda _p: next(answers))


def test_the_cookie_is_secure_when_served_over_https(live_server):
    """Behind a TLS proxy on the same machine (X-Forwarded-Proto from a trusted address)."""
    add_user(live_server, "alice", "admin")
    client = ConsoleClient(live_server)
    form = client.get("/console/login", headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in _cookie_header(form, "pickup_console_pre").lower()
    client.http.cookies.set("pickup_console_pre", form.cookies["pickup_console_pre"],
                            path="/console")  # requests keeps Secure cookies for https only
    answer = client.post("/console/login", {"csrf": csrf_of(form.text), "username": "alice",
                                            "password": PASSWORD},
                         headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 303
    cookie = _cookie_header(answer, "pickup_console").lower()
    assert "; secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
