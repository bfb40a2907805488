"""What the end-to-end tests share: the small lineage they draw in a notebook host, and how to find
the widget's parts in the host's page.

raw:v0 -> prep -> clean:v0 -> train -> model:v0; rooted at prep with depth 1 the view starts with
raw:v0, prep and clean:v0, and train lies one downstream hop from clean:v0. (tests/ui/marimo_app.py
builds the first three in its own cell: marimo runs the app from a copy, away from this folder.)
"""

from __future__ import annotations

import inspect

from frontend_harness import READY
from jupyterlab_harness import LabNotebook
from playwright.sync_api import Locator, Page, expect
from support import pipeline_head

# raw:v0 -> prep -> clean:v0 as kernel code (support.pipeline_head's own source): the head of
# every lineage these tests draw.
PIPELINE_HEAD = (
    "from lineage_widget import GraphSource, LineageGraph, LineageWidget\n\n"
    + inspect.getsource(pipeline_head)
    + "\ng = pipeline_head()\n"
)
GRAPH = (
    PIPELINE_HEAD
    + """g.add_run("train", type="train", name="train")
g.add_edge("clean:v0", "train")
g.add_artifact("model:v0", type="model", name="model", version="v0")
g.add_edge("train", "model:v0")
"""
)
WIDGET = GRAPH + 'w = LineageWidget(g, root="prep", depth=1)\n'
START_NODES = ["raw:v0", "prep", "clean:v0"]

# A sweep of 8: processed -> train-i -> model:vi -> eval-i -> metrics-i -> report. Rooted at the
# report with depth 2, the page shows the report, a cluster of 8 metrics and a cluster of 8 eval
# runs, whose inputs (the models) are not fetched yet.
SWEEP = """
from lineage_widget import LineageGraph, LineageWidget

g = LineageGraph()
g.add_artifact("processed:v0", type="dataset", name="processed", version="v0")
g.add_run("report", type="report")
for i in range(8):
    g.add_run(f"train-{i}", type="train")
    g.add_artifact(f"model:v{i}", type="model", name="model", version=f"v{i}")
    g.add_run(f"eval-{i}", type="eval")
    g.add_artifact(f"metrics-{i}:v0", type="metrics", name=f"metrics-{i}", version="v0")
    g.add_edge("processed:v0", f"train-{i}")
    g.add_edge(f"train-{i}", f"model:v{i}")
    g.add_edge(f"model:v{i}", f"eval-{i}")
    g.add_edge(f"eval-{i}", f"metrics-{i}:v0")
    g.add_edge(f"metrics-{i}:v0", "report")
w = LineageWidget(g, root="report", depth=2)
"""
EVAL = "cluster:run:eval@-2"


def node(view: Locator, node_id: str) -> Locator:
    """The graph node ``node_id`` in ``view`` (the details panel carries data-node-id too)."""
    return view.locator(f'[data-node-id="{node_id}"]:not(.lineage-details)')


def inside(view: Locator, node_id: str) -> bool:
    """Node ``node_id``'s card lies wholly inside the view's viewport (what a user sees)."""
    inner: bool = view.evaluate(
        """(root, id) => {
            const port = root.querySelector(".lw-viewport").getBoundingClientRect();
            const box = root.querySelector(`.lw-node[data-node-id="${id}"]`)
                .getBoundingClientRect();
            return box.left >= port.left && box.right <= port.right
                && box.top >= port.top && box.bottom <= port.bottom;
        }""",
        node_id,
    )
    return inner


def expand_control(view: Locator, node_id: str, direction: str) -> Locator:
    return node(view, node_id).locator(f'[data-expand="{direction}"]')


def drawn_ids(view: Locator) -> set[str]:
    ids = view.locator("[data-node-id]:not(.lineage-details)").evaluate_all(
        "elements => elements.map(e => e.dataset.nodeId)"
    )
    return set(ids)


def show(notebook: LabNotebook, code: str = "w") -> Locator:
    """Display a widget and return its drawn root."""
    view = notebook.display(code).locator(READY)
    expect(view).to_have_count(1)
    return view


LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"


def set_theme(page: Page, theme: str) -> None:
    """Switch Lab's theme with its own command and wait until its colours are applied."""
    page.evaluate(
        "async (theme) => { await window.jupyterapp.commands.execute("
        "'apputils:change-theme', {theme}); }",
        theme,
    )
    light = "true" if theme == LIGHT else "false"
    page.wait_for_function(
        """([theme, light]) => document.body.dataset.jpThemeName === theme
            && document.body.dataset.jpThemeLight === light
            && getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim() !== ""
        """,
        arg=[theme, light],
    )
    # JupyterLab shows its splash screen while a theme loads and takes it off 200 ms after the
    # theme is in, with a timer that does not expect another theme change meanwhile: a second
    # change inside those 200 ms re-shows the same splash, the first timer removes it and the
    # second timer's `document.body.removeChild` throws NotFoundError (uncaught, JupyterLab's
    # apputils-extension:splash). Switch again only once the splash has gone.
    page.wait_for_function("() => document.getElementById('jupyterlab-splash') === null")
    # The theme's stylesheet is in; let the page repaint with it.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
