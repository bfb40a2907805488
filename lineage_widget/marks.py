"""What the page marks on the drawn nodes beyond their kind: the colour-by colours with their
legend, and the sides of a lineage diff. Both travel to the page as small synced traits (node
id -> colour or side), kept current with the view: the page paints them over the nodes it has.
"""

from __future__ import annotations

from typing import Any

from . import protocol
from ._payload import as_text
from .clusters import Clustering
from .colors import ColorBy, Coloring, color_nodes
from .diff import LineageDiff, differences
from .graph import LineageGraph, LineageNode


def shown_nodes(graph: LineageGraph, clustering: Clustering) -> list[LineageNode]:
    """The nodes the view shows: drawn as themselves or in a cluster."""
    ids = clustering.drawn_nodes()
    for cluster in clustering.cluster_ids():
        ids.extend(clustering.member_ids(cluster))
    return [graph.node(node_id) for node_id in ids]


def coloring_state(
    graph: LineageGraph, clustering: Clustering, color_by: ColorBy | None
) -> dict[str, Any]:
    """The ``_coloring`` trait: ``{"legend", "nodes": {id: colour}, "values": {id: value},
    "clusters": {id: {"min", "max", "colors"} | {"categories", "colors"}}}``; empty without a
    ``color_by``. The scale spans what the view shows."""
    if color_by is None:
        return {}
    coloring = color_nodes(shown_nodes(graph, clustering), color_by)
    drawn = clustering.drawn_nodes()
    return {
        "legend": coloring.legend,
        "nodes": {n: coloring.colors[n] for n in drawn if n in coloring.colors},
        "values": {n: coloring.values[n] for n in drawn if n in coloring.values},
        "clusters": _cluster_ranges(clustering, coloring),
    }


def _cluster_ranges(clustering: Clustering, coloring: Coloring) -> dict[str, Any]:
    """Each cluster's span of the values of its members, with the colours at its ends (numbers)
    or of its categories (strings)."""
    ranges: dict[str, Any] = {}
    for cluster in clustering.cluster_ids():
        members = [m for m in clustering.member_ids(cluster) if m in coloring.values]
        span = coloring.range_of(members)
        if span is None:
            continue
        if "categories" in span:
            palette = dict(coloring.legend["categories"])
            span["colors"] = [palette[label] for label in span["categories"]]
        else:
            ordered = sorted(members, key=lambda m: coloring.values[m])
            span["colors"] = [coloring.colors[ordered[0]], coloring.colors[ordered[-1]]]
        ranges[cluster] = span
    return ranges


def diff_state(
    graph: LineageGraph, clustering: Clustering, comparison: LineageDiff | None
) -> dict[str, Any]:
    """The ``_diff`` trait: ``{"a", "b", "labels": {"a", "b"}, "nodes": {id: "a" | "b" |
    "both"}, "clusters": {id: side | "mixed"}, "changed": {id: the id it pairs with}}``; empty
    when nothing is compared."""
    if comparison is None:
        return {}
    sides: dict[str, str] = {}
    for side, nodes in (
        ("both", comparison.shared),
        ("a", comparison.only_a),
        ("b", comparison.only_b),
    ):
        sides.update((node.id, side) for node in nodes)
    changed: dict[str, str] = {}
    for pair in comparison.changed:
        changed[pair.a.id] = pair.b.id
        changed[pair.b.id] = pair.a.id
    clusters = {}
    for cluster in clustering.cluster_ids():
        found = {sides[m] for m in clustering.member_ids(cluster) if m in sides}
        if found:
            clusters[cluster] = found.pop() if len(found) == 1 else "mixed"
    drawn = set(clustering.drawn_nodes())
    return {
        "a": comparison.a,
        "b": comparison.b,
        "labels": {"a": graph.node(comparison.a).label, "b": graph.node(comparison.b).label},
        "nodes": {n: side for n, side in sides.items() if n in drawn},
        "clusters": clusters,
        "changed": {n: other for n, other in changed.items() if n in drawn},
    }


def diff_details(comparison: LineageDiff | None, node_id: str) -> protocol.DiffDetails | None:
    """What the details panel of a node in a changed pair shows: its side, the node it pairs
    with, and each differing key with both values (as text); None for any other node."""
    if comparison is None:
        return None
    for pair in comparison.changed:
        if node_id in (pair.a.id, pair.b.id):
            rows = [[key, _text(x), _text(y)] for key, x, y in differences(pair)]
            if node_id == pair.a.id:
                return {"side": "a", "other": pair.b.id, "other_label": pair.b.label, "rows": rows}
            return {"side": "b", "other": pair.a.id, "other_label": pair.a.label, "rows": rows}
    return None


def _text(value: Any) -> str:
    return "—" if value is None else as_text(value)[0]
