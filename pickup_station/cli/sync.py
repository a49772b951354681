"""CLI commands `pair URL TOKEN` and `sync` (see DESIGN.md, "Station command line").

`pair` checks the address and the station token with the server (heartbeat, then `/sync/me` for
the station's id, name and address) and only then keeps them in the settings; a wrong token
(401) or an unreachable address exits 1 with a clear message and saves nothing.
`sync` runs one round (pull, then push, then heartbeat) and prints what moved and what waits:
`{"ok", "pulled": {"batches", "orders", "removed"}, "pushed": {"accepted", "duplicate",
"rejected"}, "pending_events", "attention", "cursor", "last_sync"}` (plus `clock_skew_s`,
`clock_ok` and, on failure, `error`). Exit 1 when the round did not get through. On a demo
folder whose demo app is not running, the error says that the demo server lives in the app
(`error.demo_server_off`).
"""

from __future__ import annotations

from pickup_station.errors import Refused
from pickup_station.messages import Message, render, sentences
from pickup_station.store.db import STORE_FILENAME
from pickup_station.sync.client import SyncClient, normalize_url
from pickup_station.sync.engine import SyncEngine, pending_count
from pickup_station.sync.pairing import commit_pairing, verify_pairing


def register(sub, common) -> None:
    p = sub.add_parser("pair", parents=[common],
                       help="store the sync server address and station token (checked first)")
    p.add_argument("url", help="server address, e.g. http://192.168.1.10:8765")
    p.add_argument("token", help="the station token HQ issued for this pickup point")
    p.set_defaults(func=cmd_pair)
    s = sub.add_parser("sync", parents=[common], help="one pull and one push, then what waits")
    s.set_defaults(func=cmd_sync)


def cmd_pair(args, ctx):
    from pickup_station.cli.context import Outcome, UsageError

    url, token = normalize_url(args.url), (args.token or "").strip()
    if not url.startswith(("http://", "https://")) or not token:
        raise UsageError("pair needs an http(s) address and a token")
    store = ctx.store if (ctx.paths.data_dir / STORE_FILENAME).exists() else None
    check = verify_pairing(url, token, pending_count(store) if store else 0)
    commit_pairing(check, ctx.settings, ctx.save_settings, ctx.store)
    return Outcome(0, check.as_json(), check.describe(ctx.lang))


def cmd_sync(args, ctx):
    from pickup_station.cli.context import Outcome

    settings = ctx.settings
    if not settings.paired:
        raise Refused("cli.not_paired", code="not_paired")
    engine = SyncEngine(ctx.store, SyncClient(settings.server_url, settings.station_token))
    try:
        report = engine.run_round()
    finally:
        engine.client.close()
    payload = report.as_json(ctx.lang)
    text = describe_round(report, ctx.lang)
    if _demo_server_is_off(report, ctx):
        why = render("cli.sync.demo_server_off", ctx.lang)
        payload["error"]["demo_server_off"] = True
        payload["error"]["message"] = sentences([why, payload["error"]["message"]], ctx.lang)
        text = f"{why}\n{text}"
    return Outcome(0 if report.ok else 1, payload, text)


def _demo_server_is_off(report, ctx) -> bool:
    """A demo folder (made by `pickup-station --demo`) whose server did not answer: that
    server lives inside the demo app, so it answers only while the app runs."""
    return (report.error is not None and report.error.code == "offline"
            and (ctx.paths.data_dir / "demo-server" / "demo.json").exists())


def describe_round(report, lang: str = "zh_CN") -> str:
    """A round in a few human lines (the CLI's text output)."""
    pl, pu = report.pulled, report.pushed
    head = Message("cli.sync.done" if report.ok else "cli.sync.not_done")
    lines = [render("cli.sync.moved", lang, head=head, batches=pl.batches, orders=pl.orders,
                    removed=pl.removed, accepted=pu.accepted, duplicate=pu.duplicate,
                    rejected=pu.rejected),
             render("cli.sync.waiting", lang, pending=report.pending_events,
                    attention=report.attention)]
    if not report.clock_ok:
        lines.append(render("cli.sync.clock", lang, seconds=report.clock_skew_s))
    if report.error is not None:
        lines.insert(0, report.error.message(lang))
    return "\n".join(lines)
