"""The leader's figures: day closing (日结), uncollected orders (滞留) and the pickups report.

Plain Python over the station store (no Qt): the CLI, the reports tab and the printer all use it.
Times are stored in UTC; a "day" here is always the station's local calendar day in `tz`.
Money stays in integer cents (fen) until it is written into a file for people.
Phones only ever leave this package masked (`138****1234`); names are masked (`王*`).

- `common.py`   SQL time windows, masking, yuan
- `figures.py`  day figures, commission, uncollected orders
- `rows.py`     the pickups report, one row per pickup line
- `export.py`   that report written to CSV or XLSX
"""

from pickup_station.core.reports.common import (
    COMMISSION_ROUNDING,
    DEFAULT_COMMISSION_RATE,
    SHORTAGE_REASONS,
    STATION_TZ_KEY,
    local_day_window,
    local_text,
    safe_phone,
    station_tz,
    tz_name,
    yuan,
)
from pickup_station.core.reports.export import FORMATS, export_pickups
from pickup_station.core.reports.figures import (
    BatchLine,
    CommissionLine,
    DayFigures,
    OperatorLine,
    ShortageLine,
    UncollectedOrder,
    commission_for,
    day_figures,
    uncollected,
    uncollected_total,
)
from pickup_station.core.reports.rows import PickupRow, iter_pickup_rows, pickups_report

__all__ = [
    "COMMISSION_ROUNDING", "DEFAULT_COMMISSION_RATE", "FORMATS", "SHORTAGE_REASONS",
    "STATION_TZ_KEY", "BatchLine", "CommissionLine", "DayFigures", "OperatorLine", "PickupRow",
    "ShortageLine", "UncollectedOrder", "commission_for", "day_figures", "export_pickups",
    "iter_pickup_rows", "local_day_window", "local_text", "pickups_report", "safe_phone",
    "station_tz", "tz_name", "uncollected", "uncollected_total", "yuan",
]
