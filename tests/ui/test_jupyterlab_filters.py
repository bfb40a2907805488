"""The view filters end to end in JupyterLab: set from Python, the page redraws and its controls
follow; set from the toolbar, Python's traits follow and the page redraws. Two widgets on one page
(JupyterLab and Notebook 7) keep their filters apart."""

from __future__ import annotations

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import GRAPH, drawn_ids, expand_control, node, show
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# raw:v0 -> prep -> clean:v0 -> train -> model:v0, rooted at clean:v0: prep and train are shown,
# model:v0 lies one hop beyond train.
WIDGET = GRAPH + 'w = LineageWidget(g, root="clean:v0", depth=1)\n'


def test_filters_from_python_and_from_the_toolbar(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    assert drawn_ids(view) == {"prep", "clean:v0", "train"}
    button = view.get_by_role("button", name="Filters")
    panel = view.locator(".lw-filters")

    # From Python: runs go, the page's control says so.
    notebook.run("w.hide_runs = True")
    expect(node(view, "prep")).to_have_count(0)
    expect(node(view, "train")).to_have_count(0)
    expect(button).to_have_attribute("data-active", "true")
    button.click()
    expect(panel.get_by_role("checkbox", name="Hide runs")).to_be_checked()

    # Expanding while runs are hidden walks through the hidden train run to its model.
    expand_control(view, "clean:v0", "downstream").click()
    expect(node(view, "model:v0")).to_be_visible()
    assert drawn_ids(view) == {"clean:v0", "model:v0"}
    assert notebook.wait_for_output('print("train" in w.graph)', "True") == "True"

    # From the toolbar: Python's traits follow and the runs come back, minus the unchecked job.
    button.click()
    panel.get_by_role("checkbox", name="Hide runs").uncheck()
    assert notebook.wait_for_output("print(w.hide_runs)", "False") == "False"
    expect(node(view, "train")).to_be_visible()
    panel.get_by_role("checkbox", name="preprocess", exact=True).uncheck()
    assert notebook.wait_for_output("print(w.job_types)", "['train']") == "['train']"
    expect(node(view, "prep")).to_have_count(0)
    assert drawn_ids(view) == {"clean:v0", "train", "model:v0"}


@pytest.mark.parametrize("host", ["notebook", "notebook7"])
def test_two_widgets_keep_their_filters_apart(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(WIDGET + 'w2 = LineageWidget(g, root="clean:v0", depth=1)\n')
    first, second = show(notebook, "w"), show(notebook, "w2")

    second.get_by_role("button", name="Filters").click()
    second.get_by_role("radio", name="Extended").check()
    assert notebook.wait_for_output("print(w2.lineage)", "extended") == "extended"
    first.get_by_role("button", name="Filters").click()

    expect(first.get_by_role("radio", name="Direct")).to_be_checked()
    expect(second.get_by_role("radio", name="Extended")).to_be_checked()
    assert notebook.run("print(w.lineage)").strip() == "direct"
    ids = notebook.page.evaluate(
        "() => [...document.querySelectorAll('.lineage-widget [id]')].map((e) => e.id)"
    )
    assert len(ids) == len(set(ids)) == 4, ids  # two views: a filter panel and a help text each
