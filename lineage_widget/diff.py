"""Lineage diffs: what differs between where two nodes came from.

"What changed between model:v3 and model:v7?" Each side is a node's upstream lineage (the node
included). Nodes on both sides are shared; the rest pair up where they stand in for each other:
two versions of the same artifact, and two runs in the same place (the runs that logged a pair of
versions, or runs of one name) whose config differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import LineageGraph, LineageNode

# Where the sources keep a run's settings in a node's details (Trackio/W&B: config, MLflow: params).
_CONFIG_KEYS = ("Config", "config", "Params", "params")
_MISSING = object()


@dataclass(frozen=True)
class Changed:
    """Two nodes that stand in for each other on the two sides, and what differs between them.

    ``keys`` are the differing field names: ``"version"`` for two versions of one artifact, the
    config keys (dotted for nested dicts) for two runs, detail labels for the rest.
    """

    a: LineageNode
    b: LineageNode
    keys: tuple[str, ...]


@dataclass(frozen=True)
class LineageDiff:
    """The upstream lineages of ``a`` and ``b`` compared (see :meth:`LineageGraph.diff`)."""

    a: str
    b: str
    only_a: list[LineageNode]
    only_b: list[LineageNode]
    shared: list[LineageNode]
    changed: list[Changed]

    def side(self, node_id: str) -> str | None:
        """``"a"``, ``"b"`` or ``"both"``: the side ``node_id`` is on, or None if on neither."""
        for name, nodes in (("both", self.shared), ("a", self.only_a), ("b", self.only_b)):
            if any(node.id == node_id for node in nodes):
                return name
        return None


def diff(graph: LineageGraph, a: str, b: str) -> LineageDiff:
    """Compare the upstream lineages of ``a`` and ``b`` in ``graph`` (each including itself)."""
    side_a = [graph.node(a), *graph.upstream(a)]  # nearest first
    side_b = [graph.node(b), *graph.upstream(b)]
    ids_a = {node.id for node in side_a}
    ids_b = {node.id for node in side_b}
    only_a = [node for node in side_a if node.id not in ids_b]
    only_b = [node for node in side_b if node.id not in ids_a]
    shared = [node for node in side_a if node.id in ids_b]

    changed: list[Changed] = []
    paired: set[str] = set()

    def pair(x: LineageNode, y: LineageNode, keys: tuple[str, ...]) -> None:
        paired.update((x.id, y.id))
        changed.append(Changed(x, y, keys))

    # Versions of one artifact, nearest to the compared nodes first.
    versions_b: dict[tuple[str, str], list[LineageNode]] = {}
    for node in only_b:
        if node.kind == "artifact":
            versions_b.setdefault((node.type, _base_name(node)), []).append(node)
    artifact_pairs = []
    for x in only_a:
        candidates = versions_b.get((x.type, _base_name(x))) if x.kind == "artifact" else None
        if candidates:
            y = candidates.pop(0)
            artifact_pairs.append((x, y))
            pair(x, y, ("version", *_differing_details(x, y)))

    # Runs in the same place: the producers of a pair of versions, then runs of one name.
    run_pairs = []
    for x, y in artifact_pairs:
        producers_x = [p for p in graph.producers(x.id) if p.id in ids_a and p.id not in ids_b]
        producers_y = [p for p in graph.producers(y.id) if p.id in ids_b and p.id not in ids_a]
        if len(producers_x) == 1 and len(producers_y) == 1:
            run_pairs.append((producers_x[0], producers_y[0]))
    runs_b = {node.name: node for node in only_b if node.kind == "run"}
    for x in only_a:
        if x.kind == "run" and x.name in runs_b:
            run_pairs.append((x, runs_b[x.name]))
    for x, y in run_pairs:
        if x.id in paired or y.id in paired:
            continue
        keys = _differing_config(x, y)
        if keys:
            pair(x, y, keys)
    return LineageDiff(a, b, only_a, only_b, shared, changed)


def _base_name(node: LineageNode) -> str:
    """An artifact's name without its version (``processed`` for ``processed:v1``)."""
    if node.version and node.name.endswith(f":{node.version}"):
        return node.name[: -len(node.version) - 1]
    return node.name


def config_of(node: LineageNode) -> Mapping[str, Any]:
    """A run's settings as its source put them in its details (empty when there are none)."""
    for key in _CONFIG_KEYS:
        value = node.details.get(key)
        if isinstance(value, Mapping):
            return value
    return {}


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _differing_config(x: LineageNode, y: LineageNode) -> tuple[str, ...]:
    config_x, config_y = _flatten(config_of(x)), _flatten(config_of(y))
    return tuple(
        sorted(
            key
            for key in config_x.keys() | config_y.keys()
            if config_x.get(key, _MISSING) != config_y.get(key, _MISSING)
        )
    )


def _differing_details(x: LineageNode, y: LineageNode) -> list[str]:
    """Detail labels whose values differ, but those that name the node itself (its id, full
    name, version)."""
    own = {"Full name", "Version", "Id", "ID", "Run id"}
    labels = (x.details.keys() | y.details.keys()) - own
    return sorted(
        label
        for label in labels
        if x.details.get(label, _MISSING) != y.details.get(label, _MISSING)
    )


def differences(pair: Changed) -> list[tuple[str, Any, Any]]:
    """What differs between a changed pair, key by key: ``(key, value on a, value on b)``.

    A config key (dotted for nested dicts) is read from the runs' config, ``version`` from the
    artifacts' versions, any other key from their details; a key one side lacks gives None."""
    config_a, config_b = _flatten(config_of(pair.a)), _flatten(config_of(pair.b))
    rows = []
    for key in pair.keys:
        if key == "version":
            rows.append((key, pair.a.version, pair.b.version))
        elif key in config_a or key in config_b:
            rows.append((key, config_a.get(key), config_b.get(key)))
        else:
            rows.append((key, pair.a.details.get(key), pair.b.details.get(key)))
    return rows
