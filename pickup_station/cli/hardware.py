"""Hardware diagnostics on the command line: `decode FILE` (and, from the printing side,
`test-print`).

`pickup-station-cli decode FILE [--decoder NAME] [--json]` prints the QR codes found in an image
or a video file, with the first frame (0-based) each code was seen in and in how many frames.
Exit 0 when the file was read, even if no code was found (it says so); 1 when the file cannot
be read; 2 for bad usage. JSON: `{"ok", "file", "kind": "image"|"video", "frames",
"frames_with_code", "codes": [{"text", "frame", "count", "last_frame"}], "decoder", "ms_per_frame"}`.

To add a command here, write `add_NAME_parser(sub, common)` and append it to `REGISTRARS`.
"""

from __future__ import annotations

import time
from pathlib import Path

from pickup_station.cli.printing import (
    add_test_print_parser,  # test-print (printing side, print_cli.py)
)
from pickup_station.errors import UserFacingError
from pickup_station.messages import Message, render


class UnreadableFile(UserFacingError):
    code = "file_unreadable"


def add_decode_parser(sub, common) -> None:
    p = sub.add_parser("decode", parents=[common],
                       help="print the QR codes found in an image or video file "
                            "(camera diagnostics)")
    p.add_argument("file", help="an image (png, jpg, ...) or a video file (avi, mp4, ...)")
    p.add_argument("--decoder", default="auto",
                   help="auto (default), zxing-sharpen, zxing, opencv-aruco, opencv, pyzbar, "
                        "or a chain like zxing,pyzbar")
    p.set_defaults(func=cmd_decode)


REGISTRARS = [add_decode_parser, add_test_print_parser]


def register(sub, common) -> None:
    for add in REGISTRARS:
        add(sub, common)


def _read_image(path: Path):
    """The image as a gray numpy frame (Pillow: png, jpg, bmp, ...), None if it is not one."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return np.asarray(img.convert("L"))
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def _video_frames(path: Path):
    """Every frame of a video file, gray, through Qt Multimedia (what the bundle has; the
    player is paused whenever decoding falls behind, so no frame is skipped). Raises
    UnreadableFile when Qt cannot play it."""
    import os

    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    from PySide6.QtCore import QCoreApplication

    from pickup_station.ui.qt_capture import QtCapture

    _app = QCoreApplication.instance() or QCoreApplication([])  # Qt Multimedia needs one
    cap = QtCapture(str(path), rate=8.0)
    try:
        if not cap.isOpened():
            raise _unreadable(path, "cli.decode.not_media")
        while True:
            ok, frame = cap.read()
            if not ok:
                return
            yield frame
    finally:
        cap.release()


def _unreadable(path: Path, why: str) -> UnreadableFile:
    return UnreadableFile("cli.decode.unreadable", path=str(path), why=Message(why))


def decode_file(path: Path, decoder) -> dict:
    """Decode every frame of an image or video; the JSON payload of `decode`."""
    if not path.exists():
        raise _unreadable(path, "cli.decode.missing")
    if path.is_dir():
        raise _unreadable(path, "cli.decode.folder")
    codes: dict[str, dict] = {}
    frames = with_code = 0
    decode_s = 0.0

    def feed(frame, index: int) -> None:
        nonlocal with_code, decode_s
        t0 = time.perf_counter()
        found = decoder.decode(frame)
        decode_s += time.perf_counter() - t0
        with_code += bool(found)
        for code in found:
            entry = codes.setdefault(code.text, {"text": code.text, "frame": index, "count": 0,
                                                 "last_frame": index})
            entry["count"] += 1
            entry["last_frame"] = index

    image = _read_image(path)
    if image is not None:
        kind, frames = "image", 1
        feed(image, 0)
    else:
        kind = "video"
        for frame in _video_frames(path):
            feed(frame, frames)
            frames += 1
        if frames == 0:
            raise _unreadable(path, "cli.decode.no_frame")
    return {"ok": True, "file": str(path), "kind": kind, "frames": frames,
            "frames_with_code": with_code,
            "codes": sorted(codes.values(), key=lambda c: c["frame"]),
            "decoder": decoder.name,
            "ms_per_frame": round(decode_s * 1000 / max(frames, 1), 2)}


def describe(payload: dict, lang: str = "zh_CN") -> str:
    kind = payload["kind"]
    head = "cli.decode.head_image" if kind == "image" else "cli.decode.head_video"
    lines = [render(head, lang, file=payload["file"], frames=payload["frames"],
                    decoder=payload["decoder"])]
    if not payload["codes"]:
        lines.append(render("cli.decode.none", lang))
    for c in payload["codes"]:
        lines.append(c["text"] if kind == "image" else
                     render("cli.decode.frame", lang, frame=c["frame"], text=c["text"],
                            count=c["count"]))
    if kind == "video":
        lines.append(render("cli.decode.rate", lang, with_code=payload["frames_with_code"],
                            frames=payload["frames"], ms=payload["ms_per_frame"]))
    return "\n".join(lines)


def cmd_decode(args, ctx):
    from pickup_station.cli.context import Outcome, UsageError
    from pickup_station.hardware.decoders import make_decoder

    try:
        decoder = make_decoder(args.decoder)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    payload = decode_file(Path(args.file).expanduser(), decoder)
    return Outcome(0, payload, describe(payload, ctx.lang))
