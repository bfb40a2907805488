"""Drives the benchmark's pages: one notebook and kernel per measurement in a real JupyterLab and
Chromium, every latency taken inside the page (bench_page.js), the kernel websockets' bytes
counted, and a watchdog for a page stuck in one long task. ``measure`` runs every size, widget and
scenario into a ``Results``.

JupyterLab, Chromium and the notebooks come from the tests' support module (tests/support.py):
one definition for the tests and the benchmarks.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from report import Results
from scenarios import (
    CLUSTERS_OFF_N,
    DISPLAY,
    DISPLAY_END,
    EXPAND_SETUP,
    EXPANDS,
    GRAPH,
    INPUTS,
    MILLION_N,
    NETWORKX_N,
    OURS,
    PAN_ZOOM_SECONDS,
    QUIET_MS,
    SEARCH_MEMBERS,
    SEARCH_TEXT,
    STATS,
    TIMEOUT,
    WHEEL_NOTCHES,
    setup_cell,
    widget_code_bytes,
)
from support import (
    JupyterServer,
    LabNotebook,
    chromium,
    jupyter_server,
    new_page,
    open_notebook,
)

HERE = Path(__file__).resolve().parent


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

    def show_sweep(
        self, n: int, kwargs: str, timeout_s: float, graph_input: str = "lineage"
    ) -> tuple[dict[str, Any], int]:
        """Builds the sweep of size ``n`` in one cell (a ``LineageGraph``, or a networkx graph
        for ``graph_input="networkx"``), then times ours displaying it
        (``LineageWidget(g<kwargs>)``) in the next."""
        build, name = INPUTS[graph_input]
        self.run(build.format(n=n))
        code = DISPLAY[OURS].format(graph=name, kwargs=kwargs) + DISPLAY_END
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
        context, page = new_page(self.browser)
        context.add_init_script(path=str(HERE / "bench_page.js"))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        wire = WireCounter()
        wire.attach(page)
        name = f"bench-{widget}-{uuid.uuid4().hex[:8]}.ipynb"
        notebook = open_notebook(page, self.server, name, f"benchmark: {widget}", timeout_s=60)
        try:
            notebook.run(setup_cell(widget))
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
            out.update(cross_detail_threshold(s, draw["index"]))
            return out

    def whole_graph(self, n: int, graph_input: str) -> dict[str, Any]:
        """A big graph shown whole (issue 16): the graph built in an earlier cell, untimed; the
        widget's construction in the kernel ("ready"), the first draw and the kernel memory."""
        with self.session(OURS) as s:
            draw, wire_bytes = s.show_sweep(n, "", self.timeout_s, graph_input)
            if "firstDrawMs" not in draw:
                return {"error": describe_failure(draw, s.errors)}
            out: dict[str, Any] = {
                "first_draw_ms": draw["firstDrawMs"],
                "first_draw_bytes": wire_bytes,
                **kernel_figures(s.stats()),
                **{f"draw_{k}_ms": v for k, v in (draw.get("phases") or {}).items()},
            }
            if s.errors:
                out["page_errors"] = s.errors[:5]
            return out

    def networkx(self) -> dict[str, Any]:
        return self.whole_graph(NETWORKX_N, "networkx")

    def million(self) -> dict[str, Any]:
        return self.whole_graph(MILLION_N, "lineage")

    def million_networkx(self) -> dict[str, Any]:
        return self.whole_graph(MILLION_N, "networkx")


