"""The view kept and brought back: ``view_state``, ``view_state=``, and the view saved with the
notebook that a re-run of the cell takes back.

A view state is a dict of JSON types only, so it can be kept anywhere (a file, a cell's output,
a database)::

    {
        "version": 1,
        "steps": [{"expand": "model:v3", "direction": "upstream"}, {"focus": "raw:v0"}],
        "pulled_out": ["train-7"],
        "selected": ["model:v3"],
        "highlighted": [],
        "cluster_threshold": 5,
        "viewport": {"cx": 420.0, "cy": 180.0, "k": 0.8},
        "artifact_types": None,
        "job_types": ["train", "eval"],
        "hide_runs": False,
        "lineage": "direct",
    }

``steps`` are the walks (one per page that landed) and reveals made after the widget started,
in order: a new widget started the same way takes them again, asking its source.

**Saved with the notebook.** JupyterLab saves the synced state of live widgets in the notebook
(setting "Save Widget State Automatically"), and brings it back as kernel-less models when the
notebook is reopened. The widget keeps a copy of its view state in a synced trait
(``_view_state``); a widget made by re-running the cell asks the page for the saved view with
its key (js/src/saved-views.ts) and takes it back (:meth:`Persistence.offer`). The key is derived
from the running cell: JupyterLab and Notebook 7 send the cell's id with each execute request
(``metadata.cellId``), and nbformat 4.5 keeps cell ids in the file. Several widgets made by one
run of a cell are told apart by the order they were made in. ``key=`` gives a key of one's own.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypedDict, get_type_hints

import traitlets
from IPython import get_ipython

from . import _payload
from .explorer import Explorer, Step, describe, parse_step
from .filters import FILTER_KEYS, Lineage
from .graph import LineageGraph
from .view_model import ViewModel
from .walker import Walker

if TYPE_CHECKING:
    from .widget import LineageWidget

VERSION = 1
# More walks than any real view holds (a W&B walk of 5,000 runs is 50 pages): a page offering
# more is refused rather than replayed for minutes.
MAX_RESTORE_STEPS = 10_000
# Seconds the view must stay unchanged before the state saved with the notebook follows it: a
# burst of clicks sends it once (an expand itself sends only its delta).
VIEW_STATE_DELAY = 2.0

_TRAIT = "trait"  # a trait of the widget holds it (and checks it when a new widget sets it)
_IDS = "ids"  # node ids: those the graph no longer holds (the source lost them) are left out


class ViewState(TypedDict, total=False):
    """The view as plain data (see the module docs). Its fields make the key lists below."""

    version: int
    steps: list[Step]
    pulled_out: Annotated[list[str], _IDS]
    selected: Annotated[list[str], _TRAIT, _IDS]
    highlighted: Annotated[list[str], _TRAIT, _IDS]
    cluster_threshold: Annotated[int | None, _TRAIT]
    viewport: Annotated[dict[str, float], _TRAIT]
    artifact_types: Annotated[list[str] | None, _TRAIT]
    job_types: Annotated[list[str] | None, _TRAIT]
    hide_runs: Annotated[bool, _TRAIT]
    lineage: Annotated[Lineage, _TRAIT]
    color_by: Annotated[str | None, _TRAIT]  # a key only: a function is kept as None


def _keys_marked(role: str) -> tuple[str, ...]:
    hints = get_type_hints(ViewState, include_extras=True)
    return tuple(key for key, hint in hints.items() if role in getattr(hint, "__metadata__", ()))


KEYS: tuple[str, ...] = tuple(get_type_hints(ViewState))
TRAIT_KEYS = _keys_marked(_TRAIT)
"""The keys a widget trait of the same name holds (the filters among them)."""
ID_KEYS = _keys_marked(_IDS)
"""The keys holding node ids."""
assert set(FILTER_KEYS) <= set(TRAIT_KEYS), "every filter is kept in the view state"


def check_view_state(value: Any) -> ViewState:
    """``value`` as a view state, the version, steps and id lists present; ValueError naming
    what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError(f"view_state must be a dict (from w.view_state), got {value!r:.200}")
    unknown = [key for key in value if key not in KEYS]
    if unknown:
        raise ValueError(f"view_state has unknown key(s) {unknown!r}; known: {list(KEYS)!r}")
    version = value.get("version", VERSION)
    if version != VERSION:
        raise ValueError(f"view_state version {version!r} is not supported (this is {VERSION})")
    steps = value.get("steps", [])
    if not isinstance(steps, list):
        raise ValueError(f"view_state['steps'] must be a list, got {steps!r:.200}")
    for step in steps:
        try:
            parse_step(step)
        except ValueError as exc:
            raise ValueError(f"each view_state {exc}") from None
    for key in ID_KEYS:
        ids = value.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"view_state[{key!r}] must be a list of node ids, got {ids!r:.200}")
    state: dict[str, Any] = {"version": VERSION, "steps": [dict(step) for step in steps]}
    state.update((key, list(value.get(key, []))) for key in ID_KEYS)
    state.update((key, value[key]) for key in TRAIT_KEYS if key in value and key not in ID_KEYS)
    return state  # type: ignore[return-value]


