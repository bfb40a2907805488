"""End to end in Notebook 7 (the ``notebook`` package): the widget draws, a click reaches Python and
a selection made in Python reaches the page. Same notebook driver as JupyterLab (see
jupyterlab_harness.py); only the server command and the page differ."""

from __future__ import annotations

import pytest
from jupyterlab_harness import LabNotebook
from playwright.sync_api import expect
from test_jupyterlab import READY, START_NODES, WIDGET, drawn_ids, node, show

pytestmark = pytest.mark.browser


def test_notebook7_draws_the_nodes(notebook7: LabNotebook) -> None:
    # The page is Notebook 7's own, not JupyterLab's.
    assert notebook7.page.evaluate("window.jupyterapp.name") == "Jupyter Notebook"
    assert "/notebooks/" in notebook7.page.url
    notebook7.run(WIDGET)

    view = notebook7.display("w").locator(READY)

    expect(view).to_have_count(1)
    assert drawn_ids(view) == set(START_NODES)
    expect(node(view, "prep")).to_have_attribute("data-kind", "run")
    expect(node(view, "raw:v0")).to_have_attribute("data-kind", "artifact")
    for node_id in START_NODES:
        expect(node(view, node_id)).to_be_visible()


def test_notebook7_click_selects_in_python(notebook7: LabNotebook) -> None:
    notebook7.run(WIDGET)
    view = show(notebook7)

    node(view, "raw:v0").click()

    expect(node(view, "raw:v0")).to_have_attribute("data-selected", "true")
    assert notebook7.wait_for_output("print(w.selected)", "['raw:v0']") == "['raw:v0']"


def test_notebook7_select_in_python_shows_in_page(notebook7: LabNotebook) -> None:
    notebook7.run(WIDGET)
    view = show(notebook7)
    node(view, "raw:v0").click()
    assert notebook7.wait_for_output("print(w.selected)", "['raw:v0']") == "['raw:v0']"

    notebook7.run('w.select("clean:v0")')

    expect(node(view, "clean:v0")).to_have_attribute("data-selected", "true")
    expect(node(view, "raw:v0")).not_to_have_attribute("data-selected", "true")
    expect(view.locator('[data-selected="true"]')).to_have_count(1)
