"""What the widget asks of a lineage source: the four walks of the W&B public API.

A source answers for *objects* (whatever it hands out: a W&B ``Artifact``, a node record, ...)
and turns each object into a :class:`~lineage_widget.graph.LineageNode` carrying it in ``obj``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from ..graph import LineageNode

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

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        """Locate ``target`` and the edges ``(src, dst)`` linking it to one of ``known``.

        The edges come in order from the known end; an empty list means ``target`` is not linked
        to anything known. None when the source cannot locate ``target`` without walking to it.
        """
        del target, known
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
