"""Synthetic counter-camera footage: customers holding pickup QR codes up to a 720p camera.

Made at test time (nothing big is committed). Each "shot" is a customer holding one phone
for a dozen frames, drifting a little; between shots the counter is empty. Codes come at
different sizes (module 2.4–9 px), in-plane angles (±40°), perspective tilt, blur (up to ~half a
module), sensor noise, dim screens and JPEG loss (MJPG .avi). Content is realistic pickup tokens (32-char
base32) bare or inside `https://m.example.com/p/<TOKEN>` and `...?t=<TOKEN>` URLs.

    frames, truth = make_frames(320)            # in memory: list of BGR frames + texts
    truth = write_qr_video(path, n_frames=320)  # MJPG .avi + truth list (None = empty frame)

Run as a script to write a video and its truth JSON: `python tests/data/qr_video.py out.avi`.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import qrcode

WIDTH, HEIGHT = 1280, 720


def make_token(rng: np.random.Generator) -> str:
    """A pickup token as the server makes them: 20 random bytes as 32 chars of base32."""
    return base64.b32encode(rng.bytes(20)).decode("ascii")


def make_content(rng: np.random.Generator) -> str:
    token = make_token(rng)
    kind = rng.integers(0, 3)
    if kind == 0:
        return token
    if kind == 1:
        return f"https://m.example.com/p/{token}"
    return f"https://m.example.com/pickup?t={token}"


def qr_matrix(text: str) -> np.ndarray:
    """The QR modules (uint8 0 = dark, 255 = light) with the standard 4-module quiet zone."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return np.where(np.array(qr.get_matrix(), dtype=bool), 0, 255).astype(np.uint8)


def _background(rng: np.random.Generator) -> np.ndarray:
    """A cluttered counter: a lit gradient with boxes, labels and stripes."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    base = rng.uniform(70, 170)
    grad = base + 40 * (xx / WIDTH) - 30 * (yy / HEIGHT)
    bg = np.dstack([grad * rng.uniform(0.8, 1.1) for _ in range(3)])
    bg = np.clip(bg, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(6, 14))):
        x0, y0 = int(rng.integers(0, WIDTH - 40)), int(rng.integers(0, HEIGHT - 40))
        w, h = int(rng.integers(40, 360)), int(rng.integers(20, 220))
        color = tuple(int(c) for c in rng.integers(20, 235, 3))
        cv2.rectangle(bg, (x0, y0), (x0 + w, y0 + h), color, -1)
    for _ in range(int(rng.integers(4, 10))):  # printed text on boxes
        org = (int(rng.integers(0, WIDTH - 200)), int(rng.integers(20, HEIGHT)))
        cv2.putText(bg, f"SKU {int(rng.integers(0, 999999)):06d}", org, cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.5, 1.4)), (20, 20, 20), 2)
    return bg


class _Shot:
    """One customer holding one code: where, how big, how tilted, how sharp."""

    def __init__(self, rng: np.random.Generator, text: str):
        self.text = text
        modules = qr_matrix(text)
        n = modules.shape[0]
        module_px = float(rng.uniform(2.4, 9.0))
        side = min(n * module_px, 560.0)
        self.modules = modules
        self.side = side
        self.cx = float(rng.uniform(side * 0.75, WIDTH - side * 0.75))
        self.cy = float(rng.uniform(side * 0.75, HEIGHT - side * 0.75))
        self.angle = float(rng.uniform(-40, 40))
        self.tilt = rng.uniform(-0.10, 0.10, size=(4, 2)) * side
        # defocus: none, light or heavy, but never past ~half a module (beyond that no
        # decoder can read it and the customer moves the phone anyway)
        blur = float(rng.choice([0.0, rng.uniform(0.3, 1.3), rng.uniform(1.0, 1.9)]))
        self.blur = min(blur, 0.45 * module_px)
        self.noise = float(rng.uniform(2, 9))
        self.brightness = float(rng.uniform(0.72, 1.0))
        self.black = float(rng.uniform(5, 60))
        self.drift = rng.uniform(-3, 3, size=2)

    def corners(self, t: int, rng: np.random.Generator) -> np.ndarray:
        h = self.side / 2
        sq = np.array([[-h, -h], [h, -h], [h, h], [-h, h]], dtype=np.float32)
        a = np.deg2rad(self.angle + t * 0.4)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], dtype=np.float32)
        pts = sq @ rot.T + self.tilt + rng.normal(0, 0.6, size=(4, 2))
        return (pts + [self.cx + self.drift[0] * t, self.cy + self.drift[1] * t]).astype(
            np.float32)


def _paste_code(frame: np.ndarray, shot: _Shot, t: int,
                rng: np.random.Generator) -> tuple[int, int, int, int]:
    n = shot.modules.shape[0]
    big = cv2.resize(shot.modules, (n * 8, n * 8), interpolation=cv2.INTER_NEAREST)
    src = np.array([[0, 0], [n * 8, 0], [n * 8, n * 8], [0, n * 8]], dtype=np.float32)
    dst = shot.corners(t, rng)
    m = cv2.getPerspectiveTransform(src, dst)
    x, y, w, h = cv2.boundingRect(dst)
    x0, y0 = max(x - 2, 0), max(y - 2, 0)
    x1, y1 = min(x + w + 2, WIDTH), min(y + h + 2, HEIGHT)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64)
    m = shift @ m
    size = (x1 - x0, y1 - y0)
    code = cv2.warpPerspective(big, m, size, flags=cv2.INTER_AREA, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(big, 255), m, size, flags=cv2.INTER_LINEAR)
    lo, hi = shot.black, 255 * shot.brightness
    code_f = lo + (code.astype(np.float32) / 255.0) * (hi - lo)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    tint = np.array([1.0, 1.0, 0.97], dtype=np.float32)  # screens are a little blue
    frame[y0:y1, x0:x1] = (roi * (1 - alpha) + code_f[..., None] * tint * alpha).astype(np.uint8)
    return x0, y0, x1, y1


def iter_frames(n_frames: int = 320, seed: int = 20261122) -> Iterator[tuple[np.ndarray, str | None]]:
    """Yield (1280x720 BGR frame, text or None) pairs, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    backgrounds = [_background(rng) for _ in range(3)]
    # sensor noise at three strengths, slightly larger than a frame so each frame takes a
    # different window of it (cv2.add on int16 is ~10x cheaper than float noise per frame)
    noise_bank = {level: np.round(rng.normal(0, level, size=(HEIGHT + 8, WIDTH + 64, 3)))
                  .astype(np.int16) for level in (3, 6, 9)}
    produced = 0
    while produced < n_frames:
        bg = backgrounds[int(rng.integers(0, len(backgrounds)))]
        empty = rng.random() < 0.25
        length = int(rng.integers(2, 6)) if empty else int(rng.integers(5, 11))
        shot = None if empty else _Shot(rng, make_content(rng))
        for t in range(length):
            if produced >= n_frames:
                break
            frame = bg.copy()
            if shot is not None:
                x0, y0, x1, y1 = _paste_code(frame, shot, t, rng)
                noise = shot.noise
                if shot.blur > 0.25:  # defocus where it matters (whole-frame blur is slow)
                    x0, y0 = max(x0 - 12, 0), max(y0 - 12, 0)
                    x1, y1 = min(x1 + 12, WIDTH), min(y1 + 12, HEIGHT)
                    frame[y0:y1, x0:x1] = cv2.GaussianBlur(frame[y0:y1, x0:x1], (0, 0),
                                                           shot.blur)
            else:
                noise = float(rng.uniform(2, 9))
            level = min(noise_bank, key=lambda lv: abs(lv - noise))
            dx, dy = int(rng.integers(0, 64)), int(rng.integers(0, 8))
            window = noise_bank[level][dy:dy + HEIGHT, dx:dx + WIDTH]
            frame = cv2.add(frame, window, dtype=cv2.CV_8U)
            yield frame, (shot.text if shot is not None else None)
            produced += 1


