"""The benchmark's figures and what they say: the results of every run, their statistics
(median and spread), the side-by-side table, the targets of issue 16 (MET / NOT MET; those of
issue 5 that still apply) and the JSON they are saved in."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios import (
    CLUSTERS_OFF_N,
    MILLION_N,
    NETWORKX_N,
    OURS,
    SEARCH_MEMBERS,
    SEARCH_TEXT,
    SIGMA,
    SKIPPED,
    TIMEOUT,
    widget_code_bytes,
)

# Scenarios of ours alone, as Bench methods (driver.py); the 1,000,004-node ones take minutes.
SCENARIOS = ("search", "clusters_off", "networkx", "million", "million_networkx")
DEFAULT_SCENARIOS = ("search", "clusters_off", "networkx")
# Whole graphs shown from a graph built in an earlier cell: scenario -> (sweep N, its input).
WHOLE_GRAPHS = {
    "networkx": (NETWORKX_N, "a networkx graph"),
    "million": (MILLION_N, "a LineageGraph"),
    "million_networkx": (MILLION_N, "a networkx graph"),
}


@dataclass
class Results:
    sizes: list[int]
    repeats: int
    timeout_s: float
    widgets: list[str]
    # widget -> size -> one dict per repeat (figures, or {"timeout"}/{"skipped"}/{"error"})
    runs: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)
    scenarios: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scenario_names: list[str] = field(default_factory=lambda: list(DEFAULT_SCENARIOS))

    def values(self, widget: str, n: int, metric: str) -> list[float]:
        return [
            float(run[metric])
            for run in self.runs.get(widget, {}).get(n, [])
            if isinstance(run.get(metric), int | float)
        ]

    def scenario_values(self, name: str, metric: str) -> list[float]:
        return [
            float(run[metric])
            for run in self.scenarios.get(name, [])
            if isinstance(run.get(metric), int | float)
        ]

    def status(self, widget: str, n: int) -> str | None:
        """timeout / skipped / error text when no run of this widget and size gave figures."""
        runs = self.runs.get(widget, {}).get(n, [])
        if not runs:
            return "not run"
        if any("first_draw_ms" in run for run in runs):
            return None
        for key in ("timeout", "skipped", "error"):
            for run in runs:
                if key in run:
                    return key if key != "error" else f"error: {run['error']}"
        return "no data"


def spread(values: list[float]) -> tuple[float, float, float] | None:
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt_number(value: float, unit: str) -> str:
    if unit == "bytes":
        if value >= 1e6:
            return f"{value / 1e6:.2f} MB"
        if value >= 1e3:
            return f"{value / 1e3:.1f} KB"
        return f"{value:.0f} B"
    if unit == "ms":
        return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "px":
        return f"{value:.1f} px"
    if unit == "fps":
        return f"{value:.0f} fps"
    return f"{value:g}"


def fmt_spread(values: list[float], unit: str) -> str:
    s = spread(values)
    if s is None:
        return "-"
    median, low, high = s
    text = fmt_number(median, unit)
    if len(values) > 1:
        text += f" [{fmt_number(low, unit)}..{fmt_number(high, unit)}]"
    return text


# Rows of the side-by-side table: metric, label, unit.
SIDE_BY_SIDE = [
    ("build_ms", "kernel build", "ms"),
    ("build_cpu_ms", "kernel build, CPU time", "ms"),
    ("first_draw_ms", "first draw (cell run -> drawn, page quiet)", "ms"),
    ("first_draw_bytes", "websocket bytes, first draw", "bytes"),
    ("kernel_mb", "kernel memory, graph + widget (RSS)", "MB"),
]
OURS_ONLY = [
    ("first_draw_data_bytes", "websocket bytes, first draw, minus our JS/CSS*", "bytes"),
    ("expand_ms", "expand round trip, median of 20", "ms"),
    ("expand_bytes", "websocket bytes, 1-node expand (median)", "bytes"),
    ("expand_bytes_max", "websocket bytes, 1-node expand (max)", "bytes"),
    ("expand_displacement_px", "mean displacement of shown nodes per expand", "px"),
    ("expand_order_changes", "column/order changes over 20 expands", ""),
]


def ratio_text(results: Results, peer: str, n: int, metric: str) -> str:
    ours = spread(results.values(OURS, n, metric))
    theirs = spread(results.values(peer, n, metric))
    if ours is None or ours[0] <= 0:
        return ""
    if theirs is None:
        if results.status(peer, n) in (TIMEOUT, SKIPPED) and metric == "first_draw_ms":
            return f" (> {results.timeout_s * 1000 / ours[0]:.0f}x)"
        return ""
    return f" ({theirs[0] / ours[0]:.1f}x)"


def table(results: Results) -> str:
    peers = [w for w in results.widgets if w != OURS]
    width = 50
    col = 30
    peer_col = 42
    lines = [
        "Figures: median [min..max] over "
        f"{results.repeats} run(s); (Nx) = peer figure / ours (higher: we are ahead).",
        "",
    ]
    for n in results.sizes:
        nodes = 4 * n + 4
        lines.append(f"N = {n:,} ({nodes:,} nodes)")
        header = f"  {'':<{width}}{'ours':<{col}}" + "".join(f"{p:<{peer_col}}" for p in peers)
        lines.append(header)
        for metric, label, unit in SIDE_BY_SIDE:
            row = f"  {label:<{width}}{fmt_spread(results.values(OURS, n, metric), unit):<{col}}"
            for peer in peers:
                status = results.status(peer, n)
                if status is not None:
                    cell = status
                    if status in (TIMEOUT, SKIPPED):
                        cell = "-"
                        if metric == "first_draw_ms":
                            cell = f"> {results.timeout_s:.0f} s" + ratio_text(
                                results, peer, n, metric
                            )
                        if metric == "first_draw_ms" and status == SKIPPED:
                            cell = f"skipped (> {results.timeout_s:.0f} s at smaller N)"
                else:
                    cell = fmt_spread(results.values(peer, n, metric), unit) + ratio_text(
                        results, peer, n, metric
                    )
                row += f"{cell[: peer_col - 1]:<{peer_col}}"
            lines.append(row.rstrip())
        for metric, label, unit in OURS_ONLY:
            values = results.values(OURS, n, metric)
            lines.append(f"  {label:<{width}}{fmt_spread(values, unit)}")
        lines.extend(where_time_goes(results, n))
        ours_status = results.status(OURS, n)
        if ours_status is not None:
            lines.append(f"  ours: {ours_status}")
        lines.append("")
    lines.append(
        "* anywidget sends the widget's code (_esm, _css: "
        f"{fmt_number(widget_code_bytes(), 'bytes')}) in the comm_open of every new widget; "
        "the peers' code comes from their labextension over HTTP."
    )
    lines.append("")
    search = results.scenario_values("search", "search_key_ms")
    search_max = results.scenario_values("search", "search_key_ms_max")
    lines.append(f"Cluster search, {SEARCH_MEMBERS:,} members, typing {SEARCH_TEXT!r} and back:")
    lines.append(
        f"  per keystroke: median {fmt_spread(search, 'ms')}, worst {fmt_spread(search_max, 'ms')}"
    )
    off = "clusters_off"
    lines.append(f"Clusters off, {4 * CLUSTERS_OFF_N + 4:,} nodes drawn:")
    lines.append(
        f"  first draw {fmt_spread(results.scenario_values(off, 'off_first_draw_ms'), 'ms')}, "
        f"bytes {fmt_spread(results.scenario_values(off, 'off_first_draw_bytes'), 'bytes')}"
    )
    lines.append(
        f"  pan + zoom {fmt_spread(results.scenario_values(off, 'fps'), 'fps')}, "
        f"worst frame {fmt_spread(results.scenario_values(off, 'worst_frame_ms'), 'ms')}, "
        "far/near detail switches "
        f"{fmt_spread(results.scenario_values(off, 'detail_changes'), '')}"
    )
    lines.extend(whole_graph_lines(results))
    for name in SCENARIOS:
        errors = {str(run["error"]) for run in results.scenarios.get(name, []) if "error" in run}
        for error in sorted(errors):
            text = f"> {results.timeout_s:.0f} s (timeout)" if error == TIMEOUT else error
            lines.append(f"  {name}: {text}")
    return "\n".join(lines)


def whole_graph_lines(results: Results) -> list[str]:
    """The big graphs shown whole from a graph built in an earlier cell (issue 16)."""
    lines: list[str] = []
    for name, (n, given) in WHOLE_GRAPHS.items():
        if name not in results.scenarios:
            continue
        figure = results.scenario_values
        lines.append(f"{4 * n + 4:,} nodes shown whole, from {given} built in an earlier cell:")
        lines.append(
            f"  widget ready (kernel build) {fmt_spread(figure(name, 'build_ms'), 'ms')} "
            f"(kernel CPU time {fmt_spread(figure(name, 'build_cpu_ms'), 'ms')}), "
            f"first draw {fmt_spread(figure(name, 'first_draw_ms'), 'ms')}"
        )
        lines.append(
            f"  kernel memory {fmt_spread(figure(name, 'kernel_mb'), 'MB')}, "
            f"websocket bytes {fmt_spread(figure(name, 'first_draw_bytes'), 'bytes')}"
        )
        for metric, label in DRAW_PHASES:
            if figure(name, metric):
                lines.append(f"    {label:<62}{fmt_spread(figure(name, metric), 'ms')}")
    return lines


DRAW_PHASES = [
    ("draw_kernelToCommOpen_ms", "run cell -> widget's comm_open in the page (kernel build)"),
    ("draw_loadWidgetCode_ms", "comm_open -> view's hello (load widget code)"),
    ("draw_helloToSnapshot_ms", "hello -> snapshot in the page (0: in the comm_open)"),
    ("draw_layoutAndDom_ms", "snapshot -> drawn and painted (layout + DOM)"),
]
EXPAND_PHASES = [
    ("expand_clickToRequest_ms", "click -> request sent"),
    ("expand_requestToDelta_ms", "request -> delta in the page (kernel walk + send)"),
    ("expand_deltaToNode_ms", "delta -> new node in the DOM (layout + DOM)"),
]


def where_time_goes(results: Results, n: int) -> list[str]:
    """Our first draw and expand split by the kernel websocket frames the page saw."""
    lines: list[str] = []
    for title, phases in (("first draw", DRAW_PHASES), ("expand (median)", EXPAND_PHASES)):
        parts = [
            f"    {label:<62}{fmt_spread(results.values(OURS, n, metric), 'ms')}"
            for metric, label in phases
            if results.values(OURS, n, metric)
        ]
        if parts:
            lines.append(f"  ours, where the {title} time goes:")
            lines.extend(parts)
    return lines


@dataclass
class Target:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def targets(results: Results) -> list[Target]:
    out: list[Target] = []

    def median(widget: str, n: int, metric: str) -> float | None:
        s = spread(results.values(widget, n, metric))
        return None if s is None else s[0]

    def at_most(text: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            out.append(Target(text, "not measured", None))
        else:
            out.append(Target(text, fmt_number(value, unit), value <= limit))

    draw_2500 = median(OURS, 2500, "first_draw_ms")
    at_most("10,004 nodes (N=2,500): first draw <= 0.2 s", draw_2500, 200, "ms")
    text = f"10,004 nodes (N=2,500): >= 10x faster first draw than {SIGMA}"
    theirs = median(SIGMA, 2500, "first_draw_ms")
    status = results.status(SIGMA, 2500)
    if draw_2500 is None or (theirs is None and status not in (TIMEOUT, SKIPPED)):
        out.append(Target(text, f"not measured ({status or 'no data'})", None))
    elif theirs is None:
        bound = results.timeout_s * 1000 / draw_2500
        out.append(
            Target(text, f"> {bound:.0f}x ({SIGMA} > {results.timeout_s:.0f} s)", bound >= 10)
        )
    else:
        out.append(Target(text, f"{theirs / draw_2500:.1f}x", theirs / draw_2500 >= 10))

    def scenario(name: str, metric: str) -> float | None:
        s = spread(results.scenario_values(name, metric))
        return None if s is None else s[0]

    at_most(
        "100,004 nodes from a networkx graph: first draw <= 0.8 s, kernel included",
        scenario("networkx", "first_draw_ms"),
        800,
        "ms",
    )
    million = [name for name in ("million", "million_networkx") if results.scenarios.get(name)]
    for name in million or ["million"]:
        given = WHOLE_GRAPHS[name][1]
        at_most(
            f"1,000,004 nodes from {given}: widget ready <= 3 s",
            scenario(name, "build_ms"),
            3000,
            "ms",
        )
        at_most(
            f"1,000,004 nodes from {given}: kernel memory <= 1 GB",
            scenario(name, "kernel_mb"),
            1000,
            "MB",
        )
        at_most(
            f"1,000,004 nodes from {given}: first draw <= 4 s",
            scenario(name, "first_draw_ms"),
            4000,
            "ms",
        )
    out.extend(clusters_off_targets(results))
    measured = [n for n in results.sizes if results.values(OURS, n, "expand_ms")]
    worst_expand = max((median(OURS, n, "expand_ms") or 0.0 for n in measured), default=None)
    at_most(
        "expand round trip <= 60 ms median (worst size)",
        worst_expand if measured else None,
        60,
        "ms",
    )
    worst_bytes = max(
        (max(results.values(OURS, n, "expand_bytes_max")) for n in measured), default=None
    )
    at_most("1-node expand sends <= 5 KB (largest, any size)", worst_bytes, 5000, "bytes")
    search_max = spread(results.scenario_values("search", "search_key_ms_max"))
    at_most(
        f"cluster search <= 50 ms per keystroke at {SEARCH_MEMBERS:,} members (worst key)",
        None if search_max is None else search_max[0],
        50,
        "ms",
    )
    changes = [sum(results.values(OURS, n, "expand_order_changes")) for n in measured]
    moves = [v for n in measured for v in results.values(OURS, n, "expand_displacement_px")]
    if not measured:
        out.append(Target("expand keeps every shown node's column and order", "not measured", None))
    else:
        out.append(
            Target(
                "expand keeps every shown node's column and order",
                f"{int(sum(changes))} changes; mean displacement "
                f"{statistics.fmean(moves):.1f} px per expand",
                sum(changes) == 0,
            )
        )
    return out


def clusters_off_targets(results: Results) -> list[Target]:
    """Pan and zoom of 2,000 nodes drawn without clusters: the frame rate (median over the
    runs) and the longest frame of any run, measured only if the zoom crossed the far/near
    detail threshold."""
    off = "clusters_off"
    fps_text = "clusters off, 2,000 nodes: pan and zoom >= 55 fps"
    frame_text = "clusters off, 2,000 nodes: no frame > 50 ms (far/near switch included)"
    fps = spread(results.scenario_values(off, "fps"))
    frames = results.scenario_values(off, "worst_frame_ms")
    crossed = results.scenario_values(off, "detail_changes")
    if fps is None or not frames:
        why = "not measured (no drawing)"
        return [Target(fps_text, why, None), Target(frame_text, why, None)]
    out = [Target(fps_text, fmt_number(fps[0], "fps"), fps[0] >= 55)]
    if not crossed or min(crossed) < 2:
        out.append(Target(frame_text, "not measured (the zoom did not cross the threshold)", None))
    else:
        worst = max(frames)
        out.append(
            Target(
                frame_text,
                f"worst {fmt_number(worst, 'ms')} ({min(crossed):.0f}+ detail switches per run)",
                worst <= 50,
            )
        )
    return out


def targets_text(items: list[Target]) -> str:
    lines = ["Targets (issue 16; issue 5's that still apply):"]
    for item in items:
        verdict = "not measured" if item.met is None else ("MET" if item.met else "NOT MET")
        lines.append(f"  [{verdict:^12}] {item.text}: {item.measured}")
    return "\n".join(lines)


# ---- saved results -------------------------------------------------------------------------


def load(path: Path) -> Results:
    """Results saved by an earlier run (its JSON), to print again."""
    saved = json.loads(path.read_text())
    runs = {w: {int(n): r for n, r in by_n.items()} for w, by_n in saved["runs"].items()}
    meta = saved["args"]
    results = Results(meta["sizes"], meta["repeats"], meta["timeout_s"], list(runs))
    results.runs = runs
    results.scenarios = saved["scenarios"]
    results.scenario_names = list(saved["scenarios"])
    return results


def save(
    path: Path,
    results: Results,
    meta: dict[str, Any],
    report: str,
    goal: list[Target],
) -> None:
    """Every raw figure, the table and the targets as JSON (``load`` reads it back); ``meta``:
    the date, the versions and the missing peers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                **meta,
                "args": {
                    "sizes": results.sizes,
                    "repeats": results.repeats,
                    "timeout_s": results.timeout_s,
                },
                "runs": {
                    w: {str(n): r for n, r in by_n.items()} for w, by_n in results.runs.items()
                },
                "scenarios": results.scenarios,
                "table": report,
                "targets": [t.__dict__ for t in goal],
            },
            indent=1,
        )
    )
