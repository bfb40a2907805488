"""Kernel -> browser message bodies, built as the types of protocol.py (js/src/protocol.ts).

Nodes travel column by column, and only their display fields: the original objects and the
preview details stay in the kernel until a node is clicked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

from . import protocol
from .clusters import Clustering, ViewDelta, ViewEdge
from .explorer import Explorer, describe
from .graph import LineageNode
from .sources.base import DIRECTIONS, Direction

MAX_VALUE_CHARS = 2_000  # a preview's value, cut
MAX_FULL_CHARS = 2_000_000  # the same value when the user asks to see all of it


def node_columns(
    explorer: Explorer, clustering: Clustering, ids: Iterable[str]
) -> protocol.NodeColumns:
    columns = protocol.empty_columns(protocol.NodeColumns)
    pulled_out = clustering.pulled_out
    inaccessible: list[str | None] = []
    for node_id in ids:
        node = explorer.graph.node(node_id)
        columns["id"].append(node.id)
        columns["kind"].append(node.kind)
        columns["type"].append(node.type)
        columns["label"].append(node.label)
        columns["level"].append(explorer.levels[node_id])
        columns["order"].append(clustering.order(node_id))
        columns["more_up"].append(clustering.more(node_id, "upstream"))
        columns["more_down"].append(clustering.more(node_id, "downstream"))
        columns["pulled_out"].append(node_id in pulled_out)
        inaccessible.append(node.inaccessible)
    if any(inaccessible):  # rare: sent only with a node the source could not read
        columns["inaccessible"] = inaccessible
    states = [run_state(explorer.graph.node(node_id)) for node_id in columns["id"]]
    if any(states):  # sent only with a run in a state worth showing
        columns["run_state"] = states
    return cast("protocol.NodeColumns", columns)


# A run's state as the sources put it in its details (W&B: "State"; others: "Status").
_STATE_KEYS = ("State", "state", "Status", "status")
# States a run's node always shows (a finished run shows none: it is the usual case).
RUN_STATES = ("running", "failed", "crashed", "killed", "preempted")


def run_state(node: LineageNode) -> str | None:
    """``node``'s state if it is a run in one of ``RUN_STATES``, else None."""
    if node.kind != "run":
        return None
    for key in _STATE_KEYS:
        value = node.details.get(key)
        if isinstance(value, str) and value.lower() in RUN_STATES:
            return value.lower()
    return None


def cluster_columns(
    explorer: Explorer, clustering: Clustering, ids: Iterable[str]
) -> protocol.ClusterColumns:
    columns = protocol.empty_columns(protocol.ClusterColumns)
    for cid in ids:
        key = clustering.group_key(cid)
        level, kind, type_ = key
        members = clustering.member_ids(cid)
        columns["id"].append(cid)
        columns["kind"].append(kind)
        columns["type"].append(type_)
        columns["level"].append(level)
        columns["order"].append(clustering.cluster_order(key))
        columns["count"].append(len(members))
        columns["version"].append(clustering.versions[cid])
        feeder = _feeder(explorer, members)
        columns["more"].append(feeder[2] if feeder else 0)
        columns["more_from"].append(feeder[0] if feeder else None)
        columns["more_direction"].append(feeder[1] if feeder else None)
    return cast("protocol.ClusterColumns", columns)


def _feeder(explorer: Explorer, members: Iterable[str]) -> tuple[str, Direction, int] | None:
    """An unfinished walk that brought members of a cluster and has more of them to bring (a
    dataset used by 5,000 runs, shown a page at a time). Returns (its node id, the direction to
    expand, how many more: -1 if unknown)."""
    if not explorer.found_by:  # (a graph shown whole: no walk brought anything)
        return None
    seen: set[tuple[str, Direction]] = set()
    for member in members:
        walk = explorer.found_by.get(member)
        if walk is None or walk in seen:
            continue
        seen.add(walk)
        more = explorer.more(*walk)
        if more:
            return walk[0], walk[1], more
    return None


def edge_columns(clustering: Clustering, edges: Iterable[ViewEdge]) -> protocol.EdgeColumns:
    """Drawn edges; ``count`` is how many lineage edges each stands for (more than 1 only at
    clusters); ``back`` marks an edge that closes a cycle (it points right to left)."""
    sources, targets, counts, back = [], [], [], []
    for src, dst in edges:
        sources.append(src)
        targets.append(dst)
        counts.append(clustering.edge_counts.get((src, dst), 0))
        back.append(clustering.level_of(src) >= clustering.level_of(dst))
    return {"source": sources, "target": targets, "count": counts, "back": back}


