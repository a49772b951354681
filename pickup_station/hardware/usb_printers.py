"""Which USB printers are plugged in, for the settings screen (pyusb; no printing here).

`find_usb_printers()` lists the connected devices that have a printer interface (USB class 7)
as `UsbPrinterInfo(vendor, product, name)`; `name` is the device's own manufacturer and product
strings where the system lets us read them (often it needs permissions), else empty. It raises
`UsbListUnavailable` when pyusb or its libusb backend is missing: the screen then offers the
vendor and product ids as typed fields instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)
PRINTER_CLASS = 7


@dataclass(frozen=True)
class UsbPrinterInfo:
    vendor: int
    product: int
    name: str = ""

    @property
    def ids(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


class UsbListUnavailable(RuntimeError):
    """pyusb or libusb is not installed here: connected printers cannot be listed."""


def _is_printer(dev) -> bool:
    if getattr(dev, "bDeviceClass", 0) == PRINTER_CLASS:
        return True
    try:
        for cfg in dev:
            for intf in cfg:
                if intf.bInterfaceClass == PRINTER_CLASS:
                    return True
    except Exception:  # noqa: BLE001 - a device we may not read: not listed
        return False
    return False


def _name(dev) -> str:
    parts = []
    for attr in ("manufacturer", "product"):
        try:
            value = getattr(dev, attr)
        except Exception:  # noqa: BLE001 - strings need the device opened (permissions)
            value = None
        if value and value.strip() and value.strip() not in parts:
            parts.append(value.strip())
    return " ".join(parts)


def find_usb_printers() -> list[UsbPrinterInfo]:
    try:
        import usb.core
    except ImportError as exc:
        if exc.name not in ("usb", "usb.core"):
            raise
        raise UsbListUnavailable("pyusb is not installed") from exc
    try:
        devices = list(usb.core.find(find_all=True) or [])
    except usb.core.NoBackendError as exc:
        raise UsbListUnavailable("no libusb backend") from exc
    found = []
    for dev in devices:
        if _is_printer(dev):
            found.append(UsbPrinterInfo(int(dev.idVendor), int(dev.idProduct), _name(dev)))
    log.info("usb printers found: %s", ", ".join(p.ids for p in found) or "none")
    return found
