"""The station's shelves (货架) and who holds which slot. No Qt.

The layout is a list of shelves, each in an area (normal / chilled / frozen / overflow) with
levels and positions; slot names are `SHELF-LEVEL-POSITION`, e.g. `A-3-12`. Slots are given at
**sign-off** (arrival), not at download:

- one customer's orders of one batch share a slot (the group: batch + customer key, or the
  order alone when it has no customer key);
- each order gets a slot in **every area it needs**: normal goods (dry, fresh) on a normal
  shelf, chilled items on a chilled shelf, frozen ones on a frozen shelf. A mixed order thus
  has e.g. `A-1-03 / R-2-01`; `Order.shelf_slot` holds that text for the verdict, the label,
  the packing list and the receipt;
- normal goods go to an overflow shelf when the normal shelves are full; chilled and frozen
  goods never leave their area;
- a slot is free again only when every order in it was handed over or returned;
- no slot is ever held twice: `slot_assignments` has a UNIQUE index on the slot among the
  assignments not yet freed, so even a bug in this module cannot put two groups in one slot;
- when the shelves are full the sign-off is refused (`ShelvesFull`, code `shelves_full`) with
  how many slots are missing per area; the leader adds shelves (an overflow area) and signs off
  again. Nothing is half-assigned: the caller's transaction rolls back.

Orders from before this scheme keep their slots (migration 2 marks them occupied, group
`legacy`). `adopt_legacy_slots` does the same for orders loaded straight into the store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.orm import Session

from pickup_station.errors import Refused
from pickup_station.messages import Listing, Message
from pickup_station.store.db import iso, utcnow
from pickup_station.store.models import (
    Category,
    OrderSlot,
    Shelf,
    SlotAssignment,
)

AREAS = ("normal", "chilled", "frozen", "overflow")
STORAGES = ("dry", "fresh", "chilled", "frozen")
PERISHABLE = frozenset({"fresh", "chilled", "frozen"})
AREA_OF_STORAGE = {"dry": "normal", "fresh": "normal", "chilled": "chilled", "frozen": "frozen"}
AREA_NAMES = {"normal": "shelves.area.normal", "chilled": "shelves.area.chilled",  # area -> key
              "frozen": "shelves.area.frozen", "overflow": "shelves.area.overflow"}
# where an area's goods may go, in order of preference
FALLBACK = {"normal": ("normal", "overflow"), "chilled": ("chilled",), "frozen": ("frozen",)}
SLOT_ORDER = {"normal": 0, "overflow": 0, "chilled": 1, "frozen": 2}
_NAME = re.compile(r"^[A-Z][A-Z0-9]{0,3}$")


class ShelvesFull(Refused):
    """Not enough free slots to sign a batch off. `missing` = slots lacking per area."""

    code = "shelves_full"

    def __init__(self, missing: dict[str, int]):
        self.missing = dict(missing)
        self.total = sum(missing.values())
        areas = Listing(Message("shelves.area_missing", area=Message(AREA_NAMES[a]), n=n)
                        for a, n in missing.items())
        super().__init__("shelves.full", total=self.total, areas=areas)


class ShelfInUse(Refused):
    code = "shelf_in_use"


class BadLayout(Refused):
    code = "bad_layout"


@dataclass(frozen=True)
class ShelfSpec:
    """One shelf: `name` (A, B, R1 ...), its area, levels (层) and positions per level (位)."""

    name: str
    area: str = "normal"
    levels: int = 10
    positions: int = 30
    sort: int = 0

    @property
    def capacity(self) -> int:
        return self.levels * self.positions

    def slots(self) -> Iterator[str]:
        for level in range(1, self.levels + 1):
            for pos in range(1, self.positions + 1):
                yield f"{self.name}-{level}-{pos:02d}"


@dataclass
class AreaUse:
    area: str
    slots: int = 0
    occupied: int = 0

    @property
    def free(self) -> int:
        return max(self.slots - self.occupied, 0)


@dataclass
class ShelfOccupancy:
    """What the shelf screen shows: per area the slots, how many are held, and each held slot."""

    areas: list[AreaUse] = field(default_factory=list)
    held: dict[str, list[str]] = field(default_factory=dict)  # slot -> order ids on it
    outside_layout: list[str] = field(default_factory=list)  # held slots no shelf has now

    @property
    def occupied(self) -> int:
        return len(self.held)


@dataclass
class AssignReport:
    groups: int = 0
    slots: list[str] = field(default_factory=list)
    orders: int = 0


# ---- the layout -------------------------------------------------------------------------------

def get_layout(session: Session) -> list[ShelfSpec]:
    return [ShelfSpec(s.name, s.area, s.levels, s.positions, s.sort) for s in session.scalars(
        select(Shelf).order_by(Shelf.sort, Shelf.name))]


def _check(spec: ShelfSpec) -> ShelfSpec:
    name = (spec.name or "").strip().upper()
    if not _NAME.match(name):
        raise BadLayout("shelves.bad_name", name=spec.name)
    if spec.area not in AREAS:
        raise BadLayout("shelves.bad_area", area=spec.area)
    if not (1 <= spec.levels <= 99 and 1 <= spec.positions <= 99):
        raise BadLayout("shelves.bad_size")
    return ShelfSpec(name, spec.area, int(spec.levels), int(spec.positions), int(spec.sort))


def _held(session: Session) -> dict[str, str]:
    """Slots held now -> their area."""
    return dict(session.execute(select(SlotAssignment.slot, SlotAssignment.area)
                                .where(SlotAssignment.freed_at.is_(None))).all())


def set_layout(session: Session, shelves: Iterable[ShelfSpec]) -> list[ShelfSpec]:
    """Replace the layout (the settings screen saves it whole). Refuses to drop a slot that
    holds goods (a removed shelf, fewer levels, another area) or to repeat a shelf name."""
    specs = [_check(s) for s in shelves]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise BadLayout("shelves.duplicate_name")
    new_specs = {s.name: s for s in specs}
    old_specs = {s.name: s for s in get_layout(session)}
    for slot, area in sorted(_held(session).items()):
        now_in = area_of_slot(slot, new_specs)
        if now_in is not None and _compatible(area, now_in):
            continue
        if area == "normal" and area_of_slot(slot, old_specs) is None:
            continue  # an old-scheme slot outside any shelf: it stays held, not in the way
        raise ShelfInUse("shelves.slot_in_use", slot=slot)
    session.execute(delete(Shelf))
    session.add_all(Shelf(name=s.name, area=s.area, levels=s.levels, positions=s.positions,
                          sort=s.sort) for s in specs)
    session.flush()
    return get_layout(session)


def add_shelf(session: Session, spec: ShelfSpec) -> list[ShelfSpec]:
    """Add one shelf (e.g. an overflow area when the shelves are full)."""
    current = get_layout(session)
    if any(s.name == spec.name.strip().upper() for s in current):
        raise BadLayout("shelves.name_taken", name=spec.name)
    if spec.sort == 0:
        spec = ShelfSpec(spec.name, spec.area, spec.levels, spec.positions,
                         max((s.sort for s in current), default=0) + 10)
    return set_layout(session, [*current, spec])


def area_of_slot(slot: str, specs: dict[str, ShelfSpec]) -> str | None:
    """The area of a slot name in a layout (`{name: spec}`), None when no shelf has it."""
    name, _, rest = slot.partition("-")
    spec = specs.get(name)
    level, _, pos = rest.partition("-")
    if spec is None or not (level.isdigit() and pos.isdigit()):
        return None
    if not (1 <= int(level) <= spec.levels and 1 <= int(pos) <= spec.positions):
        return None
    return spec.area


def _compatible(held_area: str, new_area: str) -> bool:
    return held_area == new_area or {held_area, new_area} <= {"normal", "overflow"}


# ---- categories -------------------------------------------------------------------------------

def category_storage(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.category, Category.storage)).all())


def storage_for(category: str | None, known: dict[str, str]) -> str:
    """dry / fresh / chilled / frozen of an item category (unknown: by its name, else dry)."""
    cat = (category or "").strip()
    if cat in known:
        return known[cat]
    if "冻" in cat:
        return "frozen"
    if "冷" in cat or "鲜" in cat:
        return "chilled"
    return "dry"


def set_category_storage(session: Session, category: str, storage: str) -> None:
    if storage not in STORAGES:
        raise BadLayout("shelves.bad_storage", storage=storage)
    row = session.get(Category, category)
    if row is None:
        session.add(Category(category=category, storage=storage))
    else:
        row.storage = storage


# ---- occupancy --------------------------------------------------------------------------------

def occupancy(session: Session) -> ShelfOccupancy:
    specs = get_layout(session)
    use = {a: AreaUse(a) for a in AREAS}
    for s in specs:
        use[s.area].slots += s.capacity
    by_name = {s.name: s for s in specs}
    result = ShelfOccupancy(areas=list(use.values()))
    for slot, order_id in session.connection().exec_driver_sql(
            "SELECT a.slot, os.order_id FROM slot_assignments a LEFT JOIN order_slots os "
            "ON os.assignment_id = a.id AND os.released_at IS NULL WHERE a.freed_at IS NULL"):
        first = slot not in result.held
        result.held.setdefault(slot, [])
        if order_id:
            result.held[slot].append(order_id)
        if first:
            area = area_of_slot(slot, by_name)
            if area is not None:
                use[area].occupied += 1
            else:
                result.outside_layout.append(slot)
    return result


def _free_slots(session: Session, specs: list[ShelfSpec]) -> dict[str, list[str]]:
    held = set(_held(session))
    free: dict[str, list[str]] = {a: [] for a in AREAS}
    for s in specs:
        free[s.area].extend(slot for slot in s.slots() if slot not in held)
    return free


def free_orphans(session: Session, now: str) -> None:
    """Free assignments no order holds any more (orders HQ removed before pickup)."""
    session.execute(text(
        "UPDATE slot_assignments SET freed_at = :now WHERE freed_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM order_slots os WHERE os.assignment_id = slot_assignments.id "
        "AND os.released_at IS NULL)"), {"now": now})


# ---- giving slots at sign-off -----------------------------------------------------------------

def assign_batch(session: Session, batch_id: str, now: str | None = None) -> AssignReport:
    """Give slots to the batch's orders that have goods and no slot yet (inside the caller's
    transaction). Raises ShelvesFull, assigning nothing, when the free slots do not suffice."""
    now = now or iso(utcnow())
    session.flush()
    known = category_storage(session)
    conn = session.connection()  # plain rows and executemany: thousands at a big sign-off
    rows = conn.exec_driver_sql(
        "SELECT o.order_id, o.customer_key, i.category FROM orders o "
        "JOIN order_items i ON i.order_id = o.order_id "
        "WHERE o.batch_id = ? AND o.status = 'active' AND o.pickup_state = 'open' "
        "AND i.qty - i.qty_short - i.qty_damaged > 0 AND NOT EXISTS (SELECT 1 FROM order_slots "
        "x WHERE x.order_id = o.order_id AND x.released_at IS NULL)", (batch_id,)).fetchall()
    areas_of: dict[str, set[str]] = defaultdict(set)
    group_of: dict[str, str] = {}
    area_cache: dict[str | None, str] = {}
    for order_id, key, category in rows:
        area = area_cache.get(category)
        if area is None:
            area = area_cache[category] = AREA_OF_STORAGE[storage_for(category, known)]
        areas_of[order_id].add(area)
        group_of[order_id] = key or f"order:{order_id}"
    report = AssignReport(orders=len(areas_of))
    if not areas_of:
        return report
    free_orphans(session, now)
    # groups that already hold a slot in this batch (a correction after sign-off) keep it
    held_now = select(SlotAssignment.id, SlotAssignment.group_key, SlotAssignment.area,
                      SlotAssignment.slot).where(SlotAssignment.batch_id == batch_id,
                                                 SlotAssignment.freed_at.is_(None))
    existing = {(g, _home(a)) for _i, g, a, _s in session.execute(held_now)}
    first: dict[str, str] = {}  # a group's slots follow its first order id (packing order)
    for o in sorted(areas_of):
        first.setdefault(group_of[o], o)
    wanted = sorted({(group_of[o], a) for o, areas in areas_of.items() for a in areas
                     if (group_of[o], a) not in existing},
                    key=lambda ga: (first[ga[0]], SLOT_ORDER[ga[1]]))
    free = _free_slots(session, get_layout(session))
    picks: dict[tuple[str, str], tuple[str, str]] = {}
    missing: dict[str, int] = defaultdict(int)
    taken = dict.fromkeys(AREAS, 0)  # next free slot per area (the lists stay as they are)
    for group, area in wanted:
        for where in FALLBACK[area]:
            if taken[where] < len(free[where]):
                picks[(group, area)] = (free[where][taken[where]], where)
                taken[where] += 1
                break
        else:
            missing[area] += 1
    if missing:
        raise ShelvesFull(dict(missing))
    if picks:
        conn.exec_driver_sql(
            "INSERT INTO slot_assignments (slot, area, batch_id, group_key, assigned_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(slot, where, batch_id, group, now) for (group, _a), (slot, where) in picks.items()])
        report.slots = sorted(slot for slot, _w in picks.values())
        report.groups = len({g for g, _a in picks})
    ids, slot_of = {}, {}
    for i, g, a, slot in session.execute(held_now):
        ids[(g, _home(a))] = i
        slot_of[(g, _home(a))] = (SLOT_ORDER.get(a, 9), slot)
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO order_slots (order_id, assignment_id, released_at) "
        "VALUES (?, ?, NULL)",
        [(o, ids[(group_of[o], a)]) for o, areas in areas_of.items() for a in areas])
    # the orders' slot text, from what was just given (no query back)
    conn.exec_driver_sql("UPDATE orders SET shelf_slot = ? WHERE order_id = ?", [
        (" / ".join(slot for _k, slot in sorted(slot_of[(group_of[o], a)] for a in areas)), o)
        for o, areas in areas_of.items()])
    return report


def _home(area: str) -> str:
    return "normal" if area == "overflow" else area


def refresh_display(session: Session, order_ids: list[str]) -> None:
    """`Order.shelf_slot` = the order's held slots, normal first (`A-1-03 / R-2-01`)."""
    held: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i in range(0, len(order_ids), 500):
        chunk = order_ids[i:i + 500]
        for oid, slot, area in session.execute(
                select(OrderSlot.order_id, SlotAssignment.slot, SlotAssignment.area)
                .join(SlotAssignment, SlotAssignment.id == OrderSlot.assignment_id)
                .where(OrderSlot.order_id.in_(chunk), OrderSlot.released_at.is_(None))):
            held[oid].append((SLOT_ORDER.get(area, 9), slot))
    rows = [(" / ".join(s for _k, s in sorted(held[oid])) or None, oid)
            for oid in order_ids if oid in held]
    if rows:
        session.connection().exec_driver_sql(
            "UPDATE orders SET shelf_slot = ? WHERE order_id = ?", rows)