def pan_and_zoom(s: Session, index: int) -> dict[str, Any]:
    """Real mouse input (CDP): half the time dragging the background, half wheeling
    ``WHEEL_NOTCHES`` out and as many back in, over and over (crossing the far/near detail
    threshold each way); the frame rate, the longest frame and how often the detail changed."""
    point = s.page.evaluate("args => __bench.backgroundPoint(args)", {"index": index})
    if point is None:
        return {"fps_error": "no empty background to drag"}
    x, y = point["x"], point["y"]
    mouse = s.page.mouse
    mouse.move(x, y)
    s.page.evaluate("args => __bench.watchDetail(args)", {"index": index})
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
    # (at least one whole way out and back in, however slowly the page takes the wheel)
    while time.monotonic() - start < PAN_ZOOM_SECONDS or step < 2 * WHEEL_NOTCHES:
        mouse.wheel(0, 60 if (step // WHEEL_NOTCHES) % 2 == 0 else -60)  # (out first)
        step += 1
    frames: dict[str, Any] = s.page.evaluate("() => __bench.stopFrameCounter()")
    detail: int = s.page.evaluate("() => __bench.detailChanges()")
    return {
        "fps": frames["fps"],
        "worst_frame_ms": frames["worstFrameMs"],
        "detail_changes": detail,
    }


# One wheel notch (60 px) zooms by exp(-60 * 0.0015) = 0.914 (panzoom.ts); the far/near detail
# threshold is at scale 0.3, and the wheel goes on out to DETAIL_FAR_SCALE.
DETAIL_NOTCH = math.exp(-60 * 0.0015)
DETAIL_FAR_SCALE = 0.2
CONTENT = "document.querySelector('.lineage-widget .lw-content')"


def cross_detail_threshold(s: Session, index: int) -> dict[str, Any]:
    """Wheel out from the present scale past the far/near detail threshold (cards become plain
    boxes) to DETAIL_FAR_SCALE and back in, over empty background, at the pace of real wheel
    input: frames per second and the longest frame, and whether the content layer did switch
    to "far" and back to "near"."""
    point = s.page.evaluate("args => __bench.backgroundPoint(args)", {"index": index})
    if point is None:
        return {"detail_error": "no empty background to wheel over"}
    s.page.mouse.move(point["x"], point["y"])
    s.page.wait_for_timeout(300)  # the pan and zoom before this settle
    scale = s.page.evaluate(f"() => new DOMMatrix(getComputedStyle({CONTENT}).transform).a")
    notches = max(1, math.ceil(math.log(DETAIL_FAR_SCALE / scale) / math.log(DETAIL_NOTCH)))
    s.page.evaluate("() => __bench.startFrameCounter()")
    details = []
    for delta in (60, -60):
        for _ in range(notches):
            s.page.mouse.wheel(0, delta)
        details.append(s.page.evaluate(f"() => {CONTENT}.dataset.detail"))
    frames: dict[str, Any] = s.page.evaluate("() => __bench.stopFrameCounter()")
    return {
        "detail_fps": frames["fps"],
        "detail_worst_frame_ms": frames["worstFrameMs"],
        "detail_switched": details == ["far", "near"],
    }


def kernel_figures(stats: dict[str, float]) -> dict[str, float]:
    return {
        "build_ms": stats["build_s"] * 1000,
        "build_cpu_ms": stats["build_cpu_s"] * 1000,
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


@contextlib.contextmanager
def lab_and_chromium(timeout_s: float) -> Iterator[Bench]:
    """One isolated JupyterLab and one headless Chromium for the block, as a ``Bench`` whose
    draws may take ``timeout_s`` seconds."""
    with (
        tempfile.TemporaryDirectory(prefix="lineage-bench-") as tmp,
        jupyter_server(Path(tmp)) as server,
        chromium() as browser,
    ):
        yield Bench(browser, server, timeout_s)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def brief(result: dict[str, Any]) -> str:
    if "first_draw_ms" not in result:
        return next((f"{k}: {v}" for k, v in result.items()), "no data")
    text = f"build {result['build_ms']:.0f} ms, first draw {result['first_draw_ms']:.0f} ms"
    if "expand_ms" in result:
        text += f", expand {result['expand_ms']:.0f} ms"
    return text


def measure(results: Results) -> None:
    """Every size, widget and scenario of ``results``, its ``repeats`` times, in one JupyterLab
    and one Chromium."""
    timed_out: dict[str, int] = {}  # peer -> smallest N that timed out
    with lab_and_chromium(results.timeout_s) as bench:
        for repeat in range(results.repeats):
            run_sizes(bench, results, repeat, timed_out)
            run_scenarios(bench, results, repeat)
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
    for name in results.scenario_names:
        scenario = getattr(bench, name)
        log(f"[{repeat + 1}/{results.repeats}] {name} ...")
        step = time.monotonic()
        earlier = results.scenarios.setdefault(name, [])
        # A draw that timed out is not tried again in later repeats.
        timed = [run for run in earlier if run.get("error") == TIMEOUT]
        outcome = dict(timed[0]) if timed else scenario()
        earlier.append(outcome)
        log(f"    {outcome} ({time.monotonic() - step:.0f} s)")
