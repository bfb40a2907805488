"""Crowded columns collapse into clusters; what the browser draws is the clustered view.

The rule: within a column (level), nodes of the same kind and type form a group. A group with at
least ``threshold`` members is drawn as one cluster node, except the root and the nodes the user
pulled out, which are always drawn as themselves. A group that falls below the threshold
dissolves. Edges from and to members are drawn once, to the cluster, with the number of edges
they stand for.

:class:`Clustering` keeps that view current incrementally: after each change of the explorer it
revisits only the groups the change touched, and reports what to add, update and remove. When the
view filters hide part of the graph it clusters the :class:`FilteredGraph` instead, rebuilt from
scratch after each change (:meth:`Clustering.rebuild`), and reports the difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import attrgetter

from ._gc import paused_gc
from .explorer import Changes, Explorer
from .filters import FilteredGraph
from .graph import LineageGraph
from .layering import ColumnOrders
from .sources.base import Direction

GroupKey = tuple[int, str, str]  # (level, kind, type)
ViewEdge = tuple[str, str]

DEFAULT_THRESHOLD = 5


def cluster_id(key: GroupKey) -> str:
    level, kind, type_ = key
    return f"cluster:{kind}:{type_}@{level}"


@dataclass
class ViewDelta:
    """What changed in the drawn view: ids to upsert and ids to remove (ordered sets)."""

    nodes: dict[str, None] = field(default_factory=dict)
    clusters: dict[str, None] = field(default_factory=dict)
    edges: dict[ViewEdge, None] = field(default_factory=dict)
    removed: dict[str, None] = field(default_factory=dict)
    removed_edges: dict[ViewEdge, None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.clusters or self.edges or self.removed or self.removed_edges)


class Clustering:
    """The clustered view of an :class:`Explorer`'s graph, or of the part ``shown`` of it."""

    def __init__(
        self,
        explorer: Explorer,
        threshold: int | None = DEFAULT_THRESHOLD,
        shown: FilteredGraph | None = None,
    ) -> None:
        self.explorer = explorer
        self.shown = shown
        """What the filters let through; None: every known node, kept incrementally by
        :meth:`sync`."""
        self._threshold = check_threshold(threshold)
        self.pulled_out: set[str] = set()
        self.kept: set[str] = set()
        """Nodes on the path from the root to what the user expanded: never folded, so the way
        back to the root stays drawn (:meth:`ViewModel.expanded`)."""
        self.order_overrides: dict[str, float] = {}
        """Where pulled-out nodes are drawn in their column (beside their cluster), instead of
        their place in the explorer's layout (which stays as it is)."""
        self._groups: dict[GroupKey, dict[str, None]] = {}
        self._group_index: dict[str, GroupKey] | None = None  # see _group_of
        self._clustered: dict[GroupKey, dict[str, None]] = {}  # members drawn inside a cluster
        # cluster_order's answers, kept while a cluster only gains members (see _regroup)
        self._cluster_orders: dict[GroupKey, float] = {}
        self._rep: dict[str, str] = {}  # node id -> the view id drawing it
        self._keys: dict[str, GroupKey] = {}  # cluster id -> its group
        self._drawn: dict[str, None] = {}  # nodes drawn as themselves (an ordered set)
        self.edge_counts: Counter[ViewEdge] = Counter()
        self.versions: Counter[str] = Counter()  # cluster id -> changes of its membership
        self._mores: dict[str, tuple[int, int]] = {}  # a filtered view's expand counts, as sent
        self._build()
        for cid in self._keys:
            self.versions[cid] += 1

    @property
    def _graph(self) -> LineageGraph | FilteredGraph:
        return self.explorer.graph if self.shown is None else self.shown

    def _build(self) -> None:
        """The view of everything shown, in one pass (what :meth:`sync` would reach node by node:
        the property tests hold the two to the same result).

        Per node only the grouping runs in Python; the rest is C-level bulk work (dict.fromkeys,
        map over a dict's __getitem__, Counter over zip): at a million nodes the view is built in
        a fraction of the time node-by-node steps took. A group whose members are all clustered
        shares its member dict with the cluster (see :meth:`_changing`). The collector is paused
        meanwhile (see _gc.py); only here and in the explorer's bulk steps, never around a
        source's I/O."""
        with paused_gc():
            self._build_all()

    def _build_all(self) -> None:
        groups = self._groups
        self._group_index = None  # (made from the groups when first needed)
        self._group_nodes()
        rep, drawn = self._rep, self._drawn
        excluded = self._never_clustered()
        for key, members in groups.items():
            eligible = [n for n in members if n not in excluded] if excluded else list(members)
            if self._is_crowded(eligible):
                cid = cluster_id(key)
                whole = len(eligible) == len(members)
                self._clustered[key] = members if whole else dict.fromkeys(eligible)
                self._keys[cid] = key
                rep.update(dict.fromkeys(eligible, cid))
                loners = [] if whole else [n for n in members if n not in rep]
            else:
                loners = list(members)
            rep.update(zip(loners, loners, strict=True))
            drawn.update(dict.fromkeys(loners))
        if self.shown is None:
            self._count_edges()
        else:
            for (src, dst), chains in self.shown.counts.items():
                self.edge_counts[(rep[src], rep[dst])] += chains

    def _count_edges(self) -> None:
        """The drawn edges of the view of everything known, each with how many lineage edges it
        stands for. A cluster's are counted at once, Counter over where its members' edges land
        (one string per edge, no pair): at a million nodes 2.2 -> 1.0 s. A cluster that is a
        whole column of a graph just laid out has its outputs listed by the layering already;
        when they are the next column and one cluster draws all of it, they are counted
        without being looked at (1.0 s -> 0.03 s at a million nodes)."""
        drawn_as = self._rep.__getitem__
        consumers = self.explorer.graph.consumer_lists
        counts = self.edge_counts
        for key, members in self._clustered.items():
            cid = cluster_id(key)
            outputs = self._column_outputs(key, len(members))
            if outputs is None:
                landed = Counter(map(drawn_as, chain.from_iterable(consumers(members))))
            elif (into := self._cluster_drawing_column(key[0] + 1, outputs)) is not None:
                landed = Counter({into: len(outputs)})
            else:
                landed = Counter(map(drawn_as, outputs))
            counts.update({(cid, target): n for target, n in landed.items()})
        loners = list(self._drawn)
        targets = list(consumers(loners))
        sources = chain.from_iterable(map(repeat, loners, map(len, targets)))
        counts.update(zip(sources, map(drawn_as, chain.from_iterable(targets)), strict=True))

    def _column_outputs(self, key: GroupKey, count: int) -> list[str] | None:
        """The outputs of group ``key``'s ``count`` members as the layering listed them, if
        they are its whole column of a graph just laid out (else None)."""
        laid_out = self._laid_out()
        level = key[0]
        if laid_out is None or not laid_out.whole_column(level, count):
            return None
        return laid_out.outputs(level)

    def _cluster_drawing_column(self, level: int, column: list[str]) -> str | None:
        """The cluster drawing every node of ``column``, if ``column`` is the laid-out column
        ``level`` (the same list) and one cluster draws all of it."""
        columns = self._columns()
        if columns is None or level >= len(columns) or column is not columns[level]:
            return None
        if not column:
            return None
        first = self._rep[column[0]]
        key = self._keys.get(first)
        if key is None or len(self._clustered[key]) != len(column):
            return None
        return first

    def _group_nodes(self) -> None:
        """Fills the groups: (level, kind, type) -> members. A whole graph just laid out has
        its columns as lists: each is grouped in C (a column of one kind and type, the usual
        case, is one group), 3.4 -> 0.6 s at a million nodes. Otherwise node by node, in node
        order."""
        levels = self.explorer.levels
        groups = self._groups
        columns = self._columns()
        if columns is not None:
            records = self.explorer.graph.records
            for level, column in enumerate(columns):
                kinds_types = list(map(attrgetter("kind", "type"), records(column)))
                for kind, type_ in dict.fromkeys(kinds_types):
                    if kinds_types.count((kind, type_)) == len(column):
                        groups[(level, kind, type_)] = dict.fromkeys(column)
                    else:
                        pick = map((kind, type_).__eq__, kinds_types)
                        groups[(level, kind, type_)] = dict.fromkeys(compress(column, pick))
            return
        for node in self._graph.nodes():
            group: GroupKey = (levels[node.id], node.kind, node.type)
            members = groups.get(group)
            if members is None:
                members = groups[group] = {}
            members[node.id] = None

    def _laid_out(self) -> ColumnOrders | None:
        """The explorer's layout of a whole graph, if no filter applies."""
        orders = self.explorer.orders
        return orders if self.shown is None and isinstance(orders, ColumnOrders) else None

    def _columns(self) -> list[list[str]] | None:
        """The explorer's columns as laid out for a whole graph, if they still hold (no filter,
        no node placed since)."""
        laid_out = self._laid_out()
        return laid_out.columns if laid_out is not None else None

    @property
    def _group_of(self) -> dict[str, GroupKey]:
        """Node id -> its group, made from the groups the first time a change needs it: the
        first view of a whole graph needs none (a million entries, 0.3-0.5 s, 40 MB saved)."""
        if self._group_index is None:
            index: dict[str, GroupKey] = {}
            for key, members in self._groups.items():
                index.update(dict.fromkeys(members, key))  # (one key tuple per group, shared)
            self._group_index = index
        return self._group_index

    def _never_clustered(self) -> set[str]:
        """The root, the pulled-out nodes and those kept on the root's paths (see _eligible)."""
        root = self.explorer.root
        return self.pulled_out | self.kept | ({root} if root is not None else set())

    def _changing(self, key: GroupKey) -> dict[str, None]:
        """The members of group ``key``, about to change: no longer shared with its cluster (the
        cluster keeps the members it had until :meth:`_regroup` decides)."""
        members = self._groups.setdefault(key, {})
        if self._clustered.get(key) is members:
            self._clustered[key] = dict(members)
        return members

    # ---- reading -----------------------------------------------------------------------

    @property
    def threshold(self) -> int | None:
        return self._threshold

    def kinds_and_types(self) -> set[tuple[str, str]]:
        """The (kind, type) pairs of the nodes grouped (cheap: one per group)."""
        return {(kind, type_) for _, kind, type_ in self._groups}

    def view_id(self, node_id: str) -> str:
        """The id drawn for ``node_id``: its cluster's id, or its own."""
        return self._rep[node_id]

    def cluster_of(self, node_id: str) -> str | None:
        """The cluster drawing ``node_id``; None if it is drawn as itself or hidden."""
        self.explorer.graph.node(node_id)
        rep = self._rep.get(node_id, node_id)
        return None if rep == node_id else rep

    def more(self, node_id: str, direction: Direction) -> int:
        """What a drawn node's expand control says (see :meth:`Explorer.more`)."""
        return (self.explorer if self.shown is None else self.shown).more(node_id, direction)

    @property
    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> member ids (in the column's order)."""
        return {cluster_id(key): self.members_of_group(key) for key in self._clustered}

    def member_ids(self, cluster: str) -> Collection[str]:
        """The members of ``cluster``, in no particular order (cheap: no sorting)."""
        return self._clustered[self.group_key(cluster)].keys()

    def members(self, cluster: str) -> list[str]:
        return self.members_of_group(self.group_key(cluster))

    def members_of_group(self, key: GroupKey) -> list[str]:
        # (Members are never pulled out: the explorer's layout orders them.)
        return sorted(self._clustered[key], key=self.explorer.orders.__getitem__)

    def order(self, node_id: str) -> float:
        """Where ``node_id`` is drawn in its column (sorting it among the others)."""
        return self.order_overrides.get(node_id, self.explorer.orders[node_id])

    def group_key(self, cluster: str) -> GroupKey:
        try:
            return self._keys[cluster]
        except KeyError:
            raise KeyError(f"unknown cluster {cluster!r}") from None

    def is_drawn(self, node_id: str) -> bool:
        """Whether ``node_id`` is drawn as itself (not in a cluster, not hidden)."""
        return node_id in self._drawn

    def drawn_nodes(self) -> list[str]:
        """Ids of the nodes drawn as themselves."""
        return list(self._drawn)

    def drawn_count(self) -> int:
        """How many nodes and clusters the view draws (without listing them)."""
        return len(self._drawn) + len(self._keys)

    def cluster_ids(self) -> list[str]:
        """Ids of the clusters drawn (cheaper than :attr:`clusters`: no member lists)."""
        return list(self._keys)

    def level_of(self, view_id: str) -> int:
        """The column of a drawn node or cluster."""
        key = self._keys.get(view_id)
        return key[0] if key is not None else self.explorer.levels[view_id]

    def cluster_order(self, key: GroupKey) -> float:
        order = self._cluster_orders.get(key)
        if order is None:
            orders = self.explorer.orders  # (members are never pulled out: no override)
            members = self._clustered[key]
            if isinstance(orders, ColumnOrders) and orders.whole_column(key[0], len(members)):
                order = 0.0  # (the whole column: its first place, without working places out)
            else:
                order = min(orders[n] for n in members)
            self._cluster_orders[key] = order
        return order

    # ---- changing ----------------------------------------------------------------------

    def sync(self, changes: Changes) -> ViewDelta:
        """Bring the view up to date with ``changes`` of the explorer; returns what changed.

        For the view of everything known only: a filtered view is rebuilt (:meth:`rebuild`)."""
        delta = ViewDelta()
        touched: dict[GroupKey, None] = {}
        joined: dict[GroupKey, list[str]] = {}
        left: set[GroupKey] = set()
        for node_id in changes.nodes:
            node = self.explorer.graph.node(node_id)
            key = (self.explorer.levels[node_id], node.kind, node.type)
            old = self._group_of.get(node_id)
            if old != key:
                if old is not None:
                    del self._changing(old)[node_id]
                    touched[old] = None
                    left.add(old)
                self._changing(key)[node_id] = None
                self._group_of[node_id] = key
                touched[key] = None  # (a node that stays in its group changes no membership)
                joined.setdefault(key, []).append(node_id)
        new_edges = set(changes.edges)
        for group in touched:
            self._regroup(group, delta, new_edges, None if group in left else joined[group])
        for src, dst in changes.edges:
            self._bump((self._rep[src], self._rep[dst]), +1, delta)
        for node_id in changes.nodes:  # their own fields changed (counts of what is left)
            rep = self._rep[node_id]
            if rep == node_id:
                delta.nodes[rep] = None
        return delta

    def pull_out(self, node_id: str) -> ViewDelta:
        """Draw ``node_id`` as itself from now on, next to the cluster it is in (a node drawn as
        itself already is left as it is)."""
        cluster = self.cluster_of(node_id)
        if cluster is None:  # drawn as itself already: nothing to pull out of
            if node_id in self.kept:  # (on the root's path: pulled out too, if it ever leaves)
                self.pulled_out.add(node_id)
            return ViewDelta()
        self.pulled_out.add(node_id)
        key = self._group_of[node_id]
        # Sit right after the cluster in the column, before what followed it.
        self.order_overrides[node_id] = self.cluster_order(key) + 0.5
        delta = ViewDelta()
        self._regroup(key, delta, set())
        delta.nodes[node_id] = None
        return delta

    def put_back(self, node_id: str) -> ViewDelta:
        """Undo :meth:`pull_out`: ``node_id`` may be clustered again, in its old place."""
        self.explorer.graph.node(node_id)
        if node_id not in self.pulled_out:
            return ViewDelta()
        self.pulled_out.discard(node_id)
        self.order_overrides.pop(node_id, None)
        delta = ViewDelta()
        if node_id not in self._group_of:  # hidden by the filters: nothing drawn changes
            return delta
        self._regroup(self._group_of[node_id], delta, set())
        if self._rep[node_id] == node_id:
            delta.nodes[node_id] = None  # still drawn (group too small): its order changed
        return delta

    def rebuild(self, shown: FilteredGraph | None, changed: Iterable[str] = ()) -> ViewDelta:
        """Cluster ``shown`` (None: everything known) from scratch; returns how the drawn view
        differs from before. ``changed``: nodes whose own fields changed (to send again).
        Pulled-out nodes stay pulled out; a cluster keeps its version unless its members
        changed."""
        drawn_before = self._drawn
        members_before = {cluster_id(key): members for key, members in self._clustered.items()}
        edges_before = self.edge_counts
        mores_before = self._mores
        self.shown = shown
        self._groups, self._clustered = {}, {}
        self._cluster_orders.clear()
        self._rep, self._keys, self._drawn = {}, {}, {}
        self.edge_counts = Counter()
        self._build()

        delta = ViewDelta()
        delta.nodes = {n: None for n in self._drawn if n not in drawn_before}
        delta.nodes.update((n, None) for n in changed if n in self._drawn)
        self._mores = {}
        if shown is not None:  # hidden nodes fetched change what shown ones offer to expand
            for node_id in self._drawn:
                mores = (shown.more(node_id, "upstream"), shown.more(node_id, "downstream"))
                self._mores[node_id] = mores
                if mores_before.get(node_id) != mores:
                    delta.nodes[node_id] = None
        for cid, key in self._keys.items():
            if members_before.get(cid, {}).keys() != self._clustered[key].keys():
                self.versions[cid] += 1
            delta.clusters[cid] = None  # (few: their orders and "more" may have moved too)
        delta.removed = {n: None for n in drawn_before if n not in self._drawn}
        delta.removed.update((c, None) for c in members_before if c not in self._keys)
        for edge, count in self.edge_counts.items():
            if edges_before.get(edge) != count:
                delta.edges[edge] = None
        delta.removed_edges = {e: None for e in edges_before if e not in self.edge_counts}
        return delta

    def set_threshold(self, threshold: int | None) -> ViewDelta:
        self._threshold = check_threshold(threshold)
        delta = ViewDelta()
        for key in list(self._groups):
            self._regroup(key, delta, set())
        return delta

    # ---- internals ---------------------------------------------------------------------

    def _is_crowded(self, eligible: list[str]) -> bool:
        threshold = self._threshold
        return threshold is not None and len(eligible) >= max(threshold, 2)

    def _eligible(self, node_id: str) -> bool:
        return (
            node_id != self.explorer.root
            and node_id not in self.pulled_out
            and node_id not in self.kept
        )

    def _regroup(
        self,
        key: GroupKey,
        delta: ViewDelta,
        uncounted: set[ViewEdge],
        joined: list[str] | None = None,
    ) -> None:
        """Recompute one group: cluster or not, and move the edges of members that changed.

        ``joined``: the group's only change is these new members (a page of a walk). A group
        clustered already then stays so and only they move: O(page), not O(group), per page.
        """
        members = self._groups.get(key, {})
        clustered = self._clustered.get(key)
        if joined is not None and clustered:
            cid = cluster_id(key)
            fresh = [n for n in joined if self._eligible(n)]
            if fresh:
                clustered.update(dict.fromkeys(fresh))
                self.versions[cid] += 1
                if key in self._cluster_orders:  # (a node's order is fixed when it appears)
                    first = min(self.explorer.orders[n] for n in fresh)
                    self._cluster_orders[key] = min(self._cluster_orders[key], first)
            delta.clusters[cid] = None
            delta.removed.pop(cid, None)
            self._move(joined, delta, uncounted)
            return
        self._cluster_orders.pop(key, None)  # members may leave, or their order have changed
        eligible = [n for n in members if self._eligible(n)]
        now = dict.fromkeys(eligible) if self._is_crowded(eligible) else {}
        before = self._clustered.get(key, {})
        cid = cluster_id(key)
        moved = [n for n in members if self._rep.get(n) != (cid if n in now else n)]
        moved += [n for n in before if n not in members]  # left the group altogether
        if now:
            if now.keys() != before.keys():
                self.versions[cid] += 1
            self._clustered[key] = now
            self._keys[cid] = key
            delta.clusters[cid] = None
            delta.removed.pop(cid, None)
        elif key in self._clustered:
            del self._clustered[key]
            del self._keys[cid]
            delta.removed[cid] = None
            delta.clusters.pop(cid, None)
        if not members:
            self._groups.pop(key, None)
        self._move(moved, delta, uncounted)

    def _move(self, moved: list[str], delta: ViewDelta, uncounted: set[ViewEdge]) -> None:
        """Draw each of ``moved`` where its group now says: as itself or in its cluster."""
        for node_id in moved:
            old_rep = self._rep.get(node_id)
            new_key = self._group_of[node_id]
            in_cluster = node_id in self._clustered.get(new_key, {})
            new_rep = cluster_id(new_key) if in_cluster else node_id
            if old_rep == new_rep:
                continue
            if old_rep is not None:
                self._move_edges(node_id, old_rep, new_rep, delta, uncounted)
                if old_rep == node_id:
                    delta.removed[node_id] = None
                    delta.nodes.pop(node_id, None)
            self._rep[node_id] = new_rep
            if new_rep == node_id:
                self._drawn[node_id] = None
                delta.nodes[node_id] = None
                delta.removed.pop(node_id, None)
            else:
                self._drawn.pop(node_id, None)

    def _move_edges(
        self, node_id: str, old: str, new: str, delta: ViewDelta, uncounted: set[ViewEdge]
    ) -> None:
        graph = self._graph
        counts = self.shown.counts if self.shown is not None else {}
        for other in graph.producer_ids(node_id):
            if (other, node_id) not in uncounted:
                far = self._rep[other]
                chains = counts.get((other, node_id), 1)
                self._bump((far, old), -chains, delta)
                self._bump((far, new), +chains, delta)
        for other in graph.consumer_ids(node_id):
            if (node_id, other) not in uncounted:
                far = self._rep[other]
                chains = counts.get((node_id, other), 1)
                self._bump((old, far), -chains, delta)
                self._bump((new, far), +chains, delta)

    def _bump(self, edge: ViewEdge, step: int, delta: ViewDelta) -> None:
        self.edge_counts[edge] += step
        if self.edge_counts[edge] > 0:
            delta.edges[edge] = None
            delta.removed_edges.pop(edge, None)
        else:
            del self.edge_counts[edge]
            delta.removed_edges[edge] = None
            delta.edges.pop(edge, None)


def check_threshold(threshold: int | None) -> int | None:
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ValueError(
            f"cluster_threshold must be an integer of at least 2, or None, got {threshold!r}"
        )
    return threshold
