"""The notebook widget: synced view state and the messages to and from the browser."""

from __future__ import annotations

import contextlib
import math
import os
import pathlib
import threading
import time
import warnings
from collections.abc import Callable, Hashable, Mapping
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anywidget
import traitlets

from . import _payload
from ._export import Exports, SaveFuture, export_format
from ._restore import MAX_RESTORE_STEPS, VIEW_STATE_DELAY, cell_key, check_key
from ._start import explorer_for, mlflow_object, trackio_object, wandb_object
from ._view_state import FILTER_KEYS, ID_KEYS, TRAIT_KEYS, check_view_state
from ._view_state import VERSION as VIEW_STATE_VERSION
from .clusters import DEFAULT_THRESHOLD, Clustering, ViewDelta, check_threshold
from .explorer import Changes, describe
from .filters import (
    LINEAGES,
    MAX_HIDDEN_HOPS,
    DirectLineage,
    FilteredGraph,
    Filters,
    check_type_names,
)
from .graph import KINDS, LineageGraph, LineageNode
from .graph import node_id as to_id
from .sources.base import DIRECTIONS, Direction, LineageSource, check_direction

_STATIC = pathlib.Path(__file__).parent / "static"

SelectCallback = Callable[[list[str]], Any]


class _TypeNames(traitlets.List):  # type: ignore[type-arg]
    """A filter's type names: a list (tuple, set) of strings, or None (every type)."""

    def set(self, obj: Any, value: Any) -> None:
        # traitlets' List wraps a lone string in a list; "dataset,model" would become one type.
        traitlets.TraitType.set(self, obj, value)

    def validate(self, obj: Any, value: Any) -> list[str] | None:
        try:
            return check_type_names(self.name or "type names", value)
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None


