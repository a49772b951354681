"""Wire shapes of sync protocol v1 (docs/protocol.md), checked before anything touches the store.

A station never trusts an answer blindly: `parse_pull_page`, `parse_push_results`,
`parse_heartbeat` and `parse_station_info` turn decoded JSON into small typed records or raise
`ProtocolError` (a `UserFacingError` with a zh_CN/English message) saying what was wrong.
`event_to_wire` turns an outbox row into the JSON object a push carries. No Qt, no I/O here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pickup_station.errors import UserFacingError

API_PREFIX = "/api/v1"
PULL_LIMIT_DEFAULT = 500
PULL_LIMIT_MAX = 2000
PUSH_MAX_EVENTS = 500
PUSH_MAX_BYTES = 2 * 1024 * 1024
# room for the {"events": [...]} frame and separators when packing a batch under the limit
PUSH_BYTES_BUDGET = PUSH_MAX_BYTES - 4096
CLOCK_SKEW_LIMIT_S = 300

CHANGE_KINDS = {("batch", "upsert"), ("order", "upsert"), ("order", "delete")}
PUSH_STATUSES = {"accepted", "duplicate", "rejected"}
EVENT_TYPES = {"arrival_checked", "pickup_confirmed", "pickup_undone", "item_short",
               "item_damaged"}


class ProtocolError(UserFacingError):
    """The server answered something that does not follow the protocol (bad JSON, wrong shape)."""

    code = "sync_protocol"


def _bad(zh: str, en: str) -> ProtocolError:
    return ProtocolError("服务器应答格式错误：" + zh, "Malformed server answer: " + en)


@dataclass(frozen=True)
class Change:
    """One entry of a pull page: a batch or order that changed at HQ."""

    seq: int
    kind: str  # batch / order
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
class StationInfo:
    """Who a pickup point is: from `/sync/me` (ourselves) or `/sync/locate` (another one)."""

    station_id: str
    name: str = ""
    address: str = ""
    leader_name: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"station_id": self.station_id, "name": self.name, "address": self.address,
                "leader_name": self.leader_name, **self.extra}


def decode_json(body: bytes | str, what: str) -> Any:
    """JSON of an answer body, or ProtocolError naming the call (a cut or garbled answer)."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(f"{what} 的应答不是有效的 JSON", f"the {what} answer is not valid JSON") from exc


def parse_pull_page(doc: Any) -> PullPage:
    if not isinstance(doc, dict):
        raise _bad("拉取结果不是对象", "the pull answer is not an object")
    raw_changes = doc.get("changes")
    if not isinstance(raw_changes, list):
        raise _bad("拉取结果缺少 changes 列表", "the pull answer lacks a changes list")
    has_more = doc.get("has_more")
    if not isinstance(has_more, bool):
        raise _bad("拉取结果缺少 has_more", "the pull answer lacks has_more")
    cursor = doc.get("cursor")
    if cursor is not None and not isinstance(cursor, str | int):
        raise _bad("游标格式无效", "the cursor is not a string")
    if cursor is None and raw_changes:
        raise _bad("有变更但没有游标", "changes came without a cursor")
    changes = [_parse_change(i, c) for i, c in enumerate(raw_changes)]
    return PullPage(changes, None if cursor is None else str(cursor), has_more)


def _parse_change(index: int, raw: Any) -> Change:
    where = f"change #{index}"
    if not isinstance(raw, dict):
        raise _bad(f"第 {index} 条变更不是对象", f"{where} is not an object")
    seq, kind, op, data = raw.get("seq"), raw.get("kind"), raw.get("op"), raw.get("data")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise _bad(f"第 {index} 条变更缺少序号", f"{where} lacks its seq")
    if (kind, op) not in CHANGE_KINDS:
        raise _bad(f"第 {index} 条变更类型未知：{kind}/{op}", f"{where} has unknown {kind}/{op}")
    if not isinstance(data, dict):
        raise _bad(f"第 {index} 条变更缺少数据", f"{where} lacks its data object")
    key = "batch_id" if kind == "batch" else "order_id"
    if not isinstance(data.get(key), str) or not data[key]:
        raise _bad(f"第 {index} 条变更缺少 {key}", f"{where} lacks {key}")
    if kind == "order" and op == "upsert":
        if not isinstance(data.get("batch_id"), str) or not isinstance(data.get("items"), list):
            raise _bad(f"订单 {data[key]} 缺少批次或商品", f"order {data[key]} lacks batch or items")
        token = data.get("token_sha256")
        if token is not None and not _is_sha256_hex(token):
            # the bare token never travels to a station; anything but a hash is refused
            raise _bad(f"订单 {data[key]} 的提货令牌不是 SHA-256",
                       f"order {data[key]} carries a token that is not a SHA-256 hash")
    return Change(seq, kind, op, data)


_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _is_sha256_hex(value: Any) -> bool:
    return isinstance(value, str) and _SHA256_HEX.fullmatch(value) is not None


def parse_push_results(doc: Any, sent_ids: list[str]) -> list[PushResult]:
    """Results of a push, only for events we sent; an answer for an unknown id is malformed."""
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise _bad("上传结果缺少 results 列表", "the push answer lacks a results list")
    sent = set(sent_ids)
    out = []
    for i, raw in enumerate(doc["results"]):
        if not isinstance(raw, dict):
            raise _bad(f"第 {i} 条上传结果不是对象", f"push result #{i} is not an object")
        event_id, status = raw.get("event_id"), raw.get("status")
        if event_id not in sent:
            raise _bad(f"上传结果中有未发送的事件 {event_id}",
                       f"push result for an event not sent: {event_id}")
        if status not in PUSH_STATUSES:
            raise _bad(f"事件 {event_id} 的状态未知：{status}",
                       f"event {event_id} has an unknown status: {status}")
        reason = raw.get("reason")
        out.append(PushResult(event_id, status, None if reason is None else str(reason),
                              raw.get("detail")))
    return out


def parse_heartbeat(doc: Any) -> HeartbeatAnswer:
    if not isinstance(doc, dict) or not isinstance(doc.get("server_time"), str):
        raise _bad("心跳应答缺少 server_time", "the heartbeat answer lacks server_time")
    skew = doc.get("clock_skew_seconds")
    if skew is not None and (not isinstance(skew, int | float) or isinstance(skew, bool)):
        raise _bad("时钟偏差格式无效", "clock_skew_seconds is not a number")
    ok = doc.get("clock_ok")
    if not isinstance(ok, bool):
        ok = skew is None or abs(skew) <= CLOCK_SKEW_LIMIT_S
    return HeartbeatAnswer(doc["server_time"], None if skew is None else float(skew), ok)


def parse_station_info(doc: Any) -> StationInfo:
    if not isinstance(doc, dict) or not isinstance(doc.get("station_id"), str):
        raise _bad("自提点信息缺少 station_id", "the station answer lacks station_id")
    known = ("station_id", "name", "address", "leader_name")
    return StationInfo(doc["station_id"], str(doc.get("name") or ""),
                       str(doc.get("address") or ""), str(doc.get("leader_name") or ""),
                       {k: v for k, v in doc.items() if k not in known})


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


def encoded_size(event: dict) -> int:
    """Bytes this event adds to a push body (compact UTF-8 JSON plus a separator)."""
    return len(encode_event(event)) + 1


def push_body(events: list[dict], encoded: list[bytes] | None = None) -> bytes:
    """`{"events": [...]}`; reuses the events' JSON when it was made already."""
    parts = encoded if encoded is not None else [encode_event(e) for e in events]
    return b'{"events":[' + b",".join(parts) + b"]}"
