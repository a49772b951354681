"""Camera scanning bench: decoders side by side, the capture pipeline, frame -> verdict.

    .venv/bin/python bench/scan_bench.py [--frames 320] [--trials 12]

1. Decoders on the same synthetic 1280x720 counter frames (tests/data/qr_video.py, written as
   MJPG and read back, so JPEG loss is in): share of frames with a code that are read, median
   and p95 ms per frame (all frames, empty ones included), wrong reads.
2. The pipeline as the app runs it: CameraPanel (offscreen Qt) on the video file, capture and
   decode on the worker threads, preview frames wrapped as QImage and painted: frames/s.
3. Frame -> verdict through the real main window (`MainWindow` over a demo store, built as
   tests/ui/conftest.py does): a camera at 30 fps shows an empty counter, then a customer's
   pickup QR; time from the grabber reading the first frame with the code to the verdict being
   painted in `lookupResult` (after `counter_view.verdictShown`, with a synchronous repaint).

Last line: {"decoders": {NAME: {"rate", "median_ms", "p95_ms"}}, "chosen", "pipeline_fps_720p",
"frame_to_verdict_ms", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
import numpy as np

from pickup_station.hardware import decoders as dec
from tests.data import qr_video


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


# -- 1. decoders --------------------------------------------------------------------------------
def bench_decoders(frames, truth, names):
    results = {}
    idx = [i for i, t in enumerate(truth) if t]
    for name in names:
        try:
            d = dec.make_decoder(name)
        except dec.DecoderUnavailable as exc:
            print(f"  {name:22s} unavailable: {exc.en}")
            continue
        d.decode(frames[0])  # warm up
        times, empty_times, hits, wrong = [], [], 0, 0
        for i, frame in enumerate(frames):
            t0 = time.perf_counter()
            found = d.decode(frame)
            ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            texts = [c.text for c in found]
            if truth[i] is None:
                empty_times.append(ms)
                wrong += len(texts)
            else:
                hits += truth[i] in texts
                wrong += sum(t != truth[i] for t in texts)
        results[name] = {"rate": round(hits / len(idx), 4),
                         "median_ms": round(statistics.median(times), 2),
                         "p95_ms": round(pct(times, 0.95), 2),
                         "empty_median_ms": round(statistics.median(empty_times), 2),
                         "wrong": wrong}
        r = results[name]
        print(f"  {name:22s} read {r['rate']:6.1%}  median {r['median_ms']:6.2f} ms  "
              f"p95 {r['p95_ms']:6.2f} ms  empty frame {r['empty_median_ms']:6.2f} ms  "
              f"wrong {wrong}")
    return results


# -- 2. pipeline ----------------------------------------------------------------------------------
def bench_pipeline(app, video: Path, n_frames: int):
    from pickup_station.ui.widgets.camera_panel import CameraPanel

    panel = CameraPanel(lang="en", realtime=False, loop=False)
    panel.resize(800, 480)
    panel.show()
    t0 = time.perf_counter()
    panel.start(str(video))
    while panel.state.value != "ended" and time.perf_counter() - t0 < 120:
        app.processEvents()
        time.sleep(0.001)
    panel.worker.wait(10)  # the last frames still in the decoder's hands
    elapsed = time.perf_counter() - t0
    app.processEvents()
    stats = dict(panel.worker.stats)
    shown = panel.frames_shown
    panel.stop()
    panel.close()
    fps = stats["processed"] / elapsed
    print(f"  {stats['processed']} frames captured+decoded in {elapsed:.2f} s: {fps:.0f} frames/s "
          f"(unpaced), preview painted {shown} ({shown / elapsed:.0f}/s), "
          f"{stats['frames_with_code']} frames with a code")
    return fps, shown / elapsed


# -- 3. frame -> verdict --------------------------------------------------------------------------
class StampedCamera:
    """The device edge: plays prepared frames at 30 fps and notes when each one was read."""

    def __init__(self, frames):
        self.frames = frames
        self.read_at: dict[int, float] = {}

    def open(self, source):
        return _Player(self)


class _Player:
    def __init__(self, cam):
        self.cam, self.i, self.next_at = cam, 0, time.monotonic()

    def isOpened(self):
        return True

    def get(self, prop):
        return 30.0

    def read(self):
        if self.i >= len(self.cam.frames):
            time.sleep(0.05)
            return False, None
        self.next_at += 1 / 30
        time.sleep(max(0.0, self.next_at - time.monotonic()))
        frame = self.cam.frames[self.i]
        self.cam.read_at[self.i] = time.monotonic()
        self.i += 1
        return True, frame

    def release(self):
        pass


def counter_scene(token: str, rng) -> tuple[np.ndarray, np.ndarray]:
    """An empty counter and the same counter with a phone showing `token`'s QR."""
    bg = np.full((qr_video.HEIGHT, qr_video.WIDTH, 3), 110, np.uint8)
    cv2.rectangle(bg, (100, 420), (1180, 700), (70, 90, 120), -1)
    noise = rng.normal(0, 4, bg.shape)
    empty = np.clip(bg + noise, 0, 255).astype(np.uint8)
    url = f"https://m.example.com/p/{token}"
    code = cv2.resize(qr_video.qr_matrix(url), None, fx=5, fy=5,
                      interpolation=cv2.INTER_NEAREST)
    h, w = code.shape
    x, y = int(rng.integers(80, 1280 - w - 80)), int(rng.integers(60, 720 - h - 60))
    with_code = bg.copy()
    with_code[y:y + h, x:x + w] = (code * 0.92)[..., None].astype(np.uint8)
    with_code = np.clip(cv2.GaussianBlur(with_code, (0, 0), 0.8) + noise, 0, 255).astype(np.uint8)
    return empty, with_code


