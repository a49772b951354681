"""Wire models of HQ's one view of the chain (issue 11): lists, a station's day, reports.

The rows mirror the service dataclasses (services/hq_lists.py, hq_reports.py) field for
field; `tests/server/test_hq_lists.py` checks they stay in step. Phones and names are masked.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from pickup_station.sync.protocol import Open


class Paged(Open):
    total: int = Field(description="rows matching the filters (all pages); orders are counted "
                                   "up to 10,000 (then `total_exact` is false)")
    total_exact: bool = Field(description="false when `total` is a lower bound")
    next: str | None = Field(description="`cursor` of the next page; null on the last page")


class BatchListRow(Open):
    batch_id: str
    station_id: str
    station_name: str
    day: str | None = Field(description="the batch's day at HQ (UTC+8): of expected_at, "
                                        "else of its creation")
    expected_at: str | None
    status: str = Field(description="created | dispatched | arrived | closed")
    dispatched_at: str | None
    arrived_at: str | None
    closed_at: str | None
    commission_rate: int | None = Field(description="basis points (1000 = 10 %)")
    order_count: int
    picked_up: int
    returned: int
    cancelled: int
    value_cents: int = Field(description="ordered value of the batch's active orders")
    picked_up_value_cents: int
    commission_cents: int


class BatchListOut(Paged):
    batches: list[BatchListRow]


class OrderListRow(Open):
    order_id: str
    batch_id: str
    station_id: str
    day: str | None
    customer_masked: str = Field(description="`张*`")
    phone_masked: str = Field(description="`138****1234`")
    status: str = Field(description="pending | arrived | picked_up | partially_picked_up | "
                                    "returned | cancelled")
    value_cents: int
    shelf_slot: str | None
    needs_review: bool
    picked_up_at: str | None
    receipt_no: str | None
    returned_at: str | None
    cancelled_at: str | None
    items: int = Field(description="units ordered")


class OrderListOut(Paged):
    orders: list[OrderListRow]


class DayFiguresOut(Open):
    station_id: str
    station_name: str
    day: str
    last_seen_at: str | None
    batches_due: int
    batches_arrived: int
    pickups: int
    undone: int
    picked_up_value_cents: int
    shortage_qty: int
    returns: int
    closed: bool
    closed_at: str | None
    closing_pickups: int | None = Field(description="hand-overs the station counted at its "
                                                    "day closing")
    discrepancy_count: int


class DailyReportOut(Open):
    day: str
    stations: list[DayFiguresOut]


class DayArrival(Open):
    batch_id: str
    day: str | None
    expected_at: str | None
    arrived_at: str
    arrived_by: str | None
    order_count: int


class DayPickup(Open):
    pickup_id: str
    order_id: str
    batch_id: str
    receipt_no: str | None
    operator_id: str | None
    proxy_name: str | None = Field(description="masked")
    picked_up_at: str
    undone_at: str | None
    value_cents: int


class DayShortage(Open):
    event_id: str
    type: str = Field(description="item_short | item_damaged")
    order_id: str | None
    batch_id: str | None
    sku: str | None
    qty: int | None
    occurred_at: str


class DayReturn(Open):
    order_id: str
    batch_id: str
    returned_at: str
    operator_id: str | None
    reason: str
    shelf_slot: str | None
    items: list[dict[str, Any]]


class DayClosingView(Open):
    event_id: str
    operator_id: str | None
    closed_at: str
    received_at: str
    totals: dict[str, int]
    operators: list[dict[str, Any]]
    counted: list[dict[str, Any]]
    discrepancies: list[dict[str, Any]]


class StationDayOut(Open):
    figures: DayFiguresOut
    arrivals: list[DayArrival]
    pickups: list[DayPickup]
    shortages: list[DayShortage]
    returns: list[DayReturn]
    closing: DayClosingView | None = Field(description="the station's day closing, if sent")


class CommissionRowOut(Open):
    station_id: str
    station_name: str
    month: str
    batches: int
    orders_picked_up: int
    picked_up_value_cents: int
    commission_cents: int
    unrated_value_cents: int = Field(description="picked-up value in batches without a rate")


class CommissionOut(Open):
    month: str
    stations: list[CommissionRowOut]
    commission_cents: int
