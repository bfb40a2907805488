"""Kernel -> browser message bodies (shapes declared in js/src/protocol.ts).

Nodes travel column by column, and only their display fields: the original objects and the
preview details stay in the kernel until a node is clicked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .explorer import Explorer
from .sources.base import DIRECTIONS

MAX_VALUE_CHARS = 2000


def node_columns(explorer: Explorer, ids: Iterable[str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        "id": [],
        "kind": [],
        "type": [],
        "label": [],
        "level": [],
        "order": [],
        "more_up": [],
        "more_down": [],
    }
    for node_id in ids:
        node = explorer.graph.node(node_id)
        columns["id"].append(node.id)
        columns["kind"].append(node.kind)
        columns["type"].append(node.type)
        columns["label"].append(node.label)
        columns["level"].append(explorer.levels[node_id])
        columns["order"].append(explorer.orders[node_id])
        columns["more_up"].append(explorer.more(node_id, "upstream"))
        columns["more_down"].append(explorer.more(node_id, "downstream"))
    return columns


def edge_columns(edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    sources, targets = [], []
    for src, dst in edges:
        sources.append(src)
        targets.append(dst)
    return {"source": sources, "target": targets}


def snapshot(explorer: Explorer) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "root": explorer.root,
        "nodes": node_columns(explorer, explorer.graph),
        "edges": edge_columns(explorer.graph.edges()),
        "status": [
            {"id": node_id, "direction": direction, "state": s.state, "error": s.error}
            for (node_id, direction), s in explorer.status.items()
        ],
    }


def delta(
    explorer: Explorer, nodes: Iterable[str], edges: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "type": "delta",
        "nodes": node_columns(explorer, nodes),
        "edges": edge_columns(edges),
    }


def details(explorer: Explorer, node_id: str) -> dict[str, Any]:
    """The preview of one node: W&B's drawer fields, then the source's own details."""
    graph = explorer.graph
    node = graph.node(node_id)
    fields: list[tuple[str, Any]] = [("Name", node.label)]
    if node.kind == "artifact":
        fields += [("Type", node.type), ("Version", node.version), ("Aliases", node.aliases)]
    else:
        fields += [("Job type", node.type)]
    fields.append(("Created", node.created_at))
    fields += list(node.details.items())
    if node.kind == "artifact":
        producers = graph.producers(node_id)
        if producers:
            fields.append(("Logged by", ", ".join(p.label for p in producers)))
    fields.append(("ID", node.id))
    return {
        "type": "details",
        "id": node_id,
        "fields": [[str(label), as_text(value)] for label, value in fields if not _empty(value)],
        "inputs": len(graph.producers(node_id)) + max(0, explorer.more(node_id, DIRECTIONS[0])),
        "outputs": len(graph.consumers(node_id)) + max(0, explorer.more(node_id, DIRECTIONS[1])),
    }


def as_text(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A detail value as display text: strings as they are, containers as JSON."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(
            value, default=str, ensure_ascii=False, sort_keys=isinstance(value, Mapping)
        )
    else:
        text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    return text


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | Mapping | list | tuple) and len(value) == 0)
