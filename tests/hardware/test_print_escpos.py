"""The ESC/POS bytes of a receipt, read back from python-escpos' Dummy printer: Chinese text in
GB18030, raster images of the right width, native QR codes."""

from __future__ import annotations

import numpy as np
import pytest
from escpos.printer import Dummy

from pickup_station.core.papers import pickup_receipt_from_store
from pickup_station.core.papers.layout import Feed, Qr, Text, layout, paper_size
from pickup_station.demo.receipt_samples import IDS, seed
from pickup_station.hardware import escpos_cn
from pickup_station.hardware.escpos_cn import (
    CHINESE_OFF,
    CHINESE_ON,
    INIT,
    RASTER,
    decode_text,
    parse_raster,
)
from pickup_station.hardware.printers import ReceiptPrinter
from pickup_station.store.db import Store


@pytest.fixture(scope="module")
def receipt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("print") / "s.sqlite3")
    seed(store)
    with store.reader() as s:
        r = pickup_receipt_from_store(s, IDS.short_pickup)
    store.close()
    return r


@pytest.fixture(scope="module")
def rasterize(qapp):
    from pickup_station.ui.receipt_raster import render_lines

    return render_lines


def printed(receipt, mm=58, mode="text", rasterize=None) -> tuple[bytes, list]:
    dummy = Dummy()
    lines = layout(receipt, mm)
    result = ReceiptPrinter(dummy, paper_mm=mm, mode=mode, rasterize=rasterize).print_lines(lines)
    assert result.bytes_sent == len(dummy.output) and result.mode == mode
    return dummy.output, lines


def qr_payloads(data: bytes) -> list[bytes]:
    """The data stored by GS ( k <pL pH> 1 P 0 <data> (function 180: store the QR data)."""
    found, pos = [], 0
    while (pos := data.find(b"\x1d(k", pos)) >= 0:
        size = int.from_bytes(data[pos + 3:pos + 5], "little")
        body = data[pos + 5:pos + 5 + size]
        if body[:3] == b"1P0":
            found.append(body[3:])
        pos += 5 + size
    return found


@pytest.mark.parametrize("mm", [58, 80])
def test_text_mode_sends_gb18030_in_chinese_mode_and_decodes_back(receipt, mm):
    data, lines = printed(receipt, mm)
    assert data.startswith(INIT + CHINESE_ON) and data.rstrip(b"\n").endswith(CHINESE_OFF)
    assert "请当面核对商品，谢谢惠顾！".encode("gb18030") in data  # full-width punctuation as is
    text_lines = decode_text(data).split("\n")
    wanted = [ln.text for ln in lines if isinstance(ln, Text)]
    assert [t for t in text_lines if t.strip()] == [t for t in wanted if t.strip()]
    assert "\ufffd" not in "".join(text_lines) and "?" not in "".join(text_lines)
    assert qr_payloads(data) == [IDS.receipt_short.encode()]
    assert data.count(b"\x1dV") == 1  # one cut
    assert len(data) < 1500  # text + native QR is small


def test_python_escpos_own_text_path_cannot_print_full_width_punctuation():
    # why the adapter sends GB18030 raw: escpos 3.1 has no GB18030 code page
    d = Dummy()
    d.text("，")
    assert "，".encode("gb18030") not in d.output


def test_text_mode_emphasis_and_size_commands(receipt):
    data, _ = printed(receipt)
    assert b"\x1d!\x11" in data and b"\x1bE\x01" in data and b"\x1ba\x01" in data


@pytest.mark.parametrize("mm,width_bytes", [(58, 48), (80, 72)])
def test_raster_mode_is_one_image_the_width_of_the_paper(receipt, rasterize, mm, width_bytes):
    data, lines = printed(receipt, mm, "raster", rasterize)
    assert CHINESE_ON not in data
    assert "提货".encode("gb18030") not in data  # no Chinese as text anywhere
    images = parse_raster(data)
    assert images and all(xb == width_bytes for xb, _, _ in images)
    assert all(h <= escpos_cn.BAND_ROWS for _, h, _ in images)
    # the images are exactly the rendered text lines (before and after the native QR)
    qr_at = next(i for i, ln in enumerate(lines) if isinstance(ln, Qr))
    runs = [[ln for ln in lines[:qr_at] if isinstance(ln, (Text, Feed))],
            [ln for ln in lines[qr_at:] if isinstance(ln, (Text, Feed))]]
    expected = np.vstack([np.asarray(rasterize(run, paper_size(mm))) < 128 for run in runs])
    got = np.vstack([np.unpackbits(np.frombuffer(bits, np.uint8).reshape(h, xb), axis=1)
                     for xb, h, bits in images]).astype(bool)
    assert got.shape == expected.shape and (got == expected).all()
    ink = got.mean()
    assert 0.03 < ink < 0.4, ink  # text, not a blank or black page
    assert qr_payloads(data) == [IDS.receipt_short.encode()]  # QR stays native
    assert 30_000 < len(data) < 80_000


def test_raster_header_is_gs_v_0_with_little_endian_width_and_height(rasterize):
    paper = paper_size(58)
    img = rasterize([Text("提货小票", "center", bold=True)], paper)
    data = escpos_cn.raster_bytes(img)
    assert data[:4] == RASTER + b"\x00"
    assert int.from_bytes(data[4:6], "little") == 48
    assert int.from_bytes(data[6:8], "little") == img.height == 30
    assert len(data) == 8 + 48 * 30


def test_mixed_mode_sends_ascii_as_text_and_only_chinese_lines_as_images(receipt, rasterize):
    data, lines = printed(receipt, 58, "mixed", rasterize)
    images = parse_raster(data)
    chinese = [ln for ln in lines if isinstance(ln, Text) and not ln.text.isascii()]
    assert len(images) == len(chinese)
    assert all(xb <= 48 for xb, _, _ in images)
    stripped = decode_text(data)
    assert stripped.isascii()  # every non-ASCII character went as an image
    assert "-" * 32 in stripped  # the rules are text
    raster_size = len(printed(receipt, 58, "raster", rasterize)[0])
    assert len(data) < raster_size * 0.7
    assert qr_payloads(data) == [IDS.receipt_short.encode()]


def test_encode_refuses_raster_without_renderer(receipt):
    from pickup_station.hardware.printers import PrinterError

    with pytest.raises(PrinterError):
        ReceiptPrinter(Dummy(), mode="raster").print_lines(layout(receipt))
    with pytest.raises(PrinterError):
        ReceiptPrinter(Dummy(), mode="sideways")
