"""Wire models of API v1 (pydantic). Field names follow DESIGN.md and docs/protocol.md.

The station's half of the contract (pull pages, push, heartbeat, station info, the error
envelope, the limits) is declared once in `pickup_station.sync.protocol` and imported here;
this module adds what only HQ sends and reads.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictInt, StrictStr

from pickup_station.sync.patterns import NO_NUL, SKU_PATTERN
from pickup_station.sync.protocol import (  # noqa: F401 - the shared wire models
    CURSOR_PATTERN,
    EVENT_DATA,
    ID_PATTERN,
    ArrivalData,
    ErrorOut,
    EventIn,
    HeartbeatIn,
    HeartbeatOut,
    Ident,
    ItemReportData,
    LocateOut,
    Open,
    PickupConfirmedData,
    PickupUndoneData,
    PullOut,
    PushIn,
    PushOut,
    PushResultOut,
    StationInfoOut,
    Time,
    Wire,
    canonical_uuid,
)

TOKEN_PATTERN = r"^[A-Za-z2-7]{26,64}$"

Name = Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=NO_NUL)]


def text_max(n: int):
    """Free text of at most n characters (no NUL)."""
    return Annotated[StrictStr, Field(max_length=n, pattern=NO_NUL)]


# 4-32 of digits, + - ( ) and ASCII blanks, at least 4 of them digits (no look-ahead: a run of
# 0-3 non-digits around each of the first four digits, then the rest)
_NOT_DIGIT = r"[+\-()\t\n\x0b\x0c\r ]"
PHONE_PATTERN = f"^{_NOT_DIGIT}*(?:[0-9]{_NOT_DIGIT}*){{4}}(?:[0-9]|{_NOT_DIGIT})*$"


def _phone(value: str) -> str:
    return value.strip()


def _token(value: str) -> str:
    return value.upper()


Phone = Annotated[StrictStr, Field(min_length=4, max_length=32, pattern=PHONE_PATTERN),
                  AfterValidator(_phone)]
PickupToken = Annotated[StrictStr, Field(pattern=TOKEN_PATTERN,
                                         description="RFC 4648 base32 (A-Z, 2-7; any case)"),
                        AfterValidator(_token)]
PickupCode = Annotated[StrictStr, Field(pattern=r"^[0-9]{6}$")]
Sku = Annotated[StrictStr, Field(pattern=SKU_PATTERN)]
Loose = Wire


# --- HQ ---------------------------------------------------------------------------------------

class StationIn(Loose):
    station_id: Ident
    name: Name
    address: text_max(500) | None = None
    leader_name: text_max(100) | None = None


class ItemIn(Loose):
    sku: Sku
    name: Name
    qty: Annotated[StrictInt, Field(ge=1, le=100_000)]
    unit_price_cents: Annotated[StrictInt, Field(ge=0, le=10**10)] = 0
    category: text_max(64) | None = None


class OrderIn(Loose):
    order_id: Ident
    customer_name: Name
    phone: Phone
    pickup_token: PickupToken | None = None
    pickup_code: PickupCode | None = None
    shelf_slot: text_max(32) | None = None
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=500)]


class BatchIn(Loose):
    station_id: Ident
    expected_at: Time | None = None
    orders: Annotated[list[OrderIn], Field(max_length=50_000)]
    commission_rate: Annotated[StrictInt, Field(
        ge=0, le=10_000, description="the leader's commission on this batch's picked-up value, "
        "in basis points (1000 = 10 %); absent keeps the stored rate, null clears it")] | None = None


class CancelIn(Loose):
    reason: text_max(500) = ""


# --- answers -----------------------------------------------------------------------------------

class PairingOut(Open):
    url: str = Field(description="the server address the station is to use")
    station_id: str
    token: str = Field(description="the station token (the same as `token` above)")
    payload: str = Field(description="pickup-station:pair?u=<url>&s=<station id>&t=<token>, "
                                     "what the QR holds (docs/protocol.md)")
    qr_png: str = Field(description="a QR of `payload` as data:image/png;base64,...")


class StationCreatedOut(Open):
    station_id: str
    name: str
    address: str | None
    token: str = Field(description="shown once; stored only as a SHA-256")
    pairing: PairingOut | None = Field(None, description="the pairing code to show the station")


class TokenOut(Open):
    station_id: str
    token: str
    token_issued_at: str
    pairing: PairingOut | None = Field(None, description="the pairing code to show the station")


class StationOut(Open):
    station_id: str
    name: str
    address: str | None
    leader_name: str | None
    created_at: str
    token_issued_at: str | None
    last_seen_at: str | None
    app_version: str | None
    pending_events: int | None
    clock_skew_seconds: float | None


class StationsOut(Open):
    stations: list[StationOut]


class PutOrderOut(Open):
    order_id: str
    pickup_token: str
    pickup_code: str
    status: str


class PutBatchOut(Open):
    batch_id: str
    station_id: str
    expected_at: str | None
    created: bool
    orders: list[PutOrderOut]
    removed_orders: list[str]


class DispatchOut(Open):
    batch_id: str
    station_id: str
    status: str
    dispatched_at: str


class CancelOut(Open):
    order_id: str
    status: str
    cancel_reason: str | None
    cancelled_at: str | None


class ItemView(Open):
    sku: str
    name: str
    qty: int
    unit_price_cents: int
    category: str | None
    received: int
    short: int
    damaged: int
    handed: int
    ordered: int = Field(0, description="= qty")
    returned: int = Field(0, description="items sent back to HQ with the order (退回)")


class OrderView(Open):
    order_id: str
    customer_name: str
    phone_masked: str
    pickup_code: str
    status: str = Field(description="pending | arrived | picked_up | partially_picked_up | "
                                    "cancelled | returned")
    needs_review: bool
    receipt_no: str | None
    picked_up_at: str | None
    items: list[ItemView]
    returned: bool = False
    returned_at: str | None = None
    return_reason: str | None = None
    returned_by: str | None = None
    reminders: int = Field(0, description="reminders the leader asked HQ to send")
    last_reminder_at: str | None = None


class ProductReceipt(Open):
    sku: str
    name: str
    expected: int
    received: int
    short: int
    surplus: int
    counted_at: str


class CorrectionView(Open):
    event_id: str
    sku: str
    expected: int
    received_before: int
    received_after: int
    surplus: int
    note: str | None
    operator_id: str | None
    occurred_at: str
    received_at: str
    lines: list[dict[str, Any]]


class BatchView(Open):
    batch_id: str
    station_id: str
    status: str
    arrived: bool
    order_count: int
    status_counts: dict[str, int]
    orders: list[OrderView]
    by_product: bool = Field(False, description="counted per product at the sign-off")
    receive_rule: str | None = None
    received_by_product: list[ProductReceipt] = Field(default_factory=list)
    corrections: list[CorrectionView] = Field(default_factory=list)
    closed: bool = Field(False, description="closed at the station (batch_closed)")
    station_state: str | None = Field(None, description="open | closed, as last reported")
    closed_at: str | None = None
    closed_counts: dict[str, int] | None = None


class PickupRecord(Open):
    seq: int
    station_id: str
    pickup_id: str
    order_id: str
    batch_id: str
    picked_up_at: str
    received_at: str
    items: list[Any]
    undone: bool


class PickupsOut(Open):
    pickups: list[PickupRecord]
    next_since: Annotated[str, Field(pattern=CURSOR_PATTERN)]
    has_more: bool


class ImportLineError(Open):
    line: int
    error: str


class ImportBatchOut(Open):
    batch_id: str
    status: str = Field(description="imported | rejected")
    orders: list[PutOrderOut]
    errors: list[ImportLineError]


class ImportOut(Open):
    ok: bool
    imported: int
    rejected: int
    batches: list[ImportBatchOut]
    errors: list[ImportLineError]


class HealthOut(Open):
    ok: bool
    server_time: str
    schema_version: int
    latest_schema: int
    database: str


class LimitsOut(Open):
    """What this server accepts; clients and probes can read it instead of guessing."""

    push_max_events: int
    push_max_bytes: int
    batch_max_bytes: int
    default_max_bytes: int
    pull_max_limit: int
    feed_max_limit: int
    header_timeout_s: float
    body_timeout_s: float
    keep_alive_timeout_s: float
    max_concurrent_sync: int
    station_rate_per_s: float
    station_burst: int




class ReminderOut(Open):
    id: int
    station_id: str
    order_id: str
    batch_id: str | None
    event_id: str
    operator_id: str | None
    shelf_slot: str | None
    days_waiting: float | None
    requested_at: str
    received_at: str
    notified_at: str | None


class RemindersOut(Open):
    reminders: list[ReminderOut]
    next_after: Annotated[str, Field(pattern=CURSOR_PATTERN)]
    has_more: bool


class DayClosingOut(Open):
    station_id: str
    day: str
    event_id: str
    operator_id: str | None
    closed_at: str
    received_at: str
    totals: dict[str, int]
    operators: list[dict[str, Any]]
    counted: list[dict[str, Any]]
    discrepancies: list[dict[str, Any]]


class DayClosingsOut(Open):
    day_closings: list[DayClosingOut]


# --- HQ's needs-review queue (issue 11): declared with the station's half of it ----------
from pickup_station.sync.review_wire import (  # noqa: F401
    NOTE_MAX,
    REVIEW_KINDS,
    REVIEW_STATES,
    ResolveIn,
    ReviewItemOut,
    ReviewListOut,
)

# --- notices to customers (issue 11; routes/notices.py) ---------------------------------------

class NoticeOut(Open):
    """A notice with its delivery state; the customer masked (`138****1234`, `张*`)."""

    id: int
    idempotency_key: str
    kind: str  # ready / short / reminder / cancelled
    state: str  # pending / failed / delivered / dead
    station_id: str
    order_id: str
    batch_id: str | None
    event_id: str | None
    customer_name_masked: str
    phone_masked: str
    content: dict[str, Any]
    attempts: int
    last_error: str | None
    last_attempt_at: str | None
    created_at: str
    next_attempt_at: str
    deadline_at: str | None
    delivered_at: str | None
    dead_at: str | None


class NoticesOut(Open):
    notices: list[NoticeOut]
    next_after: Annotated[str, Field(pattern=CURSOR_PATTERN)]
    has_more: bool


class NoticeDayOut(Open):
    day: str  # UTC date of created_at
    pending: int
    failed: int
    delivered: int
    dead: int
    total: int


class NoticeCountsOut(Open):
    from_: Annotated[str, Field(alias="from")]
    to: str
    days: list[NoticeDayOut]


class NoticesRetriedOut(Open):
    retried: int
class JournalBreakOut(Open):
    seq: int = Field(description="the first entry that does not hold")
    kind: Literal["missing", "altered", "reordered", "conflict"] = Field(description=(
        "missing: entries never arrived; altered: content or link does not match its hash; "
        "reordered: it follows another entry than the one before; conflict: two entries "
        "claim the same seq"))
    detail: str


class JournalVerifyOut(Open):
    station_id: str
    whole: bool = Field(description="every entry from seq 1 holds, with no gap")
    entries: int = Field(description="journal links received from this station")
    verified_through_seq: int = Field(description="the chain holds from 1 through this seq")
    first_break: JournalBreakOut | None
