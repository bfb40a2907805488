"""Export on the plain harness page: the SVG and PNG files a view draws for Python's ``save()``
(the ``export`` message) and for the toolbar's download menu.

The SVG is parsed back (xml.etree here, DOMParser in the page): only the elements and attributes
the exporter writes may appear, every data string comes back whole (in a ``<title>``) and cut
only with an ellipsis where it is shown.
"""

from __future__ import annotations

import base64
import itertools
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from frontend_harness import (
    READY,
    cluster,
    node,
    node_sel,
    pipeline,
    sent,
    show,
    show_pipeline,
    snapshot,
    wait_frames,
)
from playwright.sync_api import Page, expect
from xss_payloads import COUNT_INJECTED_JS, FAILED_IMAGES_SETTLED_JS, INJECTED_SELECTOR, PAYLOADS

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VIEW = "#view-0"
DOWNLOAD_LABEL = "Download the graph as an image"

# Everything the exporter writes: anything else in a file is something a data string injected.
ELEMENTS = {"svg", "title", "g", "rect", "circle", "path", "text"}
ATTRIBUTES = {
    "width", "height", "viewBox", "font-family", "font-size", "font-weight", "text-anchor",
    "fill", "fill-opacity", "stroke", "stroke-opacity", "stroke-width", "stroke-dasharray",
    "stroke-linecap", "stroke-linejoin", "opacity", "d", "x", "y", "rx", "cx", "cy", "r",
    "transform", "class", "aria-hidden",
    "data-node-id", "data-kind", "data-cluster-id", "data-source", "data-target",
}  # fmt: skip
CONCRETE_PAINT = re.compile(r"#[0-9a-f]{6}|none")
MARGIN = 16  # around the layout in a picture (export.ts)


def export(
    page: Page, fmt: str, request: str = "r1", m: int = 0
) -> tuple[dict[str, Any], list[bytes]]:
    """Delivers the kernel's export request; returns the page's reply and its binary buffers."""
    show(page, {"type": "export", "request": request, "format": fmt}, m)
    found = "(msg) => msg.type === 'export_result' && msg.request === r"
    page.wait_for_function(f"([r, m]) => lw.models[m].sent.some({found})", arg=[request, m])
    reply, encoded = page.evaluate(
        f"""([r, m]) => {{
            const index = lw.models[m].sent.findIndex({found});
            return [lw.models[m].sent[index], lw.sentBuffers(index, m)];
        }}""",
        [request, m],
    )
    return reply, [base64.b64decode(b) for b in encoded]


