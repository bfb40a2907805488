"""Front-end tests of what goes beyond W&B's view: colour by with its legend, the lineage
diff's marks and the details of a changed pair, and run states. The kernel's own messages and
traits are fed to the page: a real LineageWidget (no browser) makes them here.

Screenshots go to test-results/ (beyond-*.png) for inspection."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from frontend_harness import (
    HOSTILE,
    READY,
    assert_inside,
    boxes,
    node_sel,
    painted_parts,
    restart,
    sent,
    show,
    traits,
    wait_frames,
    wait_glide,
    zoom_to,
)
from playwright.sync_api import Page, expect
from support import save_screenshot

from lineage_widget import LineageGraph, LineageWidget

pytestmark = pytest.mark.browser

VIEW = "#view-0"
LEGEND = f"{VIEW} .lineage-legend"


def sweep() -> LineageGraph:
    """raw -> prep -> clean -> 4 train runs (lr, optimizer, state) -> 4 models -> eval."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("prep", type="preprocess", details={"Config": {"clip": 5}})
    g.add_edge("raw:v0", "prep")
    g.add_artifact("clean:v0", type="dataset", name="clean", version="v0")
    g.add_edge("prep", "clean:v0")
    g.add_run("eval", type="eval", details={"State": "running"})
    runs = [(0.1, "adam", "finished"), (0.03, "sgd", "crashed"), (0.01, "adam", "finished")]
    runs.append((0.001, "adam", "failed"))
    for i, (lr, opt, state) in enumerate(runs):
        config = {"lr": lr, "optimizer": opt}
        g.add_run(f"train-{i}", type="train", details={"Config": config, "State": state})
        g.add_edge("clean:v0", f"train-{i}")
        g.add_artifact(f"model:v{i}", type="model", name="model", version=f"v{i}")
        g.add_edge(f"train-{i}", f"model:v{i}")
        g.add_edge(f"model:v{i}", "eval")
    return g


class Kernel:
    """A LineageWidget whose messages and traits go to the harness page."""

    def __init__(self, page: Page, widget: LineageWidget) -> None:
        self.page = page
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        widget.send = lambda msg, buffers=None: self.sent.append(msg)  # type: ignore[method-assign]
        restart(page, traits(_coloring=widget._coloring, _diff=widget._diff))
        self.answer({"type": "hello"})
        page.wait_for_selector(READY)

    def answer(self, msg: dict[str, Any]) -> None:
        """The kernel handles ``msg``; what it sends goes to the page."""
        start = len(self.sent)
        self.widget._handle_message(self.widget, msg, [])
        assert self.widget.wait(10)
        for reply in self.sent[start:]:
            show(self.page, reply)

    def sync(self) -> None:
        """The kernel's traits reach the page (as a comm update would bring them), and the view
        has moved to show them (a new comparison glides to show both lineages)."""
        for name in ("_coloring", "_diff"):
            self.page.evaluate("([n, v]) => lw.setTrait(n, v)", [name, getattr(self.widget, name)])
        wait_glide(self.page)


def test_color_by_a_number_paints_the_nodes_and_names_the_range(harness: Page) -> None:
    w = LineageWidget(sweep(), cluster_threshold=None, color_by="lr")
    Kernel(harness, w)
    legend = harness.locator(LEGEND)
    expect(legend).to_be_visible()
    # 0.001 to 0.1: a hundredfold, on a log scale (the legend says so).
    expect(legend.locator(".lw-legend-title")).to_have_text("Colour: lr (log scale)")
    assert legend.locator(".lw-legend-min").inner_text() == "0.001"
    assert legend.locator(".lw-legend-max").inner_text() == "0.1"
    low = harness.locator(node_sel("train-3"))
    high = harness.locator(node_sel("train-0"))
    assert low.get_attribute("data-color") == "#440154"
    assert high.get_attribute("data-color") == "#fde725"
    assert low.locator(".lw-color-bar").get_attribute("title") == "lr: 0.001"
    assert harness.locator(node_sel("raw:v0")).get_attribute("data-color") is None  # no lr
    # The node's face really takes the colour (a tint of it), the unvalued one does not.
    tint = high.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = harness.locator(node_sel("raw:v0")).evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert tint != plain
    save_screenshot(harness.locator(VIEW), "beyond-color-by-lr")


