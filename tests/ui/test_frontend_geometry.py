"""The page draws cards and clusters at the sizes js/src/geometry.ts defines, the ones the layout
places and the picture draws: widget.css reads them from the custom properties the view sets on
its root, so a size changed in geometry.ts changes the page with it."""

from __future__ import annotations

import math
import re
from pathlib import Path

from frontend_harness import READY, cluster, node, node_sel, show, snapshot
from playwright.sync_api import Page

GEOMETRY_TS = Path(__file__).parents[2] / "js" / "src" / "geometry.ts"


def geometry() -> dict[str, float]:
    """geometry.ts's exported numeric constants."""
    found = re.findall(r"^export const (\w+) = ([\d.]+);", GEOMETRY_TS.read_text(), flags=re.M)
    return {name: float(value) for name, value in found}


G = geometry()

STYLE_OF = """([selector, properties]) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const values = Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
  // (its laid-out size: the pan-zoom transform scales what is on screen)
  return { ...values, width: element.offsetWidth, height: element.offsetHeight };
}"""


def style(page: Page, selector: str, *properties: str) -> dict[str, float | str]:
    """Computed ``properties`` (px values as numbers) and the drawn width and height."""
    found: dict[str, float | str] = page.evaluate(STYLE_OF, [selector, list(properties)])
    px = re.compile(r"([\d.]+)px")
    return {
        key: float(match[1]) if isinstance(value, str) and (match := px.fullmatch(value)) else value
        for key, value in found.items()
    }


def test_geometry_ts_is_read() -> None:
    assert (G["NODE_WIDTH"], G["ICON_BOX"]) == (216, 28)
    assert len(G) > 20


def test_cards_and_clusters_are_drawn_at_geometry_ts_sizes(harness: Page) -> None:
    nodes = [
        node("data", "artifact", "dataset", 0),
        node("train", "run", "train", 1),
    ]
    clusters = [cluster("cluster:model", "artifact", "model", 2, 5)]
    edges = [("data", "train"), ("train", "cluster:model")]
    show(harness, snapshot(nodes, edges, clusters=clusters))
    harness.wait_for_selector(READY)
    harness.locator(node_sel("train")).click()

    sides = ("padding-left", "padding-right", "column-gap", "border-top-width", "border-radius")
    artifact = style(harness, node_sel("data"), *sides)
    assert (artifact["width"], artifact["height"]) == (G["NODE_WIDTH"], G["NODE_HEIGHT"])
    assert artifact["padding-left"] == G["CARD_PADDING_LEFT"]
    assert artifact["padding-right"] == G["CARD_PADDING_RIGHT"]
    assert artifact["column-gap"] == G["ICON_GAP"]
    # (Chromium draws a border in whole device pixels: 1.5px is 1px on this 1x screen)
    assert artifact["border-top-width"] == math.floor(G["CARD_BORDER"])
    assert artifact["border-radius"] == G["CARD_RADIUS"]

    run = style(harness, node_sel("train"), "padding-left", "border-top-width")
    assert run["padding-left"] == G["RUN_PADDING_LEFT"]
    assert run["border-top-width"] == G["SELECTED_BORDER"]  # (selected)
    # The selection ring, once its transition ends (it fails by timing out).
    harness.wait_for_function(
        "([selector, ring]) => getComputedStyle(document.querySelector(selector))"
        ".boxShadow.endsWith(ring)",
        arg=[node_sel("train"), f" 0px 0px 0px {G['SELECTION_RING']:g}px"],
        timeout=5000,
    )

    icon = style(harness, f"{node_sel('data')} .lw-node-icon")
    assert (icon["width"], icon["height"]) == (G["ICON_BOX"], G["ICON_BOX"])
    assert (
        style(harness, f"{node_sel('data')} .lw-node-label", "font-size")["font-size"]
        == G["LABEL_FONT"]
    )
    assert (
        style(harness, f"{node_sel('data')} .lw-node-type", "font-size")["font-size"]
        == G["TYPE_FONT"]
    )

    stack = "#view-0 [data-cluster-id='cluster:model']"
    whole = style(harness, stack)
    assert (whole["width"], whole["height"]) == (G["CLUSTER_WIDTH"], G["CLUSTER_HEIGHT"])
    face = style(harness, f"{stack} .lw-cluster-face")
    peek = G["CLUSTER_STACK"]
    assert face["width"] == G["CLUSTER_WIDTH"] - peek
    assert face["height"] == G["CLUSTER_HEIGHT"] - peek
    back = style(harness, f"{stack} .lw-cluster-card", "left", "top", "opacity")
    assert (back["left"], back["top"]) == (peek, 0)
    middle = style(harness, f"{stack} .lw-cluster-card:nth-child(2)", "opacity")
    opacities = re.search(r"CLUSTER_CARD_OPACITY = \[([\d.]+), ([\d.]+)\]", GEOMETRY_TS.read_text())
    assert opacities is not None
    assert (float(back["opacity"]), float(middle["opacity"])) == (
        float(opacities[1]),
        float(opacities[2]),
    )
