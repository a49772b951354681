"""Wire contract of sync protocol v1 (docs/protocol.md), declared once for both sides.

The server's routes use these pydantic models as bodies and `response_model`s (its OpenAPI
schema is this module); the station checks every answer with them before anything touches its
store (`parse_*` raise `ProtocolError`, zh_CN/English, saying what was wrong). The limits of the
contract are defined here once too. Only pydantic and the standard library: no Qt, no requests.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    model_validator,
)

from pickup_station.errors import UserFacingError
from pickup_station.messages import Message
from pickup_station.sync.event_data import LEADER_EVENT_DATA, ArrivalData
from pickup_station.sync.journal_link import JournalLink
from pickup_station.sync.limits import (  # noqa: F401 (the contract's limits, re-exported)
    API_PREFIX,
    BATCH_MAX_BYTES,
    CLOCK_SKEW_LIMIT_S,
    DEFAULT_MAX_BYTES,
    FEED_LIMIT_DEFAULT,
    FEED_LIMIT_MAX,
    ID_MAX,
    PULL_LIMIT_DEFAULT,
    PULL_LIMIT_MAX,
    PUSH_BYTES_BUDGET,
    PUSH_MAX_BYTES,
    PUSH_MAX_EVENTS,
    TEXT_MAX,
)
from pickup_station.sync.patterns import NO_NUL, SKU_PATTERN, TIME_PATTERN, UUID_PATTERN
from pickup_station.sync.review_wire import PickupEcho, ReviewUpsert

# --- field types -------------------------------------------------------------------------------

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
CURSOR_PATTERN = r"^[0-9]{1,19}$"
_TIME_RE = re.compile(TIME_PATTERN)
_HEX32 = re.compile(r"[0-9a-f]{32}")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical_uuid(value: str) -> str:
    """A UUID in any usual spelling (upper case, braces, no dashes, `urn:uuid:`) as the one
    canonical form: lower case, hyphenated. ASCII hex only; ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 47:
        raise ValueError("event_id must be a UUID")
    text = value.lower().removeprefix("urn:uuid:")
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if _CANONICAL_UUID.fullmatch(text):
        return text
    if _HEX32.fullmatch(text):
        return str(uuid.UUID(hex=text))
    raise ValueError("event_id must be a UUID (hex digits, 8-4-4-4-12)")


def _plain(value: dict) -> dict:
    """Free-form event data stays small and flat enough to store and compare safely."""
    # every value counts as a node, at its depth (the top one at 1); only containers are
    # walked into (scalars are counted by their parent: most event data is one flat dict)
    stack, nodes = [(value, 1)], 1
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        nodes += len(children)
        if depth > 16 or (children and depth == 16) or nodes > 20_000:
            raise ValueError("data is nested too deeply or too large")
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return value


def _iso_time(value: Any) -> Any:
    """Times on the wire are RFC 3339 text (`TIME_PATTERN`); a bare number (epoch?) is refused."""
    if isinstance(value, str) and not _TIME_RE.fullmatch(value):
        raise ValueError("an RFC 3339 time with offset (2026-11-23T08:00:00+08:00), 1970-2199")
    if not isinstance(value, str | datetime):
        raise ValueError("an ISO 8601 time with offset, as text")  # noqa: TRY004 - pydantic
    return value


Ident = Annotated[StrictStr, Field(pattern=ID_PATTERN, description="letters, digits, _ . : - (≤64)")]
Sha256Hex = Annotated[StrictStr, Field(pattern=SHA256_PATTERN)]
Time = Annotated[AwareDatetime, BeforeValidator(_iso_time),
                 Field(json_schema_extra={"pattern": TIME_PATTERN})]
FreeData = Annotated[dict[str, Any], AfterValidator(_plain)]
Sku = Annotated[StrictStr, Field(pattern=SKU_PATTERN)]
Short = Annotated[StrictStr, Field(max_length=ID_MAX, pattern=NO_NUL)]
Text = Annotated[StrictStr, Field(max_length=TEXT_MAX, pattern=NO_NUL)]
Count = Annotated[StrictInt, Field(ge=0, le=10**9)]
def _is_uuid(value: str) -> str:
    canonical_uuid(value)
    return value  # kept as sent (answers echo it); compared in canonical form


EventId = Annotated[StrictStr, Field(pattern=UUID_PATTERN, description=(
    "a UUID (any case; braces, no dashes or urn:uuid: allowed); compared as a UUID")),
    AfterValidator(_is_uuid)]


