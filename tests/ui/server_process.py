"""A notebook server run as a subprocess for the end-to-end tests (JupyterLab, Notebook 7, marimo).

It listens on a free port of 127.0.0.1, writes its output to a log file, counts as ready once a
probe request answers, and is stopped at the end. Its log tail goes into every error it raises
and into the report of a failing test (``pytest_runtest_makereport`` in conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polling import wait_until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def spawn(
    command: Sequence[str], *, cwd: Path, env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` with stdout and stderr going to ``log_path``."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            list(command), cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )


@dataclass
class ServerProcess:
    """A running server process and its log."""

    name: str
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def wait_until_ready(self, probe: Callable[[], object], timeout: float) -> None:
        """Call ``probe`` until it stops raising ``OSError`` (connection refused, HTTP errors);
        raise with the log tail if the process exits or ``timeout`` seconds pass first."""

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                probe()
            except (OSError, urllib.error.URLError):
                return False
            return True

        try:
            wait_until(answers, f"{self.name} to answer", timeout, interval=0.1)
        except TimeoutError as exc:
            self.stop()
            raise TimeoutError(
                f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}"
            ) from exc

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
