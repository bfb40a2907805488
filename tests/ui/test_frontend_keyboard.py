"""Front-end tests of the keyboard, accessibility and Python's highlight: the graph as one tab stop,
arrow keys along edges and columns, Enter / Space / Escape, accessible names, the focus outline,
panning a focused node into view, and highlighted (and dimmed) nodes, clusters and edges.
Same harness as test_frontend.py.
"""

from __future__ import annotations

from typing import Any

from frontend_harness import (
    READY,
    cluster,
    delta,
    node,
    node_sel,
    requests,
    sent,
    show,
    show_pipeline,
    snapshot,
    without_request_id,
)
from playwright.sync_api import Page

MODELS = "cluster:artifact:model@2"
GRAPH = "#view-0 .lw-viewport"


# The toolbar control just before the graph in tab order (the highlight chip is hidden).
LAST_TOOL = "[data-action='download']"


def focused(page: Page) -> str | None:
    """The node or cluster id that has the focus (None: something else has it)."""
    found: str | None = page.evaluate(
        "() => document.activeElement?.dataset.nodeId ?? document.activeElement?.dataset.clusterId"
        " ?? null"
    )
    return found


def tab_stops(page: Page) -> list[str]:
    """Ids of the graph's nodes and clusters that Tab can reach."""
    found: list[str] = page.eval_on_selector_all(
        "#view-0 .lw-node, #view-0 .lw-cluster",
        "els => els.filter((el) => el.tabIndex >= 0)"
        "  .map((el) => el.dataset.nodeId ?? el.dataset.clusterId)",
    )
    return found


