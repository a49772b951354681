"""Pickup points: registration, tokens, heartbeats, and who a station is."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .. import models as m
from ..db import iso, now_iso, utcnow
from ..errors import conflict, not_found
from ..schemas import HeartbeatIn, StationIn
from .tokens import token_sha256


def new_station_token() -> str:
    return "st_" + secrets.token_urlsafe(32)


def create_station(conn: Connection, body: StationIn) -> dict:
    """Register a pickup point; its token is answered once and stored only hashed."""
    exists = conn.execute(select(m.stations.c.station_id).where(
        m.stations.c.station_id == body.station_id)).first()
    if exists:
        raise conflict(f"station {body.station_id} already exists; "
                       "issue a new token with POST /api/v1/stations/{id}/token")
    token, now = new_station_token(), now_iso()
    conn.execute(m.stations.insert().values(
        station_id=body.station_id, name=body.name, address=body.address,
        leader_name=body.leader_name, token_sha256=token_sha256(token),
        token_issued_at=now, created_at=now))
    return {"station_id": body.station_id, "name": body.name, "address": body.address,
            "token": token}


def rotate_token(conn: Connection, station_id: str) -> dict:
    """A new token; the old one stops working when this transaction commits."""
    token, now = new_station_token(), now_iso()
    done = conn.execute(update(m.stations).where(m.stations.c.station_id == station_id)
                        .values(token_sha256=token_sha256(token), token_issued_at=now))
    if done.rowcount == 0:
        raise not_found(f"station {station_id}")
    return {"station_id": station_id, "token": token, "token_issued_at": now}


def heartbeat(conn: Connection, station_id: str, body: HeartbeatIn, skew_ok_s: float) -> dict:
    now: datetime = utcnow()
    skew = None
    if body.station_time is not None:
        skew = round((body.station_time - now).total_seconds(), 3)
    conn.execute(update(m.stations).where(m.stations.c.station_id == station_id).values(
        last_seen_at=iso(now), app_version=body.app_version,
        pending_events=body.pending_events, clock_skew_seconds=skew))
    return {"server_time": iso(now), "clock_skew_seconds": skew,
            "clock_ok": skew is None or abs(skew) <= skew_ok_s}


def me(conn: Connection, station_id: str) -> dict:
    s = m.stations.c
    row = conn.execute(select(s.station_id, s.name, s.address, s.leader_name)
                       .where(s.station_id == station_id)).one()
    return {"station_id": row.station_id, "name": row.name, "address": row.address,
            "leader_name": row.leader_name}


def locate(conn: Connection, token_hash: str) -> dict:
    """The pickup point holding the order whose pickup token has this SHA-256."""
    o, s = m.orders.c, m.stations.c
    row = conn.execute(
        select(s.station_id, s.name, s.address).join(m.orders, o.station_id == s.station_id)
        .where(o.token_sha256 == token_hash.lower(), o.removed == 0)
    ).first()
    if row is None:
        raise not_found("order")
    return {"station_id": row.station_id, "name": row.name, "address": row.address}
