"""Walks started from the page, run in background threads so that cells run meanwhile.

The :class:`Walker` owns the thread pool, the claims of running walks, their timeouts and
cancellation, and the walk on through nodes the filters hide (so an expand reaches shown nodes).
It tells the page how a walk goes through callbacks, and never holds the explorer's lock while a
source is asked (the explorer asks outside it; see :attr:`Explorer.lock`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from .explorer import Explorer
from .filters import MAX_HIDDEN_HOPS
from .graph import LineageNode
from .protocol import WalkState
from .sources.base import Direction
from .view_model import ViewModel

StatusCallback = Callable[[str, Direction, WalkState, "str | None"], None]
"""(node id, direction, "loading" | "error" | "idle", error): a walk's mark on its node."""
ErrorCallback = Callable[[str, Direction, str], None]
"""(node id, direction, error): an expand failed (shown under the toolbar; the node retries)."""
T = TypeVar("T")


class Limits(Protocol):
    """What the walker reads each time it starts work (the widget's traits)."""

    @property
    def max_requests(self) -> int: ...

    @property
    def request_timeout(self) -> float | None: ...


class Walker:
    """Runs the page's walks in the background, on the explorer and the view model."""

    def __init__(
        self,
        explorer: Explorer,
        view: ViewModel,
        limits: Limits,
        *,
        on_change: Callable[[], None],
        on_status: StatusCallback,
        on_error: ErrorCallback,
    ) -> None:
        self._explorer = explorer
        self._view = view
        self._limits = limits
        self._on_change = on_change  # something landed: the widget sends the view's delta
        self._on_status = on_status
        self._on_error = on_error
        self._lock = explorer.lock
        self._executor: ThreadPoolExecutor | None = None
        self._running: set[futures.Future[Any]] = set()
        self._timers: set[threading.Timer] = set()
        self._quiet: set[tuple[str, Direction]] = set()  # walks through hidden nodes
        explorer.on_status = self._report_status

    def expand(self, node_id: str, direction: Direction) -> None:
        """A click on an expand control (lock held): the walk runs in the background, never in
        the kernel's main thread, so other cells run while a slow source answers."""
        with self._lock:
            claim = self._explorer.claim(node_id, direction)
            if claim is not None or self._view.unfetched_beyond(node_id, direction):
                self.submit(self._fetch_for_view, node_id, direction, claim)
            elif not self._explorer.is_loading(node_id, direction):
                # Nothing left to fetch (say another view did): clear the asking view's mark.
                self._on_status(node_id, direction, "idle", None)

    def submit(self, work: Callable[..., T], *args: Any) -> futures.Future[T]:
        """Run ``work(*args)`` in a background thread (:meth:`wait` waits for it)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self._limits.max_requests, thread_name_prefix="lineage-widget"
            )
        future = self._executor.submit(work, *args)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        return future

    def refresh(self) -> futures.Future[list[LineageNode]]:
        """Ask the source again for every walk done so far, in a background thread; the future
        gives the nodes that were new. Walks running now are left to bring their news; a walk
        that fails marks its node with the error, as a walk from the page does."""
        self._explorer.source.forget()
        with self._lock:
            claims: dict[Direction, list[tuple[str, threading.Event]]] = {}
            for node_id, direction in self._explorer.walked():
                claim = self._explorer.claim(node_id, direction, again=True)
                if claim is not None:
                    claims.setdefault(direction, []).append((node_id, claim))
        return self.submit(self._refresh, claims)

    def _refresh(
        self, claims: dict[Direction, list[tuple[str, threading.Event]]]
    ) -> list[LineageNode]:
        landed: list[LineageNode] = []
        try:
            for direction, walks in claims.items():
                self._run_claims(direction, walks, again=True, landed=landed)
        finally:
            self._on_change()
        return landed

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work submitted has finished; False on timeout."""
        with self._lock:
            running = list(self._running)
        _, not_done = futures.wait(running, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Drop the work still waiting and give up the walks running (their answers are
        dropped)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
        self._explorer.release_all()

    # ---- internals -----------------------------------------------------------------------

    def _forget(self, future: futures.Future[Any]) -> None:
        with self._lock:
            self._running.discard(future)

    def _fetch_for_view(
        self, node_id: str, direction: Direction, claim: threading.Event | None
    ) -> None:
        try:
            if claim is not None and self._run_claims(direction, [(node_id, claim)]):
                return  # the node shows its error (a status message), for the user to retry
            self._walk_through_hidden(node_id, direction, claimed=claim is not None)
        finally:
            self._on_change()

    def _walk_through_hidden(self, node_id: str, direction: Direction, *, claimed: bool) -> None:
        """Go on fetching through the nodes the filters hide, hop by hop (at most
        ``MAX_HIDDEN_HOPS``), so that an expand reaches shown nodes. Those walks report no
        status of their own (their nodes are not drawn): ``node_id`` shows them as loading,
        and a failure as its error, and its control retries."""
        failures: list[str] = []
        walked = False
        timed_out = threading.Event()

        def report_timeout(message: str) -> None:  # at once, not when the hung call returns
            timed_out.set()
            self._on_error(node_id, direction, message)

        for _ in range(MAX_HIDDEN_HOPS):
            self._on_change()  # the filtered view learns the hidden nodes just found
            with self._lock:
                claims = []
                for hidden in self._view.unfetched_beyond(node_id, direction):
                    self._quiet.add((hidden, direction))
                    claim = self._explorer.claim(hidden, direction)
                    if claim is None:  # another walk has it
                        self._quiet.discard((hidden, direction))
                    else:
                        claims.append((hidden, claim))
                if claims and not walked:
                    walked = True
                    self._on_status(node_id, direction, "loading", None)
            try:
                failures = self._run_claims(direction, claims, report_timeout)
            finally:
                with self._lock:
                    self._quiet.difference_update((hidden, direction) for hidden, _ in claims)
            if failures or not claims:
                break
        self._on_change()
        with self._lock:
            if failures and not timed_out.is_set():
                self._on_error(node_id, direction, failures[0])
            elif (walked or not claimed) and not self._explorer.is_loading(node_id, direction):
                self._on_status(node_id, direction, "idle", None)

    def _run_claims(
        self,
        direction: Direction,
        claims: list[tuple[str, threading.Event]],
        on_timeout: Callable[[str], None] | None = None,
        *,
        again: bool = False,
        landed: list[LineageNode] | None = None,
    ) -> list[str]:
        """Run claimed walks one after the other; those not done ``request_timeout`` seconds
        after the first started are given up (one clock for the lot: no thread per walk).
        Returns the errors of those that failed or were given up. ``again``: refreshes (see
        :meth:`Explorer.run_claimed`); ``landed`` collects the new nodes."""
        timer = None
        timeout = self._limits.request_timeout
        if timeout is not None and claims:
            message = f"TimeoutError: the source did not answer within {timeout:g} s"

            def give_up() -> None:
                for node_id, claim in claims:
                    self._explorer.abandon(node_id, direction, claim, message)
                if on_timeout is not None:
                    on_timeout(message)

            timer = threading.Timer(timeout, give_up)
            timer.daemon = True
            with self._lock:
                self._timers.add(timer)
            timer.start()
        try:
            for node_id, claim in claims:
                with contextlib.suppress(Exception):  # kept in the explorer's status
                    new = self._explorer.run_claimed(node_id, direction, claim, again=again)
                    if landed is not None:
                        landed += new
        finally:
            if timer is not None:
                timer.cancel()
                with self._lock:
                    self._timers.discard(timer)
        with self._lock:
            status = self._explorer.status
            return [
                s.error or s.state
                for s in (status.get((node_id, direction)) for node_id, _ in claims)
                if s is not None and s.state == "error"
            ]

    def _report_status(
        self, node_id: str, direction: Direction, state: WalkState, error: str | None
    ) -> None:
        # A walk through hidden nodes is shown on the node it started from (unless a filter
        # change drew the hidden node meanwhile).
        if (node_id, direction) not in self._quiet or self._view.clustering.is_drawn(node_id):
            self._on_status(node_id, direction, state, error)


class Repeater:
    """Calls ``work()`` every so many seconds in a daemon thread of its own, until stopped (the
    widget's ``auto_refresh``). A call that raises is dropped: the next one tries again."""

    def __init__(self, work: Callable[[], Any], name: str) -> None:
        self._work = work
        self._name = name
        self._stop: threading.Event | None = None

    def every(self, seconds: float | None) -> None:
        """Call ``work`` every ``seconds`` from now on (None: stop)."""
        self.stop()
        if seconds is None:
            return
        stop = self._stop = threading.Event()

        def loop() -> None:
            while not stop.wait(seconds):
                with contextlib.suppress(Exception):  # (its nodes show a failed walk)
                    self._work()

        threading.Thread(target=loop, name=self._name, daemon=True).start()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
