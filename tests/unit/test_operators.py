"""Operators: the forced change of the default leader PIN, lockout after 5 wrong PINs (kept over
a restart), rename / disable / reset PIN by the leader only, PINs never in a message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pickup_station.core import operators as ops
from pickup_station.errors import Refused
from pickup_station.store.db import Store, utcnow


def test_first_start_needs_the_default_leader_pin_changed(store):
    with store.session() as s:
        ops.ensure_default_operators(s)
        assert ops.pin_change_required(s)
    with pytest.raises(Refused) as err:
        ops.change_pin(store, "leader", "1234", "1234")
    assert err.value.code == "pin_too_weak"
    with pytest.raises(Refused) as err:
        ops.change_pin(store, "leader", "0000", "8642")
    assert err.value.code == "wrong_pin"
    ops.change_pin(store, "leader", "1234", "8642")
    with store.reader() as s:
        assert not ops.pin_change_required(s)
    assert ops.authenticate(store, "leader", "8642").is_leader


def test_five_wrong_pins_lock_for_a_minute_even_after_a_restart(data_dir):
    store = Store.in_dir(data_dir)
    with store.session() as s:
        ops.add_operator(s, "a1", "小李", "5678")
    now = utcnow()
    for _ in range(4):
        with pytest.raises(Refused) as err:
            ops.authenticate(store, "a1", "0000", now=now)
        assert err.value.code == "wrong_pin"
    with pytest.raises(ops.OperatorLocked) as err:
        ops.authenticate(store, "a1", "0000", now=now)
    assert err.value.seconds_left == 60 and "60 秒" in err.value.message()
    store.close()
    store = Store.in_dir(data_dir)  # a restart does not lift the lock
    with pytest.raises(ops.OperatorLocked) as err:
        ops.authenticate(store, "a1", "5678", now=now + timedelta(seconds=20))
    assert err.value.code == "operator_locked" and err.value.seconds_left == 40
    with store.reader() as s:
        row = next(r for r in ops.operator_rows(s, now + timedelta(seconds=30)) if r.operator_id == "a1")
        assert row.locked_seconds == 30
        with pytest.raises(ops.OperatorLocked):
            ops.verify_pin(s, "a1", "5678")
    assert ops.authenticate(store, "a1", "5678", now=now + timedelta(seconds=61)).name == "小李"
    store.close()


def test_rename_disable_and_reset_pin_are_for_the_leader_only(store):
    with store.session() as s:
        leader = ops.add_operator(s, "leader", "王芳", "2468", role="leader")
        helper = ops.add_operator(s, "a1", "小李", "5678")
        ops.add_operator(s, "a2", "小张", "1357")
    with store.session() as s:
        with pytest.raises(Refused) as err:
            ops.rename_operator(s, helper, "a2", "张三")
        assert err.value.code == "leader_only"
        assert ops.rename_operator(s, leader, "a2", "张师傅").name == "张师傅"
        ops.set_active(s, leader, "a2", False)
        ops.reset_pin(s, leader, "a1", "9753")
        with pytest.raises(Refused) as err:
            ops.set_active(s, leader, "leader", False)
        assert err.value.code == "last_leader"
    with pytest.raises(Refused) as err:
        ops.authenticate(store, "a2", "1357")
    assert err.value.code == "unknown_operator"
    with pytest.raises(Refused):
        ops.authenticate(store, "a1", "5678")
    assert ops.authenticate(store, "a1", "9753").operator_id == "a1"
    with store.reader() as s:
        rows = {r.operator_id: r for r in ops.operator_rows(s)}
    assert not rows["a2"].active and rows["a2"].name == "张师傅"
    for r in rows.values():  # nothing of a PIN on the screen's rows
        assert not any("9753" in str(v) or "5678" in str(v) for v in vars(r).values())
