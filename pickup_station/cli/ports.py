"""CLI command `serial-ports`: the serial ports of this computer (COM3 on Windows, /dev/ttyACM0 on
Linux), for setting up a serial scanner or printer: `{"ok": true, "ports": [{"device",
"description", "hwid", "vid", "pid"}]}`."""

from __future__ import annotations

from pickup_station.cli.context import Outcome
from pickup_station.hardware.ports import serial_ports


def register(sub, common) -> None:
    p = sub.add_parser("serial-ports", parents=[common],
                       help="list this computer's serial ports (COM3, /dev/ttyACM0, ...)")
    p.set_defaults(func=cmd_serial_ports)


def cmd_serial_ports(args, ctx) -> Outcome:
    ports = serial_ports()
    text = "\n".join(f"{p.device}  {p.description}" for p in ports)
    return Outcome(0, {"ok": True, "ports": [p.as_json() for p in ports]}, text)
