"""QR decoder backends: each reads a real code, invalid text is refused, pyzbar is optional."""

from __future__ import annotations

import builtins
import sys

import cv2
import numpy as np
import pytest
import qrcode

from pickup_station.hardware import decoders as dec
from tests.data.qr_video import HEIGHT, WIDTH, make_frames, qr_matrix

TOKEN = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
URL = f"https://m.example.com/pickup?t={TOKEN}"


def frame_with_code(text: str, module_px: int = 6, at=(300, 200)) -> np.ndarray:
    frame = np.full((HEIGHT, WIDTH, 3), 120, np.uint8)
    code = cv2.resize(qr_matrix(text), None, fx=module_px, fy=module_px,
                      interpolation=cv2.INTER_NEAREST)
    x, y = at
    frame[y:y + code.shape[0], x:x + code.shape[1]] = code[..., None]
    return frame


@pytest.mark.parametrize("name", [n for n, why in dec.available_decoders().items() if why is None])
def test_each_available_decoder_reads_a_code_and_places_it(name):
    d = dec.make_decoder(name)
    frame = frame_with_code(URL)
    found = d.decode(frame)
    assert [f.text for f in found] == [URL]
    xs = [p[0] for p in found[0].points]
    ys = [p[1] for p in found[0].points]
    n = qr_matrix(URL).shape[0] * 6
    # the outline sits on the code (quiet zone excluded: 4 modules of 6 px)
    assert 300 + 20 <= min(xs) <= 300 + 30 and 300 + n - 30 <= max(xs) <= 300 + n - 20
    assert 200 + 20 <= min(ys) <= 200 + 30
    assert d.decode(np.full((HEIGHT, WIDTH), 90, np.uint8)) == []  # gray, empty


def test_auto_is_zxing_with_sharpened_retry():
    d = dec.make_decoder("auto")
    assert d.name == "zxing-sharpen"


def test_sharpened_retry_reads_codes_the_plain_pass_misses():
    frames, truth = make_frames(80, seed=12)
    plain, sharp = dec.make_decoder("zxing"), dec.make_decoder("zxing-sharpen")
    idx = [i for i, t in enumerate(truth) if t]
    plain_hits = sum(truth[i] in [c.text for c in plain.decode(frames[i])] for i in idx)
    sharp_hits = sum(truth[i] in [c.text for c in sharp.decode(frames[i])] for i in idx)
    assert sharp_hits >= plain_hits
    for i, t in enumerate(truth):  # and never invents one
        if t is None:
            assert sharp.decode(frames[i]) == []


def test_text_that_is_not_printable_is_refused():
    d = dec.make_decoder("zxing")
    assert d.decode(frame_with_code("ABC\x07\x1b[2J")) == []


def test_chain_asks_the_next_only_when_the_first_finds_nothing():
    calls = []

    class Fixed(dec.QrDecoder):
        def __init__(self, name, out):
            self.name, self.out = name, out

        def decode(self, frame):
            calls.append(self.name)
            return self.out

    hit = [dec.Decoded("X", ((0, 0), (1, 0), (1, 1), (0, 1)))]
    chain = dec.DecoderChain([Fixed("a", []), Fixed("b", hit), Fixed("c", [])])
    assert chain.decode(np.zeros((10, 10, 3), np.uint8)) == hit
    assert calls == ["a", "b"]
    assert chain.name == "a,b,c"


