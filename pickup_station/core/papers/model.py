"""The papers the counter prints, as plain data: receipt (小票), shelf label (标签), day summary (日结).

Plain Python, no Qt. Each paper is a dataclass filled from the store (or, for the day summary,
from a plain dict the reports module makes); `receipt_layout.layout()` turns any of them into typed
lines for 58 mm or 80 mm paper, which `hardware/printers.py` sends to the printer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from pickup_station.errors import UserFacingError

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
class OperatorSummaryLine:
    """One operator on the closing slip (日结 by operator)."""

    name: str
    pickups: int = 0
    items_handed: int = 0
    shortages: int = 0
    returns: int = 0
    undos: int = 0


@dataclass(frozen=True)
class CountLine:
    """One product of the goods count: what should be on the shelves and what was counted."""

    name: str
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


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
    # a closed day (core/day_close.py): by operator, the goods count and its discrepancies
    returns: int = 0
    operators: list[OperatorSummaryLine] = field(default_factory=list)
    counted_products: int = 0
    discrepancies: list[CountLine] = field(default_factory=list)
    closed_by: str = ""
    closed_at: datetime | None = None
    reprint: bool = False

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
        for key, kind in (("operators", OperatorSummaryLine), ("discrepancies", CountLine)):
            names = {f.name for f in fields(kind)}
            kw[key] = [x if isinstance(x, kind) else kind(**{k: v for k, v in x.items()
                                                             if k in names})
                       for x in kw.get(key) or []]
        for key in ("closed_at", "printed_at"):
            if isinstance(kw.get(key), str):
                kw[key] = datetime.fromisoformat(kw[key])
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
