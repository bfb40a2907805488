"""A throwaway JupyterLab or Notebook 7 server and a driver for notebooks opened in it.

The server runs the interpreter of the test run (``sys.executable``) with every Jupyter
directory inside a temp dir, so a developer's own settings, workspaces and kernels never leak in.
Notebook 7 is built from JupyterLab's plugins, so one driver serves both: the app is exposed as
``window.jupyterapp`` (``expose_app_in_browser``), its shell's current widget is the notebook
panel, and cells are inserted and run through the same commands the keyboard shortcuts call.
Only the command that starts the server and the URL of a notebook differ (``JupyterApp``).
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page
from polling import wait_until
from server_process import ServerProcess, free_port, spawn

KERNEL_NAME = "lineage-widget-test"
ACTIVE_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# Settings that keep Lab quiet and deterministic: no news/update pop-up, every cell attached to the
# DOM (windowing would detach cells scrolled out of view, widgets included).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass(frozen=True)
class JupyterApp:
    """What differs between the Jupyter front ends the tests drive."""

    name: str
    subcommand: str  # `jupyter <subcommand>`
    expose_app_option: str  # the traitlet that sets window.jupyterapp
    notebook_page: str  # the page of one notebook, from {path} and a fresh {workspace}

    def notebook_url(self, base_url: str, path: str, token: str) -> str:
        page = self.notebook_page.format(path=path, workspace=uuid.uuid4().hex)
        return f"{base_url}{page}?token={token}"


# Lab restores the tabs of its last workspace: each page opens a fresh one.
JUPYTERLAB = JupyterApp(
    "JupyterLab", "lab", "LabApp.expose_app_in_browser", "/lab/workspaces/{workspace}/tree/{path}"
)
NOTEBOOK7 = JupyterApp(
    "Notebook 7", "notebook", "JupyterNotebookApp.expose_app_in_browser", "/notebooks/{path}"
)


@dataclass
class JupyterServer(ServerProcess):
    """A running ``jupyter lab`` (or ``jupyter notebook``) process and the REST calls the tests
    need."""

    token: str
    root_dir: Path
    app: JupyterApp

    @classmethod
    def start(
        cls, workdir: Path, app: JupyterApp = JUPYTERLAB, timeout: float = 60.0
    ) -> JupyterServer:
        root_dir = workdir / "root"
        dirs = {
            "JUPYTER_CONFIG_DIR": workdir / "config",
            "JUPYTER_DATA_DIR": workdir / "data",
            "JUPYTER_RUNTIME_DIR": workdir / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": workdir / "settings",
            "JUPYTERLAB_WORKSPACES_DIR": workdir / "workspaces",
            "IPYTHONDIR": workdir / "ipython",
        }
        for path in [root_dir, *dirs.values()]:
            path.mkdir(parents=True, exist_ok=True)
        for name, settings in LAB_SETTINGS.items():
            settings_file = dirs["JUPYTERLAB_SETTINGS_DIR"] / name
            settings_file.parent.mkdir(parents=True, exist_ok=True)
            settings_file.write_text(json.dumps(settings))
        # The kernel is pinned to this interpreter, whatever "python" means on PATH.
        kernel_dir = dirs["JUPYTER_DATA_DIR"] / "kernels" / KERNEL_NAME
        kernel_dir.mkdir(parents=True, exist_ok=True)
        kernel_spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "lineage_widget tests",
            "language": "python",
        }
        (kernel_dir / "kernel.json").write_text(json.dumps(kernel_spec))

        env = {name: str(path) for name, path in dirs.items()}
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        port = free_port()
        token = secrets.token_hex(16)
        command = [
            sys.executable,
            "-m",
            "jupyter",
            app.subcommand,
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            f"--{app.expose_app_option}=True",
        ]
        log_path = workdir / "jupyter.log"
        server = cls(
            name=app.name,
            base_url=f"http://127.0.0.1:{port}",
            log_path=log_path,
            process=spawn(command, cwd=root_dir, env=env, log_path=log_path),
            token=token,
            root_dir=root_dir,
            app=app,
        )
        server.wait_until_ready(lambda: server.api("GET", "/api/status"), timeout)
        return server

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_state(self, notebook_path: str) -> str | None:
        """``execution_state`` of the kernel of the session bound to ``notebook_path``."""
        for session in self.api("GET", "/api/sessions"):
            if session["path"] == notebook_path and session.get("kernel"):
                state: str = session["kernel"]["execution_state"]
                return state
        return None

    def shutdown_session(self, notebook_path: str) -> None:
        for session in self.api("GET", "/api/sessions"):
            if session["path"] == notebook_path:
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def write_notebook(self, name: str, cells: list[str]) -> str:
        """Write a notebook without outputs into the server root and return its path."""
        notebook = {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {
                    "name": KERNEL_NAME,
                    "display_name": "lineage_widget tests",
                    "language": "python",
                },
                "language_info": {"name": "python"},
            },
            "cells": [
                {
                    "cell_type": "code",
                    "id": uuid.uuid4().hex[:8],
                    "metadata": {},
                    "execution_count": None,
                    "outputs": [],
                    "source": source,
                }
                for source in cells
            ],
        }
        (self.root_dir / name).write_text(json.dumps(notebook, indent=1))
        return name


class CellError(AssertionError):
    """Python raised in a cell run by the test."""


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


# Appends a code cell, runs it with Lab's "notebook:run-cell" command (it resolves once the
# kernel has replied and the outputs are in) and returns the index and the outputs.
_RUN_CELL_JS = """
async (code) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const index = notebook.model.cells.length;
  notebook.model.sharedModel.insertCell(index, {cell_type: "code", source: code});
  notebook.activeCellIndex = index;
  await app.commands.execute("notebook:run-cell");
  return {index, outputs: notebook.widgets[index].model.outputs.toJSON()};
}
"""

# Runs the notebook's existing cell `index` again (Shift+Enter on it) and returns its outputs.
_RERUN_CELL_JS = """
async (index) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  await app.commands.execute("notebook:run-cell");
  return notebook.widgets[index].model.outputs.toJSON();
}
"""


def output_text(outputs: list[dict[str, Any]]) -> str:
    """Stream and ``text/plain`` output of a cell; an error output raises ``CellError``."""
    parts = []
    for output in outputs:
        kind = output["output_type"]
        if kind == "error":
            raise CellError(
                f"{output['ename']}: {output['evalue']}\n"
                + _ANSI_ESCAPE.sub("", "\n".join(output["traceback"]))
            )
        if kind == "stream":
            text = output["text"]
        elif kind in {"execute_result", "display_data"}:
            text = output["data"].get("text/plain", "")
        else:
            continue
        parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


@dataclass
class LabNotebook:
    """A notebook open in a JupyterLab (or Notebook 7) page, with helpers to run code in its
    kernel."""

    page: Page
    server: JupyterServer
    path: str
    url: str

    @classmethod
    def open(cls, page: Page, server: JupyterServer, name: str, cells: list[str]) -> LabNotebook:
        path = server.write_notebook(name, cells)
        url = server.app.notebook_url(server.base_url, path, server.token)
        notebook = cls(page, server, path, url)
        notebook.load()
        return notebook

    def load(self, timeout: float = 60.0) -> None:
        """Open (or reload) the page and wait until the notebook's kernel is idle."""
        self.page.goto(self.url)
        self.page.wait_for_function(
            """(path) => {
                const widget = window.jupyterapp?.shell.currentWidget;
                return widget?.context?.path === path && widget.content?.model != null;
            }""",
            arg=self.path,
            timeout=timeout * 1000,
        )
        # Lab shows "idle" before a kernel exists: ask the server instead.
        wait_until(
            lambda: self.server.kernel_state(self.path) == "idle",
            lambda: f"the kernel of {self.path} idle:\n{self.server.log_tail()}",
            timeout,
            interval=0.1,
        )
        self.page.evaluate(
            """async () => {
                const context = window.jupyterapp.shell.currentWidget.sessionContext;
                await context.ready;
                if (!context.session?.kernel) throw new Error("no kernel in the page");
            }"""
        )

    @property
    def panel(self) -> Locator:
        return self.page.locator(ACTIVE_PANEL)

    def cell(self, index: int) -> Locator:
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(index)

    def run(self, code: str) -> str:
        """Append a cell with ``code``, run it and return its text output."""
        result = self.page.evaluate(_RUN_CELL_JS, code)
        return output_text(result["outputs"])

    def display(self, code: str) -> Locator:
        """Run a cell that displays a widget; return the cell's locator."""
        result = self.page.evaluate(_RUN_CELL_JS, code)
        output_text(result["outputs"])
        return self.cell(result["index"])

    def rerun(self, index: int) -> Locator:
        """Run the notebook's cell ``index`` again; return its locator (errors raise)."""
        output_text(self.page.evaluate(_RERUN_CELL_JS, index))
        return self.cell(index)

    def wait_for_output(self, code: str, expected: str, timeout: float = 5.0) -> str:
        """Rerun ``code`` until its output, stripped, is ``expected`` (for state that syncs
        asynchronously) and return it; raise ``TimeoutError`` with the last output if it never
        is."""
        last = [""]

        def prints_expected() -> bool:
            last[0] = self.run(code).strip()
            return last[0] == expected

        wait_until(
            prints_expected,
            lambda: f"{code!r} to print {expected!r}; it printed {last[0]!r}",
            timeout,
            interval=0.05,
        )
        return expected

    def save(self) -> None:
        self.page.evaluate(
            'async () => { await window.jupyterapp.commands.execute("docmanager:save"); }'
        )
