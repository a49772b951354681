"""Wire models of API v1 (pydantic). Field names follow DESIGN.md and docs/protocol.md."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"
TOKEN_RE = re.compile(r"^[A-Z2-7]{26,64}$")

Ident = Annotated[str, Field(pattern=ID_PATTERN, description="letters, digits, _ . : - (≤64)")]
Text200 = Annotated[str, Field(max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _phone(value: str) -> str:
    if not re.fullmatch(r"[0-9+\-\s()]{4,32}", value) or sum(c.isdigit() for c in value) < 4:
        raise ValueError("a phone number with at least 4 digits")
    return value.strip()


def _token(value: str) -> str:
    token = value.strip().upper()
    if not TOKEN_RE.fullmatch(token):
        raise ValueError("pickup_token must be RFC 4648 base32 (A-Z, 2-7), 26-64 characters")
    return token


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise ValueError("event_id must be a UUID") from None
    return value


def _plain(value: dict) -> dict:
    """Free-form event data stays small and flat enough to store and compare safely."""
    stack, nodes = [(value, 1)], 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > 16 or nodes > 20_000:
            raise ValueError("data is nested too deeply or too large")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return value


def _sane_time(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("time out of range") from None
    if not 1970 <= utc.year <= 2200:
        raise ValueError("time out of range (1970-2200)")
    return value


FreeData = Annotated[dict[str, Any], AfterValidator(_plain)]
Time = Annotated[AwareDatetime, AfterValidator(_sane_time)]
Phone = Annotated[str, AfterValidator(_phone)]
PickupToken = Annotated[str, AfterValidator(_token)]
PickupCode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]
Sku = Annotated[str, Field(pattern=r"^\S{1,64}$")]


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- HQ ---------------------------------------------------------------------------------------

class StationIn(Loose):
    station_id: Ident
    name: Name
    address: Annotated[str, Field(max_length=500)] | None = None
    leader_name: Annotated[str, Field(max_length=100)] | None = None


class ItemIn(Loose):
    sku: Sku
    name: Name
    qty: Annotated[StrictInt, Field(ge=1, le=100_000)]
    unit_price_cents: Annotated[StrictInt, Field(ge=0, le=10**10)] = 0
    category: Annotated[str, Field(max_length=64)] | None = None


class OrderIn(Loose):
    order_id: Ident
    customer_name: Name
    phone: Phone
    pickup_token: PickupToken | None = None
    pickup_code: PickupCode | None = None
    shelf_slot: Annotated[str, Field(max_length=32)] | None = None
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=500)]


class BatchIn(Loose):
    station_id: Ident
    expected_at: Time | None = None
    orders: Annotated[list[OrderIn], Field(max_length=50_000)]


class CancelIn(Loose):
    reason: Annotated[str, Field(max_length=500)] = ""


# --- station ----------------------------------------------------------------------------------

class HeartbeatIn(Loose):
    app_version: Annotated[str, Field(max_length=64)]
    pending_events: Annotated[StrictInt, Field(ge=0, le=10**9)]
    station_time: Time | None = None


class EventIn(Loose):
    event_id: Annotated[str, AfterValidator(_uuid)]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    occurred_at: Time
    order_id: Ident | None = None
    batch_id: Ident | None = None
    data: FreeData = Field(default_factory=dict)


class PushIn(Loose):
    events: Annotated[list[EventIn], Field(max_length=500)]


# --- event data (checked per event: a bad one is `rejected` / `invalid_event`) ----------------

class PickupLine(Loose):
    sku: Sku
    qty_ordered: Annotated[StrictInt, Field(ge=0)] = 0
    qty_handed: Annotated[StrictInt, Field(ge=0)]


class PickupConfirmedData(Loose):
    pickup_id: Annotated[str, Field(min_length=1, max_length=64)]
    receipt_no: Annotated[str, Field(max_length=64)] | None = None
    operator_id: Annotated[str, Field(max_length=64)] | None = None
    proxy_name: Annotated[str, Field(max_length=100)] | None = None
    items: list[PickupLine] = Field(default_factory=list, max_length=500)
    override: FreeData | None = None


class PickupUndoneData(Loose):
    pickup_id: Annotated[str, Field(max_length=64)] | None = None
    receipt_no: Annotated[str, Field(max_length=64)] | None = None
    operator_id: Annotated[str, Field(max_length=64)] | None = None
    reason: Annotated[str, Field(max_length=500)] | None = None
    leader_override: StrictBool = False


class ItemReportData(Loose):
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=1, le=100_000)]
    stage: Annotated[str, Field(max_length=16)] = "arrival"
    note: Annotated[str, Field(max_length=500)] | None = None
    operator_id: Annotated[str, Field(max_length=64)] | None = None


class ArrivalData(Loose):
    operator_id: Annotated[str, Field(max_length=64)] | None = None
    order_count: StrictInt | None = None
    lines_short: StrictInt | None = None
    lines_damaged: StrictInt | None = None


# --- answers (documentation in the OpenAPI schema; big answers are rendered directly) --------

class StationCreatedOut(BaseModel):
    station_id: str
    name: str
    address: str | None
    token: str = Field(description="shown once; stored only as a SHA-256")


class PutOrderOut(BaseModel):
    order_id: str
    pickup_token: str
    pickup_code: str
    status: str


class PutBatchOut(BaseModel):
    batch_id: str
    station_id: str
    expected_at: str | None
    created: bool
    orders: list[PutOrderOut]
    removed_orders: list[str]


class ChangeOut(BaseModel):
    seq: int
    kind: str = Field(description="batch | order")
    op: str = Field(description="upsert | delete")
    data: dict[str, Any]


class PullOut(BaseModel):
    changes: list[ChangeOut]
    cursor: str
    has_more: bool


class PushResultOut(BaseModel):
    event_id: str
    status: str = Field(description="accepted | duplicate | rejected")
    reason: str | None = None
    detail: dict[str, Any] | None = None


class PushOut(BaseModel):
    results: list[PushResultOut]


class HeartbeatOut(BaseModel):
    server_time: str
    clock_skew_seconds: float | None
    clock_ok: bool


class LocateOut(BaseModel):
    station_id: str
    name: str
    address: str | None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
