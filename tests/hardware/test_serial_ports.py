"""`pickup-station-cli serial-ports` lists what pyserial finds. A Windows port (COM3) is faked at
the edge, pyserial's `comports()`; this machine's own listing is checked for its shape."""

from __future__ import annotations

import json

from serial.tools import list_ports_common

from pickup_station.cli import main
from pickup_station.hardware import ports


def test_serial_ports_json(capsys, tmp_path, monkeypatch):
    fake = list_ports_common.ListPortInfo("COM3", skip_link_detection=True)
    fake.description, fake.hwid, fake.vid, fake.pid = "USB Serial", "USB VID:PID=1A86:7523", \
        0x1A86, 0x7523
    monkeypatch.setattr("serial.tools.list_ports.comports", lambda: [fake])
    assert main(["serial-ports", "--json", "--data-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"ok": True, "ports": [{"device": "COM3", "description": "USB Serial",
                                          "hwid": "USB VID:PID=1A86:7523", "vid": 0x1A86,
                                          "pid": 0x7523}]}


def test_serial_ports_on_this_machine_are_devices():
    for p in ports.serial_ports():  # whatever this machine has (often nothing in CI)
        assert p.device.startswith(("/dev/", "COM"))
