"""Browser fixtures shared by the front-end and end-to-end tiers.

The front-end tier (test_frontend*.py) runs the built bundle on a plain harness page
(tests/ui/harness/) with a fake anywidget model; the bundle is rebuilt first when js/src is newer.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``.
A missing browser is an error, not a skip: these tests are part of the suite CI counts.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, Page
from server_process import ServerProcess
from support import (
    BUNDLE,
    HARNESS,
    JS,
    NOTEBOOK7,
    ROOT,
    ChromiumNotFoundError,
    JupyterServer,
    LabNotebook,
    MarimoServer,
    chromium,
    jupyter_server,
    new_page,
    open_notebook,
    save_screenshot,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that launches Chromium (its fixtures lead to ``browser``), in whichever file,
    is marked ``browser``: ``-m "not browser"`` runs none of them."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        with chromium() as browser:
            yield browser
    except ChromiumNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)


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


_FINAL_SAVED = pytest.StashKey[bool]()


def save_final_state(request: pytest.FixtureRequest, page: Page) -> None:
    """A screenshot of the state a test left ``page`` in, as ``test-results/final/<test>.png``:
    every state the browser tests drive is there to look at. Once per test: the first fixture
    to tear down takes it (a notebook's, before its kernel is shut down)."""
    if page.is_closed() or request.node.stash.get(_FINAL_SAVED, False):
        return
    request.node.stash[_FINAL_SAVED] = True
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    with contextlib.suppress(Error):  # a page the test broke: its own failure says why
        save_screenshot(page, f"final/{name}")


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, known_host_errors: list[KnownHostError]
) -> Iterator[Page]:
    """A fresh page; at the end, a screenshot of the state the test left it in
    (:func:`save_final_state`), and no uncaught error in it but the host's own known ones."""
    context, page = new_page(browser)
    errors: list[Error] = []

    def record(error: Error) -> None:  # (Playwright wants a Python function, not list.append)
        errors.append(error)

    page.on("pageerror", record)
    yield page
    save_final_state(request, page)
    context.close()
    unexpected = [
        f"{error.message}\n{error.stack}"
        for error in errors
        if not any(known.matches(error) for known in known_host_errors)
    ]
    assert not unexpected, "uncaught errors in the page:\n" + "\n".join(unexpected)


@pytest.fixture(name="jupyter_server", scope="session")
def jupyterlab_server(
    tmp_path_factory: pytest.TempPathFactory, bundle: Path
) -> Iterator[JupyterServer]:
    """One JupyterLab server for the session, isolated in a temp dir, stopped at the end. The
    kernel loads the bundle from lineage_widget/static: ``bundle`` rebuilds it first if stale."""
    with jupyter_server(tmp_path_factory.mktemp("jupyter")) as server:
        yield server


@pytest.fixture(scope="session")
def notebook7_server(
    tmp_path_factory: pytest.TempPathFactory, bundle: Path
) -> Iterator[JupyterServer]:
    """One Notebook 7 server for the session, set up like ``jupyter_server``."""
    with jupyter_server(tmp_path_factory.mktemp("notebook7"), NOTEBOOK7) as server:
        yield server


def _open_notebook(
    request: pytest.FixtureRequest, page: Page, server: JupyterServer
) -> Iterator[LabNotebook]:
    name = request.node.name.replace("[", "-").replace("]", "") + ".ipynb"
    notebook = open_notebook(page, server, name, "end-to-end test", timeout_s=20)
    yield notebook
    save_final_state(request, page)  # (the page as the test left it, its kernel still there)
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
    context, page = new_page(browser)
    page.set_default_timeout(5000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + HARNESS)
    page.wait_for_function("window.lwReady === true")
    yield page, errors
    context.close()


@pytest.fixture
def harness(request: pytest.FixtureRequest, harness_page: tuple[Page, list[str]]) -> Iterator[Page]:
    """The harness with a fresh model and one view (no snapshot delivered yet); its final state
    saved as a screenshot (:func:`save_final_state`)."""
    page, errors = harness_page
    errors.clear()
    page.evaluate("lw.reset(); lw.start()")
    yield page
    save_final_state(request, page)
    assert not errors, f"uncaught errors in the page: {errors}"
