"""The hand-over journal reaches HQ and HQ can verify it: the REAL station core writes it, the
REAL SyncEngine pushes it to the real server over loopback (SQLite and PostgreSQL), and
`GET /api/v1/stations/{id}/journal/verify` says whether it is whole and where it breaks. Each
kind of tampering with the station's SQLite file before the push is caught on both sides;
nothing is refused for it (the pickups still reach HQ)."""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests

from pickup_station.core import arrival, day_close, journal_check, manifest, returns
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.sync.outbox import oldest_events
from tests.server_fixtures import HQClient, StationClient, make_order

from .conftest import new_engine

ORDERS = 10


def _tamper(store, *statements: str) -> None:
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        for sql in statements:
            assert conn.execute(sql).rowcount >= 1, sql
    finally:
        conn.close()


TAMPERING = {
    # a quantity changed in the event waiting to go (HQ would see fewer goods handed over)
    "altered": (("UPDATE outbox SET payload = replace(payload, '\"qty_handed\":', "
                "'\"qty_handed\":1') WHERE event_id = (SELECT event_id FROM journal "
                "WHERE seq = 4)"),),
    "missing": ("DELETE FROM journal WHERE seq = 4",),
    "reordered": ("UPDATE journal SET seq = -1 WHERE seq = 4",
                  "UPDATE journal SET seq = 4 WHERE seq = 5",
                  "UPDATE journal SET seq = 5 WHERE seq = -1"),
}


def _verify(server, station_id: str = "S1") -> dict:
    r = requests.get(f"{server.url}/api/v1/stations/{station_id}/journal/verify",
                     headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _station_day(server, store) -> tuple[str, int]:
    """HQ sends a batch; the station hands over, undoes, hands over again, returns and closes
    the day. Returns (station token, journal entries written)."""
    hq = HQClient(server)
    token = hq.create_station("S1", "幸福里自提点")
    hq.put_batch("B1", "S1", [make_order(f"O{i}", customer_name=f"顾客{i}",
                                         phone=f"1380000{i:04d}") for i in range(ORDERS)])
    engine = new_engine(store, server.url, token)
    assert engine.run_round().ok
    arrival.sign_off(store, "B1", "leader")
    counter = Counter(store)
    handed = [counter.hand_over([OrderChoice(f"O{i}")], "leader").pickups[0]
              for i in range(ORDERS - 2)]
    counter.undo(handed[2].pickup_id, "leader", "拿错了")
    counter.hand_over([OrderChoice("O2")], "leader")
    returns.return_orders(store, [f"O{ORDERS - 1}"], "leader", "超时未取")
    day_close.close_day(store, day_close.utcnow().date(), "leader", {})
    entries = ORDERS - 2 + 1 + 1 + 1 + 1
    return token, entries


def _push_all(server, store, token) -> None:
    report = new_engine(store, server.url, token).run_round()
    assert report.ok, report.error
    assert report.pending_events == 0


def test_an_untouched_station_verifies_whole_and_a_replay_changes_nothing(any_live_server,
                                                                          station):
    token, entries = _station_day(any_live_server, station)
    sent = [event for _, event in oldest_events(station, 0, 500)]
    assert sum("journal" in e for e in sent) == entries
    assert journal_check.verify(station).whole
    _push_all(any_live_server, station, token)
    answer = _verify(any_live_server)
    assert answer == {"station_id": "S1", "whole": True, "entries": entries,
                      "verified_through_seq": entries, "first_break": None}
    # the same events again (a lost answer): duplicates, and the chain is as it was
    results = StationClient(any_live_server, token).push(sent)
    assert {r["status"] for r in results} == {"duplicate"}
    assert _verify(any_live_server) == answer


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_before_the_push_is_caught_at_the_station_and_at_hq(any_live_server,
                                                                       station, kind):
    token, entries = _station_day(any_live_server, station)
    _tamper(station, *TAMPERING[kind])
    local = journal_check.verify(station)
    assert (local.first_break.seq, local.first_break.kind) == (4, kind)
    assert local.verified_through_seq == 3
    _push_all(any_live_server, station, token)  # nothing refused for it
    answer = _verify(any_live_server)
    assert answer["whole"] is False and answer["verified_through_seq"] == 3
    assert (answer["first_break"]["seq"], answer["first_break"]["kind"]) == (4, kind)
    assert answer["entries"] == entries - (kind == "missing")
    # the pickups reached HQ all the same
    pickups = HQClient(any_live_server).pickups("S1")
    assert len(pickups["pickups"]) >= ORDERS - 2


def test_events_of_an_older_station_without_journal_are_taken(any_live_server, station):
    token, _ = _station_day(any_live_server, station)
    sent = [event for _, event in oldest_events(station, 0, 500)]
    for e in sent:
        e.pop("journal", None)
    results = StationClient(any_live_server, token).push(sent)
    assert {r["status"] for r in results} <= {"accepted"}, results
    assert _verify(any_live_server) == {"station_id": "S1", "whole": True, "entries": 0,
                                        "verified_through_seq": 0, "first_break": None}


def test_verify_needs_the_admin_token_and_a_known_station(any_live_server, station):
    token, _ = _station_day(any_live_server, station)
    url = f"{any_live_server.url}/api/v1/stations/S1/journal/verify"
    assert requests.get(url, timeout=10).status_code == 401
    r = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 403
    r = requests.get(f"{any_live_server.url}/api/v1/stations/NOPE/journal/verify",
                     headers={"Authorization": f"Bearer {any_live_server.admin_token}"},
                     timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert json.loads(r.text)["error"]["message"]


def test_a_station_that_worked_offline_before_pairing_chains_from_its_own_genesis(
        any_live_server, station):
    """Manifest imported by hand, hand-overs made before the station knows who it is; then it
    is paired and syncs: the chain HQ receives is whole."""
    orders = [make_order(f"O{i}", customer_name=f"顾客{i}", phone=f"1380000{i:04d}")
              for i in range(4)]
    with station.session() as s:
        manifest.apply_manifest(s, [{"batch_id": "B1", "station_id": "S1", "orders": orders}])
    station.set_meta("station_id", None)  # not paired: it does not know who it is yet
    arrival.sign_off(station, "B1", "leader")
    counter = Counter(station)
    for i in range(3):
        counter.hand_over([OrderChoice(f"O{i}")], "leader")
    hq = HQClient(any_live_server)
    token = hq.create_station("S1", "幸福里自提点")
    hq.put_batch("B1", "S1", orders)
    _push_all(any_live_server, station, token)
    assert station.get_meta("station_id") == "S1"
    assert _verify(any_live_server) == {"station_id": "S1", "whole": True, "entries": 3,
                                        "verified_through_seq": 3, "first_break": None}
