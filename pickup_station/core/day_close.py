"""Closing the day (日结) with a goods count. No Qt.

- `operator_figures(store, day)`: per operator: pickups, items handed, shortages (found at the
  counter by them, or at the arrival they signed off), returns and undos of the local day.
- `expected_stock(store)`: what should be on the shelves, per product:
  arrived − handed over − returned, over the batches signed off and not closed (a closed batch
  has nothing left on the shelf by definition). "Arrived" is what came of each order line
  (ordered − short − damaged); cancelled orders count only once returned.
- `close_day(store, day, operator, counted)`: the leader enters the counted quantities; each
  product counted differently from the expectation is a discrepancy. The closing (figures,
  count, discrepancies, who) is stored (`day_closings`) and queued as `day_closed`, in one
  transaction. A day is closed once (`day_already_closed`).
- `closing_slip(store, day)`: the closing slip (`papers.DaySummary`) of a closed day, for the
  first print or a reprint; `export_closing(...)`: the same as a CSV file.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from pickup_station.core import operators as ops
from pickup_station.core.events import record_event
from pickup_station.core.papers.from_store import station_info
from pickup_station.core.papers.model import CountLine, DaySummary, OperatorSummaryLine
from pickup_station.core.reports.export import check_target
from pickup_station.core.reports.figures import day_figures
from pickup_station.core.timezone import local_day_window, station_tz
from pickup_station.errors import Refused
from pickup_station.store.db import Store, iso, utcnow
from pickup_station.store.models import DayClosing


class DayAlreadyClosed(Refused):
    code = "day_already_closed"


@dataclass
class OperatorDay:
    operator_id: str
    name: str = ""
    pickups: int = 0
    items_handed: int = 0
    shortages: int = 0
    returns: int = 0
    undos: int = 0


@dataclass
class StockLine:
    sku: str
    name: str
    arrived: int = 0
    handed: int = 0
    returned: int = 0
    counted: int | None = None

    @property
    def expected(self) -> int:
        return self.arrived - self.handed - self.returned

    @property
    def difference(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


@dataclass
class DayClose:
    """A closed day as stored: the figures, the count and who closed it."""

    day: str
    closed_at: str
    operator_id: str
    operator_name: str
    totals: dict = field(default_factory=dict)
    operators: list[OperatorDay] = field(default_factory=list)
    stock: list[StockLine] = field(default_factory=list)

    @property
    def discrepancies(self) -> list[StockLine]:
        return [s for s in self.stock if s.difference]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["discrepancies"] = [{**asdict(s), "expected": s.expected, "difference": s.difference}
                              for s in self.discrepancies]
        for row, s in zip(d["stock"], self.stock, strict=True):
            row["expected"], row["difference"] = s.expected, s.difference
        return d


def _day_window(session: Session, day: date, tz: tzinfo | None):
    tz = tz or station_tz(session)
    lo, hi = local_day_window(day, day, tz)
    return tz, iso(lo), iso(hi)


def operator_figures(store: Store, day: date, tz: tzinfo | None = None,
                     now: datetime | None = None) -> list[OperatorDay]:
    with store.reader() as s:
        tz, lo, hi = _day_window(s, day, tz)
        fig = day_figures(s, day, tz, now=now)
        names = {o.operator_id: o.name for o in s.execute(
            text("SELECT operator_id, name FROM operators"))}
        out = {o.operator_id: OperatorDay(o.operator_id, o.name, o.pickups, o.items_handed,
                                          undos=o.undos) for o in fig.operators}

        def op(op_id: str) -> OperatorDay:
            return out.setdefault(op_id, OperatorDay(op_id, names.get(op_id, op_id)))

        window = {"lo": lo, "hi": hi}
        for op_id, qty in s.execute(text(
                "SELECT p.operator_id, SUM(pl.qty_ordered - pl.qty_handed) FROM pickups p "
                "JOIN pickup_lines pl ON pl.pickup_id = p.pickup_id WHERE p.picked_at >= :lo "
                "AND p.picked_at < :hi AND p.undone_at IS NULL "
                "AND pl.reason IN ('short', 'damaged') GROUP BY p.operator_id"), window):
            op(op_id).shortages += qty or 0
        for op_id, qty in s.execute(text(
                "SELECT b.arrived_by, SUM(i.qty_short + i.qty_damaged) FROM batches b "
                "JOIN orders o ON o.batch_id = b.batch_id JOIN order_items i "
                "ON i.order_id = o.order_id WHERE b.arrived_at >= :lo AND b.arrived_at < :hi "
                "GROUP BY b.arrived_by"), window):
            if qty:
                op(op_id or "?").shortages += qty
        for op_id, n in s.execute(text(
                "SELECT operator_id, COUNT(*) FROM order_returns WHERE returned_at >= :lo "
                "AND returned_at < :hi GROUP BY operator_id"), window):
            op(op_id).returns += n
    return sorted(out.values(), key=lambda o: (-o.pickups, o.operator_id))


_STOCK_SQL = """
WITH open_batches AS (SELECT batch_id FROM batches WHERE status = 'arrived'),
arrived AS (
  SELECT i.sku, MIN(i.name) AS name, SUM(i.qty - i.qty_short - i.qty_damaged) AS qty
  FROM order_items i JOIN orders o ON o.order_id = i.order_id
  WHERE o.batch_id IN (SELECT batch_id FROM open_batches)
    AND (o.status = 'active' OR o.pickup_state <> 'open')
  GROUP BY i.sku),
