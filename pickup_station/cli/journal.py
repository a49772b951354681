"""CLI command `journal verify`: is this station's hand-over journal whole? (offline, for support)

Checks the hash chain, the queued events against their entries, and the store's records against
theirs (core/journal_check.py). Exit 0 when whole, 1 when broken:
`{"ok", "whole", "entries", "verified_through_seq", "first_break": {seq, kind, detail} | null,
"breaks": [...]}`. A break's `seq` is null for a record that has no entry at all.
"""

from __future__ import annotations

from pickup_station.cli.context import Outcome
from pickup_station.core import journal_check
from pickup_station.messages import render


def register(sub, common) -> None:
    p = sub.add_parser("journal", parents=[common], help="the hand-over journal")
    what = p.add_subparsers(dest="journal_command", metavar="ACTION")
    what.required = True
    v = what.add_parser("verify", parents=[common],
                        help="check the journal's hash chain against the store (exit 1: broken)")
    v.set_defaults(func=cmd_verify)


def cmd_verify(args, ctx) -> Outcome:
    report = journal_check.verify(ctx.store)
    payload = {"ok": report.whole, **report.as_dict()}
    first = report.first_break
    if first is None:
        return Outcome(0, payload, render("cli.journal.whole", ctx.lang, entries=report.entries,
                                          seq=report.verified_through_seq))
    lines = [render("cli.journal.broken", ctx.lang, seq=first.seq or "-", kind=first.kind,
                    detail=first.detail, through=report.verified_through_seq,
                    entries=report.entries)]
    lines += [render("cli.journal.more", ctx.lang, seq=b.seq or "-", kind=b.kind,
                     detail=b.detail) for b in report.breaks[1:10] if b is not first]
    return Outcome(1, payload, "\n".join(lines))