def slots_of(session: Session, order_id: str) -> list[str]:
    """The slots an order's goods are in now (empty when it is not on the shelf)."""
    return [s for _k, s in sorted(
        (SLOT_ORDER.get(a, 9), s) for s, a in session.execute(
            select(SlotAssignment.slot, SlotAssignment.area)
            .join(OrderSlot, OrderSlot.assignment_id == SlotAssignment.id)
            .where(OrderSlot.order_id == order_id, OrderSlot.released_at.is_(None))))]


# ---- goods leaving and coming back ------------------------------------------------------------

def release_orders(session: Session | Connection, order_ids: Iterable[str], now: str) -> list[str]:
    """The orders left the shelf (handed over, returned): their links are released and each
    slot nobody holds any more is freed. Returns the freed slots. Two statements (RETURNING):
    this runs inside every hand-over, on the counter's path."""
    ids = list(dict.fromkeys(order_ids))
    assignment_ids: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        assignment_ids.update(r[0] for r in session.execute(text(
            "UPDATE order_slots SET released_at = :now WHERE released_at IS NULL AND order_id "
            f"IN ({', '.join(f':o{j}' for j in range(len(chunk)))}) RETURNING assignment_id"),
            {"now": now, **{f"o{j}": o for j, o in enumerate(chunk)}}))
    if not assignment_ids:
        return []
    freed = [r[0] for r in session.execute(text(
        "UPDATE slot_assignments SET freed_at = :now WHERE freed_at IS NULL AND id IN "
        f"({', '.join(str(int(a)) for a in sorted(assignment_ids))}) AND NOT EXISTS (SELECT 1 "
        "FROM order_slots os WHERE os.assignment_id = slot_assignments.id "
        "AND os.released_at IS NULL) RETURNING slot"), {"now": now})]
    return sorted(freed)


