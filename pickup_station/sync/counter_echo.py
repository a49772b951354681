"""Hand-overs made at this station's other counters, as a pull reports them (issue 11).

Several counters (PCs) of one pickup point share its token and its change feed; every order a
pull brings carries the hand-over HQ holds for it (`pickup`: an object, or `null`). Applied
after the page's orders, inside the page's transaction:

- our own hand-over coming back (its `pickup_id` is one of ours, even one we undid and have not
  reported yet): nothing changes;
- an order we handed over too (a double redemption): ours stays; our push is refused and
  parked, and HQ's review queue holds both;
- an open order handed over at another counter: picked up here too (its shelf slots freed), the
  hand-over kept in `other_counter_pickups` so a scan says when, which receipt, which counter;
- `null` for an order picked up at another counter: that counter undid it, the order is open
  again (its slots restored).
A change that carries no `pickup` (an older server) changes nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pickup_station.core import shelves
from pickup_station.store.db import iso, utcnow
from pickup_station.store.models import Order, OtherCounterPickup, Pickup

_HANDED = ("picked_up", "partially_picked_up")


def _chunks(ids: list[str]):
    for i in range(0, len(ids), 500):
        yield ids[i:i + 500]


def apply_echoes(session: Session, echoes: dict[str, dict | None]) -> int:
    """Apply `order_id -> pickup` of one page. Returns how many orders changed state."""
    if not echoes:
        return 0
    ids = sorted(echoes)
    states, ours, ours_standing, remote = {}, set(), set(), set()
    for part in _chunks(ids):
        states.update((r.order_id, r.pickup_state) for r in session.execute(
            select(Order.order_id, Order.pickup_state).where(Order.order_id.in_(part))))
        for pickup_id, order_id, undone in session.execute(
                select(Pickup.pickup_id, Pickup.order_id, Pickup.undone_at)
                .where(Pickup.order_id.in_(part))):
            ours.add(pickup_id)
            if undone is None:
                ours_standing.add(order_id)
        remote.update(session.scalars(select(OtherCounterPickup.order_id)
                                      .where(OtherCounterPickup.order_id.in_(part))))
    now = iso(utcnow())
    changed = 0
    for order_id in ids:
        echo, state = echoes[order_id], states.get(order_id)
        if state is None:
            continue
        if echo is None:
            changed += _undone_elsewhere(session, order_id, state, order_id in remote,
                                         order_id in ours_standing, now)
        elif str(echo.get("pickup_id")) not in ours and order_id not in ours_standing \
                and state in ("open", *_HANDED):
            changed += _handed_elsewhere(session, order_id, state, echo, order_id in remote, now)
    return changed


def _handed_elsewhere(session: Session, order_id: str, state: str, echo: dict, known: bool,
                      now: str) -> int:
    row = {"pickup_id": str(echo["pickup_id"]), "receipt_no": echo.get("receipt_no"),
           "operator_id": echo.get("operator_id"), "counter_id": echo.get("counter_id"),
           "picked_at": str(echo.get("picked_up_at") or now),
           "partial": 1 if echo.get("partial") else 0, "received_at": now}
    if known:
        session.execute(update(OtherCounterPickup)
                        .where(OtherCounterPickup.order_id == order_id).values(**row))
    else:
        session.add(OtherCounterPickup(order_id=order_id, **row))
    if state != "open":
        return 0
    session.execute(update(Order).where(Order.order_id == order_id).values(
        pickup_state="partially_picked_up" if row["partial"] else "picked_up", updated_at=now))
    shelves.release_orders(session, [order_id], now)  # the goods left from the next counter
    return 1


def _undone_elsewhere(session: Session, order_id: str, state: str, known: bool,
                      ours_standing: bool, now: str) -> int:
    if not known:
        return 0
    session.execute(delete(OtherCounterPickup).where(OtherCounterPickup.order_id == order_id))
    if ours_standing or state not in _HANDED:
        return 0
    session.execute(update(Order).where(Order.order_id == order_id).values(
        pickup_state="open", updated_at=now))
    shelves.restore_order(session, order_id, now)  # the goods are back on the shelf
    return 1
