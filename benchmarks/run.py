"""Side-by-side benchmark of lineage_widget, ipycytoscape and ipysigma in a real JupyterLab.

One command: ``.venv/bin/python benchmarks/run.py [--quick] [--sizes 25,250] [--repeats 3]``.
It starts one isolated JupyterLab and one headless Chromium, draws W&B-style sweep lineages of
4N+4 nodes with each widget, prints a table (ours beside the peers, with ratios) and whether each
target of issue 5 is met, and writes benchmarks/results/latest.json. See benchmarks/README.md.

Every latency is measured inside the page (``performance.now()``, benchmarks/bench_page.js);
Python only drives the page, counts websocket bytes and reads kernel-side figures.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TESTS = ROOT / "tests"
sys.path.insert(0, str(TESTS / "ui"))

from jupyterlab_harness import JupyterServer, LabNotebook  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    WebSocket,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402


def _load_ui_conftest() -> Any:
    """tests/ui/conftest.py, for CHROMIUM_ARGS and chromium_path (one definition of both)."""
    spec = importlib.util.spec_from_file_location("lw_ui_conftest", TESTS / "ui" / "conftest.py")
    if spec is None or spec.loader is None:
        raise ImportError("tests/ui/conftest.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


_ui = _load_ui_conftest()
CHROMIUM_ARGS: list[str] = _ui.CHROMIUM_ARGS
chromium_path: Callable[[], str] = _ui.chromium_path

OURS = "ours"
CYTOSCAPE = "ipycytoscape"
SIGMA = "ipysigma"
PEERS = (CYTOSCAPE, SIGMA)
TIMEOUT = "timeout"
SKIPPED = "skipped"

EXPANDS = 20  # expand round trips per size (median reported)
SEARCH_MEMBERS = 10_000  # members of the searched cluster
SEARCH_TEXT = "train-9999"
CLUSTERS_OFF_N = 499  # wide_sweep(499) = 2,000 nodes, all drawn with clusters off
PAN_ZOOM_SECONDS = 2.0
STATIC = ROOT / "lineage_widget" / "static"
QUIET_MS = 100  # "page quiet": this long with no long task

# ---- code run in the kernel ------------------------------------------------------------------

SETUP = """
import gc, json, os, sys, time
sys.path.insert(0, {tests!r})
from conftest import wide_sweep  # the sweep generator of the test suite: one definition
{imports}

def _rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
"""

IMPORTS = {
    OURS: "from lineage_widget import LineageWidget",
    CYTOSCAPE: "import ipycytoscape",
    SIGMA: "from ipysigma import Sigma",
}

# The graph, built before the timed cell; its kernel memory counted from here. The peers get the
# same lineage as a networkx graph (the input both take).
GRAPH = {
    OURS: "gc.collect(); _rss0 = _rss()\ng = wide_sweep({n})\n_graph_bytes = _rss() - _rss0",
    "peer": (
        "g = wide_sweep({n})\ngc.collect(); _rss0 = _rss()\nnx_g = g.to_networkx()\n"
        "_graph_bytes = _rss() - _rss0"
    ),
}

# The timed cell: creates the widget (the kernel times that part alone) and displays it.
DISPLAY = {
    OURS: "_t0 = time.perf_counter()\nw = LineageWidget(g{kwargs})\n",
    CYTOSCAPE: (
        "_t0 = time.perf_counter()\nw = ipycytoscape.CytoscapeWidget()\n"
        "w.graph.add_graph_from_networkx(nx_g, directed=True)\n"
        'w.set_layout(name="dagre", rankDir="LR")\n'
    ),
    SIGMA: "_t0 = time.perf_counter()\nw = Sigma(nx_g)\n",
}
DISPLAY_END = "_build = time.perf_counter() - _t0\nw"

STATS = (
    'print(json.dumps({"build_s": _build, "graph_bytes": _graph_bytes, '
    '"kernel_bytes": _rss() - _rss0}))'
)

# Expand: 20 training runs pulled out of their cluster, each with a downstream control that
# fetches exactly one node (its model). The threshold keeps the 20 models from clustering.
EXPAND_SETUP = (
    'w_expand = LineageWidget(g, root="processed:v0", depth=1, cluster_threshold=50)\n'
    "for _i in range({count}):\n"
    '    w_expand.pull_out(f"train-{{_i}}")\n'
)


# ---- websocket bytes -------------------------------------------------------------------------


class WireCounter:
    """Sizes of every frame on the page's kernel websockets, both directions, in order."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def attach(self, page: Page) -> None:
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws: WebSocket) -> None:
        if "/api/kernels/" in ws.url:
            ws.on("framesent", self._add)
            ws.on("framereceived", self._add)

    def _add(self, payload: str | bytes) -> None:
        self.sizes.append(len(payload) if isinstance(payload, bytes) else len(payload.encode()))

    def mark(self) -> int:
        return len(self.sizes)

    def since(self, mark: int) -> int:
        return sum(self.sizes[mark:])


