"""The combined slip of a delegate's basket (代取汇总单): every customer and order handed over
to one delegate in one go, on one paper. No Qt.

`combined_slip_from_store(session, pickup_ids)` fills it; `layout()` lays it out through
`CombinedSlip.lay_out`. Customers are masked as on every paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from pickup_station.core.papers.from_store import pickup_receipt_from_store, station_info
from pickup_station.core.papers.layout import Feed, _when, two_columns
from pickup_station.core.papers.model import PickupReceipt, StationInfo
from pickup_station.core.timezone import station_tz


@dataclass(frozen=True)
class CombinedSlip:
    station: StationInfo
    picked_at: datetime
    delegate: str
    operator_name: str
    receipts: list[PickupReceipt] = field(default_factory=list)

    @property
    def customers(self) -> int:
        return len({(r.customer_name, r.phone) for r in self.receipts})

    def lay_out(self, s) -> None:
        s.header(self.station)
        s.large("代取汇总单")
        s.kv("时间：", _when(self.picked_at))
        s.kv("代取人：", self.delegate, bold=True)
        s.kv("店员：", self.operator_name)
        last = None
        for r in sorted(self.receipts, key=lambda r: (r.phone, r.customer_name, r.order_id)):
            if (r.customer_name, r.phone) != last:
                last = (r.customer_name, r.phone)
                s.rule("=")
                s.text(f"{r.customer_name}  {r.phone}".strip(), bold=True)
            s.rule()
            s.kv("订单：", r.order_id)
            s.kv("小票号：", r.receipt_no)
            for i in r.items_handed:
                s.rows(two_columns(i.name, f"x{i.qty}", s.cols))
            for i in r.items_not_handed:
                s.rows(two_columns(f"{i.name}（未提）", f"x{i.qty}", s.cols))
        s.rule("=")
        total = sum(r.qty_handed for r in self.receipts)
        s.text(f"共 {self.customers} 位顾客，{len(self.receipts)} 单，已提 {total} 件", bold=True)
        s.text("代取人签字：", "left")
        s.lines.append(Feed(2))  # room to sign


def combined_slip_from_store(session: Session, pickup_ids: list[str], *,
                             tz: tzinfo | None = None) -> CombinedSlip:
    tz = tz or station_tz(session)
    receipts = [pickup_receipt_from_store(session, p, tz=tz) for p in pickup_ids]
    first = receipts[0]
    return CombinedSlip(station_info(session), first.picked_at, first.proxy_name,
                        first.operator_name, receipts)
