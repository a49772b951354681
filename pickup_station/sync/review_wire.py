"""Wire models of HQ's half of issue 11, part of the sync contract (docs/protocol.md).

- `PickupEcho`: the hand-over that stands for an order, sent with every order of a pull
  (`"pickup": {...}` or `null`), so a station's other counters (several PCs under one station
  token) learn that a code was redeemed at the counter beside them.
- `ReviewUpsert` / `ReviewData`: a pull change of kind `review`: an item of HQ's needs-review
  queue that concerns this station, sent once HQ resolved it, with HQ's note.
- `ResolveIn`, `ReviewItemOut`, `ReviewListOut`: HQ's review endpoints.
Only pydantic and the standard library (the server imports this; so does the station).
No customer's name or phone appears in any of them; operators and counters by id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from pickup_station.sync.patterns import NO_NUL

REVIEW_KINDS = ("double_redemption", "pickup_after_cancel", "shelf_discrepancy",
                "order_returned")
REVIEW_STATES = ("open", "resolved")
NOTE_MAX = 500


class _Open(BaseModel):  # answers may carry more fields later: kept, not dropped
    model_config = ConfigDict(extra="allow")


class PickupEcho(_Open):
    """The hand-over that stands for an order, as HQ holds it."""

    pickup_id: StrictStr
    picked_up_at: StrictStr
    receipt_no: StrictStr | None = None
    operator_id: StrictStr | None = None
    counter_id: StrictStr | None = Field(None, description="the counter (PC) that handed over")
    partial: StrictBool = Field(False, description="some items were not handed over")


class ReviewData(_Open):
    """An item of HQ's review queue as its station sees it (no personal data)."""

    review_id: StrictInt
    kind: StrictStr
    state: StrictStr
    event_id: StrictStr = Field(description="the event that caused the item")
    event_ids: list[StrictStr] = Field(default_factory=list, description=(
        "every event it concerns (both hand-overs of a double redemption)"))
    order_id: StrictStr | None = None
    batch_id: StrictStr | None = None
    occurred_at: StrictStr | None = None
    note: StrictStr | None = None
    resolved_at: StrictStr | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class ReviewUpsert(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seq: StrictInt
    kind: Literal["review"]
    op: Literal["upsert"]
    data: ReviewData


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    note: Annotated[StrictStr, Field(min_length=1, max_length=NOTE_MAX, pattern=NO_NUL,
                                     description="what HQ decided; the station shows it")]


class ReviewItemOut(BaseModel):
    id: StrictInt
    station_id: StrictStr
    kind: StrictStr = Field(description=" / ".join(REVIEW_KINDS))
    state: StrictStr = Field(description="open / resolved")
    order_id: StrictStr | None = None
    batch_id: StrictStr | None = None
    event_id: StrictStr
    occurred_at: StrictStr
    created_at: StrictStr
    note: StrictStr | None = None
    resolved_at: StrictStr | None = None
    detail: dict[str, Any] = Field(description="the kind's details (docs/protocol.md)")
    resolved_by: StrictStr | None = Field(None, description=(
        "who resolved it: the HQ console user, or `api` (the admin token)"))


class ReviewListOut(BaseModel):
    items: list[ReviewItemOut]
    has_more: StrictBool
