"""Browser fixtures shared by the front-end and end-to-end tiers.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``.
A missing browser is an error, not a skip: these tests are part of the suite CI counts.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyterlab_harness import JupyterServer, LabNotebook
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str:
    """The Chromium binary: $LINEAGE_WIDGET_CHROMIUM, else Debian's /usr/bin/chromium."""
    candidate = os.environ.get("LINEAGE_WIDGET_CHROMIUM") or shutil.which("chromium") or ""
    if not candidate or not Path(candidate).exists():
        pytest.fail(
            "Chromium not found: install Debian's chromium (scripts/setup.sh does) "
            "or set LINEAGE_WIDGET_CHROMIUM to its path",
            pytrace=False,
        )
    return candidate


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """One JupyterLab server for the session, isolated in a temp dir, stopped at the end."""
    server = JupyterServer.start(tmp_path_factory.mktemp("jupyter"))
    yield server
    server.stop()


@pytest.fixture
def notebook(
    request: pytest.FixtureRequest, page: Page, jupyter_server: JupyterServer
) -> Iterator[LabNotebook]:
    """A fresh notebook, named after the test, open in JupyterLab in a fresh workspace, its kernel
    idle; the kernel is shut down after the test. It uses ``page``: JupyterLab raises no uncaught
    errors, so neither may the widget in it."""
    page.set_default_timeout(20_000)
    name = request.node.name.replace("[", "-").replace("]", "") + ".ipynb"
    lab_notebook = LabNotebook.open(page, jupyter_server, name, ["# end-to-end test"])
    yield lab_notebook
    jupyter_server.shutdown_session(lab_notebook.path)