def test_color_by_strings_lists_categories_and_none_restores_the_usual_colours(
    harness: Page,
) -> None:
    w = LineageWidget(sweep(), cluster_threshold=None, color_by="optimizer")
    kernel = Kernel(harness, w)
    legend = harness.locator(LEGEND)
    labels = legend.locator("[data-legend='color'] .lw-legend-label").all_inner_texts()
    assert labels == ["adam", "sgd", "no value"]
    adam = harness.locator(node_sel("train-0")).get_attribute("data-color")
    assert harness.locator(node_sel("train-2")).get_attribute("data-color") == adam
    assert harness.locator(node_sel("train-1")).get_attribute("data-color") != adam
    w.color_by = None
    kernel.sync()
    expect(legend).to_be_hidden()
    assert harness.locator(f"{VIEW} [data-color]").count() == 0
    assert harness.locator(f"{VIEW} .lw-color-bar").count() == 0


def test_a_cluster_shows_its_members_range(harness: Page) -> None:
    w = LineageWidget(sweep(), cluster_threshold=3, color_by="lr")
    Kernel(harness, w)
    (cluster,) = [c for c, members in w.clusters.items() if "train-0" in members]
    shown = harness.locator(f"{VIEW} [data-cluster-id='{cluster}'] .lw-cluster-range")
    expect(shown).to_have_text("lr 0.001 \u2013 0.1")
    save_screenshot(harness.locator(VIEW), "beyond-cluster-range")


