"""A lineage held in memory: a LineageGraph (or a networkx graph) walked like the W&B API."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import cast

from ..graph import LineageGraph, LineageNode
from .base import Direction, LineageSource


class GraphSource(LineageSource):
    """Walks a complete, in-memory :class:`LineageGraph`. Objects are its node records."""

    def __init__(self, graph: LineageGraph) -> None:
        self.graph = graph

    def to_node(self, obj: LineageNode) -> LineageNode:
        return obj

    def logged_by(self, artifact: LineageNode) -> LineageNode | None:
        producers = self.graph.producers(artifact.id)
        return producers[0] if producers else None

    def used_by(self, artifact: LineageNode) -> list[LineageNode]:
        return self.graph.consumers(artifact.id)

    def used_artifacts(self, run: LineageNode) -> list[LineageNode]:
        return self.graph.producers(run.id)

    def logged_artifacts(self, run: LineageNode) -> list[LineageNode]:
        return self.graph.consumers(run.id)

    def neighbours(self, node: LineageNode, direction: Direction) -> list[LineageNode]:
        # Every producer, not only the first: a hand-made graph may give an artifact two.
        if direction == "upstream":
            return self.graph.producers(node.id)
        return self.graph.consumers(node.id)

    def walks_changed_since(self, known: LineageGraph) -> list[tuple[str, Direction]] | None:
        # The graph itself says what changed, if the walks read it as it is: a subclass may
        # answer its own way (its pages, its records), and is walked again whole.
        if type(self) is not GraphSource:
            return None
        for _ in range(3):  # (a cell adding to the graph meanwhile: read it again)
            try:
                return cast("list[tuple[str, Direction]]", self.graph.walks_changed_since(known))
            except RuntimeError:  # a neighbour dict changed size while it was read
                continue
        return None

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int:
        return len(GraphSource.neighbours(self, node, direction))

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        if target not in self.graph:
            return None
        path = self.graph.nearest_path(known, target) or [target]
        edges = []
        for a, b in pairwise(path):
            src, dst = (a, b) if self.graph.has_edge(a, b) else (b, a)
            edges.append((self.graph.node(src), self.graph.node(dst)))
        return self.graph.node(target), edges