class LineageWidget(anywidget.AnyWidget):  # type: ignore[misc,unused-ignore]
    """An interactive lineage graph of runs and artifacts.

    ``obj`` is a W&B-style artifact or run, a :class:`LineageGraph` or a ``networkx.DiGraph``.
    For a graph, ``root`` names the node to start from; without it the graph is shown whole.
    The view shows the root and its lineage ``depth`` hops upstream and downstream.

    W&B's "custom view" filters (traits, also set from the toolbar's filter control) choose what
    is drawn of the graph known so far; :attr:`graph` always holds all of it:

    - ``artifact_types`` / ``job_types``: the artifact types and run job types shown (None or
      empty: all). Types not in the graph yet are allowed: they apply when such nodes arrive.
    - ``hide_runs``: no runs are drawn; an artifact used by a run that logged another draws an
      edge between the two artifacts. Hidden nodes keep the lineage connected this way: an edge
      is drawn from each shown node to each shown node it reaches through hidden ones only,
      labelled with how many chains it stands for.
    - ``lineage``: ``"direct"`` (the default, as in W&B's Registry) shows the root, its ancestors
      and its descendants; ``"extended"`` shows everything known, side branches included (the
      other outputs of an upstream run, the other inputs of a downstream run). Expanding a node
      asks to see its lineage that way, so in ``"direct"`` the nodes an expand brings are shown
      (you see what you expanded, as before these filters existed). Choosing ``"direct"`` again
      goes back to the root's own lineage, plus what you expand from then on. A node's expand
      control counts the known neighbours outside the direct lineage as "more". A graph shown
      whole has no root: there ``"direct"`` shows everything too.

    Expanding while filtered still works: the page's expand control walks on through hidden
    nodes (up to 8 deep) until it reaches shown ones, so with runs hidden, expanding a dataset
    downstream draws the artifacts made from it. New nodes that do not pass stay hidden. A
    hidden node's own neighbours are reached that way, with :meth:`expand` (any known node, by
    id, hops counting hidden nodes), or by changing the filters.

    ``view_state`` (from :attr:`view_state`) starts the widget at a kept view. ``key`` ties the
    view saved with the notebook to the widget a re-run of the cell makes after the notebook is
    reopened; by default that is the cell (its id, and which of the widgets the cell made this
    is) with the same ``root``.
    """

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    cluster_threshold = traitlets.Int(
        DEFAULT_THRESHOLD,
        allow_none=True,
        help="Groups of at least this many nodes of one kind and type in a column are drawn as "
        "one cluster (None: never cluster).",
    )

    max_requests = traitlets.Int(
        4,
        help="How many source requests may run at once, in background threads (read when the "
        "first one starts).",
    )

    request_timeout = traitlets.Float(
        60.0,
        allow_none=True,
        help="Seconds a walk started from the page may take before the node shows a timeout "
        "error (and can be retried); None: wait for ever.",
    )

    selected = traitlets.List(
        traitlets.Unicode(),
        help="Ids of the selected nodes; set it (or call select()) to select in the view.",
    ).tag(sync=True)

    highlighted = traitlets.List(
        traitlets.Unicode(),
        help="Ids of the highlighted nodes (a query result shown in the view): they are marked "
        "and the rest dimmed; empty: no highlight. Set it or call highlight().",
    ).tag(sync=True)

    _highlighted_clusters = traitlets.List(
        traitlets.Unicode(),
        help="Ids of the clusters drawn holding a highlighted node, kept current by the kernel "
        "(the page does not know every cluster's members).",
    ).tag(sync=True)

    viewport = traitlets.Dict(
        help="Where the user left the view: {'cx', 'cy'} the graph point at the centre, 'k' the "
        "scale; set by the page as the user pans and zooms. A view drawing for the first time "
        "starts there; empty: fit the graph.",
    ).tag(sync=True)

    artifact_types = _TypeNames(
        traitlets.Unicode(),
        default_value=None,
        allow_none=True,
        help="Artifact types to show, e.g. ['model'] (None or empty: all). Types not in the graph "
        "are allowed: they apply to artifacts found later.",
    ).tag(sync=True)

    job_types = _TypeNames(
        traitlets.Unicode(),
        default_value=None,
        allow_none=True,
        help="Run job types to show, e.g. ['train'] (None or empty: all).",
    ).tag(sync=True)

    hide_runs = traitlets.Bool(
        False,
        help="Draw no runs: an artifact used by a run that logged another is drawn with an edge "
        "to that artifact.",
    ).tag(sync=True)

    lineage = traitlets.Enum(
        LINEAGES,
        "direct",
        help="'direct': the root, its ancestors and descendants, and the lineage of the nodes "
        "expanded since (setting it again goes back to the root's own); 'extended': everything "
        "known, side branches too. No effect on a graph shown whole.",
    ).tag(sync=True)

    _node_types = traitlets.Dict(
        help="The types in the known graph, {'artifact': [...], 'run': [...]}, shown hidden or "
        "not: the filter control's choices."
    ).tag(sync=True)

    _key = traitlets.Unicode(
        "",
        help="Ties the view saved with the notebook to the widget a re-run of the cell makes "
        "after the notebook is reopened (see _restore.py); empty: never restored.",
    ).tag(sync=True)

    _created = traitlets.Float(
        0.0,
        help="When the kernel made this widget (seconds since the epoch): of several saved views "
        "with one key, the page offers the newest.",
    ).tag(sync=True)

    _view_state = traitlets.Dict(
        help="view_state, kept current by the kernel: saved with the notebook's widget state, "
        "it is what the page offers a widget made by re-running the cell.",
    ).tag(sync=True)

    def __init__(
        self,
        obj: Any,
        root: Any = None,
        depth: int = 1,
        *,
        source: LineageSource | None = None,
        view_state: Mapping[str, Any] | None = None,
        key: str | None = None,
        **kwargs: Any,
    ) -> None:
        # The graph first: traits given as keyword arguments (selected=...) are checked against it.
        state = None if view_state is None else check_view_state(view_state)
        key = None if key is None else check_key(key)
        self._select_callbacks: list[SelectCallback] = []
        self._view_state_timer: threading.Timer | None = None  # _view_state follows after it
        self._view_state_due = 0.0
        self._explorer = explorer_for(obj, root, depth, source)
        self._lock = self._explorer.lock  # one lock for the graph, the clusters and the sends
        self._executor: ThreadPoolExecutor | None = None
        self._running: set[futures.Future[None]] = set()
        self._timers: set[threading.Timer] = set()
        self._quiet: set[tuple[str, Direction]] = set()  # walks through hidden nodes
        self._lineage = DirectLineage(self._explorer)
        problems = self._replay(state) if state else []
        # Each view starts from a snapshot it asks for; the direct lineage grows as with a walk.
        self._lineage.grow(self._explorer.take_pending().edges)
        if state:  # what the state holds, unless given here
            for name in TRAIT_KEYS:  # (not `key`: that is the argument tying saved views)
                if name in state:
                    kwargs.setdefault(name, state[name])
        threshold = kwargs.get("cluster_threshold", DEFAULT_THRESHOLD)
        self._clustering = Clustering(self._explorer, threshold)
        self._types: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for kind, type_ in self._clustering.kinds_and_types():  # (every node is in a group)
            self._types[kind].add(type_)
        for node_id in state["pulled_out"] if state else []:
            self._clustering.pull_out(node_id)
        # How many pages said hello (each page showing the model does, once): before the first,
        # no view exists to draw what save() asks for.
        self._pages = 0
        self._exports = Exports()
        self._restoring = False  # a restore is setting the filters: it sends the snapshot
        # In the state the comm opens with: the page reads them as the model starts.
        kwargs["_key"] = cell_key(self._explorer.root) if key is None else key
        kwargs["_created"] = time.time()
        # Filters given as keyword arguments filter this view as they are set.
        super().__init__(**kwargs, _node_types=self._type_choices())
        # A saved view is taken back only over the view as it started, and only once.
        self._initial_view_state = self.view_state
        self._restore_taken = False
        self._view_state = self._initial_view_state  # (computed once; sent at once, no timer)
        self._explorer.on_status = self._report_status
        self.on_msg(self._handle_message)
        if problems:
            warnings.warn(
                "view_state restored except: " + "; ".join(problems), RuntimeWarning, stacklevel=2
            )

    def _replay(self, state: dict[str, Any]) -> list[str]:
        """Takes the walks and reveals of ``state`` again (asking the source, without the lock),
        grows the direct lineage as the user did, and drops from ``state`` the ids the graph no
        longer holds. Returns what could not be done, one line each."""
        problems = self._explorer.replay(state["steps"])
        with self._lock:
            self._lineage_after(state["steps"])
            return problems + self._known_ids_only(state)

    def _lineage_after(self, steps: list[dict[str, str]]) -> None:
        """The direct lineage as the user grew it: the replayed walks and reveals count as they
        did when the user made them."""
        graph = self._explorer.graph
        for step in steps:
            target = step.get("expand", step.get("focus", ""))
            if target not in graph:
                continue
            if "expand" in step:
                self._lineage.add(target, check_direction(step["direction"]))
            elif not self._lineage.contains(target):
                self._lineage.pin(graph.nearest_path(self._lineage.nodes, target) or [target])

    def _known_ids_only(self, state: dict[str, Any]) -> list[str]:
        """Drops ids of ``state`` the graph does not hold (the source has lost them); says which."""
        problems = []
        for key in ID_KEYS:
            missing = [i for i in state[key] if i not in self._explorer.graph]
            if missing:
                problems.append(f"{key} {missing!r}: not in the graph")
                state[key] = [i for i in state[key] if i in self._explorer.graph]
        return problems

    @classmethod
    def from_trackio(
        cls,
        project: str,
        artifact: str | None = None,
        run: str | None = None,
        *,
        trackio_dir: str | os.PathLike[str] | None = None,
        depth: int = 1,
        **kwargs: Any,
    ) -> LineageWidget:
        """The lineage of one artifact version or run of a local Trackio project (read-only).

        ``artifact`` is ``"name:v1"``, an alias (``"name:best"``) or ``"name"`` (the latest
        version); ``run`` is a run name or id. Give exactly one. ``trackio_dir`` defaults to
        the store trackio uses (``$TRACKIO_DIR``).
        """
        start = trackio_object(project, artifact, run, trackio_dir)
        return cls(start, depth=depth, source=start.source, **kwargs)

    @classmethod
    def from_wandb(
        cls, path: str, *, api: Any = None, depth: int = 1, **kwargs: Any
    ) -> LineageWidget:
        """The lineage of a W&B artifact (``"entity/project/name:v3"``) or run
        (``"entity/project/run_id"``), fetched through ``wandb.Api()`` (or ``api``).

        Needs ``pip install wandb`` and a login, as ``wandb.Api()`` does.
        """
        return cls(wandb_object(path, api), depth=depth, **kwargs)

    @classmethod
    def from_mlflow(
        cls, uri: str, *, tracking_uri: str | None = None, depth: int = 1, **kwargs: Any
    ) -> LineageWidget:
        """The lineage of what an MLflow URI names: ``"runs:/<run id>"``, ``"models:/<model id>"``,
        ``"models:/<name>/<version>"`` or ``"models:/<name>@<alias>"`` (read-only).

        ``tracking_uri`` defaults to MLflow's current one (``mlflow.get_tracking_uri()``).
        Needs ``pip install "lineage-widget[mlflow]"``.
        """
        start, source = mlflow_object(uri, tracking_uri)
        return cls(start, depth=depth, source=source, **kwargs)

    # ---- Python API --------------------------------------------------------------------

    @property
    def view_state(self) -> dict[str, Any]:
        """The view as a plain dict of JSON types: the walks and reveals made since the start,
        the pulled-out members, selection, highlight, cluster threshold, viewport and filters.

        Keep it anywhere (``json.dump``) and pass it to a new widget started the same way to get
        this view back: ``LineageWidget(g, root="model:v3", view_state=state)``. The new widget
        asks its source for the same walks; what the source no longer has is left out with a
        warning. Keyword arguments given with it win over what it holds.

        The widget keeps a copy in its synced state, which JupyterLab saves with the notebook
        ("Save Widget State Automatically"): re-running the cell after reopening the notebook
        brings the view back by itself (``key`` in the class docs).
        """
        with self._lock:
            return {
                "version": VIEW_STATE_VERSION,
                "steps": [dict(step) for step in self._explorer.steps],
                "pulled_out": sorted(self._clustering.pulled_out),
                "selected": list(self.selected),
                "highlighted": list(self.highlighted),
                "cluster_threshold": self.cluster_threshold,
                "viewport": dict(self.viewport),
                "artifact_types": _listed(self.artifact_types),
                "job_types": _listed(self.job_types),
                "hide_runs": self.hide_runs,
                "lineage": self.lineage,
            }

    @property
    def graph(self) -> LineageGraph:
        """Everything known so far (the view shows what passes the filters)."""
        return self._explorer.graph

    @property
    def root(self) -> str | None:
        """The id of the node the view started from (None when a graph is shown whole)."""
        return self._explorer.root

    @property
    def selected_objects(self) -> list[Any]:
        """The selected nodes' original objects (node records for plain graphs)."""
        nodes = (self.graph.node(i) for i in self.selected)
        return [n.obj if n.obj is not None else n for n in nodes]

    def select(self, *ids: Any) -> None:
        """Select these nodes (and only these), in Python and in every view.

        Each is an id, a :class:`LineageNode` record or the source's object.
        """
        self.selected = [self._id_of(i) for i in ids]

    def highlight(self, nodes: Any = ()) -> None:
        """Mark ``nodes`` in every view and dim the rest; ``highlight()`` or ``highlight([])``
        clears it.

        ``nodes`` is a list (any iterable) of ids, :class:`LineageNode` records or the source's
        objects (W&B artifacts and runs, Trackio records), or one of them; so a query's result
        shows as it is: ``w.highlight(w.graph.upstream("model:v3"))``. A highlighted node drawn
        inside a cluster marks its cluster. Raises ``KeyError`` naming any node the widget does
        not know (``w.graph``), and then changes nothing.
        """
        ids = list(dict.fromkeys(self._id_of(n) for n in self._as_nodes(nodes)))
        unknown = [i for i in ids if i not in self.graph]
        if unknown:
            raise KeyError(f"cannot highlight unknown node(s): {unknown!r}")
        with self.hold_sync():  # the ids and their clusters reach the page in one update
            self.highlighted = ids

    def _as_nodes(self, nodes: Any) -> list[Any]:
        """``nodes`` as a list: one node (an id, a record, an object) or an iterable of them."""
        if isinstance(nodes, str | LineageNode):
            return [nodes]
        if isinstance(nodes, Hashable) and to_id(nodes) in self.graph:
            return [nodes]  # a tuple id, say
        try:
            return list(nodes)
        except TypeError:
            return [nodes]  # a source object

    def _id_of(self, node: Any) -> str:
        """The id of a node given as an id, a :class:`LineageNode` or the source's object."""
        if isinstance(node, LineageNode):
            return node.id
        if isinstance(node, str):
            return node
        if isinstance(node, Hashable) and to_id(node) in self.graph:
            return to_id(node)  # ints, tuples: their string ids
        try:
            record = self._explorer.source.to_node(node)
        except Exception:  # not an object of this source: refused by id below
            record = None
        if isinstance(record, LineageNode):
            return record.id
        if isinstance(node, Hashable):
            return to_id(node)
        raise TypeError(
            f"not a node id, node record or {type(self._explorer.source).__name__} object: "
            f"{type(node).__name__} {node!r:.200}"
        )

    def on_select(self, callback: SelectCallback, *, remove: bool = False) -> None:
        """Call ``callback(selected_ids)`` whenever the selection changes, from either side."""
        if remove:
            self._select_callbacks.remove(callback)
        else:
            self._select_callbacks.append(callback)

    def expand(self, node_id: str, direction: str = "both", depth: int = 1) -> list[LineageNode]:
        """Fetch ``depth`` hops from ``node_id`` ("upstream", "downstream" or "both").

        Returns the nodes that were new. If the source fails, what was fetched before the
        failure is shown and the error is raised.
        """
        directions = DIRECTIONS if direction == "both" else (check_direction(direction),)
        node_id = to_id(node_id)
        self.graph.node(node_id)
        grew = False
        with self._lock:  # what it brings is lineage you asked for (see lineage)
            for each in directions:
                grew = self._lineage.add(node_id, each) or grew
        new: list[LineageNode] = []
        try:
            for each in directions:
                new += self._explorer.expand(node_id, each, depth)
        finally:
            self._flush(refresh=grew)
        return new

    def focus(self, node_id: str) -> None:
        """Centre the view on ``node_id``, first drawing it (and its path) if it is not shown.

        A node not shown yet needs a source that can locate it (in-memory graphs, Trackio);
        for W&B, expand towards it first. A node outside the direct lineage is drawn with the
        path linking it to it; one the type filters hide raises ``ValueError``.
        """
        node_id = to_id(node_id)
        try:
            self._explorer.reveal(node_id)
        finally:
            with self._lock:
                grew = False
                if node_id in self.graph and not self._lineage.contains(node_id):
                    path = self.graph.nearest_path(self._lineage.nodes, node_id)
                    grew = self._lineage.pin(path or [node_id])
                self._flush(refresh=grew)
        node = self.graph.node(node_id)
        filters = self._filters()
        if not filters.passes(node):
            raise ValueError(f"cannot focus {node_id!r}: {filters.why_hidden(node)}")
        self.send({"type": "focus", "id": node_id})

    @property
    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> ids of its members, as drawn now."""
        with self._lock:
            return self._clustering.clusters

    def cluster_of(self, node_id: str) -> str | None:
        """The id of the cluster ``node_id`` is drawn in, or None if it is drawn as itself (or
        hidden by the filters)."""
        with self._lock:
            self._flush()  # a node that landed a moment ago has its place in the view
            return self._clustering.cluster_of(to_id(node_id))

    def pull_out(self, node_id: str) -> None:
        """Draw ``node_id`` as itself, next to its cluster (it is never clustered again)."""
        with self._lock:
            self._flush()
            self._send_view(self._clustering.pull_out(to_id(node_id)))

    def put_back(self, node_id: str) -> None:
        """Undo :meth:`pull_out`: ``node_id`` may be drawn in its cluster again."""
        with self._lock:
            self._send_view(self._clustering.put_back(to_id(node_id)))

    def save(self, path: str | os.PathLike[str], *, timeout: float | None = 30.0) -> SaveFuture:
        """Save the graph as the page draws it, to an SVG or PNG file (by ``path``'s suffix).

        The browser draws the picture, so the file holds what the view shows: every node and
        cluster drawn, the edges, the selection, the theme's colours (PNG at twice the size).

        **The file appears once the cell that called ``save()`` has finished**: a Jupyter
        kernel handles the page's messages between cells. ``save()`` returns a
        ``concurrent.futures.Future`` that then resolves to the written path: check
        ``.done()`` or call ``.result()`` in a later cell, or ``.add_done_callback(...)``.
        Waiting for it in the same cell would wait for ever, so ``.result()`` raises
        RuntimeError there instead. (Run All queues the later cells before the page answers:
        they run before the file is written.)

        Raises ValueError for a suffix other than ``.svg`` / ``.png`` and RuntimeError if the
        widget is not displayed. The future fails with TimeoutError if no view answers within
        ``timeout`` seconds of the end of the cell (None: wait for ever), or with RuntimeError
        if the page could not draw the picture or the widget is closed first.
        """
        export_format(path)  # a bad suffix is the first thing to fix
        with self._lock:
            if self._pages == 0:
                raise RuntimeError(
                    "cannot save: the widget is not displayed anywhere. The browser draws the "
                    "picture: display the widget (and let that cell finish) first."
                )
            self._flush()  # what landed a moment ago is in the picture
            return self._exports.request(path, timeout, self.send)

    # ---- traits and messages -----------------------------------------------------------

    @traitlets.validate("selected", "highlighted")
    def _valid_node_ids(self, proposal: dict[str, Any]) -> list[str]:
        ids = list(dict.fromkeys(proposal["value"]))  # drop repeats, keep order
        explorer = getattr(self, "_explorer", None)
        if explorer is not None:
            unknown = [i for i in ids if i not in explorer.graph]
            if unknown:
                verb = "select" if proposal["trait"].name == "selected" else "highlight"
                raise traitlets.TraitError(f"cannot {verb} unknown node(s): {unknown!r}")
        return ids

    @traitlets.validate("viewport")
    def _valid_viewport(self, proposal: dict[str, Any]) -> dict[str, float]:
        value = proposal["value"]
        if not value:
            return {}
        if set(value) != {"cx", "cy", "k"}:
            raise traitlets.TraitError(
                f"viewport must be empty or have the keys cx, cy and k, got {value!r}"
            )
        numbers = {}
        for key in ("cx", "cy", "k"):
            number = value[key]
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise traitlets.TraitError(f"viewport[{key!r}] must be a number, got {number!r}")
            if not math.isfinite(number) or (key == "k" and number <= 0):
                raise traitlets.TraitError(f"viewport[{key!r}] is out of range: {number!r}")
            numbers[key] = float(number)
        return numbers

    @traitlets.validate("request_timeout", "max_requests")
    def _positive(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        if value is not None and value <= 0:
            name = proposal["trait"].name
            raise traitlets.TraitError(f"{name} must be positive, got {value!r}")
        return value

    @traitlets.validate("cluster_threshold")
    def _valid_threshold(self, proposal: dict[str, Any]) -> int | None:
        try:
            return check_threshold(proposal["value"])
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.observe("cluster_threshold")
    def _threshold_changed(self, change: dict[str, Any]) -> None:
        clustering = getattr(self, "_clustering", None)
        if clustering is not None:
            with self._lock:
                self._send_view(clustering.set_threshold(change["new"]))

    @traitlets.observe("highlighted")
    def _highlight_changed(self, _change: dict[str, Any]) -> None:
        self._sync_highlighted_clusters()

    @traitlets.observe(*TRAIT_KEYS)
    def _view_trait_changed(self, _change: dict[str, Any]) -> None:
        self._sync_view_state()

    def _sync_view_state(self, *, now: bool = False) -> None:
        """Points ``_view_state`` at :attr:`view_state` once changes pause for
        ``VIEW_STATE_DELAY`` seconds (``now``: at once). A burst of clicks sends it once, and an
        expand sends only its delta: the saved state trails the view by that much."""
        if getattr(self, "_clustering", None) is None:  # (traits set before the graph exists)
            return
        with self._lock:
            if now or self.comm is None:  # (no page to wait for while the constructor runs)
                self._push_view_state()
                return
            # One timer at a time: a change moves its deadline on, it does not start another.
            self._view_state_due = time.monotonic() + VIEW_STATE_DELAY
            if getattr(self, "_view_state_timer", None) is None:
                self._start_view_state_timer(VIEW_STATE_DELAY)

    def _start_view_state_timer(self, delay: float) -> None:
        timer = threading.Timer(delay, self._view_state_timer_fired)
        timer.daemon = True
        self._view_state_timer = timer
        timer.start()

    def _view_state_timer_fired(self) -> None:
        with self._lock:
            if self._view_state_timer is None:  # cancelled (closed, or pushed at once)
                return
            left = self._view_state_due - time.monotonic()
            if left > 0:  # changed meanwhile: wait for the rest of the pause
                self._start_view_state_timer(left)
                return
            self._push_view_state()

    def _push_view_state(self) -> None:
        """``_view_state`` := :attr:`view_state` (a trait change only if it differs)."""
        with self._lock:
            timer = getattr(self, "_view_state_timer", None)
            if timer is not None:
                timer.cancel()
            self._view_state_timer = None
            state = self.view_state
            if state != self._view_state:
                self._view_state = state

    def _sync_highlighted_clusters(self) -> None:
        """Points ``_highlighted_clusters`` at the clusters now holding a highlighted node."""
        clustering = getattr(self, "_clustering", None)
        if clustering is None:
            return
        with self._lock:
            held = set()
            for node_id in self.highlighted:
                try:
                    cluster = clustering.cluster_of(node_id)
                except KeyError:  # landed a moment ago: counted at the next view change
                    continue
                if cluster is not None:
                    held.add(cluster)
            clusters = sorted(held)
            if clusters != self._highlighted_clusters:
                self._highlighted_clusters = clusters

    @traitlets.observe("artifact_types", "job_types", "hide_runs", "lineage")
    def _filters_changed(self, change: dict[str, Any]) -> None:
        if getattr(self, "_clustering", None) is None:
            return
        with self._lock:
            # (Back to direct from extended: a user choice. Not the value a constructor sets.)
            if change["name"] == "lineage" and (change["old"], change["new"]) == (
                "extended",
                "direct",
            ):
                self._lineage.reset()
            changes = self._take_changes()
            self._clustering.rebuild(self._shown(), changes.nodes)
            self._sync_highlighted_clusters()  # clusters came and went
            # (No comm while the constructor sets the traits; a restore sends its own snapshot.)
            if self.comm is not None and not self._restoring:
                # Every view starts again from what the filters show (filters change rarely).
                self.send(_payload.snapshot(self._explorer, self._clustering))
            self._sync_view_state()

    @traitlets.observe("selected")
    def _selection_changed(self, change: dict[str, Any]) -> None:
        for node_id in change["new"]:
            cluster = self.cluster_of(node_id)
            if cluster is not None:  # open its list in the page, the member marked
                self.send({"type": "open_cluster", "cluster": cluster, "member": node_id})
                break
        failures = []
        for callback in list(self._select_callbacks):
            try:
                callback(list(change["new"]))
            except Exception as exc:
                # Shown under the widget (a click has no cell to show a traceback in); the
                # other callbacks still run; a Python caller such as select() gets the error.
                self._send_error("select", None, exc)
                failures.append(exc)
        if failures:
            raise failures[0]

    def _handle_message(self, _widget: Any, msg: dict[str, Any], buffers: list[Any]) -> None:
        with self._lock:
            try:
                self._dispatch(msg, buffers)
            except Exception as exc:  # a bad request must not be lost in the comm handler
                self._send_error(str(msg.get("type")), msg.get("id"), exc, msg.get("direction"))

    def _send_error(
        self, request: str, node_id: Any, exc: BaseException | str, direction: Any = None
    ) -> None:
        message = {
            "type": "error",
            "request": request,
            "id": None if node_id is None else str(node_id),
            "error": exc if isinstance(exc, str) else describe(exc),
        }
        if request == "expand" and direction in DIRECTIONS:
            message["direction"] = direction
        self.send(message)

    def _dispatch(self, msg: dict[str, Any], buffers: list[Any]) -> None:
        kind = msg.get("type")
        if kind == "hello":
            self._pages += 1
            self.send(_payload.snapshot(self._explorer, self._clustering))
        elif kind == "expand":
            self._expand_from_view(str(msg["id"]), check_direction(msg["direction"]))
        elif kind == "details":
            full = bool(msg.get("full", False))
            self.send(_payload.details(self._explorer, str(msg["id"]), full=full))
        elif kind == "members":
            self.send(_payload.members(self._explorer, self._clustering, str(msg["cluster"])))
        elif kind == "pull_out":
            self.pull_out(str(msg["id"]))
        elif kind == "put_back":
            self.put_back(str(msg["id"]))
        elif kind == "export_result":
            self._exports.answer(msg, buffers)
        elif kind == "restore":
            self._restore_from_page(msg.get("state"))

    # ---- a view saved with the notebook, offered by the page -----------------------------

    def _restore_from_page(self, state: Any) -> None:
        """The page offers the view saved with the notebook under this widget's key (the cell
        was re-run after the notebook was reopened). It is taken once, and only while the view is
        as the widget started: it never undoes what the user did. A bad offer raises ValueError
        (sent to the page) and changes nothing."""
        if self._restore_taken or self.view_state != self._initial_view_state:
            return
        checked = self._check_restore(state)
        self._restore_taken = True
        # Replaying the walks asks the source: in the background, like a click on expand.
        self._run_in_background(self._restore, checked)

    def _check_restore(self, state: Any) -> dict[str, Any]:
        try:
            checked = check_view_state(state)
            if len(checked["steps"]) > MAX_RESTORE_STEPS:
                raise ValueError(
                    f"{len(checked['steps'])} steps is more than {MAX_RESTORE_STEPS} "
                    "(a view this big is not replayed)"
                )
            for key in TRAIT_KEYS:  # what its trait would refuse (ids are checked once replayed)
                if key in checked and key not in ID_KEYS:
                    self.traits()[key]._validate(self, checked[key])
        except (ValueError, traitlets.TraitError) as exc:
            raise ValueError(f"cannot restore the saved view: {exc}") from None
        return checked

    def _restore(self, state: dict[str, Any]) -> None:
        """Takes the walks of ``state`` again and its pull-outs, sends the views a snapshot, then
        sets its traits (each unless the user changed it meanwhile): the views draw the snapshot
        at its viewport. What the source no longer has is left out and named under the widget."""
        try:
            problems = self._replay(state)
            with self._lock:
                initial = self._initial_view_state

                def untouched(key: str) -> bool:
                    return key in state and getattr(self, key) == initial.get(key)

                # The filters first (the one snapshot below shows what they let through).
                self._restoring = True
                try:
                    for key in FILTER_KEYS:
                        if untouched(key):
                            setattr(self, key, state[key])
                finally:
                    self._restoring = False
                changes = self._take_changes()  # the replayed walks: the snapshot shows them
                shown = self._shown()
                if shown is None and self._clustering.shown is None:
                    self._clustering.sync(changes)
                else:
                    self._clustering.rebuild(shown, changes.nodes)
                if untouched("cluster_threshold"):  # the clusters members are pulled out of
                    self._clustering.set_threshold(state["cluster_threshold"])
                for node_id in state["pulled_out"]:
                    self._clustering.pull_out(node_id)
                self.send(_payload.snapshot(self._explorer, self._clustering, restored=True))
                keys = [key for key in TRAIT_KEYS if key not in FILTER_KEYS and untouched(key)]
            # One trait at a time, no hold_sync(): its bookkeeping is not safe from a background
            # thread while a cell may set traits too. (Selection callbacks run without the lock.)
            for key in keys:
                try:
                    setattr(self, key, state[key])
                except Exception as exc:
                    problems.append(f"{key}: {describe(exc)}")
            self._sync_view_state(now=True)
            if problems:
                self.send(
                    {
                        "type": "error",
                        "request": "restore",
                        "id": None,
                        "error": "The saved view is back, except: " + "; ".join(problems),
                    }
                )
        except Exception as exc:  # (in a background thread: the page is told)
            self._send_error("restore", None, exc)

    def _expand_from_view(self, node_id: str, direction: Direction) -> None:
        """A click on an expand control: the walk runs in the background, never in the kernel's
        main thread, so other cells run while a slow source answers."""
        with self._lock:
            self._explorer.graph.node(node_id)  # (KeyError naming an unknown id)
            if self._lineage.add(node_id, direction):  # known side branches join the view
                self._flush(refresh=True)
            claim = self._explorer.claim(node_id, direction)
            shown = self._clustering.shown
            if claim is not None or (shown and shown.unfetched_beyond(node_id, direction)):
                self._run_in_background(self._fetch_for_view, node_id, direction, claim)
            elif not self._explorer.is_loading(node_id, direction):
                # Nothing left to fetch (say another view did): clear the asking view's mark.
                self._send_status(node_id, direction, "idle", None)

    def _fetch_for_view(
        self, node_id: str, direction: Direction, claim: threading.Event | None
    ) -> None:
        try:
            if claim is not None and self._run_claims(direction, [(node_id, claim)]):
                return  # the node shows its error (a status message), for the user to retry
            self._walk_through_hidden(node_id, direction, claimed=claim is not None)
        finally:
            self._flush()

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
            self._send_error("expand", node_id, message, direction)

        for _ in range(MAX_HIDDEN_HOPS):
            self._flush()  # the filtered view learns the hidden nodes just found
            with self._lock:
                shown = self._clustering.shown
                todo = shown.unfetched_beyond(node_id, direction) if shown else []
                claims = []
                for hidden in todo:
                    self._quiet.add((hidden, direction))
                    claim = self._explorer.claim(hidden, direction)
                    if claim is None:  # another walk has it
                        self._quiet.discard((hidden, direction))
                    else:
                        claims.append((hidden, claim))
                if claims and not walked:
                    walked = True
                    self._send_status(node_id, direction, "loading", None)
            try:
                failures = self._run_claims(direction, claims, report_timeout)
            finally:
                with self._lock:
                    self._quiet.difference_update((hidden, direction) for hidden, _ in claims)
            if failures or not claims:
                break
        self._flush()
        with self._lock:
            if failures and not timed_out.is_set():
                self._send_error("expand", node_id, failures[0], direction)
            elif (walked or not claimed) and not self._explorer.is_loading(node_id, direction):
                self._send_status(node_id, direction, "idle", None)

    def _run_claims(
        self,
        direction: Direction,
        claims: list[tuple[str, threading.Event]],
        on_timeout: Callable[[str], None] | None = None,
    ) -> list[str]:
        """Run claimed walks one after the other; those not done ``request_timeout`` seconds
        after the first started are given up (one clock for the lot: no thread per walk).
        Returns the errors of those that failed or were given up."""
        timer = None
        if self.request_timeout is not None and claims:
            message = f"TimeoutError: the source did not answer within {self.request_timeout:g} s"

            def give_up() -> None:
                for node_id, claim in claims:
                    self._explorer.abandon(node_id, direction, claim, message)
                if on_timeout is not None:
                    on_timeout(message)

            timer = threading.Timer(self.request_timeout, give_up)
            timer.daemon = True
            with self._lock:
                self._timers.add(timer)
            timer.start()
        try:
            for node_id, claim in claims:
                with contextlib.suppress(Exception):  # kept in the explorer's status
                    self._explorer.run_claimed(node_id, direction, claim)
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

    def _run_in_background(self, work: Callable[..., None], *args: Any) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.max_requests, thread_name_prefix="lineage-widget"
            )
        future = self._executor.submit(work, *args)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: futures.Future[None]) -> None:
        with self._lock:
            self._running.discard(future)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the fetches started from the page have landed; False on timeout."""
        with self._lock:
            running = list(self._running)
        _, not_done = futures.wait(running, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Close the widget; requests still waiting are dropped, running ones are ignored."""
        if getattr(self, "_explorer", None) is not None:  # (not if __init__ failed)
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            with self._lock:
                for timer in self._timers:
                    timer.cancel()
                self._timers.clear()
                pending = getattr(self, "_view_state_timer", None)
                if pending is not None:
                    pending.cancel()
                self._view_state_timer = None
            self._explorer.release_all()
            exports = getattr(self, "_exports", None)
            if exports is not None:  # (not if __init__ failed before making it)
                exports.close()
        super().close()

    def _report_status(
        self, node_id: str, direction: Direction, state: str, error: str | None
    ) -> None:
        # A walk through hidden nodes is shown on the node it started from (unless a filter
        # change drew the hidden node meanwhile).
        if (node_id, direction) not in self._quiet or self._clustering.is_drawn(node_id):
            self._send_status(node_id, direction, state, error)

    def _send_status(
        self, node_id: str, direction: Direction, state: str, error: str | None
    ) -> None:
        message = {"type": "status", "id": node_id, "direction": direction, "state": state}
        if error is not None:
            message["error"] = error
        self.send(message)

    def _flush(self, *, refresh: bool = False) -> None:
        """Send what changed since the last flush (``refresh``: also if only the direct
        lineage grew)."""
        with self._lock:
            changes = self._take_changes()
            if changes or refresh:
                shown = self._shown()
                if shown is None and self._clustering.shown is None:
                    self._send_view(self._clustering.sync(changes))  # the fast, incremental path
                else:
                    self._send_view(self._clustering.rebuild(shown, changes.nodes))

    def _take_changes(self) -> Changes:
        """The explorer's changes since the last call, noted in the lineage and the types."""
        changes = self._explorer.take_pending()
        self._lineage.grow(changes.edges)
        graph = self._explorer.graph
        new_type = False
        for node_id in changes.nodes:
            node = graph.node(node_id)
            if node.type not in self._types[node.kind]:
                self._types[node.kind].add(node.type)
                new_type = True
        if new_type:
            self._node_types = self._type_choices()
        return changes

    def _type_choices(self) -> dict[str, list[str]]:
        return {kind: sorted(types) for kind, types in self._types.items()}

    def _filters(self) -> Filters:
        return Filters(
            frozenset(self.artifact_types or ()),
            frozenset(self.job_types or ()),
            self.hide_runs,
            self.lineage,
        )

    def _shown(self) -> FilteredGraph | None:
        """What the filters show; None when that is everything known (the fast path)."""
        filters = self._filters()
        if not filters.hides_types and (
            filters.lineage == "extended" or self._lineage.covers_all()
        ):
            return None
        return FilteredGraph(self._explorer, filters, self._lineage)

    def _send_view(self, change: ViewDelta) -> None:
        if change:
            self.send(_payload.delta(self._explorer, self._clustering, change))
            if self.highlighted:  # clusters formed or dissolved around highlighted nodes
                self._sync_highlighted_clusters()
        self._sync_view_state()


def _listed(types: Any) -> list[str] | None:
    """A filter trait's value as JSON (None: no filter)."""
    return None if types is None else list(types)
