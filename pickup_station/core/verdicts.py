"""What the counter shows for a scan: typed results, no Qt.

A `Verdict` is `ready` (hand these orders over), `candidates` (phone last 4: pick one) or
`refused` with a `reason` code: empty, invalid, unknown, other_station, cancelled, refunded,
not_arrived, already_picked_up, returned. `message(lang)` is the CLI's text; the window words the same
reasons through Qt's translations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pickup_station.core.scanning import ScanQuery


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

    @property
    def item_count(self) -> int:
        return sum(i.qty for i in self.items)

    @property
    def arrived(self) -> bool:
        return self.batch_status != "expected"


REASONS = {
    "empty": ("请扫码或输入提货码", "Scan a code or type a pickup code"),
    "invalid": ("无法识别的码：请扫描提货二维码，或输入 6 位提货码 / 手机尾号 4 位",
                ("Not a pickup code: scan the pickup QR, or type the 6-digit code or the "
                 "phone's last 4 digits")),
    "unknown": ("未找到订单：本自提点没有这个码", "No order: this pickup point has no such code"),
    "other_station": ("此订单不在本自提点", "This order is collected at another pickup point"),
    "cancelled": ("订单已取消，不能提货", "The order was cancelled: do not hand over"),
    "refunded": ("订单已退款，不能提货", "The order was refunded: do not hand over"),
    "not_arrived": ("该批次尚未到货", "This batch has not arrived yet"),
    "already_picked_up": ("已提货，请勿重复核销", "Already picked up: do not hand over again"),
    "returned": ("订单已退回总部，不能提货", "The order was returned to HQ: do not hand over"),
}


@dataclass
class Verdict:
    kind: str  # ready / candidates / refused
    query: ScanQuery
    orders: list[OrderView] = field(default_factory=list)
    reason: str | None = None
    detail: dict = field(default_factory=dict)

    @classmethod
    def refusal(cls, query: ScanQuery, reason: str, *, orders=None, detail=None) -> Verdict:
        return cls("refused", query, list(orders or []), reason, dict(detail or {}))

    @property
    def ok(self) -> bool:
        return self.kind == "ready"

    @property
    def token_sha256(self) -> str | None:
        return self.query.value if self.query.kind == "token" else None

    def message(self, lang: str = "zh_CN") -> str:
        en = lang.startswith("en")
        if self.kind == "ready":
            n = len(self.orders)
            return f"Ready: {n} order(s) to hand over" if en else f"可提货：{n} 个订单"
        if self.kind == "candidates":
            n = len(self.orders)
            return (f"{n} matching order(s): check the name and pick one" if en
                    else f"找到 {n} 个订单：请核对姓名后选择")
        zh, en_text = REASONS.get(self.reason or "", (self.reason or "", self.reason or ""))
        text = en_text if en else zh
        d = self.detail
        if self.reason == "already_picked_up" and d:
            text += (f" ({d.get('picked_at')}, {d.get('operator')}, receipt {d.get('receipt_no')})"
                     if en else
                     f"（{d.get('picked_at')}，{d.get('operator')}，小票 {d.get('receipt_no')}）")
        elif self.reason == "not_arrived" and d.get("expected_at"):
            text += (f" (expected {d['expected_at']})" if en else f"（预计 {d['expected_at']}）")
        elif self.reason == "other_station" and d.get("name"):
            text += (f": {d['name']}, {d.get('address', '')}" if en
                     else f"：请到 {d['name']}（{d.get('address', '')}）提货")
        elif self.reason in ("cancelled", "refunded") and d.get("reason"):
            text += f"（{d['reason']}）" if not en else f" ({d['reason']})"
        return text

    def to_dict(self, lang: str = "zh_CN") -> dict:
        return {
            "ok": self.ok, "kind": self.kind, "reason": self.reason,
            "message": self.message(lang), "query": {"kind": self.query.kind},
            "orders": [asdict(o) for o in self.orders], "detail": self.detail,
        }
