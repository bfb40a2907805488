"""A throwaway ``marimo run`` server for one app, isolated like the Jupyter servers.

marimo's config, cache and state dirs (``XDG_*``) and the app's own folder live in a temp dir, so
a developer's marimo settings never leak in and nothing is written into the repository. The app
runs with the interpreter of the test run; every page load starts a fresh session (kernel) of it.
"""

from __future__ import annotations

import shutil
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from server_process import ServerProcess, free_port, spawn

APP = Path(__file__).with_name("marimo_app.py")


@dataclass
class MarimoServer(ServerProcess):
    """A running ``marimo run`` process serving one app."""

    @classmethod
    def start(cls, workdir: Path, app: Path = APP, timeout: float = 60.0) -> MarimoServer:
        app_dir = workdir / "app"
        app_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(app, app_dir / app.name)
        env = {
            name: str(workdir / folder)
            for name, folder in [
                ("XDG_CONFIG_HOME", "config"),
                ("XDG_CACHE_HOME", "cache"),
                ("XDG_STATE_HOME", "state"),
            ]
        }
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "marimo",
            "run",
            app.name,
            "--headless",
            "--host=127.0.0.1",
            f"--port={port}",
            "--no-token",
            "--no-sandbox",
            # A session (and its kernel) ends with its page, not two minutes later.
            "--session-ttl=0",
        ]
        log_path = workdir / "marimo.log"
        server = cls(
            name="marimo",
            base_url=f"http://127.0.0.1:{port}",
            log_path=log_path,
            process=spawn(command, cwd=app_dir, env=env, log_path=log_path),
        )
        server.wait_until_ready(
            lambda: urllib.request.urlopen(f"{server.base_url}/health", timeout=5).close(),
            timeout,
        )
        return server

    def open(self, page: Page, ready: str, timeout: float = 30.0) -> Locator:
        """Load the app in ``page`` and wait until ``ready`` matches one element; return it.

        On timeout the error names the selector and holds the page's text and the server log.
        """
        page.goto(self.base_url)
        element = page.locator(ready)
        try:
            element.wait_for(timeout=timeout * 1000)
        except PlaywrightError as exc:
            text = page.locator("body").inner_text(timeout=1000)[-2000:]
            raise AssertionError(
                f"{ready} not in the marimo page after {timeout:.0f} s.\n"
                f"Page text:\n{text}\nmarimo log:\n{self.log_tail()}"
            ) from exc
        return element
