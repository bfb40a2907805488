"""Light and dark themes in JupyterLab: the widget follows Lab's theme and stays readable.

The same small graph is drawn in "JupyterLab Light" and "JupyterLab Dark"; each is screenshotted
(saved under test-results/ for inspection) and checked twice over: from the computed colours (the
widget takes Lab's `--jp-*` colours, and its text keeps a WCAG contrast of at least 4.5:1) and
from the screenshot's pixels (the background really is light, then dark). Then, with a highlight
and a node focused by the keyboard, the focus outline and the highlight ring keep a contrast of
at least 3:1 with the background in both themes (WCAG's rule for non-text marks).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import DARK, LIGHT, WIDGET, node, set_theme, show
from playwright.sync_api import Locator, Page
from support import RESULTS, save_screenshot

pytestmark = pytest.mark.browser


# Colours as the browser resolves them, and WCAG contrast, in the page: one definition for the
# computed styles and the pixels. `colour` composites a translucent colour over its background.
COLOUR_JS = """
window.lwColour = {
  parse(text) {
    const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number);
    return {r, g, b, a};
  },
  over(fg, bg) {
    const mix = (f, b) => f * fg.a + b * (1 - fg.a);
    return {r: mix(fg.r, bg.r), g: mix(fg.g, bg.g), b: mix(fg.b, bg.b), a: 1};
  },
  luminance({r, g, b}) {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  },
  contrast(a, b) {
    const [hi, lo] = [this.luminance(a), this.luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  },
};
"""

# The computed colours: the widget's background and Lab's --jp-layout-color0 (resolved through a
# probe element), and each node's label and type text over the node's own background.
STYLES_JS = """
(root) => {
  const C = window.lwColour;
  const probe = document.createElement("div");
  probe.style.background = "var(--jp-layout-color0)";
  probe.style.color = "var(--jp-ui-font-color1)";
  document.body.append(probe);
  const lab = {background: getComputedStyle(probe).backgroundColor,
               text: getComputedStyle(probe).color};
  probe.remove();
  const page = C.parse(getComputedStyle(root).backgroundColor);
  const nodes = [...root.querySelectorAll(".lw-node")].map((el) => {
    const face = C.over(C.parse(getComputedStyle(el).backgroundColor), page);
    const text = (sel) => C.over(C.parse(getComputedStyle(el.querySelector(sel)).color), face);
    return {
      id: el.dataset.nodeId,
      label: C.contrast(text(".lw-node-label"), face),
      type: C.contrast(text(".lw-node-type"), face),
    };
  });
  return {
    background: getComputedStyle(root).backgroundColor,
    text: getComputedStyle(root).color,
    lab,
    luminance: C.luminance(page),
    nodes,
  };
}
"""

# The pixels of a PNG: the most common colour (the background) and, inside a node label's box,
# the pixel farthest from it (the glyphs), with their contrast.
PIXELS_JS = """
async ({png, label}) => {
  const C = window.lwColour;
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [mode] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const background = {r: mode >> 16, g: (mode >> 8) & 255, b: mode & 255};
  const at = (x, y) => {
    const i = (y * image.width + x) * 4;
    return {r: data[i], g: data[i + 1], b: data[i + 2]};
  };
  // The label's box: its face colour is the commonest there, the glyphs the farthest from it.
  const box = [];
  for (let y = label.y; y < label.y + label.height; y++) {
    for (let x = label.x; x < label.x + label.width; x++) box.push(at(x, y));
  }
  const faceCounts = new Map();
  for (const p of box) {
    const key = `${p.r},${p.g},${p.b}`;
    faceCounts.set(key, (faceCounts.get(key) ?? 0) + 1);
  }
  const [faceKey] = [...faceCounts.entries()].sort((a, b) => b[1] - a[1])[0];
  const [r, g, b] = faceKey.split(",").map(Number);
  const face = {r, g, b};
  let glyph = face;
  for (const p of box) if (C.contrast(p, face) > C.contrast(glyph, face)) glyph = p;
  return {
    background,
    luminance: C.luminance(background),
    textContrast: C.contrast(glyph, face),
  };
}
"""


# The focused node's outline colour and a highlighted node's ring colour, against the widget's
# background.
MARKS_JS = """
([root, focused, highlighted]) => {
  const C = window.lwColour;
  const page = C.parse(getComputedStyle(root).backgroundColor);
  const outline = getComputedStyle(focused);
  const ring = getComputedStyle(highlighted).boxShadow.match(/rgba?\\([^)]*\\)/)[0];
  return {
    outlineStyle: outline.outlineStyle,
    outline: C.contrast(C.over(C.parse(outline.outlineColor), page), page),
    highlight: C.contrast(C.over(C.parse(ring), page), page),
    focusedOpacity: parseFloat(outline.opacity),
  };
}
"""


def measure(page: Page, view: Locator, name: str) -> dict[str, Any]:
    """Screenshot the widget into test-results/ and measure its colours, computed and drawn."""
    view.scroll_into_view_if_needed()
    png = save_screenshot(view, f"theme-{name}")
    widget = view.bounding_box()
    label = node(view, "prep").locator(".lw-node-label").bounding_box()
    assert widget is not None
    assert label is not None
    label_box = {
        "x": round(label["x"] - widget["x"]),
        "y": round(label["y"] - widget["y"]),
        "width": round(label["width"]),
        "height": round(label["height"]),
    }
    styles: dict[str, Any] = view.evaluate(STYLES_JS)
    pixels: dict[str, Any] = page.evaluate(
        PIXELS_JS, {"png": base64.b64encode(png).decode(), "label": label_box}
    )
    return {"styles": styles, "pixels": pixels}


def marks(page: Page, view: Locator, name: str) -> dict[str, Any]:
    """Screenshot the widget with its focus and highlight into test-results/ and measure them."""
    node(view, "prep").focus()
    page.keyboard.press("ArrowLeft")  # by keyboard, so the outline shows (:focus-visible)
    save_screenshot(view, f"theme-{name}-focus-highlight")
    found: dict[str, Any] = page.evaluate(
        MARKS_JS,
        [
            view.element_handle(),
            node(view, "raw:v0").element_handle(),
            node(view, "prep").element_handle(),
        ],
    )
    return found


def test_the_widget_follows_the_light_and_dark_themes(notebook: LabNotebook) -> None:
    page = notebook.page
    page.evaluate(COLOUR_JS)
    notebook.run(WIDGET)
    view = show(notebook)
    try:
        set_theme(page, LIGHT)
        light = measure(page, view, "light")
        set_theme(page, DARK)
        dark = measure(page, view, "dark")
        notebook.run('w.highlight(["prep", "clean:v0"])')
        set_theme(page, LIGHT)
        light_marks = marks(page, view, "light")
        set_theme(page, DARK)
        dark_marks = marks(page, view, "dark")
    finally:
        set_theme(page, LIGHT)  # the server's settings outlive the test: leave them as found

    for theme, found in (("light", light), ("dark", dark)):
        styles, pixels = found["styles"], found["pixels"]
        # The widget takes Lab's colours, not its own fallbacks.
        assert styles["background"] == styles["lab"]["background"], theme
        assert styles["text"] == styles["lab"]["text"], theme
        # Every node's text is readable on the node (WCAG AA for normal text: 4.5:1).
        assert len(styles["nodes"]) == 3
        for drawn in styles["nodes"]:
            assert drawn["label"] >= 4.5, (theme, drawn)
            assert drawn["type"] >= 4.5, (theme, drawn)
        # The screenshot's pixels agree: the label's glyphs stand out from the node's face.
        assert pixels["textContrast"] >= 4.5, (theme, pixels)

    # Light is light and dark is dark, in the computed colours and in the pixels.
    assert light["styles"]["luminance"] > 0.8
    assert dark["styles"]["luminance"] < 0.05
    assert light["pixels"]["luminance"] > 0.8
    assert dark["pixels"]["luminance"] < 0.05
    assert light["pixels"]["background"] != dark["pixels"]["background"]

    # The focus outline and the highlight ring stand out in both themes; the focused node is not
    # dimmed although the highlight leaves it out.
    for theme, found in (("light", light_marks), ("dark", dark_marks)):
        assert found["outlineStyle"] == "solid", theme
        assert found["outline"] >= 3, (theme, found)
        assert found["highlight"] >= 3, (theme, found)
        assert found["focusedOpacity"] == 1, (theme, found)
    for name in ("light", "dark", "light-focus-highlight", "dark-focus-highlight"):
        assert (RESULTS / f"theme-{name}.png").stat().st_size > 0
