"""Laying a paper out into typed lines for 58 mm (32 columns, 384 dots) or 80 mm (48 / 576).

A column is one half-width character (12 dots of the printer's 12×24 font); a Chinese character,
full-width punctuation and anything else that is two bytes in GB18030 takes two columns, as on
the printer in its Chinese mode. Every `Text` that `layout()` makes fits its paper: `large` text
(double width and height) fits in half the columns. No Qt here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pickup_station.core.papers.model import (
    REASON_ZH,
    DaySummary,
    PickupReceipt,
    Printable,
    PrinterTestPage,
    ShelfLabel,
    StationInfo,
)

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class PaperSize:
    """A paper roll: its width in mm, in half-width columns and in printer dots."""

    mm: int
    columns: int
    dots: int

    @property
    def dots_per_column(self) -> int:
        return self.dots // self.columns


PAPERS = {58: PaperSize(58, 32, 384), 80: PaperSize(80, 48, 576)}


def paper_size(mm: int) -> PaperSize:
    """58 or 80 mm; anything else is a settings mistake and gets the closer of the two."""
    return PAPERS.get(int(mm)) or (PAPERS[80] if int(mm) >= 69 else PAPERS[58])


@dataclass(frozen=True)
class Text:
    """One printed line. `large` = double width and height; `bold` = emphasized."""

    text: str
    align: Align = "left"
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class Qr:
    """A QR code printed by the printer itself (ESC/POS GS ( k), `size` dots per module."""

    data: str
    size: int = 6


@dataclass(frozen=True)
class Feed:
    """Blank paper, in text lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut."""


PrintLine = Text | Qr | Feed | Cut


# ---- widths ---------------------------------------------------------------------------------

def char_width(ch: str) -> int:
    """Columns a character takes on the printer: 1 for ASCII, 2 for anything multi-byte in
    GB18030 (CJK, full-width punctuation, ×, ￥ ...)."""
    if ord(ch) < 0x80:
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2


def display_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def clean(text: object) -> str:
    """Printable text only: a control byte in a customer's name must never reach the printer
    as a command; tabs and newlines become spaces."""
    s = str(text if text is not None else "")
    s = s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return "".join(c for c in s if unicodedata.category(c)[0] != "C" or c == " ").strip()


OPENING = "（(【《「"


def wrap(text: str, width: int) -> list[str]:
    """Break a text into lines of at most `width` columns (a Latin word breaks at a space
    when it can)."""
    text = clean(text)
    if width <= 1:
        width = 2
    lines, cur, cur_w = [], "", 0
    for ch in text:
        w = char_width(ch)
        if cur_w + w > width:
            cut = cur.rfind(" ")
            bracket = max(cur.rfind(b) for b in OPENING)
            if ch != " " and cut > len(cur) // 2 and cur[-1:].isascii() and ch.isascii():
                lines.append(cur[:cut].rstrip())
                cur = cur[cut + 1:]
                cur_w = display_width(cur)
            elif bracket > 0 and display_width(cur[:bracket]) >= width // 2:
                lines.append(cur[:bracket].rstrip())  # keep "（3号楼便利店）" together
                cur = cur[bracket:]
                cur_w = display_width(cur)
            else:
                lines.append(cur.rstrip())
                cur, cur_w = "", 0
            if ch == " " and not cur:
                continue
        cur += ch
        cur_w += w
    if cur or not lines:
        lines.append(cur.rstrip())
    return lines


def pad_right(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def two_columns(left: str, right: str, width: int) -> list[str]:
    """`left` wrapped on the left, `right` right-aligned on its last line (item  x2)."""
    right = clean(right)
    rw = display_width(right)
    rows = wrap(left, max(width - rw - 1, 4))
    last = rows[-1]
    if display_width(last) + 1 + rw <= width:
        rows[-1] = pad_right(last, width - rw) + right
    else:
        rows.append(" " * (width - rw) + right)
    return rows


def labelled(label: str, value: str, width: int) -> list[str]:
    """`时间：2026-11-22 10:05`, continuation lines indented under the value."""
    label = clean(label)
    indent = display_width(label)
    if indent > width // 2:
        return wrap(label + clean(value), width)
    rows = wrap(value, width - indent) or [""]
    return [label + rows[0]] + [" " * indent + r for r in rows[1:]]


# ---- the papers -----------------------------------------------------------------------------

class _Sheet:
    """Collects lines for one paper width."""

    def __init__(self, paper: PaperSize):
        self.paper = paper
        self.cols = paper.columns
        self.lines: list[PrintLine] = []

    def text(self, text: str, align: Align = "left", bold: bool = False) -> None:
        for row in wrap(text, self.cols):
            self.lines.append(Text(row, align, bold))

    def rows(self, rows: Iterable[str], bold: bool = False) -> None:
        self.lines.extend(Text(r, "left", bold) for r in rows)

    def large(self, text: str, align: Align = "center", bold: bool = True) -> None:
        """Double size when it fits in two lines, else bold normal size."""
        rows = wrap(text, self.cols // 2)
        if len(rows) <= 2:
            self.lines.extend(Text(r, align, bold, large=True) for r in rows)
        else:
            self.text(text, align, bold=True)

    def kv(self, label: str, value: str, bold: bool = False) -> None:
        if clean(value):
            self.rows(labelled(label, value, self.cols), bold)

    def rule(self, ch: str = "-") -> None:
        self.lines.append(Text(ch * self.cols))

    def header(self, station: StationInfo) -> None:
        self.large(station.name or "自提点")
        if station.station_id:
            self.text(f"自提点编号 {station.station_id}", "center")
        if station.address:
            self.text(station.address, "center")


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def layout(paper: Printable, paper_mm: int = 58) -> list[PrintLine]:
    """Typed lines for one paper on a 58 or 80 mm roll, ending with a cut."""
    sheet = _Sheet(paper_size(paper_mm))
    if isinstance(paper, PickupReceipt):
        _receipt(sheet, paper)
    elif isinstance(paper, ShelfLabel):
        _label(sheet, paper)
    elif isinstance(paper, DaySummary):
        _summary(sheet, paper)
    elif isinstance(paper, PrinterTestPage):
        _test_page(sheet, paper)
    elif callable(getattr(paper, "lay_out", None)):  # papers of their own modules (packing.py)
        paper.lay_out(sheet)
    else:
        raise TypeError(f"cannot lay out {type(paper).__name__}")
    sheet.lines.append(Cut())
    return sheet.lines


def _receipt(s: _Sheet, r: PickupReceipt) -> None:
    s.header(r.station)
    s.lines.append(Feed())
    s.text("提货小票（补打）" if r.reprint else "提货小票", "center", bold=True)
    if r.reprint:
        s.large("** 补打 **")
    if r.undone_at:
        s.large("** 已撤销 **")
    s.rule()
    s.kv("时间：", _when(r.picked_at))
    s.kv("订单：", r.order_id)
    s.kv("批次：", r.batch_id)
    s.kv("货架：", r.shelf_slot)
    s.kv("顾客：", f"{r.customer_name}  {r.phone}".strip())
    s.kv("代取：", r.proxy_name, bold=True)
    s.kv("操作员：", r.operator_name)
    s.rule()
    s.rows(two_columns("已提商品", "数量", s.cols), bold=True)
    for item in r.items_handed:
        s.rows(two_columns(item.name, f"x{item.qty}", s.cols))
    if not r.items_handed:
        s.text("（无）")
    if r.items_not_handed:
        s.rule()
        s.rows(two_columns("未提 / 缺货商品", "数量", s.cols), bold=True)
        for item in r.items_not_handed:
            why = REASON_ZH.get(item.reason, item.reason)
            s.rows(two_columns(f"{item.name}（{why}）" if why else item.name,
                               f"x{item.qty}", s.cols))
    s.rule()
    total = f"已提 {r.qty_handed} 件"
    if r.items_not_handed:
        total += f"，未提 {r.qty_not_handed} 件（售后请联系团长）"
    s.text(total, bold=True)
    s.kv("小票号：", r.receipt_no)
    s.lines.append(Qr(r.receipt_no))
    if r.reprint and r.printed_at:
        s.text(f"补打时间 {_when(r.printed_at)}", "center")
    if r.undone_at:
        s.text(f"撤销时间 {_when(r.undone_at)}", "center")
    s.text("请当面核对商品，谢谢惠顾！", "center")


def _label(s: _Sheet, lb: ShelfLabel) -> None:
    s.text(lb.station.name or "自提点", "center")
    s.rule("=")
    s.text("货架号", "center")
    s.large(lb.shelf_slot or "未分配")
    s.rule()
    s.text("提货码", "center")
    s.large(lb.pickup_code or "------")
    s.rule()
    s.kv("顾客：", f"{lb.customer_name}  {lb.phone}".strip(), bold=True)
    s.kv("订单：", lb.order_id)
    s.kv("批次：", lb.batch_id)
    s.kv("件数：", f"共 {lb.item_count} 件（{lb.line_count} 种）" if lb.line_count
         else f"共 {lb.item_count} 件")


def _summary(s: _Sheet, d: DaySummary) -> None:
    s.header(d.station)
    s.lines.append(Feed())
    s.large("日结")
    s.text(d.day.isoformat(), "center", bold=True)
    s.rule()
    for label, value in (("提货次数", d.pickups), ("已提订单", d.orders_handed),
                         ("已提件数", d.items_handed), ("滞留未提订单", d.uncollected),
                         ("缺货 / 破损件数", d.shortages), ("撤销次数", d.undos)):
        s.rows(two_columns(label, str(value), s.cols))
    if d.batches:
        s.rule()
        nums = "订单 已提 未提 缺货"
        s.rows(two_columns("批次", nums, s.cols), bold=True)
        for b in d.batches:
            cells = " ".join(str(v).rjust(display_width(h)) for v, h in zip(
                (b.orders, b.picked_up, b.uncollected, b.short_items), nums.split(), strict=True))
            s.rows(two_columns(b.batch_id, cells, s.cols))
    _closing(s, d)
    s.rule()
    if d.printed_at:
        s.text(f"打印时间 {_when(d.printed_at)}", "center")


def _closing(s: _Sheet, d: DaySummary) -> None:
    """A closed day: returns, figures by operator, the goods count and its discrepancies."""
    if d.closed_by or d.operators or d.counted_products:
        s.rows(two_columns("退回订单", str(d.returns), s.cols))
    if d.operators:
        s.rule()
        nums = "提货 件数 缺 退 撤"
        s.rows(two_columns("操作员", nums, s.cols), bold=True)
        for o in d.operators:
            cells = " ".join(str(v).rjust(display_width(h)) for v, h in zip(
                (o.pickups, o.items_handed, o.shortages, o.returns, o.undos), nums.split(),
                strict=True))
            s.rows(two_columns(o.name, cells, s.cols))
    if d.counted_products:
        s.rule()
        s.text(f"盘点：{d.counted_products} 种商品", bold=True)
        if not d.discrepancies:
            s.text("盘点无差异")
        for c in d.discrepancies:
            s.rows(two_columns(c.name, f"应{c.expected} 实{c.counted} 差{c.difference:+d}",
                               s.cols))
    if d.closed_by:
        s.rule()
        s.kv("日结人：", d.closed_by)
        s.kv("日结时间：", _when(d.closed_at))
    if d.reprint:
        s.large("** 补打 **")


def _test_page(s: _Sheet, t: PrinterTestPage) -> None:
    s.header(t.station)
    s.large("打印测试")
    s.text(t.description, "center")
    s.text(_when(t.printed_at), "center")
    s.rule()
    s.text("中文：提货小票、货架号、代取人。")
    s.text("全角标点：，。、；：？！“”‘’（）【】《》￥")
    s.text("ASCII: 0123456789 ABC abc -_=+/()[]")
    s.rows(two_columns("有机西红柿 500g（特价）", "x2", s.cols))
    s.text("".join(str(i % 10) for i in range(1, s.cols + 1)))
    s.text("中" * (s.cols // 2))
    s.lines.append(Text("大字 ABC", "center", bold=True, large=True))
    s.lines.append(Qr("TEST-PRINT"))
    s.text("能看清以上文字和二维码即为正常", "center")