# ---- a page stuck in one long task -----------------------------------------------------------


class Watchdog:
    """Ends the page's renderer processes (by pid) when a measurement overruns its time.

    A page whose main thread is stuck in one long task (a layout of thousands of nodes) answers
    no Playwright call, so no in-page deadline or Playwright timeout can end the wait: ending the
    renderer makes the pending call fail at once. Only one benchmark page is open at a time.
    """

    def __init__(self, browser: Browser) -> None:
        self.cdp = browser.new_browser_cdp_session()

    def renderer_pids(self) -> list[int]:
        info = self.cdp.send("SystemInfo.getProcessInfo")
        return [int(p["id"]) for p in info["processInfo"] if p["type"] == "renderer"]

    @contextlib.contextmanager
    def guard(self, seconds: float) -> Iterator[threading.Event]:
        pids = self.renderer_pids()
        fired = threading.Event()

        def end_renderers() -> None:
            fired.set()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

        timer = threading.Timer(seconds, end_renderers)
        timer.daemon = True
        timer.start()
        try:
            yield fired
        finally:
            timer.cancel()


# ---- one notebook session --------------------------------------------------------------------


@dataclass
class Session:
    """A fresh page, notebook and kernel for one widget."""

    page: Page
    notebook: LabNotebook
    wire: WireCounter
    errors: list[str]
    watchdog: Watchdog

    def run(self, code: str) -> str:
        return self.notebook.run(code)

    def call(self, name: str, args: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Runs ``__bench[name](args)`` in the page. The timeout is Playwright's (enforced
        outside the page), backed by the watchdog for a page stuck in one long task."""
        with self.watchdog.guard(timeout_s + 10) as fired:
            try:
                self.page.evaluate(
                    """([name, args]) => {
                        window.__benchResult = undefined;
                        window.__bench[name](args).then(
                            (value) => { window.__benchResult = {value}; },
                            (error) => { window.__benchResult = {value: {error: String(error)}}; });
                    }""",
                    [name, args],
                )
                handle = self.page.wait_for_function(
                    "() => window.__benchResult", timeout=timeout_s * 1000, polling=50
                )
                result: dict[str, Any] = handle.json_value()["value"]
            except PlaywrightTimeout:
                return {"timeout": True}
            except PlaywrightError:
                if fired.is_set():
                    return {"timeout": True}
                raise
        return result

    def show_sweep(self, n: int, kwargs: str, timeout_s: float) -> tuple[dict[str, Any], int]:
        """Builds the sweep of size ``n`` in one cell, then times ours displaying it
        (``LineageWidget(g<kwargs>)``) in the next."""
        self.run(GRAPH[OURS].format(n=n))
        code = DISPLAY[OURS].format(kwargs=kwargs) + DISPLAY_END
        return self.display(code, OURS, 0, timeout_s)

    def display(
        self, code: str, widget: str, expected: int, timeout_s: float
    ) -> tuple[dict[str, Any], int]:
        """Runs a display cell; returns the page's timings and the websocket bytes meanwhile."""
        mark = self.wire.mark()
        result = self.call(
            "runCellTimed",
            {
                "code": code,
                "widget": widget,
                "expected": expected,
                "timeoutMs": timeout_s * 1000,
                "quietMs": QUIET_MS,
            },
            timeout_s + 5,
        )
        if not result.get("timeout"):
            self.page.wait_for_timeout(50)  # let the last frame events reach Python
        return result, self.wire.since(mark)

    def stats(self) -> dict[str, float]:
        stats: dict[str, float] = json.loads(self.run(STATS))
        return stats


