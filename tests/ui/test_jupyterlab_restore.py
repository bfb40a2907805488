"""Saved views end to end in JupyterLab: explore a widget, save the notebook with its widget state,
close it (its kernel shut down), reopen it and re-run the cell: the same view is back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from frontend_harness import view_centre
from jupyterlab_harness import JupyterServer, LabNotebook
from notebook_support import EVAL, READY, SWEEP, drawn_ids, expand_control, node
from playwright.sync_api import Locator, Page, expect
from polling import wait_until
from support import save_screenshot

pytestmark = pytest.mark.browser


# JupyterLab's Settings menu item "Save Widget State Automatically".
SAVE_WIDGET_STATE = "@jupyter-widgets/jupyterlab-manager:saveWidgetState"
VIEW_STATE = "import json; print(json.dumps(w.view_state, sort_keys=True))"


def save_widget_state(page: Page, on: bool) -> None:
    page.evaluate(
        """async ([command, on]) => {
            const commands = window.jupyterapp.commands;
            if (commands.isToggled(command) !== on) await commands.execute(command);
        }""",
        [SAVE_WIDGET_STATE, on],
    )
    page.wait_for_function(
        "([command, on]) => window.jupyterapp.commands.isToggled(command) === on",
        arg=[SAVE_WIDGET_STATE, on],
    )


@pytest.fixture
def widget_state_saved(notebook: LabNotebook) -> Iterator[None]:
    """The setting on for this test (the server keeps settings for the session): off after."""
    save_widget_state(notebook.page, True)
    yield
    save_widget_state(notebook.page, False)


def pan(page: Page, view: Locator, dx: float, dy: float) -> None:
    """Drags the background of the view from near its bottom-left corner."""
    area = view.locator(".lw-viewport")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    x, y = box["x"] + 10, box["y"] + box["height"] - 10
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def centred_at(view: Locator, viewport: dict[str, Any], timeout: float = 10.0) -> dict[str, float]:
    """Waits until ``view`` shows ``viewport`` (the layout is drawn asynchronously); returns the
    view's centre then, and raises with the last one seen if it never does."""
    seen: list[dict[str, float]] = []

    def shows_viewport() -> dict[str, float] | None:
        here = view_centre(view)
        seen[:] = [here]
        close = all(abs(here[key] - viewport[key]) < 0.5 for key in ("cx", "cy"))
        return here if close and abs(here["k"] - viewport["k"]) < 0.01 else None

    return wait_until(
        shows_viewport, lambda: f"the view at {viewport}; it shows {seen}", timeout, interval=0.05
    )


