"""What every notebook host shares, end to end, as one suite run in JupyterLab, Notebook 7 and
marimo: a real kernel, the real bundle, Chromium. The widget draws, a click reaches Python and a
selection made in Python reaches the page.

JupyterLab and Notebook 7 run the cells of notebook_support.py through one notebook driver
(jupyterlab_harness.py); marimo serves tests/ui/marimo_app.py (the widget in
``mo.ui.anywidget``, a cell showing ``wrapped.value`` and ``w.selected`` that marimo reruns on a
change, a button selecting clean:v0 from Python). The widget sits in marimo's shadow DOM:
Playwright locators reach into it. Host-specific behaviour is tested in test_jupyterlab*.py.
"""

from __future__ import annotations

import re
from typing import Protocol

import pytest
from notebook_support import READY, START_NODES, WIDGET, drawn_ids, node, show
from playwright.sync_api import Locator, Page, expect
from support import LabNotebook, MarimoServer

import lineage_widget


class Host(Protocol):
    """The widget drawn in one host's page, and that host's ways into its kernel."""

    view: Locator

    def kernel_package(self) -> str:
        """``lineage_widget.__file__`` as the host's kernel sees it."""
        ...

    def expect_python_selected(self, ids: list[str]) -> None:
        """Wait until Python's ``selected`` is ``ids``; fail if it never is."""
        ...

    def select_in_python(self, node_id: str) -> None: ...


class JupyterHost:
    """JupyterLab or Notebook 7: the cells run through the notebook driver."""

    def __init__(self, notebook: LabNotebook, app_name: str) -> None:
        # The page is this host's own (Notebook 7's, not JupyterLab's), not just its server.
        assert notebook.page.evaluate("window.jupyterapp.name") == app_name
        self.notebook = notebook
        notebook.run(WIDGET)
        self.view = show(notebook)

    def kernel_package(self) -> str:
        return self.notebook.run("import lineage_widget; print(lineage_widget.__file__)").strip()

    def expect_python_selected(self, ids: list[str]) -> None:
        self.notebook.wait_for_output("print(w.selected)", str(ids))

    def select_in_python(self, node_id: str) -> None:
        self.notebook.run(f"w.select({node_id!r})")


class MarimoHost:
    """marimo: Python's side is read from the cell it reruns, and changed by the app's button."""

    def __init__(self, page: Page, server: MarimoServer) -> None:
        self.page = page
        self.view = server.open(page, READY)

    def kernel_package(self) -> str:
        shown = self.page.get_by_text(re.compile(r"^lineage_widget: ")).inner_text()
        return shown.removeprefix("lineage_widget: ")

    def expect_python_selected(self, ids: list[str]) -> None:
        expect(self.page.get_by_text(f"wrapped.value: {ids}", exact=True)).to_be_visible()
        expect(self.page.get_by_text(f"w.selected: {ids}", exact=True)).to_be_visible()

    def select_in_python(self, node_id: str) -> None:
        self.page.get_by_role("button", name=f"Select {node_id} from Python").click()


@pytest.fixture(params=["jupyterlab", "notebook7", "marimo"])
def host(request: pytest.FixtureRequest, page: Page) -> Host:
    """The widget drawn in a fresh notebook (or marimo session) of each host."""
    if request.param == "marimo":
        page.set_default_timeout(20_000)
        return MarimoHost(page, request.getfixturevalue("marimo_server"))
    if request.param == "notebook7":
        return JupyterHost(request.getfixturevalue("notebook7"), "Jupyter Notebook")
    return JupyterHost(request.getfixturevalue("notebook"), "JupyterLab")


def test_the_kernel_runs_the_lineage_widget_under_test(host: Host) -> None:
    assert host.kernel_package() == lineage_widget.__file__


def test_display_draws_the_nodes(host: Host) -> None:
    view = host.view

    assert drawn_ids(view) == set(START_NODES)
    expect(node(view, "prep")).to_have_attribute("data-kind", "run")
    expect(node(view, "raw:v0")).to_have_attribute("data-kind", "artifact")
    expect(node(view, "clean:v0")).to_have_attribute("data-kind", "artifact")
    expect(node(view, "prep")).to_contain_text("prep")
    for node_id in START_NODES:
        expect(node(view, node_id)).to_be_visible()
    host.expect_python_selected([])


def test_click_selects_in_python(host: Host) -> None:
    view = host.view

    node(view, "raw:v0").click()

    expect(node(view, "raw:v0")).to_have_attribute("data-selected", "true")
    host.expect_python_selected(["raw:v0"])
    expect(view.locator(".lineage-details")).to_be_visible()


def test_select_in_python_shows_in_page(host: Host) -> None:
    view = host.view
    node(view, "raw:v0").click()
    host.expect_python_selected(["raw:v0"])

    host.select_in_python("clean:v0")

    expect(node(view, "clean:v0")).to_have_attribute("data-selected", "true")
    expect(node(view, "raw:v0")).not_to_have_attribute("data-selected", "true")
    expect(view.locator('[data-selected="true"]')).to_have_count(1)
