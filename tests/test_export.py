"""``LineageWidget.save()`` without a browser: the request Python sends, the answers a page
could give (set the way the front end would), and the errors when no page can answer."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from IPython.core.events import EventManager, available_events

import lineage_widget._export
from lineage_widget import LineageGraph, LineageWidget

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
SAVE_TIMER = "lineage-widget-save-timeout"
SVG_TEXT = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n'


class Page:
    """Stands in for a browser page showing the widget: says hello, records what Python sends."""

    def __init__(self, widget: LineageWidget, *, hello: bool = True) -> None:
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        widget.send = lambda msg, buffers=None: self.sent.append(msg)  # type: ignore[method-assign]
        if hello:
            self.says(type="hello")

    def says(self, buffers: list[Any] | None = None, **msg: Any) -> None:
        self.widget._handle_message(self.widget, msg, buffers or [])

    def export_request(self) -> dict[str, Any]:
        requests = [m for m in self.sent if m["type"] == "export"]
        assert requests, "no export request was sent"
        return requests[-1]

    def answer(self, buffers: list[Any] | None = None, **reply: Any) -> None:
        request = self.export_request()
        fields = {"request": request["request"], "format": request["format"], **reply}
        self.says(buffers, type="export_result", **fields)


class FakeShell:
    """The parts of IPython's shell save() uses: cell events and (in a kernel) ``kernel``."""

    def __init__(self, *, in_kernel: bool) -> None:
        self.events = EventManager(self, available_events)
        if in_kernel:
            self.kernel = object()

    def end_cell(self) -> None:
        self.events.trigger("post_run_cell", None)


@pytest.fixture
def widget(pipeline: LineageGraph) -> LineageWidget:
    return LineageWidget(pipeline, root="train-0")


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> FakeShell:
    fake = FakeShell(in_kernel=True)
    monkeypatch.setattr(lineage_widget._export, "get_ipython", lambda: fake)
    return fake


def test_svg_answer_is_written_and_resolves_the_future(
    widget: LineageWidget, tmp_path: Path
) -> None:
    page = Page(widget)
    future = widget.save(tmp_path / "lineage.svg")

    request = page.export_request()
    assert request["format"] == "svg"
    assert set(request) == {"type", "request", "format"}
    assert not future.done()
    assert not (tmp_path / "lineage.svg").exists()

    page.answer(svg=SVG_TEXT)

    assert future.result(timeout=0) == tmp_path / "lineage.svg"
    assert (tmp_path / "lineage.svg").read_text(encoding="utf-8") == SVG_TEXT


def test_png_answer_is_the_binary_buffer(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget)
    future = widget.save(str(tmp_path / "graph.PNG"))
    assert page.export_request()["format"] == "png"

    page.answer(buffers=[memoryview(PNG)])

    assert future.result(timeout=0) == tmp_path / "graph.PNG"
    assert (tmp_path / "graph.PNG").read_bytes() == PNG


@pytest.mark.parametrize("name", ["graph.jpg", "graph", "graph.svg.gz", "graph.pdf"])
def test_unknown_suffixes_are_refused_by_name(widget: LineageWidget, name: str) -> None:
    Page(widget)
    suffix = name.rpartition(".")[2] if "." in name else "(no suffix)"
    with pytest.raises(ValueError, match=rf"{name!r}.*{suffix}.*use \.svg or \.png"):
        widget.save(name)


def test_a_widget_never_displayed_is_refused(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget, hello=False)
    with pytest.raises(RuntimeError, match="not displayed"):
        widget.save(tmp_path / "lineage.svg")
    assert page.sent == []
    # The suffix is checked first: that is the thing to fix either way.
    with pytest.raises(ValueError, match=r"\.gif"):
        widget.save(tmp_path / "lineage.gif")


def test_a_missing_directory_is_refused(widget: LineageWidget, tmp_path: Path) -> None:
    Page(widget)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        widget.save(tmp_path / "nowhere" / "lineage.svg")


def test_the_view_reports_an_error(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget)
    future = widget.save(tmp_path / "lineage.png")

    page.answer(error="could not encode a 40000x40000 PNG")

    with pytest.raises(RuntimeError, match=r"lineage\.png: could not encode a 40000x40000 PNG"):
        future.result(timeout=0)
    assert not (tmp_path / "lineage.png").exists()


def test_an_answer_that_is_not_a_png_is_an_error(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget)
    future = widget.save(tmp_path / "lineage.png")

    page.answer(buffers=[b"<svg/>"])

    with pytest.raises(RuntimeError, match="no PNG"):
        future.result(timeout=0)
    assert not (tmp_path / "lineage.png").exists()