def snapshot(
    explorer: Explorer, clustering: Clustering, *, restored: bool = False
) -> protocol.SnapshotMsg:
    """The whole view; ``restored``: it follows a restore of a saved view (the views draw it at
    the ``viewport`` trait instead of fitting it)."""
    return {
        "type": "snapshot",
        "root": explorer.root,
        "restored": restored,
        "nodes": node_columns(explorer, clustering, clustering.drawn_nodes()),
        "clusters": cluster_columns(explorer, clustering, clustering.cluster_ids()),
        "edges": edge_columns(clustering, clustering.edge_counts),
        "status": [
            {"id": node_id, "direction": direction, "state": s.state, "error": s.error}
            for (node_id, direction), s in explorer.status.items()
        ],
    }


def delta(explorer: Explorer, clustering: Clustering, change: ViewDelta) -> protocol.DeltaMsg:
    removed_src, removed_dst = [], []
    for src, dst in change.removed_edges:
        removed_src.append(src)
        removed_dst.append(dst)
    return {
        "type": "delta",
        "nodes": node_columns(explorer, clustering, change.nodes),
        "clusters": cluster_columns(explorer, clustering, change.clusters),
        "edges": edge_columns(clustering, change.edges),
        "removed": list(change.removed),
        "removed_edges": {"source": removed_src, "target": removed_dst},
    }


def members(
    explorer: Explorer, clustering: Clustering, cluster: str, *, request_id: int = 0
) -> protocol.MembersMsg:
    """A cluster's members, for its searchable list (answering request ``request_id``)."""
    ids = clustering.members(cluster)
    nodes = [explorer.graph.node(i) for i in ids]
    return {
        "type": "members",
        "request_id": request_id,
        "cluster": cluster,
        "id": ids,
        "label": [n.label for n in nodes],
        "version": [n.version for n in nodes],
        "aliases": [list(n.aliases) for n in nodes],
    }


def details(
    explorer: Explorer,
    node_id: str,
    *,
    full: bool = False,
    request_id: int = 0,
    diff: protocol.DiffDetails | None = None,
) -> protocol.DetailsMsg:
    """The preview of one node, answering request ``request_id``: W&B's drawer fields, then
    the source's own details.

    Long values are cut at ``MAX_VALUE_CHARS`` (their labels listed in ``truncated``) unless
    ``full`` asks for them whole (up to ``MAX_FULL_CHARS``). ``diff``: what differs from the
    node it pairs with in the lineage diff shown (marks.diff_details), sent as it is.
    """
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
    limit = MAX_FULL_CHARS if full else MAX_VALUE_CHARS
    rows, truncated = [], []
    for label, value in fields:
        if _empty(value):
            continue
        text, cut = as_text(value, limit)
        rows.append([str(label), text])
        if cut:
            truncated.append(str(label))
    message: protocol.DetailsMsg = {
        "type": "details",
        "request_id": request_id,
        "id": node_id,
        "fields": rows,
        "truncated": truncated,
        "inputs": len(graph.producers(node_id)) + max(0, explorer.more(node_id, "upstream")),
        "outputs": len(graph.consumers(node_id)) + max(0, explorer.more(node_id, "downstream")),
    }
    if diff is not None:
        message["diff"] = diff
    return message


def export_request(request: str, fmt: protocol.ExportFormat) -> protocol.ExportMsg:
    """Asks the views to draw the graph as an ``"svg"`` or ``"png"`` file (``save()``); they
    answer with an ``export_result`` carrying the same ``request``."""
    return {"type": "export", "request": request, "format": fmt}


def as_text(value: Any, limit: int = MAX_VALUE_CHARS) -> tuple[str, bool]:
    """A detail value as display text (strings as they are, containers as JSON), cut at
    ``limit`` characters; and whether it was cut."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)  # aliases, tags
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(
            value, default=str, ensure_ascii=False, sort_keys=isinstance(value, Mapping)
        )
    else:
        text = str(value)
    if len(text) <= limit:
        return text, False
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)", True


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | Mapping | list | tuple) and len(value) == 0)


def status(
    node_id: str, direction: Direction, state: protocol.WalkState, error: str | None
) -> protocol.StatusMsg:
    """A walk started (``loading``), failed (``error``) or ended (``idle``) on a node."""
    message: protocol.StatusMsg = {
        "type": "status",
        "id": node_id,
        "direction": direction,
        "state": state,
    }
    if error is not None:
        message["error"] = error
    return message


def error(
    request: str,
    node_id: Any,
    exc: BaseException | str,
    direction: Any = None,
    request_id: Any = None,
) -> protocol.ErrorMsg:
    """A request that failed in the kernel, shown under the toolbar; ``direction``: a failed
    expand's (the page clears that control's loading mark); ``request_id``: the failed
    request's (a details or members request: the page stops waiting for its answer)."""
    message: protocol.ErrorMsg = {
        "type": "error",
        "request": request,
        "id": None if node_id is None else str(node_id),
        "error": exc if isinstance(exc, str) else describe(exc),
    }
    if request == "expand" and direction in DIRECTIONS:
        message["direction"] = direction
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        message["request_id"] = request_id
    return message
