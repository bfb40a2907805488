"""The benchmark's figures and what they say: the results of every run, their statistics
(median and spread), the side-by-side table, the targets of issue 5 (MET / NOT MET) and the JSON
they are saved in."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios import (
    CLUSTERS_OFF_N,
    CYTOSCAPE,
    OURS,
    SEARCH_MEMBERS,
    SEARCH_TEXT,
    SIGMA,
    SKIPPED,
    TIMEOUT,
    widget_code_bytes,
)


@dataclass
class Results:
    sizes: list[int]
    repeats: int
    timeout_s: float
    widgets: list[str]
    # widget -> size -> one dict per repeat (figures, or {"timeout"}/{"skipped"}/{"error"})
    runs: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)
    scenarios: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

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
        f"worst frame {fmt_spread(results.scenario_values(off, 'worst_frame_ms'), 'ms')}"
    )
    for name in ("search", "clusters_off"):
        errors = {str(run["error"]) for run in results.scenarios.get(name, []) if "error" in run}
        for error in sorted(errors):
            text = f"> {results.timeout_s:.0f} s (timeout)" if error == TIMEOUT else error
            lines.append(f"  {name}: {text}")
    return "\n".join(lines)


DRAW_PHASES = [
    ("draw_kernelToCommOpen_ms", "run cell -> widget's comm_open in the page (kernel build)"),
    ("draw_loadWidgetCode_ms", "comm_open -> view's hello (load widget code)"),
    ("draw_helloToSnapshot_ms", "hello -> snapshot in the page (kernel answers)"),
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
    at_most("N=2,500: first draw <= 0.5 s", draw_2500, 500, "ms")
    for peer, factor in ((SIGMA, 2), (CYTOSCAPE, 20)):
        text = f"N=2,500: >= {factor}x faster first draw than {peer}"
        theirs = median(peer, 2500, "first_draw_ms")
        status = results.status(peer, 2500)
        if draw_2500 is None or (theirs is None and status not in (TIMEOUT, SKIPPED)):
            out.append(Target(text, f"not measured ({status or 'no data'})", None))
        elif theirs is None:
            bound = results.timeout_s * 1000 / draw_2500
            out.append(
                Target(
                    text, f"> {bound:.0f}x ({peer} > {results.timeout_s:.0f} s)", bound >= factor
                )
            )
        else:
            out.append(Target(text, f"{theirs / draw_2500:.1f}x", theirs / draw_2500 >= factor))
    at_most("N=25,000: first draw <= 1.5 s", median(OURS, 25000, "first_draw_ms"), 1500, "ms")
    at_most(
        "N=25,000: kernel memory (graph + widget) <= 300 MB",
        median(OURS, 25000, "kernel_mb"),
        300,
        "MB",
    )
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
    off_draw = spread(results.scenario_values("clusters_off", "off_first_draw_ms"))
    off_text = "clusters off: 2,000 nodes drawn in <= 2 s"
    if off_draw is None and any(
        run.get("error") == TIMEOUT for run in results.scenarios.get("clusters_off", [])
    ):
        out.append(Target(off_text, f"> {results.timeout_s:.0f} s (timed out)", False))
    else:
        at_most(off_text, None if off_draw is None else off_draw[0], 2000, "ms")
    fps = spread(results.scenario_values("clusters_off", "fps"))
    if fps is None:
        out.append(
            Target("clusters off: pan and zoom >= 30 fps", "not measured (no drawing)", None)
        )
    else:
        out.append(
            Target("clusters off: pan and zoom >= 30 fps", fmt_number(fps[0], "fps"), fps[0] >= 30)
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


def targets_text(items: list[Target]) -> str:
    lines = ["Targets (issue 5):"]
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
