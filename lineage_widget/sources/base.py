"""What the widget asks of a lineage source: the four walks of the W&B public API.

A source answers for *objects* (whatever it hands out: a W&B ``Artifact``, a node record, ...)
and turns each object into a :class:`~lineage_widget.graph.LineageNode` carrying it in ``obj``.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Literal

from ..graph import LineageGraph, LineageNode

Direction = Literal["upstream", "downstream"]
DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream")


def check_direction(direction: str) -> Direction:
    """``direction`` itself if it is "upstream" or "downstream"; a ValueError naming it if not."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'upstream' or 'downstream', got {direction!r}")
    return direction  # type: ignore[return-value,unused-ignore]


def optional_text(value: Any) -> str | None:
    """A field as text, or None when it is missing or empty."""
    return None if value is None or value == "" else str(value)


LIST_AT_MOST = 20
"""An error message lists what exists when there is no more than this."""


def what_exists(kind: str, names: Sequence[str], *, complete: bool = True) -> str:
    """What an error message says exists of ``kind``: the names when there are few, else how
    many (``complete=False``: ``names`` were read up to ``LIST_AT_MOST + 1``, so "more than")."""
    if not names:
        return f"it has no {kind}"
    if len(names) > LIST_AT_MOST:
        many = len(names) if complete else f"more than {LIST_AT_MOST}"
        return f"it has {many} {kind}"
    return f"{kind}: {', '.join(names)}"


@dataclass(frozen=True)
class Page:
    """One page of a walk, as a source answers it.

    ``items`` are source objects; ``cursor`` resumes the walk on the next call to
    :meth:`LineageSource.page` (None: the walk is done); ``total`` is the number of neighbours in
    all when the source knows it.
    """

    items: list[Any]
    cursor: Any | None = None
    total: int | None = None


@dataclass
class IteratorCursor:
    """The cursor :meth:`LineageSource.page` uses by default: the walk's one iterator.

    A walk is iterated once (a W&B ``RunArtifacts`` paginator restarts at its first item on
    every ``iter()``). A cursor handed back after a failed or abandoned page may have been read
    part way: it is then rebuilt from a new walk, skipping the ``taken`` items that landed.
    """

    items: Iterator[Any]
    taken: int
    total: int | None
    in_use: bool = field(default=False)


class LineageSource(ABC):
    """A lineage to walk hop by hop, as the W&B public API does."""

    page_size: int | None = None
    """Neighbours taken from one walk at a time (the rest on the next expand); None: all."""

    @abstractmethod
    def to_node(self, obj: Any) -> LineageNode:
        """The node record for ``obj`` (its ``obj`` field set to ``obj``)."""

    @abstractmethod
    def logged_by(self, artifact: Any) -> Any | None:
        """The run that logged ``artifact``, or None (an artifact made by hand)."""

    @abstractmethod
    def used_by(self, artifact: Any) -> Iterable[Any]:
        """The runs that used ``artifact`` as an input."""

    @abstractmethod
    def used_artifacts(self, run: Any) -> Iterable[Any]:
        """The artifacts ``run`` used (its inputs)."""

    @abstractmethod
    def logged_artifacts(self, run: Any) -> Iterable[Any]:
        """The artifacts ``run`` logged (its outputs)."""

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int | None:
        """How many neighbours ``node`` has in ``direction``, if known without a walk."""
        del node, direction
        return None

    def neighbour_counts(self, nodes: Sequence[LineageNode]) -> dict[tuple[str, Direction], int]:
        """Neighbour counts of a page of nodes found by a walk, as hints for the page.

        The default asks :meth:`neighbour_count` per node and direction; a source that can count
        a whole page in one query should override this. A count that fails is left out.
        """
        counts: dict[tuple[str, Direction], int] = {}
        for node in nodes:
            for direction in DIRECTIONS:
                try:
                    count = self.neighbour_count(node, direction)
                except Exception:  # a count is a hint: without it the node still expands
                    continue
                if count is not None:
                    counts[(node.id, direction)] = count
        return counts

    def page(
        self, node: LineageNode, direction: Direction, cursor: Any | None, limit: int | None
    ) -> Page:
        """One page of at most ``limit`` neighbours (None: all), resuming ``cursor``.

        ``cursor`` is None for a new walk, else the :attr:`Page.cursor` of the page before. The
        default reads :meth:`neighbours` once per walk and pages through that one iterator; a
        source that can page at the server (by cursor or offset) should override this so that a
        page costs a request or two, whatever the fan-out.
        """
        state = cursor if isinstance(cursor, IteratorCursor) else None
        if state is None or state.in_use:
            found = self.neighbours(node, direction)
            skip = 0 if state is None else state.taken
            items = _iterate_once(found)
            if skip:
                items = itertools.islice(items, skip, None)
            state = IteratorCursor(items, skip, _length(found))
        state.in_use = True
        objs = list(state.items) if limit is None else list(itertools.islice(state.items, limit))
        taken = state.taken + len(objs)
        done = (
            limit is None or len(objs) < limit or (state.total is not None and taken >= state.total)
        )
        following = None if done else IteratorCursor(state.items, taken, state.total)
        return Page(objs, following, state.total)

    def forget(self) -> None:
        """Drop what the source keeps of earlier answers: the walks that follow ask afresh
        (a refresh). The default keeps nothing."""
        return

    def walks_changed_since(self, known: LineageGraph) -> list[tuple[str, Direction]] | None:
        """For a refresh of a graph shown whole (``known``, read from this source and grown by
        walks since): the walks whose answers may have changed. None (the default): the source
        cannot tell, and every node is walked again both ways."""
        return None

    def original(self, node: LineageNode) -> Any:
        """The object ``node`` stands for, as the selection hands it back (the node record
        itself when it has none). A source whose walks bring only fields makes it here."""
        return node if node.obj is None else node.obj

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        """Locate ``target`` and the edges ``(src, dst)`` linking it to one of ``known``.

        The edges come in order from the known end; an empty list means ``target`` is not linked
        to anything known. None when the source cannot locate ``target`` without walking to it.
        """
        del target, known
        return None

    def walk_to_known(
        self, target: LineageNode, known: Sequence[str], *, hops: int = 4, walks: int = 12
    ) -> list[tuple[LineageNode, LineageNode]] | None:
        """The edges linking ``target`` to the nearest of ``known``, from the known end, found
        by a breadth-first search from ``target`` over the first page of each walk (both ways),
        at most ``hops`` hops and ``walks`` nodes walked; ``[]`` when the search ran out of
        nodes (nothing known is linked), None when it stopped at its bounds first.

        For a source that can look a node up by id but not search the lineage in one query:
        :meth:`find_path` for a node not shown yet costs the lookup and a few pages.
        """
        wanted = set(known)
        reached: dict[str, tuple[LineageNode, LineageNode] | None] = {target.id: None}
        frontier = [target]
        for _ in range(hops):
            after: list[LineageNode] = []
            for node in frontier:
                if walks == 0:
                    return None
                walks -= 1
                for direction in DIRECTIONS:
                    found = self.page(node, direction, None, self.page_size).items
                    for other in map(self.to_node, found):
                        if other.id in reached:
                            continue
                        edge = (other, node) if direction == "upstream" else (node, other)
                        reached[other.id] = edge
                        if other.id in wanted:
                            return _edges_back(other.id, reached)
                        after.append(other)
            if not after:
                return []
            frontier = after
        return None

    def neighbours(self, node: LineageNode, direction: Direction) -> Iterable[Any]:
        """One hop from ``node``: the walk that fits its kind and ``direction``.

        May be lazy (a paginated W&B result): the explorer reads it a page at a time.
        """
        obj = node.obj
        if node.kind == "artifact":
            if direction == "upstream":
                producer = self.logged_by(obj)
                return [] if producer is None else [producer]
            return self.used_by(obj)
        if direction == "upstream":
            return self.used_artifacts(obj)
        return self.logged_artifacts(obj)


