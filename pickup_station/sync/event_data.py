"""Event data of the leader's day (docs/leader-events.md), part of the wire contract.

Declared here (pydantic and the standard library only) and registered in
`protocol.EVENT_DATA`, which both sides use: the station's outbox writes these, the server
checks each event's `data` with them (`rejected` / `invalid_event` otherwise). Strict types,
bounded lengths and counts, ASCII digits; no customer's name or phone (customers are referred
to by `order_id`). Unknown fields are ignored (the contract may grow).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

MAX_LINES = 5000  # products of a batch, lines of a correction, products counted in a day


class Data(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _real_day(value: str) -> str:
    date.fromisoformat(value)  # ValueError: not a calendar day
    return value


Sku = Annotated[StrictStr, Field(pattern=r"^\S{1,64}$")]
OrderId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")]
OperatorId = Annotated[StrictStr, Field(max_length=64)]
Qty = Annotated[StrictInt, Field(ge=0, le=10**9)]
Signed = Annotated[StrictInt, Field(ge=-(10**9), le=10**9)]
Note = Annotated[StrictStr, Field(max_length=500)]
Slot = Annotated[StrictStr, Field(max_length=32)]
ProductName = Annotated[StrictStr, Field(max_length=200)]
Rule = Annotated[StrictStr, Field(pattern=r"^[a-z_]{1,32}$")]
Day = Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                AfterValidator(_real_day)]


def _unique(values: list, what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"a {what} appears twice")


class ReceivedLine(Data):
    sku: Sku
    name: ProductName = ""
    expected: Qty
    received: Qty


class ArrivalData(Data):
    """`arrival_checked`: the batch signed off; `by_product` adds the counts per product."""

    operator_id: OperatorId | None = None
    order_count: Qty | None = None
    lines_short: Qty | None = None
    lines_damaged: Qty | None = None
    by_product: StrictBool = False
    rule: Rule | None = None  # latest_first / earliest_first / largest_first
    received: Annotated[list[ReceivedLine], Field(max_length=MAX_LINES)] | None = None

    @model_validator(mode="after")
    def _counts(self) -> Self:
        if self.by_product and self.received is None:
            raise ValueError("by_product needs the received counts")
        _unique([r.sku for r in self.received or []], "sku")
        return self


class CorrectionLine(Data):
    order_id: OrderId
    sku: Sku
    qty_short_before: Qty
    qty_short_after: Qty


class ArrivalCorrectedData(Data):
    """`arrival_corrected`: a product's received count changed after the sign-off; `lines`
    are absolute short quantities (applying the event twice gives the same result)."""

    operator_id: OperatorId | None = None
    sku: Sku
    expected: Qty
    received_before: Qty
    received_after: Qty
    note: Note = ""
    surplus: Qty = 0
    lines: Annotated[list[CorrectionLine], Field(max_length=MAX_LINES)] = Field(
        default_factory=list)

    @model_validator(mode="after")
    def _one_product(self) -> Self:
        if any(ln.sku != self.sku for ln in self.lines):
            raise ValueError("every line must be of the corrected sku")
        _unique([ln.order_id for ln in self.lines], "order_id")
        return self


class ReminderRequestedData(Data):
    operator_id: OperatorId | None = None
    shelf_slot: Slot | None = None
    days_waiting: Annotated[StrictFloat | StrictInt, Field(ge=0, le=36_500,
                                                           allow_inf_nan=False)] = 0


class ReturnedItem(Data):
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=0, le=100_000)]


class OrderReturnedData(Data):
    operator_id: OperatorId | None = None
    reason: Annotated[StrictStr, Field(min_length=1, max_length=500)]
    shelf_slot: Slot | None = None
    items: Annotated[list[ReturnedItem], Field(max_length=500)] = Field(default_factory=list)


class BatchClosedData(Data):
    handed_over: Qty = 0
    returned: Qty = 0
    cancelled: Qty = 0


class BatchReopenedData(Data):
    reason: Annotated[StrictStr, Field(max_length=64)] | None = None


class DayTotals(Data):
    pickups: Qty = 0
    items_handed: Qty = 0
    shortages: Qty = 0
    returns: Qty = 0
    undos: Qty = 0


class DayOperator(DayTotals):  # the operator's display name is not kept by HQ
    operator_id: OperatorId


class CountedLine(Data):
    sku: Sku
    expected: Signed
    counted: Qty


class Discrepancy(CountedLine):
    difference: Signed


class DayClosedData(Data):
    """`day_closed`: the station's day closing (日结) with the goods count."""

    day: Day
    operator_id: OperatorId | None = None
    totals: DayTotals
    operators: Annotated[list[DayOperator], Field(max_length=500)] = Field(default_factory=list)
    counted: Annotated[list[CountedLine], Field(max_length=MAX_LINES)] = Field(
        default_factory=list)
    discrepancies: Annotated[list[Discrepancy], Field(max_length=MAX_LINES)] = Field(
        default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique([c.sku for c in self.counted], "counted sku")
        _unique([d.sku for d in self.discrepancies], "discrepancy sku")
        if any(d.difference != d.counted - d.expected for d in self.discrepancies):
            raise ValueError("a discrepancy's difference must be counted - expected")
        return self


MAX_SLOT_LINES = 2000  # orders per `slots_assigned` event (a big batch sends several)
SlotText = Annotated[StrictStr, Field(min_length=1, max_length=100)]  # `A-1-03 / R-2-01`


class SlotLine(Data):
    order_id: OrderId
    slot: SlotText


class SlotsAssignedData(Data):
    """`slots_assigned`: where the station put orders of a batch at sign-off (its own shelf
    slots, which HQ's "ready" notice tells the customer). Sent just before `arrival_checked`;
    several events for a batch of more than MAX_SLOT_LINES orders. Applying it twice gives the
    same result."""

    lines: Annotated[list[SlotLine], Field(min_length=1, max_length=MAX_SLOT_LINES)]

    @model_validator(mode="after")
    def _once(self) -> Self:
        _unique([ln.order_id for ln in self.lines], "order_id")
        return self


LEADER_EVENT_DATA: dict[str, type[BaseModel]] = {
    "slots_assigned": SlotsAssignedData,
    "arrival_corrected": ArrivalCorrectedData,
    "reminder_requested": ReminderRequestedData,
    "order_returned": OrderReturnedData,
    "batch_closed": BatchClosedData,
    "batch_reopened": BatchReopenedData,
    "day_closed": DayClosedData,
}
