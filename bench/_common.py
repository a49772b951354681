"""Helpers shared by the benchmarks: a big demo store, Qt set-up, percentiles, the JSON line.

Benchmarks run standalone (`.venv/bin/python bench/NAME.py`); import this as `from _common
import ...` (the script's folder is on sys.path when a bench is run as a script).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]


def use_offscreen_qt_unless_display() -> str:
    """Offscreen Qt when there is no display (CI, ssh); the real platform otherwise."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    return os.environ.get("QT_QPA_PLATFORM", "(default)")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): p99 of 500 samples is the 495th smallest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"n": len(ms), "p50": percentile(ms, 50), "p90": percentile(ms, 90),
            "p99": percentile(ms, 99), "max": max(ms), "mean": statistics.fmean(ms)}


def format_summary(name: str, samples_s: Sequence[float], target_ms: float | None = None) -> str:
    s = summary_ms(samples_s)
    line = (f"{name:<34} n={s['n']:<4} p50 {s['p50']:7.2f} ms  p90 {s['p90']:7.2f} ms  "
            f"p99 {s['p99']:7.2f} ms  max {s['max']:7.2f} ms")
    if target_ms is not None:
        line += f"   target p99 <= {target_ms:g} ms: {'OK' if s['p99'] <= target_ms else 'MISSED'}"
    return line


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds`."""

    def __enter__(self) -> Self:
        self.t0 = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.t0


def demo_station(data_dir: Path, orders: int, *, batches: int = 10, expected_batches: int = 1,
                 seed: int = 7, progress: Callable[[str], None] = print) -> list[dict]:
    """A station store in `data_dir` with `orders` demo orders, the last batch(es) not arrived.

    Returns the generated batches (with tokens, codes and phones: what customers bring).
    """
    from pickup_station.demo import data as demo
    from pickup_station.store.db import Store

    per_batch = math.ceil(orders / batches)
    with Stopwatch() as gen:
        generated = demo.generate(batches=batches, orders_per_batch=per_batch,
                                  customers=int(orders * 0.7), seed=seed)
    store = Store.in_dir(data_dir)
    try:
        with Stopwatch() as load:
            split = batches - expected_batches
            n = demo.bulk_load(store, generated[:split], arrived=True)
            if expected_batches:
                n += demo.bulk_load(store, generated[split:], arrived=False)
    finally:
        store.close()
    progress(f"store: {n:,} orders in {batches} batches ({expected_batches} not arrived) — "
             f"generated in {gen.seconds:.1f} s, loaded in {load.seconds:.1f} s")
    return generated


def print_json_last(figures: dict) -> None:
    """The benchmark's result line: always the very last line on stdout."""
    print(json.dumps(figures, ensure_ascii=False), flush=True)