def parse_svg(text: str) -> ET.Element:
    """The SVG document, checked: nothing but what the exporter writes, no markup from data."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    # Every "<" opens one of the exporter's own elements: data never brings its own.
    assert set(re.findall(r"</?([A-Za-z][\w:.-]*)", text)) <= ELEMENTS
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in ELEMENTS, element.tag
        assert set(element.attrib) <= ATTRIBUTES, element.attrib
        for name in ("fill", "stroke"):  # theme colours resolved: no var(), no currentColor
            value = element.get(name)
            assert value is None or CONCRETE_PAINT.fullmatch(value), (name, value)
    return root


def groups(root: ET.Element, attribute: str) -> dict[str, ET.Element]:
    return {g.attrib[attribute]: g for g in root.iter(f"{SVG}g") if attribute in g.attrib}


def title_of(element: ET.Element) -> str | None:
    title = element.find(f"{SVG}title")
    return None if title is None else title.text


def shown_texts(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text")]


def fits(shown: str, full: str) -> bool:
    """``shown`` is ``full``, or a beginning of it cut with an ellipsis."""
    return shown == full or (shown.endswith("\u2026") and full.startswith(shown[:-1]))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def layout_size(page: Page) -> tuple[int, int]:
    width, height = page.eval_on_selector(
        f"{VIEW} .lw-content", "el => [parseFloat(el.style.width), parseFloat(el.style.height)]"
    )
    return round(width), round(height)


def picture_size(page: Page) -> tuple[int, int]:
    """The size of the picture of the view: its layout and a margin all round."""
    width, height = layout_size(page)
    return width + 2 * MARGIN, height + 2 * MARGIN


def hostile_graph() -> dict[str, Any]:
    """Every payload as a node id, type and label, a fetch error, an edge end and a cluster type."""
    nodes = [
        node(p, "run" if i % 2 else "artifact", p, i % 4, order=i, label=p)
        for i, p in enumerate(PAYLOADS)
    ]
    clusters = [
        cluster(f"cluster:{p}", "artifact", p, 4, 7, order=i) for i, p in enumerate(PAYLOADS)
    ]
    status = [{"id": p, "direction": "upstream", "state": "error", "error": p} for p in PAYLOADS]
    return snapshot(
        nodes,
        list(itertools.pairwise(PAYLOADS)),
        root=PAYLOADS[0],
        status=status,
        clusters=clusters,
    )


# ---- the SVG -----------------------------------------------------------------------------------


def test_svg_holds_hostile_strings_as_escaped_text(harness: Page) -> None:
    show(harness, hostile_graph())
    harness.wait_for_selector(READY)

    reply, buffers = export(harness, "svg")

    assert buffers == []
    assert "error" not in reply
    text = reply["svg"]
    root = parse_svg(text)
    assert title_of(root) == f"Lineage of {PAYLOADS[0]}"
    nodes = groups(root, "data-node-id")
    assert set(nodes) == set(PAYLOADS)
    for p in PAYLOADS:
        group = nodes[p]
        assert title_of(group) == f"{p}: {p}"
        kind_type, label, error = shown_texts(group)
        assert fits(kind_type, p), (kind_type, p)
        assert fits(label, p), (label, p)
        assert fits(error, f"Error loading inputs: {p}"), (error, p)
    clusters = groups(root, "data-cluster-id")
    assert set(clusters) == {f"cluster:{p}" for p in PAYLOADS}
    for p in PAYLOADS:
        assert title_of(clusters[f"cluster:{p}"]) == f"{p}: 7 artifacts"
    edges = {(g.attrib["data-source"], g.attrib["data-target"]) for g in root.iter(f"{SVG}g")
             if "data-source" in g.attrib}  # fmt: skip
    assert edges == set(itertools.pairwise(PAYLOADS))

    # The browser's own XML parser reads the same document, with nothing injected in it.
    parsed = harness.evaluate(
        """([text, selector, countInjected]) => {
            const doc = new DOMParser().parseFromString(text, "image/svg+xml");
            const root = doc.documentElement;
            return {
                root: root.localName,
                errors: doc.getElementsByTagName("parsererror").length,
                injected: eval(countInjected)(root, selector),
                titles: [...root.querySelectorAll("g[data-node-id] > title")].map(
                    (t) => t.textContent),
            };
        }""",
        [text, INJECTED_SELECTOR, COUNT_INJECTED_JS],
    )
    assert parsed["root"] == "svg"
    assert parsed["errors"] == 0
    assert parsed["injected"] == []
    assert sorted(parsed["titles"]) == sorted(f"{p}: {p}" for p in PAYLOADS)
    harness.evaluate(FAILED_IMAGES_SETTLED_JS)
    assert harness.evaluate("window.__xss") is None


def test_svg_replaces_characters_xml_cannot_hold(harness: Page) -> None:
    # Built in the page: a lone surrogate cannot cross from Python as UTF-8.
    harness.evaluate(
        """() => {
            const bad = "bad" + String.fromCharCode(1, 11, 0xd800) + "char\\u{1F600}";
            lw.deliver({type: "snapshot", root: null, status: [],
                nodes: {id: ["n"], kind: ["artifact"], type: ["t"], label: [bad], level: [0],
                        order: [0], more_up: [0], more_down: [0], pulled_out: [false]},
                clusters: {id: [], kind: [], type: [], level: [], order: [], count: []},
                edges: {source: [], target: [], count: [], back: []}});
        }"""
    )
    harness.wait_for_selector(READY)

    reply, _ = export(harness, "svg")

    root = parse_svg(reply["svg"])
    assert title_of(groups(root, "data-node-id")["n"]) == "t: bad\ufffd\ufffd\ufffdchar\U0001f600"


def test_svg_draws_the_view_at_its_positions_in_concrete_colours(harness: Page) -> None:
    show_pipeline(harness)
    harness.locator(node_sel("train-1")).click()

    reply, _ = export(harness, "svg")

    root = parse_svg(reply["svg"])
    width, height = picture_size(harness)
    assert (root.get("width"), root.get("height")) == (str(width), str(height))
    assert root.get("viewBox") == f"-{MARGIN} -{MARGIN} {width} {height}"
    background = root[1]
    assert (background.tag, background.get("fill")) == (f"{SVG}rect", "#ffffff")
    assert (background.get("width"), background.get("height")) == (str(width), str(height))
    assert "var(" not in reply["svg"]

    # Each node where the view draws it, with its type and label.
    nodes = groups(root, "data-node-id")
    drawn_nodes, _ = pipeline()
    assert set(nodes) == {n["id"] for n in drawn_nodes}
    for n in drawn_nodes:
        transform = harness.locator(node_sel(n["id"])).evaluate("el => el.style.transform")
        shown = re.fullmatch(r"translate\(([\d.]+)px, ([\d.]+)px\)", transform)
        drawn = re.fullmatch(r"translate\(([\d.]+),([\d.]+)\)", nodes[n["id"]].get("transform", ""))
        assert shown
        assert drawn
        assert [float(v) for v in drawn.groups()] == pytest.approx(
            [float(v) for v in shown.groups()], abs=0.01
        )
        assert nodes[n["id"]].get("data-kind") == n["kind"]
        assert shown_texts(nodes[n["id"]]) == [n["type"], n["label"]]

    # Edges: a curve and an arrowhead in the same colour; the selected node's in the accent.
    edges = [g for g in root.iter(f"{SVG}g") if "data-source" in g.attrib]
    assert len(edges) == len(pipeline()[1])
    for edge in edges:
        curve, arrow = edge.findall(f"{SVG}path")
        assert curve.get("fill") == "none"
        assert arrow.get("d", "").endswith("Z")
        assert arrow.get("fill") == curve.get("stroke")
        touches = "train-1" in (edge.get("data-source"), edge.get("data-target"))
        assert (curve.get("stroke") == "#1f77d0") is touches

    # The selected node is ringed (a 4px halo), the others are not.
    def ringed(group: ET.Element) -> bool:
        return any(r.get("stroke-width") == "4" for r in group.findall(f"{SVG}rect"))

    assert ringed(nodes["train-1"])
    assert not any(ringed(g) for i, g in nodes.items() if i != "train-1")


def test_svg_follows_a_dark_theme(harness: Page) -> None:
    host = harness.locator("#views")
    host.evaluate(
        """el => {
            el.style.setProperty("--jp-layout-color0", "#111111");
            el.style.setProperty("--jp-layout-color1", "rgb(34, 34, 34)");
            el.style.setProperty("--jp-ui-font-color1", "#eeeeee");
        }"""
    )
    try:
        show_pipeline(harness)
        reply, _ = export(harness, "svg")
    finally:
        host.evaluate("el => el.removeAttribute('style')")

    root = parse_svg(reply["svg"])
    assert root[1].get("fill") == "#111111"
    group = groups(root, "data-node-id")["preprocess"]
    frame = next(r for r in group.findall(f"{SVG}rect") if r.get("stroke"))
    assert frame.get("fill") == "#222222"
    label = group.findall(f"{SVG}text")[1]
    assert label.get("fill") == "#eeeeee"


def test_svg_draws_clusters_counts_and_back_edges(harness: Page) -> None:
    show(
        harness,
        snapshot(
            [node("data", "artifact", "dataset", 0), node("eval", "run", "eval", 2)],
            [("data", "sweep", 6), ("sweep", "eval", 6), ("eval", "data")],
            back={("eval", "data")},
            clusters=[cluster("sweep", "run", "train", 1, 6)],
        ),
    )
    harness.wait_for_selector(READY)

    reply, _ = export(harness, "svg")

    root = parse_svg(reply["svg"])
    sweep = groups(root, "data-cluster-id")["sweep"]
    assert title_of(sweep) == "train: 6 runs"
    assert shown_texts(sweep) == ["train", "6 runs"]
    assert len(sweep.findall(f"{SVG}rect")) == 4  # two cards behind, the face and its tint
    edges = {
        (g.get("data-source"), g.get("data-target")): g
        for g in root.iter(f"{SVG}g")
        if "data-source" in g.attrib
    }
    assert shown_texts(edges["data", "sweep"]) == ["6"]
    back = edges["eval", "data"]
    assert title_of(back) == "closes a cycle"
    curve = back.find(f"{SVG}path")
    assert curve is not None
    assert curve.get("stroke-dasharray") == "6 4"
    assert curve.get("stroke") == "#e08600"
    # Its loop reaches beyond the outermost nodes, still inside the picture.
    points = [
        (float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", curve.get("d", ""))
    ]
    width, height = picture_size(harness)
    assert -MARGIN <= min(x for x, _ in points) < 0
    assert max(x for x, _ in points) <= width - MARGIN
    assert max(y for _, y in points) <= height - MARGIN


def test_export_waits_for_the_layout_of_what_just_arrived(harness: Page) -> None:
    # The snapshot and the request arrive together: the answer waits for the first layout.
    harness.evaluate(
        """(msg) => {
            lw.deliver(msg);
            lw.deliver({type: "export", request: "first", format: "svg"});
        }""",
        snapshot(*pipeline()),
    )
    reply, _ = export(harness, "svg", "first")
    assert len(groups(parse_svg(reply["svg"]), "data-node-id")) == len(pipeline()[0])

    # A delta and the request together: the new node is in the picture.
    harness.evaluate(
        """(msg) => {
            lw.deliver(msg);
            lw.deliver({type: "export", request: "after-delta", format: "svg"});
        }""",
        {
            "type": "delta",
            "nodes": snapshot([node("report", "artifact", "report", 6)], [])["nodes"],
            "edges": {
                "source": ["eval-sweep"],
                "target": ["report"],
                "count": [1],
                "back": [False],
            },
        },
    )
    reply, _ = export(harness, "svg", "after-delta")
    assert "report" in groups(parse_svg(reply["svg"]), "data-node-id")


def test_one_answer_per_page_and_none_without_a_view(harness: Page) -> None:
    show_pipeline(harness)
    harness.evaluate("lw.render(0)")  # a second view of the same model
    export(harness, "svg", "both-views")
    wait_frames(harness, 3)
    replies = [m for m in sent(harness) if m["type"] == "export_result"]
    assert [m["request"] for m in replies] == ["both-views"]

    # Views closed (the output cleared): the page has nothing to draw with and says nothing.
    harness.evaluate("lw.cleanup(0); lw.cleanup(1)")
    show(harness, {"type": "export", "request": "no-view", "format": "svg"})
    # A model that has no graph yet stays silent too.
    harness.evaluate("lw.start()")
    show(harness, {"type": "export", "request": "no-graph", "format": "png"}, 1)
    harness.wait_for_timeout(300)
    assert [m["request"] for m in sent(harness) if m["type"] == "export_result"] == ["both-views"]
    assert [m["type"] for m in harness.evaluate("lw.sent(1)")] == ["hello"]


def test_a_file_too_large_for_a_kernel_message_is_an_error(harness: Page) -> None:
    # A 9 MB id: kept in the file's data-node-id, while the page draws only the short label.
    msg = snapshot([node("big", "artifact", "model", 0, label="big")], [])
    harness.evaluate("(msg) => { msg.nodes.id = ['x'.repeat(9 * 2 ** 20)]; lw.deliver(msg); }", msg)
    harness.wait_for_selector(READY)

    reply, buffers = export(harness, "svg")

    assert "svg" not in reply
    assert buffers == []
    assert "more than the 8 MB a kernel message may carry" in reply["error"]


# ---- the PNG -----------------------------------------------------------------------------------


def colour_counts(page: Page, png: bytes, colours: dict[str, str]) -> dict[str, int]:
    """How many pixels of the PNG lie near each colour (decoded by the browser)."""
    counts: dict[str, int] = page.evaluate(
        """async ([encoded, colours]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const bitmap = await createImageBitmap(new Blob([bytes], {type: "image/png"}));
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const context = canvas.getContext("2d");
            context.drawImage(bitmap, 0, 0);
            const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
            const counts = {};
            for (const [name, hex] of Object.entries(colours)) {
                const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
                let n = 0;
                for (let i = 0; i < data.length; i += 4) {
                    const d = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g)
                        + Math.abs(data[i + 2] - b);
                    if (d < 30) n++;
                }
                counts[name] = n;
            }
            return counts;
        }""",
        [base64.b64encode(png).decode(), colours],
    )
    return counts


def test_png_is_the_view_at_twice_its_size(harness: Page) -> None:
    show_pipeline(harness)

    reply, buffers = export(harness, "png")

    assert reply == {"type": "export_result", "request": "r1", "format": "png"}
    (png,) = buffers
    width, height = picture_size(harness)
    assert png_size(png) == (2 * width, 2 * height)
    # Drawn, not blank: runs' green and artifacts' blue borders are there.
    counts = colour_counts(harness, png, {"run": "#14a06b", "artifact": "#2c86d1"})
    assert counts["run"] > 500
    assert counts["artifact"] > 500


# ---- the toolbar's download menu ---------------------------------------------------------------


def test_download_menu_saves_svg_and_png(harness: Page, tmp_path: Path) -> None:
    show_pipeline(harness)
    button = harness.get_by_role("button", name=DOWNLOAD_LABEL)
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    expect(harness.get_by_role("menu")).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    with harness.expect_download() as svg_download:
        harness.get_by_role("menuitem", name="Download SVG").click()
    expect(harness.get_by_role("menu")).to_be_hidden()
    assert svg_download.value.suggested_filename == "lineage.svg"
    svg_path = tmp_path / "lineage.svg"
    svg_download.value.save_as(svg_path)
    root = parse_svg(svg_path.read_text(encoding="utf-8"))
    assert set(groups(root, "data-node-id")) == {n["id"] for n in pipeline()[0]}

    button.click()
    with harness.expect_download() as png_download:
        harness.get_by_role("menuitem", name="Download PNG").click()
    assert png_download.value.suggested_filename == "lineage.png"
    png_path = tmp_path / "lineage.png"
    png_download.value.save_as(png_path)
    width, height = picture_size(harness)
    assert png_size(png_path.read_bytes()) == (2 * width, 2 * height)
    # Downloads never go through the kernel.
    assert not [m for m in sent(harness) if m["type"] == "export_result"]


@pytest.mark.parametrize("close", ["escape", "click-outside"])
def test_download_menu_keyboard_and_closing(harness: Page, close: str) -> None:
    show_pipeline(harness)
    harness.locator(node_sel("train-0")).click()
    details = harness.locator(f"{VIEW} .lineage-details")
    expect(details).to_be_visible()
    button = harness.get_by_role("button", name=DOWNLOAD_LABEL)

    button.click()
    svg_item = harness.get_by_role("menuitem", name="Download SVG")
    png_item = harness.get_by_role("menuitem", name="Download PNG")
    expect(svg_item).to_be_focused()
    harness.keyboard.press("ArrowDown")
    expect(png_item).to_be_focused()
    harness.keyboard.press("ArrowDown")
    expect(svg_item).to_be_focused()
    harness.keyboard.press("ArrowUp")
    expect(png_item).to_be_focused()

    if close == "escape":
        harness.keyboard.press("Escape")
        expect(button).to_be_focused()
    else:
        harness.locator(f"{VIEW} .lw-summary").click()
    expect(harness.get_by_role("menu")).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    # Escape closed the menu only: the details panel stays open.
    expect(details).to_be_visible()
