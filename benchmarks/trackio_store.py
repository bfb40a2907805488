"""A real Trackio store with an artifact of 20,000 consumers: open, first draw, every consumer.

One command: ``.venv/bin/python benchmarks/trackio_store.py [--consumers 20000] [--repeats 3]``.
The store is a pipeline logged with trackio's own API plus bulk ``run_artifact_links`` and
``configs`` rows written as trackio writes them (``tests/trackio_support.py``, the tests' one
definition). The widget runs in a real JupyterLab and headless Chromium, driven by the code of
``benchmarks/run.py`` (imported, not copied). Trackio's own dashboard (``trackio.show``, on
127.0.0.1) draws the same artifact's lineage page beside it when it starts. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import run as lab  # noqa: E402  (benchmarks/run.py: JupyterLab, Chromium and the page driver)
from trackio_support import write_wide_store  # noqa: E402

PROJECT, ARTIFACT, ROOT_ID = "wide", "model:v0", "wide/model:v0"
OPEN_TARGET_S, DRAW_TARGET_MS, ALL_TARGET_S = 0.3, 1000.0, 5.0

OPEN_CELL = """_t0 = time.perf_counter()
w = LineageWidget.from_trackio({project!r}, artifact={artifact!r}, trackio_dir={store!r})
_build = time.perf_counter() - _t0
w"""
SHOWN = """print(json.dumps({{"open_s": _build, "nodes": len(w.graph),
    "more": w._explorer.more({root!r}, "downstream")}}))"""
# Every consumer, page after page, as the page's "more" control asks for them (each page is
# sent to the page as it lands).
REACH_ALL = """_t0 = time.perf_counter()
while w._explorer.more({root!r}, "downstream"):
    w.expand({root!r}, "downstream")
_all = time.perf_counter() - _t0
print(json.dumps({{"all_s": _all, "consumers": sum(1 for _ in w.graph.consumer_ids({root!r}))}}))"""


@dataclass
class Figures:
    open_s: list[float]
    draw_ms: list[float]
    nodes: int = 0
    more: int = 0
    all_s: float | None = None
    consumers: int | None = None
    trackio_ui: dict[str, Any] | None = None


def measure_widget(store: Path, repeats: int, timeout_s: float) -> Figures:
    figures = Figures([], [])
    with tempfile.TemporaryDirectory(prefix="lineage-bench-trackio-") as tmp:
        server = lab.JupyterServer.start(Path(tmp))
        try:
            with lab.sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=lab.chromium_path(), headless=True, args=lab.CHROMIUM_ARGS
                )
                bench = lab.Bench(browser, server, timeout_s)
                for repeat in range(repeats):
                    log(f"[{repeat + 1}/{repeats}] open and first draw ...")
                    with bench.session(lab.OURS) as s:
                        code = OPEN_CELL.format(
                            project=PROJECT, artifact=ARTIFACT, store=str(store)
                        )
                        draw, _ = s.display(code, lab.OURS, 0, timeout_s)
                        if "firstDrawMs" not in draw:
                            raise RuntimeError(lab.describe_failure(draw, s.errors))
                        shown = json.loads(s.run(SHOWN.format(root=ROOT_ID)))
                        figures.open_s.append(shown["open_s"])
                        figures.draw_ms.append(draw["firstDrawMs"])
                        figures.nodes, figures.more = shown["nodes"], shown["more"]
                        if repeat == 0:
                            log("    every consumer, page by page ...")
                            reached = json.loads(s.run(REACH_ALL.format(root=ROOT_ID)))
                            figures.all_s, figures.consumers = (
                                reached["all_s"],
                                reached["consumers"],
                            )
                    log(f"    open {figures.open_s[-1]:.3f} s, drawn {figures.draw_ms[-1]:.0f} ms")
                figures.trackio_ui = measure_trackio_ui(browser, store, timeout_s)
                browser.close()
        finally:
            server.stop()
    return figures


# ---- Trackio's own dashboard ------------------------------------------------------------------

# trackio.show on 127.0.0.1, on a copy of the store (the dashboard opens it read-write).
UI_SERVER = """import sys, trackio
trackio.show(project={project!r}, open_browser=False, block_thread=True,
             host="127.0.0.1", server_port={port})