def press(page: Page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def focus_node(page: Page, id: str) -> None:
    """Focus a node as a keyboard user would: Tab into the graph, then arrows."""
    page.locator(node_sel(id)).focus()
    assert focused(page) == id


def cluster_graph() -> dict[str, Any]:
    """data:v0 -> sweep -> a cluster of 6 models; sweep's column also holds a run `other`."""
    nodes = [
        node("data:v0", "artifact", "dataset", 0),
        node("sweep", "run", "train", 1, order=0),
        node("other", "run", "train", 1, order=1),
    ]
    clusters = [cluster(MODELS, "artifact", "model", 2, 6)]
    edges: list[Any] = [("data:v0", "sweep"), ("data:v0", "other"), ("sweep", MODELS, 6)]
    return snapshot(nodes, edges, root="data:v0", clusters=clusters)


def inside_viewport(page: Page, selector: str) -> bool:
    viewport = page.locator(GRAPH).bounding_box()
    box = page.locator(selector).bounding_box()
    assert viewport is not None
    assert box is not None
    return (
        viewport["x"] <= box["x"]
        and box["x"] + box["width"] <= viewport["x"] + viewport["width"]
        and viewport["y"] <= box["y"]
        and box["y"] + box["height"] <= viewport["y"] + viewport["height"]
    )


# ---- tests ------------------------------------------------------------------------------------


def test_the_graph_is_one_tab_stop_with_a_role_and_label(harness: Page) -> None:
    show_pipeline(harness)
    region = harness.locator(GRAPH)
    assert region.get_attribute("role") == "application"
    assert region.get_attribute("aria-label") == "Lineage graph"
    help_id = region.get_attribute("aria-describedby")
    help_text = harness.locator(f"#{help_id}").text_content() or ""
    assert "Arrow keys" in help_text
    assert "Enter" in help_text
    # One tab stop: the root node. The widget's root is not one.
    assert tab_stops(harness) == ["model:v0"]
    assert harness.locator("#view-0 .lineage-widget").evaluate("el => el.tabIndex") == -1

    # Tab from the last toolbar button lands on it; the next Tab leaves the graph.
    harness.locator(f"#view-0 {LAST_TOOL}").focus()
    press(harness, "Tab")
    assert focused(harness) == "model:v0"
    press(harness, "ArrowLeft")
    assert focused(harness) == "train-0"
    assert tab_stops(harness) == ["train-0"]
    press(harness, "Shift+Tab")
    assert harness.evaluate("document.activeElement.dataset.action") == "download"
    press(harness, "Tab")
    assert focused(harness) == "train-0"  # the tab stop stayed where the user left it

    # Tab from the focused node reaches its own controls, then leaves the graph: other nodes'
    # controls are no tab stops either.
    focus_node(harness, "eval-sweep")
    reachable = harness.eval_on_selector_all(
        "#view-0 .lw-nodes button",
        "els => els.filter((b) => b.tabIndex >= 0 && b.checkVisibility())"
        "  .map((b) => [b.closest('.lw-node').dataset.nodeId, b.dataset.expand])",
    )
    assert reachable == [["eval-sweep", "downstream"]]
    press(harness, "Tab")
    assert harness.evaluate("document.activeElement.dataset.expand") == "downstream"
    press(harness, "Tab")
    assert not harness.evaluate(
        "document.querySelector('#view-0 .lw-nodes').contains(document.activeElement)"
    )

    # A second view has its own help element: ids stay unique in the page.
    harness.evaluate("lw.render(0)")
    harness.wait_for_selector(f"#view-1 {READY}")
    other = harness.get_attribute("#view-1 .lw-viewport", "aria-describedby")
    assert other != help_id
    assert harness.locator(f"#{other}").count() == 1


def test_nodes_clusters_and_controls_have_accessible_names(harness: Page) -> None:
    show(harness, cluster_graph())
    harness.wait_for_selector(READY)
    data = harness.locator(node_sel("data:v0"))
    assert data.get_attribute("role") == "button"
    assert data.get_attribute("aria-label") == "data:v0, dataset artifact"
    show(
        harness,
        delta([node("sweep", "run", "train", 1, more_up=3, more_down=-1, label="sweep <b>1</b>")]),
    )
    sweep = harness.locator(node_sel("sweep"))
    harness.wait_for_function(
        "(sel) => document.querySelector(sel).getAttribute('aria-label').includes('3 more')",
        arg=node_sel("sweep"),
    )
    assert sweep.get_attribute("aria-label") == (
        "sweep <b>1</b>, train run, 3 more inputs, more outputs"
    )
    assert sweep.locator("b").count() == 0  # a name is text
    models = harness.locator(f"#view-0 [data-cluster-id='{MODELS}']")
    assert models.get_attribute("role") == "button"
    assert models.get_attribute("aria-label") == "Cluster of model: 6 artifacts"
    # Controls: every button in the view is named.
    unnamed = harness.eval_on_selector_all(
        "#view-0 button",
        "els => els.filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim()))"
        "  .map((b) => b.outerHTML)",
    )
    assert unnamed == []
    expand = sweep.locator("[data-expand='upstream']")
    assert (expand.get_attribute("aria-label") or "").startswith("Show 3 more ")
    # State joins the name: selected, highlighted.
    harness.evaluate("lw.setTrait('selected', ['data:v0'])")
    harness.evaluate("lw.setTrait('highlighted', ['data:v0'])")
    assert data.get_attribute("aria-label") == "data:v0, dataset artifact, selected, highlighted"


def test_arrow_keys_follow_edges_and_columns(harness: Page) -> None:
    show_pipeline(harness)
    focus_node(harness, "model:v0")
    press(harness, "ArrowLeft")  # upstream: the run that logged it
    assert focused(harness) == "train-0"
    press(harness, "ArrowLeft")
    assert focused(harness) == "clean-data:v2"
    press(harness, "ArrowLeft", "ArrowLeft")
    assert focused(harness) == "raw-data:v0"
    press(harness, "ArrowLeft")  # nothing upstream: the focus stays
    assert focused(harness) == "raw-data:v0"
    press(harness, "ArrowRight", "ArrowRight")
    assert focused(harness) == "clean-data:v2"
    # Three runs read clean-data:v2: Right goes to the nearest (first in the column) ...
    press(harness, "ArrowRight")
    assert focused(harness) == "train-0"
    # ... Up and Down walk the column in the kernel's order, and stop at its ends.
    press(harness, "ArrowDown")
    assert focused(harness) == "train-1"
    press(harness, "ArrowDown", "ArrowDown")
    assert focused(harness) == "train-2"
    press(harness, "ArrowUp")
    assert focused(harness) == "train-1"
    press(harness, "ArrowRight")
    assert focused(harness) == "model:v1"
    press(harness, "ArrowRight")
    assert focused(harness) == "eval-sweep"
    # Left goes back where Right came from, though eval-sweep has three inputs.
    press(harness, "ArrowLeft")
    assert focused(harness) == "model:v1"
    # The tab stop moved along: still one.
    assert tab_stops(harness) == ["model:v1"]
    # The keys were handled: the page did not scroll.
    assert harness.evaluate("window.scrollY") == 0


def test_column_order_is_the_kernels_and_includes_clusters(harness: Page) -> None:
    # `order` puts b above a in the column, whatever their ids.
    nodes = [
        node("src", "artifact", "dataset", 0),
        node("a", "run", "train", 1, order=2),
        node("b", "run", "train", 1, order=1),
    ]
    clusters = [cluster("cluster:run:eval@1", "run", "eval", 1, 5, order=3)]
    edges: list[Any] = [("src", "a"), ("src", "b"), ("src", "cluster:run:eval@1", 5)]
    show(harness, snapshot(nodes, edges, root="src", clusters=clusters))
    harness.wait_for_selector(READY)
    focus_node(harness, "b")
    press(harness, "ArrowDown")
    assert focused(harness) == "a"
    press(harness, "ArrowDown")
    assert focused(harness) == "cluster:run:eval@1"
    press(harness, "ArrowLeft")
    assert focused(harness) == "src"


def test_enter_expands_space_selects_escape_closes(harness: Page) -> None:
    show_pipeline(harness)
    show(harness, delta([node("train-1", "run", "train", 3, order=1, more_up=2, more_down=-1)]))
    harness.wait_for_selector(f"{node_sel('train-1')} [data-expand='upstream']:not([hidden])")
    focus_node(harness, "train-1")
    before = len(sent(harness))

    press(harness, "Enter")  # both ways, as the two expand controls do
    assert sent(harness)[before:] == [
        {"type": "expand", "id": "train-1", "direction": "upstream"},
        {"type": "expand", "id": "train-1", "direction": "downstream"},
    ]
    assert harness.get_attribute(node_sel("train-1"), "data-state") == "loading"
    press(harness, "Enter")  # loading: nothing is sent twice
    assert len(sent(harness)) == before + 2
    assert harness.evaluate("lw.traits().selected") == []  # Enter does not select

    focus_node(harness, "eval-sweep")  # more outputs only
    press(harness, "Enter")
    assert sent(harness)[-1] == {"type": "expand", "id": "eval-sweep", "direction": "downstream"}
    assert len(sent(harness)) == before + 3

    press(harness, "Space")
    assert harness.evaluate("lw.traits().selected") == ["eval-sweep"]
    assert harness.evaluate("lw.saves()")[-1]["selected"] == ["eval-sweep"]
    assert harness.get_attribute(node_sel("eval-sweep"), "data-selected") == "true"
    panel = harness.locator("#view-0 .lineage-details")
    assert panel.is_visible()
    press(harness, "ArrowLeft", "Shift+Space")  # adds to the selection, as Shift+click does
    assert harness.evaluate("lw.traits().selected") == ["eval-sweep", "model:v0"]
    press(harness, "Space")  # a plain Space selects only this one
    assert harness.evaluate("lw.traits().selected") == ["model:v0"]
    assert panel.is_visible()

    press(harness, "Escape")
    assert not panel.is_visible()
    assert focused(harness) == "model:v0"  # back on the node, ready for the next key
    assert harness.evaluate("window.scrollY") == 0


def test_enter_on_a_cluster_opens_its_members_and_escape_returns(harness: Page) -> None:
    show(harness, cluster_graph())
    harness.wait_for_selector(READY)
    focus_node(harness, "sweep")
    press(harness, "ArrowRight")
    assert focused(harness) == MODELS
    press(harness, "Enter")
    panel = harness.locator("#view-0 .lw-members")
    assert panel.is_visible()
    assert panel.get_attribute("data-members-of") == MODELS
    assert harness.get_attribute(f"[data-cluster-id='{MODELS}']", "aria-expanded") == "true"
    assert without_request_id(requests(harness, "members")) == [
        {"type": "members", "cluster": MODELS}
    ]
    # The search field has the focus; Escape closes the list and goes back to the cluster.
    assert harness.evaluate("document.activeElement.type") == "search"
    press(harness, "Escape")
    assert not panel.is_visible()
    assert focused(harness) == MODELS
    press(harness, "Space")  # Space opens it too (and closes it: a toggle, like a click)
    assert panel.is_visible()
    harness.locator(f"#view-0 [data-cluster-id='{MODELS}']").focus()
    press(harness, "Space")
    assert not panel.is_visible()
    press(harness, "ArrowLeft")
    assert focused(harness) == "sweep"
    press(harness, "ArrowDown")
    assert focused(harness) == "other"


def test_focus_is_visible(harness: Page) -> None:
    show_pipeline(harness)
    harness.locator(f"#view-0 {LAST_TOOL}").focus()
    press(harness, "Tab")
    element = harness.locator(node_sel("model:v0"))
    outline = element.evaluate(
        "el => { const s = getComputedStyle(el); "
        "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert outline[0] == "solid"
    assert outline[1] >= 2
    assert outline[2] != "rgba(0, 0, 0, 0)"
    press(harness, "ArrowLeft")
    assert element.evaluate("el => getComputedStyle(el).outlineStyle") == "none"
    # Toolbar controls show it too.
    press(harness, "Shift+Tab")
    button = harness.locator(f"#view-0 {LAST_TOOL}")
    assert button.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"


def test_moving_the_focus_pans_an_off_screen_node_into_view(harness: Page) -> None:
    show_pipeline(harness)
    for _ in range(5):
        harness.click("#view-0 [data-action='zoom-in']")
    assert not inside_viewport(harness, node_sel("eval-sweep"))
    assert not inside_viewport(harness, node_sel("raw-data:v0"))
    focus_node(harness, "model:v0")
    press(harness, "ArrowRight")
    assert focused(harness) == "eval-sweep"
    assert inside_viewport(harness, node_sel("eval-sweep"))
    for _ in range(5):  # model:v0, train-0, clean-data:v2, preprocess, raw-data:v0
        press(harness, "ArrowLeft")
    assert focused(harness) == "raw-data:v0"
    assert inside_viewport(harness, node_sel("raw-data:v0"))
    # The clipped viewport itself never scrolls: the pan-zoom transform moved the graph.
    scrolled = harness.eval_on_selector(GRAPH, "el => [el.scrollLeft, el.scrollTop]")
    assert scrolled == [0, 0]


def test_a_click_on_a_node_at_the_edge_selects_it_without_panning(harness: Page) -> None:
    show_pipeline(harness)
    viewport = harness.locator(GRAPH).bounding_box()
    start = harness.locator(node_sel("raw-data:v0")).bounding_box()
    assert viewport is not None
    assert start is not None
    # Drag the background until raw-data:v0 sticks out of the viewport's right edge.
    x, y = viewport["x"] + 5, viewport["y"] + viewport["height"] - 5
    dx = viewport["x"] + viewport["width"] - 30 - start["x"]
    harness.mouse.move(x, y)
    harness.mouse.down()
    harness.mouse.move(x + dx, y, steps=5)
    harness.mouse.up()
    assert not inside_viewport(harness, node_sel("raw-data:v0"))
    # Pressed within REVEAL_MARGIN of the edge: a pan to reveal it would move it from under the
    # pointer before the release, and the click would be lost.
    harness.mouse.click(viewport["x"] + viewport["width"] - 10, start["y"] + start["height"] / 2)
    assert harness.evaluate("lw.traits().selected") == ["raw-data:v0"]
    assert focused(harness) == "raw-data:v0"  # it took the tab stop


def test_focus_stays_in_the_graph_when_its_node_leaves(harness: Page) -> None:
    show_pipeline(harness)
    focus_node(harness, "train-1")
    # The three train runs go into a cluster: the focused node is no longer drawn.
    show(
        harness,
        delta(
            clusters=[cluster("cluster:run:train@3", "run", "train", 3, 3)],
            removed=["train-0", "train-1", "train-2"],
            edges=[("clean-data:v2", "cluster:run:train@3", 3)],
        ),
    )
    harness.wait_for_function("!document.querySelector(\"[data-node-id='train-1']\")")
    assert focused(harness) == "model:v0"  # the root took the tab stop, and the focus
    assert tab_stops(harness) == ["model:v0"]


def test_highlight_marks_nodes_and_edges_and_dims_the_rest(harness: Page) -> None:
    show_pipeline(harness)
    opacity = "el => parseFloat(getComputedStyle(el).opacity)"
    assert harness.locator(node_sel("raw-data:v0")).evaluate(opacity) == 1
    harness.evaluate("lw.setTrait('highlighted', ['train-1', 'model:v1'])")
    root = harness.locator("#view-0 .lineage-widget")
    assert root.get_attribute("data-highlighting") == "true"
    marked = harness.eval_on_selector_all(
        "#view-0 [data-highlighted='true']", "els => els.map((el) => el.dataset.nodeId).sort()"
    )
    assert marked == ["model:v1", "train-1"]
    assert harness.locator(node_sel("train-1")).evaluate(opacity) == 1
    assert harness.locator(node_sel("raw-data:v0")).evaluate(opacity) < 0.5
    ring = "el => getComputedStyle(el).boxShadow"
    assert harness.locator(node_sel("train-1")).evaluate(ring) != "none"
    # The edge between two highlighted nodes is marked; the others dim.
    edges = harness.eval_on_selector_all(
        "#view-0 .lw-edge.lw-edge-highlighted",
        "els => els.map((el) => [el.dataset.source, el.dataset.target])",
    )
    assert edges == [["train-1", "model:v1"]]
    other = harness.locator("#view-0 .lw-edge[data-source='raw-data:v0']")
    assert other.evaluate(opacity) < 0.5
    # A dimmed node with the focus is shown clearly.
    focus_node(harness, "raw-data:v0")
    harness.locator(node_sel("raw-data:v0")).press("ArrowRight")
    assert harness.locator(node_sel("preprocess")).evaluate(opacity) == 1

    # The toolbar says so and clears it (Python hears it).
    chip = harness.locator("#view-0 .lw-highlight")
    assert chip.is_visible()
    assert chip.inner_text().strip() == "2 highlighted"
    chip.get_by_role("button", name="Clear the highlight").click()
    assert harness.evaluate("lw.traits().highlighted") == []
    assert harness.evaluate("lw.saves()")[-1]["highlighted"] == []
    assert root.get_attribute("data-highlighting") is None
    assert harness.locator("#view-0 [data-highlighted='true']").count() == 0
    assert harness.locator(node_sel("raw-data:v0")).evaluate(opacity) == 1
    assert not chip.is_visible()


def test_a_cluster_holding_a_highlighted_node_is_marked(harness: Page) -> None:
    # Highlighted before the graph arrives: the cluster is marked once it is drawn.
    harness.evaluate("lw.setTrait('highlighted', ['model:v3'])")
    harness.evaluate(f"lw.setTrait('_highlighted_clusters', ['{MODELS}'])")
    show(harness, cluster_graph())
    harness.wait_for_selector(READY)
    models = harness.locator(f"#view-0 [data-cluster-id='{MODELS}']")
    assert models.get_attribute("data-holds-highlighted") == "true"
    assert models.get_attribute("aria-label") == (
        "Cluster of model: 6 artifacts, holds highlighted nodes"
    )
    opacity = "el => parseFloat(getComputedStyle(el).opacity)"
    assert harness.locator(node_sel("sweep")).evaluate(opacity) < 0.5
    assert models.evaluate(opacity) == 1
    # The kernel says the cluster no longer holds it (the node was pulled out).
    show(
        harness,
        delta(
            [node("model:v3", "artifact", "model", 2, order=1, pulled_out=True)],
            [("sweep", "model:v3")],
            clusters=[cluster(MODELS, "artifact", "model", 2, 5, version=2)],
        ),
    )
    harness.evaluate("lw.setTrait('_highlighted_clusters', [])")
    harness.wait_for_selector(f"{node_sel('model:v3')}[data-highlighted='true']")
    assert models.get_attribute("data-holds-highlighted") is None
    edge = harness.locator("#view-0 .lw-edge[data-source='sweep'][data-target='model:v3']")
    assert "lw-edge-highlighted" not in (edge.get_attribute("class") or "")  # sweep: not marked
