"""The page as a user sees it, in JupyterLab and Notebook 7: each state a user meets first is
checked for what a person would notice, and saved as a screenshot under test-results/ to look at.
"""

from __future__ import annotations

import pytest
from frontend_harness import READY, view_name_sizes
from jupyterlab_harness import LabNotebook
from notebook_support import PIPELINE_HEAD, inside
from playwright.sync_api import Locator, expect
from support import save_screenshot

pytestmark = pytest.mark.browser

HOSTS = ["notebook", "notebook7"]

# A realistic sweep, 7 columns and 94 nodes: raw -> prep -> clean -> 30 train runs -> 30 models
# -> 30 eval runs -> a report.
SWEEP = (
    PIPELINE_HEAD
    + """g.add_artifact("report:v0", type="report", name="report", version="v0")
for i in range(30):
    g.add_run(f"train-{i}", type="train", name=f"train-{i}")
    g.add_edge("clean:v0", f"train-{i}")
    g.add_artifact(f"model:v{i}", type="model", name="model", version=f"v{i}")
    g.add_edge(f"train-{i}", f"model:v{i}")
    g.add_run(f"eval-{i}", type="eval", name=f"eval-{i}")
    g.add_edge(f"model:v{i}", f"eval-{i}")
    g.add_edge(f"eval-{i}", "report:v0")
"""
)


def shown(notebook: LabNotebook, code: str) -> Locator:
    view = notebook.display(code).locator(READY)
    expect(view).to_have_count(1)
    return view


@pytest.mark.parametrize("host", HOSTS)
def test_first_view_is_readable(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)

    # Clusters off, the whole sweep: 94 cards, names readable, the first column in view.
    whole = shown(notebook, "LineageWidget(g, cluster_threshold=None)")
    save_screenshot(whole, f"first-view-whole-{host}")
    sizes = view_name_sizes(whole)
    assert len(sizes) == 94
    assert min(sizes.values()) >= 10, min(sizes.values())
    assert inside(whole, "raw:v0")
    expect(whole.locator(".lw-content")).to_have_attribute("data-detail", "near")  # cards

    # Rooted at a model: readable, the root in view.
    rooted = shown(notebook, 'LineageWidget(g, root="model:v3", depth=3)')
    save_screenshot(rooted, f"first-view-rooted-{host}")
    assert min(view_name_sizes(rooted).values()) >= 10
    assert inside(rooted, "model:v3")


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def apart(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("host", HOSTS)
def test_details_pane_sits_beside_the_graph(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    notebook.run('w = LineageWidget(g, root="model:v3", depth=3)')
    view = shown(notebook, "w")
    node = view.locator('.lw-node[data-node-id="eval-3"]')  # right of the middle
    node.click()
    pane = view.locator(".lineage-details")
    expect(pane.locator("dt").first).to_be_visible()
    save_screenshot(view, f"panel-open-{host}")

    assert apart(box(pane), box(view.locator(".lw-viewport")))
    assert apart(box(pane), box(node))
    assert inside(view, "eval-3")
    for direction in ("upstream", "downstream"):
        button = box(pane.locator(f'[data-details-expand="{direction}"]'))
        assert box(pane)["y"] + box(pane)["height"] >= button["y"] + button["height"]
    assert notebook.wait_for_output("print(w.selected)", "['eval-3']") == "['eval-3']"


@pytest.mark.parametrize("host", HOSTS)
def test_expanding_shows_what_came(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    notebook.run('w = LineageWidget(g, root="train-3", depth=1)')
    view = shown(notebook, "w")
    assert view.locator('.lw-node[data-node-id="eval-3"]').count() == 0

    view.locator('.lw-node[data-node-id="model:v3"] [data-expand="downstream"]').click()
    expect(view.locator('.lw-node[data-node-id="eval-3"]')).to_be_visible()
    view.page.wait_for_function(
        "(root) => root.querySelector('.lw-viewport').dataset.gliding !== 'true'",
        arg=view.element_handle(),
        polling="raf",
    )
    save_screenshot(view, f"after-expand-{host}")

    assert inside(view, "eval-3")
    assert inside(view, "model:v3")
    assert min(view_name_sizes(view).values()) >= 10


# The notebook's selected (or active) cells.
SELECTED_CELLS_JS = """() => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    return notebook.widgets.filter((cell) => notebook.isSelectedOrActive(cell)).length;
}"""


@pytest.mark.parametrize("host", HOSTS)
def test_shift_click_selects_nodes_not_cells(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    notebook.run('w = LineageWidget(g, root="train-3", depth=1)')
    view = shown(notebook, "w")
    page = notebook.page
    view.locator('.lw-node[data-node-id="train-3"]').click()
    # Then the first cell is made the active one (its prompt clicked).
    notebook.cell(0).locator(".jp-InputPrompt").click()
    assert page.evaluate(SELECTED_CELLS_JS) == 1

    view.locator('.lw-node[data-node-id="model:v3"]').click(modifiers=["Shift"])
    expect(view.locator('.lw-node[data-node-id="model:v3"]')).to_have_attribute(
        "data-selected", "true"
    )

    assert page.evaluate(SELECTED_CELLS_JS) == 1
    assert page.evaluate("() => String(window.getSelection())") == ""
    expected = "['train-3', 'model:v3']"
    assert notebook.wait_for_output("print(w.selected)", expected) == expected


# Text cut short inside each of these (an ellipsis or clipping): its scroll width exceeds its box.
CLIPPED_JS = """(root, selector) => [...root.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.textContent)"""


@pytest.mark.parametrize("host", HOSTS)
def test_cluster_list_and_filters_read_in_full(host: str, request: pytest.FixtureRequest) -> None:
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    view = shown(notebook, 'LineageWidget(g, root="clean:v0", depth=1)')

    view.locator(".lw-cluster").first.click()
    rows = view.locator(".lw-member[data-member-id]")
    expect(rows.first).to_be_visible()
    view.locator(".lw-members-search").fill("train-1")
    expect(rows).to_have_count(11)  # train-1 and train-10 .. train-19
    save_screenshot(view, f"cluster-list-{host}")
    assert view.evaluate(CLIPPED_JS, ".lw-member-label, .lw-members-title") == []
    assert view.evaluate(CLIPPED_JS, ".lw-node-label, .lw-node-type") == []

    view.locator(".lw-members-close").click()
    view.get_by_role("button", name="Filters").click()
    panel = view.locator(".lw-filters")
    expect(panel).to_be_visible()
    save_screenshot(view, f"filters-{host}")
    assert view.evaluate(CLIPPED_JS, ".lw-filter-name, .lw-filters legend") == []
    # The panel lies inside the widget (not cut by its edge).
    outer, inner = box(view), box(panel)
    assert outer["y"] + outer["height"] >= inner["y"] + inner["height"]