class Wire(BaseModel):  # unknown fields are ignored (the contract may grow)
    model_config = ConfigDict(extra="ignore")


class Open(BaseModel):  # answers that may carry more fields than listed: kept, not dropped
    model_config = ConfigDict(extra="allow")


# --- station -> server -------------------------------------------------------------------------

class HeartbeatIn(Wire):
    app_version: Annotated[StrictStr, Field(max_length=64, pattern=NO_NUL)]
    pending_events: Count
    station_time: Time | None = None


class EventIn(Wire):
    event_id: EventId
    type: Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=NO_NUL)]
    occurred_at: Time
    order_id: Ident | None = None
    batch_id: Ident | None = None
    data: FreeData = Field(default_factory=dict)
    journal: JournalLink | None = None  # where it sits in the hand-over journal (optional)


class PushIn(Wire):
    events: Annotated[list[EventIn], Field(max_length=PUSH_MAX_EVENTS)]


# event data, checked per event: a bad one is `rejected` / `invalid_event`

class PickupLine(Wire):
    sku: Sku
    qty_ordered: Annotated[StrictInt, Field(ge=0, le=100_000)] = 0
    qty_handed: Annotated[StrictInt, Field(ge=0, le=100_000)]


class PickupConfirmedData(Wire):
    pickup_id: Annotated[StrictStr, Field(min_length=1, max_length=ID_MAX, pattern=NO_NUL)]
    receipt_no: Short | None = None
    operator_id: Short | None = None
    proxy_name: Annotated[StrictStr, Field(max_length=100, pattern=NO_NUL)] | None = None
    items: list[PickupLine] = Field(default_factory=list, max_length=500)
    override: FreeData | None = None
    counter_id: Short | None = None  # the counter (PC) of the station that handed over


class PickupUndoneData(Wire):
    pickup_id: Short | None = None
    receipt_no: Short | None = None
    operator_id: Short | None = None
    reason: Text | None = None
    leader_override: StrictBool = False


class ItemReportData(Wire):
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=1, le=100_000)]
    stage: Annotated[StrictStr, Field(max_length=16, pattern=NO_NUL)] = "arrival"
    note: Text | None = None
    operator_id: Short | None = None


EVENT_DATA: dict[str, type[BaseModel]] = {
    "pickup_confirmed": PickupConfirmedData,
    "pickup_undone": PickupUndoneData,
    "item_short": ItemReportData,
    "item_damaged": ItemReportData,
    "arrival_checked": ArrivalData,
    **LEADER_EVENT_DATA,  # the leader's day (sync/event_data.py)
}

# --- server -> station -------------------------------------------------------------------------


def _check_sha(value: str) -> str:
    if not re.fullmatch(SHA256_PATTERN, value):
        raise ValueError("a token that is not a SHA-256 hash")
    return value


class BatchData(Open):
    batch_id: Annotated[StrictStr, Field(min_length=1)]
    station_id: StrictStr | None = None
    expected_at: StrictStr | None = None
    status: StrictStr | None = None
    dispatched_at: StrictStr | None = None
    order_count: StrictInt | None = None


class OrderItem(Open):
    sku: StrictStr
    name: StrictStr
    qty: StrictInt
    unit_price_cents: StrictInt = 0
    category: StrictStr | None = None


class OrderData(Open):
    """An order as a station keeps it. Only the masked phone and its last 4 digits travel;
    `customer_key` groups one customer's orders and is keyed by a server secret."""

    order_id: Annotated[StrictStr, Field(min_length=1)]
    batch_id: Annotated[StrictStr, Field(min_length=1)]
    items: list[OrderItem]
    customer_name: StrictStr | None = None
    phone_masked: StrictStr | None = None
    phone_last4: Annotated[StrictStr, Field(pattern=r"^[0-9]{0,4}$")] | None = None
    customer_key: StrictStr | None = None
    token_sha256: Annotated[StrictStr, AfterValidator(_check_sha)] | None = Field(
        None, description="SHA-256 of the pickup token; the bare token never travels")
    pickup_code: StrictStr | None = None
    status: StrictStr | None = None
    cancel_reason: StrictStr | None = None
    shelf_slot: StrictStr | None = None
    pickup: PickupEcho | None = None  # the hand-over that stands (absent: an older server)


