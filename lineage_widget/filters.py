"""What the view shows of the known graph: W&B's "custom view" filters.

The explorer keeps every node it fetched; the filters only decide what is drawn:

- **Types**: artifacts whose type is in ``artifact_types`` and runs whose job type is in
  ``job_types`` (None or empty: every type). ``hide_runs`` hides every run.
- **Lineage**: ``"direct"`` shows the base node (the root), its ancestors and its descendants,
  and the lineage of the nodes the user expanded since (see :class:`DirectLineage`);
  ``"extended"`` shows everything known, side branches included. A graph shown whole has no
  base node: both show all of it.

A node hidden by its type (or because it is a run) keeps the lineage connected: an edge is drawn
from each shown node to each shown node it reaches through hidden ones only (artifact -> hidden
run -> artifact draws artifact -> artifact), counting the chains it stands for. A node outside the
direct lineage cuts the lineage instead: it is not part of what the user asked to see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from .explorer import Explorer
from .graph import LineageNode
from .sources.base import DIRECTIONS, Direction

Lineage = Literal["direct", "extended"]
LINEAGES: tuple[Lineage, ...] = ("direct", "extended")

MAX_HIDDEN_HOPS = 8
"""How deep an expand from the page walks on through hidden nodes to reach shown ones."""


def check_type_names(name: str, value: object) -> list[str] | None:
    """``value`` as a filter's list of type names (repeats dropped), or None; ``ValueError``
    naming the value if it is not a list (tuple, set) of strings."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValueError(
            f"{name} must be a list of type names or None, got {type(value).__name__} {value!r}"
        )
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise ValueError(f"{name} must hold strings (type names), got {bad[0]!r} in {value!r}")
    items = sorted(value) if isinstance(value, set | frozenset) else list(value)
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class Filters:
    """The filter settings; empty or None type sets let every type through."""

    artifact_types: frozenset[str] | None = None
    job_types: frozenset[str] | None = None
    hide_runs: bool = False
    lineage: Lineage = "direct"

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Filters:
        """The filters set by ``values`` (the widget's filter traits, by :data:`FILTER_KEYS`)."""
        return cls(
            frozenset(values["artifact_types"] or ()),
            frozenset(values["job_types"] or ()),
            bool(values["hide_runs"]),
            values["lineage"],
        )

    @property
    def hides_types(self) -> bool:
        """Some nodes may be hidden for what they are (their kind or type)."""
        return self.hide_runs or bool(self.artifact_types) or bool(self.job_types)

    def passes(self, node: LineageNode) -> bool:
        """Whether ``node``'s kind and type are shown."""
        if node.kind == "run":
            return not self.hide_runs and (not self.job_types or node.type in self.job_types)
        return not self.artifact_types or node.type in self.artifact_types

    def why_hidden(self, node: LineageNode) -> str:
        """Which filter hides ``node`` (for error messages)."""
        if node.kind == "run" and self.hide_runs:
            return "runs are hidden (hide_runs=True)"
        if node.kind == "run":
            shown = sorted(self.job_types or ())
            return f"its job type {node.type!r} is not in job_types {shown}"
        shown = sorted(self.artifact_types or ())
        return f"its type {node.type!r} is not in artifact_types {shown}"


FILTER_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Filters))
"""The filters' names: the widget's filter traits and their keys in a view state."""


