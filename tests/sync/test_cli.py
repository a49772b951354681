"""`pickup-station-cli pair URL TOKEN` and `sync` against the real server."""

from __future__ import annotations

import json

from pickup_station.cli import main
from pickup_station.config import load_settings
from tests.server_fixtures import HQClient

from .conftest import queue_events, seed, short_event


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def test_pair_then_sync_prints_what_moved(live_server, data_dir, capsys):
    token, _ = seed(HQClient(live_server), n=4)
    code, paired = run(capsys, "pair", live_server.url + "/", token, "--data-dir", str(data_dir))
    assert code == 0 and paired["ok"] and paired["server_url"] == live_server.url
    assert (paired["station_id"], paired["name"], paired["address"]) == ("S1", "自提点S1",
                                                                         "幸福路 1 号")
    settings = load_settings(data_dir / "config.json")
    assert (settings.server_url, settings.station_token) == (live_server.url, token)

    code, out = run(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 0
    assert set(out) >= {"ok", "pulled", "pushed", "pending_events", "attention", "cursor",
                        "last_sync"}
    assert out["ok"] is True and out["pulled"] == {"batches": 1, "orders": 4, "removed": 0}
    assert out["pushed"] == {"accepted": 0, "duplicate": 0, "rejected": 0}
    assert out["pending_events"] == 0 and out["attention"] == 0 and out["cursor"]

    from pickup_station.store.db import Store
    store = Store.in_dir(data_dir)
    queue_events(store, [short_event("B1-O0"), short_event("NOPE")])
    store.close()
    code, out = run(capsys, "sync", "--data-dir", str(data_dir))
    assert out["pushed"] == {"accepted": 1, "duplicate": 0, "rejected": 1}
    assert out["attention"] == 1 and out["pulled"]["orders"] == 0

    store = Store.in_dir(data_dir)
    assert [store.get_meta(k) for k in ("station_id", "station_name", "station_address")] == [
        "S1", "自提点S1", "幸福路 1 号"]  # receipts print these
    store.close()
    code, status = run(capsys, "status", "--data-dir", str(data_dir))
    assert status["last_sync"] == out["last_sync"] and status["clock_skew_s"] is not None

    code = main(["sync", "--data-dir", str(data_dir), "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 0 and "Synced" in text and "0 events to upload" in text


def test_pair_refuses_wrong_token_and_bad_address_and_saves_nothing(live_server, data_dir,
                                                                    capsys):
    seed(HQClient(live_server), n=1)
    code, out = run(capsys, "pair", live_server.url, "wrong-token", "--data-dir", str(data_dir))
    assert code == 1 and out["error"]["code"] == "unauthorized"
    assert "令牌" in out["error"]["message"]
    assert not (data_dir / "config.json").exists()

    code, out = run(capsys, "pair", "http://127.0.0.1:9", "tok", "--data-dir", str(data_dir),
                    "--lang", "en")
    assert code == 1 and out["error"]["code"] == "unreachable"
    assert "Cannot reach the server at http://127.0.0.1:9" in out["error"]["message"]
    assert not (data_dir / "config.json").exists()

    code, out = run(capsys, "pair", "ftp://x", "tok", "--data-dir", str(data_dir))
    assert code == 2


def test_sync_unpaired_offline_and_revoked(live_server, data_dir, capsys):
    code, out = run(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 1 and out["error"]["code"] == "not_paired"

    hq = HQClient(live_server)
    token, _ = seed(hq, n=1)
    assert run(capsys, "pair", live_server.url, token, "--data-dir", str(data_dir))[0] == 0
    hq.rotate_token("S1")  # HQ issued a new token: the old one stops working
    code, out = run(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 1 and out["ok"] is False and out["error"]["code"] == "sync_auth"
    assert "重新配对" in out["error"]["message"]

    settings = load_settings(data_dir / "config.json")
    settings.server_url = "http://127.0.0.1:9"
    from pickup_station.config import save_settings
    save_settings(settings, data_dir / "config.json")
    code, out = run(capsys, "sync", "--data-dir", str(data_dir))
    assert code == 1 and out["error"]["code"] == "offline"
    assert out["pending_events"] == 0 and out["last_sync"] is None
