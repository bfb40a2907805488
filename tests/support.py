"""What the tests and the benchmarks share: the graphs they build, Chromium, and the notebook
servers they drive it in.

The test tiers import it as ``support`` (pyproject puts tests/ and tests/ui/ on pytest's
``pythonpath``); scripts (benchmarks/, scripts/) put tests/ on ``sys.path`` and import it the same
way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from fake_wandb import Lineage
from hypothesis import strategies as st
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    sync_playwright,
)

from lineage_widget import LineageGraph

# The notebook drivers live in tests/ui/: with them on the path, a script needs only tests/ on its
# path to import this module (pytest's pythonpath has both).
_UI = str(Path(__file__).resolve().with_name("ui"))
if _UI not in sys.path:
    sys.path.append(_UI)

from jupyterlab_harness import (  # noqa: E402
    JUPYTERLAB,
    NOTEBOOK7,
    JupyterApp,
    JupyterServer,
    LabNotebook,
)
from marimo_harness import MarimoServer  # noqa: E402

__all__ = [
    "BUNDLE",
    "CHROMIUM_ARGS",
    "CONSUMERS",
    "HARNESS",
    "JS",
    "JUPYTERLAB",
    "NOTEBOOK7",
    "OUTPUTS",
    "RESULTS",
    "ROOT",
    "VIEWPORT",
    "ChromiumNotFoundError",
    "JupyterServer",
    "LabNotebook",
    "MarimoServer",
    "build_lineage",
    "chromium",
    "chromium_path",
    "jupyter_server",
    "lineages",
    "new_page",
    "open_notebook",
    "pipeline_head",
    "save_screenshot",
    "sweep",
    "two_trainings",
    "wide_sweep",
]

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "js"
BUNDLE = ROOT / "lineage_widget" / "static" / "widget.js"  # built from js/ by npm (esbuild)
HARNESS = "/tests/ui/harness/index.html"  # the front-end tier's page, served from ROOT
# Screenshots of the states the browser tests drive, to look at (kept by CI as artifacts).
RESULTS = ROOT / "test-results"

# ---- graphs -----------------------------------------------------------------------------------


def pipeline_head() -> LineageGraph:
    """raw:v0 -> prep -> clean:v0: the head of most lineages the tests draw (the notebook tests
    run this function's source in their kernels: notebook_support.PIPELINE_HEAD)."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("prep", type="preprocess", name="prep")
    g.add_edge("raw:v0", "prep")
    g.add_artifact("clean:v0", type="dataset", name="clean", version="v0")
    g.add_edge("prep", "clean:v0")
    return g


def sweep(n_train: int = 3) -> LineageGraph:
    """raw -> prep -> clean -> n train runs -> n model versions -> one eval run."""
    g = pipeline_head()
    g.add_run("eval", type="eval", name="eval")
    for i in range(n_train):
        g.add_run(f"train-{i}", type="train", name=f"train-{i}")
        g.add_edge("clean:v0", f"train-{i}")
        g.add_artifact(f"model:v{i}", type="model", name="model", version=f"v{i}")
        g.add_edge(f"train-{i}", f"model:v{i}")
        g.add_edge(f"model:v{i}", "eval")
    return g


def wide_sweep(n: int, *, one_model_artifact: bool = True) -> LineageGraph:
    """raw -> preprocess -> processed -> n train runs -> n models -> n eval runs -> n metrics
    -> report (4n + 4 nodes). Models are versions of one artifact, or n separate artifacts."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("preprocess", type="preprocess")
    g.add_artifact("processed:v0", type="dataset", name="processed", version="v0")
    g.add_run("report", type="report")
    g.add_edge("raw:v0", "preprocess")
    g.add_edge("preprocess", "processed:v0")
    for i in range(n):
        model = f"model:v{i}" if one_model_artifact else f"model-{i}:v0"
        g.add_run(f"train-{i}", type="train")
        g.add_artifact(
            model, type="model", name=model.split(":", maxsplit=1)[0], version=model.split(":")[1]
        )
        g.add_run(f"eval-{i}", type="eval")
        g.add_artifact(f"metrics-{i}:v0", type="metrics", name=f"metrics-{i}", version="v0")
        g.add_edge("processed:v0", f"train-{i}")
        g.add_edge(f"train-{i}", model)
        g.add_edge(model, f"eval-{i}")
        g.add_edge(f"eval-{i}", f"metrics-{i}:v0")
        g.add_edge(f"metrics-{i}:v0", "report")
    return g


@st.composite
def lineages(draw: st.DrawFn) -> LineageGraph:
    """A random bipartite DAG: nodes get a random rank, edges go from lower to higher rank."""
    count = draw(st.integers(min_value=2, max_value=24))
    kinds = draw(st.lists(st.sampled_from(["run", "artifact"]), min_size=count, max_size=count))
    types = draw(st.lists(st.sampled_from(["a", "b"]), min_size=count, max_size=count))
    g = LineageGraph()
    for index, (kind, type_) in enumerate(zip(kinds, types, strict=True)):
        if kind == "run":
            g.add_run(f"n{index}", type=type_)
        else:
            g.add_artifact(f"n{index}", type=type_, version="v0")
    pairs = [
        (f"n{i}", f"n{j}")
        for i in range(count)
        for j in range(i + 1, count)
        if kinds[i] != kinds[j]
    ]
    if pairs:
        for src, dst in draw(st.lists(st.sampled_from(pairs), max_size=40, unique=True)):
            g.add_edge(src, dst)
    return g


# W&B's side of the fake W&B server's demo: what the real wandb SDK walks in the tests.
CONSUMERS = 500
OUTPUTS = 250


def build_lineage() -> Lineage:
    """raw -> prep -> clean -> train -> model:v0, model:v1 (best) -> 500 eval runs; a sweep run
    with 250 outputs; clean:v0 is also used by a run of another project, one of a deleted
    project and one of a project the viewer may not read; train also used an artifact of a
    deleted project."""
    lin = Lineage("ana")
    raw = lin.artifact("demo", "raw", "dataset", description="the raw data", metadata={"rows": 3})
    prep = lin.run("demo", "p1", "preprocess", "prep-run")
    lin.use(prep, raw)
    clean = lin.artifact("demo", "clean", "dataset")
    lin.log(prep, clean)
    train = lin.run("demo", "t1", "train", "brisk-sun-1")
    lin.use(train, clean)
    old = lin.artifact("gone", "old-data", "dataset")
    lin.use(train, old)
    lin.project("gone").deleted = True
    lin.log(train, lin.artifact("demo", "model", "model"))
    lin.log(train, lin.artifact("demo", "model", "model", aliases=["best"]))
    model = lin.artifacts["artifact-" + str(lin._count)]
    for i in range(CONSUMERS):
        lin.use(lin.run("demo", f"e{i}", "eval", f"eval-{i}"), model)
    lin.use(lin.run("other", "a1", "audit", "audit-run"), clean)
    lin.use(lin.run("gone", "g1", "eval", "lost-run"), clean)
    lin.use(lin.run("secret", "s1", "eval", "hidden-run"), clean)
    lin.project("secret").refused = "permission denied: project ana/secret"
    sweep = lin.run("demo", "sweep", "sweep", "big-sweep")
    for i in range(OUTPUTS):
        lin.log(sweep, lin.artifact("demo", f"ckpt-{i}", "checkpoint"))
    return lin


def two_trainings() -> LineageGraph:
    """raw:v0 -> prep -> processed:v1 -> train-a -> model:v3, and the same again with a new
    preprocessing (processed:v2) and another learning rate (model:v7); both evaluate on test:v0."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_artifact("test:v0", type="dataset", name="test", version="v0")
    for run, processed, train, model, config in (
        ("prep-1", "v1", "train-a", "v3", {"lr": 0.1, "opt": {"name": "adam", "beta": 0.9}}),
        ("prep-2", "v2", "train-b", "v7", {"lr": 0.01, "opt": {"name": "adam", "beta": 0.8}}),
    ):
        g.add_run(run, type="preprocess", details={"Config": {"clip": 5}})
        g.add_edge("raw:v0", run)
        g.add_artifact(
            f"processed:{processed}", type="dataset", name="processed", version=processed
        )
        g.add_edge(run, f"processed:{processed}")
        g.add_run(train, type="train", details={"Config": config})
        g.add_edge(f"processed:{processed}", train)
        g.add_edge("test:v0", train)
        g.add_artifact(f"model:{model}", type="model", name="model", version=model)
        g.add_edge(train, f"model:{model}")
    return g


# ---- Chromium ---------------------------------------------------------------------------------

# Debian's Chromium as root in a closed network (see docs/browser-testing in the team notes):
# no sandbox, no GPU, and none of the background requests the network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


class ChromiumNotFoundError(RuntimeError):
    """No Chromium binary where the tests look for one."""


def chromium_path() -> str:
    """The Chromium binary: $LINEAGE_WIDGET_CHROMIUM, else Debian's /usr/bin/chromium."""
    candidate = os.environ.get("LINEAGE_WIDGET_CHROMIUM") or shutil.which("chromium") or ""
    if not candidate or not Path(candidate).exists():
        raise ChromiumNotFoundError(
            "Chromium not found: install Debian's chromium (scripts/setup.sh does) "
            "or set LINEAGE_WIDGET_CHROMIUM to its path"
        )
    return candidate


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the block (Playwright's own browsers cannot be downloaded here)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    """A fresh context (no shared storage) and its page, at the size every test and benchmark
    draws in."""
    context = browser.new_context(viewport=VIEWPORT)
    return context, context.new_page()


# ---- notebook servers -------------------------------------------------------------------------


@contextlib.contextmanager
def jupyter_server(workdir: Path, app: JupyterApp = JUPYTERLAB) -> Iterator[JupyterServer]:
    """A JupyterLab (or Notebook 7) server isolated in ``workdir``, stopped after the block."""
    server = JupyterServer.start(workdir, app)
    try:
        yield server
    finally:
        server.stop()


def open_notebook(
    page: Page, server: JupyterServer, name: str, heading: str, timeout_s: float
) -> LabNotebook:
    """A new notebook ``name`` (one cell: the comment ``# heading``) open in ``page``,
    its kernel idle; ``timeout_s`` becomes the page's default wait."""
    page.set_default_timeout(timeout_s * 1000)
    return LabNotebook.open(page, server, name, [f"# {heading}"])


def save_screenshot(target: Page | Locator, name: str) -> bytes:
    """A screenshot of ``target`` (a page or one element) in ``test-results/<name>.png``, with
    animations finished; returns the PNG."""
    path = RESULTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return target.screenshot(path=path, animations="disabled", timeout=10_000)
