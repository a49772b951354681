"""CLI commands of the leader's day: operators, shelves, receiving by product, returns, closing.

    operator-rename ID NAME          operator-disable ID [--enable]
    operator-pin ID --new-pin N      (own PIN: --pin OLD; a leader resetting: --operator LEADER)
    shelves [--set SPEC ...] [--add SPEC]          SPEC = NAME:AREA:LEVELS:POSITIONS
    receive BATCH [--received SKU=N ...] [--rule R] [--short ORDER:SKU:QTY ...] [--preview]
    receive BATCH --correct SKU=N [--note TEXT]
    returns [--all] [--remind ORDER ...] [--return ORDER ... --reason TEXT]
    close-day [--day DATE] [--count SKU=N ...] [--show] [--reprint] [--export FILE]

Every command that changes something takes `--operator ID` and that operator's PIN (`--pin`,
or a prompt on a terminal; with no terminal `--pin` is required). PINs are never printed.
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import asdict
from datetime import date, datetime

from pickup_station.cli.context import Outcome, UsageError
from pickup_station.core import day_close, receiving, returns, shelves
from pickup_station.core import operators as ops
from pickup_station.core.papers.layout import Text, layout
from pickup_station.core.timezone import station_tz
from pickup_station.messages import Message, render


def add_auth(p, what: str = "operator id (default: the first leader)") -> None:
    p.add_argument("--operator", help=what)
    p.add_argument("--pin", help="that operator's PIN (prompted on a terminal when left out)")


def authenticated(ctx, args, *, allow_default_pin: bool = False) -> ops.OperatorInfo:
    """The operator of `--operator` (default: the first leader) after checking the PIN.

    A station whose leader still has the default PIN has no secret to check yet: a command
    given without `--operator` and without `--pin` then runs as that leader, as before PINs
    came to the command line (the window makes the leader change the PIN at its first start).
    Once the PIN is changed, or whenever an operator is named, the PIN is required.
    """
    with ctx.store.session() as s:
        ops.ensure_default_operators(s)
        named = getattr(args, "operator", None)
        wanted = named
        if not wanted:
            leaders = [o for o in ops.list_operators(s) if o.is_leader]
            wanted = (leaders or ops.list_operators(s))[0].operator_id
        must_change = ops.pin_change_required(s)
        pin = getattr(args, "pin", None)
        if must_change and not named and pin is None:
            return ops.get_operator(s, wanted)
    if must_change and not allow_default_pin:
        raise ops.PinChangeRequired()
    if pin is None:
        if not sys.stdin.isatty():
            raise UsageError("--pin is required (no terminal to ask for the PIN)")
        pin = getpass.getpass(f"PIN ({wanted}): ")
    return ops.authenticate(ctx.store, wanted, pin)


def _pairs(items: list[str], what: str) -> dict[str, int]:
    out = {}
    for text in items:
        key, sep, value = text.rpartition("=")
        if not sep or not key.strip() or not value.strip().isdigit():
            raise UsageError(f"expected {what}=N, got {text!r}")
        out[key.strip()] = int(value)
    return out


def register(sub, common) -> None:
    p = sub.add_parser("operator-rename", parents=[common], help="rename an operator (leader)")
    p.add_argument("operator_id")
    p.add_argument("name")
    add_auth(p, "the leader's operator id")
    p.set_defaults(func=cmd_operator_rename)

    p = sub.add_parser("operator-disable", parents=[common], help="disable an operator (leader)")
    p.add_argument("operator_id")
    p.add_argument("--enable", action="store_true", help="enable the operator again")
    add_auth(p, "the leader's operator id")
    p.set_defaults(func=cmd_operator_disable)

    p = sub.add_parser("operator-pin", parents=[common],
                       help="change one's own PIN, or (leader) reset an operator's PIN")
    p.add_argument("operator_id")
    p.add_argument("--new-pin", required=True)
    add_auth(p, "who acts (default: the operator whose PIN changes)")
    p.set_defaults(func=cmd_operator_pin)

    p = sub.add_parser("shelves", parents=[common], help="the shelf layout and what is held")
    p.add_argument("--set", nargs="+", metavar="SPEC", help="replace the layout: "
                   "NAME:AREA:LEVELS:POSITIONS ... (areas: normal chilled frozen overflow)")
    p.add_argument("--add", metavar="SPEC", help="add one shelf, e.g. X:overflow:2:20")
    add_auth(p, "the leader's operator id (to change the layout)")
    p.set_defaults(func=cmd_shelves)

    p = sub.add_parser("receive", parents=[common], help="receive a batch by product (到货签收)")
    p.add_argument("batch_id")
    p.add_argument("--received", action="append", default=[], metavar="SKU=N")
    p.add_argument("--rule", choices=sorted(receiving.RULES), default=receiving.DEFAULT_RULE)
    p.add_argument("--short", action="append", default=[], metavar="ORDER_ID:SKU:QTY",
                   help="assign the shortfall yourself (replaces the rule's lines)")
    p.add_argument("--preview", action="store_true", help="show the pick list and who goes "
                   "short; sign nothing off")
    p.add_argument("--correct", metavar="SKU=N", help="after sign-off: the real count")
    p.add_argument("--note", default="")
    add_auth(p)
    p.set_defaults(func=cmd_receive)

    p = sub.add_parser("returns", parents=[common], help="uncollected orders, reminders, returns")
    p.add_argument("--all", action="store_true", help="also orders not yet overdue")
    p.add_argument("--remind", nargs="+", default=[], metavar="ORDER_ID")
    p.add_argument("--return", dest="give_back", nargs="+", default=[], metavar="ORDER_ID")
    p.add_argument("--reason", default="")
    add_auth(p)
    p.set_defaults(func=cmd_returns)

    p = sub.add_parser("close-day", parents=[common], help="day closing with a goods count")
    p.add_argument("--day", help="YYYY-MM-DD (default: today, station time)")
    p.add_argument("--count", action="append", default=[], metavar="SKU=N")
    p.add_argument("--show", action="store_true", help="what should be on the shelves; "
                   "close nothing")
    p.add_argument("--reprint", action="store_true", help="the slip of a closed day")
    p.add_argument("--export", metavar="FILE", help="a closed day as CSV")
    add_auth(p)
    p.set_defaults(func=cmd_close_day)


def cmd_operator_rename(args, ctx) -> Outcome:
    acting = authenticated(ctx, args)
    with ctx.store.session() as s:
        op = ops.rename_operator(s, acting, args.operator_id, args.name)
    text = render("cli.leader.renamed", ctx.lang, operator_id=op.operator_id, name=op.name)
    return Outcome(0, {"ok": True, **asdict(op)}, text)


def cmd_operator_disable(args, ctx) -> Outcome:
    acting = authenticated(ctx, args)
    with ctx.store.session() as s:
        op = ops.set_active(s, acting, args.operator_id, args.enable)
    return Outcome(0, {"ok": True, **asdict(op), "active": bool(args.enable)},
                   render("cli.leader.enabled" if args.enable else "cli.leader.disabled",
                          ctx.lang, name=op.name))


def cmd_operator_pin(args, ctx) -> Outcome:
    acting_id = args.operator or args.operator_id
    if acting_id == args.operator_id:
        if args.pin is None and not sys.stdin.isatty():
            raise UsageError("--pin (the current PIN) is required")
        old = args.pin if args.pin is not None else getpass.getpass("PIN: ")
        ops.change_pin(ctx.store, args.operator_id, old, args.new_pin)
        mode = "changed"
    else:
        args.operator = acting_id
        acting = authenticated(ctx, args, allow_default_pin=True)
        with ctx.store.session() as s:
            ops.reset_pin(s, acting, args.operator_id, args.new_pin)
        mode = "reset"
    return Outcome(0, {"ok": True, "operator_id": args.operator_id, "pin": mode},
                   render("cli.leader.pin_changed", ctx.lang, operator_id=args.operator_id))


def _spec(text: str) -> shelves.ShelfSpec:
    parts = text.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        raise UsageError(f"expected NAME:AREA:LEVELS:POSITIONS, got {text!r}")
    return shelves.ShelfSpec(parts[0], parts[1], int(parts[2]), int(parts[3]))


def cmd_shelves(args, ctx) -> Outcome:
    if args.set or args.add:
        acting = authenticated(ctx, args)
        if not acting.is_leader:
            raise ops.Refused("shelves.leader_only", code="leader_only")
        with ctx.store.session() as s:
            if args.set:
                shelves.set_layout(s, [_spec(t) for t in args.set])
            if args.add:
                shelves.add_shelf(s, _spec(args.add))
    with ctx.store.reader() as s:
        specs = shelves.get_layout(s)
        occ = shelves.occupancy(s)
    payload = {"ok": True, "shelves": [{**asdict(x), "capacity": x.capacity} for x in specs],
               "areas": [{**asdict(a), "free": a.free} for a in occ.areas],
               "occupied": occ.occupied, "outside_layout": occ.outside_layout}
    lines = [render("cli.shelves.shelf", ctx.lang, name=x.name, levels=x.levels,
                    area=Message(shelves.AREA_NAMES[x.area]), positions=x.positions)
             for x in specs]
    lines += [render("cli.shelves.area", ctx.lang, area=Message(shelves.AREA_NAMES[a.area]),
                     slots=a.slots, occupied=a.occupied, free=a.free)
              for a in occ.areas if a.slots]
    return Outcome(0, payload, "\n".join(lines))


def cmd_receive(args, ctx) -> Outcome:
    if args.correct:
        (sku, qty), = _pairs([args.correct], "SKU").items()
        acting = authenticated(ctx, args)
        result = receiving.correct_received(ctx.store, args.batch_id, acting.operator_id, sku,
                                            qty, note=args.note)
        return Outcome(0, {"ok": True, **asdict(result)},
                       render("cli.receive.corrected", ctx.lang, sku=sku,
                              before=result.received_before, after=result.received_after))
    plan = receiving.preview(ctx.store, args.batch_id, _pairs(args.received, "SKU"), args.rule)
    if args.short:
        plan.shorts = _edited(plan, args.short)
    payload = {"ok": True, "batch_id": args.batch_id, "rule": plan.rule,
               "rule_text": render(receiving.RULES[plan.rule], ctx.lang),
               "products": [{**asdict(p), "perishable": p.perishable,
                             "received": plan.received[p.sku],
                             "shortfall": plan.shortfall(p.sku)} for p in plan.products],
               "shorts": [asdict(x) for x in plan.shorts], "surplus": plan.surplus}
    lines = [render("cli.receive.product_fresh" if p.perishable else "cli.receive.product",
                    ctx.lang, sku=p.sku, name=p.name, expected=p.expected,
                    received=plan.received[p.sku]) for p in plan.products]
    lines += [render("cli.receive.short", ctx.lang, qty=x.qty_short, order_id=x.order_id,
                     customer=x.customer, name=x.name) for x in plan.shorts]
    if args.preview:
        return Outcome(0, {**payload, "signed_off": False}, "\n".join(lines))
    acting = authenticated(ctx, args)
    result = receiving.sign_off_received(ctx.store, args.batch_id, acting.operator_id, plan)
    lines.append(render("cli.receive.signed_off", ctx.lang, batch_id=result.batch_id,
                        orders=result.orders, slots=result.slots_assigned))
    return Outcome(0, {**payload, "signed_off": True, **asdict(result)}, "\n".join(lines))


def _edited(plan: receiving.ReceivingPreview, texts: list[str]) -> list[receiving.ShortLine]:
    from pickup_station.core.arrival import parse_issue

    out = []
    for t in texts:
        try:
            issue = parse_issue(t)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        out.append(receiving.ShortLine(issue.order_id, 0, issue.sku, issue.sku, "", issue.qty,
                                       issue.qty, False))
    return out


def cmd_returns(args, ctx) -> Outcome:
    payload: dict = {"ok": True}
    lines = []
    if args.remind or args.give_back:
        acting = authenticated(ctx, args)
        if args.remind:
            payload["reminded"] = returns.request_reminder(ctx.store, args.remind,
                                                           acting.operator_id)
            lines.append(render("cli.returns.reminded", ctx.lang, n=payload["reminded"]))
        if args.give_back:
            result = returns.return_orders(ctx.store, args.give_back, acting.operator_id,
                                           args.reason)
            payload["returned"] = asdict(result)
            lines.append(render("cli.returns.returned", ctx.lang, n=len(result.returned),
                                slots=", ".join(result.freed_slots)
                                or Message("cli.returns.no_slot")))
    listed = returns.uncollected(ctx.store, include_waiting=args.all)
    payload["uncollected"] = [asdict(u) for u in listed]
    lines += [render("cli.returns.line", ctx.lang, order_id=u.order_id, shelf_slot=u.shelf_slot,
                     customer=u.customer, phone=u.phone, hours=u.overdue_hours)
              for u in listed]
    return Outcome(0, payload, "\n".join(lines) or render("cli.returns.none", ctx.lang))


def cmd_close_day(args, ctx) -> Outcome:
    with ctx.store.reader() as s:
        tz = station_tz(s)
    try:
        day = date.fromisoformat(args.day) if args.day else datetime.now(tz).date()
    except ValueError as exc:
        raise UsageError(f"--day: expected YYYY-MM-DD, got {args.day!r}") from exc
    if args.show:
        stock = day_close.expected_stock(ctx.store)
        figures = day_close.operator_figures(ctx.store, day)
        return Outcome(0, {"ok": True, "day": day.isoformat(),
                           "operators": [asdict(o) for o in figures],
                           "stock": [{**asdict(x), "expected": x.expected} for x in stock]},
                       "\n".join(render("cli.close.stock", ctx.lang, sku=x.sku, name=x.name,
                                        expected=x.expected) for x in stock))
    if args.reprint or args.export:
        payload: dict = {"ok": True, "day": day.isoformat()}
        if args.export:
            payload["export"] = str(day_close.export_closing(ctx.store, day, args.export))
        slip = day_close.closing_slip(ctx.store, day, reprint=args.reprint)
        text = "\n".join(ln.text for ln in layout(slip, ctx.settings.printer.paper_mm)
                         if isinstance(ln, Text))
        payload["slip"] = text.splitlines()
        return Outcome(0, payload, text)
    acting = authenticated(ctx, args)
    closing = day_close.close_day(ctx.store, day, acting.operator_id,
                                  _pairs(args.count, "SKU"))
    payload = {"ok": True, **closing.to_dict()}
    text = render("cli.close.closed", ctx.lang, day=closing.day,
                  pickups=closing.totals["pickups"], differences=len(closing.discrepancies))
    return Outcome(0, payload, text)