def bench_frame_to_verdict(app, trials: int):
    from PySide6.QtWidgets import QLabel

    from pickup_station.config import Paths, Settings
    from pickup_station.core.counter import Counter
    from pickup_station.demo import data as demo
    from pickup_station.store.db import Store
    from pickup_station.ui.main_window import MainWindow
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks
    from pickup_station.ui.widgets.camera_panel import CameraPanel

    tmp = tempfile.TemporaryDirectory()
    data_dir = Path(tmp.name)
    store = Store.in_dir(data_dir)
    batches = demo.generate(batches=3, orders_per_batch=40, customers=90, seed=11)
    demo.bulk_load(store, batches, arrived=True)
    orders = [o for b in batches for o in b["orders"] if o.get("pickup_token")]
    sv = Services(store=store, settings=Settings(), paths=Paths.resolve(data_dir),
                  counter=Counter(store), tasks=Tasks(), sounds=Sounds(enabled=False))
    window = MainWindow(sv)
    window.resize(1280, 800)
    window.show()
    result_label = window.findChild(QLabel, "lookupResult")

    rng = np.random.default_rng(7)
    frames, first_code_frame = [], []
    for k in range(trials):
        empty, with_code = counter_scene(orders[k * 3 % len(orders)]["pickup_token"], rng)
        frames += [empty] * 20
        first_code_frame.append(len(frames))
        frames += [with_code] * 25
    frames += [frames[0]] * 10
    cam = StampedCamera(frames)
    panel = CameraPanel(window, lang="en", opener=cam.open)
    window.attach_camera(panel)
    panel.codeScanned.connect(window.submit_scan)
    verdict_at: list[float] = []

    def painted(verdict):
        result_label.repaint()  # the verdict is on screen, not just queued for paint
        verdict_at.append(time.monotonic())

    window.counter_view.verdictShown.connect(painted)
    panel.start("0")
    t0 = time.perf_counter()
    while len(verdict_at) < trials and time.perf_counter() - t0 < trials * 3 + 10:
        app.processEvents()
        time.sleep(0.001)
    panel.stop()
    window.close()
    if hasattr(sv.tasks, "shutdown"):
        sv.tasks.shutdown(wait=True)
    store.close()
    tmp.cleanup()
    lat = [(v - cam.read_at[f]) * 1000 for v, f in zip(verdict_at, first_code_frame)]
    if len(lat) < trials:
        print(f"  only {len(lat)} of {trials} codes reached a verdict")
    print(f"  {len(lat)} customers: code in view -> verdict painted: median "
          f"{statistics.median(lat):.0f} ms, p95 {pct(lat, 0.95):.0f} ms, max {max(lat):.0f} ms")
    return statistics.median(lat), pct(lat, 0.95)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=320)
    ap.add_argument("--trials", type=int, default=12)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "counter.avi"
        t0 = time.perf_counter()
        truth = qr_video.write_qr_video(video, args.frames)
        frames = qr_video.read_video_frames(video)
        n_code = sum(t is not None for t in truth)
        print(f"synthetic footage: {len(frames)} frames 1280x720, {n_code} with a code, "
              f"{len(frames) - n_code} empty (made in {time.perf_counter() - t0:.1f} s), "
              f"{os.cpu_count()} CPUs")
        print("decoders (same frames):")
        names = ["zxing-sharpen", "zxing", "opencv-aruco", "opencv", "pyzbar",
                 "zxing-sharpen,pyzbar"]
        decoders = bench_decoders(frames, truth, names)
        chosen = dec.make_decoder("auto").name
        print(f"chosen (auto): {chosen}")

        from PySide6.QtWidgets import QApplication

        from pickup_station.ui import pyside_none_guard  # noqa: F401

        app = QApplication.instance() or QApplication([])
        print("pipeline (capture + decode + preview, CameraPanel on the file):")
        fps, preview_fps = bench_pipeline(app, video, len(frames))

    print("frame -> verdict through the main window (camera at 30 fps):")
    ftv, ftv95 = bench_frame_to_verdict(app, args.trials)
    out = {"decoders": {k: {"rate": v["rate"], "median_ms": v["median_ms"],
                            "p95_ms": v["p95_ms"]} for k, v in decoders.items()},
           "chosen": chosen,
           "pipeline_fps_720p": round(fps, 1),
           "frame_to_verdict_ms": round(ftv, 1),
           "frame_to_verdict_p95_ms": round(ftv95, 1),
           "preview_fps": round(preview_fps, 1),
           "frames": len(frames), "frames_with_code": n_code,
           "frame_to_verdict_via": "MainWindow.submit_scan -> lookupResult painted"}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
