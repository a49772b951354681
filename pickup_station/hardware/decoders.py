"""QR decoders for camera frames, behind one small interface.

`QrDecoder.decode(frame)` takes a BGR, BGRA or grayscale numpy frame and returns the codes found as
`Decoded(text, points)`, points being the code's four corners in frame pixels (for the outline
in the preview). Only text that passes `clean_scan_text` (printable, sane length) comes out.

Backends, fastest and best first on our 1280x720 synthetic counter footage (`bench/scan_bench.py`):

- `zxing-sharpen` (the `auto` choice): zxing-cpp restricted to QR, and when a frame yields
  nothing a second zxing pass on an unsharp-masked copy, which recovers most slightly defocused
  small codes for a few ms more, only on frames without a code.
- `zxing`: zxing-cpp, one pass, QR (model 2) only: the default of all formats is ~10x slower,
  and the QR family includes Micro QR, which misreads a real QR's finder pattern. No
  downscaling: 720p to 640 wide loses most small codes.
- `opencv-aruco`, `opencv`: OpenCV's QRCodeDetectorAruco / QRCodeDetector (slower, fewer reads);
  only where OpenCV is installed (development: `pip install '.[opencv]'`), never in the bundle:
  without it they are `DecoderUnavailable` like pyzbar without libzbar.
- `pyzbar`: needs the system library libzbar0; guarded, a missing library gives
  `DecoderUnavailable` and everything else works. Useful as a second opinion.

A decoder instance keeps per-instance detector state: use one instance per thread.
`make_decoder("auto")`, `make_decoder("zxing,pyzbar")` (a chain: the next one is asked only when
the previous found nothing) and `available_decoders()` pick from what this machine has.
"""

from __future__ import annotations

import logging
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from pickup_station.errors import UserFacingError
from pickup_station.hardware.scanners import BadScan, clean_scan_text

log = logging.getLogger(__name__)

Point = tuple[float, float]


@dataclass(frozen=True)
class Decoded:
    """One code found in a frame: its text and its corners (clockwise from top-left)."""

    text: str
    points: tuple[Point, ...] = ()


class DecoderUnavailable(UserFacingError):
    """A decoder backend is not usable on this machine (missing library)."""

    code = "decoder_unavailable"


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Luma of a BGR or BGRA frame (BT.601 weights in 8-bit fixed point, as OpenCV's cvtColor).
    Qt's capture gives gray already; a colour frame comes from OpenCV (development and the
    tests), and then OpenCV's conversion is used (~10x faster than numpy's)."""
    if frame.ndim == 2:
        return frame
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        return cv2.cvtColor(frame, code)
    b = frame[..., 0].astype(np.uint16)
    b *= 29
    g = frame[..., 1].astype(np.uint16)
    g *= 150
    b += g
    g[...] = frame[..., 2]
    g *= 77
    b += g
    b += 128
    b >>= 8
    return b.astype(np.uint8)


def unsharp(gray: np.ndarray) -> np.ndarray:
    """3x the image minus 2x a blurred copy: lifts the module edges of a slightly defocused
    code. The blur is Pillow's box blur of radius 2 (OpenCV is not in the bundle): on the
    synthetic counter footage it recovers the same codes as a Gaussian of sigma 2, and it is
    ~2x cheaper than Pillow's Gaussian."""
    from PIL import Image, ImageFilter

    gray = np.ascontiguousarray(gray)
    blurred = np.asarray(Image.fromarray(gray).filter(ImageFilter.BoxBlur(2)), dtype=np.int16)
    out = gray.astype(np.int16)
    out *= 3
    out -= blurred
    out -= blurred
    return np.clip(out, 0, 255).astype(np.uint8)


def _cv2():
    try:
        import cv2
    except ImportError as exc:
        if not (exc.name or "cv2").startswith("cv2"):
            raise
        raise DecoderUnavailable("decoder.no_opencv") from exc
    return cv2


def _accept(texts_points) -> list[Decoded]:
    """Keep decodes whose text is a plausible scan, dropping duplicates within the frame."""
    out: list[Decoded] = []
    seen: set[str] = set()
    for text, points in texts_points:
        try:
            text = clean_scan_text(text)
        except BadScan:
            log.debug("decoder output rejected: %r", text[:80])
            continue
        if text in seen:
            continue
        seen.add(text)
        out.append(Decoded(text, tuple((float(x), float(y)) for x, y in points)))
    return out


class QrDecoder(ABC):
    """Finds QR codes in one frame."""

    name: str = "?"

    @abstractmethod
    def decode(self, frame: np.ndarray) -> list[Decoded]:
        """Codes in a BGR or grayscale frame; an empty list when there is none."""


