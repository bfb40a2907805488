"""Front end: a node the source could not read (a deleted project, no permission) says so."""

from __future__ import annotations

import pytest
from frontend_harness import READY, node, node_sel, show, snapshot
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

REASON = "permission denied: <img src=x onerror=alert(1)>"


def test_an_inaccessible_node_is_marked_and_says_why_as_text(harness: Page) -> None:
    msg = snapshot(
        [
            node("model:v0", "artifact", "model", 0),
            node("hidden", "run", "run", 1, label="not accessible"),
            node("e1", "run", "eval", 1, order=1),
        ],
        [("model:v0", "hidden"), ("model:v0", "e1")],
        root="model:v0",
    )
    msg["nodes"]["inaccessible"] = [None, REASON, None]
    show(harness, msg)
    harness.wait_for_selector(READY)
    hidden = harness.locator(node_sel("hidden"))
    assert hidden.get_attribute("data-inaccessible") == "true"
    assert f"Not accessible: {REASON}" in (hidden.get_attribute("title") or "")
    assert f"not accessible: {REASON}" in (hidden.get_attribute("aria-label") or "")
    assert harness.locator(node_sel("e1")).get_attribute("data-inaccessible") is None
    assert harness.locator("img[src=x]").count() == 0  # the reason is text, never markup
    # Without the column (every other source), no node is marked.
    del msg["nodes"]["inaccessible"]
    show(harness, msg)
    harness.wait_for_selector(READY)
    assert harness.locator(node_sel("hidden")).get_attribute("data-inaccessible") is None
