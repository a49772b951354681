"""Who stands at the counter: the leader (团长) and assistants (店员), each with a short PIN.

PINs are stored salted and hashed (PBKDF2), never shown, logged or put in a message. The
leader's PIN approves overrides. `authenticate(store, ...)` is the PIN check of record: it
counts wrong PINs in the store, so 5 in a row lock the operator for 60 s (`operator_locked`,
with the seconds left) even across a restart. On first start the default leader (PIN 1234)
must change the PIN before anything else: `pin_change_required(session)` is the flag the
window and the CLI check. Renaming, disabling and resetting a PIN are for a leader only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.errors import Refused
from pickup_station.store.db import Store, iso, parse_iso, utcnow
from pickup_station.store.models import Operator

PIN_ITERATIONS = 20_000
DEFAULT_LEADER = ("leader", "团长", "1234")
MAX_WRONG_PINS = 5
LOCK_TIME = timedelta(seconds=60)


class OperatorLocked(Refused):
    """Too many wrong PINs: the operator is locked for a while (`seconds_left`)."""

    code = "operator_locked"

    def __init__(self, seconds_left: int):
        self.seconds_left = max(int(seconds_left), 1)
        super().__init__("operators.locked_out", seconds_left=self.seconds_left)


class PinChangeRequired(Refused):
    code = "pin_change_required"

    def __init__(self):
        super().__init__("operators.change_default_pin")


@dataclass(frozen=True)
class OperatorInfo:
    operator_id: str
    name: str
    role: str

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"


def _hash(pin: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), PIN_ITERATIONS).hex()


def _valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 8


def add_operator(session: Session, operator_id: str, name: str, pin: str,
                 role: str = "assistant") -> OperatorInfo:
    if role not in ("leader", "assistant"):
        raise ValueError(role)
    if not _valid_pin(pin):
        raise Refused("operators.bad_pin")
    salt = secrets.token_hex(16)
    op = session.get(Operator, operator_id)
    if op is None:
        op = Operator(operator_id=operator_id)
        session.add(op)
    op.name, op.role, op.pin_salt, op.pin_hash, op.active = name, role, salt, _hash(pin, salt), 1
    op.failed_pins, op.locked_until, op.must_change_pin = 0, None, 0
    return OperatorInfo(operator_id, name, role)


def ensure_default_operators(session: Session) -> None:
    """A new store gets one leader (PIN 1234) so the counter can open; change it in settings."""
    if session.scalar(select(Operator.operator_id).limit(1)) is None:
        op_id, name, pin = DEFAULT_LEADER
        add_operator(session, op_id, name, pin, role="leader")
        session.get(Operator, op_id).must_change_pin = 1


def list_operators(session: Session) -> list[OperatorInfo]:
    rows = session.scalars(select(Operator).where(Operator.active == 1)
                           .order_by(Operator.role.desc(), Operator.name))
    return [OperatorInfo(o.operator_id, o.name, o.role) for o in rows]


def get_operator(session: Session, operator_id: str) -> OperatorInfo:
    op = session.get(Operator, operator_id)
    if op is None or not op.active:
        raise Refused("operators.unknown_operator", operator_id=operator_id)
    return OperatorInfo(op.operator_id, op.name, op.role)


def verify_pin(session: Session, operator_id: str, pin: str) -> OperatorInfo:
    """A PIN check inside the caller's transaction (refuses a locked operator but counts
    nothing: `authenticate` is the check that counts)."""
    op = session.get(Operator, operator_id)
    _refuse_if_locked(op, utcnow())
    if op is None or not op.active or not hmac.compare_digest(op.pin_hash, _hash(pin, op.pin_salt)):
        raise Refused("operators.wrong_pin", code="wrong_pin")
    return OperatorInfo(op.operator_id, op.name, op.role)


def verify_leader_pin(session: Session, pin: str) -> OperatorInfo:
    """The leader whose PIN this is; refuses any other PIN (an assistant's included)."""
    leaders = session.scalars(select(Operator).where(Operator.role == "leader",
                                                     Operator.active == 1))
    for op in leaders:
        if hmac.compare_digest(op.pin_hash, _hash(pin, op.pin_salt)):
            return OperatorInfo(op.operator_id, op.name, op.role)
    raise Refused("operators.leader_pin_required",
                  code="leader_pin_required")


# ---- PINs that count, locks, the operators screen ----------------------------------------------

@dataclass(frozen=True)
class OperatorRow:
    """One operator as the operators screen lists them (never the PIN)."""

    operator_id: str
    name: str
    role: str
    active: bool
    locked_seconds: int
    must_change_pin: bool


def _locked_seconds(op: Operator | None, now: datetime) -> int:
    until = parse_iso(op.locked_until) if op is not None else None
    return int((until - now).total_seconds() + 0.999) if until and until > now else 0


def _refuse_if_locked(op: Operator | None, now: datetime) -> None:
    left = _locked_seconds(op, now)
    if left > 0:
        raise OperatorLocked(left)


def authenticate(store: Store, operator_id: str, pin: str, *,
                 now: datetime | None = None) -> OperatorInfo:
    """Check an operator's PIN in a transaction of its own, so a wrong PIN is counted even
    though the caller's work is refused. The 5th wrong PIN in a row locks for 60 s."""
    now = now or utcnow()
    with store.session() as s:
        op = s.get(Operator, operator_id)
        if op is None or not op.active:
            raise Refused("operators.unknown_operator", operator_id=operator_id,
                          code="unknown_operator")
        _refuse_if_locked(op, now)
        if hmac.compare_digest(op.pin_hash, _hash(str(pin), op.pin_salt)):
            op.failed_pins, op.locked_until = 0, None
            return OperatorInfo(op.operator_id, op.name, op.role)
        op.failed_pins = (op.failed_pins or 0) + 1
        locked = op.failed_pins >= MAX_WRONG_PINS
        if locked:
            op.failed_pins, op.locked_until = 0, iso(now + LOCK_TIME)
    if locked:
        raise OperatorLocked(int(LOCK_TIME.total_seconds()))
    raise Refused("operators.wrong_pin", code="wrong_pin")


def pin_change_required(session: Session) -> bool:
    """True while the default leader PIN set at first start has not been changed."""
    return session.scalar(select(Operator.operator_id).where(
        Operator.must_change_pin == 1, Operator.active == 1).limit(1)) is not None


def change_pin(store: Store, operator_id: str, old_pin: str, new_pin: str) -> OperatorInfo:
    """An operator changes their own PIN (the old one is checked and counted)."""
    who = authenticate(store, operator_id, old_pin)
    with store.session() as s:
        _set_pin(s.get(Operator, who.operator_id), new_pin)
    return who


def _set_pin(op: Operator, pin: str) -> None:
    pin = str(pin)
    if not _valid_pin(pin):
        raise Refused("operators.bad_pin", code="bad_pin")
    if pin == DEFAULT_LEADER[2] or len(set(pin)) == 1:
        raise Refused("operators.pin_too_weak",
                      code="pin_too_weak")
    op.pin_salt = secrets.token_hex(16)
    op.pin_hash = _hash(pin, op.pin_salt)
    op.failed_pins, op.locked_until, op.must_change_pin = 0, None, 0


def _leader_acts(session: Session, acting: OperatorInfo, operator_id: str) -> Operator:
    if not acting.is_leader:
        raise Refused("operators.leader_only",
                      code="leader_only")
    op = session.get(Operator, operator_id)
    if op is None:
        raise Refused("operators.unknown_operator", operator_id=operator_id,
                      code="unknown_operator")
    return op


def rename_operator(session: Session, acting: OperatorInfo, operator_id: str,
                    name: str) -> OperatorInfo:
    op = _leader_acts(session, acting, operator_id)
    name = (name or "").strip()
    if not name or len(name) > 20:
        raise Refused("operators.bad_name", code="bad_name")
    op.name = name
    return OperatorInfo(op.operator_id, op.name, op.role)


def set_active(session: Session, acting: OperatorInfo, operator_id: str,
               active: bool) -> OperatorInfo:
    """Disable (or enable again) an operator. The last active leader cannot be disabled."""
    op = _leader_acts(session, acting, operator_id)
    if not active and op.role == "leader":
        others = session.scalar(select(Operator.operator_id).where(
            Operator.role == "leader", Operator.active == 1,
            Operator.operator_id != operator_id).limit(1))
        if others is None:
            raise Refused("operators.last_leader",
                          code="last_leader")
    op.active = 1 if active else 0
    return OperatorInfo(op.operator_id, op.name, op.role)


def reset_pin(session: Session, acting: OperatorInfo, operator_id: str, new_pin: str) -> None:
    """The leader sets a new PIN for an operator (and lifts a lock)."""
    _set_pin(_leader_acts(session, acting, operator_id), new_pin)


def operator_rows(session: Session, now: datetime | None = None) -> list[OperatorRow]:
    now = now or utcnow()
    return [OperatorRow(o.operator_id, o.name, o.role, bool(o.active), _locked_seconds(o, now),
                        bool(o.must_change_pin))
            for o in session.scalars(select(Operator).order_by(
                Operator.active.desc(), Operator.role.desc(), Operator.name))]
