"""A delegate's basket (代取篮): one person collects for several customers (a building's
delegate). No Qt.

Each scanned code is looked up as at the counter and kept with its verdict: a code that may be
handed over joins the basket with its customer's arrived orders; a refusal (unknown, cancelled,
returned, already picked up, not arrived, a phone number that needs a pick ...) is listed and
left out. `hand_over` then hands every order in the basket over in **one transaction** (the
counter re-checks each order inside it: if anything changed since the scan, nothing is handed
and the refusal says why), with the delegate as proxy. The receipts: one per order
(`papers.pickup_receipt_from_store`) or one combined slip (`papers.combined.CombinedSlip`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pickup_station.core.counter import Counter, HandoverResult, OrderChoice
from pickup_station.core.verdicts import Verdict
from pickup_station.errors import Refused
from pickup_station.messages import render


@dataclass
class BasketEntry:
    """One scan: its verdict, and the orders it put in the basket (none when refused)."""

    verdict: Verdict
    order_ids: list[str] = field(default_factory=list)
    reason: str | None = None  # why it was left out: the verdict's reason, or in_basket

    @property
    def accepted(self) -> bool:
        return bool(self.order_ids)

    def message(self, lang: str = "zh_CN") -> str:
        if self.reason == "in_basket":
            return render("basket.already_in", lang)
        return self.verdict.message(lang)


class Basket:
    def __init__(self, counter: Counter):
        self.counter = counter
        self.entries: list[BasketEntry] = []

    @property
    def order_ids(self) -> list[str]:
        return [o for e in self.entries for o in e.order_ids]

    @property
    def accepted(self) -> list[BasketEntry]:
        return [e for e in self.entries if e.accepted]

    @property
    def refusals(self) -> list[BasketEntry]:
        return [e for e in self.entries if not e.accepted]

    def add(self, text: str) -> BasketEntry:
        """Scan one customer's code into the basket."""
        return self._keep(self.counter.lookup(text))

    def add_order(self, order_id: str) -> BasketEntry:
        """A chosen order (after a phone-number pick)."""
        return self._keep(self.counter.lookup_order(order_id))

    def _keep(self, verdict: Verdict) -> BasketEntry:
        entry = BasketEntry(verdict)
        if verdict.kind != "ready":
            entry.reason = verdict.reason or ("choose_order" if verdict.kind == "candidates"
                                              else "refused")
        else:
            held = set(self.order_ids)
            ids = [o.order_id for o in verdict.orders if o.arrived and o.order_id not in held]
            if ids:
                entry.order_ids = ids
            else:
                entry.reason = "in_basket"
        self.entries.append(entry)
        return entry

    def remove(self, index: int) -> BasketEntry:
        return self.entries.pop(index)

    def clear(self) -> None:
        self.entries.clear()

    def hand_over(self, operator_id: str, delegate_name: str) -> HandoverResult:
        """Everything in the basket, in one transaction, collected by `delegate_name`."""
        if not self.order_ids:
            raise Refused("basket.empty", code="basket_empty")
        if not (delegate_name or "").strip():
            raise Refused("basket.delegate_required",
                          code="delegate_required")
        result = self.counter.hand_over([OrderChoice(o) for o in self.order_ids], operator_id,
                                        proxy_name=delegate_name)
        self.clear()
        return result
