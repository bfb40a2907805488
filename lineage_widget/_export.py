"""``LineageWidget.save()``: the page draws the graph as an SVG or PNG file, Python writes it.

The kernel only asks: it sends an ``export`` request to the views (js/src/export.ts draws the
picture) and writes the file when the first view answers. A Jupyter kernel handles messages
from the page between cell executions, so that answer cannot arrive while the cell that called
``save()`` runs: ``save()`` returns a future that resolves once it has, and the timeout counts
from the end of that cell.
"""

from __future__ import annotations

import os
import pathlib
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from IPython import get_ipython

from . import _payload
from .protocol import ExportFormat, ExportMsg

FORMATS: dict[str, ExportFormat] = {".svg": "svg", ".png": "png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def export_format(path: str | os.PathLike[str]) -> ExportFormat:
    """``"svg"`` or ``"png"`` from the suffix of ``path``; anything else is a ValueError."""
    suffix = pathlib.Path(path).suffix
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot save {os.fspath(path)!r}: unknown image format {suffix or '(no suffix)'!r}, "
            "use .svg or .png"
        )
    return fmt


def _in_kernel_main_thread() -> bool:
    """True in the thread that runs cells (and handles the page's messages) of a Jupyter kernel."""
    shell = get_ipython()
    in_kernel = getattr(shell, "kernel", None) is not None
    return in_kernel and threading.current_thread() is threading.main_thread()


def _outside_a_cell(shell: Any) -> bool:
    """In a kernel with no cell running here: a handler of the page's messages (an
    ``on_select`` callback) or another thread. No cell end would come before the next cell."""
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    if threading.current_thread() is not threading.main_thread():
        return True
    get_parent = getattr(kernel, "get_parent", None)
    try:
        parent = get_parent() if get_parent is not None else None
    except Exception:  # an older kernel: assume a cell, as before
        return False
    msg_type = ((parent or {}).get("header") or {}).get("msg_type")
    return msg_type is not None and msg_type != "execute_request"


def _after_the_cell(start: Callable[[], None]) -> None:
    """Calls ``start`` once the running cell has finished (at once outside IPython, and when no
    cell is running)."""
    shell = get_ipython()
    if shell is None or _outside_a_cell(shell):
        start()
        return

    def once(*_: Any) -> None:
        shell.events.unregister("post_run_cell", once)
        start()

    shell.events.register("post_run_cell", once)


class SaveFuture(Future[pathlib.Path]):
    """The file ``save()`` writes: resolves to its path once a view has answered.

    In a notebook, the answer is handled between cells: ``result()`` and ``exception()`` in the
    kernel's main thread raise RuntimeError at once while the file is not written yet, rather
    than block the very thread that would receive it (for ever).
    """

    def result(self, timeout: float | None = None) -> pathlib.Path:
        self._refuse_to_deadlock()
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._refuse_to_deadlock()
        return super().exception(timeout)

    def _refuse_to_deadlock(self) -> None:
        if not self.done() and _in_kernel_main_thread():
            raise RuntimeError(
                "the file is not written yet: the page's answer is handled once this cell has "
                "finished, so waiting for it here would wait for ever. Check `.done()` in a "
                "later cell, or pass a callback to `.add_done_callback()`."
            )


@dataclass
class _Request:
    path: pathlib.Path
    format: str
    future: SaveFuture
    timer: threading.Timer | None = None


class Exports:
    """Save requests sent to the views and not answered yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[str, _Request] = {}

    def request(
        self,
        path: str | os.PathLike[str],
        timeout: float | None,
        send: Callable[[ExportMsg], None],
    ) -> SaveFuture:
        """Asks the views for the picture (``send`` reaches them); the returned future resolves
        to the written path."""
        fmt = export_format(path)
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be positive or None, got {timeout!r}")
        target = pathlib.Path(path).expanduser().absolute()
        if not target.parent.is_dir():
            raise FileNotFoundError(
                f"cannot save {str(target)!r}: {str(target.parent)!r} is no directory"
            )
        future = SaveFuture()
        future.set_running_or_notify_cancel()  # it is under way: it cannot be cancelled
        request_id = uuid.uuid4().hex
        with self._lock:
            self._requests[request_id] = _Request(target, fmt, future)
        send(_payload.export_request(request_id, fmt))
        if timeout is not None:
            _after_the_cell(lambda: self._start_clock(request_id, timeout))
        return future

    def answer(self, msg: dict[str, Any], buffers: list[Any]) -> None:
        """A view's answer: write the file (or fail the future with the view's error). Answers to
        a request that is no longer waiting (another page answered first, timed out) are dropped."""
        request = self._take(str(msg.get("request")))
        if request is None:
            return
        try:
            written = _write(request, msg, buffers)
        except Exception as exc:
            request.future.set_exception(exc)
        else:
            request.future.set_result(written)

    def close(self) -> None:
        """Fails every request still waiting: the widget is gone, no view will answer."""
        with self._lock:
            requests = list(self._requests)
        for request_id in requests:
            self._fail(request_id, RuntimeError("the widget was closed before a view answered"))

    def _start_clock(self, request_id: str, timeout: float) -> None:
        message = (
            f"no view of the widget answered within {timeout:g} s of the end of the cell that "
            "called save(): is the widget displayed in an open notebook?"
        )
        timer = threading.Timer(timeout, self._fail, (request_id, TimeoutError(message)))
        timer.name = "lineage-widget-save-timeout"
        timer.daemon = True
        with self._lock:
            request = self._requests.get(request_id)
            if request is None:  # answered already
                return
            request.timer = timer
        timer.start()

    def _take(self, request_id: str) -> _Request | None:
        with self._lock:
            request = self._requests.pop(request_id, None)
        if request is not None and request.timer is not None:
            request.timer.cancel()
        return request

    def _fail(self, request_id: str, error: Exception) -> None:
        request = self._take(request_id)
        if request is not None:
            request.future.set_exception(error)


def _write(request: _Request, msg: dict[str, Any], buffers: list[Any]) -> pathlib.Path:
    name = request.path.name
    if msg.get("error") is not None:
        raise RuntimeError(f"the view could not draw {name}: {msg['error']}")
    if msg.get("format") != request.format:
        raise RuntimeError(f"asked for {request.format}, the view sent {msg.get('format')!r}")
    if request.format == "svg":
        text = msg.get("svg")
        if not isinstance(text, str) or not text:
            raise RuntimeError(f"the view sent no SVG text for {name}")
        request.path.write_text(text, encoding="utf-8")
    else:
        data = bytes(buffers[0]) if buffers else b""
        if not data.startswith(PNG_SIGNATURE):
            raise RuntimeError(f"the view sent no PNG for {name}")
        request.path.write_bytes(data)
    return request.path