def restore_order(session: Session, order_id: str, now: str) -> list[str]:
    """An undone pickup: the goods are back. The order gets its slots again when they are
    still its group's or free, else a free slot of the same area; with the area full it stays
    without a slot there (the host finds it a place). Returns the slots it holds now."""
    last = session.scalar(select(OrderSlot.released_at).where(
        OrderSlot.order_id == order_id).order_by(OrderSlot.released_at.desc()).limit(1))
    if last is None:
        return slots_of(session, order_id)
    links = session.scalars(select(OrderSlot).where(OrderSlot.order_id == order_id,
                                                    OrderSlot.released_at == last)).all()
    for link in links:
        a = session.get(SlotAssignment, link.assignment_id)
        if a.freed_at is None:
            link.released_at = None
            continue
        taken = session.scalar(select(SlotAssignment.id).where(
            SlotAssignment.slot == a.slot, SlotAssignment.freed_at.is_(None)))
        slot, area = (a.slot, a.area) if taken is None else _any_free(session, a.area)
        if slot is None:
            continue
        new = SlotAssignment(slot=slot, area=area, batch_id=a.batch_id, group_key=a.group_key,
                             assigned_at=now)
        session.add(new)
        session.flush()
        session.add(OrderSlot(order_id=order_id, assignment_id=new.id))
    session.flush()
    refresh_display(session, [order_id])
    return slots_of(session, order_id)


