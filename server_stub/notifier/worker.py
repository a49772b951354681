"""The delivery worker: runs in the server process (started and stopped by the app lifespan).

One dispatcher thread claims due notices in batches with a lease (`lease_until`; on PostgreSQL
`FOR UPDATE SKIP LOCKED`, on SQLite the one writer), hands them to a few sender threads, and
records what came back in batched writes. A notice whose lease ran out (a server stopped while
sending it) is due again: delivery is at least once, the receiver drops duplicates by
`Idempotency-Key`. The dispatcher also runs the overdue sweep every `notify_sweep_interval_s`.

After a failed attempt the next one is due after `base * 2**(n-1)` seconds (at most
`notify_backoff_max_s`), scaled by a random factor in [0.5, 1) (jitter), never after the
notice's give-up time (`deadline_at`: its creation plus `notify_give_up_s`, or HQ's retry plus
that). A failure at or after the give-up time makes the notice `dead` (HQ may retry it).
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from datetime import timedelta

from sqlalchemy import and_, bindparam, or_, select, update

from .. import models as m
from ..config import ServerConfig
from ..db import Database, iso, parse_iso, utcnow
from ..services import notices as outbox
from .message import Delivery, Notifier, Outgoing, build_body

log = logging.getLogger("server_stub.notices")
DUE_STATES = ("pending", "failed")


def backoff_s(attempts: int, base: float, cap: float, rng=random.random) -> float:
    """The wait after the `attempts`-th failure: exponential, capped, jittered (x0.5-1)."""
    return min(cap, base * 2 ** max(0, attempts - 1)) * (0.5 + rng() / 2)


class NoticeWorker:
    def __init__(self, db: Database, config: ServerConfig, notifier: Notifier):
        self.db, self.config, self.notifier = db, config, notifier
        self._jobs: queue.Queue[Outgoing | None] = queue.Queue()
        self._results: queue.Queue[tuple[Outgoing, Delivery, str]] = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._in_flight = 0
        self._next_sweep = 0.0
        # a lease that outlasts the queue in front of the last notice in flight even if every
        # send times out (else it would be claimed again and sent twice)
        self.capacity = config.notify_batch
        self.lease_s = max(config.notify_lease_s, 2 * config.notify_webhook_timeout_s * (
            self.capacity / config.notify_senders + 1))

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._dispatch, name="notices-dispatch",
                                          daemon=True)]
        self._threads += [threading.Thread(target=self._send_loop, name=f"notices-send-{k}",
                                           daemon=True)
                          for k in range(self.config.notify_senders)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop claiming; what is in flight finishes or its lease runs out (sent again later)."""
        self._stop.set()
        try:  # queued, not yet sent: their leases run out and they are sent later
            while True:
                self._jobs.get_nowait()
        except queue.Empty:
            pass
        for _ in range(self.config.notify_senders):
            self._jobs.put(None)
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self.notifier.close()

    # --- threads --------------------------------------------------------------------------------

    def _send_loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                result = self.notifier.send(job)
            except Exception as exc:
                log.exception("notifier %s failed on notice %s", self.notifier.name, job.id)
                result = Delivery(False, f"notifier error: {type(exc).__name__}")
            self._results.put((job, result, iso(utcnow())))

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                idle = self._step()
            except Exception:
                log.exception("notice worker step failed")
                idle = True
            done = self._collect(self.config.notify_poll_s if idle else 0.02)
            if done:
                self._safely(self.record, done)
        self._safely(self.record, self._collect(0))  # what came back while stopping

    def _safely(self, fn, *args) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("notice worker: %s failed", fn.__name__)

    def _step(self) -> bool:
        """Sweep when due, claim what fits in flight; True when there was nothing to claim."""
        if self.config.notify_overdue_hours > 0 and time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.config.notify_sweep_interval_s
            self.sweep()
        room = self.capacity - self._in_flight
        if room < max(1, self.capacity // 4):
            return False
        claimed = self.claim(room)
        for job in claimed:
            self._jobs.put(job)
        self._in_flight += len(claimed)
        return len(claimed) < room

    def _collect(self, wait_s: float) -> list:
        done = []
        try:
            done.append(self._results.get(timeout=wait_s) if wait_s > 0
                        else self._results.get_nowait())
            while True:
                done.append(self._results.get_nowait())
        except queue.Empty:
            pass
        self._in_flight -= len(done)
        return done

    # --- database -------------------------------------------------------------------------------

    def sweep(self, limit: int = 1000) -> int:
        """Overdue reminders, `limit` orders per transaction until none is left (at most 20
        rounds a sweep)."""
        total = 0
        for _ in range(20):
            with self.db.write() as conn:
                added = outbox.sweep_overdue(
                    conn, hours=self.config.notify_overdue_hours,
                    horizon_days=self.config.notify_overdue_horizon_days, limit=limit)
            total += added
            if added < limit:
                break
        return total

    def _due(self, now: str):
        n = m.notices.c
        return and_(n.state.in_(DUE_STATES), n.next_attempt_at <= now,
                    or_(n.lease_until.is_(None), n.lease_until < now))

    def claim(self, limit: int) -> list[Outgoing]:
        """Up to `limit` due notices, leased to this worker, with their bodies."""
        n, o = m.notices.c, m.orders.c
        now = utcnow()
        with self.db.read() as conn:  # idle servers do not take the write lock
            if conn.execute(select(n.id).where(self._due(iso(now))).limit(1)).first() is None:
                return []
        lease = iso(now + timedelta(seconds=self.lease_s))
        with self.db.write() as conn:
            ids = conn.execute(select(n.id).where(self._due(iso(now)))
                               .order_by(n.next_attempt_at, n.id).limit(limit)
                               .with_for_update(skip_locked=True)).scalars().all()
            if not ids:
                return []
            conn.execute(update(m.notices).where(n.id.in_(ids)).values(lease_until=lease))
            rows = conn.execute(select(m.notices, o.customer_name, o.phone, o.station_slot)
                                .outerjoin(m.orders, o.order_id == n.order_id)
                                .where(n.id.in_(ids)).order_by(n.id)).all()
        send_phone = self.config.notify_send_phone
        return [Outgoing(id=r.id, idempotency_key=r.idempotency_key, kind=r.kind,
                         attempt=r.attempts + 1, lease=lease, created_at=r.created_at,
                         deadline_at=r.deadline_at, station_id=r.station_id,
                         event_id=r.event_id, body=build_body(r, send_phone=send_phone))
                for r in rows]

    def record(self, done: list[tuple[Outgoing, Delivery, str]]) -> None:
        """Each attempt's outcome, in a few statements for the whole lot."""
        if not done:
            return
        delivered, failed, reminded = [], [], []
        for job, result, at in done:
            if result.ok:
                delivered.append({"k_id": job.id, "k_lease": job.lease, "v_at": at})
                if job.event_id and job.kind == "reminder":
                    reminded.append({"k_station": job.station_id, "k_event": job.event_id,
                                     "v_at": at})
            else:
                failed.append(self._failure(job, result, at))
                log.warning("notice %s attempt %s failed: %s", job.id, job.attempt,
                            result.error)
        n, q = m.notices.c, m.reminder_requests.c
        ours = and_(n.id == bindparam("k_id"), n.lease_until == bindparam("k_lease"))
        with self.db.write() as conn:
            if delivered:
                conn.execute(update(m.notices).where(ours).values(
                    state="delivered", attempts=n.attempts + 1, last_attempt_at=bindparam("v_at"),
                    delivered_at=bindparam("v_at"), last_error=None, lease_until=None),
                    delivered)
            if failed:
                conn.execute(update(m.notices).where(ours).values(
                    state=bindparam("v_state"), attempts=n.attempts + 1,
                    last_attempt_at=bindparam("v_at"), last_error=bindparam("v_error"),
                    next_attempt_at=bindparam("v_next"), deadline_at=bindparam("v_deadline"),
                    dead_at=bindparam("v_dead"), lease_until=None), failed)
            if reminded:
                conn.execute(update(m.reminder_requests).where(
                    q.station_id == bindparam("k_station"), q.event_id == bindparam("k_event"),
                    q.notified_at.is_(None)).values(notified_at=bindparam("v_at")), reminded)

    def _failure(self, job: Outgoing, result: Delivery, at: str) -> dict:
        now = parse_iso(at)
        deadline = parse_iso(job.deadline_at) if job.deadline_at else (
            parse_iso(job.created_at) + timedelta(seconds=self.config.notify_give_up_s))
        dead = now >= deadline
        wait = backoff_s(job.attempt, self.config.notify_backoff_base_s,
                         self.config.notify_backoff_max_s)
        upcoming = min(now + timedelta(seconds=wait), deadline)
        return {"k_id": job.id, "k_lease": job.lease, "v_at": at,
                "v_state": "dead" if dead else "failed", "v_error": (result.error or "")[:500],
                "v_next": iso(upcoming), "v_deadline": iso(deadline),
                "v_dead": at if dead else None}
