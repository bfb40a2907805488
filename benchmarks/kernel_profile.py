"""The kernel's share of showing a big graph whole, phase by phase, in a plain Python process.

    .venv/bin/python benchmarks/kernel_profile.py --sizes 25000,250000
    .venv/bin/python benchmarks/kernel_profile.py --sizes 250000 --profile widget
    .venv/bin/python benchmarks/kernel_profile.py --sizes 25000 --tracemalloc

For each sweep size N (``wide_sweep(N)``: 4N + 4 nodes) it times, with the process's RSS after
each: building the ``LineageGraph`` node by node (what a user's loop does), its networkx copy
(``to_networkx``: the input of a graph built in networkx), ``LineageGraph.from_networkx`` of it,
``LineageWidget(g)`` on the ``LineageGraph`` and on the networkx graph, and the first snapshot the
page asks for (built and JSON-encoded, as the comm sends it). ``--profile PHASE`` prints
cProfile's top functions (cumulative time) for one phase; ``--tracemalloc`` the top allocation
sites left alive after the widget is built. The browser benchmark (run.py) measures the same
cells end to end; this one is for finding where the kernel's time and memory go.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import json
import os
import pstats
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from scenarios import wide_sweep  # (puts tests/ on the path: the tests' graph)

from lineage_widget import LineageGraph, LineageWidget, _payload

PHASES = ("build", "to_networkx", "from_networkx", "widget", "widget_nx", "snapshot")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed(
    name: str, profile: str | None, action: Callable[[], Any], log: list[str]
) -> tuple[Any, float]:
    """Runs ``action`` (under cProfile when ``profile`` names this phase); notes its CPU and
    wall time and the RSS after it."""
    gc.collect()
    profiler = cProfile.Profile() if profile == name else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = action()
    if profiler is not None:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    log.append(f"  {name:<15} cpu {cpu:7.2f} s  wall {wall:7.2f} s  RSS {rss_mb():7.0f} MB")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return result, cpu


def snapshot_bytes(widget: LineageWidget) -> int:
    message = _payload.snapshot(widget._explorer, widget._view.clustering)
    return len(json.dumps(message))


def run(n: int, profile: str | None, trace: bool) -> None:
    log = [f"N = {n:,} ({4 * n + 4:,} nodes); RSS at start {rss_mb():.0f} MB"]
    if trace:
        tracemalloc.start(3)
    graph, _ = timed("build", profile, lambda: wide_sweep(n), log)
    base = rss_mb()
    nx_graph, _ = timed("to_networkx", profile, graph.to_networkx, log)
    timed("from_networkx", profile, lambda: LineageGraph.from_networkx(nx_graph), log)
    gc.collect()
    before_widget = rss_mb()
    widget, _ = timed("widget", profile, lambda: LineageWidget(graph), log)
    size, _ = timed("snapshot", profile, functools.partial(snapshot_bytes, widget), log)
    log.append(
        f"  snapshot {size:,} bytes; widget on the LineageGraph: +{rss_mb() - before_widget:.0f} MB"
        f" (graph + widget over the graph's start: {rss_mb() - base:.0f} MB incl. networkx copy)"
    )
    if trace:
        top = tracemalloc.take_snapshot().statistics("lineno")[:15]
        log.extend(f"    {stat}" for stat in top)
        tracemalloc.stop()
    widget.close()
    del widget
    gc.collect()
    widget_nx, _ = timed("widget_nx", profile, lambda: LineageWidget(nx_graph), log)
    widget_nx.close()
    print("\n".join(log), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000", help="comma-separated sweep sizes N")
    parser.add_argument("--profile", choices=PHASES, help="cProfile this phase")
    parser.add_argument("--tracemalloc", action="store_true", help="top allocation sites")
    args = parser.parse_args()
    for n in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        run(n, args.profile, args.tracemalloc)


if __name__ == "__main__":
    main()
