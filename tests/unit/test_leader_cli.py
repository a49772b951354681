"""The leader's day from `pickup-station-cli`: the forced PIN change, PINs on handover / undo /
arrive, receive by product, shelves, returns, close-day, operator management, the lockout."""

from __future__ import annotations

import json

import pytest

from pickup_station.cli import main
from tests.unit.leader_seed import APPLE, MILK, RICE, order


def run(capsys, data_dir, *argv) -> tuple[int, dict]:
    code = main([*argv, "--data-dir", str(data_dir), "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


ORDERS = [order("O1", "13800001111", APPLE, RICE), order("O2", "13900002222", APPLE),
          order("O3", "13700003333", MILK)]
CODE = {o["order_id"]: o["pickup_code"] for o in ORDERS}


@pytest.fixture
def imported(data_dir, tmp_path, capsys):
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"batch_id": "B1", "orders": ORDERS}, ensure_ascii=False),
                        encoding="utf-8")
    assert run(capsys, data_dir, "import-manifest", str(manifest))[0] == 0
    return data_dir


def test_the_default_leader_pin_must_change_first_then_pins_are_asked(imported, capsys):
    d = imported
    code, out = run(capsys, d, "arrive", "B1", "--pin", "1234")
    assert code == 1 and out["error"]["code"] == "pin_change_required"
    code, out = run(capsys, d, "operator-pin", "leader", "--pin", "1234", "--new-pin", "8642")
    assert code == 0 and out == {"ok": True, "operator_id": "leader", "pin": "changed"}
    code, out = run(capsys, d, "receive", "B1", "--received", "FRU-1=3", "--preview")
    assert code == 0 and out["signed_off"] is False
    assert [(x["order_id"], x["qty_short"]) for x in out["shorts"]] == [("O2", 1)]
    code, out = run(capsys, d, "receive", "B1", "--received", "FRU-1=3")
    assert code == 2 and "--pin" in out["error"]["message"]  # no terminal, no PIN: usage
    code, out = run(capsys, d, "receive", "B1", "--received", "FRU-1=3", "--pin", "0000")
    assert code == 1 and out["error"]["code"] == "wrong_pin"
    assert "0000" not in json.dumps(out) and "8642" not in json.dumps(out)
    code, out = run(capsys, d, "receive", "B1", "--received", "FRU-1=3", "--pin", "8642")
    assert code == 0 and out["signed_off"] and out["slots_assigned"] == 3

    code, out = run(capsys, d, "handover", CODE["O1"], "--pin", "8642")
    assert code == 0 and out["operator"] == "leader"
    receipt = out["pickups"][0]["receipt_no"]
    code, out = run(capsys, d, "undo", receipt, "--reason", "拿错了", "--pin", "8642")
    assert code == 0
    code, out = run(capsys, d, "returns", "--all")
    assert {u["order_id"] for u in out["uncollected"]} == {"O1", "O2", "O3"}
    code, out = run(capsys, d, "returns", "--return", "O3", "--reason", "超时未取",
                    "--pin", "8642")
    assert code == 0 and out["returned"]["freed_slots"] == ["R-1-01"]
    code, out = run(capsys, d, "handover", CODE["O3"], "--pin", "8642")
    assert code == 1 and out["reason"] == "returned"

    code, out = run(capsys, d, "shelves")
    assert code == 0 and out["occupied"] == 2
    code, out = run(capsys, d, "shelves", "--add", "X:overflow:2:10", "--pin", "8642")
    assert code == 0 and {a["area"]: a["slots"] for a in out["areas"]}["overflow"] == 20

    code, out = run(capsys, d, "close-day", "--show")
    assert {x["sku"]: x["expected"] for x in out["stock"]}["FRU-1"] == 3
    code, out = run(capsys, d, "close-day", "--count", "FRU-1=2", "--pin", "8642")
    assert code == 0 and [x["difference"] for x in out["discrepancies"]] == [-1]
    code, out = run(capsys, d, "close-day", "--reprint")
    assert code == 0 and "** 补打 **" in out["slip"] and "日结人：团长" in out["slip"]


def test_operator_management_and_the_lockout(imported, capsys):
    d = imported
    assert run(capsys, d, "operator-pin", "leader", "--pin", "1234", "--new-pin", "8642")[0] == 0
    assert run(capsys, d, "operator-add", "a1", "小李", "--pin", "5678")[0] == 0
    code, out = run(capsys, d, "operator-rename", "a1", "李师傅", "--operator", "a1",
                    "--pin", "5678")
    assert code == 1 and out["error"]["code"] == "leader_only"
    code, out = run(capsys, d, "operator-rename", "a1", "李师傅", "--pin", "8642")
    assert code == 0 and out["name"] == "李师傅"
    code, out = run(capsys, d, "operator-pin", "a1", "--new-pin", "9753", "--operator",
                    "leader", "--pin", "8642")
    assert code == 0 and out["pin"] == "reset"
    codes = [run(capsys, d, "arrive", "B1", "--operator", "a1", "--pin", "1111")[1]["error"]
             ["code"] for _ in range(5)]
    assert codes == ["wrong_pin"] * 4 + ["operator_locked"]
    code, out = run(capsys, d, "arrive", "B1", "--operator", "a1", "--pin", "9753")
    assert code == 1 and out["error"]["code"] == "operator_locked"
    assert "秒" in out["error"]["message"]
    code, out = run(capsys, d, "operator-disable", "a1", "--pin", "8642")
    assert code == 0 and out["active"] is False
    code, out = run(capsys, d, "handover", CODE["O1"], "--operator", "a1", "--pin", "9753")
    assert code == 1 and out["error"]["code"] in ("unknown_operator", "operator_locked")


def test_a_fresh_station_keeps_the_plain_commands_of_the_contract(imported, capsys):
    """While the leader still has the default PIN there is no secret to ask for: `arrive` and
    `handover TEXT` as DESIGN.md lists them run as the leader. Once the PIN is changed, the same
    plain command needs it, and naming an operator always needs that operator's PIN."""
    d = imported
    code, out = run(capsys, d, "arrive", "B1")
    assert code == 0
    code, out = run(capsys, d, "handover", CODE["O1"])
    assert code == 0 and out["operator"] == "leader"
    code, out = run(capsys, d, "handover", CODE["O2"], "--operator", "leader", "--pin", "1234")
    assert code == 1 and out["error"]["code"] == "pin_change_required"
    assert run(capsys, d, "operator-pin", "leader", "--pin", "1234", "--new-pin", "8642")[0] == 0
    code, out = run(capsys, d, "handover", CODE["O2"])
    assert code == 2 and "--pin" in out["error"]["message"]
    code, out = run(capsys, d, "handover", CODE["O2"], "--pin", "8642")
    assert code == 0 and out["operator"] == "leader"
