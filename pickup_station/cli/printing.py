"""`pickup-station-cli test-print`: print the test page (or a receipt, a shelf label) on the
printer in the settings, without the window. For support staff setting up a printer.

    pickup-station-cli test-print [--mode text|raster|mixed] [--paper 58|80]
                                  [--receipt PICKUP_ID|RECEIPT_NO [--reprint]] [--label ORDER_ID]

Exit 0 when the printer took the paper; 1 when it did not (not set up, out of paper, unplugged:
the reason in the output). JSON: `{"ok", "printed": "test"|"receipt"|"label", "printer", "mode",
"paper_mm", "bytes", "state", "seconds"}`.

This command is a small composition root: for the raster and mixed modes it starts an offscreen
Qt application to render the text (ui/receipt_raster.py); the text mode needs no Qt.
"""

from __future__ import annotations

from dataclasses import replace

from pickup_station.core.papers import (
    make_test_page,
    pickup_receipt_from_store,
    shelf_label_from_store,
    station_info,
)
from pickup_station.core.papers.layout import layout
from pickup_station.errors import UserFacingError
from pickup_station.messages import Message, render

MODES = ("text", "raster", "mixed")  # hardware.escpos_cn.MODES, named without importing escpos


def add_test_print_parser(sub, common) -> None:
    p = sub.add_parser("test-print", parents=[common],
                       help="print a test page (or a receipt / shelf label) on the set-up printer")
    p.add_argument("--mode", choices=MODES, help="override the print mode in the settings")
    p.add_argument("--paper", type=int, choices=[58, 80], help="override the paper width (mm)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--receipt", metavar="PICKUP", help="print this pickup's receipt "
                                                         "(pickup id or receipt number)")
    what.add_argument("--label", metavar="ORDER_ID", help="print this order's shelf label")
    p.add_argument("--reprint", action="store_true", help="mark the receipt 补打")
    p.set_defaults(func=cmd_test_print)


def _rasterizer(mode: str):
    if mode == "text":
        return None
    try:
        from pickup_station.ui.receipt_raster import ensure_gui_app, render_lines
    except ImportError as exc:  # pragma: no cover - PySide6 missing
        if not (exc.name or "").startswith(("PySide6", "shiboken6")):
            raise
        raise UserFacingError("cli.raster_needs_pyside", error=str(exc)) from exc
    ensure_gui_app()
    return render_lines


def described(settings, lang: str) -> str:
    """The printer in words (`describe()` keeps the raw form for the JSON answer and the
    test page): `USB 打印机 0x0416:0x5011 · 58 毫米 · 文字`."""
    kind = settings.kind or "none"
    where = (f"0x{settings.usb_vendor:04x}:0x{settings.usb_product:04x}" if kind == "usb"
             else settings.target)
    if kind == "serial":
        where = f"{settings.target} {settings.baudrate}"
    text = render("printer.described", lang, kind=Message(f"printer.kind.{kind}"), where=where,
                  paper=settings.paper_mm, mode=Message(f"printer.mode.{settings.mode}"))
    return " ".join(text.split())  # no double space where there is no address


def cmd_test_print(args, ctx):
    from pickup_station.cli.context import Outcome

    ctx.prepare_printing()  # before the first escpos import
    from pickup_station.hardware.printers import ReceiptPrinter, describe, make_printer

    settings = ctx.settings.printer
    settings = replace(settings, mode=args.mode or settings.mode,
                       paper_mm=args.paper or settings.paper_mm)
    printer = ReceiptPrinter(make_printer(settings), paper_mm=settings.paper_mm,
                             mode=settings.mode, rasterize=_rasterizer(settings.mode))
    with ctx.store.reader() as session:
        if args.receipt:
            paper, printed = pickup_receipt_from_store(session, args.receipt,
                                                       reprint=args.reprint), "receipt"
        elif args.label:
            paper, printed = shelf_label_from_store(session, args.label), "label"
        else:
            paper, printed = make_test_page(station_info(session), describe(settings)), "test"
    result = printer.print_lines(layout(paper, settings.paper_mm))
    payload = {"ok": True, "printed": printed, "printer": describe(settings),
               "mode": settings.mode, "paper_mm": settings.paper_mm, "bytes": result.bytes_sent,
               "state": result.state.value, "seconds": round(result.seconds, 3)}
    text = render("cli.printed", ctx.lang, what=Message(f"cli.printed.{printed}"),
                  printer=described(settings, ctx.lang), bytes=result.bytes_sent,
                  state=Message(f"printer.state.{result.state.value}"))
    return Outcome(0, payload, text)
