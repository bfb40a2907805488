"""Front-end tests: the built bundle on a plain page with a fake anywidget model (no kernel).

The harness (tests/ui/harness/) loads lineage_widget/static/widget.js, gives it a fake model that
records what the widget sends and saves, and exposes `window.lw` to deliver kernel messages and
set traits "from Python". The fixtures live in conftest.py, the builders in frontend_harness.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from frontend_harness import (
    HOSTILE,
    READY,
    assert_inside,
    boxes,
    centre,
    cluster,
    delta,
    details_reply,
    last_request,
    name_sizes,
    node,
    node_sel,
    painted_parts,
    pipeline,
    requests,
    restart,
    sent,
    show,
    show_pipeline,
    snapshot,
    traits,
    transform,
    wait_frames,
    wait_glide,
    without_request_id,
    zoom_to,
)
from playwright.sync_api import Page, expect
from support import save_screenshot

NO_ANSWER_MS = 3000  # (js/src/widget.ts: how long a view waits for the kernel's answer)

# ---- tests ------------------------------------------------------------------------------------


def test_hello_is_sent_once_on_start(harness: Page) -> None:
    assert sent(harness) == [{"type": "hello"}]
    harness.locator(".lineage-widget").wait_for()
    assert "Loading" in harness.inner_text("#view-0 .lw-message")


def test_the_snapshot_the_model_opened_with_is_drawn_without_asking(harness: Page) -> None:
    restart(harness, traits(_first=snapshot(*pipeline(), root="model:v0")))
    harness.wait_for_selector(READY)  # (no kernel answer delivered)
    assert harness.locator("#view-0 [data-node-id]").count() == len(pipeline()[0])
    assert sent(harness) == [{"type": "hello", "drawn": True}]
    show(harness, {"type": "ready"})  # the kernel: still the view
    # "ready" is an answer: past the time a view waits for one, it does not say none came.
    harness.wait_for_timeout(NO_ANSWER_MS + 500)
    expect(harness.locator("#view-0 .lineage-widget")).to_have_attribute(
        "data-connection", "connected"
    )
    save_screenshot(harness, "first-snapshot-drawn")


def test_snapshot_draws_nodes_with_test_hooks(harness: Page) -> None:
    show_pipeline(harness)
    nodes, edges = pipeline()
    drawn = harness.locator("#view-0 [data-node-id]")
    assert drawn.count() == len(nodes)
    for n in nodes:
        element = harness.locator(node_sel(n["id"]))
        assert element.get_attribute("data-kind") == n["kind"]
        assert element.get_attribute("data-selected") in (None, "false")
        assert element.get_attribute("data-state") is None
    assert harness.locator("#view-0 .lw-edge").count() == len(edges)
    assert harness.locator("#view-0 .lw-edge-arrow").count() == len(edges)
    # Columns: every train run is right of the dataset it reads and left of its model.
    b = boxes(harness)
    assert b["clean-data:v2"]["x"] < b["train-0"]["x"] < b["model:v0"]["x"] < b["eval-sweep"]["x"]
    assert b["train-0"]["x"] == pytest.approx(b["train-2"]["x"])
    assert b["train-0"]["y"] < b["train-1"]["y"] < b["train-2"]["y"]
    # Expand controls: shown only where more_* != 0, with the count when known.
    more_outputs = harness.locator(f"{node_sel('eval-sweep')} [data-expand='downstream']")
    assert more_outputs.inner_text() == "2"
    assert more_outputs.is_visible()
    assert not harness.locator(f"{node_sel('train-0')} [data-expand='upstream']").is_visible()


def test_kinds_types_and_labels_are_text(harness: Page) -> None:
    long_label = "a-very-long-artifact-name-that-cannot-fit-in-one-node:v123"
    show(
        harness,
        snapshot(
            [
                node("run-1", "run", "train", 0, label="train-run"),
                node("art-1", "artifact", "model", 1, label=long_label),
            ],
            [("run-1", "art-1")],
        ),
    )
    harness.wait_for_selector(READY)
    run = harness.locator(node_sel("run-1"))
    assert run.locator(".lw-node-type").inner_text().lower() == "train"
    assert run.locator(".lw-node-label").inner_text() == "train-run"
    art = harness.locator(node_sel("art-1"))
    assert art.locator(".lw-node-type").text_content() == "model"
    label = art.locator(".lw-node-label")
    assert label.text_content() == long_label
    assert label.evaluate("el => el.scrollWidth > el.clientWidth")  # ellipsized
    assert long_label in (art.get_attribute("title") or "")
    # Runs and artifacts differ in shape, not only colour.
    radius = "el => parseFloat(getComputedStyle(el).borderTopLeftRadius)"
    assert run.evaluate(radius) > art.evaluate(radius)


def test_click_selects_and_saves(harness: Page) -> None:
    show_pipeline(harness)
    harness.click(node_sel("train-1"))
    assert harness.evaluate("lw.traits().selected") == ["train-1"]
    assert harness.evaluate("lw.saves()")[-1]["selected"] == ["train-1"]
    assert harness.get_attribute(node_sel("train-1"), "data-selected") == "true"
    harness.click(node_sel("train-2"), modifiers=["Shift"])
    assert harness.evaluate("lw.traits().selected") == ["train-1", "train-2"]
    harness.click(node_sel("train-1"), modifiers=["Control"])
    assert harness.evaluate("lw.traits().selected") == ["train-2"]
    assert harness.get_attribute(node_sel("train-1"), "data-selected") in (None, "false")
    saves = len(harness.evaluate("lw.saves()"))

    # A drag on the background pans and keeps the selection; a plain click clears it.
    before = transform(harness)
    viewport = harness.locator("#view-0 .lw-viewport").bounding_box()
    assert viewport is not None
    x, y = viewport["x"] + 10, viewport["y"] + viewport["height"] - 10
    harness.mouse.move(x, y)
    harness.mouse.down()
    harness.mouse.move(x + 60, y - 30, steps=4)
    harness.mouse.up()
    assert transform(harness) != before
    assert harness.evaluate("lw.traits().selected") == ["train-2"]
    assert len(harness.evaluate("lw.saves()")) == saves
    harness.mouse.click(x, y)
    assert harness.evaluate("lw.traits().selected") == []
    assert harness.evaluate("lw.saves()")[-1]["selected"] == []


def test_selected_trait_from_python_marks_nodes(harness: Page) -> None:
    show_pipeline(harness)
    harness.evaluate("lw.setTrait('selected', ['model:v1', 'preprocess'])")
    selected = harness.eval_on_selector_all(
        "#view-0 [data-selected='true']", "els => els.map((el) => el.dataset.nodeId).sort()"
    )
    assert selected == ["model:v1", "preprocess"]
    harness.evaluate("lw.setTrait('selected', [])")
    assert harness.locator("#view-0 [data-selected='true']").count() == 0


def test_expand_control_sends_one_message_and_does_not_select(harness: Page) -> None:
    show_pipeline(harness)
    control = harness.locator(f"{node_sel('eval-sweep')} [data-expand='downstream']")
    control.dblclick()
    expands = [m for m in sent(harness) if m["type"] == "expand"]
    assert expands == [{"type": "expand", "id": "eval-sweep", "direction": "downstream"}]
    assert harness.evaluate("lw.traits().selected") == []
    assert harness.evaluate("lw.saves()") == []
    assert not control.is_visible()  # hidden while loading
    assert harness.get_attribute(node_sel("eval-sweep"), "data-state") == "loading"


def test_status_marks_loading_error_and_idle(harness: Page) -> None:
    show_pipeline(harness)
    element = harness.locator(node_sel("eval-sweep"))
    control = element.locator("[data-expand='downstream']")
    status = {"type": "status", "id": "eval-sweep", "direction": "downstream"}
    show(harness, {**status, "state": "loading"})
    assert element.get_attribute("data-state") == "loading"
    assert not control.is_visible()
    show(harness, {**status, "state": "error", "error": "server said 502"})
    assert element.get_attribute("data-state") == "error"
    assert "server said 502" in element.locator(".lw-node-error").inner_text()
    assert element.locator(".lw-node-error").is_visible()
    assert "server said 502" in (element.get_attribute("title") or "")
    assert control.is_visible()  # a failed fetch can be retried
    show(harness, {**status, "state": "idle"})
    assert element.get_attribute("data-state") is None
    assert not element.locator(".lw-node-error").is_visible()
    assert control.is_visible()


def test_snapshot_status_is_shown(harness: Page) -> None:
    nodes, edges = pipeline()
    status = [{"id": "raw-data:v0", "direction": "upstream", "state": "error", "error": "gone"}]
    show(harness, snapshot(nodes, edges, status=status))
    harness.wait_for_selector(READY)
    assert harness.get_attribute(node_sel("raw-data:v0"), "data-state") == "error"


def test_delta_keeps_columns_order_and_expanded_node_in_place(harness: Page) -> None:
    first = [
        node("clean-data:v2", "artifact", "dataset", 0, more_up=1),
        *[node(f"train-{i}", "run", "train", 1, order=i) for i in (1, 3)],
        *[node(f"model:v{i}", "artifact", "model", 2, order=i) for i in (1, 3)],
    ]
    first_edges = [("clean-data:v2", "train-1"), ("clean-data:v2", "train-3")]
    first_edges += [("train-1", "model:v1"), ("train-3", "model:v3")]
    show(harness, snapshot(first, first_edges))
    harness.wait_for_selector(READY)
    before = boxes(harness)

    harness.click(f"{node_sel('clean-data:v2')} [data-expand='upstream']")
    # Upstream goes to negative levels; new nodes join existing columns above and between.
    added = [
        node("raw-data:v0", "artifact", "dataset", -2),
        node("preprocess", "run", "preprocess", -1),
        node("clean-data:v2", "artifact", "dataset", 0, more_up=0),
        node("train-0", "run", "train", 1, order=0),
        node("train-2", "run", "train", 1, order=2),
        node("model:v0", "artifact", "model", 2, order=0),
    ]
    added_edges = [("raw-data:v0", "preprocess"), ("preprocess", "clean-data:v2")]
    added_edges += [("clean-data:v2", "train-0"), ("clean-data:v2", "train-2")]
    added_edges += [("train-0", "model:v0")]
    show(harness, delta(added, added_edges))
    idle = {"type": "status", "id": "clean-data:v2", "direction": "upstream", "state": "idle"}
    show(harness, idle)
    harness.wait_for_function("document.querySelectorAll('#view-0 [data-node-id]').length === 10")
    wait_glide(harness)
    after = boxes(harness)

    # The view glided to take in what came (too much for one screen at a readable zoom: what
    # is next to the expanded node), and the expanded node stays in view.
    assert_inside(harness, ids={"clean-data:v2", "train-0", "train-2", "model:v0"})
    # Old nodes keep their columns (same x within a column, columns in the same order) ...
    for a in before:
        for b in before:
            same_before = before[a]["x"] == pytest.approx(before[b]["x"], abs=1)
            same_after = after[a]["x"] == pytest.approx(after[b]["x"], abs=1)
            assert same_before == same_after, (a, b)
            if not same_before:
                assert (before[a]["x"] < before[b]["x"]) == (after[a]["x"] < after[b]["x"]), (a, b)
    # ... and their vertical order; new nodes sit in kernel order.
    train_ys = [after[f"train-{i}"]["y"] for i in range(4)]
    assert train_ys == sorted(train_ys)
    assert after["model:v0"]["y"] < after["model:v1"]["y"] < after["model:v3"]["y"]
    assert after["raw-data:v0"]["x"] < after["preprocess"]["x"] < after["clean-data:v2"]["x"]
    assert after["train-0"]["x"] == pytest.approx(after["train-1"]["x"], abs=1)


def test_columns_come_from_the_kernel_levels(harness: Page) -> None:
    nodes = [
        node("a", "artifact", "dataset", 0),
        node("r", "run", "train", 1, order=1),
        node("b", "artifact", "model", 2, order=1),
        node("lone-run", "run", "train", 1, order=0),  # no input shown: still column 1
        node("lone-model", "artifact", "model", 2, order=0),  # no producer shown: column 2
    ]
    show(harness, snapshot(nodes, [("a", "r"), ("r", "b"), ("lone-run", "b")]))
    harness.wait_for_selector(READY)
    b = boxes(harness)
    assert b["lone-run"]["x"] == pytest.approx(b["r"]["x"], abs=1)
    assert b["lone-model"]["x"] == pytest.approx(b["b"]["x"], abs=1)
    assert b["a"]["x"] < b["r"]["x"] < b["b"]["x"]
    assert b["lone-run"]["y"] < b["r"]["y"]
    assert b["lone-model"]["y"] < b["b"]["y"]


def test_back_edge_still_draws(harness: Page) -> None:
    nodes = [
        node("a", "artifact", "dataset", 0),
        node("r", "run", "train", 1),
        node("b", "artifact", "model", 2),
    ]
    show(harness, snapshot(nodes, [("a", "r"), ("r", "b"), ("b", "a")]))
    harness.wait_for_selector(READY)
    assert harness.locator("#view-0 [data-node-id]").count() == 3
    assert harness.locator("#view-0 .lw-edge").count() == 3


def test_details_request_and_reply(harness: Page) -> None:
    show_pipeline(harness)
    panel = harness.locator("#view-0 .lineage-details")
    assert not panel.is_visible()
    harness.click(node_sel("model:v1"))
    assert panel.is_visible()
    assert without_request_id(requests(harness, "details")) == [
        {"type": "details", "id": "model:v1"}
    ]
    fields = [("Type", "model"), ("Aliases", "latest, best"), ("Note", HOSTILE)]
    asked = last_request(harness, "details")
    show(harness, details_reply(asked, fields, inputs=1, outputs=3))
    assert panel.locator("dt").all_inner_texts() == ["Type", "Aliases", "Note"]
    assert panel.locator("dd").all_text_contents() == ["model", "latest, best", HOSTILE]
    counts = panel.locator(".lw-details-counts").inner_text()
    assert "1 input" in counts
    assert "3 outputs" in counts
    assert panel.locator("img").count() == 0

    # The panel's expand buttons send the same request as the node controls, when there is more.
    assert panel.locator("[data-details-expand='upstream']").is_disabled()
    show(harness, delta([node("model:v1", "artifact", "model", 4, order=1, more_down=2)], []))
    panel.locator("[data-details-expand='downstream']").click()
    assert sent(harness)[-1] == {"type": "expand", "id": "model:v1", "direction": "downstream"}
    assert panel.locator("[data-details-expand='downstream']").is_disabled()  # loading

    panel.locator(".lw-details-close").click()
    assert not panel.is_visible()
    harness.click(node_sel("model:v1"))
    assert panel.is_visible()
    harness.keyboard.press("Escape")
    assert not panel.is_visible()

    # Selected from Python: the panel opens too; two nodes selected: no panel.
    harness.evaluate("lw.setTrait('selected', ['train-0'])")
    assert panel.is_visible()
    assert without_request_id(sent(harness)[-1:]) == [{"type": "details", "id": "train-0"}]
    harness.evaluate("lw.setTrait('selected', ['train-0', 'train-1'])")
    assert not panel.is_visible()


def test_two_views_of_one_model_stay_in_sync(harness: Page) -> None:
    harness.evaluate("lw.render(0)")
    show_pipeline(harness)
    harness.wait_for_selector(f"#view-1 {READY}")
    assert harness.locator("#view-1 [data-node-id]").count() == len(pipeline()[0])
    harness.click(node_sel("train-0", view=0))
    assert harness.get_attribute(node_sel("train-0", view=1), "data-selected") == "true"
    # One details request for both panels, and both fill from the one reply.
    assert [m["type"] for m in sent(harness)].count("details") == 1
    asked = last_request(harness, "details")
    show(harness, details_reply(asked, [("State", "finished")], inputs=1, outputs=1))
    for view in (0, 1):
        fields = harness.locator(f"#view-{view} .lineage-details dd")
        assert fields.all_inner_texts() == ["finished"]
    show(harness, delta([node("extra:v0", "artifact", "model", 6)], [("eval-sweep", "extra:v0")]))
    for view in (0, 1):
        harness.wait_for_selector(node_sel("extra:v0", view=view))
    show(harness, {"type": "status", "id": "train-1", "direction": "upstream", "state": "loading"})
    for view in (0, 1):
        assert harness.get_attribute(node_sel("train-1", view=view), "data-state") == "loading"
    # A view opened later (the widget shown again) draws the current graph and selection at once.
    harness.evaluate("lw.render(0)")
    harness.wait_for_selector(f"#view-2 {READY}")
    assert harness.locator("#view-2 [data-node-id]").count() == len(pipeline()[0]) + 1
    assert harness.get_attribute(node_sel("train-0", view=2), "data-selected") == "true"
    assert [m["type"] for m in sent(harness)].count("hello") == 1


def test_cleanup_removes_listeners(harness: Page) -> None:
    harness.evaluate("lw.render(0)")
    show_pipeline(harness)
    harness.wait_for_selector(f"#view-1 {READY}")
    assert harness.evaluate("lw.models[0].listenerCount('change:selected')") == 2
    harness.evaluate("window.removed = lw.views[1].root; lw.cleanup(1)")
    assert harness.evaluate("lw.models[0].listenerCount('change:selected')") == 1
    assert "change:selected" in harness.evaluate("lw.models[0].offCalls")
    assert harness.evaluate("document.getElementById('view-1').children.length") == 0
    # Messages and trait changes after cleanup leave the removed view alone.
    show(harness, delta([node("extra:v0", "artifact", "model", 6)], [("eval-sweep", "extra:v0")]))
    harness.evaluate("lw.setTrait('selected', ['train-0'])")
    harness.wait_for_selector(node_sel("extra:v0", view=0))
    wait_frames(harness)
    removed_nodes = harness.evaluate("removed.querySelectorAll('[data-node-id]').length")
    assert removed_nodes == len(pipeline()[0])
    assert harness.evaluate("removed.querySelectorAll('[data-selected=\"true\"]').length") == 0
    # The model's own cleanup (widget closed) drops the message listener.
    harness.evaluate("lw.models[0].disposeInit()")
    assert harness.evaluate("lw.models[0].listenerCount('msg:custom')") == 0


def test_hostile_text_is_shown_literally(harness: Page) -> None:
    nodes = [node(HOSTILE, "run", HOSTILE, 0, label=HOSTILE, more_down=-1)]
    show(harness, snapshot(nodes, []))
    harness.wait_for_selector(READY)
    element = harness.locator("#view-0 .lw-node")
    assert element.get_attribute("data-node-id") == HOSTILE
    assert element.locator(".lw-node-label").text_content() == HOSTILE
    assert element.locator(".lw-node-type").text_content() == HOSTILE
    show(
        harness,
        {
            "type": "status",
            "id": HOSTILE,
            "direction": "downstream",
            "state": "error",
            "error": HOSTILE,
        },
    )
    assert HOSTILE in element.locator(".lw-node-error").inner_text()
    element.click()
    assert harness.locator("#view-0 .lw-details-title").text_content() == HOSTILE
    assert harness.locator(".lineage-widget img").count() == 0
    wait_frames(harness, 5)
    assert harness.evaluate("window.__pwned") is None


def test_zoom_buttons_and_fit_change_the_transform(harness: Page) -> None:
    show_pipeline(harness)
    harness.click("#view-0 [data-action='fit']")
    fitted = transform(harness)
    assert "scale(" in fitted
    harness.click("#view-0 [data-action='zoom-in']")
    zoomed = transform(harness)
    assert zoomed != fitted
    harness.click("#view-0 [data-action='fit']")
    assert transform(harness) == fitted
    harness.click("#view-0 [data-action='zoom-out']")
    assert transform(harness) != fitted
    harness.click("#view-0 [data-action='fit']")
    assert_inside(harness)


def test_wheel_zooms_around_the_cursor(harness: Page) -> None:
    show_pipeline(harness)
    target = boxes(harness)["train-1"]
    x, y = target["x"] + target["w"] / 2, target["y"] + target["h"] / 2
    harness.mouse.move(x, y)
    harness.mouse.wheel(0, -300)
    wait_frames(harness)
    after = boxes(harness)["train-1"]
    assert after["w"] > target["w"]
    assert after["x"] + after["w"] / 2 == pytest.approx(x, abs=2)
    assert after["y"] + after["h"] / 2 == pytest.approx(y, abs=2)


def test_focus_centres_the_node(harness: Page) -> None:
    show_pipeline(harness)
    harness.click("#view-0 [data-action='zoom-in']")
    show(harness, {"type": "focus", "id": "raw-data:v0"})
    viewport = harness.locator("#view-0 .lw-viewport").bounding_box()
    box = boxes(harness)["raw-data:v0"]
    assert viewport is not None
    assert box["x"] + box["w"] / 2 == pytest.approx(viewport["x"] + viewport["width"] / 2, abs=1)
    assert box["y"] + box["h"] / 2 == pytest.approx(viewport["y"] + viewport["height"] / 2, abs=1)


def test_empty_graph_shows_empty_state(harness: Page) -> None:
    show(harness, snapshot([], []))
    message = harness.locator("#view-0 .lw-message")
    message.wait_for()
    assert "empty" in message.inner_text()
    assert harness.locator("#view-0 [data-node-id]").count() == 0
    harness.wait_for_selector(READY)  # drawn (empty): a page waiting for data-ready goes on


def test_one_more_neighbour_is_singular(harness: Page) -> None:
    show(harness, snapshot([node("a:v0", "artifact", "dataset", 0, more_up=1, more_down=2)], []))
    harness.wait_for_selector(READY)
    name = harness.get_attribute(node_sel("a:v0"), "aria-label")
    assert name is not None
    assert "1 more input," in name
    assert "2 more outputs" in name


def test_first_nodes_after_an_empty_snapshot_get_the_first_view(harness: Page) -> None:
    show(harness, snapshot([], []))
    harness.locator("#view-0 .lw-message").wait_for()
    nodes, edges = pipeline()
    show(harness, delta(nodes, edges))
    harness.wait_for_selector(node_sel("raw-data:v0"))
    wait_frames(harness)
    assert not harness.locator("#view-0 .lw-message").is_visible()
    assert min(name_sizes(harness).values()) >= 10
    assert_inside(harness, ids={"raw-data:v0"})  # no root: the first column


def chain(columns: int) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """A lineage ``columns`` long, two nodes per column (run and artifact columns alternate)."""
    nodes = [
        node(
            f"n{c}-{i}", "run" if c % 2 else "artifact", "train" if c % 2 else "dataset", c, order=i
        )
        for c in range(columns)
        for i in range(2)
    ]
    edges = [(f"n{c}-{i}", f"n{c + 1}-{i}") for c in range(columns - 1) for i in range(2)]
    return nodes, edges


def test_first_view_of_a_wide_graph_is_readable_at_its_root(harness: Page) -> None:
    # 9 columns do not fit 1100 px with names of 10 px or more: the view starts at the root.
    show(harness, snapshot(*chain(9), root="n4-1"))
    harness.wait_for_selector(READY)

    sizes = name_sizes(harness)
    assert len(sizes) == 18
    assert min(sizes.values()) >= 10, sizes
    assert_inside(harness, ids={"n4-1"})
    # "Zoom to fit" still shows it all, smaller.
    harness.click("#view-0 [data-action='fit']")
    assert_inside(harness)
    assert min(name_sizes(harness).values()) < 10


def test_first_view_of_a_wide_graph_shown_whole_starts_at_its_first_column(harness: Page) -> None:
    show(harness, snapshot(*chain(9)))
    harness.wait_for_selector(READY)

    assert min(name_sizes(harness).values()) >= 10
    assert_inside(harness, ids={"n0-0", "n0-1"})
    # The first column is at the left edge: no empty space before it.
    viewport = harness.locator("#view-0 .lw-viewport").bounding_box()
    assert viewport is not None
    assert boxes(harness)["n0-0"]["x"] - viewport["x"] < 60


def test_first_view_of_a_graph_that_fits_readably_shows_it_all(harness: Page) -> None:
    show(harness, snapshot(*chain(3), root="n1-0"))
    harness.wait_for_selector(READY)

    assert_inside(harness)
    assert min(name_sizes(harness).values()) >= 10


def test_zoomed_far_out_cards_become_plain_boxes(harness: Page) -> None:
    """Below the far scale (0.3) every card is a plain box: nothing inside a node or a cluster is
    seen (icon, type, name, expand controls, put-back control; the marks: test_frontend_beyond);
    the box itself is, and a cluster is its stack of boxes. At the scale the detail comes back,
    all of it does."""
    nodes, edges = pipeline()
    nodes.append(node("pulled", "run", "train", 3, order=5, pulled_out=True, more_up=3))
    groups = [cluster("c-models", "artifact", "model", 4, 12, order=5)]
    show(harness, snapshot(nodes, edges, root="model:v0", clusters=groups))
    harness.wait_for_selector(READY)
    content = "#view-0 .lw-content"
    zoom_to(harness, 0.31)
    assert harness.get_attribute(content, "data-detail") == "near"
    near = painted_parts(harness)
    assert {"lw-node-label", "lw-node-type", "lw-node-icon"} <= set(near["train-1"])
    assert "lw-expand" in near["eval-sweep"]  # its expand control
    assert "lw-put-back" in near["pulled"]
    assert "lw-cluster-face" in near["c-models"]

    zoom_to(harness, 0.29)
    assert harness.get_attribute(content, "data-detail") == "far"
    stack = ["lw-cluster-card", "lw-cluster-card", "lw-cluster-face"]
    assert painted_parts(harness) == {id: stack if id == "c-models" else [] for id in near}
    for card in [
        harness.locator(node_sel("train-1")),
        harness.locator("#view-0 [data-cluster-id='c-models'] .lw-cluster-face"),
    ]:
        assert card.evaluate("el => el.checkVisibility({opacityProperty: true})")
        box = card.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0  # the box itself is still drawn
    save_screenshot(harness.locator("#view-0"), "far-view-boxes")

    zoom_to(harness, 0.31)
    assert harness.get_attribute(content, "data-detail") == "near"
    assert painted_parts(harness) == near


def test_controls_made_later_keep_their_order(harness: Page) -> None:
    """A node's expand and put-back controls appear when it first needs them (more neighbours, a
    pull-out), in the same order as ever: inputs, outputs, put back, each a tab stop of the
    focused node."""
    show(harness, snapshot([node("a", "run", "train", 0)], []))
    harness.wait_for_selector(READY)
    card = harness.locator(node_sel("a"))
    assert card.locator("button").count() == 0
    show(harness, delta([node("a", "run", "train", 0, pulled_out=True)]))
    show(harness, delta([node("a", "run", "train", 0, pulled_out=True, more_down=2)]))
    show(harness, delta([node("a", "run", "train", 0, pulled_out=True, more_down=2, more_up=1)]))
    order = card.locator("button").evaluate_all(
        "els => els.map((b) => [b.dataset.expand ?? b.dataset.action, b.tabIndex])"
    )
    assert order == [["upstream", 0], ["downstream", 0], ["put-back", 0]]


def test_ports_say_how_many_neighbours_are_not_shown(harness: Page) -> None:
    """A count the source knows is on the control ("12") and in its name ("12 more upstream");
    an unknown count is a plain "+"; nothing more to fetch, no control."""
    nodes = [
        node("model:v3", "artifact", "model", 0, more_up=12, more_down=-1),
        node("done", "run", "train", 1, more_up=0, more_down=0),
    ]
    show(harness, snapshot(nodes, [("model:v3", "done")]))
    harness.wait_for_selector(READY)
    up = harness.locator(f"{node_sel('model:v3')} [data-expand='upstream']")
    down = harness.locator(f"{node_sel('model:v3')} [data-expand='downstream']")
    assert up.inner_text() == "12"
    assert up.get_attribute("aria-label") == "Show 12 more upstream"
    assert up.get_attribute("title") == "Show 12 more upstream"
    assert down.inner_text() == "+"
    assert down.get_attribute("aria-label") == "Show more downstream"
    assert not harness.locator(f"{node_sel('done')} [data-expand='upstream']").is_visible()
    assert not harness.locator(f"{node_sel('done')} [data-expand='downstream']").is_visible()


def test_the_viewport_is_remembered_and_new_views_start_there(harness: Page) -> None:
    """Panning or zooming updates the `viewport` trait once the user pauses (drawing alone does
    not); a second view starts where the first was left; a viewport set from Python moves the
    views."""
    show_pipeline(harness)
    harness.wait_for_timeout(400)
    assert harness.evaluate("lw.saves()") == []  # the first fit is no user move
    assert harness.evaluate("lw.traits().viewport") == {}

    viewport = harness.locator("#view-0 .lw-viewport").bounding_box()
    assert viewport is not None
    start_x, start_y = viewport["x"] + 10, viewport["y"] + viewport["height"] - 10
    harness.mouse.move(start_x, start_y)
    harness.mouse.down()
    harness.mouse.move(start_x + 120, start_y - 60, steps=5)
    harness.mouse.up()
    harness.click("#view-0 [data-action='zoom-in']")
    harness.wait_for_function("lw.saves().length > 0")
    saved = harness.evaluate("lw.traits().viewport")
    here = centre(harness)
    assert saved == pytest.approx(here, abs=0.01)
    assert len(harness.evaluate("lw.saves()")) == 1  # one save after the pause, not one per move

    harness.evaluate("lw.render(0)")
    harness.wait_for_selector(f"#view-1 {READY}")
    wait_frames(harness)
    assert centre(harness, 1) == pytest.approx(saved, abs=0.5)

    harness.evaluate("lw.setTrait('viewport', {cx: 100, cy: 50, k: 0.5})")
    wait_frames(harness)
    assert centre(harness, 0) == pytest.approx({"cx": 100, "cy": 50, "k": 0.5}, abs=0.5)


def test_a_big_graph_renders_only_the_cards_near_the_view(harness: Page) -> None:
    """Past a few hundred cards, those far off screen (and edges that cannot reach the screen)
    are not in the page at all (nothing to restyle there); what the view moves to is; a focused
    card always is; a colour set meanwhile reaches the cards that were out."""
    n = 350
    nodes = [node(f"d{i}", "artifact", "dataset", 0, order=i) for i in range(n)]
    nodes += [node(f"r{i}", "run", "train", 1, order=i) for i in range(n)]
    show(harness, snapshot(nodes, [(f"d{i}", f"r{i}") for i in range(n)]))
    harness.wait_for_selector(READY)
    for _ in range(10):
        harness.click("#view-0 [data-action='zoom-in']")
    show(harness, {"type": "focus", "id": "d0"})
    wait_frames(harness)

    def culled(what: str, total: int) -> int:
        return total - harness.locator(f"#view-0 {what}").count()

    assert culled(".lw-node", 2 * n) > n
    assert harness.is_visible(node_sel("d0"))
    assert harness.is_visible(node_sel("r0"))
    assert harness.locator(node_sel("d349")).count() == 0
    assert culled(".lw-edge", n) > n / 2
    assert harness.locator("#view-0 .lw-edge[data-source='d0']").is_visible()

    coloring = {"legend": {}, "nodes": {"d349": "#440154"}, "values": {"d349": 1}, "clusters": {}}
    harness.evaluate("c => lw.setTrait('_coloring', c)", coloring)
    show(harness, {"type": "focus", "id": "d349"})
    wait_frames(harness)
    assert harness.is_visible(node_sel("d349"))
    assert harness.get_attribute(node_sel("d349"), "data-color") == "#440154"
    assert harness.locator(node_sel("d0")).count() == 0

    harness.locator(node_sel("d349")).focus()  # the focused card stays, wherever the view goes
    show(harness, {"type": "focus", "id": "d0"})
    wait_frames(harness)
    assert harness.is_visible(node_sel("d349"))

    # Shrunk to a small graph, nothing is culled any more (cards off screen are only panned away).
    gone = [f"{p}{i}" for p in "dr" for i in range(n) if i < 340]
    show(harness, delta(removed=gone))
    wait_frames(harness)
    assert culled(".lw-node", 20) == 0
    assert culled(".lw-edge", 10) == 0


def rect(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


DETAILS_PANE = "#view-0 .lineage-details"


def long_details(page: Page) -> dict[str, Any]:
    """The reply to the last details request, with 40 long fields: more than the pane's height."""
    fields = [(f"Field {i}", "a long value " * 12) for i in range(40)]
    return details_reply(last_request(page, "details"), fields, inputs=1, outputs=2)


