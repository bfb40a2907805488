"""The host page's CSS does not reach into the widget.

The same widget, in the same state (a cluster's member list open, a member's details shown, the
filter panel open), is drawn in JupyterLab, in Notebook 7 and on the plain front-end harness page
(no host CSS at all), and the computed styles of its parts are compared. Colours and fonts follow
the host's theme on purpose (its ``--jp-*`` variables) and are left out; everything else (display,
floats, sizes, spacing, text layout) must match the plain page's, so a host rule that leaks in, like
JupyterLab's ``.jp-OutputArea-output dt { float: left; width: 20% }``, fails the test. A screenshot
of each host's widget goes to test-results/.

The harness is fed the messages the real widget sends for the same graph (made in this process).
"""

from __future__ import annotations

from typing import Any

import pytest
from frontend_harness import READY, last_request, restart, show, traits
from jupyterlab_harness import LabNotebook
from notebook_support import PIPELINE_HEAD
from playwright.sync_api import Locator, Page, expect
from support import save_screenshot

pytestmark = pytest.mark.browser


# raw:v0 -> prep -> clean:v0 -> six train runs: from clean:v0 the runs form one cluster.
GRAPH = (
    PIPELINE_HEAD
    + """for i in range(6):
    g.add_run(f"train-{i}", type="train", name=f"train-{i}")
    g.add_edge("clean:v0", f"train-{i}")
w = LineageWidget(g, root="clean:v0", depth=1)
"""
)
MEMBER = "train-0"

# The widget's parts, each by the selector of its first element.
PARTS = {
    "panel label": ".lineage-details dt",
    "panel value": ".lineage-details dd",
    "panel value text": ".lineage-details .lw-details-value",
    "panel title": ".lw-details-title",
    "panel button": ".lw-details-actions .lw-button",
    "panel counts": ".lw-details-counts",
    "node": ".lw-node",
    "node label": ".lw-node .lw-node-label",
    "node type": ".lw-node .lw-node-type",
    "cluster label": ".lw-cluster .lw-node-label",
    "toolbar": ".lw-toolbar",
    "toolbar button": ".lw-toolbar .lw-icon-button",
    "summary": ".lw-summary",
    "member panel": ".lw-members",
    "member row": ".lw-member",
    "member name": ".lw-member-label",
    "member button": ".lw-member-main",
    "member search": ".lw-members-search",
    "filter panel": ".lw-filters",
    "filter group": ".lw-filter-group",
    "filter legend": ".lw-filters legend",
    "filter option": ".lw-filter-option",
    "filter input": ".lw-filter-input",
    "filter name": ".lw-filter-name",
}

# Everything but colours and font families (the theme's): box, layout and text layout.
PROPERTIES = [
    "display",
    "position",
    "float",
    "clear",
    "box-sizing",
    "width",
    "height",
    "min-width",
    "max-width",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border-top-width",
    "border-right-width",
    "border-bottom-width",
    "border-left-width",
    "border-top-style",
    "border-top-left-radius",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-transform",
    "text-decoration-line",
    "text-overflow",
    "text-indent",
    "white-space",
    "vertical-align",
    "overflow-x",
    "overflow-y",
    "list-style-type",
    "visibility",
    "opacity",
    "flex-direction",
    "flex-grow",
    "flex-shrink",
    "align-items",
    "justify-content",
    "gap",
    "appearance",
    "cursor",
]

STYLES_JS = """
(root, [parts, properties]) => {
  const found = {};
  for (const [name, selector] of Object.entries(parts)) {
    const element = root.querySelector(selector);
    if (!element) { found[name] = null; continue; }
    const style = getComputedStyle(element);
    found[name] = Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
  }
  return found;
}
"""

# The widget's width is the host's (its output area): the same for all, so that sizes compare.
WIDTH_PX = 800


def kernel_side() -> tuple[Any, list[dict[str, Any]]]:
    """The real widget for GRAPH, made in this process, and the list of what it sends."""
    scope: dict[str, Any] = {}
    exec(GRAPH, scope)
    widget = scope["w"]
    sent: list[dict[str, Any]] = []
    widget.send = lambda msg, buffers=None: sent.append(msg)
    return widget, sent


def open_everything(view: Locator, deliver: Any = None) -> None:
    """The member list, a member's details and the filter panel, all open at once. ``deliver``
    answers the page's requests where there is no kernel (the harness)."""
    view.evaluate(f"(root) => {{ root.style.width = '{WIDTH_PX}px'; }}")
    view.locator("[data-action='fit']").click()  # (the graph, in the narrower widget)
    view.locator(".lw-cluster").first.click()
    if deliver:
        deliver("members")
    row = view.locator(f'.lw-member[data-member-id="{MEMBER}"] .lw-member-main')
    row.click()
    if deliver:
        deliver("details")
    expect(view.locator(".lineage-details dt").first).to_be_visible()
    view.locator("[data-action='filters']").click()
    expect(view.locator(".lw-filters")).to_be_visible()


def host_styles(view: Locator, name: str) -> dict[str, Any]:
    save_screenshot(view, f"host-styles-{name}")
    found: dict[str, Any] = view.evaluate(STYLES_JS, [PARTS, PROPERTIES])
    return found


def plain_page_styles(page: Page) -> dict[str, Any]:
    widget, sent = kernel_side()
    names = ["selected", "artifact_types", "job_types", "hide_runs", "lineage", "_node_types"]
    restart(page, traits(**{name: getattr(widget, name) for name in names}))
    widget._dispatch({"type": "hello"}, [])
    show(page, sent[-1])
    page.wait_for_selector(f"#view-0 {READY}")

    def answer(kind: str) -> None:  # the page's request, answered by the widget
        widget._dispatch(last_request(page, kind), [])
        show(page, sent[-1])

    try:
        open_everything(page.locator("#view-0 .lineage-widget"), answer)
    finally:
        widget.close()
    return host_styles(page.locator("#view-0 .lineage-widget"), "plain")


def assert_same_styles(host: dict[str, Any], plain: dict[str, Any]) -> None:
    assert set(host) == set(PARTS)
    missing = sorted(name for name, styles in plain.items() if styles is None)
    assert not missing, f"parts not drawn on the plain page: {missing}"
    differences = {
        f"{part}: {prop}": (host_styles[prop] if host_styles else None, plain[part][prop])
        for part, host_styles in host.items()
        for prop in PROPERTIES
        if host_styles is None or host_styles[prop] != plain[part][prop]
    }
    assert not differences, "the host's CSS changes the widget (host, plain page):\n" + "\n".join(
        f"  {key}: {value}" for key, value in sorted(differences.items())
    )


def drawn(notebook: LabNotebook) -> Locator:
    notebook.run(GRAPH)
    view = notebook.display("w").locator('.lineage-widget[data-ready="true"]')
    expect(view).to_have_count(1)
    return view


def test_jupyterlab_css_does_not_reach_the_widget(notebook: LabNotebook, harness: Page) -> None:
    view = drawn(notebook)
    open_everything(view)
    lab = host_styles(view, "jupyterlab")

    assert_same_styles(lab, plain_page_styles(harness))


def test_notebook7_css_does_not_reach_the_widget(notebook7: LabNotebook, harness: Page) -> None:
    view = drawn(notebook7)
    open_everything(view)
    notebook = host_styles(view, "notebook7")

    assert_same_styles(notebook, plain_page_styles(harness))
