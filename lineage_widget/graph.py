"""The known part of a lineage: runs and artifact versions, with networkx in and out.

Edges follow the data flow, as in W&B: ``artifact -> run`` means the run *used* the artifact,
``run -> artifact`` means the run *logged* it. The graph is bipartite; every mistake that would
break that (an edge between two runs, one id for a run and an artifact) is refused with an error
naming the offending value.

Storage is compact because a graph shown whole may hold a million nodes: one dict of node
records and, per node, its neighbours each way as a short list (a dict once it grows, see
``_link``). A networkx DiGraph of the same graph (a dict of attributes per node, a dict per edge)
took 2.3 times the memory.
"""

from __future__ import annotations

import difflib
import json
from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from itertools import compress, repeat
from operator import is_not, ne
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from . import diff  # (diff.py imports this module for its types only)
from ._gc import paused_gc
from .layering import ColumnLevels, ColumnOrders, topological_generations

if TYPE_CHECKING:
    from .diff import LineageDiff

NodeKind = Literal["run", "artifact"]
KINDS: tuple[NodeKind, ...] = ("run", "artifact")

# Node attributes read by from_networkx / written by to_networkx, besides "kind".
_RECORD_FIELDS = ("type", "name", "version", "aliases", "created_at", "details")
_READ_ATTRIBUTES = frozenset(("kind", *_RECORD_FIELDS))

# The details of every node that has none: one shared read-only mapping instead of an empty dict
# per node (64 bytes each, 64 MB at a million nodes).
NO_DETAILS: Mapping[str, Any] = MappingProxyType({})

# A node's neighbours one way: a list while there are few (one neighbour: 64 bytes, against 224
# for a dict; most nodes of a big lineage have one or two), an ordered set (dict) past
# _LIST_MAX, so adding an edge to a hub of 250,000 stays O(1). Both iterate, count and test
# membership alike: only _link writes them.
Neighbours = list[str] | dict[str, None]
_LIST_MAX = 16


@dataclass(frozen=True, slots=True)
class LineageNode:
    """One run or artifact version, as the widget knows it.

    ``obj`` is the original object (a W&B ``Artifact``, a Trackio record, ...). It stays in the
    kernel: only the other fields are ever sent to the browser.
    """

    id: str
    kind: NodeKind
    type: str
    name: str
    version: str | None = None
    aliases: tuple[str, ...] = ()
    created_at: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    inaccessible: str | None = None
    """Why the source could not read this node (a deleted project, no permission), or None."""
    obj: Any = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        """What the node shows: ``name:version`` for artifacts, the name for runs."""
        if self.kind == "artifact" and self.version and not self.name.endswith(f":{self.version}"):
            return f"{self.name}:{self.version}"
        return self.name


def _bulk_record_maker() -> Callable[..., LineageNode]:
    """``LineageNode(id, kind, type, name, version, aliases, created_at, details)`` for bulk
    builds: the slots set through their descriptors, not the frozen dataclass's ``__init__``
    (one ``object.__setattr__`` by name per field: twice the time, 0.5 s more per million
    records)."""
    names = [f.name for f in fields(LineageNode)]
    assert names[8:] == ["inaccessible", "obj"], names  # (set to their defaults below)
    setters = [getattr(LineageNode, name).__set__ for name in names]
    s_id, s_kind, s_type, s_name, s_version, s_aliases, s_created, s_details = setters[:8]
    s_inaccessible, s_obj = setters[8:]
    blank = object.__new__

    def make(  # noqa: PLR0917 (the record's fields, in order, as its constructor takes them)
        ident: str,
        kind: NodeKind,
        type_: str,
        name: str,
        version: str | None,
        aliases: tuple[str, ...],
        created_at: str | None,
        details: Mapping[str, Any],
    ) -> LineageNode:
        node: LineageNode = blank(LineageNode)
        s_id(node, ident)
        s_kind(node, kind)
        s_type(node, type_)
        s_name(node, name)
        s_version(node, version)
        s_aliases(node, aliases)
        s_created(node, created_at)
        s_details(node, details)
        s_inaccessible(node, None)
        s_obj(node, None)
        return node

    return make


