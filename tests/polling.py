"""Waiting for a condition: the one polling helper of the tests and their harness (for state that
changes in another thread or process, with no event to wait on)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T | None],
    what: str | Callable[[], str],
    timeout: float = 10.0,
    interval: float = 0.01,
) -> T:
    """Call ``condition`` until it returns something truthy and return that; raise
    ``TimeoutError`` naming ``what`` (text, or a function giving it, e.g. with the last value
    seen) when ``timeout`` seconds pass first. Never returns a value that did not meet it."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"after {timeout:g} s still waiting for: {what() if callable(what) else what}"
            )
        time.sleep(interval)
