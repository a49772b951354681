"""`pickup-sync-server user ...`: accounts made on the server's command line sign in."""

from __future__ import annotations

import subprocess
import sys

from tests.server.console_helpers import ConsoleClient


def _user(data_dir, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server_stub", "user", *args,
                           "--data-dir", str(data_dir)], input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)


def test_user_add_list_disable_and_sign_in(tmp_path, server_factory):
    data = tmp_path / "srv"
    added = _user(data, "add", "alice", "--role", "admin", stdin="a-long-password\n")
    assert added.returncode == 0, added.stderr
    again = _user(data, "add", "Alice", "--role", "viewer", stdin="a-long-password\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    weak = _user(data, "add", "bob", "--role", "viewer", stdin="short\n")
    assert weak.returncode == 1 and "至少 10 个字符" in weak.stderr
    bad_role = _user(data, "add", "bob", "--role", "root", stdin="a-long-password\n")
    assert bad_role.returncode == 2
    listed = _user(data, "list")
    assert listed.returncode == 0 and "alice\tadmin\tactive" in listed.stdout
    assert "bob" not in listed.stdout and "a-long-password" not in listed.stdout
    server = server_factory(data_dir=data)
    client = ConsoleClient(server)
    assert client.sign_in("alice", "a-long-password").status_code == 303
    server.stop()
    assert _user(data, "disable", "alice").returncode == 0
    assert "alice\tadmin\tdisabled" in _user(data, "list").stdout
    assert _user(data, "disable", "nobody").returncode == 1
    server = server_factory(data_dir=data)
    assert ConsoleClient(server).sign_in("alice", "a-long-password").status_code == 401
