"""Wire checks, backoff and small helpers of the station's sync (no network)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pickup_station.sync import protocol as P
from pickup_station.sync.client import Backoff, normalize_url, parse_retry_after
from pickup_station.sync.runner import SyncState

SHA = "a" * 64


def order_change(seq=1, **data):
    base = {"order_id": "O1", "batch_id": "B1", "items": [], "token_sha256": SHA}
    base.update(data)
    return {"seq": seq, "kind": "order", "op": "upsert", "data": base}


def test_pull_page_parses_good_answer():
    page = P.parse_pull_page({"changes": [
        {"seq": 1, "kind": "batch", "op": "upsert", "data": {"batch_id": "B1"}},
        order_change(2),
        {"seq": 3, "kind": "order", "op": "delete", "data": {"order_id": "O9", "batch_id": "B1"}},
    ], "cursor": "3", "has_more": True})
    assert [c.seq for c in page.changes] == [1, 2, 3]
    assert page.cursor == "3" and page.has_more is True


@pytest.mark.parametrize("doc, words", [
    ([], "not an object"),
    ({"cursor": "1", "has_more": False}, "changes"),
    ({"changes": [], "cursor": "1"}, "has_more"),
    ({"changes": [order_change()], "cursor": None, "has_more": False}, "without a cursor"),
    ({"changes": [{"seq": "x", "kind": "batch", "op": "upsert", "data": {"batch_id": "B"}}],
      "cursor": "1", "has_more": False}, "seq"),
    ({"changes": [{"seq": 1, "kind": "shelf", "op": "upsert", "data": {}}],
      "cursor": "1", "has_more": False}, "unknown"),
    ({"changes": [{"seq": 1, "kind": "order", "op": "upsert", "data": {"batch_id": "B"}}],
      "cursor": "1", "has_more": False}, "order_id"),
    ({"changes": [order_change(token_sha256="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")],
      "cursor": "1", "has_more": False}, "SHA-256"),
])
def test_pull_page_refuses_wrong_shapes(doc, words):
    with pytest.raises(P.ProtocolError) as info:
        P.parse_pull_page(doc)
    assert words in info.value.en
    assert info.value.zh.startswith("服务器应答格式错误")


def test_decode_json_names_the_call():
    with pytest.raises(P.ProtocolError, match="pull answer is not valid JSON"):
        P.decode_json(b'{"changes": [', "pull")


def test_push_results_only_for_events_sent():
    ok = P.parse_push_results({"results": [{"event_id": "e1", "status": "accepted"},
                                           {"event_id": "e2", "status": "rejected",
                                            "reason": "order_cancelled", "detail": {"x": 1}}]},
                              ["e1", "e2"])
    assert ok[1].reason == "order_cancelled" and ok[1].detail == {"x": 1}
    with pytest.raises(P.ProtocolError, match="not sent"):
        P.parse_push_results({"results": [{"event_id": "zz", "status": "accepted"}]}, ["e1"])
    with pytest.raises(P.ProtocolError, match="unknown status"):
        P.parse_push_results({"results": [{"event_id": "e1", "status": "maybe"}]}, ["e1"])


def test_heartbeat_and_station_info():
    hb = P.parse_heartbeat({"server_time": "2026-01-01T00:00:00+00:00",
                            "clock_skew_seconds": 412.5, "clock_ok": False})
    assert hb.clock_skew_seconds == 412.5 and hb.clock_ok is False
    hb2 = P.parse_heartbeat({"server_time": "t", "clock_skew_seconds": 400})
    assert hb2.clock_ok is False  # derived from the 300 s limit when the flag is absent
    with pytest.raises(P.ProtocolError):
        P.parse_heartbeat({"clock_ok": True})
    info = P.parse_station_info({"station_id": "S2", "name": "二号店", "address": None})
    assert info.as_dict() == {"station_id": "S2", "name": "二号店", "address": "",
                              "leader_name": ""}


def test_event_to_wire_and_sizes():
    ev = P.event_to_wire("e1", "item_short", "2026-01-01T00:00:00+00:00", "O1", None,
                         '{"sku":"A","qty":1}')
    assert ev == {"event_id": "e1", "type": "item_short", "occurred_at": "2026-01-01T00:00:00+00:00",
                  "order_id": "O1", "data": {"sku": "A", "qty": 1}}
    assert P.encoded_size(ev) == len(P.push_body([ev])) - len('{"events":[]}') + 1


def test_backoff_is_exponential_truncated_and_jittered():
    b = Backoff(base=1, cap=30, rng=random.Random(3))
    delays = [b.next_delay() for _ in range(10)]
    for i, d in enumerate(delays):
        raw = min(30, 2 ** i)
        assert raw / 2 <= d <= raw
    assert max(delays) <= 30 and len(set(delays)) > 5
    b.reset()
    assert b.next_delay() <= 1


def test_retry_after_seconds_and_dates():
    assert parse_retry_after("7") == 7
    assert parse_retry_after(None, 3) == 3
    assert parse_retry_after("soon", 4) == 4
    when = datetime.now(UTC) + timedelta(seconds=60)
    assert 50 < parse_retry_after(format_datetime(when, usegmt=True)) <= 61


def test_normalize_url():
    assert normalize_url(" 10.0.0.5:8765/ ") == "http://10.0.0.5:8765"
    assert normalize_url("https://hq.example/api/v1") == "https://hq.example"


def test_status_labels():
    st = SyncState(connection="online", last_sync=datetime.now(UTC).isoformat(),
                   pending_events=3)
    label = st.label("zh_CN")
    assert label.startswith("已同步 ") and label.endswith(" · 待上传 3")
    assert SyncState(connection="offline", pending_events=12).label() == "离线 · 待上传 12"
    assert SyncState(connection="offline", pending_events=2).label("en") == "Offline · 2 to upload"


def _nested(depth: int) -> dict:
    """A dict whose deepest value sits at `depth` (the dict itself at 1)."""
    node: object = "leaf"
    for n in range(depth - 2):
        node = {"k": node} if n % 2 else [node]
    return {"k": node}


@pytest.mark.parametrize(("depth", "ok"), [(2, True), (15, True), (16, True), (17, False),
                                           (40, False)])
def test_free_event_data_has_a_depth_limit(depth, ok):
    data = _nested(depth)
    if ok:
        assert P._plain(data) is data
    else:
        with pytest.raises(ValueError, match="nested too deeply"):
            P._plain(data)


def test_free_event_data_has_a_size_limit_counting_every_value():
    assert P._plain({"a": list(range(19_998))})  # 1 + 1 + 19,998 values: 20,000
    with pytest.raises(ValueError, match="too large"):
        P._plain({"a": list(range(19_999))})
    with pytest.raises(ValueError, match="too large"):  # spread over many small containers
        P._plain({f"k{n}": {"a": 1, "b": [2, 3]} for n in range(5_000)})
    assert P._plain({}) == {}
    assert P._plain({"a": [], "b": {}}) == {"a": [], "b": {}}  # empty containers at depth 2


def _plain_reference(value) -> bool:
    """The plain walk: every value a node at its depth (what `_plain` must decide)."""
    stack, nodes = [(value, 1)], 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > 16 or nodes > 20_000:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


def test_free_event_data_limits_decide_as_the_plain_walk():
    rng = random.Random(8)

    def tree(depth: int):
        r = rng.random()
        if depth > 18 or r < 0.35:
            return rng.choice([1, "x", None, 2.5])
        if r < 0.7:
            return [tree(depth + 1) for _ in range(rng.randint(0, 3))]
        return {str(k): tree(depth + 1) for k in range(rng.randint(0, 3))}

    for _ in range(3_000):
        data = {"x": tree(2)}
        try:
            P._plain(data)
            taken = True
        except ValueError:
            taken = False
        assert taken == _plain_reference(data), data
