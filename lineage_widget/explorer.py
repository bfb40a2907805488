"""How the shown part of a lineage grows: walks, columns, and what is left to fetch.

The :class:`Explorer` owns the known graph and the kernel-side layout facts the browser needs:
each node's column (``level``, left to right) and a sort key within its column (``order``).
Both are fixed when a node first appears, so expanding a node adds to the picture without
reshuffling it. The one exception: a walk that finds an edge pointing backwards (an input that
sits right of its consumer) pushes the neighbour it found, and its known ancestors or
descendants, just far enough to point the edge forwards again.

Every change is collected in :attr:`Explorer.pending` until the widget sends it as a delta.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from ._gc import paused_gc
from .graph import LineageGraph, LineageNode
from .graph import node_id as node_id_of
from .layering import ColumnOrders
from .protocol import FetchState, WalkState
from .sources.base import DIRECTIONS, Direction, LineageSource, check_direction

StatusHook = Callable[[str, Direction, WalkState, "str | None"], None]


class ExpandStep(TypedDict):
    """A page of a walk that landed: ``expand`` the node, ``direction`` the way."""

    expand: str
    direction: Direction


class FocusStep(TypedDict):
    """A node revealed (:meth:`Explorer.reveal`), with the path linking it."""

    focus: str


Step = ExpandStep | FocusStep


def parse_step(step: Any) -> tuple[str, Direction | None]:
    """``step`` as (its node id, its direction; None for a reveal); ValueError naming a step
    that is neither ``{'expand': id, 'direction': d}`` nor ``{'focus': id}``."""
    if isinstance(step, Mapping):
        if set(step) == {"focus"} and isinstance(step["focus"], str):
            return step["focus"], None
        if (
            set(step) == {"expand", "direction"}
            and isinstance(step["expand"], str)
            and step["direction"] in DIRECTIONS
        ):
            return step["expand"], step["direction"]
    raise ValueError(
        "a step must be {'expand': id, 'direction': 'upstream' | 'downstream'} or "
        f"{{'focus': id}}, got {step!r:.200}"
    )


@dataclass
class Changes:
    """Node ids added or changed (to upsert) and edges added, since the last flush."""

    nodes: dict[str, None] = field(default_factory=dict)  # an ordered set
    edges: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.edges)


@dataclass(frozen=True)
class _Page:
    """One page of a walk: its nodes, the cursor to resume (None: done), the total if known,
    and neighbour counts of the nodes found."""

    found: list[LineageNode]
    cursor: Any | None
    total: int | None
    counts: dict[tuple[str, Direction], int]


@dataclass(frozen=True)
class FetchStatus:
    state: FetchState
    error: str | None = None


class Explorer:
    """The known part of a lineage, grown hop by hop from a :class:`LineageSource`."""

    def __init__(self, source: LineageSource, on_status: StatusHook | None = None) -> None:
        self.source = source
        self.graph = LineageGraph()
        self.root: str | None = None
        self.levels: dict[str, int] = {}
        self.orders: dict[str, float] = {}
        self.drawn_orders: Mapping[str, float] = {}
        """Where the view draws nodes when that differs from :attr:`orders` (a node pulled out
        of its cluster; the clustering owns it): new neighbours are placed beside the drawing."""
        self.status: dict[tuple[str, Direction], FetchStatus] = {}
        self.pending = Changes()
        self._fetched: set[tuple[str, Direction]] = set()
        self._complete = False  # everything is known (a whole graph shown): nothing to fetch
        self._inflight: dict[tuple[str, Direction], threading.Event] = {}
        self._cursors: dict[tuple[str, Direction], Any] = {}  # where paged walks resume
        self._totals: dict[tuple[str, Direction], int] = {}  # neighbour counts (hints)
        self.steps: list[Step] = []
        """What was added after the start, in order: ``{"expand": id, "direction": d}`` for
        each page of a walk that landed, ``{"focus": id}`` for each node revealed (see
        :meth:`replay`)."""
        self.found_by: dict[str, tuple[str, Direction]] = {}
        """Node id -> the walk (node id, direction) that first brought it."""
        self.lock = threading.RLock()
        """Guards the state above; held for bookkeeping, never while the source is asked (so
        neighbour counts are asked when nodes arrive, and :meth:`more` only reads them)."""
        self.on_status = on_status
        """Called with (node id, direction, "loading" | "error" | "idle", error) as fetches go."""

    # ---- starting ----------------------------------------------------------------------

    def start(self, root: Any, depth: int) -> LineageNode:
        """Show ``root`` (a source object) and its lineage ``depth`` hops up and down."""
        node = self.source.to_node(root)
        self._place(node, level=0, order=0.0)
        self.root = node.id
        for direction in DIRECTIONS:
            self.expand(node.id, direction, depth)
        self._count([node])  # a walk that did not end: its expand control shows what is left
        self.steps.clear()  # the start is not a step: the same start makes it again
        return node

    def show_all(self, graph: LineageGraph) -> None:
        """Show all of ``graph`` at once, in longest-path columns (nothing left to fetch).

        Nothing goes to :attr:`pending`: a view starts from a snapshot of all of it.
        """
        with paused_gc():  # bulk passes over every node (see _gc.py)
            self.graph = graph.copy()
            self._complete = True
            self.levels, self.orders = graph.columns()  # (a new explorer: both were empty)

    # ---- growing -----------------------------------------------------------------------

    def expand(self, node_id: str, direction: str, depth: int = 1) -> list[LineageNode]:
        """Fetch ``depth`` hops in ``direction`` from ``node_id``; returns the new nodes."""
        direction = check_direction(direction)
        if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
            raise ValueError(f"depth must be a positive integer, got {depth!r}")
        self.graph.node(node_id)
        new: list[LineageNode] = []
        frontier, seen = [node_id], {node_id}
        for hop in range(depth):
            after: list[str] = []
            for current in frontier:
                with self.lock:
                    fetched = self._is_fetched(current, direction)
                if not fetched:
                    new.extend(self.fetch(current, direction))
                if hop == depth - 1:
                    continue  # the last hop: no next frontier (O(fan-out) on each page)
                with self.lock:
                    neighbours = self._known_neighbours(current, direction)
                for neighbour in neighbours:
                    if neighbour not in seen:
                        seen.add(neighbour)
                        after.append(neighbour)
            frontier = after
        return new

    def reach(self, node_id: str, direction: Direction, depth: int) -> list[str]:
        """The known nodes up to ``depth`` hops from ``node_id`` in ``direction``, nearest
        first (``node_id`` not among them). Call with :attr:`lock` held."""
        found: list[str] = []
        frontier, seen = [node_id], {node_id}
        for _ in range(depth):
            after = []
            for current in frontier:
                for neighbour in self._known_neighbours(current, direction):
                    if neighbour not in seen:
                        seen.add(neighbour)
                        after.append(neighbour)
            found += after
            frontier = after
        return found

    def fetch(self, node_id: str, direction: Direction) -> list[LineageNode]:
        """Ask the source for one hop (one page) from ``node_id``; returns the nodes that were new.

        Safe to call from several threads: the source is asked outside :attr:`lock`, one walk
        per node and direction at a time (a second caller waits for the first and gets ``[]``).
        Either the whole page lands or, if the source fails, nothing changes and the failure is
        kept in :attr:`status` (and re-raised) until a retry succeeds.
        """
        claim = self.claim(node_id, direction)
        if claim is not None:
            return self.run_claimed(node_id, direction, claim)
        with self.lock:
            running = self._inflight.get((node_id, direction))
        if running is not None:
            running.wait()
        return []

    def claim(
        self, node_id: str, direction: Direction, *, again: bool = False
    ) -> threading.Event | None:
        """Reserve the next walk from ``node_id`` (marking it loading) for the caller.

        Returns the claim (an event set when the walk ends), or None when there is nothing left
        to fetch or another caller holds the walk already. A claim must be followed by
        :meth:`run_claimed`, or given up with :meth:`abandon` or :meth:`release_all`.
        ``again``: a walk done already is to be asked again (:meth:`walked`, a refresh).
        """
        key = (node_id, direction)
        with self.lock:
            self.graph.node(node_id)
            if (self._is_fetched(node_id, direction) and not again) or key in self._inflight:
                return None
            claim = self._inflight[key] = threading.Event()
            if not again:  # a refresh is quiet: the node keeps what it shows unless it fails
                self._set_status(node_id, direction, FetchStatus("loading"))
            return claim

    def abandon(
        self, node_id: str, direction: Direction, claim: threading.Event, error: str
    ) -> None:
        """Give up a walk still running (a timeout): the node shows ``error`` and can be
        retried; whatever the walk returns later is dropped."""
        key = (node_id, direction)
        with self.lock:
            if self._inflight.get(key) is not claim:
                return  # it landed (or was given up) already
            del self._inflight[key]
            self._set_status(node_id, direction, FetchStatus("error", error))
        claim.set()

    def run_claimed(
        self, node_id: str, direction: Direction, claim: threading.Event, *, again: bool = False
    ) -> list[LineageNode]:
        """Do the walk reserved by ``claim``: ask the source (no lock held), then land it.

        If the claim was given up meanwhile (:meth:`abandon`, :meth:`release_all`), the answer
        is dropped and ``[]`` returned. ``again``: a refresh of a walk done already, asked from
        its start (cursor None) through all its pages; what is new lands beside what is shown,
        which keeps its place.
        """
        if again:
            return self._run_again(node_id, direction, claim)
        key = (node_id, direction)

        def current() -> bool:  # (called with the lock held)
            return self._inflight.get(key) is claim

        with self.lock:
            node = self.graph.node(node_id)
            if not current():
                return []
            # The cursor stays until a page lands: a retry after a failure or a timeout resumes
            # from the last page that landed (the source decides whether it can reuse it).
            cursor = self._cursors.get(key)
        try:
            page = self._walk(node, direction, cursor)
            with self.lock:
                if not current():
                    return []  # given up: drop the late answer
                for other in page.found:
                    self._check_neighbour(node, other)
                new = self._land(node, direction, page.found)
                self.steps.append(ExpandStep(expand=node_id, direction=direction))
                if page.cursor is None:
                    self._fetched.add(key)
                    self._cursors.pop(key, None)
                else:
                    self._cursors[key] = page.cursor
                if page.total is not None:
                    self._totals[key] = page.total
                self._totals.update(page.counts)
                self.pending.nodes[node_id] = None
                self._set_status(node_id, direction, None)
            return new
        except Exception as exc:
            with self.lock:
                if current():
                    self._set_status(node_id, direction, FetchStatus("error", describe(exc)))
            raise
        finally:
            with self.lock:
                if current():
                    del self._inflight[key]
            claim.set()

    def walked(self) -> list[tuple[str, Direction]]:
        """The walks done to their end so far: what a refresh asks the source again. For a
        graph shown whole, every node both ways, unless the source can tell which walks may
        find something new (and the walks that failed, to clear their marks)."""
        with self.lock:
            if not self._complete:
                return sorted(self._fetched)
            changed = self.source.walks_changed_since(self.graph)
            if changed is None:
                return [(node_id, d) for node_id in self.graph for d in DIRECTIONS]
            failed = [key for key, status in self.status.items() if status.state == "error"]
            return list(dict.fromkeys([*changed, *failed]))

    def _run_again(
        self, node_id: str, direction: Direction, claim: threading.Event
    ) -> list[LineageNode]:
        key = (node_id, direction)
        try:
            with self.lock:
                node = self.graph.node(node_id)
            found: list[LineageNode] = []
            cursor: Any | None = None
            while True:  # every page: a new neighbour may come on any of them
                page = self._walk(node, direction, cursor, count=False)
                found += page.found
                cursor = page.cursor
                if cursor is None:
                    break
            with self.lock:
                if self._inflight.get(key) is not claim:
                    return []  # given up: drop the late answer
                for other in found:
                    self._check_neighbour(node, other)
                # Fresher fields (a run's state) reach the page; the rest is not sent again.
                changed = [o.id for o in found if o.id in self.graph and self.graph.node(o.id) != o]
                new = self._land(node, direction, found, keep_places=True)
                for other_id in changed:
                    self.pending.nodes[other_id] = None
                if key in self.status:  # an earlier failure is cleared
                    self._set_status(node_id, direction, None)
            self._count(new)  # (what was known is counted already)
            return new
        except Exception as exc:
            with self.lock:
                if self._inflight.get(key) is claim:
                    self._set_status(node_id, direction, FetchStatus("error", describe(exc)))
            raise
        finally:
            with self.lock:
                if self._inflight.get(key) is claim:
                    del self._inflight[key]
            claim.set()

    def release_all(self) -> None:
        """Give up every claimed walk that has not landed (the widget is closing)."""
        with self.lock:
            for (node_id, direction), running in list(self._inflight.items()):
                del self._inflight[(node_id, direction)]
                self.status.pop((node_id, direction), None)
                running.set()

    def _walk(
        self, node: LineageNode, direction: Direction, cursor: Any | None, *, count: bool = True
    ) -> _Page:
        """One page of neighbours from the source, resuming ``cursor`` if given (no lock held:
        this is the slow part). Also counts the new nodes' neighbours, as hints for the page
        (unless ``count`` is False: a refresh counts only the nodes that were new)."""
        page = self.source.page(node, direction, cursor, self.source.page_size)
        nodes = [self.source.to_node(obj) for obj in page.items]
        counts = self.source.neighbour_counts(nodes) if nodes and count else {}
        return _Page(nodes, page.cursor, page.total, counts)

    def _count(self, nodes: Iterable[LineageNode]) -> None:
        """Ask the source (no lock held) for the neighbour counts :meth:`more` will read, for
        the nodes with a walk not done and no count yet."""
        with self.lock:
            todo = [
                n
                for n in nodes
                if any(
                    not self._is_fetched(n.id, d) and (n.id, d) not in self._totals
                    for d in DIRECTIONS
                )
            ]
        if not todo:
            return
        try:
            counts = self.source.neighbour_counts(todo)
        except Exception:  # a count is a hint: without it the node still offers to expand
            return
        with self.lock:
            for key, count in counts.items():
                self._totals.setdefault(key, count)

    def _drawn_at(self, node_id: str) -> float:
        return self.drawn_orders.get(node_id, self.orders[node_id])

    def _land(
        self,
        node: LineageNode,
        direction: Direction,
        found: list[LineageNode],
        *,
        keep_places: bool = False,
    ) -> list[LineageNode]:
        """Add one walk's result to the graph (under the lock); returns the new nodes.

        ``keep_places``: the neighbours known already are drawn (a refresh), so the new ones go
        after them in their column rather than around ``node``, and nothing shown moves."""
        new: list[LineageNode] = []
        count = len(found)
        level = self.levels[node.id] + (-1 if direction == "upstream" else 1)
        if keep_places:
            known = [self._drawn_at(n) for n in self._known_neighbours(node.id, direction)]
            after = max(known, default=self._drawn_at(node.id) - 1.0) + 1.0
        for index, other in enumerate(found):
            if other.id not in self.graph:
                self.found_by[other.id] = (node.id, direction)
                if keep_places:
                    order = after + len(new)
                else:
                    order = self._drawn_at(node.id) + index - (count - 1) / 2
                self._place(other, level=level, order=order)
                new.append(other)
            elif self.graph.node(other.id) != other:
                self.graph.add_node(other)  # fresher fields, same place
            edge = (other.id, node.id) if direction == "upstream" else (node.id, other.id)
            self._add_edge(*edge)
            self._point_forwards(*edge, moved=other.id)
        return new

    def reveal(self, target: str) -> str:
        """Make ``target`` known, with the path linking it to what is shown; returns its id in
        the graph, which is ``target`` unless the source found it under its own id (a W&B alias
        such as ``model:best`` is the version ``model:v3``).

        ``KeyError`` when the source cannot find it.
        """
        with self.lock:
            if target in self.graph:
                return target
            known = list(self.graph)
        found = self.source.find_path(target, known)  # may be slow: no lock held
        if found is None:
            raise KeyError(
                f"node {target!r} is not shown and the source cannot locate it; "
                "expand towards it first"
            )
        target_node, path = found
        self._count({n.id: n for n in [target_node, *(n for e in path for n in e)]}.values())
        with self.lock:
            if self._reveal(found):
                self.steps.append(FocusStep(focus=target))
        return target_node.id

    def replay(self, steps: Iterable[Step]) -> list[str]:
        """Take ``steps`` (from another explorer's :attr:`steps`) again, in order, asking the
        source as they did. Returns what could not be done (a node the source no longer has, a
        walk that failed), one line each; the rest is done."""
        problems = []
        for step in steps:
            target, direction = parse_step(step)
            try:
                if direction is None:
                    self.reveal(target)
                elif target not in self.graph:
                    problems.append(f"cannot expand {target!r}: it is not in the graph")
                else:
                    self.fetch(target, direction)
            except Exception as exc:  # one step failing leaves the others to do
                problems.append(f"{target!r}: {describe(exc)}")
        return problems

    def _reveal(self, found: tuple[LineageNode, list[tuple[LineageNode, LineageNode]]]) -> bool:
        target_node, path = found
        if not path:  # not linked to anything shown: a column of its own at the right
            level = max(self.levels.values(), default=-2) + 2
            self._place(target_node, level=level, order=0.0)
            return True
        for src, dst in path:
            known, other, step = (dst, src, -1) if dst.id in self.graph else (src, dst, 1)
            if other.id not in self.graph:
                self._place(
                    other, level=self.levels[known.id] + step, order=self._drawn_at(known.id)
                )
            self._add_edge(src.id, dst.id)
            self._point_forwards(src.id, dst.id, moved=other.id)
        return True

    # ---- what the browser shows --------------------------------------------------------

    def more(self, node_id: str, direction: Direction) -> int:
        """-1: not fetched, count unknown; 0: nothing more; n: n neighbours not shown yet.

        Reads the counts taken as nodes arrived: never asks the source (it runs under the lock).
        """
        if self._is_fetched(node_id, direction):
            return 0
        total = self._totals.get((node_id, direction))
        if total is None:
            return -1
        return max(0, total - len(self._known_neighbours(node_id, direction)))

    def is_loading(self, node_id: str, direction: Direction) -> bool:
        status = self.status.get((node_id, direction))
        return status is not None and status.state == "loading"

    def take_pending(self) -> Changes:
        pending, self.pending = self.pending, Changes()
        return pending

    # ---- nodes as the user names them -------------------------------------------------

    def id_of(self, node: Any) -> str:
        """The id of a node given as an id, a :class:`LineageNode` or the source's object."""
        if isinstance(node, LineageNode):
            return node.id
        if isinstance(node, str):
            return node
        if isinstance(node, Hashable) and node_id_of(node) in self.graph:
            return node_id_of(node)  # ints, tuples: their string ids
        try:
            record = self.source.to_node(node)
        except Exception:  # not an object of this source: refused by id below
            record = None
        if isinstance(record, LineageNode):
            return record.id
        if isinstance(node, Hashable):
            return node_id_of(node)
        raise TypeError(
            f"not a node id, node record or {type(self.source).__name__} object: "
            f"{type(node).__name__} {node!r:.200}"
        )

    def ids_of(self, nodes: Any) -> list[str]:
        """The ids of ``nodes``: one node (an id, a record, an object) or an iterable of them."""
        if isinstance(nodes, str | LineageNode) or (
            isinstance(nodes, Hashable) and node_id_of(nodes) in self.graph  # a tuple id, say
        ):
            return [self.id_of(nodes)]
        try:
            many = list(nodes)
        except TypeError:
            return [self.id_of(nodes)]  # a source object
        return [self.id_of(node) for node in many]

    # ---- internals ---------------------------------------------------------------------

    def _is_fetched(self, node_id: str, direction: Direction) -> bool:
        return self._complete or (node_id, direction) in self._fetched

    def _known_neighbours(self, node_id: str, direction: Direction) -> list[str]:
        # Ids only: building the records cost O(fan-out) lookups on every page of a big walk.
        ids = (
            self.graph.producer_ids(node_id)
            if direction == "upstream"
            else self.graph.consumer_ids(node_id)
        )
        return list(ids)

    def _check_neighbour(self, node: LineageNode, other: LineageNode) -> None:
        if other.kind == node.kind:
            raise ValueError(
                f"the source linked {node.kind} {node.id!r} to {other.kind} {other.id!r}; "
                "lineage links a run and an artifact"
            )
        if other.id in self.graph and self.graph.node(other.id).kind != other.kind:
            raise ValueError(
                f"the source returned {other.kind} {other.id!r}, "
                f"but that id is already a {self.graph.node(other.id).kind}"
            )

    def _place(self, node: LineageNode, *, level: int, order: float) -> None:
        self.graph.add_node(node)
        self.levels[node.id] = level
        self.orders[node.id] = order
        self.pending.nodes[node.id] = None

    def _columns_changed(self) -> None:
        """A whole graph's columns, as laid out, no longer hold (see ColumnOrders)."""
        if isinstance(self.orders, ColumnOrders):
            self.orders.columns_changed()

    def _add_edge(self, src: str, dst: str) -> None:
        if not self.graph.has_edge(src, dst):
            self.graph.add_edge(src, dst)
            self._columns_changed()
            self.pending.edges.append((src, dst))
            self.pending.nodes[src] = None  # their counts of what is left changed
            self.pending.nodes[dst] = None

    def _point_forwards(self, src: str, dst: str, *, moved: str) -> None:
        """Keep ``level[src] < level[dst]`` by pushing ``moved`` (and beyond) away."""
        if self.levels[src] < self.levels[dst]:
            return
        self._columns_changed()
        # Push left through ancestors when the input moves, right through descendants otherwise.
        leftwards = moved == src
        queue = [(src, dst)]
        budget = 4 * len(self.graph)  # a cycle would push forever; give up on it instead
        while queue and budget:
            budget -= 1
            up, down = queue.pop()
            if self.levels[up] < self.levels[down]:
                continue
            if leftwards:
                self.levels[up] = self.levels[down] - 1
                self.pending.nodes[up] = None
                queue.extend((p, up) for p in self._known_neighbours(up, "upstream"))
            else:
                self.levels[down] = self.levels[up] + 1
                self.pending.nodes[down] = None
                queue.extend((down, c) for c in self._known_neighbours(down, "downstream"))

    def _set_status(self, node_id: str, direction: Direction, status: FetchStatus | None) -> None:
        if status is None:
            self.status.pop((node_id, direction), None)
        else:
            self.status[(node_id, direction)] = status
        if self.on_status is not None:
            state: WalkState = "idle" if status is None else status.state
            self.on_status(node_id, direction, state, status.error if status else None)


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
