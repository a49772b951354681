"""A small station history for the reports tests, written with the ORM into a real store.

Station time zone Asia/Shanghai (UTC+8). The day under test is local 2026-11-22, i.e.
UTC 2026-11-21T16:00Z .. 2026-11-22T16:00Z. Hand-computed figures are in the tests.

  B1 arrived 11-18T02:00Z: O1 picked 11-21T17:30Z (local 11-22 01:30) by op1, full
                           O2 open (uncollected), O3 picked 11-21T15:59Z (local 11-21 23:59)
                           O4 cancelled, O10 picked 11-21T05:00Z, undone 11-22T02:00Z by op1
  B2 arrived 11-22T01:00Z: O5 picked 03:00Z by lead, proxy, partial (V1 short, E1 2 damaged)
                           O6 picked 04:00Z by op1, undone 04:10Z by lead
                           O7 picked 15:59:59Z (local 23:59:59) by lead, override no_code
                           O8 open, an item damaged at arrival
  B3 expected:             O9 picked 11-22T16:00Z (local 11-23 00:00), override batch_not_arrived
"""

from __future__ import annotations

from pickup_station.store.models import Batch, Operator, Order, OrderItem, Pickup, PickupLine

FULL_PHONES = {
    "O1": "13812341234", "O2": "13900005678", "O3": "13711112222", "O4": "13000000004",
    "O5": "13622223333", "O6": "13533334444", "O7": "13444445555", "O8": "13355556666",
    "O9": "13266667777", "O10": "13177778888",
}
NAMES = {
    "O1": "王芳", "O2": "欧阳娜娜", "O3": "李雷", "O4": "韩梅梅", "O5": "赵六", "O6": "钱七",
    "O7": "孙八", "O8": "周九", "O9": "吴十", "O10": "郑十一",
}
SHELF = {"O2": "A-1-02", "O10": "A-1-10", "O6": "B-1-06", "O8": "B-1-08"}

APPLE = ("A1", "苹果", 550, "水果")
MILK = ("M1", "牛奶", 1290, "乳品")
RICE = ("R1", "大米5kg", 4990, "粮油")
EGG = ("E1", "鸡蛋", 120, None)
VEG = ("V1", "青菜", 310, "蔬菜")
TOFU = ("T1", "豆腐", 250, "豆制品")


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def _order(s, oid, batch_id, items, *, status="active", state="open"):
    phone = FULL_PHONES[oid]
    s.add(Order(order_id=oid, batch_id=batch_id, customer_name=NAMES[oid],
                phone_masked=masked(phone), phone_last4=phone[-4:], status=status,
                pickup_state=state, shelf_slot=SHELF.get(oid, f"Z-{oid}")))
    s.flush()
    for (sku, name, price, cat), qty, *extra in items:
        short, damaged = (extra + [0, 0])[:2] if extra else (0, 0)
        s.add(OrderItem(order_id=oid, sku=sku, name=name, qty=qty, unit_price_cents=price,
                        category=cat, qty_short=short, qty_damaged=damaged))


def _pickup(s, pid, oid, op, at, lines, *, proxy=None, override=None, undone=None):
    p = Pickup(pickup_id=pid, receipt_no=f"R-{pid}", order_id=oid, operator_id=op,
               picked_at=at, proxy_name=proxy)
    if override:
        p.override_kind, p.override_reason, p.override_by = override, "顾客手机没电", "lead"
    if undone:
        p.undone_at, p.undone_by, p.undo_reason = undone
    s.add(p)
    s.flush()
    for (sku, name, price, _cat), ordered, handed, reason in lines:
        s.add(PickupLine(pickup_id=pid, sku=sku, name=name, qty_ordered=ordered,
                         qty_handed=handed, unit_price_cents=price, reason=reason))


def seed(store) -> None:
    """Write the history above into `store` (one transaction)."""
    with store.session() as s:
        s.add(Operator(operator_id="op1", name="张三", role="assistant", pin_salt="x", pin_hash="x"))
        s.add(Operator(operator_id="lead", name="李团长", role="leader", pin_salt="x", pin_hash="x"))
        s.add(Batch(batch_id="B1", status="arrived", arrived_at="2026-11-18T02:00:00.000+00:00"))
        s.add(Batch(batch_id="B2", status="arrived", arrived_at="2026-11-22T01:00:00.000+00:00"))
        s.add(Batch(batch_id="B3", status="expected"))
        s.flush()
        _order(s, "O1", "B1", [(APPLE, 2), (MILK, 1)], state="picked_up")
        _order(s, "O2", "B1", [(RICE, 1)])
        _order(s, "O3", "B1", [(APPLE, 3)], state="picked_up")
        _order(s, "O4", "B1", [(APPLE, 1)], status="cancelled")
        _order(s, "O10", "B1", [(APPLE, 1)])
        _order(s, "O5", "B2", [(EGG, 10), (VEG, 2, 1, 0)], state="partially_picked_up")
        _order(s, "O6", "B2", [(VEG, 1)])
        _order(s, "O7", "B2", [(MILK, 2)], state="picked_up")
        _order(s, "O8", "B2", [(TOFU, 2, 0, 1)])
        _order(s, "O9", "B3", [(RICE, 1)], state="picked_up")
        _pickup(s, "p1", "O1", "op1", "2026-11-21T17:30:00.000+00:00",
                [(APPLE, 2, 2, None), (MILK, 1, 1, None)])
        _pickup(s, "p3", "O3", "op1", "2026-11-21T15:59:00.000+00:00", [(APPLE, 3, 3, None)])
        _pickup(s, "p10", "O10", "op1", "2026-11-21T05:00:00.000+00:00", [(APPLE, 1, 1, None)],
                undone=("2026-11-22T02:00:00.000+00:00", "op1", "顾客退回"))
        _pickup(s, "p5", "O5", "lead", "2026-11-22T03:00:00.000+00:00",
                [(EGG, 10, 8, "damaged"), (VEG, 2, 1, "short")], proxy="邻居小王")
        _pickup(s, "p6", "O6", "op1", "2026-11-22T04:00:00.000+00:00", [(VEG, 1, 1, None)],
                undone=("2026-11-22T04:10:00.000+00:00", "lead", "拿错了"))
        _pickup(s, "p7", "O7", "lead", "2026-11-22T15:59:59.000+00:00", [(MILK, 2, 2, None)],
                override="no_code")
        _pickup(s, "p9", "O9", "lead", "2026-11-22T16:00:00.000+00:00", [(RICE, 1, 1, None)],
                override="batch_not_arrived")