def known_ids_only(state: ViewState, graph: LineageGraph) -> list[str]:
    """Drops ids of ``state`` the graph does not hold (the source has lost them); says which."""
    problems = []
    for key in ID_KEYS:
        ids: list[str] = state[key]  # type: ignore[literal-required]
        missing = [i for i in ids if i not in graph]
        if missing:
            problems.append(f"{key} {missing!r}: not in the graph")
            state[key] = [i for i in ids if i in graph]  # type: ignore[literal-required]
    return problems


def plain(value: Any) -> Any:
    """A trait's value as JSON types, copied (the state must not change with the widget)."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    if callable(value):  # color_by's function: not data
        return None
    return value


# ---- the key tying a widget to the view saved with the notebook ----------------------------

_lock = threading.Lock()
# Cell id -> (the execute request that last made a widget in that cell, how many it made).
_runs: dict[str, tuple[str, int]] = {}


def check_key(key: Any) -> str:
    """A ``key=`` argument: a non-empty string; ValueError naming anything else."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r:.200}")
    return key


def cell_key(root: str | None) -> str:
    """The key of a widget made now: the running cell's id, the widget's place among those this
    run of the cell made, and the node the view starts from (a cell edited to start elsewhere
    does not take back the old view). Empty outside a cell run by a front end that sends cell
    ids (a script, a thread, a button's callback, Jupyter clients without cell ids)."""
    parent = _parent_request()
    metadata = parent.get("metadata")
    header = parent.get("header")
    if not isinstance(metadata, dict) or not isinstance(header, dict):
        return ""
    cell_id, request = metadata.get("cellId"), header.get("msg_id")
    if not isinstance(cell_id, str) or not cell_id or not isinstance(request, str):
        return ""
    with _lock:
        last, made = _runs.get(cell_id, ("", 0))
        index = made if last == request else 0
        _runs[cell_id] = (request, index + 1)
    return json.dumps(["cell", cell_id, index, root])


