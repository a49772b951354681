"""CLI commands of the reports: `export` (the pickups report) and `day-summary` (日结).

    pickup-station-cli export --from 2026-11-01 --to 2026-11-22 --format xlsx --out nov.xlsx
    pickup-station-cli day-summary [--date 2026-11-22] [--json]

Dates are the station's local days (time zone: `--tz`, else the store's `station_tz`, else the
computer's), the range inclusive. Bad dates, a range backwards or an unknown format are bad
usage (exit 2); a file that cannot be written is a refusal (exit 1).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pickup_station.cli.context import Outcome
from pickup_station.core.reports import day_figures, station_tz, tz_name, yuan
from pickup_station.core.reports.export import FORMATS, export_pickups
from pickup_station.errors import Refused
from pickup_station.messages import Message, render


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-11-22)") from None


def _zone(text: str) -> tzinfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone: {text!r} (e.g. Asia/Shanghai)") from None


def register(sub, common) -> None:
    p = sub.add_parser("export", parents=[common],
                       help="write the pickups report (one row per pickup line) as CSV or XLSX")
    p.add_argument("--from", dest="date_from", required=True, type=_date, metavar="DATE",
                   help="first local day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, type=_date, metavar="DATE",
                   help="last local day (inclusive), YYYY-MM-DD")
    p.add_argument("--format", dest="fmt", choices=FORMATS,
                   help="csv or xlsx (default: from the --out file name)")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write")
    p.add_argument("--tz", type=_zone, help="station time zone, e.g. Asia/Shanghai")
    p.set_defaults(func=cmd_export)

    d = sub.add_parser("day-summary", parents=[common], help="day closing figures (日结)")
    d.add_argument("--date", dest="day", type=_date, metavar="DATE",
                   help="local day, YYYY-MM-DD (default: today)")
    d.add_argument("--after-days", type=int, metavar="N",
                   help="uncollected after N days (default: the station setting)")
    d.add_argument("--tz", type=_zone, help="station time zone, e.g. Asia/Shanghai")
    d.set_defaults(func=cmd_day_summary)


def _usage(message: str) -> Outcome:
    """Bad usage (exit 2), returned rather than raised so that it also holds when the CLI runs
    as `python -m pickup_station.cli` (where `cli.UsageError` is a second class)."""
    return Outcome(2, {"ok": False, "error": {"code": "usage", "message": message}},
                   f"error: {message}")


def _tz(args, session) -> tzinfo:
    return args.tz or station_tz(session)


def cmd_export(args, ctx) -> Outcome:
    if args.date_from > args.date_to:
        return _usage(f"--from {args.date_from} is after --to {args.date_to}")
    fmt = args.fmt or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return _usage("say --format csv or --format xlsx (or name the file .csv / .xlsx)")
    with ctx.store.reader() as s:
        tz = _tz(args, s)
        res = export_pickups(s, args.date_from, args.date_to, fmt, args.out, tz, lang=ctx.lang)
    payload = {"ok": True, "rows": res.rows, "pickups": res.pickups, "out": res.out,
               "format": res.format, "from": args.date_from.isoformat(),
               "to": args.date_to.isoformat(), "tz": tz_name(tz)}
    text = render("cli.exported", ctx.lang, rows=res.rows, pickups=res.pickups, out=res.out)
    return Outcome(0, payload, text)


def cmd_day_summary(args, ctx) -> Outcome:
    extra = ctx.settings.extra if isinstance(ctx.settings.extra, dict) else {}
    after = args.after_days if args.after_days is not None else ctx.settings.uncollected_after_days
    if after < 0:
        return _usage("--after-days must be 0 or more")
    with ctx.store.reader() as s:
        tz = _tz(args, s)
        day = args.day or datetime.now(tz).date()
        try:
            fig = day_figures(s, day, tz, uncollected_after_days=after,
                              commission_rates=extra.get("commission_rates"))
        except (ValueError, TypeError, AttributeError) as exc:
            raise Refused("cli.bad_commission", error=str(exc), code="bad_settings") from exc
    payload = {"ok": True, **fig.to_dict()}
    return Outcome(0, payload, _day_text(fig, ctx.lang))


def _day_text(fig, lang: str) -> str:
    rows = [
        (Message("cli.day.day"), f"{fig.day.isoformat()} ({fig.tz})"),
        (Message("cli.day.pickups"), fig.pickups),
        (Message("cli.day.orders"), f"{fig.orders_handed} ({fig.orders_partial})"),
        (Message("cli.day.items"), fig.items_handed),
        (Message("cli.day.value"), f"¥{yuan(fig.value_handed_cents)}"),
        (Message("cli.day.proxy"), fig.proxy_pickups),
        (Message("cli.day.overrides"), fig.overrides),
        (Message("cli.day.undos"), fig.undos),
        (Message("cli.day.shortage"), fig.shortage_qty),
        (Message("cli.day.waiting"), fig.waiting),
        (Message("cli.day.uncollected", days=fig.uncollected_after_days), fig.uncollected),
        (Message("cli.day.commission"), f"¥{yuan(fig.commission_cents)}"),
    ]
    lines = [render("cli.day.row", lang, label=label, value=value) for label, value in rows]
    for b in fig.batches:
        lines.append(render("cli.day.batch", lang, batch_id=b.batch_id, picked_up=b.picked_up,
                            orders=b.orders, remaining=b.remaining))
    for o in fig.operators:
        lines.append(render("cli.day.operator", lang, name=o.name or o.operator_id,
                            pickups=o.pickups, undos=o.undos))
    return "\n".join(lines)