class Bench:
    def __init__(self, browser: Browser, server: JupyterServer, timeout_s: float) -> None:
        self.browser = browser
        self.server = server
        self.timeout_s = timeout_s
        self.watchdog = Watchdog(browser)

    @contextlib.contextmanager
    def session(self, widget: str) -> Iterator[Session]:
        context: BrowserContext = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(HERE / "bench_page.js"))
        page = context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        wire = WireCounter()
        wire.attach(page)
        name = f"bench-{widget}-{uuid.uuid4().hex[:8]}.ipynb"
        notebook = LabNotebook.open(page, self.server, name, [f"# benchmark: {widget}"])
        try:
            imports = IMPORTS[widget] if widget in IMPORTS else IMPORTS[OURS]
            notebook.run(SETUP.format(tests=str(TESTS), imports=imports))
            yield Session(page, notebook, wire, errors, self.watchdog)
        finally:
            with contextlib.suppress(Exception):
                self.server.shutdown_session(notebook.path)
            with contextlib.suppress(PlaywrightError):
                context.close()
            with contextlib.suppress(OSError):
                (self.server.root_dir / name).unlink()

    # ---- per size --------------------------------------------------------------------------

    def ours(self, n: int) -> dict[str, Any]:
        """First draw, build, memory and bytes of the whole sweep; then 20 one-node expands."""
        with self.session(OURS) as s:
            draw, wire_bytes = s.show_sweep(n, "", self.timeout_s)
            if "firstDrawMs" not in draw:
                return {"error": describe_failure(draw, s.errors)}
            out: dict[str, Any] = {
                "first_draw_ms": draw["firstDrawMs"],
                "drawn_ms": draw["drawnMs"],
                "first_draw_bytes": wire_bytes,
                "first_draw_data_bytes": wire_bytes - widget_code_bytes(),
                **kernel_figures(s.stats()),
                **{f"draw_{k}_ms": v for k, v in (draw.get("phases") or {}).items()},
            }
            out.update(self.expands(s, n))
            if s.errors:
                out["page_errors"] = s.errors[:5]
            return out

    def expands(self, s: Session, n: int) -> dict[str, Any]:
        count = min(EXPANDS, n)
        s.run(EXPAND_SETUP.format(count=count))
        draw, _ = s.display("w_expand", OURS, 0, self.timeout_s)
        if "index" not in draw:
            return {"expand_error": describe_failure(draw, s.errors)}
        times: list[float] = []
        sizes: list[int] = []
        moves: list[float] = []
        phases: dict[str, list[float]] = {}
        order_changes = 0
        for i in range(count):
            mark = s.wire.mark()
            result = s.call(
                "expandOnce",
                {
                    "index": draw["index"],
                    "id": f"train-{i}",
                    "direction": "downstream",
                    "newId": f"model:v{i}",
                    "timeoutMs": 10_000,
                    "quietMs": QUIET_MS,
                },
                40,
            )
            s.page.wait_for_timeout(20)
            if "ms" not in result:
                return {"expand_error": describe_failure(result, s.errors)}
            times.append(result["ms"])
            sizes.append(s.wire.since(mark))
            moves.append(result["displacement"])
            order_changes += result["orderChanges"]
            for key, value in (result.get("phases") or {}).items():
                phases.setdefault(key, []).append(value)
        return {
            **{f"expand_{k}_ms": statistics.median(v) for k, v in phases.items()},
            "expand_ms": statistics.median(times),
            "expand_ms_max": max(times),
            "expand_bytes": statistics.median(sizes),
            "expand_bytes_max": max(sizes),
            "expand_displacement_px": statistics.fmean(moves),
            "expand_order_changes": order_changes,
        }

    def peer(self, widget: str, n: int) -> dict[str, Any]:
        with self.session(widget) as s:
            s.run(GRAPH["peer"].format(n=n))
            code = DISPLAY[widget] + DISPLAY_END
            draw, wire_bytes = s.display(code, widget, 4 * n + 4, self.timeout_s)
            if draw.get("timeout"):
                return {"timeout": True}
            if "firstDrawMs" not in draw:
                return {"error": describe_failure(draw, s.errors)}
            out: dict[str, Any] = {
                "first_draw_ms": draw["firstDrawMs"],
                "drawn_ms": draw["drawnMs"],
                "first_draw_bytes": wire_bytes,
                **kernel_figures(s.stats()),
            }
            if s.errors:
                out["page_errors"] = s.errors[:5]
            return out

    # ---- scenarios of ours alone -----------------------------------------------------------

    def search(self) -> dict[str, Any]:
        """Per-keystroke latency of the member search in a cluster of 10,000 runs."""
        with self.session(OURS) as s:
            draw, _ = s.show_sweep(SEARCH_MEMBERS, ', root="processed:v0", depth=1', self.timeout_s)
            if "index" not in draw:
                return {"error": describe_failure(draw, s.errors)}
            opened = s.call("openCluster", {"index": draw["index"], "timeoutMs": 20_000}, 40)
            if opened.get("count") != SEARCH_MEMBERS:
                return {"error": f"cluster not opened as expected: {opened}"}
            typed = s.call("typeSearch", {"index": draw["index"], "text": SEARCH_TEXT}, 60)
            if "perKey" not in typed:
                return {"error": describe_failure(typed, s.errors)}
            keys: list[float] = typed["perKey"]
            return {
                "search_key_ms": statistics.median(keys),
                "search_key_ms_max": max(keys),
                "search_rows_for_text": typed["rowsForText"],
                "keystrokes": len(keys),
            }

    def clusters_off(self) -> dict[str, Any]:
        """2,000 nodes drawn with clusters off: first draw, then frames per second while panning
        (drag) and zooming (wheel) for about two seconds."""
        with self.session(OURS) as s:
            draw, wire_bytes = s.show_sweep(
                CLUSTERS_OFF_N, ", cluster_threshold=None", self.timeout_s
            )
            if "firstDrawMs" not in draw:
                return {"error": describe_failure(draw, s.errors)}
            out: dict[str, Any] = {
                "off_first_draw_ms": draw["firstDrawMs"],
                "off_first_draw_bytes": wire_bytes,
                "off_nodes": draw["elements"],
            }
            out.update(pan_and_zoom(s, draw["index"]))
            return out