class DirectLineage:
    """The direct lineage among the known nodes, kept current as nodes are found.

    It holds the root and every known node on a directed path into it (ancestors) or out of it
    (descendants). A node the user expands counts as a base node too, for the direction it was
    expanded in: its neighbours that way, and theirs, join the lineage. Without that, expanding
    the run upstream of the root downstream would fetch its other outputs and draw none of them.
    :meth:`reset` goes back to the root's own lineage (the user chose "direct" again).
    """

    def __init__(self, explorer: Explorer) -> None:
        self._explorer = explorer
        self._reach: dict[Direction, set[str]] = {d: set() for d in DIRECTIONS}
        self.nodes: set[str] = set()
        """The ids in the direct lineage (meaningless without a root)."""
        self.reset()

    def reset(self) -> None:
        """Only the root's ancestors and descendants, forgetting the expanded nodes."""
        for reach in self._reach.values():
            reach.clear()
        self.nodes = set()
        root = self._explorer.root
        if root is not None:
            for direction in DIRECTIONS:
                self._spread([root], direction)

    def contains(self, node_id: str) -> bool:
        return self._explorer.root is None or node_id in self.nodes

    def current(self) -> set[str]:
        """A copy of the ids in it now (every known node when there is no root): a set copy,
        not a test per node, so asking costs little at a million nodes."""
        return set(self._explorer.graph) if self._explorer.root is None else set(self.nodes)

    def covers_all(self) -> bool:
        """Every known node is in it (as for a graph shown whole, which has no root)."""
        return self._explorer.root is None or len(self.nodes) == len(self._explorer.graph)

    def add(self, node_id: str, direction: Direction) -> bool:
        """The user expanded ``node_id``: it and what lies that way join. True if any did."""
        return self._spread([node_id], direction)

    def pin(self, ids: Iterable[str]) -> bool:
        """These nodes join (as themselves: a path :meth:`LineageWidget.focus` revealed)."""
        before = len(self.nodes)
        self.nodes.update(ids)
        return len(self.nodes) > before

    def grow(self, edges: Iterable[tuple[str, str]]) -> bool:
        """New edges: what they link to the lineage's ends joins. True if any node did."""
        grew = False
        up, down = self._reach["upstream"], self._reach["downstream"]
        for src, dst in edges:
            if src in down and dst not in down:
                grew = self._spread([dst], "downstream") or grew
            if dst in up and src not in up:
                grew = self._spread([src], "upstream") or grew
        return grew

    def _spread(self, starts: Iterable[str], direction: Direction) -> bool:
        reach = self._reach[direction]
        graph = self._explorer.graph
        step = graph.producer_ids if direction == "upstream" else graph.consumer_ids
        before = len(self.nodes)
        stack = [s for s in starts if s not in reach]
        reach.update(stack)
        self.nodes.update(stack)
        while stack:
            for other in step(stack.pop()):
                if other not in reach:
                    reach.add(other)
                    self.nodes.add(other)
                    stack.append(other)
        return len(self.nodes) > before


