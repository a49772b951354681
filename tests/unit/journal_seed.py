"""A station day that touches every kind of journal entry: hand-overs (whole, partial, with a
proxy), undos (in the window, and late with the leader's PIN), returns and a day closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pickup_station.core import day_close, returns
from pickup_station.core.counter import Counter, LineChoice, OrderChoice


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **kw) -> None:
        self.now += timedelta(**kw)


def busy_day(station, pickups: int = 30) -> dict:
    """Hand over `pickups` orders of the arrived batches, undo two (one late), hand one of
    them over again, return two orders, close the day. Returns what it did."""
    store = station.store
    clock = Clock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    counter = Counter(store, tz=UTC, clock=clock)
    arrived = [o for b in station.batches[:-1] for o in b["orders"]]
    done = []
    for i, o in enumerate(arrived[:pickups]):
        clock.tick(seconds=40)
        lines = None
        if i % 7 == 3:  # a partial one: the first item short
            items = counter.lookup_order(o["order_id"]).orders[0].items
            if len(items) > 1 or items[0].qty > 1:
                lines = [LineChoice(items[0].item_id, items[0].qty - 1, "short")] + [
                    LineChoice(it.item_id, it.qty) for it in items[1:]]
        result = counter.hand_over([OrderChoice(o["order_id"], lines)], "a1",
                                   proxy_name="邻居王" if i % 5 == 0 else None)
        done.append(result.pickups[0])
    counter.undo(done[-1].pickup_id, "a1", "顾客没拿")  # within the window
    clock.tick(minutes=30)
    counter.undo(done[2].pickup_id, "a1", "数错了", leader_id="leader")  # late: leader's PIN
    counter.hand_over([OrderChoice(done[-1].order_id)], "leader")
    left = [o["order_id"] for o in arrived[pickups:pickups + 2]]
    returns.return_orders(store, left, "leader", "超时未取", now=clock.now)
    day_close.close_day(store, clock.now.date(), "leader", {}, tz=UTC, now=clock.now)
    return {"pickups": done, "returned": left}