def make_frames(n_frames: int = 320, seed: int = 20261122) -> tuple[list[np.ndarray], list]:
    frames, truth = [], []
    for frame, text in iter_frames(n_frames, seed):
        frames.append(frame)
        truth.append(text)
    return frames, truth


def write_qr_video(path: str | Path, n_frames: int = 320, fps: float = 30.0,
                   seed: int = 20261122) -> list[str | None]:
    """Write an MJPG .avi of synthetic footage; returns the truth list, one per frame."""
    path = Path(path)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"cannot open a MJPG writer for {path}")
    truth = []
    try:
        for frame, text in iter_frames(n_frames, seed):
            writer.write(frame)
            truth.append(text)
    finally:
        writer.release()
    return truth


def write_one_code_video(path: str | Path, text: str, empty: int = 10, shown: int = 30) -> str:
    """A short MJPG video: `empty` grey frames, then `shown` frames of one sharp QR code of
    `text`, as a customer holding a phone still under the counter camera."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (WIDTH, HEIGHT))
    code = cv2.resize(qr_matrix(text), None, fx=5, fy=5, interpolation=cv2.INTER_NEAREST)
    blank = np.full((HEIGHT, WIDTH, 3), 100, np.uint8)
    frame = blank.copy()
    frame[200:200 + code.shape[0], 400:400 + code.shape[1]] = code[..., None]
    for f in [blank] * empty + [frame] * shown:
        writer.write(f)
    writer.release()
    return str(path)


def write_selftest_video(path: str | Path, qr_png: str | Path) -> str:
    """resources/selftest/demo-pickup-qr.avi, the bundle's camera self-test: 2 empty frames,
    then 4 of the demo QR image (320x320 MJPG, ~60 kB). Remade with
    `python -c "from tests.data.qr_video import write_selftest_video as w;
    w('resources/selftest/demo-pickup-qr.avi', 'resources/selftest/demo-pickup-qr.png')"`."""
    code = cv2.imread(str(qr_png), cv2.IMREAD_GRAYSCALE)
    blank = np.full((320, 320, 3), 150, np.uint8)
    frame = blank.copy()
    frame[28:28 + code.shape[0], 28:28 + code.shape[1]] = code[..., None]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 320))
    for f in [blank] * 2 + [frame] * 4:
        writer.write(f)
    writer.release()
    return str(path)


def read_video_frames(path: str | Path) -> list[np.ndarray]:
    """All frames of a video as the camera would deliver them (after JPEG loss)."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
    finally:
        cap.release()
    return frames


def cached_video(folder: str | Path, n_frames: int = 320) -> tuple[Path, list[str | None]]:
    """The video and its truth in `folder`, made on first use (a session's tmp dir: several
    test modules share one copy)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"counter_{n_frames}.avi"
    truth_file = path.with_suffix(".truth.json")
    if not (path.exists() and truth_file.exists()):  # no lock: xdist workers have own dirs
        truth = write_qr_video(path.with_suffix(".tmp.avi"), n_frames)
        path.with_suffix(".tmp.avi").replace(path)
        truth_file.write_text(json.dumps(truth))
    return path, json.loads(truth_file.read_text())


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "qr_synthetic.avi")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 320
    truth = write_qr_video(out, count)
    out.with_suffix(".truth.json").write_text(json.dumps(truth))
    print(f"{out}: {len(truth)} frames, {sum(t is not None for t in truth)} with a code")
