"""`pickup-sync-server user ...`: HQ console accounts from the server's command line.

    pickup-sync-server user add NAME --role admin|viewer   (password: prompted twice, or one
                                                           line on stdin when piped)
    pickup-sync-server user passwd NAME                    (new password; sessions end)
    pickup-sync-server user disable NAME / enable NAME     (disabling ends its sessions)
    pickup-sync-server user list

Exit status 0 done, 1 refused (the reason on stderr, Chinese / English), 2 bad usage.
A password is never taken from the command line (it would stay in the shell history and in
the process list).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from .texts import both
from .users import ROLES, UserError, create_user, list_users, set_disabled, set_password


def add_parser(sub) -> None:
    user = sub.add_parser("user", help="HQ console accounts (add, passwd, disable, enable, list)")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="a new console user (password from the prompt/stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    for name, text in (("passwd", "set a new password (the user's sessions end)"),
                       ("disable", "the user can no longer sign in (sessions end)"),
                       ("enable", "the user may sign in again")):
        one = actions.add_parser(name, help=text)
        one.add_argument("name")
    actions.add_parser("list", help="every console user with role and state")
    for parser in actions.choices.values():  # as with the other commands: after the verb too
        parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)


def read_password(stdin=None, prompt: Callable[[str], str] = getpass.getpass) -> str:
    """Twice at a terminal (they must match); one line when stdin is a pipe or a file."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = prompt("密码 / Password: ")
    if prompt("再次输入 / Again: ") != first:
        raise UserError("password.mismatch")
    return first


def run(args, database) -> int:
    """One `user` command on `database` (server_stub.db.Database); answers the exit status."""
    try:
        if args.user_command == "list":
            with database.read() as conn:
                for row in list_users(conn):
                    state = "disabled" if row.disabled_at else "active"
                    print(f"{row.username}\t{row.role}\t{state}\tlast sign-in "
                          f"{row.last_login_at or '-'}")
            return 0
        if args.user_command in ("add", "passwd"):
            password = read_password()
            with database.write() as conn:
                if args.user_command == "add":
                    create_user(conn, args.name, args.role, password)
                else:
                    set_password(conn, args.name, password)
        else:
            with database.write() as conn:
                set_disabled(conn, args.name, args.user_command == "disable")
    except UserError as refusal:
        print(both(refusal.key, **refusal.values), file=sys.stderr)
        return 1
    print(f"{args.user_command}: {args.name} ok")
    return 0
