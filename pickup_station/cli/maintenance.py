"""CLI command `check-store`: SQLite's full integrity check of the local store, on demand.

A store that fails is marked damaged (`store/health.py`): uploading stops until a check passes
(after support restored or rebuilt the file). Exit 0 when sound, 1 when damaged:
`{"ok", "store", "integrity": "ok" | "damaged", "problems": [...]}`.
"""

from __future__ import annotations

from pickup_station.cli.context import Outcome
from pickup_station.messages import render


def register(sub, common) -> None:
    p = sub.add_parser("check-store", parents=[common],
                       help="full integrity check of the local store (uploads stop if it fails)")
    p.set_defaults(func=cmd_check_store)


def cmd_check_store(args, ctx) -> Outcome:
    store = ctx.store
    damage = store.check_integrity(full=True)
    if damage is None:
        text = render("cli.store_ok", ctx.lang, path=store.path)
        return Outcome(0, {"ok": True, "store": str(store.path), "integrity": "ok",
                           "problems": []}, text)
    err = damage.error(store.path)
    lines = [ctx.msg(err), *("  " + p for p in damage.problems[:10])]
    return Outcome(1, {"ok": False, "store": str(store.path), "integrity": "damaged",
                       "problems": damage.problems,
                       "error": {"code": err.code, "message": ctx.msg(err)}}, "\n".join(lines))