_bulk_record = _bulk_record_maker()


def node_id(value: Hashable) -> str:
    """A stable string id for any hashable node key (ints, tuples, ...)."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return json.dumps([node_id(part) for part in value], ensure_ascii=False)
    return str(value)


class LineageGraph:
    """A lineage graph of runs and artifact versions.

    >>> g = LineageGraph()
    >>> _ = g.add_artifact("raw:v0", type="dataset")
    >>> _ = g.add_run("prep", type="preprocess")
    >>> g.add_edge("raw:v0", "prep")  # prep used raw:v0
    >>> [n.id for n in g.consumers("raw:v0")]
    ['prep']
    """

    def __init__(self) -> None:
        self._nodes: dict[str, LineageNode] = {}  # in insertion order
        self._succ: dict[str, Neighbours] = {}
        self._pred: dict[str, Neighbours] = {}
        self._shared = False  # another LineageGraph reads the same dicts (see copy())

    def _own(self) -> None:
        """Makes the dicts private before a change if :meth:`copy` shares them (records are
        immutable: only the containers are copied)."""
        if self._shared:
            self._nodes = dict(self._nodes)
            self._succ = {n: near.copy() for n, near in self._succ.items()}
            self._pred = {n: near.copy() for n, near in self._pred.items()}
            self._shared = False

    # ---- building ----------------------------------------------------------------------

    def add_artifact(
        self,
        id: str,
        *,
        type: str,
        name: str | None = None,
        version: str | None = None,
        aliases: Iterable[str] = (),
        created_at: str | None = None,
        details: Mapping[str, Any] | None = None,
        obj: Any = None,
    ) -> LineageNode:
        """Add (or update) an artifact version. Returns its node record."""
        return self.add_node(
            LineageNode(
                id=id,
                kind="artifact",
                type=type,
                name=name if name is not None else id,
                version=version,
                aliases=tuple(aliases),
                created_at=created_at,
                details=dict(details) if details else NO_DETAILS,
                obj=obj,
            )
        )

    def add_run(
        self,
        id: str,
        *,
        type: str,
        name: str | None = None,
        created_at: str | None = None,
        details: Mapping[str, Any] | None = None,
        obj: Any = None,
    ) -> LineageNode:
        """Add (or update) a run; ``type`` is its job type. Returns its node record."""
        return self.add_node(
            LineageNode(
                id=id,
                kind="run",
                type=type,
                name=name if name is not None else id,
                created_at=created_at,
                details=dict(details) if details else NO_DETAILS,
                obj=obj,
            )
        )

    def add_node(self, node: LineageNode) -> LineageNode:
        """Add a node record; adding an id again updates it (its kind must not change)."""
        if not isinstance(node.id, str) or not node.id:
            raise ValueError(f"node id must be a non-empty string, got {node.id!r}")
        if node.kind not in KINDS:
            raise ValueError(
                f"node {node.id!r}: kind must be 'run' or 'artifact', got {node.kind!r}"
            )
        if not isinstance(node.type, str):
            raise TypeError(f"node {node.id!r}: type must be a string, got {node.type!r}")
        existing = self._nodes.get(node.id)
        if existing is not None and existing.kind != node.kind:
            raise ValueError(
                f"id {node.id!r} is already a {existing.kind}; it cannot also be a {node.kind}"
            )
        if existing is not None and node.obj is None and existing.obj is not None:
            node = replace(node, obj=existing.obj)
        self._own()
        if existing is None:
            self._succ[node.id] = []
            self._pred[node.id] = []
        self._nodes[node.id] = node
        return node

    def add_edge(self, src: str, dst: str) -> None:
        """Add ``artifact -> run`` (the run used it) or ``run -> artifact`` (the run logged it)."""
        for end in (src, dst):
            if end not in self._nodes:
                raise KeyError(f"unknown node {end!r}: add it before adding an edge to it")
        src_kind = self._nodes[src].kind
        if src_kind == self._nodes[dst].kind:
            raise ValueError(_same_kind_edge(src, dst, src_kind))
        if dst in self._succ[src]:
            return
        self._own()
        _link(self._succ, src, dst)
        _link(self._pred, dst, src)

    # ---- reading -----------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __repr__(self) -> str:
        runs = sum(1 for n in self.nodes() if n.kind == "run")
        edges = sum(map(len, self._succ.values()))
        return f"LineageGraph({runs} runs, {len(self) - runs} artifacts, {edges} edges)"

    def node(self, node_id: str) -> LineageNode:
        """The record of ``node_id``; ``KeyError`` naming it if unknown."""
        try:
            return self._nodes[node_id]
        except (KeyError, TypeError):  # (TypeError: an unhashable id is unknown too)
            raise KeyError(f"unknown node {node_id!r}{self._nearest_hint(node_id)}") from None

    def _nearest_hint(self, node_id: Any) -> str:
        """ "; did you mean ...?" naming the ids nearest ``node_id`` (a case-insensitive match
        first), or "" when none is near."""
        if not isinstance(node_id, str):
            return ""
        ids = list(self._nodes)
        folded = node_id.casefold()
        near = [i for i in ids if i.casefold() == folded]
        near += [i for i in difflib.get_close_matches(node_id, ids, n=3) if i not in near]
        return f"; did you mean {' or '.join(map(repr, near[:3]))}?" if near else ""

    def nodes(self) -> list[LineageNode]:
        """Every node record, in insertion order (a list: ``len()`` and indexing work)."""
        return list(self._nodes.values())

    def records(self, ids: Iterable[str]) -> Iterator[LineageNode]:
        """The records of ``ids``, known ids only (``KeyError`` otherwise): for bulk passes."""
        return map(self._nodes.__getitem__, ids)

    def edges(self) -> Iterator[tuple[str, str]]:
        """Every edge as ``(src, dst)``, in insertion order."""
        for src, targets in self._succ.items():
            for dst in targets:
                yield src, dst

    def consumer_lists(self, ids: Iterable[str]) -> Iterator[Collection[str]]:
        """The ids of the direct outputs of each of ``ids`` (for bulk passes: no call per node;
        do not change them)."""
        return map(self._succ.__getitem__, ids)

    def has_edge(self, src: str, dst: str) -> bool:
        return dst in self._succ.get(src, ())

    def producers(self, node_id: str) -> list[LineageNode]:
        """Direct inputs: the run that logged an artifact, or the artifacts a run used."""
        self.node(node_id)
        return [self._nodes[n] for n in self._pred[node_id]]

    def consumers(self, node_id: str) -> list[LineageNode]:
        """Direct outputs: the runs that used an artifact, or the artifacts a run logged."""
        self.node(node_id)
        return [self._nodes[n] for n in self._succ[node_id]]

    def upstream(self, node_id: str, depth: int | None = None) -> list[LineageNode]:
        """Everything ``node_id`` came from (as far as known), nearest first; ``depth``: hops."""
        return self._reach(node_id, depth, reverse=True)

    def downstream(self, node_id: str, depth: int | None = None) -> list[LineageNode]:
        """Everything that came from ``node_id`` (known so far), nearest first."""
        return self._reach(node_id, depth, reverse=False)

    def path(self, src: str, dst: str) -> list[LineageNode]:
        """The shortest chain of lineage from ``src`` to ``dst``, following the data flow."""
        self.node(src)
        self.node(dst)
        ids = _shortest_path((self._succ,), [src], dst)
        if ids is None:
            raise ValueError(f"no lineage path from {src!r} to {dst!r}")
        return [self._nodes[n] for n in ids]

    def diff(self, a: str, b: str) -> LineageDiff:
        """Compare where ``a`` and ``b`` came from: their upstream lineages, each with itself.

        Returns ``only_a``, ``only_b`` and ``shared`` (node records) and ``changed``: pairs of
        versions of one artifact on the two sides (``processed:v1`` vs ``processed:v2``) and of
        runs in the same place whose config differs, each with the keys that differ.
        """
        return diff.diff(self, a, b)

    def _reach(self, node_id: str, depth: int | None, *, reverse: bool) -> list[LineageNode]:
        self.node(node_id)
        if depth is not None and (
            isinstance(depth, bool) or not isinstance(depth, int) or depth < 1
        ):
            raise ValueError(f"depth must be a positive integer or None, got {depth!r}")
        adjacency = self._pred if reverse else self._succ
        seen = {node_id}
        found: list[LineageNode] = []
        frontier = [node_id]
        hops = 0
        while frontier and (depth is None or hops < depth):  # breadth first: nearest first
            hops += 1
            after = []
            for current in frontier:
                for other in adjacency[current]:
                    if other not in seen:
                        seen.add(other)
                        after.append(other)
                        found.append(self._nodes[other])
            frontier = after
        return found

    def to_json(self) -> str:
        """The graph as JSON: ``{"nodes": [...], "edges": [[src, dst], ...]}`` (no objects)."""
        nodes = [
            {
                "id": n.id,
                "kind": n.kind,
                "type": n.type,
                "name": n.name,
                "version": n.version,
                "aliases": list(n.aliases),
                "created_at": n.created_at,
                "details": dict(n.details),
                **({"inaccessible": n.inaccessible} if n.inaccessible else {}),
            }
            for n in self.nodes()
        ]
        return json.dumps({"nodes": nodes, "edges": list(self.edges())}, default=str)

    @classmethod
    def from_json(cls, text: str) -> LineageGraph:
        """Read what :meth:`to_json` wrote."""
        data = json.loads(text)
        graph = cls()
        for record in data["nodes"]:
            graph.add_node(LineageNode(**{**record, "aliases": tuple(record.get("aliases") or ())}))
        for src, dst in data["edges"]:
            graph.add_edge(src, dst)
        return graph

    def producer_ids(self, node_id: str) -> Iterator[str]:
        """Ids of the direct inputs of ``node_id`` (cheaper than :meth:`producers`)."""
        return iter(self._pred[node_id])

    def consumer_ids(self, node_id: str) -> Iterator[str]:
        """Ids of the direct outputs of ``node_id`` (cheaper than :meth:`consumers`)."""
        return iter(self._succ[node_id])

    def copy(self) -> LineageGraph:
        """A new graph with the same nodes and edges; changing either leaves the other as it was.

        Copy on write: both share the structure until one of them changes (a widget showing a
        graph whole takes a copy of 100,000 nodes at no cost; the first change then pays it).
        """
        other = LineageGraph()
        other._nodes, other._succ, other._pred = self._nodes, self._succ, self._pred
        other._shared = self._shared = True
        return other

    def walks_changed_since(self, known: LineageGraph) -> list[tuple[str, str]]:
        """The walks of this graph, as ``(node id, "upstream" | "downstream")`` from the nodes of
        ``known`` (a copy of it taken earlier, grown by walks of it since), whose answer would
        differ from what ``known`` holds: a node's neighbours that way changed, or one of them
        has a fresher record. In bulk, the work per node in C: a refresh of a graph shown whole
        walks these instead of every node both ways (at 100,000 nodes 4.5 s -> a few tens of ms
        when little changed)."""
        if self._nodes is known._nodes and self._succ is known._succ and self._pred is known._pred:
            return []  # (still sharing the storage of the copy: nothing changed)
        mine, theirs = self._nodes, known._nodes
        ids = list(compress(theirs, map(mine.__contains__, theirs)))
        walks: dict[tuple[str, str], None] = {}
        for adjacency, older, direction in (
            (self._succ, known._succ, "downstream"),
            (self._pred, known._pred, "upstream"),
        ):
            now = map(adjacency.__getitem__, ids)
            unequal = compress(ids, map(ne, now, map(older.__getitem__, ids)))
            # (The same neighbours in another order, as walks landed them, are no change.)
            changed = [n for n in unequal if set(adjacency[n]) != set(older[n])]
            walks.update(dict.fromkeys(zip(changed, repeat(direction))))
        other = compress(ids, map(is_not, map(mine.__getitem__, ids), map(theirs.__getitem__, ids)))
        fresher = [node_id for node_id in other if mine[node_id] != theirs[node_id]]
        for node_id in fresher:  # found again, fresher, by a walk towards it
            walks.update(((n, "downstream"), None) for n in self._pred[node_id] if n in theirs)
            walks.update(((n, "upstream"), None) for n in self._succ[node_id] if n in theirs)
        return list(walks)

    def cycle_closing_edges(self) -> list[tuple[str, str]]:
        """Edges that close a cycle (empty for a DAG, as lineage should be)."""
        return _cycle_closing_edges(self._succ)

    def generations(self) -> list[list[str]]:
        """Longest-path layers: sources first, each node one right of its furthest input.

        Edges that close a cycle are left out of the layering (they will point backwards).
        """
        return self._layering()[0]

    def _layering(self) -> tuple[list[list[str]], list[list[str]] | None]:
        """:meth:`generations`, and each layer's outputs as the layering met them (see
        :meth:`ColumnOrders.outputs`; None when edges closing a cycle were left out)."""
        layering = topological_generations(self._pred, self._succ)
        if layering is not None:
            return layering
        closing = set(self.cycle_closing_edges())  # a cycle: layered without its closing edges
        succ = {n: [d for d in near if (n, d) not in closing] for n, near in self._succ.items()}
        pred = {n: [s for s in near if (s, n) not in closing] for n, near in self._pred.items()}
        layering = topological_generations(pred, succ)
        assert layering is not None  # (without the back edges of a DFS, no cycle is left)
        return layering[0], None

    def columns(self) -> tuple[ColumnLevels, ColumnOrders]:
        """Where each node is drawn when the graph is shown whole: its column (the layer of
        :meth:`generations`) and its place in that column (see :class:`ColumnOrders`: the
        places are worked out the first time one is needed)."""
        layers, outputs = self._layering()
        levels = ColumnLevels(layers)
        return levels, ColumnOrders(self._pred, layers, levels, outputs)

    def nearest_path(self, sources: Iterable[str], target: str) -> list[str] | None:
        """The shortest chain of ids from one of ``sources`` to ``target``, edges taken either way.

        None if ``target`` is unknown or unreachable; ``[target]`` if it is one of ``sources``.
        """
        starts = [s for s in dict.fromkeys(sources) if s in self._nodes]
        if target not in self._nodes or not starts:
            return None
        return _shortest_path((self._succ, self._pred), starts, target)

    # ---- networkx ----------------------------------------------------------------------

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph) -> LineageGraph:
        """Build from a DiGraph whose nodes carry ``kind`` ("run" | "artifact") and ``type``.

        Optional node attributes: ``name``, ``version``, ``aliases``, ``created_at``, ``details``
        (a dict); any other attribute goes into ``details``. Node keys that are not strings
        become stable string ids (see :func:`node_id`).
        """
        if not isinstance(graph, nx.DiGraph):
            raise TypeError(f"from_networkx needs a networkx.DiGraph, got {type(graph).__name__}")
        # One pass over the nodes, one over the edges, writing the storage directly, the
        # collector paused: going through add_node / add_edge (their checks and copies, once
        # per item) took 1.5 s at 100,000 nodes. The checks are the same; an item that fails
        # one is handed to add_node / add_edge, which raise their usual error naming it.
        lineage = cls()
        records, succ, pred = lineage._nodes, lineage._succ, lineage._pred
        with paused_gc():
            for key, attrs in graph._node.items():  # (networkx's documented dicts: no views)
                ident = key if type(key) is str else node_id(key)
                record = _record_of(key, ident, attrs)
                if ident in records or not ident:  # two keys naming one id, or an empty id
                    lineage.add_node(record)
                else:
                    records[ident] = record
                    succ[ident] = []
                    pred[ident] = []
            for src_key, targets in graph._succ.items():
                src = src_key if type(src_key) is str else node_id(src_key)
                kind = records[src].kind
                for dst_key in targets:
                    dst = dst_key if type(dst_key) is str else node_id(dst_key)
                    if records[dst].kind == kind:
                        lineage.add_edge(src, dst)  # (raises, naming the edge)
                    if _link(succ, src, dst):
                        _link(pred, dst, src)
        return lineage

    def to_networkx(self) -> nx.DiGraph:
        """A new DiGraph with string node ids and the record fields as attributes."""
        out = nx.DiGraph()
        for node in self.nodes():
            out.add_node(
                node.id,
                kind=node.kind,
                type=node.type,
                name=node.name,
                version=node.version,
                aliases=list(node.aliases),
                created_at=node.created_at,
                details=dict(node.details),
            )
        out.add_edges_from(self.edges())
        return out


def _record_of(key: Hashable, ident: str, attrs: Mapping[str, Any]) -> LineageNode:
    """The record of a networkx node ``key`` (string id ``ident``) with attributes ``attrs``;
    ``ValueError`` naming the node if its kind is not one of ``KINDS``."""
    kind = attrs.get("kind")
    if kind not in KINDS:
        raise ValueError(
            f"node {key!r}: attribute 'kind' must be 'run' or 'artifact', got {kind!r}"
        )
    details: Mapping[str, Any] = NO_DETAILS
    given = attrs.get("details")
    if not attrs.keys() <= _READ_ATTRIBUTES:  # (a subset test in C: most nodes have no extra)
        details = {k: v for k, v in attrs.items() if k not in _READ_ATTRIBUTES}
        if given:
            details.update(given)
    elif given:
        details = dict(given)
    name = attrs.get("name")
    if kind == "run":
        return _bulk_record(
            ident,
            kind,
            str(attrs.get("type", kind)),
            ident if name is None else str(name),
            None,
            (),
            attrs.get("created_at"),
            details,
        )
    version = attrs.get("version")
    aliases = attrs.get("aliases")
    return _bulk_record(
        ident,
        kind,
        str(attrs.get("type", kind)),
        ident if name is None else str(name),
        None if version is None else str(version),
        tuple(aliases) if aliases else (),
        attrs.get("created_at"),
        details,
    )


def _same_kind_edge(src: str, dst: str, kind: str) -> str:
    return (
        f"edge {src!r} -> {dst!r} joins two {kind}s; lineage edges join a run "
        "and an artifact (artifact -> run: used, run -> artifact: logged)"
    )


def _link(adjacency: dict[str, Neighbours], a: str, b: str) -> bool:
    """Adds ``b`` to ``a``'s neighbours in ``adjacency`` (a list turns into an ordered set past
    ``_LIST_MAX``); False if it was there already."""
    near = adjacency[a]
    if b in near:
        return False
    if type(near) is list:
        if len(near) < _LIST_MAX:
            near.append(b)
            return True
        near = adjacency[a] = dict.fromkeys(near)
    near[b] = None  # type: ignore[call-overload]
    return True


def _shortest_path(
    ways: tuple[Mapping[str, Iterable[str]], ...], starts: list[str], target: str
) -> list[str] | None:
    """The shortest chain of ids from one of ``starts`` to ``target``, each step along one of
    the adjacency mappings ``ways`` (successors; successors and predecessors: either way);
    None if there is none. Breadth first, so ties go to the earlier start and neighbour."""
    came_from: dict[str, str | None] = dict.fromkeys(starts)
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if current == target:
            path = [current]
            while (step := came_from[path[-1]]) is not None:
                path.append(step)
            return path[::-1]
        for adjacency in ways:
            for other in adjacency[current]:
                if other not in came_from:
                    came_from[other] = current
                    queue.append(other)
    return None


def _cycle_closing_edges(succ: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Edges that close a cycle (back edges of a depth-first search)."""
    on_stack: set[str] = set()
    done: set[str] = set()
    back: list[tuple[str, str]] = []
    for start in succ:
        if start in done:
            continue
        stack = [(start, iter(succ[start]))]
        on_stack.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_stack.discard(node)
                done.add(node)
            elif child in on_stack:
                back.append((node, child))
            elif child not in done:
                on_stack.add(child)
                stack.append((child, iter(succ[child])))
    return back
