"""What one notice says (the webhook body) and the notifier interface; the log notifier.

The body goes to the chain's own service (trusted, over its own URL and HMAC key): it carries
the customer's name and, unless `notify_send_phone` is off, the full phone, since an SMS needs
it. Nothing else sees them: the server logs, the log notifier and HQ's list show
`phone_masked` and a masked name only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Protocol

from ..identifiers import name_masked, phone_masked

log = logging.getLogger("server_stub.notices")


@dataclass(frozen=True)
class Outgoing:
    """A claimed notice on its way: `body` as sent, what the worker needs to record it."""

    id: int
    idempotency_key: str
    kind: str
    attempt: int  # this attempt's number (1 = first)
    lease: str
    created_at: str
    deadline_at: str | None
    station_id: str
    event_id: str | None
    body: dict = field(repr=False)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None  # never the receiver's answer body (it may echo personal data)


class Notifier(Protocol):
    name: str

    def send(self, notice: Outgoing) -> Delivery: ...

    def close(self) -> None: ...


def build_body(row, *, send_phone: bool) -> dict:
    """The webhook body of a notice row joined with its order's name, phone and the slot its
    station gave it (`slots_assigned`; it wins over the manifest's slot written in the content
    when it arrived later than the notice was written; a station's reminder names its own)."""
    phone = row.phone or ""
    customer = {"name": row.customer_name, "phone_masked": phone_masked(phone)}
    if send_phone:
        customer["phone"] = phone
    content = json.loads(row.content)
    station_slot = getattr(row, "station_slot", None)
    if station_slot and row.kind != "reminder":
        content["shelf_slot"] = station_slot
    return {"idempotency_key": row.idempotency_key, "notice_id": row.id, "kind": row.kind,
            "created_at": row.created_at, "order_id": row.order_id, "batch_id": row.batch_id,
            "customer": customer, **content}


def masked_line(notice: Outgoing) -> str:
    """One line about a notice with nothing that gives a customer away."""
    body = notice.body
    customer = body.get("customer") or {}
    station = body.get("station") or {}
    missing = ",".join(f"{m['sku']}-{m['short'] + m['damaged']}"
                       for m in body.get("missing") or [])
    return (f"notice {notice.id} {notice.kind} order={body.get('order_id')} "
            f"station={station.get('station_id')} to={customer.get('phone_masked')} "
            f"({name_masked(customer.get('name') or '')})"
            + (f" missing={missing}" if missing else ""))


class LogNotifier:
    """For the demo: logs each notice, masked, and counts it delivered."""

    name = "log"

    def send(self, notice: Outgoing) -> Delivery:
        log.info("%s", masked_line(notice))
        return Delivery(ok=True)

    def close(self) -> None:
        pass
