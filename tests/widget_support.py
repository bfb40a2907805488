"""Python-tier helpers that drive a widget the way the browser would, without one: what it sends,
sources that answer slowly or page by page, and a widget explored by hand."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from lineage_widget import GraphSource, LineageGraph, LineageNode, LineageWidget


class Recorder:
    """Captures what the widget sends to the browser; ``wait_for`` blocks until what was sent
    (from any thread) satisfies a condition."""

    def __init__(self, widget: LineageWidget) -> None:
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        widget.send = self._record  # type: ignore[method-assign]

    def _record(self, msg: dict[str, Any], buffers: object = None) -> None:
        with self._arrived:
            self.sent.append(msg)
            self._arrived.notify_all()

    def browser_says(self, **msg: Any) -> list[dict[str, Any]]:
        start = len(self.sent)
        self.widget._handle_message(self.widget, msg, [])
        assert self.widget.wait(timeout=10), "background fetches did not finish"
        return self.sent[start:]

    def wait_for(
        self, condition: Callable[[list[dict[str, Any]]], bool], what: str, timeout: float = 10.0
    ) -> None:
        """Wait until ``condition(sent)`` holds, checked as each message is sent; raise
        ``TimeoutError`` naming ``what`` and the last messages if ``timeout`` seconds pass."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: condition(self.sent), timeout):
                raise TimeoutError(
                    f"after {timeout:g} s the widget has not sent {what}; last: {self.sent[-3:]}"
                )


class GatedSource(GraphSource):
    """Walks down from artifacts only when the test opens the gate: a slow server, made
    deterministic."""

    def __init__(self, graph: LineageGraph) -> None:
        super().__init__(graph)
        self.gate = threading.Event()
        self.started = threading.Event()
        self.walks = 0

    def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
        if direction == "downstream" and node.kind == "artifact":
            self.walks += 1
            self.started.set()
            assert self.gate.wait(10), "the test never opened the gate"
        return super().neighbours(node, direction)


class PagedSource(GraphSource):
    """The in-memory walks, two neighbours a page (as W&B hands out runs' artifacts)."""

    page_size = 2


def drawn(w: LineageWidget) -> dict[str, tuple[int, float]]:
    """Every known node's column and order: what the view draws where."""
    explorer = w._explorer
    return {n: (explorer.levels[n], explorer.orders[n]) for n in w.graph}


def explored(g: LineageGraph) -> LineageWidget:
    """A widget walked by hand: pages, a reveal, a pull-out, selection, highlight, viewport."""
    w = LineageWidget(g, root="processed:v0", source=PagedSource(g), cluster_threshold=3)
    w.expand("processed:v0", "downstream")  # the second page of its runs
    w.expand("processed:v0", "downstream")  # the third
    w.expand("train-4", "downstream")
    w.focus("report")  # not shown yet: revealed with its path
    w.pull_out("train-2")
    w.select("model:v4")
    w.highlight(["train-4", "model:v4"])
    w.viewport = {"cx": 420.5, "cy": -80.0, "k": 0.75}
    return w