class PagedSource(LineageSource):
    """A source that answers :meth:`page` itself (paged in SQL, or by a search's page token):
    the four W&B-style walks are read here from its pages, page after page, so that each
    source writes its queries once.

    ``walk_page`` is how many neighbours one page of a whole walk asks for (None: all at once).
    """

    walk_page: int | None = None

    @abstractmethod
    def page(
        self, node: LineageNode, direction: Direction, cursor: Any | None, limit: int | None
    ) -> Page:
        """One page of at most ``limit`` neighbours (None: all), resuming ``cursor``."""

    def walk(self, obj: Any, direction: Direction) -> list[Any]:
        """Every neighbour of ``obj`` in ``direction``, read page after page."""
        node = self.to_node(obj)
        items: list[Any] = []
        cursor = None
        while True:
            page = self.page(node, direction, cursor, self.walk_page)
            items += page.items
            cursor = page.cursor
            if cursor is None:
                return items

    def logged_by(self, artifact: Any) -> Any | None:
        producers = self.walk(artifact, "upstream")
        return producers[0] if producers else None

    def used_by(self, artifact: Any) -> list[Any]:
        return self.walk(artifact, "downstream")

    def used_artifacts(self, run: Any) -> list[Any]:
        return self.walk(run, "upstream")

    def logged_artifacts(self, run: Any) -> list[Any]:
        return self.walk(run, "downstream")


def _edges_back(
    start: str, reached: dict[str, tuple[LineageNode, LineageNode] | None]
) -> list[tuple[LineageNode, LineageNode]]:
    """The edges a search took to reach ``start``, from ``start`` back to where it began."""
    edges = []
    current = start
    while (edge := reached[current]) is not None:
        edges.append(edge)
        src, dst = edge
        current = dst.id if src.id == current else src.id
    return edges


def _iterate_once(found: Iterable[Any]) -> Iterator[Any]:
    """``found``'s items through one ``iter()``: later ``islice`` calls on the result do not
    call ``found.__iter__`` again (a W&B paginator rewinds there)."""
    yield from found


def _length(found: Iterable[Any]) -> int | None:
    """The length of a walk's result if it tells it cheaply (a list, a W&B paginator)."""
    if not isinstance(found, Sized):
        return None
    try:
        return len(found)
    except Exception:  # some paginators cannot tell before loading
        return None
