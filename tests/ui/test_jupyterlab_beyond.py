"""End to end in JupyterLab (and Notebook 7 for colour by): colour by, the lineage diff and
refresh, from the kernel to the page and back. Screenshots go to test-results/."""

from __future__ import annotations

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import DARK, LIGHT, drawn_ids, inside, node, set_theme, show
from playwright.sync_api import expect
from support import save_screenshot

pytestmark = pytest.mark.browser


# Two trainings from one raw dataset: a new preprocessing and another learning rate.
GRAPH = """
from lineage_widget import LineageGraph, LineageWidget

g = LineageGraph()
g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
for run, processed, train, model, lr in (
    ("prep-1", "v1", "train-a", "v3", 0.1),
    ("prep-2", "v2", "train-b", "v7", 0.01),
):
    g.add_run(run, type="preprocess")
    g.add_edge("raw:v0", run)
    g.add_artifact(f"processed:{processed}", type="dataset", name="processed", version=processed)
    g.add_edge(run, f"processed:{processed}")
    g.add_run(train, type="train", details={"Config": {"lr": lr}, "State": "finished"})
    g.add_edge(f"processed:{processed}", train)
    g.add_artifact(f"model:{model}", type="model", name="model", version=model)
    g.add_edge(train, f"model:{model}")
"""
WIDGET = GRAPH + 'w = LineageWidget(g, root="model:v3", depth=3, cluster_threshold=None)\n'


def test_color_by_compare_and_refresh_in_jupyterlab(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    assert "model:v7" not in drawn_ids(view)

    # Colour by, set in Python: the one run shown with an lr takes the scale's middle (the
    # scale spans what is shown), the legend names the key and the range.
    notebook.run('w.color_by = "lr"')
    legend = view.locator(".lineage-legend")
    expect(legend.locator(".lw-legend-title")).to_have_text("Colour: lr")
    expect(node(view, "train-a")).to_have_attribute("data-color", "#21918c")
    expect(view.locator("[data-color]")).to_have_count(1)  # the rest: neutral
    notebook.run("w.color_by = None")
    expect(legend).to_be_hidden()
    expect(view.locator("[data-color]")).to_have_count(0)

    # The diff: compare() fetches model:v7's lineage and marks both sides.
    assert "raw:v0" not in drawn_ids(view)  # compare() brings it, to the left of what is shown
    notebook.run('d = w.compare("model:v3", "model:v7")')
    expect(node(view, "model:v7")).to_have_attribute("data-diff", "b")
    expect(node(view, "model:v3")).to_have_attribute("data-diff", "a")
    expect(node(view, "raw:v0")).to_have_attribute("data-diff", "both")
    expect(legend.locator("[data-legend='diff']")).to_be_visible()
    # The view glides to show both lineages whole (the first view showed the root's, cut).
    expect(view.locator(".lw-viewport")).to_have_attribute("data-gliding", "false")
    assert all(inside(view, node_id) for node_id in ["raw:v0", "model:v3", "model:v7"])
    save_screenshot(view, "beyond-lab-diff")
    # In Lab's dark theme the two sides take their lighter shades (readable on the dark page).
    ring = node(view, "model:v3").locator(".lw-diff-badge")
    expect(ring).to_have_css("background-color", "rgb(0, 114, 178)")
    try:
        set_theme(notebook.page, DARK)
        expect(ring).to_have_css("background-color", "rgb(86, 180, 233)")
        save_screenshot(view, "beyond-lab-diff-dark")
    finally:
        set_theme(notebook.page, LIGHT)  # the server's settings outlive the test
    node(view, "train-a").click()
    row = view.locator(".lineage-details [data-diff-key='lr'] td")
    expect(row).to_have_text(["lr", "0.1", "0.01"])
    save_screenshot(view, "beyond-lab-diff-details")
    notebook.run("w.compare()")
    expect(view.locator("[data-diff]")).to_have_count(0)

    # Refresh: a run the user adds to the graph is drawn; auto_refresh does it by itself.
    notebook.run('g.add_run("eval-1", type="eval"); g.add_edge("model:v3", "eval-1")')
    assert notebook.run("print([n.id for n in w.refresh()])").strip() == "['eval-1']"
    expect(node(view, "eval-1")).to_be_visible()
    notebook.run(
        'w.auto_refresh = 0.2\ng.add_run("eval-2", type="eval"); g.add_edge("model:v3", "eval-2")'
    )
    expect(node(view, "eval-2")).to_be_visible(timeout=10_000)  # no cell ran meanwhile
    notebook.run("w.close()")


def test_color_by_in_notebook7(notebook7: LabNotebook) -> None:
    notebook7.run(WIDGET)
    view = show(notebook7)
    notebook7.run('w.color_by = "lr"')
    expect(view.locator(".lineage-legend .lw-legend-title")).to_have_text("Colour: lr")
    expect(node(view, "train-a")).to_have_attribute("data-color", "#21918c")
    expect(view.locator(".lineage-legend .lw-legend-min")).to_have_text("0.1")
    # Once model:v7's lineage is there too, the two runs take the scale's two ends.
    notebook7.run('w.compare("model:v3", "model:v7")')
    expect(node(view, "train-a")).to_have_attribute("data-color", "#fde725")
    expect(node(view, "train-b")).to_have_attribute("data-color", "#440154")