class FilteredGraph:
    """The shown part of the known graph: the nodes that pass the filters, and the edges drawn
    between them (direct ones, and ones through hidden nodes) with the number of lineage chains
    each stands for. Built from scratch after each change (0.03-0.13 s at 10,000 known nodes):
    filters change rarely, and graphs grown by expanding stay far smaller than the whole graphs
    of 100,000 nodes (which grow no more) that the unfiltered view keeps incrementally."""

    def __init__(self, explorer: Explorer, filters: Filters, lineage: DirectLineage) -> None:
        self._explorer = explorer
        self.filters = filters
        graph = explorer.graph
        in_lineage: Callable[[str], bool] = (
            lineage.contains if filters.lineage == "direct" else lambda _: True
        )
        self._nodes: dict[str, LineageNode] = {}
        self._hidden: set[str] = set()  # in the lineage, hidden by type: edges pass through
        for node in graph.nodes():
            if not in_lineage(node.id):
                continue
            if filters.passes(node):
                self._nodes[node.id] = node
            else:
                self._hidden.add(node.id)
        self.counts: Counter[tuple[str, str]] = Counter()
        """Drawn edge -> how many lineage chains (edges, or paths through hidden nodes) it is."""
        reached: dict[str, Counter[str]] = {}
        for src in self._nodes:
            for dst in graph.consumer_ids(src):
                if dst in self._nodes:
                    self.counts[(src, dst)] += 1
                elif dst in self._hidden:
                    for target, chains in self._reached_through(dst, reached).items():
                        if target != src:  # (a cycle back to itself)
                            self.counts[(src, target)] += chains
        self._succ: dict[str, list[str]] = {}
        self._pred: dict[str, list[str]] = {}
        for src, dst in self.counts:
            self._succ.setdefault(src, []).append(dst)
            self._pred.setdefault(dst, []).append(src)
        self._open: dict[tuple[str, Direction], bool] = {}

    def _reached_through(self, start: str, memo: dict[str, Counter[str]]) -> Counter[str]:
        """The shown nodes reached downstream from hidden ``start`` through hidden nodes only,
        with how many paths reach each (memoized per hidden node; edges closing a cycle are
        not followed)."""
        if start in memo:
            return memo[start]
        consumers = self._explorer.graph.consumer_ids
        found: dict[str, Counter[str]] = {start: Counter()}
        stack: list[tuple[str, Iterator[str]]] = [(start, consumers(start))]
        while stack:
            node, rest = stack[-1]
            other = next(rest, None)
            if other is None:
                stack.pop()
                memo[node] = found.pop(node)
                if stack:
                    found[stack[-1][0]].update(memo[node])
            elif other in self._nodes:
                found[node][other] += 1
            elif other in memo:
                found[node].update(memo[other])
            elif other in self._hidden and other not in found:  # (in found: on the stack)
                found[other] = Counter()
                stack.append((other, consumers(other)))
        return memo[start]

    # ---- what the clustering reads (the LineageGraph methods it uses) ----------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, node_id: str) -> LineageNode:
        try:
            return self._nodes[node_id]
        except KeyError:
            raise KeyError(f"node {node_id!r} is not shown") from None

    def nodes(self) -> Iterator[LineageNode]:
        return iter(self._nodes.values())

    def edges(self) -> Iterator[tuple[str, str]]:
        return iter(self.counts)

    def producer_ids(self, node_id: str) -> Iterator[str]:
        return iter(self._pred.get(node_id, ()))

    def consumer_ids(self, node_id: str) -> Iterator[str]:
        return iter(self._succ.get(node_id, ()))

    # ---- what is left to show --------------------------------------------------------------

    def is_hidden(self, node_id: str) -> bool:
        """Hidden by its type (or because it is a run), though in the lineage shown."""
        return node_id in self._hidden

    def more(self, node_id: str, direction: Direction) -> int:
        """What a shown node's expand control says: like :meth:`Explorer.more`, plus the known
        neighbours outside the direct lineage (expanding brings them in); -1 (more, count
        unknown) when only hidden nodes beyond have something left to fetch."""
        count = self._explorer.more(node_id, direction)
        if count < 0:
            return -1
        beyond = False
        for other in self._known(node_id, direction):
            if other in self._nodes:
                continue
            if other in self._hidden:
                beyond = beyond or self._is_open(other, direction)
            else:
                count += 1
        return -1 if count == 0 and beyond else count

    def unfetched_beyond(self, node_id: str, direction: Direction) -> list[str]:
        """The hidden nodes reached from ``node_id`` through hidden nodes (at most
        :data:`MAX_HIDDEN_HOPS` deep) that have neighbours that way still to fetch."""
        explorer = self._explorer
        todo = []
        for hidden in self._hidden_beyond(node_id, direction):
            if explorer.more(hidden, direction) != 0 and not explorer.is_loading(hidden, direction):
                todo.append(hidden)
        return todo

    def _is_open(self, start: str, direction: Direction) -> bool:
        """Whether hidden ``start``, or a hidden node beyond it, has something not shown that
        way: neighbours to fetch, or known ones outside the lineage."""
        key = (start, direction)
        if key not in self._open:
            explorer = self._explorer
            self._open[key] = any(
                explorer.more(hidden, direction) != 0
                or any(
                    o not in self._nodes and o not in self._hidden
                    for o in self._known(hidden, direction)
                )
                for hidden in self._hidden_beyond(start, direction, include_start=True)
            )
        return self._open[key]

    def _hidden_beyond(
        self, start: str, direction: Direction, *, include_start: bool = False
    ) -> list[str]:
        """Hidden nodes reached from ``start`` that way through hidden nodes, nearest first."""
        found: list[str] = [start] if include_start else []
        seen, frontier = {start}, [start]
        hops = MAX_HIDDEN_HOPS - (1 if include_start else 0)
        for _ in range(hops):
            after = []
            for current in frontier:
                for other in self._known(current, direction):
                    if other in self._hidden and other not in seen:
                        seen.add(other)
                        after.append(other)
            found += after
            frontier = after
            if not frontier:
                break
        return found

    def _known(self, node_id: str, direction: Direction) -> Collection[str]:
        graph = self._explorer.graph
        if direction == "upstream":
            return list(graph.producer_ids(node_id))
        return list(graph.consumer_ids(node_id))
