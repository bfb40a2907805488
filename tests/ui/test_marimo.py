"""End to end in marimo: tests/ui/marimo_app.py (the widget in ``mo.ui.anywidget``) served by
``marimo run``. The widget draws, a click reaches Python (``wrapped.value`` and ``w.selected``,
shown by a cell marimo reruns) and a selection made in Python (a marimo button's callback)
reaches the page. The widget sits in marimo's shadow DOM: Playwright locators reach into it."""

from __future__ import annotations

import pytest
from marimo_harness import MarimoServer
from playwright.sync_api import Locator, Page, expect
from test_jupyterlab import READY, START_NODES, drawn_ids, node

import lineage_widget

pytestmark = pytest.mark.browser


@pytest.fixture
def view(page: Page, marimo_server: MarimoServer) -> Locator:
    """The app in a fresh marimo session, its widget drawn."""
    page.set_default_timeout(20_000)
    return marimo_server.open(page, READY)


def python_sees(page: Page, selected: list[str]) -> None:
    """Wait until the app's Python side reports ``selected`` (the cell reruns on a change)."""
    expect(page.get_by_text(f"wrapped.value: {selected}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"w.selected: {selected}", exact=True)).to_be_visible()


def test_marimo_draws_the_nodes(page: Page, view: Locator) -> None:
    # The app's kernel imports the lineage_widget under test, not another install.
    expect(
        page.get_by_text(f"lineage_widget: {lineage_widget.__file__}", exact=True)
    ).to_be_visible()
    expect(view).to_have_count(1)
    assert drawn_ids(view) == set(START_NODES)
    expect(node(view, "prep")).to_have_attribute("data-kind", "run")
    expect(node(view, "raw:v0")).to_have_attribute("data-kind", "artifact")
    for node_id in START_NODES:
        expect(node(view, node_id)).to_be_visible()
    python_sees(page, [])


def test_marimo_click_selects_in_python(page: Page, view: Locator) -> None:
    node(view, "raw:v0").click()

    expect(node(view, "raw:v0")).to_have_attribute("data-selected", "true")
    python_sees(page, ["raw:v0"])
    expect(view.locator(".lineage-details")).to_be_visible()


def test_marimo_select_in_python_shows_in_page(page: Page, view: Locator) -> None:
    node(view, "raw:v0").click()
    python_sees(page, ["raw:v0"])

    page.get_by_role("button", name="Select clean:v0 from Python").click()

    expect(node(view, "clean:v0")).to_have_attribute("data-selected", "true")
    expect(node(view, "raw:v0")).not_to_have_attribute("data-selected", "true")
    expect(view.locator('[data-selected="true"]')).to_have_count(1)
