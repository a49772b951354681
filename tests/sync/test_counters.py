"""Two counters (PCs) of one pickup point under one station token, each with its own store,
driven through `pickup-station-cli` against a live server (SQLite and PostgreSQL): a hand-over
at one reaches the other; a code redeemed at both while offline is accepted once, refused and
parked at the other, queued at HQ with both receipts; HQ's note reaches the counter."""

from __future__ import annotations

import json

from pickup_station.cli import main
from pickup_station.core import operators as ops
from pickup_station.store.db import Store
from tests.server_fixtures import HQClient

from .conftest import seed


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def _counter(tmp_path, name: str, server, token: str, capsys) -> tuple[str, ...]:
    """A counter PC paired with the station, its manifest downloaded, the batch signed off."""
    data_dir = tmp_path / name
    store = Store.in_dir(data_dir)
    with store.session() as s:
        ops.add_operator(s, "leader", "王芳", "1234", role="leader")
    store.close()
    d = ("--data-dir", str(data_dir))
    assert run(capsys, "pair", server.url, token, *d)[0] == 0
    assert run(capsys, "sync", *d)[0] == 0
    assert run(capsys, "arrive", "B1", "--pin", "1234", *d)[0] == 0
    return d


def _code(answer: dict, order_id: str) -> str:
    return next(o["pickup_code"] for o in answer["orders"] if o["order_id"] == order_id)


def test_a_hand_over_at_one_counter_is_refused_at_the_other_once_synced(any_live_server,
                                                                         tmp_path, capsys):
    token, answer = seed(HQClient(any_live_server), n=3)
    a = _counter(tmp_path, "counter-a", any_live_server, token, capsys)
    b = _counter(tmp_path, "counter-b", any_live_server, token, capsys)
    code = _code(answer, "B1-O0")

    ok, handed = run(capsys, "handover", code, "--pin", "1234", *a)
    assert ok == 0, handed
    receipt = handed["pickups"][0]["receipt_no"]
    assert run(capsys, "sync", *a)[1]["pushed"]["accepted"] >= 1
    assert run(capsys, "lookup", code, *b)[1]["kind"] == "ready"  # B has not synced yet

    assert run(capsys, "sync", *b)[0] == 0
    refused, verdict = run(capsys, "lookup", code, *b)
    assert refused == 1 and verdict["reason"] == "already_picked_up", verdict
    assert verdict["detail"]["receipt_no"] == receipt
    assert verdict["detail"]["counter_id"].startswith("C-")
    assert verdict["detail"]["picked_at"]
    no, out = run(capsys, "handover", code, "--pin", "1234", *b)
    assert no == 1 and out["error"]["code"] == "already_picked_up"

    # A's own hand-over echoed back changes nothing at A
    assert run(capsys, "sync", *a)[1]["attention"] == 0
    own = run(capsys, "lookup", code, *a)[1]
    assert own["reason"] == "already_picked_up" and own["detail"]["counter_id"] == ""
    # an undo at A reopens the order at B
    store = Store.in_dir(tmp_path / "counter-a")
    from pickup_station.core.counter import Counter
    Counter(store).undo(handed["pickups"][0]["pickup_id"], "leader", "拿错了")
    store.close()
    run(capsys, "sync", *a)
    run(capsys, "sync", *b)
    assert run(capsys, "lookup", code, *b)[1]["kind"] == "ready"


def test_double_redemption_offline_reaches_hq_and_hq_note_comes_back(any_live_server,
                                                                     tmp_path, capsys):
    hq = HQClient(any_live_server)
    token, answer = seed(hq, n=2)
    a = _counter(tmp_path, "counter-a", any_live_server, token, capsys)
    b = _counter(tmp_path, "counter-b", any_live_server, token, capsys)
    code = _code(answer, "B1-O1")
    receipt_a = run(capsys, "handover", code, "--pin", "1234", *a)[1]["pickups"][0]["receipt_no"]
    receipt_b = run(capsys, "handover", code, "--pin", "1234", *b)[1]["pickups"][0]["receipt_no"]

    pushed_a = run(capsys, "sync", *a)[1]
    assert pushed_a["pushed"]["rejected"] == 0 and pushed_a["attention"] == 0
    pushed_b = run(capsys, "sync", *b)[1]
    assert pushed_b["pushed"]["rejected"] == 1 and pushed_b["attention"] == 1
    status = run(capsys, "status", *b)[1]
    (parked,) = status["attention"]
    assert (parked["kind"], parked["reason"], parked["order_id"]) == (
        "rejected_event", "already_picked_up", "B1-O1")
    assert parked["hq_note"] == ""

    items = hq._call("GET", "/api/v1/review", params={"state": "open"})["items"]
    (item,) = items
    assert item["kind"] == "double_redemption" and item["order_id"] == "B1-O1"
    first, second = item["detail"]["pickups"]
    assert (first["status"], first["receipt_no"]) == ("accepted", receipt_a)
    assert (second["status"], second["receipt_no"]) == ("rejected", receipt_b)
    assert first["counter_id"] != second["counter_id"]
    assert {first["counter_id"], second["counter_id"]} == {
        Store.in_dir(tmp_path / n).get_meta("counter_id") for n in ("counter-a", "counter-b")}

    r = hq.request("POST", f"/api/v1/review/{item['id']}/resolve",
                   json={"note": "第二单已追回，无需处理"})
    assert r.status_code == 200, r.text
    assert run(capsys, "sync", *b)[0] == 0
    (seen,) = run(capsys, "status", *b)[1]["attention"]
    assert seen["id"] == parked["id"] and seen["hq_note"] == "第二单已追回，无需处理"
    # the other counter learns it as an item of its own
    assert run(capsys, "sync", *a)[0] == 0
    (told,) = run(capsys, "status", *a)[1]["attention"]
    assert (told["kind"], told["reason"], told["hq_note"]) == (
        "hq_review", "double_redemption", "第二单已追回，无需处理")
    # a further sync changes nothing
    run(capsys, "sync", *b)
    assert len(run(capsys, "status", *b)[1]["attention"]) == 1
