"""Kernel-side cost of what goes beyond W&B's view, on wide sweeps (4N + 4 nodes):

- ``color_by = "lr"``: colouring every node shown, with the legend and cluster ranges;
- ``compare(model:v0, model:v1)`` on a graph shown whole (nothing to fetch: the diff and marks);
- ``refresh()`` of a graph shown whole when one run was added to it (``refresh_one_new``: the
  first, which also draws it) and when nothing changed since (``refresh``): the in-memory source
  tells which walks can find something new, the others are not asked again.

    .venv/bin/python benchmarks/beyond.py            # N = 2,500 and 25,000
    .venv/bin/python benchmarks/beyond.py --sizes 250

Each figure is the median of three runs; targets (issue 15: the view stays interactive) are
printed beside them as met / NOT MET.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support import wide_sweep

from lineage_widget import LineageGraph, LineageWidget

# Seconds: a cell that sets color_by or compares, and a refresh, answer within these.
TARGETS = {"color_by": 1.0, "compare": 1.0, "refresh_one_new": 5.0, "refresh": 5.0}


def sweep_with_lr(n: int) -> LineageGraph:
    g = wide_sweep(n)
    for i in range(n):
        g.add_run(f"train-{i}", type="train", details={"Config": {"lr": 10 ** -(1 + i % 5)}})
    return g


def median_seconds(work: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(w: LineageWidget, g: LineageGraph) -> dict[str, float]:
    def color() -> None:
        w.color_by = None
        w.color_by = "lr"

    def one_new() -> None:
        g.add_run("train-new", type="train")
        g.add_edge("processed:v0", "train-new")
        assert [n.id for n in w.refresh()] == ["train-new"]

    return {
        "color_by": median_seconds(color),
        "compare": median_seconds(lambda: w.compare("model:v0", "model:v1")),
        "refresh_one_new": median_seconds(one_new, repeats=1),
        "refresh": median_seconds(w.refresh),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,25000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'N':>7} {'nodes':>7}  {'figure':<15} {'seconds':>8}  target")
    for n in sizes:
        g = sweep_with_lr(n)
        w = LineageWidget(g)
        w.send = lambda msg, buffers=None: None  # type: ignore[method-assign]
        figures = measure(w, g)
        for name, seconds in figures.items():
            verdict = "met" if seconds <= TARGETS[name] else "NOT MET"
            print(f"{n:>7} {len(g):>7}  {name:<15} {seconds:>8.3f}  <= {TARGETS[name]} s {verdict}")
        w.close()


if __name__ == "__main__":
    main()
