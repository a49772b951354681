"""Serial ports present on this computer, by pyserial's own listing: `COM3` on Windows,
`/dev/ttyUSB0` / `/dev/ttyACM0` on Linux, `/dev/cu.usbserial-…` on macOS. For the settings and
the first-start wizard to offer a choice instead of a typed path; never a default of its own."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SerialPort:
    device: str  # what to put in settings: "COM3", "/dev/ttyACM0"
    description: str
    hwid: str
    vid: int | None = None
    pid: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


def serial_ports() -> list[SerialPort]:
    from serial.tools import list_ports

    found = [SerialPort(p.device, p.description or "", p.hwid or "", p.vid, p.pid)
             for p in list_ports.comports()]
    return sorted(found, key=lambda p: p.device)
