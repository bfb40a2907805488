"""The notebook widget: synced traits and public methods over the view model, the walker and
the persistence of the view (each in its own module), and the messages to and from the page."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import time
import traceback
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import ipywidgets  # type: ignore[import-untyped]
import traitlets
from IPython.display import display

from . import _payload, protocol
from ._export import Exports, SaveFuture, export_format
from ._start import explorer_for, mlflow_object, trackio_object, wandb_object
from .clusters import DEFAULT_THRESHOLD, ViewDelta
from .diff import LineageDiff
from .filters import FILTER_KEYS, LINEAGES, Filters
from .graph import LineageGraph, LineageNode
from .graph import node_id as to_id
from .marks import coloring_state, diff_details, diff_state
from .persistence import TRAIT_KEYS, Persistence, cell_key, check_key, check_view_state
from .protocol import WalkState
from .sources.base import DIRECTIONS, Direction, LineageSource, check_direction
from .traits import (
    ClusterThreshold,
    ColorByKey,
    NodeIds,
    PositiveFloat,
    PositiveInt,
    Seconds,
    TypeNames,
    Viewport,
    check_keywords,
)
from .view_model import ViewModel
from .walker import Repeater, Walker

_STATIC = pathlib.Path(__file__).parent / "static"

# Views that draw more than this many nodes and clusters do not start with their first snapshot
# in the comm's opening state (``_first``): it would sit in the kernel's memory until the view
# changes (and in the notebook's widget state, if that is saved), for a gain of one round trip on
# a drawing that takes much longer.
FIRST_SNAPSHOT_MAX = 1000

SelectCallback = Callable[[list[str]], Any]


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

    cluster_threshold = ClusterThreshold(
        DEFAULT_THRESHOLD,
        allow_none=True,
        help="Groups of at least this many nodes of one kind and type in a column are drawn as "
        "one cluster (None: never cluster).",
    )

    max_requests = PositiveInt(
        4,
        help="How many source requests may run at once, in background threads (read when the "
        "first one starts).",
    )

    request_timeout = PositiveFloat(
        60.0,
        allow_none=True,
        help="Seconds a walk started from the page may take before the node shows a timeout "
        "error (and can be retried); None: wait for ever.",
    )

    selected = NodeIds(
        "select",
        help="Ids of the selected nodes; set it (or call select()) to select in the view.",
    ).tag(sync=True)

    highlighted = NodeIds(
        "highlight",
        help="Ids of the highlighted nodes (a query result shown in the view): they are marked "
        "and the rest dimmed; empty: no highlight. Set it or call highlight().",
    ).tag(sync=True)

    _highlighted_clusters = traitlets.List(
        traitlets.Unicode(),
        help="Ids of the clusters drawn holding a highlighted node, kept current by the kernel "
        "(the page does not know every cluster's members).",
    ).tag(sync=True)

    viewport = Viewport(
        help="Where the user left the view: {'cx', 'cy'} the graph point at the centre, 'k' the "
        "scale; set by the page as the user pans and zooms. A view drawing for the first time "
        "starts there; empty: fit the graph.",
    ).tag(sync=True)

    artifact_types = TypeNames(
        help="Artifact types to show, e.g. ['model'] (None or empty: all). Types not in the graph "
        "are allowed: they apply to artifacts found later.",
    ).tag(sync=True)

    job_types = TypeNames(
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

    color_by = ColorByKey(
        None,
        allow_none=True,
        help="Colour the nodes by this key of their details (nested dicts included: a run's "
        "config or summary, an artifact's metadata; 'a.b' for a path) or by a function "
        "node -> number | str | None: numbers on a continuous scale (viridis), strings as "
        "categories, None neutral, with a legend. None: the usual colours.",
    )

    _coloring = traitlets.Dict(
        help="What color_by paints, kept current by the kernel (marks.coloring_state)."
    ).tag(sync=True)

    _diff = traitlets.Dict(
        help="The sides of the lineage diff compare() shows, kept current by the kernel "
        "(marks.diff_state)."
    ).tag(sync=True)

    auto_refresh = Seconds(
        help="Every this many seconds, refresh() in a background thread (None: off). Stops "
        "when the widget is closed."
    )

    _key = traitlets.Unicode(
        "",
        help="Ties the view saved with the notebook to the widget a re-run of the cell makes "
        "after the notebook is reopened (see persistence.py); empty: never restored.",
    ).tag(sync=True)

    _created = traitlets.Float(
        0.0,
        help="When the kernel made this widget (seconds since the epoch): of several saved views "
        "with one key, the page offers the newest.",
    ).tag(sync=True)

    _first = traitlets.Dict(
        help="The view as the widget opens (a snapshot message), in the comm's opening state: "
        "the page draws it without asking for it (one round trip less before the first "
        "drawing). Emptied when the view changes."
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
        # Built in this order, each part over the ones before, all before the traits are set
        # (their observers use every part): the arguments, the explorer (the graph the traits
        # are checked against), the view model, the walker, the persistence.
        check_keywords("LineageWidget", kwargs, self._keyword_names())
        state = None if view_state is None else check_view_state(view_state)
        key = None if key is None else check_key(key)
        self._select_callbacks: list[SelectCallback] = []
        # Where the callbacks' prints and errors land: shown under the widget, as ipywidgets
        # users expect (a click has no cell of its own to print into).
        self.output = ipywidgets.Output()
        saved: Mapping[str, Any] = state or {}
        threshold = kwargs.get(
            "cluster_threshold", saved.get("cluster_threshold", DEFAULT_THRESHOLD)
        )
        self._explorer = explorer_for(obj, root, depth, source)
        self._view = ViewModel(self._explorer, threshold)
        self._lock = self._explorer.lock  # one lock for the graph, the view and the sends
        self._walker = Walker(
            self._explorer,
            self._view,
            self,
            on_change=self._flush,
            on_status=self._send_status,
            on_error=self._send_expand_error,
        )
        self._persistence = Persistence(self, self._explorer, self._view, self._walker)
        self._comparison: LineageDiff | None = None
        self._repeater = Repeater(self._refresh_in_background, "lineage-widget-refresh")
        problems = self._persistence.replay(state) if state else []
        if state:  # what the state holds (ids the graph still has), unless given here
            for name in TRAIT_KEYS:  # (not `key`: that is the argument tying saved views)
                if name in state:
                    kwargs.setdefault(name, state[name])  # type: ignore[literal-required]
        self._view.apply()  # (no page yet: each view starts from a snapshot it asks for)
        for node_id in state["pulled_out"] if state else []:
            self._view.pull_out(node_id)
        # How many pages said hello (each page showing the model does, once): before the first,
        # no view exists to draw what save() asks for.
        self._pages = 0
        self._exports = Exports()
        # In the state the comm opens with: the page reads them as the model starts.
        kwargs["_key"] = cell_key(self._explorer.root) if key is None else key
        kwargs["_created"] = time.time()
        kwargs["_node_types"] = self._view.type_choices()
        # Filters given as keyword arguments filter this view as they are set.
        super().__init__(**kwargs)
        self._persistence.started()  # a saved view is taken back only over the view as it is
        self.on_msg(self._handle_message)
        if problems:
            warnings.warn(
                "view_state restored except: " + "; ".join(problems), RuntimeWarning, stacklevel=2
            )

    @classmethod
    def _keyword_names(cls) -> list[str]:
        """What the constructor takes: its own arguments and the public traits (the widget's
        and ipywidgets', such as ``layout``)."""
        own = ["obj", "root", "depth", "source", "view_state", "key", *cls.class_own_traits()]
        names = own + cls.class_trait_names(sync=True)
        return [name for name in names if not name.startswith("_")]

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
        check_keywords("LineageWidget.from_trackio", kwargs, cls._keyword_names())
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
        check_keywords("LineageWidget.from_wandb", kwargs, cls._keyword_names())  # (before W&B)
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
        check_keywords("LineageWidget.from_mlflow", kwargs, cls._keyword_names())  # (before MLflow)
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
        return dict(self._persistence.current())

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
        return [self._explorer.source.original(n) for n in nodes]

    def select(self, *ids: Any) -> None:
        """Select these nodes (and only these), in Python and in every view.

        Each is an id, a :class:`LineageNode` record or the source's object.
        """
        self.selected = [self._explorer.id_of(i) for i in ids]

    def highlight(self, nodes: Any = ()) -> None:
        """Mark ``nodes`` in every view and dim the rest; ``highlight()`` or ``highlight([])``
        clears it.

        ``nodes`` is a list (any iterable) of ids, :class:`LineageNode` records or the source's
        objects (W&B artifacts and runs, Trackio records), or one of them; so a query's result
        shows as it is: ``w.highlight(w.graph.upstream("model:v3"))``. A highlighted node drawn
        inside a cluster marks its cluster. Raises ``KeyError`` naming any node the widget does
        not know (``w.graph``), and then changes nothing.
        """
        ids = list(dict.fromkeys(self._explorer.ids_of(nodes)))
        unknown = [i for i in ids if i not in self.graph]
        if unknown:
            raise KeyError(f"cannot highlight unknown node(s): {unknown!r}")
        with self.hold_sync():  # the ids and their clusters reach the page in one update
            self.highlighted = ids

    def on_select(self, callback: SelectCallback, *, remove: bool = False) -> None:
        """Call ``callback(selected_ids)`` whenever the selection changes, from either side.

        What the callback prints, and any error it raises, shows in :attr:`output`, under the
        widget. Raises ``TypeError`` naming ``callback`` if it is not callable."""
        if not callable(callback):
            raise TypeError(f"on_select needs a callable, got {callback!r}")
        if remove:
            self._select_callbacks.remove(callback)
        else:
            self._select_callbacks.append(callback)

    def _ipython_display_(self) -> None:
        """Shows the widget and, under it, :attr:`output` (empty until a callback prints)."""
        bundle = self._repr_mimebundle_()  # (anywidget's: data and metadata)
        if bundle is None:  # (only a widget without a front end)
            return
        data, metadata = bundle
        display(data, metadata=metadata, raw=True)  # type: ignore[no-untyped-call]
        display(self.output)  # type: ignore[no-untyped-call]

    def expand(self, node_id: str, direction: str = "both", depth: int = 1) -> list[LineageNode]:
        """Fetch ``depth`` hops from ``node_id`` ("upstream", "downstream" or "both").

        Returns the nodes the call made shown: those up to ``depth`` hops away that way which
        were not in the view's lineage before the call, nearest first. That is the nodes its
        walks found, those a walk already running (a click in the page) landed while the call
        waited for it, and known nodes that join the lineage because you asked for this one
        (whether or not the type filters hide them). If the source fails, what was fetched
        before the failure is shown and the error is raised.
        """
        if direction != "both" and direction not in DIRECTIONS:
            raise ValueError(
                f"direction must be 'upstream', 'downstream' or 'both', got {direction!r}"
            )
        directions = DIRECTIONS if direction == "both" else (check_direction(direction),)
        node_id = to_id(node_id)
        self.graph.node(node_id)
        with self._lock:  # what it brings is lineage you asked for (see lineage)
            before = self._view.lineage.current()
            grew = False
            for each in directions:
                grew = self._view.expanded(node_id, each) or grew
        try:
            for each in directions:
                self._explorer.expand(node_id, each, depth)
        finally:
            self._flush(refresh=grew)
        with self._lock:
            return [
                self.graph.node(found)
                for each in directions
                for found in self._explorer.reach(node_id, each, depth)
                if found not in before
            ]

    def focus(self, node_id: str) -> None:
        """Centre the view on ``node_id``, first drawing it (and its path) if it is not shown.

        A node not shown yet needs a source that can locate it (in-memory graphs, Trackio, and
        W&B and MLflow within a few hops of what is shown); else expand towards it first. A
        node outside the direct lineage is drawn with the path linking it to it; one the type
        filters hide raises ``ValueError``.
        """
        node_id = self._reveal(to_id(node_id))
        node = self.graph.node(node_id)
        filters = self._view.filters
        if not filters.passes(node):
            raise ValueError(f"cannot focus {node_id!r}: {filters.why_hidden(node)}")
        self.send({"type": "focus", "id": node_id})

    def _reveal(self, node_id: str) -> str:
        """Draw ``node_id`` and the path linking it to what is shown, if it is not shown yet;
        returns its id in the graph (an alias becomes its version's id)."""
        revealed = node_id
        try:
            revealed = self._explorer.reveal(node_id)
        finally:
            with self._lock:
                self._flush(refresh=self._view.revealed(revealed))
        return revealed

    @property
    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> ids of its members, as drawn now."""
        with self._lock:
            return self._view.clustering.clusters

    def cluster_of(self, node_id: str) -> str | None:
        """The id of the cluster ``node_id`` is drawn in, or None if it is drawn as itself (or
        hidden by the filters)."""
        with self._lock:
            self._flush()  # a node that landed a moment ago has its place in the view
            return self._view.clustering.cluster_of(to_id(node_id))

    def pull_out(self, node_id: str) -> None:
        """Draw ``node_id`` as itself, next to its cluster (it is never clustered again)."""
        self._pull_out(self._clustered_node(node_id, "pull_out"))

    def _pull_out(self, node_id: str) -> None:
        """The page's pull-out arrow (a repeated click changes nothing, silently)."""
        with self._lock:
            self._flush()
            self._send_view(self._view.pull_out(node_id))

    def put_back(self, node_id: str) -> None:
        """Undo :meth:`pull_out`: ``node_id`` may be drawn in its cluster again."""
        node_id = to_id(node_id)
        self.graph.node(node_id)  # (KeyError naming an unknown id)
        if node_id not in self._view.clustering.pulled_out:
            raise ValueError(f"put_back({node_id!r}): it was not pulled out of a cluster")
        self._put_back(node_id)

    def _put_back(self, node_id: str) -> None:
        """The page's put-back control (a repeated click changes nothing, silently)."""
        with self._lock:
            self._send_view(self._view.put_back(node_id))

    def _clustered_node(self, node_id: Any, method: str) -> str:
        """``node_id`` as an id, if it is drawn in a cluster; else a ValueError naming it."""
        checked: str = to_id(node_id)
        self.graph.node(checked)  # (KeyError naming an unknown id)
        if self.cluster_of(checked) is None:
            raise ValueError(f"{method}({checked!r}): it is not in a cluster")
        return checked

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

    def compare(self, a: Any = None, b: Any = None) -> LineageDiff | None:
        """Show the lineage diff of ``a`` and ``b`` (ids, records or the source's objects):
        their upstream lineages are fetched (as far as they go) and drawn in one view, each
        node marked as on ``a``'s side, ``b``'s or both, with a legend; the details panel of a
        changed pair (two versions of one artifact, two runs whose config differs) lists what
        differs. Returns the :class:`LineageDiff` (as ``w.graph.diff(a, b)``).

        ``compare()`` clears it. A node not known yet needs a source that can locate it (as
        :meth:`focus`). If the source fails, what was fetched is shown and the error raised.
        """
        if a is None and b is None:
            with self._lock:
                self._comparison = None
                self._sync_marks()
            return None
        if a is None or b is None:
            raise TypeError(f"compare() needs two nodes, or none to clear; got a={a!r}, b={b!r}")
        ids = [self._explorer.id_of(a), self._explorer.id_of(b)]
        ids = [node_id if node_id in self.graph else self._reveal(node_id) for node_id in ids]
        try:
            for node_id in ids:
                self._fetch_upstream(node_id)
        finally:
            self._flush(refresh=True)
        with self._lock:
            self._comparison = self.graph.diff(*ids)
            self._sync_marks()
            return self._comparison

    def _fetch_upstream(self, node_id: str) -> None:
        """Every walk upstream of ``node_id`` to its end, all of it joining the view."""
        frontier, seen = [node_id], {node_id}
        while frontier:
            current = frontier.pop()
            with self._lock:
                self._view.expanded(current, "upstream")
            while True:
                with self._lock:
                    more = self._explorer.more(current, "upstream")
                if more == 0:
                    break
                self._explorer.fetch(current, "upstream")
            with self._lock:
                producers = self.graph.producers(current)
            for producer in producers:
                if producer.id not in seen:
                    seen.add(producer.id)
                    frontier.append(producer.id)

    def refresh(self, timeout: float | None = None) -> list[LineageNode]:
        """Ask the source again for every node and direction walked so far and draw what is
        new (new consumers, a new producer, new versions), beside what is shown: nothing shown
        moves. Returns the new nodes.

        The source is asked in background threads; this waits up to ``timeout`` seconds
        (default: ``request_timeout``) and then returns what landed, the rest drawing as it
        comes. A walk that fails marks its node with the error, as an expand from the page does.
        """
        future = self._walker.refresh()
        limit = self.request_timeout if timeout is None else timeout
        try:
            return future.result(timeout=limit)
        except TimeoutError:
            return []

    def _refresh_in_background(self) -> None:
        self._walker.refresh().result()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the fetches started from the page have landed; False on timeout."""
        return self._walker.wait(timeout)

    def open(self) -> None:
        """Opens the comm (ipywidgets does, at the end of construction) with the first snapshot
        in its state (``_first``), unless the view is too big for it."""
        if self.comm is None and "_view" in self.__dict__:
            with self._lock:  # (walks started by the constructor may be landing)
                if self._view.clustering.drawn_count() <= FIRST_SNAPSHOT_MAX:
                    self._first = dict(self._snapshot())
        super().open()

    def _snapshot(self) -> protocol.SnapshotMsg:
        """The whole view for a page that starts. With a viewport (a view_state given, or a view
        the user moved) the views draw there: JupyterLab's view says hello once more after its
        first drawing, and a plain snapshot would fit it again."""
        return _payload.snapshot(
            self._explorer, self._view.clustering, restored=bool(self.viewport)
        )

    def _drop_first(self) -> None:
        """``_first`` is no longer what a page starting now should draw."""
        if self._first:
            self._first = {}

    def _send_change(self, message: Mapping[str, Any]) -> None:
        """Sends a message that changes what the page draws."""
        self._drop_first()
        self.send(message)

    def close(self) -> None:
        """Close the widget; requests still waiting are dropped, running ones are ignored."""
        # (A widget whose __init__ failed has no parts: ipywidgets closes it when collected.)
        if "_persistence" in self.__dict__:
            self._repeater.stop()
            self._walker.close()
            self._persistence.close()
            self._exports.close()
        super().close()

    # ---- trait changes -------------------------------------------------------------------

    @traitlets.observe("cluster_threshold")
    def _threshold_changed(self, change: dict[str, Any]) -> None:
        with self._lock:
            self._send_view(self._view.set_threshold(change["new"]))

    @traitlets.observe("color_by")
    def _color_by_changed(self, change: dict[str, Any]) -> None:
        try:
            self._sync_marks(raise_errors=True)
        except Exception:
            self.set_trait("color_by", change["old"])  # a function that fails is refused
            raise

    @traitlets.observe("auto_refresh")
    def _auto_refresh_changed(self, change: dict[str, Any]) -> None:
        self._repeater.every(change["new"])

    @traitlets.observe("highlighted")
    def _highlight_changed(self, _change: dict[str, Any]) -> None:
        self._sync_highlighted_clusters()

    @traitlets.observe("viewport")
    def _viewport_changed(self, _change: dict[str, Any]) -> None:
        self._drop_first()  # (a view drawn from now on starts at the viewport: see _snapshot)

    @traitlets.observe(*TRAIT_KEYS)
    def _view_trait_changed(self, _change: dict[str, Any]) -> None:
        self._persistence.changed()

    @traitlets.observe(*FILTER_KEYS)
    def _filters_changed(self, _change: dict[str, Any]) -> None:
        with self._lock:
            self._view.set_filters(Filters.of({key: getattr(self, key) for key in FILTER_KEYS}))
            self._sync_node_types()
            self._sync_highlighted_clusters()  # clusters came and went
            # (No comm while the constructor sets the traits; a restore sends its own snapshot.)
            if self.comm is not None and not self._persistence.restoring:
                # Every view starts again from what the filters show (filters change rarely).
                self._send_change(_payload.snapshot(self._explorer, self._view.clustering))
            self._sync_marks()
            self._persistence.changed()

    @traitlets.observe("selected")
    def _selection_changed(self, change: dict[str, Any]) -> None:
        for node_id in change["new"]:
            cluster = self.cluster_of(node_id)
            if cluster is not None:  # open its list in the page, the member marked
                self.send({"type": "open_cluster", "cluster": cluster, "member": node_id})
                break
        failures = []
        for callback in list(self._select_callbacks):
            printed = io.StringIO()
            try:
                with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                    callback(list(change["new"]))
            except Exception as exc:
                # Shown under the widget (a click has no cell to show a traceback in); the
                # other callbacks still run; a Python caller such as select() gets the error.
                self.send(_payload.error("select", None, exc))
                failures.append(exc)
                error = f"on_select callback {callback!r} raised:\n"
                error += "".join(traceback.format_exception(exc))
            else:
                error = ""
            if printed.getvalue():
                self.output.append_stdout(printed.getvalue())
            if error:
                self.output.append_stderr(error)
        if failures:
            raise failures[0]

    def _sync_highlighted_clusters(self) -> None:
        """Points ``_highlighted_clusters`` at the clusters now holding a highlighted node."""
        with self._lock:
            clusters = self._view.highlighted_clusters(self.highlighted)
            if clusters != self._highlighted_clusters:
                self._highlighted_clusters = clusters

    def _sync_marks(self, *, raise_errors: bool = False) -> None:
        """Points ``_coloring`` and ``_diff`` at what the view draws now. A ``color_by``
        function that fails on a node that just arrived is reported under the widget (the
        colours stay as they were)."""
        with self._lock:
            graph, clustering = self.graph, self._view.clustering
            try:
                coloring = coloring_state(graph, clustering, self.color_by)
            except ValueError as exc:
                if raise_errors:
                    raise
                if self.comm is not None:
                    self.send(_payload.error("color_by", None, exc))
            else:
                if coloring != self._coloring:
                    self._coloring = coloring
            diff = diff_state(graph, clustering, self._comparison)
            if diff != self._diff:
                self._diff = diff

    def _sync_node_types(self) -> None:
        choices = self._view.type_choices()
        if choices != self._node_types:
            self._node_types = choices

    # ---- messages ------------------------------------------------------------------------

    def _handle_message(self, _widget: Any, msg: dict[str, Any], buffers: list[Any]) -> None:
        with self._lock:
            try:
                self._dispatch(msg, buffers)
            except Exception as exc:  # a bad request must not be lost in the comm handler
                request, node_id = str(msg.get("type")), msg.get("id")
                self.send(
                    _payload.error(
                        request, node_id, exc, msg.get("direction"), msg.get("request_id")
                    )
                )

    def _dispatch(self, msg: dict[str, Any], buffers: list[Any]) -> None:
        kind = msg.get("type")
        if kind == "hello":
            self._pages += 1
            if msg.get("drawn") and self._first:  # the page drew the opening state's view
                self.send({"type": "ready"})
                return
            self.send(self._snapshot())
        elif kind == "expand":
            self._expand_from_view(str(msg["id"]), check_direction(msg["direction"]))
        elif kind == "details":
            full = bool(msg.get("full", False))
            asked = _request_id(msg)
            node_id = str(msg["id"])
            diff = diff_details(self._comparison, node_id)
            self.send(
                _payload.details(self._explorer, node_id, full=full, request_id=asked, diff=diff)
            )
        elif kind == "members":
            cluster, asked = str(msg["cluster"]), _request_id(msg)
            clustering = self._view.clustering
            self.send(_payload.members(self._explorer, clustering, cluster, request_id=asked))
        elif kind == "expand_cluster":
            self._expand_cluster(str(msg["cluster"]), check_direction(msg["direction"]))
        elif kind == "pull_out":
            self._pull_out(to_id(msg["id"]))
        elif kind == "put_back":
            self._put_back(to_id(msg["id"]))
        elif kind == "export_result":
            self._exports.answer(msg, buffers)
        elif kind == "restore":
            self._persistence.offer(msg.get("state"))

    def _expand_from_view(self, node_id: str, direction: Direction) -> None:
        """A click on an expand control: what is known of that lineage joins the view at once,
        the walk runs in the background (:class:`Walker`)."""
        with self._lock:  # (walks landing meanwhile change the graph it searches)
            self._explorer.graph.node(node_id)  # (KeyError naming an unknown id)
            grew = self._view.expanded(node_id, direction)  # known side branches join
        if grew:
            self._flush(refresh=True)
        self._walker.expand(node_id, direction)

    def _expand_cluster(self, cluster: str, direction: Direction) -> None:
        """The member panel's "expand all": each member of ``cluster`` walks one hop that way,
        as its own expand control would (its path is not kept out of the cluster: the members
        stay folded, their new neighbours arrive beside it)."""
        grew = False
        with self._lock:
            members = list(self._view.clustering.members(cluster))  # (KeyError naming it)
            for member in members:
                grew = self._view.expanded(member, direction, keep_path=False) or grew
        if grew:
            self._flush(refresh=True)
        for member in members:
            self._walker.expand(member, direction)

    def _send_status(
        self, node_id: str, direction: Direction, state: WalkState, error: str | None
    ) -> None:
        self._send_change(_payload.status(node_id, direction, state, error))

    def _send_expand_error(self, node_id: str, direction: Direction, error: str) -> None:
        self.send(_payload.error("expand", node_id, error, direction))

    def _flush(self, *, refresh: bool = False) -> None:
        """Send what changed since the last flush (``refresh``: also if only the direct
        lineage grew)."""
        with self._lock:
            change = self._view.apply(refresh=refresh)
            self._sync_node_types()
            if change or refresh:
                self._send_view(change)

    def _send_view(self, change: ViewDelta) -> None:
        if change:
            self._send_change(_payload.delta(self._explorer, self._view.clustering, change))
            if self.highlighted:  # clusters formed or dissolved around highlighted nodes
                self._sync_highlighted_clusters()
            if self.color_by is not None or self._comparison is not None:
                self._sync_marks()
        self._persistence.changed()


def _request_id(msg: Mapping[str, Any]) -> int:
    """The id a request from the page carries; its answer carries it back."""
    value = msg.get("request_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{msg.get('type')} request without an integer request_id: {value!r}")
    return value
