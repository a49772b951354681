"""The station's hand-over journal: written with each record, checked offline; each kind of
tampering with the SQLite file directly (an altered quantity, a deleted entry, two entries
swapped, a record gone, an entry gone with its event) is caught and placed."""

from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from pickup_station.cli import main as cli_main
from pickup_station.core import journal_check
from pickup_station.core.counter import Counter, OrderChoice
from pickup_station.errors import Refused
from pickup_station.journal_form import canonical, entry_hash, genesis, journal_record
from tests.unit.journal_seed import busy_day


def rows(store) -> list[sqlite3.Row]:
    conn = sqlite3.connect(store.path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM journal ORDER BY seq").fetchall()
    finally:
        conn.close()


def tamper(store, *statements: tuple[str, tuple]) -> None:
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        for sql, params in statements:
            assert conn.execute(sql, params).rowcount >= 1, sql
    finally:
        conn.close()


def first_break(store):
    report = journal_check.verify(store)
    assert not report.whole
    return report, report.first_break


@pytest.fixture
def day(station):
    return station.store, busy_day(station)


def test_every_pickup_undo_return_and_closing_is_one_entry_chained_from_the_genesis(day):
    store, done = day
    entries = rows(store)
    kinds = [e["kind"] for e in entries]
    assert kinds.count("pickup_confirmed") == 31 and kinds.count("pickup_undone") == 2
    assert kinds.count("order_returned") == 2 and kinds[-1] == "day_closed"
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["prev_hash"] == genesis(store.get_meta("journal_id"))
    for before, e in itertools.pairwise(entries):
        assert e["prev_hash"] == before["hash"]
        assert e["hash"] == entry_hash(e["prev_hash"], e["body"].encode())
    # the record as the event says it, without the proxy's name
    first = json.loads(entries[0]["body"])
    assert first["pickup_id"] == done["pickups"][0].pickup_id and first["proxy"] is True
    assert "邻居" not in "".join(e["body"] for e in entries)
    report = journal_check.verify(store)
    assert report.whole and report.verified_through_seq == len(entries) == report.entries


def test_a_refused_hand_over_writes_no_entry(station):
    counter = Counter(station.store)
    with pytest.raises(Refused):
        counter.hand_over([OrderChoice(station.waiting_only_order()["order_id"])], "a1")
    assert rows(station.store) == []


def test_the_journal_and_the_event_agree(day):
    store, _ = day
    conn = sqlite3.connect(store.path)
    try:
        for event_id, type_, order_id, batch_id, at, payload, body in conn.execute(
                "SELECT o.event_id, o.type, o.order_id, o.batch_id, o.occurred_at, o.payload, "
                "j.body FROM outbox o JOIN journal j ON j.event_id = o.event_id"):
            record = journal_record(type_, order_id, batch_id, at, json.loads(payload))
            assert canonical(record).decode() == body, event_id
    finally:
        conn.close()


def test_a_quantity_changed_in_the_queued_event_is_caught(day):
    store, _ = day
    e = rows(store)[4]
    tamper(store, (("UPDATE outbox SET payload = replace(payload, '\"qty_handed\":', "
                   "'\"qty_handed\":1') WHERE event_id = ?"), (e["event_id"],)))
    _, brk = first_break(store)
    assert (brk.seq, brk.kind) == (5, "altered") and "queued" in brk.detail


def test_a_quantity_changed_in_the_pickup_record_is_caught(day):
    store, _ = day
    e = rows(store)[6]
    tamper(store, ("UPDATE pickup_lines SET qty_handed = qty_handed + 1 WHERE pickup_id = ?",
                   (e["record_id"],)))
    _, brk = first_break(store)
    assert (brk.seq, brk.kind) == (7, "altered") and e["record_id"] in brk.detail


def test_an_entry_rewritten_without_its_hash_is_caught(day):
    store, _ = day
    before = rows(store)[2]["body"]
    tamper(store, (("UPDATE journal SET body = replace(body, '\"operator_id\":\"a1\"', "
                   "'\"operator_id\":\"leader\"') WHERE seq = 3"), ()))
    assert rows(store)[2]["body"] != before
    report, brk = first_break(store)
    assert (brk.seq, brk.kind) == (3, "altered") and report.verified_through_seq == 2


def test_a_deleted_entry_is_caught(day):
    store, _ = day
    tamper(store, ("DELETE FROM journal WHERE seq = 9", ()))
    report, brk = first_break(store)
    assert (brk.seq, brk.kind) == (9, "missing") and report.verified_through_seq == 8


def test_two_swapped_entries_are_caught(day):
    store, _ = day
    tamper(store, ("UPDATE journal SET seq = -1 WHERE seq = 11", ()),
           ("UPDATE journal SET seq = 11 WHERE seq = 12", ()),
           ("UPDATE journal SET seq = 12 WHERE seq = -1", ()))
    report, brk = first_break(store)
    assert (brk.seq, brk.kind) == (11, "reordered") and report.verified_through_seq == 10


def test_the_last_entry_deleted_with_its_event_leaves_an_unjournaled_record(day):
    store, _ = day
    last_pickup = [e for e in rows(store) if e["kind"] == "pickup_confirmed"][-1]
    tamper(store, ("DELETE FROM journal WHERE seq >= ?", (last_pickup["seq"],)))
    _, brk = first_break(store)
    assert brk.kind == "unjournaled" and last_pickup["record_id"] in brk.detail


def test_a_deleted_pickup_record_is_caught(day):
    store, _ = day
    e = rows(store)[0]
    tamper(store, ("DELETE FROM pickup_lines WHERE pickup_id = ?", (e["record_id"],)),
           ("DELETE FROM pickups WHERE pickup_id = ?", (e["record_id"],)))
    _, brk = first_break(store)
    assert (brk.seq, brk.kind) == (1, "missing")


def test_cli_journal_verify_exit_status(day, capsys):
    store, _ = day
    data_dir = str(store.path.parent)
    assert cli_main(["journal", "verify", "--data-dir", data_dir, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["whole"] and out["first_break"] is None and out["entries"] == 36
    tamper(store, ("DELETE FROM journal WHERE seq = 20", ()))
    assert cli_main(["journal", "verify", "--data-dir", data_dir, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and out["first_break"]["seq"] == 20
    assert out["first_break"]["kind"] == "missing"
    assert cli_main(["journal", "verify", "--data-dir", data_dir, "--lang", "en"]) == 1
    assert "breaks at entry 20 (missing)" in capsys.readouterr().out