def _parent_request() -> dict[str, Any]:
    """The request the kernel is answering in this thread (an execute request while a cell
    runs), or {} outside an IPython kernel."""
    kernel = getattr(get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:
        return {}
    try:
        parent = get_parent()
    except Exception:  # a kernel of another kind: no cell to tie the widget to
        return {}
    return parent if isinstance(parent, dict) else {}


# ---- a widget's view state, kept and taken back ----------------------------------------------


class Persistence:
    """One widget's view state: the copy in its synced ``_view_state`` that trails the view, the
    replay of a ``view_state=`` and the restore of the view the page offers."""

    def __init__(
        self, widget: LineageWidget, explorer: Explorer, view: ViewModel, walker: Walker
    ) -> None:
        self._widget = widget
        self._explorer = explorer
        self._view = view
        self._walker = walker
        self._lock = explorer.lock
        self._timer: threading.Timer | None = None  # _view_state follows when it fires
        self._due = 0.0
        self.restoring = False
        """A restore is setting the filters: it sends the one snapshot itself."""
        self._initial: dict[str, Any] = {}  # the view as the widget started (:meth:`started`)
        self._taken = False

    def replay(self, state: ViewState) -> list[str]:
        """Takes the walks and reveals of ``state`` again (asking the source, without the lock),
        grows the direct lineage as the user did, and drops from ``state`` the ids the graph no
        longer holds. Returns what could not be done, one line each."""
        problems = self._explorer.replay(state["steps"])
        with self._lock:
            self._view.replayed(state["steps"])
            return problems + known_ids_only(state, self._explorer.graph)

    def current(self) -> ViewState:
        """The view as it is now (``LineageWidget.view_state``)."""
        with self._lock:
            state: ViewState = {
                "version": VERSION,
                "steps": [step.copy() for step in self._explorer.steps],
                "pulled_out": sorted(self._view.clustering.pulled_out),
            }
            for key in TRAIT_KEYS:
                state[key] = plain(getattr(self._widget, key))  # type: ignore[literal-required]
            return state

    def started(self) -> None:
        """The widget is built: its view state now is the one a saved view may replace."""
        self._initial = dict(self.current())
        self._widget.set_trait("_view_state", self._initial)

    # ---- the copy saved with the notebook --------------------------------------------------

    def changed(self, *, now: bool = False) -> None:
        """The view changed: ``_view_state`` follows once changes pause for
        ``VIEW_STATE_DELAY`` seconds (``now``: at once). A burst of clicks sends it once, and an
        expand sends only its delta: the saved state trails the view by that much."""
        with self._lock:
            if now or self._widget.comm is None:  # (no page to wait for while it is built)
                self._push()
                return
            # One timer at a time: a change moves its deadline on, it does not start another.
            self._due = time.monotonic() + VIEW_STATE_DELAY
            if self._timer is None:
                self._start_timer(VIEW_STATE_DELAY)

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = None

    def _start_timer(self, delay: float) -> None:
        timer = threading.Timer(delay, self._timer_fired)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _timer_fired(self) -> None:
        with self._lock:
            if self._timer is None:  # cancelled (closed, or pushed at once)
                return
            left = self._due - time.monotonic()
            if left > 0:  # changed meanwhile: wait for the rest of the pause
                self._start_timer(left)
                return
            self._push()

    def _push(self) -> None:
        """``_view_state`` := ``view_state`` (a trait change only if it differs)."""
        with self._lock:
            self.close()
            state = self.current()
            if state != self._widget.trait_values()["_view_state"]:
                self._widget.set_trait("_view_state", state)

    # ---- a view saved with the notebook, offered by the page -------------------------------

    def offer(self, state: Any) -> None:
        """The page offers the view saved with the notebook under this widget's key (the cell
        was re-run after the notebook was reopened). It is taken once, and only while the view is
        as the widget started: it never undoes what the user did. A bad offer raises ValueError
        (sent to the page) and changes nothing."""
        if self._taken or self.current() != self._initial:
            return
        checked = self._check(state)
        self._taken = True
        # Replaying the walks asks the source: in the background, like a click on expand.
        self._walker.submit(self._restore, checked)

    def _check(self, state: Any) -> ViewState:
        try:
            checked = check_view_state(state)
            if len(checked["steps"]) > MAX_RESTORE_STEPS:
                raise ValueError(
                    f"{len(checked['steps'])} steps is more than {MAX_RESTORE_STEPS} "
                    "(a view this big is not replayed)"
                )
            traits = self._widget.traits()
            for key in TRAIT_KEYS:  # what its trait would refuse (ids are checked once replayed)
                if key in checked and key not in ID_KEYS:
                    traits[key]._validate(self._widget, checked[key])  # type: ignore[literal-required]
        except (ValueError, traitlets.TraitError) as exc:
            raise ValueError(f"cannot restore the saved view: {exc}") from None
        return checked

    def _restore(self, state: ViewState) -> None:
        """Takes the walks of ``state`` again and its pull-outs, sends the views a snapshot, then
        sets its traits (each unless the user changed it meanwhile): the views draw the snapshot
        at its viewport. What the source no longer has is left out and named under the widget."""
        widget = self._widget
        values: Mapping[str, Any] = state
        try:
            problems = self.replay(state)
            with self._lock:

                def untouched(key: str) -> bool:
                    return key in values and getattr(widget, key) == self._initial.get(key)

                # The filters first (the one snapshot below shows what they let through).
                self.restoring = True
                try:
                    for key in FILTER_KEYS:
                        if untouched(key):
                            setattr(widget, key, values[key])
                finally:
                    self.restoring = False
                view = self._view
                view.apply(refresh=True)  # the replayed walks: the snapshot shows them
                if untouched("cluster_threshold"):  # the clusters members are pulled out of
                    view.set_threshold(values["cluster_threshold"])
                for node_id in state["pulled_out"]:
                    view.pull_out(node_id)
                widget._send_change(
                    _payload.snapshot(self._explorer, view.clustering, restored=True)
                )
                keys = [key for key in TRAIT_KEYS if key not in FILTER_KEYS and untouched(key)]
            # One trait at a time, no hold_sync(): its bookkeeping is not safe from a background
            # thread while a cell may set traits too. (Selection callbacks run without the lock.)
            for key in keys:
                try:
                    setattr(widget, key, values[key])
                except Exception as exc:
                    problems.append(f"{key}: {describe(exc)}")
            self.changed(now=True)
            if problems:
                widget.send(
                    _payload.error(
                        "restore", None, "The saved view is back, except: " + "; ".join(problems)
                    )
                )
        except Exception as exc:  # (in a background thread: the page is told)
            widget.send(_payload.error("restore", None, exc))
