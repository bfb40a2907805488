"""End to end in JupyterLab: a real kernel, the real bundle, Chromium. (What every host does, in
JupyterLab too, is in test_hosts.py; this file holds what is tested in JupyterLab alone.)

Each test crosses the Python/browser boundary at least once and checks the other side, so it
fails if the comm, the front end or the Python side breaks.
"""

from __future__ import annotations

import sys

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import (
    GRAPH,
    READY,
    START_NODES,
    WIDGET,
    drawn_ids,
    expand_control,
    node,
    show,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_kernel_runs_the_test_interpreter(notebook: LabNotebook) -> None:
    # (That it imports the lineage_widget under test is checked in every host: test_hosts.py.)
    assert notebook.run("import sys; print(sys.executable)").strip() == sys.executable


def test_expand_control_adds_nodes_in_page_and_python(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    assert notebook.run('print("train" in w.graph)').strip() == "False"

    expand_control(view, "clean:v0", "downstream").click()

    expect(node(view, "train")).to_be_visible()
    expect(node(view, "train")).to_have_attribute("data-kind", "run")
    assert drawn_ids(view) == {*START_NODES, "train"}
    assert notebook.wait_for_output('print("train" in w.graph)', "True") == "True"


FAILING_SOURCE = """
class FlakySource(GraphSource):
    failing = True

    def neighbour_count(self, node, direction):
        return len(super().neighbours(node, direction))

    def neighbours(self, node, direction):
        if self.failing and node.id == "clean:v0" and direction == "downstream":
            raise ConnectionError("lineage store unreachable")
        return super().neighbours(node, direction)

source = FlakySource(g)
w = LineageWidget(g, root="prep", depth=1, source=source)
"""


def test_failing_source_marks_the_node_and_allows_retry(notebook: LabNotebook) -> None:
    notebook.run(GRAPH + FAILING_SOURCE)
    view = show(notebook)

    expand_control(view, "clean:v0", "downstream").click()

    expect(node(view, "clean:v0")).to_have_attribute("data-state", "error")
    expect(node(view, "clean:v0")).to_contain_text("unreachable")
    assert drawn_ids(view) == set(START_NODES)
    for node_id in ["raw:v0", "prep"]:
        expect(node(view, node_id)).not_to_have_attribute("data-state", "error")
        expect(node(view, node_id)).to_be_visible()
    assert notebook.run('print("train" in w.graph)').strip() == "False"

    notebook.run("source.failing = False")
    expand_control(view, "clean:v0", "downstream").click()

    expect(node(view, "train")).to_be_visible()
    expect(node(view, "clean:v0")).not_to_have_attribute("data-state", "error")
    assert notebook.wait_for_output('print("train" in w.graph)', "True") == "True"


def test_two_views_of_one_widget_stay_in_sync(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    first = show(notebook)
    second = show(notebook)
    assert drawn_ids(first) == drawn_ids(second) == set(START_NODES)

    expand_control(first, "clean:v0", "downstream").click()
    expect(node(second, "train")).to_be_visible()

    # (The views glided to the new node: the nodes beside it are in view.)
    node(first, "clean:v0").click()
    expect(node(second, "clean:v0")).to_have_attribute("data-selected", "true")

    second.locator("[data-action='fit']").click()  # (its details pane opened beside the graph)
    node(second, "train").click()
    expect(node(first, "train")).to_have_attribute("data-selected", "true")
    expect(node(first, "clean:v0")).not_to_have_attribute("data-selected", "true")
    assert notebook.wait_for_output("print(w.selected)", "['train']") == "['train']"


def test_reload_with_live_kernel_redraws_the_current_graph(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    expand_control(view, "clean:v0", "downstream").click()
    expect(node(view, "train")).to_be_visible()
    notebook.save()

    notebook.load()  # same URL: the page reconnects to the kernel, which still holds `w`

    view = notebook.panel.locator(READY)
    expect(view).to_have_count(1)
    expect(node(view, "train")).to_be_visible()
    assert drawn_ids(view) == {*START_NODES, "train"}
    # A live view, not a picture of the saved output: a click still reaches Python.
    node(view, "train").click()
    assert notebook.wait_for_output("print(w.selected)", "['train']") == "['train']"


SLOW_SOURCE = """
import threading

class SlowSource(GraphSource):
    '''Answers downstream walks from clean:v0 only once the test opens the gate.'''
    gate = threading.Event()

    def neighbours(self, node, direction):
        if node.id == "clean:v0" and direction == "downstream":
            self.gate.wait(60)
        return super().neighbours(node, direction)

source = SlowSource(g)
w = LineageWidget(g, root="prep", depth=1, source=source)
"""


def test_cells_run_while_a_slow_expansion_is_pending(notebook: LabNotebook) -> None:
    notebook.run(GRAPH + SLOW_SOURCE)
    view = show(notebook)

    expand_control(view, "clean:v0", "downstream").click()
    expect(node(view, "clean:v0")).to_have_attribute("data-state", "loading")

    # The kernel is not blocked by the walk: a cell runs and answers while it waits.
    assert notebook.run("print(6 * 7)").strip() == "42"
    assert notebook.run('print("train" in w.graph)').strip() == "False"
    expect(node(view, "clean:v0")).to_have_attribute("data-state", "loading")

    notebook.run("source.gate.set()")
    expect(node(view, "train")).to_be_visible()
    expect(node(view, "clean:v0")).not_to_have_attribute("data-state", "loading")


def test_a_selection_callback_prints_under_the_cell(notebook: LabNotebook) -> None:
    """What an on_select callback prints after a click shows under the widget, in its cell
    (not in JupyterLab's log console)."""
    notebook.run(WIDGET + "w.on_select(lambda ids: print('picked', ids))")
    cell = notebook.display("w")
    view = cell.locator(READY)
    expect(view).to_have_count(1)
    node(view, "raw:v0").click()
    printed = cell.locator(".widget-output", has_text="picked ['raw:v0']")
    expect(printed).to_have_count(1)
    # Under the widget: the printed text starts below the widget's bottom edge.
    widget_box, printed_box = view.bounding_box(), printed.bounding_box()
    assert widget_box is not None
    assert printed_box is not None
    assert printed_box["y"] >= widget_box["y"] + widget_box["height"] - 1