class OrderRef(Open):
    order_id: Annotated[StrictStr, Field(min_length=1)]
    batch_id: StrictStr | None = None


def _change_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return f"{value.get('kind')}/{value.get('op')}"
    return f"{getattr(value, 'kind', None)}/{getattr(value, 'op', None)}"


class BatchUpsert(Wire):
    seq: StrictInt
    kind: Literal["batch"]
    op: Literal["upsert"]
    data: BatchData


class OrderUpsert(Wire):
    seq: StrictInt
    kind: Literal["order"]
    op: Literal["upsert"]
    data: OrderData


class OrderDelete(Wire):
    seq: StrictInt
    kind: Literal["order"]
    op: Literal["delete"]
    data: OrderRef


WireChange = Annotated[
    Annotated[BatchUpsert, Tag("batch/upsert")] | Annotated[OrderUpsert, Tag("order/upsert")]
    | Annotated[OrderDelete, Tag("order/delete")]
    | Annotated[ReviewUpsert, Tag("review/upsert")],  # review_wire.py: HQ resolved an item
    Discriminator(_change_tag, custom_error_type="unknown_change",
                  custom_error_message="unknown kind/op of a change"),
]


class PullOut(Wire):
    changes: list[WireChange]
    cursor: Annotated[StrictStr, Field(pattern=CURSOR_PATTERN)] | StrictInt | None
    has_more: StrictBool

    @model_validator(mode="after")
    def _cursor_with_changes(self) -> PullOut:
        if self.cursor is None and self.changes:
            raise ValueError("changes came without a cursor")
        return self


class PushResultOut(Wire):
    event_id: StrictStr
    status: Literal["accepted", "duplicate", "rejected"]
    reason: StrictStr | None = None
    detail: dict[str, Any] | None = None
    # a duplicate of an event that was rejected the first time: `rejected`, with `reason`
    first_status: Literal["accepted", "rejected"] | None = None


class PushOut(Wire):
    results: list[PushResultOut]


class HeartbeatOut(Wire):
    server_time: StrictStr
    clock_skew_seconds: StrictFloat | StrictInt | None = None
    clock_ok: StrictBool | None = None


class StationInfoOut(Open):  # /sync/me: who this station is
    station_id: StrictStr
    name: StrictStr | None = None
    address: StrictStr | None = None
    leader_name: StrictStr | None = None


class LocateOut(Open):  # /sync/locate: the pickup point holding an order
    station_id: StrictStr
    name: StrictStr | None = None
    address: StrictStr | None = None


class ErrorBody(Wire):
    code: Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+$")]
    message: StrictStr
    detail: dict[str, Any] | None = None


class ErrorOut(Wire):
    error: ErrorBody


# --- the station's side: checked answers as small records ------------------------------------

class ProtocolError(UserFacingError):  # an answer that does not follow the protocol
    code = "sync_protocol"


def _bad(key: str, **params: Any) -> ProtocolError:
    return ProtocolError("sync.malformed", detail=Message(key, **params))


@dataclass(frozen=True)
class Change:  # one entry of a pull page: a batch or order that changed at HQ (data as sent)
    seq: int
    kind: str  # batch / order / review
    op: str  # upsert / delete
    data: dict


@dataclass(frozen=True)
class PullPage:
    changes: list[Change]
    cursor: str | None
    has_more: bool


@dataclass(frozen=True)
class PushResult:
    event_id: str
    status: str  # accepted / duplicate / rejected
    reason: str | None = None
    detail: Any = None


@dataclass(frozen=True)
class HeartbeatAnswer:
    server_time: str
    clock_skew_seconds: float | None
    clock_ok: bool


@dataclass(frozen=True)
class StationInfo:  # who a pickup point is: /sync/me (ourselves) or /sync/locate
    station_id: str
    name: str = ""
    address: str = ""
    leader_name: str = ""
    extra: dict | None = None

    def as_dict(self) -> dict:
        return {"station_id": self.station_id, "name": self.name, "address": self.address,
                "leader_name": self.leader_name, **(self.extra or {})}


