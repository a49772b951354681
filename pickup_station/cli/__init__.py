"""`pickup-station-cli`: the station's core with no window, for support staff, scripts and tests.

Every command takes `--data-dir` and `--json` (one JSON object on stdout). Exit status 0 on
success, 1 for a refusal (the reason in the output), 2 for bad usage.

Commands live in small modules; each has `register(subparsers)` that adds its parsers with
`set_defaults(func=handler)`, and a handler `handler(args, ctx) -> Outcome`.
"""

from __future__ import annotations

import argparse
import json
import sys

from pickup_station.cli import counter, hardware, reports, sync
from pickup_station.cli.context import Context, Outcome, UsageError
from pickup_station.errors import Refused, UserFacingError

__all__ = ["Context", "Outcome", "UsageError", "build_parser", "main"]

COMMAND_MODULES = [
    counter,  # lookup, handover, undo, status, import-manifest, arrive, operator-add
    sync,  # pair, sync
    hardware,  # decode, test-print
    reports,  # export, day-summary
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # exit 2 with a JSON body when --json was asked for
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command is not reset by the command's parser
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--data-dir", help="station data folder (store and settings)")
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument("--lang", choices=["zh_CN", "en"], help="language of messages")
    parser = _Parser(prog="pickup-station-cli", description=__doc__.splitlines()[0],
                     parents=[common])
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def _emit(args, outcome: Outcome) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(outcome.payload, ensure_ascii=False, default=str) + "\n")
    elif outcome.text:
        sys.stdout.write(outcome.text.rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_json = "--json" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        if wants_json:
            print(json.dumps({"ok": False, "error": {"code": "usage", "message": str(exc)}}))
        else:
            parser.print_usage(sys.stderr)
            print(f"pickup-station-cli: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    ctx = Context(args)
    try:
        outcome = args.func(args, ctx)
    except UsageError as exc:
        outcome = Outcome(2, {"ok": False, "error": {"code": "usage", "message": str(exc)}},
                          f"error: {exc}")
    except Refused as exc:
        outcome = Outcome(1, {"ok": False, "error": {"code": exc.code, "message": ctx.msg(exc)}},
                          ctx.msg(exc))
    except UserFacingError as exc:
        outcome = Outcome(1, {"ok": False, "error": {"code": exc.code, "message": ctx.msg(exc)}},
                          ctx.msg(exc))
    _emit(args, outcome)
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
