"""Does the first-start wizard open? Asked by `app.py` on every start, so apart from the wizard
(`first_start.py` and its pages, imported only when it does open)."""

from __future__ import annotations

from pickup_station.config import Settings
from pickup_station.core.manifest import order_count


def first_start(config_existed: bool, settings: Settings, store) -> bool:
    """No settings file (or one so broken that nothing of it was kept) and no order yet."""
    notice = settings.load_notice
    fresh = not config_existed or (notice is not None and notice.code == "config_reset")
    if not fresh:
        return False
    with store.reader() as s:
        return order_count(s) == 0
