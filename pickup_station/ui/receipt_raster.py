"""Receipts as pictures: Qt's text rendering with the system's CJK font, for printers without a
Chinese font (raster and mixed modes) and for looking at a receipt on screen or as a PNG.

Every character sits on the printer's grid (12 dots a half-width column, 24 a Chinese character,
30 dots a line), so the picture and the text mode line up the same. Painting on a QImage is safe
in a worker thread once a QGuiApplication exists (`ensure_gui_app`).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence

import qrcode
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QImage, QPainter

from pickup_station.core.papers.layout import (
    Cut,
    Feed,
    PaperSize,
    PrintLine,
    Qr,
    Text,
    char_width,
    display_width,
)
from pickup_station.ui import pyside_none_guard  # noqa: F401  (must run before Qt is used)

ROW_DOTS = 30  # one text line, as ESC/POS prints it (ESC 2 default on 203 dpi printers)
FONT_PX = 22  # a Chinese character 22 dots wide in its 24-dot cell
CJK_FAMILIES = (
    "WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei", "Noto Sans Mono CJK SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "DengXian",
)

_family: str | None = None
_family_lock = threading.Lock()


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new offscreen one (CLI, scripts). Call on the main
    thread before rendering from a worker."""
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
    return app  # type: ignore[return-value]


def cjk_family() -> str:
    """The first CJK font family this computer has (the default family when none is known)."""
    global _family
    with _family_lock:
        if _family is None:
            have = set(QFontDatabase.families())
            _family = next((f for f in CJK_FAMILIES if f in have), "")
            if not _family:
                for f in sorted(have):  # any family that can write Chinese
                    if QFontDatabase.WritingSystem.SimplifiedChinese in \
                            QFontDatabase.writingSystems(f):
                        _family = f
                        break
        return _family


def _font(bold: bool, large: bool) -> QFont:
    font = QFont(cjk_family()) if cjk_family() else QFont()
    font.setPixelSize(FONT_PX * (2 if large else 1))
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def _row_height(line: Text | Feed) -> int:
    if isinstance(line, Feed):
        return ROW_DOTS * line.lines
    return ROW_DOTS * (2 if line.large else 1)


def _paint_text(p: QPainter, line: Text, top: int, paper: PaperSize) -> None:
    """Draw one line character by character on the printer's column grid."""
    cell = paper.dots_per_column * (2 if line.large else 1)
    font = _font(line.bold, line.large)
    p.setFont(font)
    fm = QFontMetricsF(font)
    total = display_width(line.text) * cell
    x = {"left": 0, "center": (paper.dots - total) // 2, "right": paper.dots - total}[line.align]
    x = max(x, 0)
    h = _row_height(line)
    baseline = top + (h - fm.ascent() - fm.descent()) / 2 + fm.ascent()
    for ch in line.text:
        w = char_width(ch) * cell
        if ch != " " and w:
            adv = fm.horizontalAdvance(ch)
            if adv > w:  # squeeze a wide Latin letter into its column
                p.save()
                p.translate(x, baseline)
                p.scale(w / adv, 1.0)
                p.drawText(QPointF(0, 0), ch)
                p.restore()
            else:
                p.drawText(QPointF(x + (w - adv) / 2, baseline), ch)
        x += w


def _to_pil(img: QImage) -> Image.Image:
    img = img.convertToFormat(QImage.Format.Format_Grayscale8)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    data = bytes(img.constBits())[: stride * h]
    return Image.frombuffer("L", (w, h), data, "raw", "L", stride, 1).copy()


def render_lines(lines: Sequence[Text | Feed], paper: PaperSize) -> Image.Image:
    """A run of text lines as one grey image `paper.dots` wide (black ink on white); the
    printer adapter thresholds it to 1 bit. This is the `Rasterizer` of hardware/escpos_cn."""
    height = max(sum(_row_height(line) for line in lines), 1)
    img = QImage(paper.dots, height, QImage.Format.Format_Grayscale8)
    img.fill(Qt.GlobalColor.white)
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setPen(Qt.GlobalColor.black)
        top = 0
        for line in lines:
            if isinstance(line, Text):
                _paint_text(p, line, top, paper)
            top += _row_height(line)
    finally:
        p.end()
    return _to_pil(img)


def qr_image(data: str, module_dots: int) -> Image.Image:
    """A QR code as the printer draws it natively (error level M, `module_dots` per module)."""
    code = qrcode.QRCode(border=0, box_size=max(module_dots, 1),
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")


def render_preview(lines: Sequence[PrintLine], paper: PaperSize) -> Image.Image:
    """The whole paper as the printer would print it, QR codes and a dashed cut line included:
    for the screen, and for `scripts/render_receipts.py`."""
    parts: list[Image.Image] = []
    run: list[Text | Feed] = []

    def flush() -> None:
        if run:
            parts.append(render_lines(run, paper))
            run.clear()

    for line in lines:
        if isinstance(line, (Text, Feed)):
            run.append(line)
            continue
        flush()
        if isinstance(line, Qr):
            code = qr_image(line.data, line.size)
            block = Image.new("L", (paper.dots, code.height + 8), 255)
            block.paste(code, ((paper.dots - code.width) // 2, 4))
            parts.append(block)
        elif isinstance(line, Cut):
            block = Image.new("L", (paper.dots, 4 * ROW_DOTS), 255)
            for x in range(0, paper.dots, 12):
                block.paste(0, (x, 3 * ROW_DOTS, min(x + 6, paper.dots), 3 * ROW_DOTS + 2))
            parts.append(block)
    flush()
    height = sum(p.height for p in parts) or 1
    out = Image.new("L", (paper.dots, height), 255)
    top = 0
    for part in parts:
        out.paste(part, (0, top))
        top += part.height
    return out
