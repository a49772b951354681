"""What the counter prints: the pickup receipt (小票), the shelf label (标签) and the day summary (日结).

Plain Python, no Qt. Each paper is a dataclass filled from the store (or, for the day summary,
from a plain dict the reports module makes); `receipt_layout.layout()` turns any of them into typed
lines for 58 mm or 80 mm paper, which `hardware/printers.py` sends to the printer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import UserFacingError
from .identity import mask_name, mask_phone
from .reports import station_tz
from .store.db import get_meta, parse_iso, utcnow
from .store.models import Operator, Order, Pickup

# Meta keys the papers read
STATION_KEYS = ("station_name", "station_id", "station_address")
# optional IANA zone of the station ("Asia/Shanghai"); the computer's own zone when absent

REASON_ZH = {"short": "缺货", "damaged": "破损"}


class ReceiptNotFound(UserFacingError):
    """The pickup or order to print is not in this store (mistyped id, or removed)."""

    code = "receipt_not_found"


@dataclass(frozen=True)
class StationInfo:
    """The pickup point as printed at the top of every paper."""

    name: str = ""
    station_id: str = ""
    address: str = ""


@dataclass(frozen=True)
class ReceiptItem:
    """One product line on a receipt: handed (qty handed) or not handed (qty missing, why)."""

    name: str
    qty: int
    reason: str = ""  # short / damaged / "" (for not handed lines)


@dataclass(frozen=True)
class PickupReceipt:
    """The customer's slip after a hand-over (核销): what was handed, what was not, by whom."""

    station: StationInfo
    picked_at: datetime  # station local time
    order_id: str
    batch_id: str
    customer_name: str  # masked
    phone: str  # masked
    receipt_no: str
    operator_name: str
    items_handed: list[ReceiptItem] = field(default_factory=list)
    items_not_handed: list[ReceiptItem] = field(default_factory=list)
    proxy_name: str = ""
    shelf_slot: str = ""
    reprint: bool = False
    printed_at: datetime | None = None  # for reprints: when the copy was made
    undone_at: datetime | None = None  # the hand-over was undone (撤销) after this slip

    @property
    def qty_handed(self) -> int:
        return sum(i.qty for i in self.items_handed)

    @property
    def qty_not_handed(self) -> int:
        return sum(i.qty for i in self.items_not_handed)


@dataclass(frozen=True)
class ShelfLabel:
    """The label on a customer's bag: the shelf slot big, pickup code, masked customer."""

    station: StationInfo
    order_id: str
    batch_id: str
    shelf_slot: str
    pickup_code: str
    customer_name: str  # masked
    phone: str  # masked
    item_count: int
    line_count: int = 0


@dataclass(frozen=True)
class BatchSummaryLine:
    """One batch on the day summary."""

    batch_id: str
    orders: int = 0
    picked_up: int = 0
    uncollected: int = 0
    short_items: int = 0


@dataclass(frozen=True)
class DaySummary:
    """The day closing (日结) slip. The reports module fills it; `from_dict` takes a plain dict."""

    day: date
    station: StationInfo = StationInfo()
    pickups: int = 0
    orders_handed: int = 0
    items_handed: int = 0
    uncollected: int = 0
    shortages: int = 0
    undos: int = 0
    batches: list[BatchSummaryLine] = field(default_factory=list)
    printed_at: datetime | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DaySummary:
        """Build from a dict: unknown keys are ignored, `day` may be a date or 'YYYY-MM-DD',
        `station` a StationInfo or a dict, `batches` dicts or BatchSummaryLine."""
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in known}
        day = kw.get("day") or data.get("date")
        if isinstance(day, datetime):
            day = day.date()
        elif isinstance(day, str):
            day = date.fromisoformat(day)
        if not isinstance(day, date):
            raise ValueError("DaySummary needs a day (date or 'YYYY-MM-DD')")  # noqa: TRY004  (bad input, like a bad date string)
        kw["day"] = day
        station = kw.get("station")
        if isinstance(station, dict):
            kw["station"] = StationInfo(
                name=str(station.get("name") or station.get("station_name") or ""),
                station_id=str(station.get("station_id") or ""),
                address=str(station.get("address") or station.get("station_address") or ""),
            )
        line_keys = {f.name for f in fields(BatchSummaryLine)}
        kw["batches"] = [
            b if isinstance(b, BatchSummaryLine)
            else BatchSummaryLine(**{k: v for k, v in b.items() if k in line_keys})
            for b in kw.get("batches") or []
        ]
        return cls(**kw)