def test_details_pane_is_docked_beside_the_graph_with_its_buttons_in_reach(harness: Page) -> None:
    show(harness, snapshot(*chain(3), root="n1-0"))
    harness.wait_for_selector(READY)
    assert_inside(harness)
    # The node at the right edge: the pane opens beside the graph, never over the node.
    harness.click(node_sel("n2-0"))
    show(harness, long_details(harness))
    expect(harness.locator(f"{DETAILS_PANE} dt")).to_have_count(40)

    pane = rect(harness, DETAILS_PANE)
    viewport = rect(harness, "#view-0 .lw-viewport")
    assert not overlap(pane, viewport)
    assert_inside(harness)  # the graph shown whole before is still whole, beside the pane
    assert min(name_sizes(harness).values()) >= 10
    # Its buttons show without scrolling: inside the pane's box, and the pane inside the widget.
    widget = rect(harness, "#view-0 .lineage-widget")
    assert pane["y"] + pane["height"] <= widget["y"] + widget["height"] + 1
    for direction in ("upstream", "downstream"):
        button = rect(harness, f"{DETAILS_PANE} [data-details-expand='{direction}']")
        assert pane["y"] <= button["y"]
        assert button["y"] + button["height"] <= pane["y"] + pane["height"]
    # The values scroll inside their own box.
    body = harness.locator(f"{DETAILS_PANE} .lw-details-body")
    assert body.evaluate("el => el.scrollHeight > el.clientHeight")

    # Fit fits beside the pane.
    harness.click("#view-0 [data-action='zoom-in']")
    harness.click("#view-0 [data-action='fit']")
    assert_inside(harness)


