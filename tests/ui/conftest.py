"""Browser fixtures shared by the front-end and end-to-end tiers.

The front-end tier (test_frontend*.py) runs the built bundle on a plain harness page
(tests/ui/harness/) with a fake anywidget model; the bundle is rebuilt first when js/src is newer.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``.
A missing browser is an error, not a skip: these tests are part of the suite CI counts.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jupyterlab_harness import NOTEBOOK7, JupyterServer, LabNotebook
from marimo_harness import MarimoServer
from playwright.sync_api import Browser, Error, Page, sync_playwright
from server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "js"
BUNDLE = ROOT / "lineage_widget" / "static" / "widget.js"
HARNESS = "/tests/ui/harness/index.html"

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


@dataclass(frozen=True)
class KnownHostError:
    """An uncaught error a host page raises by itself, which ``page`` tolerates: the message and
    the host's own script that raises it must both match."""

    message: str
    script: re.Pattern[str]

    def matches(self, error: Error) -> bool:
        frames = [
            line for line in (error.stack or "").splitlines() if line.strip().startswith("at ")
        ]
        return (
            error.message == self.message and bool(frames) and bool(self.script.search(frames[0]))
        )


# jupyter/notebook#7862: while a notebook page loads, Notebook 7's keyboard-shortcuts plugin reads
# the schema of a settings plugin the registry has not kept. Raised before any cell runs.
NOTEBOOK7_SHORTCUTS_RACE = KnownHostError(
    message="Cannot read properties of undefined (reading 'schema')",
    script=re.compile(r"/static/notebook/notebook_core\.[0-9a-f]+\.js"),
)


@pytest.fixture
def known_host_errors() -> list[KnownHostError]:
    """Errors of the host page (not ours) that ``page`` tolerates in this test; empty unless a
    host fixture adds its own."""
    return []


@pytest.fixture
def page(browser: Browser, known_host_errors: list[KnownHostError]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[Error] = []

    def record(error: Error) -> None:  # (Playwright wants a Python function, not list.append)
        errors.append(error)

    page.on("pageerror", record)
    yield page
    context.close()
    unexpected = [
        f"{error.message}\n{error.stack}"
        for error in errors
        if not any(known.matches(error) for known in known_host_errors)
    ]
    assert not unexpected, "uncaught errors in the page:\n" + "\n".join(unexpected)


@pytest.fixture(scope="session")
def jupyter_server(
    tmp_path_factory: pytest.TempPathFactory, bundle: Path
) -> Iterator[JupyterServer]:
    """One JupyterLab server for the session, isolated in a temp dir, stopped at the end. The
    kernel loads the bundle from lineage_widget/static: ``bundle`` rebuilds it first if stale."""
    server = JupyterServer.start(tmp_path_factory.mktemp("jupyter"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebook7_server(
    tmp_path_factory: pytest.TempPathFactory, bundle: Path
) -> Iterator[JupyterServer]:
    """One Notebook 7 server for the session, set up like ``jupyter_server``."""
    server = JupyterServer.start(tmp_path_factory.mktemp("notebook7"), NOTEBOOK7)
    yield server
    server.stop()


def _open_notebook(
    request: pytest.FixtureRequest, page: Page, server: JupyterServer
) -> Iterator[LabNotebook]:
    page.set_default_timeout(20_000)
    name = request.node.name.replace("[", "-").replace("]", "") + ".ipynb"
    notebook = LabNotebook.open(page, server, name, ["# end-to-end test"])
    yield notebook
    server.shutdown_session(notebook.path)


@pytest.fixture
def notebook(
    request: pytest.FixtureRequest, page: Page, jupyter_server: JupyterServer
) -> Iterator[LabNotebook]:
    """A fresh notebook, named after the test, open in JupyterLab in a fresh workspace, its kernel
    idle; the kernel is shut down after the test. It uses ``page``: JupyterLab raises no uncaught
    errors, so neither may the widget in it."""
    yield from _open_notebook(request, page, jupyter_server)


@pytest.fixture
def notebook7(
    request: pytest.FixtureRequest,
    page: Page,
    notebook7_server: JupyterServer,
    known_host_errors: list[KnownHostError],
) -> Iterator[LabNotebook]:
    """Like ``notebook``, in Notebook 7 (its page ``/notebooks/<name>.ipynb``). Apart from its own
    known error while the page loads, no uncaught error may happen in the page."""
    known_host_errors.append(NOTEBOOK7_SHORTCUTS_RACE)
    yield from _open_notebook(request, page, notebook7_server)


@pytest.fixture(scope="session")
def marimo_server(tmp_path_factory: pytest.TempPathFactory, bundle: Path) -> Iterator[MarimoServer]:
    """``marimo run tests/ui/marimo_app.py`` for the session; each page load is a new session."""
    server = MarimoServer.start(tmp_path_factory.mktemp("marimo"))
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test that used a server gets the server's log tail in its report."""
    report = yield
    if report.failed:
        funcargs = getattr(item, "funcargs", {})
        for value in funcargs.values():
            if isinstance(value, ServerProcess):
                report.sections.append((f"{value.name} server log (tail)", value.log_tail()))
    return report


# ---- front-end harness ------------------------------------------------------------------------


def _bundle_is_stale() -> bool:
    if not BUNDLE.exists() or not BUNDLE.with_name("widget.css").exists():
        return True
    sources = [*JS.joinpath("src").iterdir(), JS / "package.json"]
    return max(path.stat().st_mtime for path in sources) > BUNDLE.stat().st_mtime


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The built widget.js, rebuilt when js/src changed since the last build."""
    if _bundle_is_stale():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to build the front end (cd js && npm run build)")
        subprocess.run([npm, "run", "build"], cwd=JS, check=True, capture_output=True)
    return BUNDLE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def server(bundle: Path) -> Iterator[str]:
    """The repository over HTTP on 127.0.0.1 (module imports are blocked on file://)."""
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def harness_page(browser: Browser, server: str) -> Iterator[tuple[Page, list[str]]]:
    """One harness page for the module: loading the bundle once keeps each test fast."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + HARNESS)
    page.wait_for_function("window.lwReady === true")
    yield page, errors
    context.close()


@pytest.fixture
def harness(harness_page: tuple[Page, list[str]]) -> Iterator[Page]:
    """The harness with a fresh model and one view (no snapshot delivered yet)."""
    page, errors = harness_page
    errors.clear()
    page.evaluate("lw.reset(); lw.start()")
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"