handed AS (
  SELECT pl.sku, SUM(pl.qty_handed) AS qty FROM pickup_lines pl
  JOIN pickups p ON p.pickup_id = pl.pickup_id JOIN orders o ON o.order_id = p.order_id
  WHERE p.undone_at IS NULL AND o.batch_id IN (SELECT batch_id FROM open_batches)
  GROUP BY pl.sku),
returned AS (
  SELECT i.sku, SUM(i.qty - i.qty_short - i.qty_damaged) AS qty
  FROM order_items i JOIN orders o ON o.order_id = i.order_id
  WHERE o.pickup_state = 'returned' AND o.batch_id IN (SELECT batch_id FROM open_batches)
  GROUP BY i.sku)
SELECT a.sku, a.name, a.qty, COALESCE(h.qty, 0), COALESCE(r.qty, 0)
FROM arrived a LEFT JOIN handed h ON h.sku = a.sku LEFT JOIN returned r ON r.sku = a.sku
ORDER BY a.sku
"""


def expected_stock_in(session: Session) -> list[StockLine]:
    return [StockLine(sku, name, a or 0, h or 0, r or 0)
            for sku, name, a, h, r in session.execute(text(_STOCK_SQL))]


def expected_stock(store: Store) -> list[StockLine]:
    """What should be on the shelves now, per product (arrived − handed − returned)."""
    with store.reader() as s:
        return expected_stock_in(s)


def close_day(store: Store, day: date, operator_id: str, counted: dict[str, int], *,
              tz: tzinfo | None = None, now: datetime | None = None) -> DayClose:
    """Close the local `day` with the goods count (products not in `counted`: not counted)."""
    if any(int(v) < 0 for v in counted.values()):
        raise Refused("day_close.negative_count",
                      code="bad_count")
    figures = operator_figures(store, day, tz, now)
    at = iso(now or utcnow())
    with store.session() as s:
        op = ops.get_operator(s, operator_id)
        if s.get(DayClosing, day.isoformat()) is not None:
            raise DayAlreadyClosed("day_close.already_closed", day=day.isoformat())
        stock = expected_stock_in(s)
        unknown = set(counted) - {x.sku for x in stock}
        if unknown:
            raise Refused("day_close.unknown_items", skus=", ".join(sorted(unknown)),
                          code="unknown_item")
        for line in stock:
            if line.sku in counted:
                line.counted = int(counted[line.sku])
        totals = {k: sum(getattr(o, k) for o in figures)
                  for k in ("pickups", "items_handed", "shortages", "returns", "undos")}
        closing = DayClose(day.isoformat(), at, op.operator_id, op.name, totals, figures, stock)
        body = closing.to_dict()
        s.add(DayClosing(day=closing.day, closed_at=at, operator_id=op.operator_id,
                         body=json.dumps(body, ensure_ascii=False)))
        record_event(s, "day_closed", {
            "day": closing.day, "operator_id": op.operator_id, "totals": totals,
            "operators": [asdict(o) for o in figures],
            "counted": [{"sku": x.sku, "expected": x.expected, "counted": x.counted}
                        for x in stock if x.counted is not None],
            "discrepancies": [{"sku": x.sku, "expected": x.expected, "counted": x.counted,
                               "difference": x.difference} for x in closing.discrepancies],
        }, occurred_at=at)
    return closing


def get_closing(store: Store, day: date) -> DayClose | None:
    with store.reader() as s:
        row = s.get(DayClosing, day.isoformat())
        if row is None:
            return None
        body = json.loads(row.body)
    known = {"sku", "name", "arrived", "handed", "returned", "counted"}
    return DayClose(body["day"], body["closed_at"], body["operator_id"], body["operator_name"],
                    body["totals"], [OperatorDay(**o) for o in body["operators"]],
                    [StockLine(**{k: v for k, v in x.items() if k in known})
                     for x in body["stock"]])


def closed_days(store: Store, limit: int = 60) -> list[str]:
    with store.reader() as s:
        return list(s.scalars(text("SELECT day FROM day_closings ORDER BY day DESC LIMIT :n")
                              .bindparams(n=limit)))


def _required(store: Store, day: date) -> DayClose:
    closing = get_closing(store, day)
    if closing is None:
        raise Refused("day_close.not_closed", day=day.isoformat(),
                      code="day_not_closed")
    return closing


def closing_slip(store: Store, day: date, *, reprint: bool = False,
                 now: datetime | None = None) -> DaySummary:
    """The day-closing slip of a closed day (its figures as they were at the closing)."""
    closing = _required(store, day)
    with store.reader() as s:
        tz = station_tz(s)
        station = station_info(s)
    t = closing.totals
    return DaySummary(
        day=day, station=station, pickups=t["pickups"], items_handed=t["items_handed"],
        shortages=t["shortages"], undos=t["undos"], returns=t["returns"],
        operators=[OperatorSummaryLine(o.name or o.operator_id, o.pickups, o.items_handed,
                                       o.shortages, o.returns, o.undos)
                   for o in closing.operators],
        counted_products=sum(1 for x in closing.stock if x.counted is not None),
        discrepancies=[CountLine(x.name, x.expected, x.counted) for x in closing.discrepancies],
        closed_by=closing.operator_name,
        closed_at=datetime.fromisoformat(closing.closed_at).astimezone(tz),
        printed_at=(now or utcnow()).astimezone(tz), reprint=reprint)


def export_closing(store: Store, day: date, out_path) -> Path:
    """The closed day as a CSV (UTF-8 with BOM for Excel/WPS): operators, then the count."""
    closing = _required(store, day)
    target = check_target(out_path)
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["日结", closing.day, "日结人", closing.operator_name, "时间",
                    closing.closed_at])
        w.writerow(["操作员", "提货次数", "已提件数", "缺货破损", "退回", "撤销"])
        for o in closing.operators:
            w.writerow([o.name or o.operator_id, o.pickups, o.items_handed, o.shortages,
                        o.returns, o.undos])
        w.writerow([])
        w.writerow(["SKU", "商品", "到货", "已提", "退回", "应有", "实盘", "差异"])
        for x in closing.stock:
            w.writerow([x.sku, x.name, x.arrived, x.handed, x.returned, x.expected,
                        "" if x.counted is None else x.counted,
                        "" if x.difference is None else x.difference])
    return target