@dataclass(frozen=True)
class PrinterTestPage:
    """The 'test print' slip: shows the printer settings, CJK text, full-width punctuation,
    a column ruler and a QR, so the host can see at once whether the mode is right."""

    station: StationInfo
    description: str  # e.g. "usb 0x0416:0x5011 · 58 mm · text"
    printed_at: datetime

    __test__ = False  # not a pytest test class


Printable = PickupReceipt | ShelfLabel | DaySummary | PrinterTestPage


# ---- from the store -------------------------------------------------------------------------

def station_info(session: Session) -> StationInfo:
    name, sid, addr = (get_meta(session, k) or "" for k in STATION_KEYS)
    return StationInfo(name=name, station_id=sid, address=addr)


def _local(text: str | None, tz: tzinfo) -> datetime | None:
    dt = parse_iso(text)
    return dt.astimezone(tz) if dt else None


def pickup_receipt_from_store(
    session: Session, pickup_id: str, *, reprint: bool = False, tz: tzinfo | None = None,
    now: datetime | None = None,
) -> PickupReceipt:
    """The receipt of one hand-over, as it stands in the store (a reprint says 补打)."""
    pickup = session.get(Pickup, pickup_id)
    if pickup is None:
        pickup = session.scalar(select(Pickup).where(Pickup.receipt_no == pickup_id))
    if pickup is None:
        raise ReceiptNotFound(f"找不到这次提货记录：{pickup_id}",
                              f"No pickup with id or receipt number {pickup_id}")
    tz = tz or station_tz(session)
    order: Order = pickup.order
    operator = session.get(Operator, pickup.operator_id)
    handed, missing = [], []
    for line in pickup.lines:
        if line.qty_handed > 0:
            handed.append(ReceiptItem(line.name, line.qty_handed))
        gap = line.qty_ordered - line.qty_handed
        if gap > 0:
            missing.append(ReceiptItem(line.name, gap, line.reason or "short"))
    return PickupReceipt(
        station=station_info(session),
        picked_at=_local(pickup.picked_at, tz) or (now or utcnow()).astimezone(tz),
        order_id=order.order_id,
        batch_id=order.batch_id,
        customer_name=mask_name(order.customer_name),
        phone=_masked_phone(order.phone_masked),
        receipt_no=pickup.receipt_no,
        operator_name=operator.name if operator else pickup.operator_id,
        items_handed=handed,
        items_not_handed=missing,
        proxy_name=pickup.proxy_name or "",
        shelf_slot=order.shelf_slot or "",
        reprint=reprint,
        printed_at=(now or utcnow()).astimezone(tz) if reprint else None,
        undone_at=_local(pickup.undone_at, tz),
    )


def shelf_label_from_store(session: Session, order_id: str) -> ShelfLabel:
    """The bag label of one order (slot, pickup code, masked customer, item count)."""
    order = session.get(Order, order_id)
    if order is None:
        raise ReceiptNotFound(f"找不到订单：{order_id}", f"No order {order_id}")
    count = sum(max(i.qty - i.qty_short, 0) for i in order.items)
    return ShelfLabel(
        station=station_info(session),
        order_id=order.order_id,
        batch_id=order.batch_id,
        shelf_slot=order.shelf_slot or "",
        pickup_code=order.pickup_code or "",
        customer_name=mask_name(order.customer_name),
        phone=_masked_phone(order.phone_masked),
        item_count=count,
        line_count=len(order.items),
    )


def make_test_page(station: StationInfo, description: str,
                   now: datetime | None = None) -> PrinterTestPage:
    return PrinterTestPage(station=station, description=description,
                    printed_at=(now or datetime.now().astimezone()))


def _masked_phone(text: str) -> str:
    """The store keeps phones masked already; mask again anything that still shows all digits."""
    text = text or ""
    return text if "*" in text or not text else mask_phone(text)


__all__ = [
    "REASON_ZH",
    "BatchSummaryLine",
    "DaySummary",
    "PickupReceipt",
    "Printable",
    "PrinterTestPage",
    "ReceiptItem",
    "ReceiptNotFound",
    "ShelfLabel",
    "StationInfo",
    "make_test_page",
    "pickup_receipt_from_store",
    "shelf_label_from_store",
    "station_info",
    "station_tz",
]

# The layout lives next door (receipt_layout.py, which imports this module) to keep each file
# small; its names are reachable from here too: `from pickup_station.receipts import layout`.
_LAYOUT_NAMES = ("PAPERS", "Cut", "Feed", "PaperSize", "PrintLine", "Qr", "Text", "display_width",
                 "layout", "paper_size")
__all__ += list(_LAYOUT_NAMES)


def __getattr__(name: str):
    if name in _LAYOUT_NAMES:
        from . import receipt_layout

        return getattr(receipt_layout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
