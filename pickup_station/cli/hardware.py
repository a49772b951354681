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
    import cv2
    import numpy as np

    try:
        data = np.fromfile(str(path), dtype=np.uint8)  # works with non-ASCII paths too
    except OSError:
        return None
    if data.size == 0:
        return None
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _unreadable(path: Path, why_zh: str, why_en: str) -> UnreadableFile:
    return UnreadableFile(f"无法读取文件 {path}：{why_zh}", f"Cannot read {path}: {why_en}")


def decode_file(path: Path, decoder) -> dict:
    """Decode every frame of an image or video; the JSON payload of `decode`."""
    import cv2

    if not path.exists():
        raise _unreadable(path, "文件不存在。", "no such file.")
    if path.is_dir():
        raise _unreadable(path, "这是一个文件夹。", "it is a folder.")
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
        cap = cv2.VideoCapture(str(path))
        try:
            if not cap.isOpened():
                raise _unreadable(path, "不是可识别的图片或视频。",
                                  "not an image or video this program can read.")
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    break
                feed(frame, frames)
                frames += 1
        finally:
            cap.release()
        if frames == 0:
            raise _unreadable(path, "不是可读取的图片或视频（没有可读取的画面）。",
                              "not a readable image or video (no frame could be read).")
    return {"ok": True, "file": str(path), "kind": kind, "frames": frames,
            "frames_with_code": with_code,
            "codes": sorted(codes.values(), key=lambda c: c["frame"]),
            "decoder": decoder.name,
            "ms_per_frame": round(decode_s * 1000 / max(frames, 1), 2)}


def describe(payload: dict, lang: str = "zh_CN") -> str:
    en = lang.startswith("en")
    kind = payload["kind"]
    if en:
        head = (f"{payload['file']}: {kind}, {payload['frames']} frame(s), "
                f"decoder {payload['decoder']}")
    else:
        head = (f"{payload['file']}：{'图片' if kind == 'image' else '视频'}，"
                f"{payload['frames']} 帧，解码器 {payload['decoder']}")
    lines = [head]
    if not payload["codes"]:
        lines.append("No QR code found." if en else "未找到二维码。")
    for c in payload["codes"]:
        if kind == "image":
            lines.append(c["text"])
        elif en:
            lines.append(f"frame {c['frame']}: {c['text']}  (in {c['count']} frames)")
        else:
            lines.append(f"第 {c['frame']} 帧：{c['text']}（共 {c['count']} 帧）")
    if kind == "video":
        lines.append(f"{payload['frames_with_code']}/{payload['frames']} frames with a code, "
                     f"{payload['ms_per_frame']} ms/frame" if en else
                     f"{payload['frames_with_code']}/{payload['frames']} 帧有二维码，"
                     f"每帧 {payload['ms_per_frame']} 毫秒")
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