def pan_and_zoom(s: Session, index: int) -> dict[str, Any]:
    """Real mouse input (CDP): half the time dragging the background, half wheeling."""
    point = s.page.evaluate("args => __bench.backgroundPoint(args)", {"index": index})
    if point is None:
        return {"fps_error": "no empty background to drag"}
    x, y = point["x"], point["y"]
    mouse = s.page.mouse
    mouse.move(x, y)
    s.page.evaluate("() => __bench.startFrameCounter()")
    half = PAN_ZOOM_SECONDS / 2
    start = time.monotonic()
    mouse.down()
    step = 0
    while time.monotonic() - start < half:
        step += 1
        mouse.move(x + 120 * math.sin(step / 8), y + 60 * math.cos(step / 11))
    mouse.up()
    mouse.move(x, y)
    step = 0
    while time.monotonic() - start < PAN_ZOOM_SECONDS:
        step += 1
        mouse.wheel(0, 60 if (step // 10) % 2 else -60)
    frames: dict[str, Any] = s.page.evaluate("() => __bench.stopFrameCounter()")
    return {"fps": frames["fps"], "worst_frame_ms": frames["worstFrameMs"]}


def widget_code_bytes() -> int:
    """What anywidget sends of our front end with each new widget (``_esm`` and ``_css`` as JSON
    strings in the comm_open): about, since the wire encoding may escape a little differently."""
    return sum(
        len(json.dumps(path.read_text())) for path in (STATIC / "widget.js", STATIC / "widget.css")
    )


def kernel_figures(stats: dict[str, float]) -> dict[str, float]:
    return {
        "build_ms": stats["build_s"] * 1000,
        "graph_mb": stats["graph_bytes"] / 1e6,
        "kernel_mb": stats["kernel_bytes"] / 1e6,
    }


def describe_failure(result: dict[str, Any], errors: list[str]) -> str:
    if result.get("timeout"):
        return TIMEOUT
    text = str(result.get("error", result))
    if errors:
        text += f" (page errors: {errors[:3]})"
    return text


# ---- statistics and report -------------------------------------------------------------------


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


# ---- driver ----------------------------------------------------------------------------------


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
    parser.add_argument("--sizes", help="comma-separated N (default 25,250,2500,25000)")
    parser.add_argument("--repeats", type=int, help="runs per figure (default 3; --quick: 1)")
    parser.add_argument(
        "--timeout", type=float, help="seconds one draw may take (default 120; --quick: 60)"
    )
    parser.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated peers ('' for none)"
    )
    parser.add_argument(
        "--report", type=Path, help="print the table and targets of a saved JSON, run nothing"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results" / "latest.json", help="JSON results"
    )
    args = parser.parse_args(argv)
    default_sizes = "25,250" if args.quick else "25,250,2500,25000"
    args.sizes = [int(s.replace("_", "")) for s in (args.sizes or default_sizes).split(",")]
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.timeout = args.timeout or (60.0 if args.quick else 120.0)
    args.peers = [p for p in args.peers.split(",") if p]
    return args


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def brief(result: dict[str, Any]) -> str:
    if "first_draw_ms" not in result:
        return next((f"{k}: {v}" for k, v in result.items()), "no data")
    text = f"build {result['build_ms']:.0f} ms, first draw {result['first_draw_ms']:.0f} ms"
    if "expand_ms" in result:
        text += f", expand {result['expand_ms']:.0f} ms"
    return text


def load(path: Path) -> Results:
    """Results saved by an earlier run (its JSON), to print again."""
    saved = json.loads(path.read_text())
    runs = {w: {int(n): r for n, r in by_n.items()} for w, by_n in saved["runs"].items()}
    meta = saved["args"]
    results = Results(meta["sizes"], meta["repeats"], meta["timeout_s"], list(runs))
    results.runs = runs
    results.scenarios = saved["scenarios"]
    return results


def measure(args: argparse.Namespace, results: Results) -> None:
    """Every size, widget and scenario, ``args.repeats`` times, in one JupyterLab and Chromium."""
    timed_out: dict[str, int] = {}  # peer -> smallest N that timed out
    with tempfile.TemporaryDirectory(prefix="lineage-bench-") as tmp:
        server = JupyterServer.start(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
                )
                bench = Bench(browser, server, args.timeout)
                for repeat in range(args.repeats):
                    run_sizes(bench, results, repeat, timed_out)
                    run_scenarios(bench, results, repeat)
                browser.close()
        finally:
            server.stop()
    # A size at which a peer timed out is skipped in later repeats: same verdict for all.
    for widget, smallest in timed_out.items():
        runs = results.runs.get(widget, {}).get(smallest, [])
        runs[:] = [{"timeout": True} for _ in runs]


def run_sizes(bench: Bench, results: Results, repeat: int, timed_out: dict[str, int]) -> None:
    for n in results.sizes:
        for widget in results.widgets:
            log(f"[{repeat + 1}/{results.repeats}] N={n:,} {widget} ...")
            step = time.monotonic()
            if widget != OURS and n >= timed_out.get(widget, math.inf):
                result: dict[str, Any] = {"skipped": True}
            elif widget == OURS:
                result = bench.ours(n)
            else:
                result = bench.peer(widget, n)
                if result.get("timeout"):
                    timed_out[widget] = min(n, timed_out.get(widget, n))
            results.runs.setdefault(widget, {}).setdefault(n, []).append(result)
            log(f"    {brief(result)} ({time.monotonic() - step:.0f} s)")


def run_scenarios(bench: Bench, results: Results, repeat: int) -> None:
    for name, scenario in (("search", bench.search), ("clusters_off", bench.clusters_off)):
        log(f"[{repeat + 1}/{results.repeats}] {name} ...")
        step = time.monotonic()
        earlier = results.scenarios.setdefault(name, [])
        # A draw that timed out is not tried again in later repeats.
        timed = [run for run in earlier if run.get("error") == TIMEOUT]
        outcome = dict(timed[0]) if timed else scenario()
        earlier.append(outcome)
        log(f"    {outcome} ({time.monotonic() - step:.0f} s)")


def save(
    args: argparse.Namespace,
    results: Results,
    missing: dict[str, str],
    report: str,
    goal: list[Target],
) -> None:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "args": {
                    "sizes": args.sizes,
                    "repeats": args.repeats,
                    "timeout_s": args.timeout,
                    "quick": args.quick,
                },
                "versions": versions(),
                "missing_peers": missing,
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report is not None:
        saved = load(args.report)
        print(table(saved))
        print()
        print(targets_text(targets(saved)))
        return 0
    peers, missing = available_peers(args.peers)
    results = Results(args.sizes, args.repeats, args.timeout, [OURS, *peers])
    started = time.monotonic()
    measure(args, results)
    report = table(results)
    goal = targets(results)
    print()
    print(report)
    print()
    print(targets_text(goal))
    for peer, why in missing.items():
        print(f"\n{peer}: {why}")
    print(f"\n(benchmark took {time.monotonic() - started:.0f} s)")
    save(args, results, missing, report, goal)
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"results: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
