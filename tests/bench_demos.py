"""Benchmark: how long each demo takes to redraw, as a reader moving a slider waits for it.

For every demo listed in a chapter module's ``examples()``: render at the default settings and
encode the PNG the live demo shows (:func:`helpers.widgets.live_png`), in the book's plot style,
after one warm-up, five times on one torch thread; print the median per demo.
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
from helpers.env import STYLE  # noqa: E402
from helpers.widgets import live_png  # noqa: E402

TARGET_MS = 100


def redraw_ms(demo, repeats: int = 5) -> tuple[float, float]:
    """Median milliseconds, (wall, CPU), of ``render(**defaults)`` plus the live demo's PNG."""
    wall, cpu = [], []
    for i in range(repeats + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        live_png(demo.render(**demo.defaults))
        if i:  # the first call warms caches up
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    plt.close("all")
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    """Print each demo's median redraw; judge by CPU time, which a busy machine inflates less.

    On an idle machine the two agree (one thread); when other work shares the cores, the wall
    time counts their turns too.
    """
    torch.set_num_threads(1)
    matplotlib.rcParams.update(STYLE)
    rows = []
    for info in pkgutil.iter_modules(helpers.demos.__path__):
        module = importlib.import_module(f"helpers.demos.{info.name}")
        for name, demo in module.examples().items():
            rows.append((f"{info.name}.{name}", *redraw_ms(demo)))
    print(f"{'demo':<28} {'wall ms':>8} {'CPU ms':>8}")
    for name, wall, cpu in rows:
        flag = "  over target" if cpu > TARGET_MS else ""
        print(f"{name:<28} {wall:>8.0f} {cpu:>8.0f}{flag}")
    slow = [n for n, _, cpu in rows if cpu > TARGET_MS]
    print(f"{len(rows)} demos, {len(slow)} over {TARGET_MS} ms of CPU time")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
