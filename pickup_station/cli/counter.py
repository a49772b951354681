"""CLI commands of the counter: lookup, handover, undo, status, import-manifest, arrive, operators."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import func, select

from pickup_station.cli import leader as leader_cmds
from pickup_station.cli.context import Outcome, UsageError
from pickup_station.core import arrival
from pickup_station.core import operators as ops
from pickup_station.core.counter import Counter, OrderChoice, Override
from pickup_station.core.manifest import import_manifest_file
from pickup_station.errors import Refused
from pickup_station.messages import render
from pickup_station.store.models import AttentionItem, OutboxEvent
from pickup_station.sync.attention import hq_note_of


def register(sub, common) -> None:
    p = sub.add_parser("lookup", parents=[common], help="what the counter shows for a text")
    p.add_argument("text")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("handover", parents=[common], help="hand over as the counter would")
    p.add_argument("text")
    p.add_argument("--proxy", help="name of the person collecting for the customer (代取)")
    p.add_argument("--operator", help="operator id (default: the first leader)")
    p.add_argument("--order", action="append", default=[],
                   help="with a phone-last-4 text or several open orders: which order(s)")
    p.add_argument("--only-scanned", action="store_true",
                   help="hand over only the scanned order, not the customer's other open orders")
    p.add_argument("--leader-pin",
                   help="leader's PIN, to hand over an order whose batch has not arrived yet "
                        "(arrived orders of the same customer need none)")
    p.add_argument("--reason", default="", help="reason for an override")
    p.add_argument("--pin", help="the operator's PIN (prompted on a terminal when left out)")
    p.set_defaults(func=cmd_handover)

    p = sub.add_parser("undo", parents=[common], help="undo a pickup by receipt number")
    p.add_argument("receipt_no")
    p.add_argument("--reason", required=True)
    p.add_argument("--operator")
    p.add_argument("--leader-pin")
    p.add_argument("--pin", help="the operator's PIN (prompted on a terminal when left out)")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("status", parents=[common], help="pending events, attention, last sync")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("import-manifest", parents=[common], help="load a JSON/CSV manifest")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("arrive", parents=[common], help="sign a batch off as arrived")
    p.add_argument("batch_id")
    p.add_argument("--short", action="append", default=[], metavar="ORDER_ID:SKU:QTY")
    p.add_argument("--damaged", action="append", default=[], metavar="ORDER_ID:SKU:QTY")
    p.add_argument("--operator")
    p.add_argument("--pin", help="the operator's PIN (prompted on a terminal when left out)")
    p.set_defaults(func=cmd_arrive)

    p = sub.add_parser("operator-add", parents=[common], help="add or change an operator")
    p.add_argument("operator_id")
    p.add_argument("name")
    p.add_argument("--pin", required=True)
    p.add_argument("--role", choices=["leader", "assistant"], default="assistant")
    p.set_defaults(func=cmd_operator_add)

    leader_cmds.register(sub, common)  # operators, shelves, receive, returns, close-day


def cmd_lookup(args, ctx) -> Outcome:
    verdict = Counter(ctx.store).lookup(args.text)
    lines = [verdict.message(ctx.lang)]
    for o in verdict.orders:
        items = render("cli.item_sep", ctx.lang).join(
            render("cli.item", ctx.lang, name=i.name, qty=i.qty) for i in o.items)
        lines.append(render("cli.order_line", ctx.lang, order_id=o.order_id,
                            customer=o.customer, phone=o.phone, shelf_slot=o.shelf_slot,
                            batch_id=o.batch_id, items=items))
        if not o.arrived:
            lines.append(render("cli.order_on_truck", ctx.lang,
                                expected_at=o.expected_at or "?"))
    code = 0 if verdict.ok or verdict.kind == "candidates" else 1
    return Outcome(code, verdict.to_dict(ctx.lang), "\n".join(lines))


def cmd_handover(args, ctx) -> Outcome:
    counter = Counter(ctx.store)
    operator_id = leader_cmds.authenticated(ctx, args).operator_id
    verdict = counter.lookup(args.text)
    override = None
    if verdict.kind == "candidates":
        if not args.order:
            return Outcome(1, {**verdict.to_dict(ctx.lang), "ok": False,
                               "error": {"code": "choose_order",
                                         "message": verdict.message(ctx.lang)}},
                           render("cli.choose_order", ctx.lang, verdict=verdict))
        ids = {o.order_id for o in verdict.orders}
        if not set(args.order) <= ids:
            raise UsageError("--order names an order not among the candidates")
        order_ids = list(args.order)
    elif verdict.ok or verdict.reason == "not_arrived":
        scanned = [o.order_id for o in verdict.orders if o.scanned]
        if args.order:
            order_ids = list(args.order)
        elif args.only_scanned:
            order_ids = scanned
        elif verdict.ok:  # the arrived orders; those on the truck only when named
            order_ids = [o.order_id for o in verdict.arrived_orders]
        else:  # all on the truck: all of them, with the leader's PIN
            order_ids = [o.order_id for o in verdict.orders]
        waiting = {o.order_id for o in verdict.waiting_orders}
        early = [o for o in order_ids if o in waiting]
        if early:  # only an order still on the truck needs the leader
            if not args.leader_pin:
                raise Refused("cli.order_not_arrived", order_id=early[0], code="not_arrived")
            with ctx.store.reader() as s:
                leader = ops.verify_leader_pin(s, args.leader_pin)
            override = Override("batch_not_arrived", args.reason or "leader override",
                                leader.operator_id)
    else:
        d = verdict.to_dict(ctx.lang)
        d["error"] = {"code": verdict.reason, "message": verdict.message(ctx.lang)}
        return Outcome(1, d, verdict.message(ctx.lang))
    result = counter.hand_over([OrderChoice(o) for o in order_ids], operator_id,
                               proxy_name=args.proxy, override=override)
    payload = {"ok": True, "picked_at": result.picked_at,
               "pickups": [asdict(p) for p in result.pickups], "operator": operator_id,
               "proxy": args.proxy}
    text = "\n".join(render("cli.handed_over", ctx.lang, order_id=p.order_id,
                            receipt_no=p.receipt_no) for p in result.pickups)
    return Outcome(0, payload, text)


def cmd_undo(args, ctx) -> Outcome:
    from pickup_station.store.models import Pickup

    operator_id = leader_cmds.authenticated(ctx, args).operator_id
    with ctx.store.reader() as s:
        pickup = s.scalars(select(Pickup).where(Pickup.receipt_no == args.receipt_no)).first()
        leader = ops.verify_leader_pin(s, args.leader_pin) if args.leader_pin else None
    if pickup is None:
        raise Refused("cli.no_receipt", receipt_no=args.receipt_no)
    Counter(ctx.store).undo(pickup.pickup_id, operator_id, args.reason,
                            leader_id=leader.operator_id if leader else None)
    return Outcome(0, {"ok": True, "receipt_no": args.receipt_no, "order_id": pickup.order_id},
                   render("cli.undone", ctx.lang, receipt_no=args.receipt_no))


def cmd_status(args, ctx) -> Outcome:
    store = ctx.store
    with store.reader() as s:
        pending = s.scalar(select(func.count()).select_from(OutboxEvent)) or 0
        oldest = s.scalar(select(func.min(OutboxEvent.occurred_at)))
        attention = s.scalars(select(AttentionItem).where(AttentionItem.resolved_at.is_(None))
                              .order_by(AttentionItem.id)).all()
        att = [{"id": a.id, "kind": a.kind, "event_type": a.event_type, "order_id": a.order_id,
                "reason": a.reason, "created_at": a.created_at,
                "hq_note": hq_note_of(a.detail)} for a in attention]
    payload = {
        "ok": True, "store": str(store.path), "pending_events": pending,
        "oldest_pending": oldest, "needs_attention": len(att), "attention": att,
        "last_sync": store.get_meta("last_sync_at"), "paired": ctx.settings.paired,
        "server_url": ctx.settings.server_url or None,
        "station_id": store.get_meta("station_id"),
        "clock_skew_s": store.get_meta("clock_skew_s"),
        "batches": [asdict(b) for b in arrival.list_batches(store)],
    }
    text = render("cli.status", ctx.lang, store=payload["store"], pending=pending,
                  attention=len(att),
                  last_sync=payload["last_sync"] or render("cli.never", ctx.lang))
    return Outcome(0, payload, text)


def cmd_import(args, ctx) -> Outcome:
    report = import_manifest_file(ctx.store, args.file)
    with ctx.store.session() as s:
        ops.ensure_default_operators(s)
    payload = {"ok": True, "batches": report.batches, "orders": report.orders,
               "removed": report.removed, "attention": report.attention}
    return Outcome(0, payload, render("cli.imported", ctx.lang, batches=report.batches,
                                      orders=report.orders))


def cmd_arrive(args, ctx) -> Outcome:
    try:
        issues = [arrival.parse_issue(t, "short") for t in args.short] + \
                 [arrival.parse_issue(t, "damaged") for t in args.damaged]
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    operator_id = leader_cmds.authenticated(ctx, args).operator_id
    result = arrival.sign_off(ctx.store, args.batch_id, operator_id, issues)
    return Outcome(0, {"ok": True, **asdict(result)},
                   render("cli.arrived", ctx.lang, batch_id=result.batch_id,
                          orders=result.orders, short=result.lines_short,
                          damaged=result.lines_damaged))


def cmd_operator_add(args, ctx) -> Outcome:
    with ctx.store.session() as s:
        op = ops.add_operator(s, args.operator_id, args.name, args.pin, args.role)
    return Outcome(0, {"ok": True, **asdict(op)}, render("cli.operator_saved", ctx.lang,
                                                          name=op.name))
