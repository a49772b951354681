"""What the console's review and notices pages read besides the services themselves
(`services/review.py`, `services/notice_view.py`, which they call directly): the filters of a
page from its query string, the masked customer of each review item's order, the count of
dead notices. Data functions: they never commit; the console's request owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .. import models as m
from ..identifiers import name_masked, phone_masked
from ..schemas import REVIEW_KINDS, REVIEW_STATES
from ..services import chunked, notice_view, notices
from ..services.review import ReviewRow
from .pages import station_filter

NOTICE_STATES = notices.STATES
NOTICE_KINDS = notices.KINDS
RETRYABLE = notice_view.RETRYABLE
ROW_ID_DIGITS = 18  # a row id fits a signed 64-bit integer


@dataclass(frozen=True)
class Filters:
    """A list page's filters, from its query string (anything unknown is no filter)."""

    state: str
    kind: str
    station: str

    def query(self, *, with_state: bool = True) -> str:
        """The filters as a query string prefix (`state=dead&kind=ready&`) for links."""
        pairs = [(k, v) for k, v in (("state", self.state if with_state else ""),
                                     ("kind", self.kind), ("station", self.station)) if v]
        return urlencode(pairs) + "&" if pairs else ""


def filters(request: Request, states: tuple[str, ...], kinds: tuple[str, ...],
            default_state: str = "") -> Filters:
    state = request.query_params.get("state", default_state)
    kind = request.query_params.get("kind", "")
    return Filters(state=state if state in states else default_state,
                   kind=kind if kind in kinds else "", station=station_filter(request))


def review_filters(request: Request) -> Filters:
    return filters(request, REVIEW_STATES, REVIEW_KINDS, default_state="open")


def notice_filters(request: Request) -> Filters:
    return filters(request, NOTICE_STATES, NOTICE_KINDS)


def row_id(value: str) -> int | None:
    """A review item's or a notice's id from a URL: ASCII digits, else None."""
    if value.isascii() and value.isdigit() and len(value) <= ROW_ID_DIGITS and int(value) > 0:
        return int(value)
    return None


@dataclass(frozen=True)
class Customer:
    name_masked: str
    phone_masked: str


def customers(conn: Connection, items: list[ReviewRow]) -> dict[str, Customer]:
    """order_id -> its customer, masked (`李*`, `139****5678`), for the page's items."""
    wanted = sorted({i.order_id for i in items if i.order_id})
    o = m.orders.c
    out: dict[str, Customer] = {}
    for part in chunked(wanted):
        for r in conn.execute(select(o.order_id, o.customer_name, o.phone)
                              .where(o.order_id.in_(part))):
            out[r.order_id] = Customer(name_masked(r.customer_name or ""),
                                       phone_masked(r.phone or ""))
    return out


def dead_count(conn: Connection, station_id: str | None) -> int:
    """Dead notices (of one station, when given): what "retry all dead" would send again."""
    n = m.notices.c
    q = select(func.count()).select_from(m.notices).where(n.state == "dead")
    if station_id:
        q = q.where(n.station_id == station_id)
    return int(conn.execute(q).scalar_one())


def last_change(notice: dict) -> str | None:
    """When a notice last changed: delivered, gave up, last tried, or made."""
    return (notice["delivered_at"] or notice["dead_at"] or notice["last_attempt_at"]
            or notice["created_at"])
