"""Write resources/selftest/demo-pickup-qr.png: a demo pickup token as a QR code (the one the
self-test decodes, `pickup-station --self-test`), and its text beside it (.txt)."""

from __future__ import annotations

import random
from pathlib import Path

import qrcode

from pickup_station.demo.data import make_token

OUT = Path(__file__).resolve().parent.parent / "resources" / "selftest"


def main() -> None:
    token = make_token(random.Random(20261201))
    OUT.mkdir(parents=True, exist_ok=True)
    code = qrcode.QRCode(border=4, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(token)
    code.make(fit=True)
    code.make_image().get_image().convert("L").save(OUT / "demo-pickup-qr.png", optimize=True)
    (OUT / "demo-pickup-qr.txt").write_text(token + "\n", encoding="ascii")
    print(token)


if __name__ == "__main__":
    main()
