"""Benchmark: how long each demo takes to redraw, as a reader moving a slider waits for it.

For every demo listed in a chapter module's ``examples()``: render at the default settings and
draw the canvas, after one warm-up, five times on one torch thread; print the median per demo.
The book's target is under 100 ms (aim: 50 ms). A benchmark, not a test: run it on an idle
machine, ``make bench`` or ``python -m tests.bench_demos``.
"""

import importlib
import pkgutil
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import helpers.demos  # noqa: E402

TARGET_MS = 100


def redraw_ms(demo, repeats: int = 5) -> float:
    """Median milliseconds of ``render(**defaults)`` plus drawing the canvas."""
    times = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        fig = demo.render(**demo.defaults)
        fig.canvas.draw()
        if i:  # the first call warms caches up
            times.append((time.perf_counter() - start) * 1000)
    plt.close("all")
    return statistics.median(times)


def main() -> int:
    torch.set_num_threads(1)
    rows = []
    for info in pkgutil.iter_modules(helpers.demos.__path__):
        module = importlib.import_module(f"helpers.demos.{info.name}")
        for name, demo in module.examples().items():
            rows.append((f"{info.name}.{name}", redraw_ms(demo)))
    print(f"{'demo':<32} {'median ms':>10}")
    for name, ms in rows:
        print(f"{name:<32} {ms:>10.0f}{'  over target' if ms > TARGET_MS else ''}")
    slow = [n for n, ms in rows if ms > TARGET_MS]
    print(f"{len(rows)} demos, {len(slow)} over {TARGET_MS} ms")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