def two_long_trainings() -> LineageGraph:
    """raw:v0 -> four run/dataset steps on side a, four on side b: nine columns."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    for side in "ab":
        previous = "raw:v0"
        for step in range(4):
            run, data = f"{side}-run-{step}", f"{side}-data:v{step}"
            g.add_run(run, type="train", details={"Config": {"step": step, "side": side}})
            g.add_artifact(data, type="dataset", name=f"{side}-data", version=f"v{step}")
            g.add_edge(previous, run)
            g.add_edge(run, data)
            previous = data
    return g


def test_compare_brings_both_lineages_into_view(harness: Page) -> None:
    """A lineage too long to show readably starts at its root, the rest off screen; compare()
    then shows both compared lineages whole, zoomed out as far as that takes."""
    w = LineageWidget(two_long_trainings(), root="a-data:v3", depth=10)
    kernel = Kernel(harness, w)
    shown = set(boxes(harness))
    with pytest.raises(AssertionError):
        assert_inside(harness, ids=shown)  # the first view is cut: raw:v0 is off screen
    start = len(kernel.sent)
    w.compare("a-data:v3", "b-data:v3")  # side b is not shown yet: compare() brings it
    for msg in kernel.sent[start:]:
        show(harness, msg)
    kernel.sync()
    compared = set(w._diff["nodes"])
    assert len(compared) == 17
    assert_inside(harness, ids=compared)
    save_screenshot(harness.locator(VIEW), "beyond-compare-in-view")


def test_a_view_drawn_after_compare_shows_both_lineages(harness: Page) -> None:
    """compare() run before the view is drawn (the next cell, run at once by "Run all"): the
    view's first drawing shows both lineages, not the root's cut first view."""
    w = LineageWidget(two_long_trainings(), root="a-data:v3", depth=10)
    w.compare("a-data:v3", "b-data:v3")
    kernel = Kernel(harness, w)  # the page starts with the comparison in its traits
    wait_glide(harness)
    assert_inside(harness, ids=set(w._diff["nodes"]))
    # JupyterLab's view says hello a second time: the new snapshot starts at them again.
    kernel.answer({"type": "hello"})
    wait_glide(harness)
    assert_inside(harness, ids=set(w._diff["nodes"]))


def test_run_states_are_always_shown(harness: Page) -> None:
    Kernel(harness, LineageWidget(sweep(), cluster_threshold=None))
    assert harness.locator(node_sel("train-1")).get_attribute("data-run-state") == "crashed"
    expect(harness.locator(f"{node_sel('train-1')} .lw-run-state")).to_have_text("crashed")
    expect(harness.locator(f"{node_sel('train-3')} .lw-run-state")).to_have_text("failed")
    expect(harness.locator(f"{node_sel('eval')} .lw-run-state")).to_have_text("running")
    assert harness.locator(f"{node_sel('train-0')} .lw-run-state").count() == 0  # finished


def test_zoomed_far_out_the_marks_go_with_the_rest_of_the_card(harness: Page) -> None:
    """A plain box far out, as every card: its colour bar and run-state badge are not seen, and
    come back with the detail."""
    Kernel(harness, LineageWidget(sweep(), cluster_threshold=None, color_by="lr"))
    zoom_to(harness, 0.31)
    near = painted_parts(harness)
    assert {"lw-color-bar", "lw-run-state"} <= set(near["train-1"])
    zoom_to(harness, 0.29)
    assert painted_parts(harness) == {id: [] for id in near}
    zoom_to(harness, 0.31)
    assert painted_parts(harness) == near


def two_trainings() -> LineageGraph:
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    for run, processed, train, model, lr in (
        ("prep-1", "v1", "train-a", "v3", 0.1),
        ("prep-2", "v2", "train-b", "v7", HOSTILE),
    ):
        g.add_run(run, type="preprocess")
        g.add_edge("raw:v0", run)
        g.add_artifact(
            f"processed:{processed}", type="dataset", name="processed", version=processed
        )
        g.add_edge(run, f"processed:{processed}")
        g.add_run(train, type="train", details={"Config": {"lr": lr, "seed": 1}})
        g.add_edge(f"processed:{processed}", train)
        g.add_artifact(f"model:{model}", type="model", name="model", version=model)
        g.add_edge(train, f"model:{model}")
    g.add_run("deploy", type="deploy")
    g.add_edge("model:v3", "deploy")
    return g


def test_compare_marks_each_side_and_the_details_say_what_differs(harness: Page) -> None:
    w = LineageWidget(two_trainings(), cluster_threshold=None)
    kernel = Kernel(harness, w)
    w.compare("model:v3", "model:v7")
    kernel.sync()
    sides = harness.locator(f"{VIEW} [data-node-id]").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.nodeId, e.dataset.diff ?? null]))"
    )
    assert sides == {
        "raw:v0": "both",
        "prep-1": "a",
        "processed:v1": "a",
        "train-a": "a",
        "model:v3": "a",
        "prep-2": "b",
        "processed:v2": "b",
        "train-b": "b",
        "model:v7": "b",
        "deploy": None,  # on neither side: dimmed
    }
    deploy = harness.locator(node_sel("deploy"))
    assert float(deploy.evaluate("el => getComputedStyle(el).opacity")) < 0.5
    expect(harness.locator(f"{node_sel('train-a')} .lw-diff-badge")).to_have_text("A Δ")
    expect(harness.locator(f"{node_sel('model:v7')} .lw-diff-badge")).to_have_text("B Δ")
    assert harness.locator(f"{node_sel('raw:v0')} .lw-diff-badge").count() == 0
    # The two sides' rings differ in colour.
    ring_a = harness.locator(node_sel("train-a")).evaluate("el => getComputedStyle(el).boxShadow")
    ring_b = harness.locator(node_sel("train-b")).evaluate("el => getComputedStyle(el).boxShadow")
    assert ring_a != ring_b
    legend = harness.locator(f"{LEGEND} [data-legend='diff']")
    expect(legend).to_be_visible()
    assert legend.locator(".lw-legend-label").all_inner_texts()[:3] == [
        "only model:v3",
        "only model:v7",
        "both",
    ]
    save_screenshot(harness.locator(VIEW), "beyond-diff-marks")

    # The details of a changed pair: the keys and both values, as text.
    harness.click(node_sel("train-b"))
    (asked,) = [m for m in sent(harness) if m["type"] == "details"]  # what the page asked
    assert asked["id"] == "train-b"
    kernel.answer(asked)
    section = harness.locator(f"{VIEW} .lineage-details .lw-diff-details")
    expect(section).to_be_visible()
    expect(section.locator(".lw-diff-details-title")).to_have_text("Differs from train-a")
    row = section.locator("[data-diff-key='lr'] td")
    assert row.all_text_contents() == ["lr", "0.1", HOSTILE]
    assert section.locator("[data-diff-key='seed']").count() == 0  # the same on both sides
    assert harness.locator(f"{VIEW} .lineage-details img").count() == 0
    save_screenshot(harness.locator(VIEW), "beyond-diff-details")

    w.compare()
    kernel.sync()
    assert harness.locator(f"{VIEW} [data-diff]").count() == 0
    expect(harness.locator(LEGEND)).to_be_hidden()
    assert float(deploy.evaluate("el => getComputedStyle(el).opacity")) == 1


def test_a_refresh_adds_nodes_without_moving_those_shown(harness: Page) -> None:
    g = two_trainings()
    w = LineageWidget(g, root="processed:v1", depth=2, cluster_threshold=None)
    kernel = Kernel(harness, w)
    before = boxes_of(harness)
    g.add_run("train-c", type="train")
    g.add_edge("processed:v1", "train-c")
    start = len(kernel.sent)
    assert [n.id for n in w.refresh()] == ["train-c"]
    for msg in kernel.sent[start:]:
        show(harness, msg)
    harness.wait_for_selector(node_sel("train-c"))
    wait_frames(harness)
    after = boxes_of(harness)
    # Each node shown keeps its column (x) and its place in the column's order (the layout
    # may centre a column that grew).
    assert {k: after[k][0] for k in before} == {k: v[0] for k, v in before.items()}
    assert columns_in_order(after, before) == columns_in_order(before, before)
    assert after["train-c"][1] > max(
        after[n][1] for n in before if after[n][0] == after["train-c"][0]
    )


def columns_in_order(
    boxes: dict[str, tuple[float, float]], shown: dict[str, tuple[float, float]]
) -> dict[float, list[str]]:
    """The nodes of ``shown`` column by column (by x), top to bottom (by y)."""
    columns: dict[float, list[str]] = {}
    for node_id in sorted(shown, key=lambda n: boxes[n][1]):
        columns.setdefault(boxes[node_id][0], []).append(node_id)
    return columns


def boxes_of(page: Page) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#view-0 [data-node-id]')]
            .map((el) => { const r = el.getBoundingClientRect(); return [el.dataset.nodeId,
            [Math.round(r.x), Math.round(r.y)]]; }))"""
    )
    return {k: tuple(v) for k, v in found.items()}  # type: ignore[misc]


