"""`pickup-station-cli`: the station's core with no window, for support staff, scripts and tests.

Every command takes `--data-dir` and `--json` (one JSON object on stdout). Exit status 0 on
success, 1 for a refusal (the reason in the output), 2 for bad usage, 130 when interrupted.

A damaged machine is a refusal too, never a traceback: whatever a command raises becomes
`{"ok": false, "error": {"code", "message", "log_file"}}` (or the message as text) with exit 1,
the traceback goes to the log file (`<data dir>/logs/station.log`, else the temp folder), and
nothing is written to fix things up. Codes: `store_corrupt` (not a database, cut short, failed
its integrity check), `store_locked`, `data_dir_read_only` (read-only, no permission, or not a
folder), `disk_full`, `internal_error` (anything else; the message names the log file). What the
host should also know (settings recovered from the last good copy, a damaged store) comes as
`"warnings": [{"code", "message"}]` beside the answer, or "注意：…" lines in text.

Commands live in small modules; each has `register(subparsers)` that adds its parsers with
`set_defaults(func=handler)`, and a handler `handler(args, ctx) -> Outcome`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from pickup_station.cli import (
    backups,
    counter,
    hardware,
    journal,
    maintenance,
    ports,
    reports,
    sync,
)
from pickup_station.cli.context import Context, Outcome, UsageError
from pickup_station.errors import MachineError, UserFacingError
from pickup_station.failures import failure_of, internal_error
from pickup_station.messages import render

log = logging.getLogger("pickup_station.cli")

__all__ = ["Context", "Outcome", "UsageError", "build_parser", "main"]

COMMAND_MODULES = [
    counter,  # lookup, handover, undo, status, import-manifest, arrive, operator-add
    sync,  # pair, sync
    hardware,  # decode, test-print
    reports,  # export, day-summary
    maintenance,  # check-store
    backups,  # backup, restore
    ports,  # serial-ports
    journal,  # journal verify
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


def _emit(args, outcome: Outcome, warnings: list[dict], lang: str) -> None:
    if getattr(args, "json", False):
        payload = dict(outcome.payload)
        if warnings:
            payload["warnings"] = warnings
        text = json.dumps(payload, ensure_ascii=False, default=str) + "\n"
    else:
        lines = [render("cli.warning", lang, message=w["message"]) for w in warnings]
        if outcome.text:
            lines.append(outcome.text.rstrip("\n"))
        text = "".join(line + "\n" for line in lines)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError:  # a closed pipe: nobody is reading, nothing to add
        pass


def _refusal(ctx: Context, exc: UserFacingError, code: int = 1, **extra) -> Outcome:
    error = {"code": exc.code, "message": ctx.msg(exc), **extra}
    return Outcome(code, {"ok": False, "error": error}, ctx.msg(exc))


def _run(args, ctx: Context) -> Outcome:
    """The command, with every failure turned into an Outcome (see the module doc)."""
    try:
        return args.func(args, ctx)
    except UsageError as exc:
        return Outcome(2, {"ok": False, "error": {"code": "usage", "message": str(exc)}},
                       f"error: {exc}")
    except MachineError as exc:
        log.error("%s: %s", args.command, exc.en, exc_info=exc)
        return _refusal(ctx, exc, log_file=_path(ctx.log_file.path))
    except UserFacingError as exc:  # Refused and the other worded refusals
        return _refusal(ctx, exc)
    except KeyboardInterrupt:
        return _refusal(ctx, UserFacingError("cli.interrupted", code="interrupted"), 130)
    except Exception as exc:
        log.error("%s failed", args.command, exc_info=exc)
        err = failure_of(exc, ctx.paths.data_dir) or internal_error(ctx.log_file.path, exc)
        return _refusal(ctx, err, log_file=_path(ctx.log_file.path))


def _path(path) -> str | None:
    return None if path is None else str(path)


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
    root = logging.getLogger()
    # The log file, not the terminal (python-escpos calls logging.basicConfig() on import).
    terminal = [h for h in root.handlers if type(h) is logging.StreamHandler
                and getattr(h, "stream", None) in (sys.stderr, sys.stdout)]
    for h in terminal:
        root.removeHandler(h)
    root.addHandler(ctx.log_file)
    try:
        outcome = _run(args, ctx)
        try:
            warnings = ctx.warnings()
        except Exception:
            log.warning("could not gather warnings", exc_info=True)
            warnings = []
        if outcome.code != 0:  # the error already says it
            said = (outcome.payload.get("error") or {}).get("code")
            warnings = [w for w in warnings if w.get("code") != said]
        ctx.close()
    finally:
        root.removeHandler(ctx.log_file)
        for h in terminal:
            root.addHandler(h)
    _emit(args, outcome, warnings, ctx.lang)
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