@pytest.fixture
def no_libzbar(monkeypatch):
    """pyzbar installed but libzbar0 missing: its import fails the way pyzbar's does."""
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("pyzbar"):
            raise ImportError("Unable to find zbar shared library")
        return real_import(name, *args, **kwargs)

    for mod in [m for m in sys.modules if m.startswith("pyzbar")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_missing_libzbar_gives_a_readable_error_and_the_rest_works(no_libzbar):
    with pytest.raises(dec.DecoderUnavailable) as err:
        dec.make_decoder("pyzbar")
    assert "libzbar0" in err.value.zh and "libzbar0" in err.value.en
    assert dec.available_decoders()["pyzbar"] is not None
    assert dec.available_decoders()["zxing"] is None
    d = dec.make_decoder("auto", second_opinion="pyzbar")  # skipped, with a log line
    assert d.name == "zxing-sharpen"
    assert [c.text for c in d.decode(frame_with_code(TOKEN))] == [TOKEN]


def test_second_opinion_joins_the_chain_when_available():
    if dec.available_decoders()["pyzbar"] is not None:
        pytest.skip("libzbar0 not installed here")
    d = dec.make_decoder("auto", second_opinion="pyzbar")
    assert d.name == "zxing-sharpen,pyzbar"


def test_unknown_decoder_name_is_a_value_error():
    with pytest.raises(ValueError):
        dec.make_decoder("zbar-ultra")


def test_decoders_accept_a_pil_made_code():
    img = np.array(qrcode.make(TOKEN).convert("L"))
    assert [c.text for c in dec.make_decoder("auto").decode(img)] == [TOKEN]


def test_micro_qr_is_not_read():
    """zxing-cpp 3's QR family includes Micro QR; an M1 symbol has no error correction and was
    "found" (as 16316) in the finder pattern of a real, tilted QR. Phones show model 2 QR."""
    zxingcpp = pytest.importorskip("zxingcpp")
    micro = np.array(zxingcpp.create_barcode("16316", zxingcpp.BarcodeFormat.MicroQRCode)
                     .to_image(scale=8))
    frame = np.full((400, 400), 255, np.uint8)
    frame[100:100 + micro.shape[0], 100:100 + micro.shape[1]] = micro
    assert [b.text for b in zxingcpp.read_barcodes(frame)] == ["16316"]  # it is readable
    for name in ("zxing", "zxing-sharpen"):
        assert dec.make_decoder(name).decode(frame) == []


@pytest.fixture
def no_opencv(monkeypatch):
    """The bundle: OpenCV is not there at all."""
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "cv2" or name.startswith("cv2."):
            raise ImportError("No module named 'cv2'", name="cv2")
        return real_import(name, *args, **kwargs)

    for mod in [m for m in sys.modules if m == "cv2" or m.startswith("cv2.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_without_opencv_the_zxing_decoders_work_and_opencv_ones_say_why(no_opencv):
    for name in ("opencv", "opencv-aruco"):
        with pytest.raises(dec.DecoderUnavailable) as err:
            dec.make_decoder(name)
        assert "OpenCV" in err.value.en and "OpenCV" in err.value.zh
    assert dec.available_decoders()["opencv"] is not None
    assert dec.make_decoder("auto").name == "zxing-sharpen"
    frame = frame_with_code(URL)  # BGR: gray by numpy here
    assert [c.text for c in dec.make_decoder("auto").decode(frame)] == [URL]
    bgra = np.dstack([frame, np.full(frame.shape[:2], 255, np.uint8)])
    assert [c.text for c in dec.make_decoder("zxing").decode(bgra)] == [URL]


def test_numpy_gray_matches_opencv(monkeypatch):
    frame = np.random.default_rng(3).integers(0, 256, (72, 128, 3), dtype=np.uint8)
    expected = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    monkeypatch.delitem(sys.modules, "cv2")  # to_gray uses OpenCV only when it is loaded
    got = dec.to_gray(frame)
    assert got.shape == expected.shape and got.dtype == np.uint8
    assert np.abs(got.astype(int) - expected).max() <= 1


def test_sharpened_retry_needs_no_opencv(no_opencv):
    frames, truth = make_frames(40, seed=12)
    sharp = dec.make_decoder("zxing-sharpen")
    idx = [i for i, t in enumerate(truth) if t]
    hits = sum(truth[i] in [c.text for c in sharp.decode(frames[i])] for i in idx)
    assert hits >= 0.85 * len(idx)
