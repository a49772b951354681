"""`pickup-station-cli handover` for a customer with one order arrived and one on the truck:
the arrived one goes without a PIN, the one on the truck is refused (exit 1, `not_arrived`)
until the leader's PIN is given. Real store, the real CLI entry point."""

from __future__ import annotations

import json
import sqlite3

from pickup_station.cli import main


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def pickups(station) -> dict:
    conn = sqlite3.connect(station.store.path)
    try:
        return dict(conn.execute("SELECT order_id, override_kind FROM pickups").fetchall())
    finally:
        conn.close()


def test_mixed_customer_in_the_cli(station, data_dir, capsys):
    arrived, waiting = station.mixed_customer()
    d = ("--data-dir", str(data_dir))
    pin = ("--pin", "1234")  # the operator's own PIN (issue 10), not the leader's approval
    code, out = run(capsys, "lookup", arrived["pickup_code"], *d)
    assert code == 0 and out["kind"] == "partly_ready" and out["ok"] is True
    eta = {o["order_id"]: o["expected_at"] for o in out["orders"]}
    assert eta[arrived["order_id"]] == "" and eta[waiting["order_id"]]  # when it is expected

    code, out = run(capsys, "handover", arrived["pickup_code"], "--order", waiting["order_id"], *pin,
                    *d)
    assert code == 1 and out["error"]["code"] == "not_arrived"
    assert waiting["order_id"] in out["error"]["message"]
    assert pickups(station) == {}

    code, out = run(capsys, "handover", arrived["pickup_code"], "--order", arrived["order_id"], *pin,
                    *d)
    assert code == 0, out
    assert [p["order_id"] for p in out["pickups"]] == [arrived["order_id"]]
    assert pickups(station) == {arrived["order_id"]: None}

    code, out = run(capsys, "handover", waiting["pickup_code"], "--order", waiting["order_id"],
                    "--leader-pin", "1234", "--reason", "顾客急用", *pin, *d)
    assert code == 0, out
    assert pickups(station) == {arrived["order_id"]: None, waiting["order_id"]: "batch_not_arrived"}


def test_without_order_the_cli_hands_over_only_the_arrived_ones(station, data_dir, capsys):
    arrived, waiting = station.mixed_customer()
    code, out = run(capsys, "handover", waiting["pickup_code"], "--pin", "1234",
                    "--data-dir", str(data_dir))
    assert code == 0, out
    handed = {p["order_id"] for p in out["pickups"]}
    assert arrived["order_id"] in handed and waiting["order_id"] not in handed
    assert set(pickups(station).values()) == {None}
    code, text = main(["lookup", waiting["pickup_code"], "--data-dir", str(data_dir),
                       "--lang", "en"]), capsys.readouterr().out
    assert code == 1 and "Batch not arrived yet" in text and "still on the truck" in text