class ZxingDecoder(QrDecoder):
    """zxing-cpp, QR only; optionally a second pass on a sharpened copy when the first is empty."""

    def __init__(self, sharpen_retry: bool = False):
        try:
            import zxingcpp
        except ImportError as exc:
            if not (exc.name or "").startswith("zxingcpp"):
                raise
            raise DecoderUnavailable("decoder.no_zxing") from exc
        self._zx = zxingcpp
        # zxing-cpp 3's `QRCode` is the whole family, Micro QR included; an M1 Micro QR has no
        # error correction and is "found" in the finder pattern of a real QR ("16316").
        # Customers' phones show model 2 QR codes, so ask for exactly that (also a bit faster).
        self._formats = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2",
                                zxingcpp.BarcodeFormat.QRCode)
        self._micro = {getattr(zxingcpp.BarcodeFormat, n, None)
                       for n in ("MicroQRCode", "RMQRCode")} - {None}
        self.sharpen_retry = sharpen_retry
        self.name = "zxing-sharpen" if sharpen_retry else "zxing"

    def _read(self, gray: np.ndarray) -> list[Decoded]:
        # Plain text mode: HRI would turn control bytes into "<BEL>" and slip past validation
        found = self._zx.read_barcodes(gray, formats=self._formats,
                                       text_mode=self._zx.TextMode.Plain)
        pairs = []
        for b in found:
            if not b.valid or b.format in self._micro:
                continue
            p = b.position
            pts = [(c.x, c.y) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
            pairs.append((b.text, pts))
        return _accept(pairs)

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        gray = to_gray(frame)
        out = self._read(gray)
        if not out and self.sharpen_retry:
            out = self._read(unsharp(gray))
        return out


class PyzbarDecoder(QrDecoder):
    """pyzbar (ZBar), QR only. Needs libzbar0 on the system."""

    name = "pyzbar"

    def __init__(self):
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError) as exc:  # pyzbar raises ImportError when libzbar is absent
            if isinstance(exc, ImportError) and not (exc.name or "pyzbar").startswith("pyzbar"):
                raise
            raise DecoderUnavailable(
                "decoder.no_zbar") from exc
        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        pairs = []
        for d in self._pyzbar.decode(to_gray(frame), symbols=self._symbols):
            try:
                text = d.data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            pairs.append((text, [(p.x, p.y) for p in d.polygon]))
        return _accept(pairs)


class OpenCvDecoder(QrDecoder):
    """OpenCV's classic QRCodeDetector."""

    name = "opencv"

    def __init__(self):
        self._cv2 = _cv2()
        self._detector = self._make()

    def _make(self):
        return self._cv2.QRCodeDetector()

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        try:
            ok, texts, points, _ = self._detector.detectAndDecodeMulti(to_gray(frame))
        except self._cv2.error as exc:  # odd geometry can trip OpenCV's asserts
            log.debug("%s failed on a frame: %s", self.name, exc)
            return []
        if not ok or points is None:
            return []
        return _accept((t, pts) for t, pts in zip(texts, points) if t)


class OpenCvArucoDecoder(OpenCvDecoder):
    """OpenCV's QRCodeDetectorAruco (finder patterns found with the ArUco machinery)."""

    name = "opencv-aruco"

    def _make(self):
        if not hasattr(self._cv2, "QRCodeDetectorAruco"):
            raise DecoderUnavailable("decoder.no_aruco")
        return self._cv2.QRCodeDetectorAruco()


class DecoderChain(QrDecoder):
    """Asks each decoder in turn until one finds something."""

    def __init__(self, decoders: list[QrDecoder]):
        if not decoders:
            raise ValueError("a decoder chain needs at least one decoder")
        self.decoders = decoders
        self.name = ",".join(d.name for d in decoders)

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        gray = to_gray(frame)
        for decoder in self.decoders:
            found = decoder.decode(gray)
            if found:
                return found
        return []


DECODERS: dict[str, type[QrDecoder] | object] = {
    "zxing-sharpen": lambda: ZxingDecoder(sharpen_retry=True),
    "zxing": ZxingDecoder,
    "opencv-aruco": OpenCvArucoDecoder,
    "pyzbar": PyzbarDecoder,
    "opencv": OpenCvDecoder,
}
# best first, measured by bench/scan_bench.py: zxing-sharpen reads the most, and fastest
PREFERENCE = ["zxing-sharpen", "zxing", "opencv-aruco", "pyzbar", "opencv"]


def decoder_names() -> list[str]:
    return list(DECODERS)


def _make_one(name: str) -> QrDecoder:
    try:
        factory = DECODERS[name]
    except KeyError:
        raise ValueError(f"unknown decoder {name!r}; choose from auto, "
                         + ", ".join(DECODERS)) from None
    return factory()


def available_decoders() -> dict[str, str | None]:
    """Each decoder name with None when usable here, or the reason it is not."""
    out: dict[str, str | None] = {}
    for name in DECODERS:
        try:
            _make_one(name)
            out[name] = None
        except DecoderUnavailable as exc:
            out[name] = exc.en
    return out


def make_decoder(name: str = "auto", second_opinion: str | None = None) -> QrDecoder:
    """The decoder for a settings value.

    `auto` is the best available backend; `a,b` is a chain; `second_opinion` appends one more
    backend to ask when the first found nothing (skipped with a log line if unavailable).
    Raises ValueError for an unknown name, DecoderUnavailable when a named one cannot run.
    """
    name = (name or "auto").strip()
    if name == "auto":
        decoder: QrDecoder | None = None
        for candidate in PREFERENCE:
            try:
                decoder = _make_one(candidate)
                break
            except DecoderUnavailable as exc:
                log.info("decoder %s unavailable: %s", candidate, exc.en)
        if decoder is None:  # pragma: no cover - zxing-cpp is a dependency
            raise DecoderUnavailable("decoder.none_available")
        chain = [decoder]
    else:
        parts = [p.strip() for p in name.split(",") if p.strip()]
        if not parts:
            raise ValueError("empty decoder name")
        chain = [_make_one(p) for p in parts]
    if second_opinion and second_opinion not in {d.name for d in chain}:
        try:
            chain.append(_make_one(second_opinion))
        except DecoderUnavailable as exc:
            log.warning("second-opinion decoder %s unavailable: %s", second_opinion, exc.en)
    return chain[0] if len(chain) == 1 else DecoderChain(chain)