def test_a_view_saved_with_the_notebook_is_back_when_the_cell_is_rerun(
    notebook: LabNotebook, jupyter_server: JupyterServer, widget_state_saved: None
) -> None:
    page = notebook.page
    cell = notebook.display(SWEEP + "w\n")
    index = notebook.panel.locator(".jp-Notebook .jp-Cell").count() - 1
    view = cell.locator(READY)
    expect(view).to_have_count(1)

    # Explore: pull a run out of its cluster, walk from it, select what it found, pan.
    view.locator(f'[data-cluster-id="{EVAL}"]').click()
    view.locator('[data-member-id="eval-3"] [data-action="pull-out"]').click()
    expect(node(view, "eval-3")).to_be_visible()
    view.locator(".lw-members-close").click()
    expand_control(view, "eval-3", "upstream").click()
    expect(node(view, "model:v3")).to_be_visible()
    node(view, "model:v3").click()
    expect(node(view, "model:v3")).to_have_attribute("data-selected", "true")
    view.locator(".lw-details-close").click()  # the selection stays
    pan(page, view, 150, -40)
    ready = "print(bool(w.viewport) and w.selected == ['model:v3'])"
    assert notebook.wait_for_output(ready, "True", timeout=10) == "True", notebook.run(
        "print(w.viewport, w.selected)"
    )
    saved = json.loads(notebook.run(VIEW_STATE))
    assert saved["pulled_out"] == ["eval-3"]
    assert {"expand": "eval-3", "direction": "upstream"} in saved["steps"]
    drawn = drawn_ids(view)
    assert {"report", "eval-3", "model:v3"} <= drawn
    where = centred_at(view, saved["viewport"])

    # The state saved with the notebook follows the view once it has been still for 2 s.
    synced = "print(w._view_state == w.view_state)"
    assert notebook.wait_for_output(synced, "True", timeout=15) == "True"
    notebook.save()
    data = json.loads((jupyter_server.root_dir / notebook.path).read_text())
    models = data["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    ours = [model["state"] for model in models.values() if model["state"].get("_key")]
    assert [state["_view_state"] for state in ours] == [saved]
    assert data["cells"][index]["id"] in ours[0]["_key"]

    # Close the notebook (its kernel goes), open it again in a fresh page, re-run the cell.
    jupyter_server.shutdown_session(notebook.path)
    notebook.url = jupyter_server.app.notebook_url(
        jupyter_server.base_url, notebook.path, jupyter_server.token
    )
    notebook.load()
    assert notebook.run("print('w' in globals())").strip() == "False"  # a new kernel
    view = notebook.rerun(index).locator(READY)
    expect(view).to_have_count(1)

    expect(node(view, "model:v3")).to_have_attribute("data-selected", "true")
    expect(node(view, "eval-3")).to_be_visible()
    expected = json.dumps(saved, sort_keys=True)
    assert notebook.wait_for_output(VIEW_STATE, expected, timeout=20) == expected
    assert drawn_ids(view) == drawn
    assert notebook.run(f'print(w.cluster_of("eval-3"), len(w.clusters["{EVAL}"]))').split() == [
        "None",
        "7",
    ]
    assert centred_at(view, saved["viewport"]) == pytest.approx(where, abs=0.5)
    expect(view.locator(".lw-error")).to_be_hidden()
    # A live view: a click still reaches the new kernel.
    node(view, "eval-3").click()
    assert notebook.wait_for_output("print(w.selected)", "['eval-3']") == "['eval-3']"


def test_an_output_reopened_before_the_cell_is_rerun_says_it_is_not_connected(
    notebook: LabNotebook, jupyter_server: JupyterServer, widget_state_saved: None
) -> None:
    cell = notebook.display(SWEEP + "w\n")
    index = notebook.panel.locator(".jp-Notebook .jp-Cell").count() - 1
    expect(cell.locator(READY)).to_have_count(1)
    notebook.save()
    # Close the notebook (its kernel goes) and open it again: the saved output shows.
    jupyter_server.shutdown_session(notebook.path)
    notebook.load()

    old = notebook.cell(index).locator(".lineage-widget")
    expect(old).to_have_count(1)
    expect(old.get_by_role("alert")).to_have_text(
        "Not connected to a kernel (an output saved with the notebook): "
        "re-run the cell to explore again",
        timeout=10_000,
    )
    expect(old).to_have_attribute("data-connection", "unanswered")
    expect(old.locator(".lw-message")).to_be_hidden()  # no "Loading lineage…" for ever
    save_screenshot(old, "reopened-before-rerun")

    # Re-running the cell gives a live view.
    view = notebook.rerun(index).locator(READY)
    expect(view).to_have_count(1)
    expect(view).to_have_attribute("data-connection", "connected")


@pytest.mark.parametrize("host", ["notebook", "notebook7"])
def test_a_widget_made_with_a_view_state_starts_at_its_viewport(
    host: str, request: pytest.FixtureRequest
) -> None:
    """``LineageWidget(..., view_state=state)`` brings back the viewport, not only the nodes, in
    JupyterLab and Notebook 7 (a view says hello twice: the second answer must not fit the view
    again)."""
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    first = notebook.display("w").locator(READY)
    expect(first).to_have_count(1)
    pan(notebook.page, first, 150, -40)
    assert notebook.wait_for_output("print(bool(w.viewport))", "True", timeout=10) == "True"
    saved = json.loads(notebook.run(VIEW_STATE))
    notebook.run("state = w.view_state\nw.close()")
    again = notebook.display(
        "w2 = LineageWidget(g, root='report', depth=2, view_state=state)\nw2"
    ).locator(READY)
    expect(again).to_have_count(1)
    assert centred_at(again, saved["viewport"]) == pytest.approx(saved["viewport"], abs=0.5)