def test_details_pane_never_hides_the_node_it_describes(harness: Page) -> None:
    show(harness, snapshot(*chain(9), root="n4-1"))
    harness.wait_for_selector(READY)
    harness.click("#view-0 [data-action='zoom-in']")
    # A node near the right edge of the viewport, where the pane opens.
    viewport = rect(harness, "#view-0 .lw-viewport")
    right = max(
        (b for b in boxes(harness).values() if b["x"] + b["w"] < viewport["x"] + viewport["width"]),
        key=lambda b: b["x"],
    )
    target = next(id for id, b in boxes(harness).items() if b == right)
    harness.click(node_sel(target))

    expect(harness.locator(DETAILS_PANE)).to_be_visible()
    assert_inside(harness, ids={target})
    assert not overlap(rect(harness, DETAILS_PANE), rect(harness, node_sel(target)))


def test_a_new_view_reopens_the_details_beside_the_selected_node(harness: Page) -> None:
    show(harness, snapshot(*chain(3), root="n1-0"))
    harness.wait_for_selector(READY)
    # The model remembers a viewport with the selected node right of the middle: a view that
    # opens its details pane there would cover it.
    here = centre(harness)
    node_box = boxes(harness)["n2-1"]
    port = rect(harness, "#view-0 .lw-viewport")
    gx = (
        here["cx"] + (node_box["x"] + node_box["w"] / 2 - port["x"] - port["width"] / 2) / here["k"]
    )
    harness.evaluate(
        "(v) => lw.setTrait('viewport', v)", {"cx": gx - 420, "cy": here["cy"], "k": 1}
    )
    harness.evaluate("lw.setTrait('selected', ['n2-1'])")
    harness.evaluate("lw.render(0)")  # a reload: a new view of the model
    harness.wait_for_selector(f"#view-1 {READY}")
    show(harness, long_details(harness))

    expect(harness.locator("#view-1 .lineage-details dt")).to_have_count(40)
    assert_inside(harness, view=1, ids={"n2-1"})
    assert not overlap(
        rect(harness, "#view-1 .lineage-details"), rect(harness, node_sel("n2-1", 1))
    )


