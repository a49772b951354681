"""Who stands at the counter: the leader (团长) and assistants (店员), each with a short PIN.

PINs are stored salted and hashed (PBKDF2). The leader's PIN approves overrides.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_station.errors import Refused
from pickup_station.store.models import Operator

PIN_ITERATIONS = 20_000
DEFAULT_LEADER = ("leader", "团长", "1234")


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
        raise Refused("PIN 必须是 4 到 8 位数字", "A PIN is 4 to 8 digits")
    salt = secrets.token_hex(16)
    op = session.get(Operator, operator_id)
    if op is None:
        op = Operator(operator_id=operator_id)
        session.add(op)
    op.name, op.role, op.pin_salt, op.pin_hash, op.active = name, role, salt, _hash(pin, salt), 1
    return OperatorInfo(operator_id, name, role)


def ensure_default_operators(session: Session) -> None:
    """A new store gets one leader (PIN 1234) so the counter can open; change it in settings."""
    if session.scalar(select(Operator.operator_id).limit(1)) is None:
        op_id, name, pin = DEFAULT_LEADER
        add_operator(session, op_id, name, pin, role="leader")


def list_operators(session: Session) -> list[OperatorInfo]:
    rows = session.scalars(select(Operator).where(Operator.active == 1)
                           .order_by(Operator.role.desc(), Operator.name))
    return [OperatorInfo(o.operator_id, o.name, o.role) for o in rows]


def get_operator(session: Session, operator_id: str) -> OperatorInfo:
    op = session.get(Operator, operator_id)
    if op is None or not op.active:
        raise Refused(f"没有这个操作员：{operator_id}", f"No such operator: {operator_id}")
    return OperatorInfo(op.operator_id, op.name, op.role)


def verify_pin(session: Session, operator_id: str, pin: str) -> OperatorInfo:
    op = session.get(Operator, operator_id)
    if op is None or not op.active or not hmac.compare_digest(op.pin_hash, _hash(pin, op.pin_salt)):
        raise Refused("PIN 不正确", "Wrong PIN", code="wrong_pin")
    return OperatorInfo(op.operator_id, op.name, op.role)


def verify_leader_pin(session: Session, pin: str) -> OperatorInfo:
    """The leader whose PIN this is; refuses any other PIN (an assistant's included)."""
    leaders = session.scalars(select(Operator).where(Operator.role == "leader",
                                                     Operator.active == 1))
    for op in leaders:
        if hmac.compare_digest(op.pin_hash, _hash(pin, op.pin_salt)):
            return OperatorInfo(op.operator_id, op.name, op.role)
    raise Refused("需要团长 PIN：PIN 不正确", "The leader's PIN is needed: wrong PIN",
                  code="leader_pin_required")
