"""Side-by-side benchmark of lineage_widget, ipycytoscape and ipysigma in a real JupyterLab.

One command: ``.venv/bin/python benchmarks/run.py [--quick] [--sizes 25,250] [--repeats 3]``.
It starts one isolated JupyterLab and one headless Chromium, draws W&B-style sweep lineages of
4N+4 nodes with each widget, prints a table (ours beside the peers, with ratios) and whether each
target of issue 16 is met, and writes benchmarks/results/latest.json. See benchmarks/README.md.

Every latency is measured inside the page (``performance.now()``, benchmarks/bench_page.js);
Python only drives the page, counts websocket bytes and reads kernel-side figures. This file is
the command line; what is measured is in scenarios.py, how in driver.py, what the figures say in
report.py.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from driver import measure
from report import DEFAULT_SCENARIOS, SCENARIOS, Results, load, save, table, targets, targets_text
from scenarios import OURS, PEERS, ROOT
from support import chromium_path

HERE = Path(__file__).resolve().parent


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "cpus": str(os.cpu_count())}
    for package in ("jupyterlab", "lineage-widget", "ipycytoscape", "ipysigma", "playwright"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    try:
        out["chromium"] = subprocess.run(
            [chromium_path(), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        out["chromium"] = "unknown"
    return out


def available_peers(requested: list[str]) -> tuple[list[str], dict[str, str]]:
    peers: list[str] = []
    missing: dict[str, str] = {}
    for peer in requested:
        if importlib.util.find_spec(peer) is None:
            missing[peer] = f"not installed (pip install {peer})"
        else:
            peers.append(peer)
    return peers, missing


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N=25,250, one repeat")
    parser.add_argument(
        "--sizes", help="comma-separated N (default 25,250,2500,25000; '' for none)"
    )
    parser.add_argument("--repeats", type=int, help="runs per figure (default 3; --quick: 1)")
    parser.add_argument(
        "--timeout", type=float, help="seconds one draw may take (default 120; --quick: 60)"
    )
    parser.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated peers ('' for none)"
    )
    parser.add_argument(
        "--scenarios",
        help="comma-separated scenarios of ours alone ('' for none; default "
        "search,clusters_off,networkx; also million, million_networkx)",
    )
    parser.add_argument(
        "--million",
        action="store_true",
        help="add the 1,000,004-node scenario (a LineageGraph built in an earlier cell)",
    )
    parser.add_argument(
        "--report", type=Path, help="print the table and targets of a saved JSON, run nothing"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results" / "latest.json", help="JSON results"
    )
    args = parser.parse_args(argv)
    default_sizes = "25,250" if args.quick else "25,250,2500,25000"
    sizes = default_sizes if args.sizes is None else args.sizes  # ("": scenarios only)
    args.sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s]
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.timeout = args.timeout or (60.0 if args.quick else 120.0)
    args.peers = [p for p in args.peers.split(",") if p]
    chosen = ",".join(DEFAULT_SCENARIOS) if args.scenarios is None else args.scenarios
    names = [name for name in chosen.split(",") if name]
    if args.million and "million" not in names:
        names.append("million")
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}: choose from {', '.join(SCENARIOS)}")
    args.scenarios = names
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report is not None:
        saved = load(args.report)
        print(table(saved))
        print()
        print(targets_text(targets(saved)))
        return 0
    peers, missing = available_peers(args.peers)
    results = Results(
        args.sizes, args.repeats, args.timeout, [OURS, *peers], scenario_names=args.scenarios
    )
    started = time.monotonic()
    measure(results)
    report = table(results)
    goal = targets(results)
    print()
    print(report)
    print()
    print(targets_text(goal))
    for peer, why in missing.items():
        print(f"\n{peer}: {why}")
    print(f"\n(benchmark took {time.monotonic() - started:.0f} s)")
    meta = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": args.quick,
        "versions": versions(),
        "missing_peers": missing,
    }
    save(args.out, results, meta, report, goal)
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"results: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