def test_expanding_glides_to_the_new_nodes_keeping_the_clicked_node_in_view(
    harness: Page,
) -> None:
    nodes, edges = chain(9)
    for each in nodes:
        each["more_down"] = 1
    show(harness, snapshot(nodes, edges, root="n4-1"))
    harness.wait_for_selector(READY)
    # The last node in view on the right; its outputs will land off screen.
    viewport = rect(harness, "#view-0 .lw-viewport")
    in_view = {
        id: b
        for id, b in boxes(harness).items()
        if viewport["x"] <= b["x"] and b["x"] + b["w"] <= viewport["x"] + viewport["width"]
    }
    target = max(in_view, key=lambda id: in_view[id]["x"])
    level = int(target[1])
    harness.click(f"{node_sel(target)} [data-expand='downstream']", force=True)
    new = [node(f"new-{i}", "artifact", "model", level + 3, order=i) for i in range(3)]
    hop = [node(f"hop-{i}", "run", "train", level + 2, order=i) for i in range(3)]
    after = node(f"after-{level}", "artifact", "dataset", level + 1, order=9)
    show(
        harness,
        delta(
            [after, *hop, *new],
            [(target, after["id"])]
            + [(after["id"], f"hop-{i}") for i in range(3)]
            + [(f"hop-{i}", f"new-{i}") for i in range(3)],
        ),
    )
    harness.wait_for_selector(node_sel("new-2"))
    assert harness.locator("#view-0 .lw-viewport").get_attribute("data-gliding") == "true"
    wait_glide(harness)

    assert_inside(harness, ids={target, after["id"], "hop-0", "hop-1", "hop-2"})
    assert min(name_sizes(harness).values()) >= 10  # the same zoom: still readable