def decode_json(body: bytes | str, what: str) -> Any:
    """JSON of an answer body, or ProtocolError naming the call (a cut or garbled answer)."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad("sync.answer.not_json", what=what) from exc


def _explain(exc: ValidationError, what: str, doc: Any) -> ProtocolError:
    """The first thing pydantic found wrong, in words a support person can follow."""
    err = exc.errors(include_url=False)[0]
    loc = [p for p in err.get("loc", ()) if "/" not in str(p)]  # drop the union tags
    kind, msg = err.get("type", ""), str(err.get("ctx", {}).get("error") or err.get("msg"))
    if not loc:
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            return _bad("sync.answer.not_object", what=what)
        return _bad("sync.answer.invalid", what=what, msg=msg)  # a rule about the whole answer
    if loc[0] in ("changes", "results") and len(loc) >= 2 and isinstance(loc[1], int):
        i = loc[1]
        where = Message("sync.answer.change" if loc[0] == "changes" else "sync.answer.result")
        raw = doc[loc[0]][i] if isinstance(doc[loc[0]][i], dict) else {}
        if kind == "unknown_change":
            k, o = raw.get("kind"), raw.get("op")
            return _bad("sync.answer.unknown_change", where=where, i=i, kind=k, op=o)
        if loc[2:3] == ["status"]:
            ev, st = raw.get("event_id"), raw.get("status")
            return _bad("sync.answer.unknown_status", event_id=ev, status=st)
        field = ".".join(str(p) for p in loc[2:]) or "itself"
        return _bad("sync.answer.bad_field", where=where, i=i, field=field, msg=msg)
    field = ".".join(str(p) for p in loc)
    return _bad("sync.answer.lacks_field", what=what, field=field)


def parse_pull_page(doc: Any) -> PullPage:
    try:
        page = PullOut.model_validate(doc)
    except ValidationError as exc:
        raise _explain(exc, "pull", doc) from None
    raw = doc["changes"]
    changes = [Change(c.seq, c.kind, c.op, raw[i]["data"]) for i, c in enumerate(page.changes)]
    return PullPage(changes, None if page.cursor is None else str(page.cursor), page.has_more)


def parse_push_results(doc: Any, sent_ids: list[str]) -> list[PushResult]:
    """Results of a push, only for events we sent; an answer for an unknown id is malformed."""
    try:
        answer = PushOut.model_validate(doc)
    except ValidationError as exc:
        raise _explain(exc, "push", doc) from None
    sent = set(sent_ids)
    out = []
    for r in answer.results:
        if r.event_id not in sent:
            raise _bad("sync.answer.not_sent", event_id=r.event_id)
        status = "rejected" if r.first_status == "rejected" else r.status  # refused, then too
        out.append(PushResult(r.event_id, status, r.reason, r.detail))
    return out


def parse_heartbeat(doc: Any) -> HeartbeatAnswer:
    try:
        hb = HeartbeatOut.model_validate(doc)
    except ValidationError as exc:
        raise _explain(exc, "heartbeat", doc) from None
    skew = None if hb.clock_skew_seconds is None else float(hb.clock_skew_seconds)
    ok = hb.clock_ok
    if ok is None:
        ok = skew is None or abs(skew) <= CLOCK_SKEW_LIMIT_S
    return HeartbeatAnswer(hb.server_time, skew, ok)


def parse_station_info(doc: Any) -> StationInfo:
    try:
        info = StationInfoOut.model_validate(doc)
    except ValidationError as exc:
        raise _explain(exc, "station", doc) from None
    return StationInfo(info.station_id, info.name or "", info.address or "",
                       info.leader_name or "", dict(info.model_extra or {}))


def event_to_wire(event_id: str, type_: str, occurred_at: str, order_id: str | None,
                  batch_id: str | None, payload: str) -> dict:
    """One outbox row → the event object of a push (`payload` is the stored JSON of `data`)."""
    try:
        data = json.loads(payload) if payload else {}
    except ValueError:
        data = {"_unreadable_payload": payload}
    event: dict = {"event_id": event_id, "type": type_, "occurred_at": occurred_at,
                   "data": data if isinstance(data, dict) else {"value": data}}
    if order_id is not None:
        event["order_id"] = order_id
    if batch_id is not None:
        event["batch_id"] = batch_id
    return event


def encode_event(event: dict) -> bytes:
    """One event as compact UTF-8 JSON, the way a push body carries it."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encoded_size(event: dict) -> int:  # what it adds to a push body, with a separator
    return len(encode_event(event)) + 1


def push_body(events: list[dict], encoded: list[bytes] | None = None) -> bytes:
    """`{"events": [...]}`; reuses the events' JSON when it was made already."""
    parts = encoded if encoded is not None else [encode_event(e) for e in events]
    return b'{"events":[' + b",".join(parts) + b"]}"