def test_the_first_answer_wins(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget)
    page.says(type="hello")  # a second page shows the widget: both get the request
    future = widget.save(tmp_path / "lineage.svg")

    page.answer(svg=SVG_TEXT)
    page.answer(svg="<svg>the second page</svg>")  # dropped, no error

    assert future.result(timeout=0) == tmp_path / "lineage.svg"
    assert (tmp_path / "lineage.svg").read_text(encoding="utf-8") == SVG_TEXT
    assert [m["type"] for m in page.sent].count("error") == 0


def test_no_answer_times_out(widget: LineageWidget, tmp_path: Path) -> None:
    page = Page(widget)
    future = widget.save(tmp_path / "lineage.svg", timeout=0.05)

    error = future.exception(timeout=10)

    assert isinstance(error, TimeoutError)
    assert "no view of the widget answered within 0.05 s" in str(error)
    page.answer(svg=SVG_TEXT)  # too late: dropped
    assert not (tmp_path / "lineage.svg").exists()


def test_the_timeout_counts_from_the_end_of_the_cell(
    widget: LineageWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = FakeShell(in_kernel=False)  # (outside a kernel result() may block)
    monkeypatch.setattr(lineage_widget._export, "get_ipython", lambda: shell)
    Page(widget)
    started = threading.Event()
    future = widget.save(tmp_path / "lineage.svg", timeout=0.01)
    future.add_done_callback(lambda _: started.set())

    # While the cell runs the clock does not: a slow cell cannot time the request out.
    assert not started.wait(0.2)
    shell.end_cell()

    assert isinstance(future.exception(timeout=10), TimeoutError)
    assert shell.events.callbacks["post_run_cell"] == []  # the hook removed itself


def test_an_answer_before_the_cell_ends_leaves_no_clock(
    widget: LineageWidget, tmp_path: Path, shell: FakeShell
) -> None:
    page = Page(widget)  # (a callback of the page can call save() outside any cell)
    future = widget.save(tmp_path / "lineage.svg", timeout=0.01)
    page.answer(svg=SVG_TEXT)
    shell.end_cell()

    assert future.result() == tmp_path / "lineage.svg"
    assert SAVE_TIMER not in {thread.name for thread in threading.enumerate()}


def test_waiting_in_the_kernel_thread_is_refused_not_a_deadlock(
    widget: LineageWidget, tmp_path: Path, shell: FakeShell
) -> None:
    page = Page(widget)
    future = widget.save(tmp_path / "lineage.svg")
    assert isinstance(future, Future)

    with pytest.raises(RuntimeError, match=r"not written yet.*later cell"):
        future.result()
    with pytest.raises(RuntimeError, match="not written yet"):
        future.exception(timeout=5)

    shell.end_cell()
    page.answer(svg=SVG_TEXT)  # the next time the kernel is idle
    assert future.result() == tmp_path / "lineage.svg"


def test_closing_fails_what_is_still_waiting(widget: LineageWidget, tmp_path: Path) -> None:
    Page(widget)
    future = widget.save(tmp_path / "lineage.svg", timeout=None)

    widget.close()

    with pytest.raises(RuntimeError, match="closed before a view answered"):
        future.result(timeout=0)


def test_bad_timeouts_are_refused(widget: LineageWidget, tmp_path: Path) -> None:
    Page(widget)
    for timeout in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="timeout must be positive"):
            widget.save(tmp_path / "lineage.svg", timeout=timeout)


class KernelInAHandler:
    """ipykernel while it handles a page's message (no cell is running)."""

    def get_parent(self) -> dict[str, Any]:
        return {"header": {"msg_type": "comm_msg"}}


def test_a_save_outside_any_cell_starts_its_clock_at_once(
    widget: LineageWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From an on_select callback (the kernel handling the page's message) or another thread,
    no cell end is coming: the timeout runs from the call."""
    shell = FakeShell(in_kernel=True)
    shell.kernel = KernelInAHandler()
    monkeypatch.setattr(lineage_widget._export, "get_ipython", lambda: shell)
    Page(widget)
    done = threading.Event()
    future = widget.save(tmp_path / "lineage.svg", timeout=0.01)
    future.add_done_callback(lambda _: done.set())
    assert done.wait(10)
    assert isinstance(future.exception(timeout=0), TimeoutError)
    assert shell.events.callbacks["post_run_cell"] == []
