"""ESC/POS bytes for Chinese receipts: text in the printer's Chinese mode (GB18030), raster
images (GS v 0), native QR codes, and the real-time status bytes (DLE EOT n).

Pure functions from laid-out lines (`receipt_layout`) to bytes; no I/O, no Qt. python-escpos 3.1
has no GB18030 code page (its own text path prints `???` for full-width punctuation), so text
goes raw: FS & switches the printer to its Chinese character mode, FS . leaves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from pickup_station.core.papers.layout import Cut, Feed, PaperSize, PrintLine, Qr, Text

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"  # FS &: select Chinese (Kanji) character mode
CHINESE_OFF = FS + b"."  # FS .: cancel it
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}  # normal / double width and height
RASTER = GS + b"v0"
BAND_ROWS = 240  # rows per GS v 0 band: small printer buffers take this without stalling

MODES = ("text", "raster", "mixed")

# One image for a run of lines, `paper.dots` wide (black ink = dark pixels). In the app this is
# ui/receipt_raster.render_lines (Qt text rendering with the system's CJK font).
Rasterizer = Callable[[Sequence[Text | Feed], PaperSize], Image.Image]


def _library_bytes(call: Callable[[Dummy], None]) -> bytes:
    d = Dummy()
    call(d)
    return d.output


def qr_bytes(data: str, size: int = 6) -> bytes:
    """A QR code drawn by the printer itself (python-escpos `qr(native=True)`, GS ( k)."""
    size = min(max(int(size), 1), 16)
    return _library_bytes(lambda d: d.qr(data, ec=QR_ECLEVEL_M, size=size, native=True))


CUT = _library_bytes(lambda d: d.cut())  # feed past the cutter, full cut


def gb18030(text: str) -> bytes:
    return text.encode("gb18030", errors="replace")


def text_line(line: Text, chinese: bool = True, state: list | None = None) -> bytes:
    """One line in text mode: alignment, bold and size (only what changed since `state`, a
    [align, bold, large] list kept by the caller), then the characters and a line feed."""
    body = gb18030(line.text) if chinese else line.text.encode("ascii", errors="replace")
    want = [line.align, line.bold, line.large]
    cur = state if state is not None else [None, None, None]
    out = bytearray()
    if cur[0] != want[0]:
        out += ALIGN[line.align]
    if cur[1] != want[1]:
        out += BOLD[line.bold]
    if cur[2] != want[2]:
        out += SIZE[line.large]
    if state is not None:
        state[:] = want
    return bytes(out) + body + LF


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes([min(max(lines, 0), 255)])


def qr_line(line: Qr) -> bytes:
    return ALIGN["center"] + qr_bytes(line.data, line.size) + LF + ALIGN["left"]


# ---- raster ---------------------------------------------------------------------------------

def pack_image(img: Image.Image, *, crop: bool = False) -> tuple[int, int, bytes, int, int]:
    """(width bytes, height, packed rows with 1 = black, blank rows above, blank rows below).
    `crop` drops blank paper right of the last ink and above/below it (the mixed mode sends
    only the ink and feeds the rest)."""
    import numpy as np  # only when an image is printed: keeps the window's start quick

    dark = np.asarray(img.convert("L")) < 128
    above = below = 0
    if crop:
        cols = np.flatnonzero(dark.any(axis=0))
        rows = np.flatnonzero(dark.any(axis=1))
        if cols.size:
            above, below = int(rows[0]), dark.shape[0] - 1 - int(rows[-1])
            dark = dark[above:int(rows[-1]) + 1, : int(cols[-1]) + 1]
        else:
            above, below, dark = dark.shape[0], 0, dark[:0, :8]
    packed = np.packbits(dark, axis=1)
    return packed.shape[1], packed.shape[0], packed.tobytes(), above, below


def feed_dots(n: int) -> bytes:
    """ESC J: feed n dots (in steps of at most 255)."""
    out = bytearray()
    while n > 0:
        out += ESC + b"J" + bytes([min(n, 255)])
        n -= 255
    return bytes(out)


def raster_bytes(img: Image.Image, *, crop: bool = False) -> bytes:
    """GS v 0 commands for an image, in bands of BAND_ROWS rows."""
    width_bytes, height, data, above, below = pack_image(img, crop=crop)
    out = bytearray(feed_dots(above))
    for top in range(0, height, BAND_ROWS):
        rows = min(BAND_ROWS, height - top)
        out += RASTER + b"\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += data[top * width_bytes:(top + rows) * width_bytes]
    return bytes(out + feed_dots(below))


def parse_raster(data: bytes) -> list[tuple[int, int, bytes]]:
    """Every GS v 0 image in a byte stream: (width bytes, height, bits). For tests and checks."""
    found, pos = [], 0
    while (pos := data.find(RASTER, pos)) >= 0:
        xb = int.from_bytes(data[pos + 4:pos + 6], "little")
        h = int.from_bytes(data[pos + 6:pos + 8], "little")
        found.append((xb, h, data[pos + 8:pos + 8 + xb * h]))
        pos += 8 + xb * h
    return found


# ---- whole documents ------------------------------------------------------------------------

def is_single_byte(text: str) -> bool:
    return all(ord(c) < 0x80 for c in text)


def encode(lines: Sequence[PrintLine], paper: PaperSize, mode: str = "text",
           rasterize: Rasterizer | None = None) -> bytes:
    """The bytes of one printed paper.

    text:   everything as text in the printer's Chinese mode (GB18030), QR native (~0.5 KB);
    raster: all text as one image per run of lines (for printers without a Chinese font);
    mixed:  ASCII lines as text, lines with Chinese as small images (slow serial links).
    """
    if mode not in MODES:
        raise ValueError(f"unknown print mode {mode!r}")
    if mode != "text" and rasterize is None:
        raise ValueError(f"print mode {mode!r} needs a rasterizer")
    out = bytearray(INIT)
    if mode == "text":
        out += CHINESE_ON
    run: list[Text | Feed] = []
    state: list = ["left", False, False]  # what ESC @ leaves: left, not bold, normal size

    def flush() -> None:
        if run:
            if state[0] != "left":
                out.extend(ALIGN["left"])
                state[0] = "left"
            out.extend(raster_bytes(rasterize(run, paper), crop=(mode == "mixed")))
            run.clear()

    for line in lines:
        if isinstance(line, Text):
            if mode == "raster":
                run.append(line)
                continue
            if mode == "mixed" and not is_single_byte(line.text):
                flush()  # one cropped image a line: only its ink goes down the wire
                run.append(line)
                flush()
                continue
            flush()
            out += text_line(line, chinese=(mode == "text"), state=state)
        elif isinstance(line, Feed):
            if mode == "raster":
                run.append(line)
            else:
                flush()
                out += feed(line.lines)
        elif isinstance(line, Qr):
            flush()
            out += qr_line(line)
            state[0] = "left"
        elif isinstance(line, Cut):
            flush()
            out += SIZE[False] + BOLD[False] + ALIGN["left"] + CUT
            state[:] = ["left", False, False]
    flush()
    if mode == "text":
        out += CHINESE_OFF
    return bytes(out)


def decode_text(data: bytes) -> str:
    """The printed characters of a text-mode stream (commands stripped, GB18030 decoded), one
    line per LF. For tests and for support staff reading a `.bin` from a File printer."""
    out, i, n = bytearray(), 0, len(data)
    skip = {ESC + b"@": 0, ESC + b"a": 1, ESC + b"E": 1, GS + b"!": 1, ESC + b"d": 1,
            ESC + b"J": 1,
            FS + b"&": 0, FS + b".": 0, GS + b"V": 1}
    while i < n:
        two = data[i:i + 2]
        if two in skip:
            i += 2 + skip[two]
        elif two == GS + b"(":  # GS ( k / GS ( L: pL pH then that many bytes
            i += 5 + int.from_bytes(data[i + 3:i + 5], "little")
        elif data[i:i + 3] == RASTER:
            xb = int.from_bytes(data[i + 4:i + 6], "little")
            i += 8 + xb * int.from_bytes(data[i + 6:i + 8], "little")
        else:
            out.append(data[i])
            i += 1
    return out.decode("gb18030", errors="replace")


# ---- real-time status (DLE EOT n) -----------------------------------------------------------

class PrinterState(Enum):
    """What the printer says about itself (or UNKNOWN when it cannot answer)."""

    READY = "ready"
    PAPER_LOW = "paper_low"  # near-end sensor: still prints
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"  # cutter jam, head too hot, ...
    UNKNOWN = "unknown"  # one-way connection (file, CUPS, some USB), or no answer

    @property
    def can_print(self) -> bool:
        return self in (PrinterState.READY, PrinterState.PAPER_LOW, PrinterState.UNKNOWN)


def status_query(n: int) -> bytes:
    return DLE + EOT + bytes([n])


def valid_status(byte: int | None) -> bool:
    """Status bytes have bit 1 and bit 4 set, bits 0 and 7 clear."""
    return byte is not None and (byte & 0x93) == 0x12


@dataclass(frozen=True)
class StatusBytes:
    """Answers to DLE EOT 1 (printer), 2 (offline cause), 4 (paper sensor); None = no answer."""

    printer: int | None
    offline_cause: int | None = None
    paper: int | None = None

    def state(self) -> PrinterState:
        if not valid_status(self.printer):
            return PrinterState.UNKNOWN
        paper_ok = valid_status(self.paper)
        if paper_ok and self.paper & 0x60:
            return PrinterState.PAPER_OUT
        if self.printer & 0x08:  # offline
            if valid_status(self.offline_cause):
                if self.offline_cause & 0x04:
                    return PrinterState.COVER_OPEN
                if self.offline_cause & 0x20:
                    return PrinterState.PAPER_OUT
                if self.offline_cause & 0x40:
                    return PrinterState.ERROR
            return PrinterState.OFFLINE
        if paper_ok and self.paper & 0x0C:
            return PrinterState.PAPER_LOW
        return PrinterState.READY


# status bytes a printer sends, for fakes at the hardware edge (tests, the demo)
STATUS_READY = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
STATUS_PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}
STATUS_COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}
STATUS_PAPER_LOW = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}
