"""What the view shows of the known graph, and how each change of it reaches the drawing.

The :class:`ViewModel` holds the view's decisions and nothing else: the direct lineage, the
filters, the clustered view and the highlight. It sends nothing and starts no thread: the widget
holds the explorer's lock around each call and sends the :class:`ViewDelta` it returns.
"""

from __future__ import annotations

from collections.abc import Iterable

from .clusters import Clustering, ViewDelta
from .explorer import Changes, Explorer, Step, parse_step
from .filters import DirectLineage, FilteredGraph, Filters
from .graph import KINDS
from .sources.base import Direction


class ViewModel:
    """The view of an :class:`Explorer`'s graph: what passes the filters, clustered."""

    def __init__(self, explorer: Explorer, threshold: int | None) -> None:
        self.explorer = explorer
        self.lineage = DirectLineage(explorer)
        self.filters = Filters()
        # Each view starts from a snapshot it asks for; the direct lineage grows as with a walk.
        self.lineage.grow(explorer.take_pending().edges)
        self.clustering = Clustering(explorer, threshold)
        self._unfold = False  # a kept node is inside a cluster: the next apply regroups all
        # New neighbours of a node pulled out of its cluster are placed beside its drawing.
        explorer.drawn_orders = self.clustering.order_overrides
        self._types: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for kind, type_ in self.clustering.kinds_and_types():  # (every node is in a group)
            self._types[kind].add(type_)

    # ---- the one decision ----------------------------------------------------------------

    def apply(self, *, refresh: bool = False) -> ViewDelta:
        """Takes the explorer's changes since the last call into the view; returns how the
        drawing changes (empty if nothing did, unless ``refresh``: the filters or the direct
        lineage changed). Nothing filtered: the clustering follows the changes incrementally
        (fast at 100,000 nodes); else it clusters what the filters show from scratch."""
        changes = self._take_changes()
        if not (changes or refresh or self._unfold):
            return ViewDelta()
        shown = self._shown()
        if shown is None and self.clustering.shown is None and not self._unfold:
            return self.clustering.sync(changes)
        self._unfold = False
        return self.clustering.rebuild(shown, changes.nodes)

    def set_filters(self, filters: Filters) -> ViewDelta:
        """New filter settings. Going back from ``"extended"`` to ``"direct"`` is the user's
        choice of the root's own lineage: the nodes expanded since are forgotten."""
        if (self.filters.lineage, filters.lineage) == ("extended", "direct"):
            self.lineage.reset()
        self.filters = filters
        return self.apply(refresh=True)

    # ---- the direct lineage --------------------------------------------------------------

    def expanded(self, node_id: str, direction: Direction, *, keep_path: bool = True) -> bool:
        """The user asked for ``node_id``'s lineage that way: what is known of it joins the
        direct lineage (and what the walk brings will). True if a node joined, or one on the
        way from the root to ``node_id`` comes out of its cluster (``keep_path``: expanding a
        whole cluster's members leaves them in it)."""
        unfolded = keep_path and self._keep_path_to(node_id)
        return self.lineage.add(node_id, direction) or unfolded

    def revealed(self, node_id: str) -> bool:
        """``node_id`` was revealed (``focus()``): it joins the direct lineage with the path
        linking it. True if a node joined."""
        graph = self.explorer.graph
        if node_id not in graph:
            return False
        unfolded = self._keep_path_to(node_id)
        if self.lineage.contains(node_id):
            return unfolded
        return (
            self.lineage.pin(graph.nearest_path(self.lineage.nodes, node_id) or [node_id])
            or unfolded
        )

    def replayed(self, steps: Iterable[Step]) -> None:
        """The direct lineage as the user grew it: replayed walks and reveals count as they did
        when the user made them."""
        for step in steps:
            target, direction = parse_step(step)
            if target not in self.explorer.graph:
                continue
            if direction is not None:
                self.expanded(target, direction)
            else:
                self.revealed(target)

    def _keep_path_to(self, node_id: str) -> bool:
        """The nodes from the root to ``node_id`` are never folded into a cluster (the user
        follows that path: it must not vanish into "30 runs" when a walk fills its columns).
        True if one of them was inside a cluster (the next :meth:`apply` takes it out)."""
        root, clustering = self.explorer.root, self.clustering
        path = self.explorer.graph.nearest_path([root], node_id) if root is not None else None
        new = [n for n in path or [node_id] if n not in clustering.kept]
        clustering.kept.update(new)
        folded = any(clustering.cluster_of(n) is not None for n in new)
        self._unfold = self._unfold or folded
        return folded

    # ---- clusters and highlight ----------------------------------------------------------

    def pull_out(self, node_id: str) -> ViewDelta:
        return self.clustering.pull_out(node_id)

    def put_back(self, node_id: str) -> ViewDelta:
        return self.clustering.put_back(node_id)

    def set_threshold(self, threshold: int | None) -> ViewDelta:
        return self.clustering.set_threshold(threshold)

    def highlighted_clusters(self, highlighted: Iterable[str]) -> list[str]:
        """The clusters drawn holding one of the ``highlighted`` nodes, sorted."""
        held = set()
        for node_id in highlighted:
            try:
                cluster = self.clustering.cluster_of(node_id)
            except KeyError:  # landed a moment ago: counted at the next view change
                continue
            if cluster is not None:
                held.add(cluster)
        return sorted(held)

    def type_choices(self) -> dict[str, list[str]]:
        """The types in the known graph by kind, hidden or not: the filter control's choices."""
        return {kind: sorted(types) for kind, types in self._types.items()}

    def unfetched_beyond(self, node_id: str, direction: Direction) -> list[str]:
        """Hidden nodes an expand of ``node_id`` walks on through (none when nothing is
        filtered)."""
        shown = self.clustering.shown
        return shown.unfetched_beyond(node_id, direction) if shown is not None else []

    # ---- internals -----------------------------------------------------------------------

    def _take_changes(self) -> Changes:
        """The explorer's changes since the last call, noted in the lineage and the types."""
        changes = self.explorer.take_pending()
        self.lineage.grow(changes.edges)
        graph = self.explorer.graph
        for node_id in changes.nodes:
            node = graph.node(node_id)
            self._types[node.kind].add(node.type)
        return changes

    def _shown(self) -> FilteredGraph | None:
        """What the filters show; None when that is everything known (the fast path)."""
        filters = self.filters
        if not filters.hides_types and (filters.lineage == "extended" or self.lineage.covers_all()):
            return None
        return FilteredGraph(self.explorer, filters, self.lineage)
