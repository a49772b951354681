"""What the counter prints: the pickup receipt (小票), the shelf label (标签), the day summary (日结)
and the printer's test page.

- `model.py`       the papers as plain frozen dataclasses
- `from_store.py`  a receipt or a label filled from the station store
- `layout.py`      any paper laid out into typed lines for 58 mm or 80 mm paper, which
                   `hardware/printers.py` sends to the printer

Plain Python, no Qt.
"""

from pickup_station.core.papers.from_store import (
    make_test_page,
    pickup_receipt_from_store,
    shelf_label_from_store,
    station_info,
)
from pickup_station.core.papers.layout import (
    PAPERS,
    Cut,
    Feed,
    PaperSize,
    PrintLine,
    Qr,
    Text,
    display_width,
    layout,
    paper_size,
)
from pickup_station.core.papers.model import (
    REASON_ZH,
    BatchSummaryLine,
    DaySummary,
    PickupReceipt,
    Printable,
    PrinterTestPage,
    ReceiptItem,
    ReceiptNotFound,
    ShelfLabel,
    StationInfo,
)
from pickup_station.core.timezone import station_tz

__all__ = [
    "PAPERS", "REASON_ZH", "BatchSummaryLine", "Cut", "DaySummary", "Feed", "PaperSize",
    "PickupReceipt", "PrintLine", "Printable", "PrinterTestPage", "Qr", "ReceiptItem",
    "ReceiptNotFound", "ShelfLabel", "StationInfo", "Text", "display_width", "layout",
    "make_test_page", "paper_size", "pickup_receipt_from_store", "shelf_label_from_store",
    "station_info", "station_tz",
]
