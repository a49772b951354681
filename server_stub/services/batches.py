"""HQ's side of batches and orders: create/replace a batch, dispatch it, cancel an order.

Every change a station must learn about is written to its change feed (`changes`) in the same
transaction. A batch change always comes before its orders' changes: whenever a batch row is
(re)emitted, all its orders are re-emitted after it.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, now_iso
from ..errors import Conflict, conflict, invalid, not_found
from ..identifiers import hq_day, new_pickup_code, new_pickup_token, phone_last4, token_sha256
from ..schemas import BatchIn
from . import chunked


def emit_batch_changes(conn: Connection, station_id: str, batch_id: str) -> None:
    """(Re)emit the batch and then every order of it (deleted ones as `op: delete`)."""
    c = m.changes.c
    conn.execute(delete(m.changes).where(and_(c.station_id == station_id, c.batch_id == batch_id)))
    conn.execute(insert(m.changes), [{"station_id": station_id, "kind": "batch", "op": "upsert",
                                      "entity_id": batch_id, "batch_id": batch_id}])
    o = m.orders.c
    rows = conn.execute(
        select(o.order_id, o.removed).where(o.batch_id == batch_id).order_by(o.position, o.order_id)
    ).all()
    if rows:
        conn.execute(insert(m.changes), [
            {"station_id": station_id, "kind": "order", "op": "delete" if r.removed else "upsert",
             "entity_id": r.order_id, "batch_id": batch_id} for r in rows
        ])


def emit_order_change(conn: Connection, station_id: str, batch_id: str, order_id: str,
                      op: str = "upsert") -> None:
    c = m.changes.c
    conn.execute(delete(m.changes).where(and_(
        c.station_id == station_id, c.kind == "order", c.entity_id == order_id)))
    conn.execute(insert(m.changes).values(station_id=station_id, kind="order", op=op,
                                          entity_id=order_id, batch_id=batch_id))


def _open_codes(conn: Connection, station_id: str, batch_id: str) -> set[str]:
    o = m.orders.c
    return set(conn.execute(select(o.pickup_code).where(
        o.station_id == station_id, o.batch_id != batch_id, o.status == "active",
        o.removed == 0, o.active_pickup.is_(None))).scalars())


# a duplicate inside one body: valid by the schema, refused by meaning (like unknown_station)
_TWICE = {"reason": "duplicate_in_batch"}


def put_batch(conn: Connection, batch_id: str, body: BatchIn) -> dict:
    """Create or replace a batch; answers its orders with their pickup token and code."""
    now = now_iso()
    station_id = body.station_id
    if conn.execute(select(m.stations.c.station_id).where(
            m.stations.c.station_id == station_id)).first() is None:
        raise invalid(f"station {station_id} is not registered", "unknown_station")
    b = m.batches.c
    batch = conn.execute(select(b.station_id, b.created_at).where(b.batch_id == batch_id)).first()
    if batch is not None and batch.station_id != station_id:
        raise conflict(f"batch {batch_id} belongs to station {batch.station_id}")

    ids = [o.order_id for o in body.orders]
    if len(set(ids)) != len(ids):
        raise invalid("an order_id appears twice in the batch", detail=_TWICE)
    o = m.orders.c
    existing: dict[str, object] = {}
    for part in chunked(ids):
        for row in conn.execute(select(o.order_id, o.batch_id, o.pickup_token, o.pickup_code)
                                .where(o.order_id.in_(part))):
            if row.batch_id != batch_id:
                raise conflict(f"order {row.order_id} belongs to batch {row.batch_id}")
            existing[row.order_id] = row

    # Tokens: given by HQ, else kept, else made now.
    tokens: dict[str, str] = {}
    for order in body.orders:
        old = existing.get(order.order_id)
        tokens[order.order_id] = (order.pickup_token or (old.pickup_token if old else None)
                                  or new_pickup_token())
    hashes = {oid: token_sha256(t) for oid, t in tokens.items()}
    if len(set(hashes.values())) != len(hashes):
        raise invalid("a pickup_token appears twice in the batch", detail=_TWICE)
    given = [hashes[o_.order_id] for o_ in body.orders if o_.pickup_token]
    for part in chunked(given):
        clash = conn.execute(select(o.order_id).where(
            o.token_sha256.in_(part), o.batch_id != batch_id)).first()
        if clash is not None:
            raise conflict(f"a pickup_token is already used by order {clash.order_id}")

    # Codes: 6 digits, unique among the station's open orders.
    taken = _open_codes(conn, station_id, batch_id)
    codes: dict[str, str] = {}
    used: set[str] = set()
    for order in body.orders:
        code = order.pickup_code or (existing[order.order_id].pickup_code
                                     if order.order_id in existing else None)
        if code is None:
            continue
        if code in used:
            raise invalid(f"pickup_code {code} appears twice in the batch", detail=_TWICE)
        if code in taken:
            raise conflict(f"pickup_code {code} is already used by an open order of "
                           f"station {station_id}")
        codes[order.order_id] = code
        used.add(code)
    taken |= used
    for order in body.orders:
        if order.order_id not in codes:
            codes[order.order_id] = new_pickup_code(taken)
            taken.add(codes[order.order_id])

    expected = iso(body.expected_at) if body.expected_at else None
    hq = {"day": hq_day(expected or (batch.created_at if batch else now))}  # issue 11
    if batch is None or "commission_rate" in body.model_fields_set:
        hq["commission_rate"] = body.commission_rate
    if batch is None:
        conn.execute(insert(m.batches).values(
            batch_id=batch_id, station_id=station_id, expected_at=expected, status="created",
            created_at=now, updated_at=now, **hq))
    else:
        conn.execute(update(m.batches).where(b.batch_id == batch_id)
                     .values(expected_at=expected, updated_at=now, **hq))

    rows = [{
        "order_id": order.order_id, "batch_id": batch_id, "station_id": station_id,
        "position": pos, "customer_name": order.customer_name, "phone": order.phone,
        "pickup_token": tokens[order.order_id], "token_sha256": hashes[order.order_id],
        "pickup_code": codes[order.order_id], "shelf_slot": order.shelf_slot,
        "updated_at": now, "phone_last4": phone_last4(order.phone),
        "value_cents": sum(it.qty * it.unit_price_cents for it in order.items),
    } for pos, order in enumerate(body.orders)]
    new_rows = [r for r in rows if r["order_id"] not in existing]
    upd_cols = ("position", "customer_name", "phone", "pickup_token", "token_sha256",
                "pickup_code", "shelf_slot", "updated_at", "phone_last4", "value_cents")
    old_rows = [{"p_order_id": r["order_id"], **{"p_" + k: r[k] for k in upd_cols}}
                for r in rows if r["order_id"] in existing]
    if old_rows:
        conn.execute(
            update(m.orders).where(o.order_id == bindparam("p_order_id"))
            .values(removed=0, **{k: bindparam("p_" + k) for k in upd_cols}),
            old_rows,
        )
    if new_rows:
        conn.execute(insert(m.orders), [dict(r, status="active", removed=0, needs_review=0)
                                        for r in new_rows])
    # Dropped orders stay (removed=1) so a later re-add keeps what the customer holds.
    kept = set(ids)
    all_in_batch = conn.execute(select(o.order_id).where(o.batch_id == batch_id)).scalars().all()
    dropped = [oid for oid in all_in_batch if oid not in kept]
    for part in chunked(dropped):
        conn.execute(update(m.orders).where(o.order_id.in_(part)).values(removed=1, updated_at=now))
    # Items are replaced wholesale.
    i = m.order_items.c
    conn.execute(delete(m.order_items).where(i.order_id.in_(
        select(o.order_id).where(o.batch_id == batch_id))))
    items = [{"order_id": order.order_id, "line_no": n, "sku": it.sku, "name": it.name,
              "qty": it.qty, "unit_price_cents": it.unit_price_cents, "category": it.category}
             for order in body.orders for n, it in enumerate(order.items, 1)]
    if items:
        conn.execute(insert(m.order_items), items)
    emit_batch_changes(conn, station_id, batch_id)

    status = {r.order_id: r.status for r in conn.execute(
        select(o.order_id, o.status).where(o.batch_id == batch_id, o.removed == 0))}
    return {
        "batch_id": batch_id, "station_id": station_id, "expected_at": expected,
        "created": batch is None,
        "orders": [{"order_id": r["order_id"], "pickup_token": r["pickup_token"],
                    "pickup_code": r["pickup_code"], "status": status[r["order_id"]]}
                   for r in rows],
        "removed_orders": sorted(dropped),
    }


def batch_row(conn: Connection, batch_id: str):
    row = conn.execute(select(m.batches).where(m.batches.c.batch_id == batch_id)).first()
    if row is None:
        raise not_found(f"batch {batch_id}")
    return row


def dispatch(conn: Connection, batch_id: str) -> dict:
    """The truck left (发车). Idempotent: a second call keeps the first time."""
    row = batch_row(conn, batch_id)
    at = row.dispatched_at or now_iso()
    conn.execute(update(m.batches).where(m.batches.c.batch_id == batch_id)
                 .values(status="dispatched", dispatched_at=at, updated_at=now_iso()))
    if row.status != "dispatched":
        emit_batch_changes(conn, row.station_id, batch_id)
    return {"batch_id": batch_id, "station_id": row.station_id, "status": "dispatched",
            "dispatched_at": at}


def cancel_order(conn: Connection, order_id: str, reason: str) -> dict:
    """Cancel an order; the station learns it on its next pull. Idempotent."""
    o = m.orders.c
    row = conn.execute(select(m.orders).where(o.order_id == order_id)).first()
    if row is None or row.removed:
        raise not_found(f"order {order_id}")
    if row.status == "cancelled":
        return {"order_id": order_id, "status": "cancelled", "cancel_reason": row.cancel_reason,
                "cancelled_at": row.cancelled_at}
    if row.active_pickup is not None:
        raise Conflict(f"order {order_id} was already picked up; refund it instead",
                       "already_picked_up")
    now = now_iso()
    conn.execute(update(m.orders).where(o.order_id == order_id).values(
        status="cancelled", cancel_reason=reason or "cancelled", cancelled_at=now,
        updated_at=now))
    emit_order_change(conn, row.station_id, row.batch_id, order_id)
    return {"order_id": order_id, "status": "cancelled", "cancel_reason": reason or "cancelled",
            "cancelled_at": now}