"""
UI_PATH = (
    "/artifacts?project={project}&selected_artifact=model&selected_version=v0&detail_tab=lineage"
)
# Drawn: the lineage graph's node boxes stop changing in number for 500 ms (the time is when
# they last changed, from navigation start). Its clusters' labels say how many runs they hold.
UI_DRAWN = r"""async ({timeoutMs}) => {
  const deadline = performance.now() + timeoutMs;
  let count = -1, since = performance.now();
  while (performance.now() < deadline) {
    const now = document.querySelectorAll(".graph-container .node").length;
    if (now !== count) { count = now; since = performance.now(); }
    else if (count > 0 && performance.now() - since > 500) {
      const clusters = [...document.querySelectorAll(".graph-container .node.cluster")];
      // (the label's text repeats its count: keep the first "<count> <kind>")
      const label = (c) => c.textContent.match(/\d[\d,]* \w+/)?.[0] ?? c.textContent.trim();
      return {ms: since, nodes: count, clusters: [...new Set(clusters.map(label))]};
    }
    await new Promise((r) => requestAnimationFrame(r));
  }
  return {timeout: true, nodes: count};
}"""


def measure_trackio_ui(browser: Any, store: Path, timeout_s: float) -> dict[str, Any]:
    """First draw of the artifact's lineage tab in trackio's dashboard (navigation start ->
    the graph's nodes stop changing), and how many nodes it shows."""
    log("Trackio's own dashboard ...")
    with tempfile.TemporaryDirectory(prefix="trackio-ui-") as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(store, copy)
        port = free_port()
        env = {**os.environ, "TRACKIO_DIR": str(copy)}
        for name in ("TRACKIO_SPACE_ID", "TRACKIO_SERVER_URL", "TRACKIO_BUCKET_ID"):
            env.pop(name, None)
        code = UI_SERVER.format(project=PROJECT, port=port)
        output = Path(tmp) / "server.log"
        with output.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-c", code], env=env, stdout=sink, stderr=subprocess.STDOUT
            )
        try:
            if not wait_for_port(port, process, 60):
                return {"error": f"trackio.show did not start: {output.read_text()[-500:]}"}
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            try:
                page.goto(f"http://127.0.0.1:{port}{UI_PATH.format(project=PROJECT)}")
                result: dict[str, Any] = page.evaluate(UI_DRAWN, {"timeoutMs": timeout_s * 1000})
                return result
            finally:
                context.close()
        finally:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
            if process.poll() is None:
                process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        time.sleep(0.2)
    return False


# ---- report -----------------------------------------------------------------------------------


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else ("MET" if met else "NOT MET")


def report(figures: Figures, consumers: int) -> str:
    total = consumers + 1  # the bulk consumers and the one logged through trackio
    open_s = statistics.median(figures.open_s)
    draw_ms = statistics.median(figures.draw_ms)
    lines = [
        f"Trackio store: {PROJECT}/{ARTIFACT} with {total:,} consumers "
        f"(median of {len(figures.open_s)}; [min..max])",
        f"  open in the kernel (from_trackio)     {open_s * 1000:.0f} ms "
        f"[{min(figures.open_s) * 1000:.0f}..{max(figures.open_s) * 1000:.0f}]",
        f"  first draw in JupyterLab              {draw_ms:.0f} ms "
        f"[{min(figures.draw_ms):.0f}..{max(figures.draw_ms):.0f}]",
        f"  shown at first: {figures.nodes} nodes; the rest counted: {figures.more:,} more",
    ]
    if figures.all_s is not None:
        lines.append(
            f"  every consumer, page by page          {figures.all_s:.2f} s "
            f"({figures.consumers:,} of {total:,} reached)"
        )
    ui = figures.trackio_ui or {}
    if "ms" in ui:
        lines.append(
            f"  trackio's dashboard, lineage tab      {ui['ms']:.0f} ms (page load -> drawn), "
            f"{ui['nodes']} boxes; clusters: {'; '.join(ui.get('clusters') or []) or 'none'}"
        )
    else:
        lines.append(f"  trackio's dashboard: {ui.get('error') or ui}")
    reached = figures.consumers == total
    lines += [
        "",
        "Targets (issue 11):",
        f"  [{verdict(open_s <= OPEN_TARGET_S):^12}] open <= {OPEN_TARGET_S} s: {open_s:.3f} s",
        f"  [{verdict(draw_ms <= DRAW_TARGET_MS):^12}] first draw <= 1 s: {draw_ms:.0f} ms",
        f"  [{verdict(None if figures.consumers is None else reached):^12}] "
        f"all consumers reachable: {figures.consumers} of {total}",
        f"  [{verdict(None if figures.all_s is None else figures.all_s <= ALL_TARGET_S):^12}] "
        f"all of them in <= {ALL_TARGET_S:.0f} s: {figures.all_s}",
    ]
    return "\n".join(lines)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trackio-store-") as tmp:
        log(f"writing the store ({args.consumers:,} bulk consumers) ...")
        started = time.monotonic()
        with contextlib.redirect_stdout(sys.stderr):  # trackio's own messages: not the report
            store = write_wide_store(Path(tmp), args.consumers)
        log(f"    {time.monotonic() - started:.1f} s")
        figures = measure_widget(store, args.repeats, args.timeout)
    print(report(figures, args.consumers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