CONTRAST_JS = """([name, dark]) => {
  if (dark) {
    document.body.dataset.jpThemeLight = "false";
    document.body.style.setProperty("--jp-layout-color0", "#111111");
  } else {
    delete document.body.dataset.jpThemeLight;
    document.body.style.removeProperty("--jp-layout-color0");
  }
  const root = document.querySelector("#view-0 .lineage-widget");
  const style = getComputedStyle(root);
  const rgb = (text) => {
    const probe = document.createElement("span");
    probe.style.color = text;
    document.body.append(probe);
    const parts = getComputedStyle(probe).color.match(/[\\d.]+/g).map(Number);
    probe.remove();
    return parts;
  };
  const lum = ([r, g, b]) => {
    const lin = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const mark = lum(rgb(style.getPropertyValue(name)));
  const [a, b] = [mark, lum(rgb(style.getPropertyValue("--lw-bg")))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_diff_colours_stand_out_in_light_and_dark_themes(harness: Page, dark: bool) -> None:
    Kernel(harness, LineageWidget(two_trainings(), cluster_threshold=None))
    try:
        for name in ("--lw-diff-a", "--lw-diff-b"):
            ratio = harness.evaluate(CONTRAST_JS, [name, dark])
            assert ratio >= 3, f"{name} on the background: {ratio:.2f}:1 (WCAG wants 3:1 for marks)"
    finally:
        harness.evaluate(CONTRAST_JS, ["--lw-bg", False])  # back to the light page


def test_the_saved_picture_carries_the_colours_and_the_diff_sides(harness: Page) -> None:
    w = LineageWidget(two_trainings(), cluster_threshold=None, color_by="lr")
    kernel = Kernel(harness, w)
    w.color_by = lambda node: 1.0 if node.id == "train-a" else None  # one value: the middle
    w.compare("model:v3", "model:v7")
    kernel.sync()
    show(harness, {"type": "export", "request": "r1", "format": "svg"})
    found = "(msg) => msg.type === 'export_result' && msg.request === 'r1'"
    harness.wait_for_function(f"() => lw.models[0].sent.some({found})")
    reply = harness.evaluate(f"() => lw.models[0].sent.find({found})")
    root = ElementTree.fromstring(reply["svg"].encode("utf-8"))
    svg_ns = "{http://www.w3.org/2000/svg}"

    def rects(node_id: str) -> list[dict[str, str]]:
        (group,) = [g for g in root.iter(f"{svg_ns}g") if g.get("data-node-id") == node_id]
        return [dict(r.attrib) for r in group.findall(f"{svg_ns}rect")]

    assert any(r.get("fill") == "#21918c" for r in rects("train-a"))  # the colour-by bar
    assert not any(r.get("fill") == "#21918c" for r in rects("train-b"))
    assert any(r.get("stroke") == "#0072b2" for r in rects("model:v3"))  # side a's ring
    assert any(r.get("stroke") == "#d55e00" for r in rects("model:v7"))  # side b's
    assert not any(r.get("stroke") in ("#0072b2", "#d55e00") for r in rects("raw:v0"))
