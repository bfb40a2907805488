"""Keyboard and highlight end to end in JupyterLab: keys on the graph reach Python (selection,
expansion) and do not drive the notebook's own shortcuts; Python's highlight() reaches the page."""

from __future__ import annotations

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import WIDGET, node, show
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The notebook's state that its command-mode shortcuts (arrows, Enter, Space) would change.
NOTEBOOK_STATE = """() => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    return {cell: notebook.activeCellIndex, mode: notebook.mode};
}"""


def focused_node(notebook: LabNotebook) -> str | None:
    found: str | None = notebook.page.evaluate(
        "() => document.activeElement?.dataset.nodeId ?? null"
    )
    return found


def test_keys_select_and_expand_in_python_and_leave_the_notebook_alone(
    notebook: LabNotebook,
) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    page = notebook.page
    node(view, "prep").focus()  # the root: the graph's tab stop
    before = page.evaluate(NOTEBOOK_STATE)

    page.keyboard.press("ArrowRight")
    assert focused_node(notebook) == "clean:v0"
    page.keyboard.press("Space")
    expect(node(view, "clean:v0")).to_have_attribute("data-selected", "true")
    assert page.evaluate(NOTEBOOK_STATE) == before
    assert notebook.wait_for_output("print(w.selected)", "['clean:v0']") == "['clean:v0']"

    node(view, "clean:v0").focus()  # running a cell took the focus
    page.keyboard.press("Enter")  # expands: train comes from Python
    expect(node(view, "train")).to_be_visible()
    assert notebook.wait_for_output('print("train" in w.graph)', "True") == "True"

    node(view, "clean:v0").focus()
    before = page.evaluate(NOTEBOOK_STATE)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert focused_node(notebook) == "train"
    # Neither a new active cell nor edit mode: the keys stayed in the widget.
    assert page.evaluate(NOTEBOOK_STATE) == before

    page.keyboard.press("Escape")  # closes the details panel of the selected node
    expect(view.locator(".lineage-details")).to_be_hidden()


def test_highlight_from_python_marks_the_page(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)

    notebook.run('w.highlight(w.graph.upstream("clean:v0"))')

    expect(node(view, "prep")).to_have_attribute("data-highlighted", "true")
    expect(node(view, "raw:v0")).to_have_attribute("data-highlighted", "true")
    expect(node(view, "clean:v0")).not_to_have_attribute("data-highlighted", "true")
    expect(view).to_have_attribute("data-highlighting", "true")

    view.get_by_role("button", name="Clear the highlight").click()
    expect(view).not_to_have_attribute("data-highlighting", "true")
    assert notebook.wait_for_output("print(w.highlighted)", "[]") == "[]"