def _any_free(session: Session, area: str) -> tuple[str | None, str]:
    free = _free_slots(session, get_layout(session))
    for where in FALLBACK[_home(area)]:
        if free[where]:
            return free[where][0], where
    return None, area


def adopt_legacy_slots(session: Session, now: str | None = None) -> int:
    """Mark the slots of open orders that have one but no assignment as held (orders loaded
    straight into the store, as migration 2 does for old stores). Returns orders adopted."""
    now = now or iso(utcnow())
    session.flush()
    session.execute(text(
        "INSERT INTO slot_assignments (slot, area, batch_id, group_key, assigned_at) "
        "SELECT o.shelf_slot, 'normal', MIN(o.batch_id), 'legacy', :now FROM orders o "
        "WHERE o.shelf_slot IS NOT NULL AND o.shelf_slot <> '' AND o.pickup_state = 'open' "
        "AND o.status = 'active' AND NOT EXISTS (SELECT 1 FROM slot_assignments a "
        "WHERE a.slot = o.shelf_slot AND a.freed_at IS NULL) GROUP BY o.shelf_slot"),
        {"now": now})
    done = session.execute(text(
        "INSERT INTO order_slots (order_id, assignment_id) SELECT o.order_id, a.id "
        "FROM orders o JOIN slot_assignments a ON a.slot = o.shelf_slot AND a.freed_at IS NULL "
        "WHERE o.pickup_state = 'open' AND o.status = 'active' AND NOT EXISTS "
        "(SELECT 1 FROM order_slots x WHERE x.order_id = o.order_id)"))
    return done.rowcount or 0
