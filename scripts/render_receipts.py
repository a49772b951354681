"""Render sample receipts to PNG so they can be looked at: out/receipts/*.png.

    .venv/bin/python scripts/render_receipts.py [--out out/receipts]

For each paper (pickup receipt, receipt with shortages, reprint, shelf label, day summary, test
page) on 58 and 80 mm paper it writes `<paper>-<mm>.png` (the preview, QR and cut line
included) and `<paper>-<mm>-raster-bytes.png` (the GS v 0 images decoded back from the raster
mode's ESC/POS bytes: what a printer without a Chinese font gets). It prints the byte size of
each paper in text, raster and mixed mode, the render times, and as its last line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pickup_station.core.papers import (
    make_test_page,
    pickup_receipt_from_store,
    shelf_label_from_store,
)
from pickup_station.core.papers.layout import layout, paper_size
from pickup_station.demo.receipt_samples import IDS, STATION, day_summary, seed
from pickup_station.hardware import escpos_cn
from pickup_station.store.db import Store
from pickup_station.ui.receipt_raster import ensure_gui_app, render_lines, render_preview


def papers(store: Store) -> dict:
    with store.reader() as s:
        return {
            "receipt": pickup_receipt_from_store(s, IDS.full_pickup),
            "receipt-short": pickup_receipt_from_store(s, IDS.short_pickup),
            "receipt-reprint": pickup_receipt_from_store(s, IDS.full_pickup, reprint=True),
            "shelf-label": shelf_label_from_store(s, IDS.order_open),
            "day-summary": day_summary(),
            "test-page": make_test_page(STATION, "usb 0x0416:0x5011 · 58 mm · text"),
        }


def raster_back(data: bytes, dots: int) -> Image.Image:
    """The GS v 0 images of a byte stream, stacked: what the printer would put on paper."""
    rows = []
    for width_bytes, height, bits in escpos_cn.parse_raster(data):
        arr = np.unpackbits(np.frombuffer(bits, np.uint8).reshape(height, width_bytes), axis=1)
        rows.append(np.pad(arr, ((0, 0), (0, dots - arr.shape[1]))))
    img = np.vstack(rows) if rows else np.zeros((1, dots), np.uint8)
    return Image.fromarray(((1 - img) * 255).astype(np.uint8), "L")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "out" / "receipts"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_gui_app()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.sqlite3")
        seed(store)
        docs = papers(store)
        store.close()
    print(f"{'paper':<22}{'mm':>4}{'text B':>9}{'raster B':>10}{'mixed B':>9}"
          f"{'preview ms':>12}{'raster ms':>11}")
    for name, doc in docs.items():
        for mm in (58, 80):
            paper = paper_size(mm)
            lines = layout(doc, mm)
            t0 = time.perf_counter()
            render_preview(lines, paper).save(out / f"{name}-{mm}.png")
            t_prev = (time.perf_counter() - t0) * 1000
            sizes = {}
            for mode in escpos_cn.MODES:
                t0 = time.perf_counter()
                data = escpos_cn.encode(lines, paper, mode, render_lines)
                if mode == "raster":
                    t_raster = (time.perf_counter() - t0) * 1000
                    raster_back(data, paper.dots).save(out / f"{name}-{mm}-raster-bytes.png")
                sizes[mode] = len(data)
            print(f"{name:<22}{mm:>4}{sizes['text']:>9}{sizes['raster']:>10}{sizes['mixed']:>9}"
                  f"{t_prev:>12.1f}{t_raster:>11.1f}")
            if name == "receipt":
                for mode, n in sizes.items():
                    figures[f"receipt_{mm}mm_{mode}_bytes"] = n
                figures[f"receipt_{mm}mm_raster_render_ms"] = round(t_raster, 1)
                figures[f"receipt_{mm}mm_raster_115200_baud_s"] = round(
                    sizes["raster"] * 10 / 115200, 2)
    print(f"wrote {len(list(out.glob('*.png')))} PNG files to {out}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
