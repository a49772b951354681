"""What the counter shows for a scan: typed results, no Qt.

A `Verdict` is `ready` (hand these orders over), `partly_ready` (some of the customer's orders
arrived and go as usual; the others are still on the truck, each `OrderView.arrived` says which,
and only those need the leader), `candidates` (phone last 4: pick a customer, `customers` has
one row per customer) or `refused` with a `reason` code: empty, invalid, unknown,
other_station, cancelled, refunded,
not_arrived, already_picked_up, returned. The verdict is worded once, in `pickup_station.messages`:
`headline()` and `explanation()` are messages (the window shows them), `message(lang)` is the
same words in one line (the CLI's text).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pickup_station.core.scanning import ScanQuery
from pickup_station.messages import Message, render, sentences


@dataclass
class ItemView:
    item_id: int
    sku: str
    name: str
    qty: int
    qty_short: int
    qty_damaged: int
    unit_price_cents: int
    category: str

    @property
    def available(self) -> int:
        return max(0, self.qty - self.qty_short - self.qty_damaged)


@dataclass
class OrderView:
    order_id: str
    batch_id: str
    batch_status: str
    customer: str  # masked
    phone: str  # masked
    shelf_slot: str
    status: str
    pickup_state: str
    items: list[ItemView]
    scanned: bool = False
    expected_at: str = ""  # local time the batch is expected, while it is on the truck

    @property
    def item_count(self) -> int:
        return sum(i.qty for i in self.items)

    @property
    def arrived(self) -> bool:
        return self.batch_status != "expected"


@dataclass
class CustomerCandidate:
    """One customer among the orders that match a phone's last 4 digits (masked, as stored)."""

    customer: str  # masked name
    phone: str  # masked phone
    order_ids: list[str]
    items: int
    waiting: int  # orders whose batch has not arrived yet
    shelf_slots: list[str]

    @property
    def order_id(self) -> str:
        """The order that stands for the customer when picked (their verdict shows them all)."""
        return self.order_ids[0]


# The reasons a scan is refused; each is worded once, in `pickup_station.messages`
# (`verdict.<reason>.title` / `.body`).
REASONS = ("empty", "invalid", "unknown", "other_station", "cancelled", "refunded",
           "not_arrived", "already_picked_up", "returned", "pairing_code")


@dataclass
class Verdict:
    kind: str  # ready / partly_ready / candidates / refused
    query: ScanQuery
    orders: list[OrderView] = field(default_factory=list)
    reason: str | None = None
    detail: dict = field(default_factory=dict)
    customers: list[CustomerCandidate] = field(default_factory=list)  # candidates only

    @classmethod
    def refusal(cls, query: ScanQuery, reason: str, *, orders=None, detail=None) -> Verdict:
        return cls("refused", query, list(orders or []), reason, dict(detail or {}))

    @property
    def ok(self) -> bool:
        """Something can be handed over as usual (all orders, or the arrived ones)."""
        return self.kind in ("ready", "partly_ready")

    @property
    def arrived_orders(self) -> list[OrderView]:
        return [o for o in self.orders if o.arrived]

    @property
    def waiting_orders(self) -> list[OrderView]:
        return [o for o in self.orders if not o.arrived]

    @property
    def token_sha256(self) -> str | None:
        return self.query.value if self.query.kind == "token" else None

    @property
    def code(self) -> str:
        """`ready`, `candidates` or the refusal's reason: the key of its wording."""
        return self.reason if self.kind == "refused" and self.reason else self.kind

    @property
    def params(self) -> dict:
        return {"n": len(self.customers) if self.kind == "candidates" else len(self.orders),
                **self.detail}

    def headline(self) -> Message:
        return Message(f"verdict.{self.code}.title")

    def explanation(self) -> list[Message]:
        """The sentences under the headline (the window shows them; the CLI joins them)."""
        d, n = self.detail, len(self.orders)
        code = self.code
        if code == "ready":
            return [Message("verdict.ready.body_many", n=n) if n > 1
                    else Message("verdict.ready.body")]
        if code == "partly_ready":
            waiting = self.waiting_orders
            eta = min((o.expected_at for o in waiting if o.expected_at), default="")
            return [Message("verdict.partly_ready.body", ready=n - len(waiting),
                            waiting=len(waiting)),
                    Message("verdict.partly_ready.eta", expected_at=eta) if eta
                    else Message("verdict.partly_ready.no_eta")]
        if code == "candidates":
            return [Message("verdict.candidates.body", n=len(self.customers),
                            orders=n)]
        if code == "already_picked_up" and d.get("receipt_no"):
            out = [Message("verdict.already_picked_up.when", picked_at=d.get("picked_at", ""),
                           operator=d.get("operator", ""), receipt_no=d["receipt_no"])]
            if d.get("proxy_name"):
                out.append(Message("verdict.already_picked_up.proxy",
                                   proxy_name=d["proxy_name"]))
            if d.get("counter_id"):  # at another counter of the station (sync/counter_echo)
                out.append(Message("verdict.already_picked_up.elsewhere",
                                   counter_id=d["counter_id"]))
            return out
        if code == "not_arrived" and d.get("expected_at"):
            return [Message("verdict.not_arrived.body_eta", batch_id=d.get("batch_id", ""),
                            expected_at=d["expected_at"])]
        if code == "not_arrived":
            return [Message("verdict.not_arrived.body", batch_id=d.get("batch_id", ""))]
        out = [Message(f"verdict.{code}.body")]
        if code == "other_station" and d.get("name"):
            out.append(Message("verdict.other_station.where", name=d["name"],
                               address=d["address"]) if d.get("address")
                       else Message("verdict.other_station.where_name", name=d["name"]))
        elif code in ("cancelled", "refunded") and d.get("reason"):
            out.append(Message("verdict.cancel_reason", reason=d["reason"]))
        return out

    def message(self, lang: str = "zh_CN") -> str:
        """The verdict in one line (the CLI's text): headline, then the explanation."""
        return render("verdict.line", lang, title=self.headline(),
                      body=sentences(self.explanation(), lang))

    def to_dict(self, lang: str = "zh_CN") -> dict:
        return {
            "ok": self.ok, "kind": self.kind, "reason": self.reason, "code": self.code,
            "message": self.message(lang), "query": {"kind": self.query.kind},
            "orders": [asdict(o) for o in self.orders], "detail": self.detail,
            "customers": [{**asdict(c), "order_id": c.order_id} for c in self.customers],
        }
