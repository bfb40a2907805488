"""Property-based tests of the graph model and the clustering (hypothesis).

Random lineages (bipartite DAGs) are explored by random sequences of expand, pull-out, put-back
and threshold changes; after every step the clustered view must still account for every known
node and edge exactly once, agree with a view computed from scratch, and keep edges pointing
forwards.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import lineages

from lineage_widget import GraphSource, LineageGraph
from lineage_widget.clusters import Clustering
from lineage_widget.explorer import Explorer

operations = st.lists(
    st.tuples(
        st.sampled_from(["upstream", "downstream", "pull_out", "put_back", "threshold"]),
        st.integers(min_value=0, max_value=1_000),
        st.sampled_from([2, 3, 5, None]),
    ),
    max_size=15,
)


def check_invariants(view: Clustering) -> None:
    explorer = view.explorer
    known = set(explorer.graph)
    drawn = set(view.drawn_nodes())
    members = [m for ms in view.clusters.values() for m in ms]
    # Every known node is drawn as itself or inside exactly one cluster.
    assert len(members) == len(set(members))
    assert drawn.isdisjoint(members)
    assert drawn | set(members) == known
    # No edge lost or invented: each known edge counts once, at the ends that draw it.
    expected = Counter(
        (view.view_id(src), view.view_id(dst)) for src, dst in explorer.graph.edges()
    )
    assert view.edge_counts == expected
    # The root and pulled-out nodes are never clustered.
    for node_id in {explorer.root, *view.pulled_out} - {None}:
        assert view.cluster_of(node_id) is None  # type: ignore[arg-type]
    # Edges point forwards (the data is acyclic).
    assert all(explorer.levels[s] < explorer.levels[d] for s, d in explorer.graph.edges())
    # A cluster sits where its first member does (cluster_order remembers it between changes).
    for cid, ms in view.clusters.items():
        assert view.cluster_order(view.group_key(cid)) == min(explorer.orders[m] for m in ms)
    # The incremental view is the one computed from scratch.
    fresh = Clustering(explorer, None)
    fresh.pulled_out = set(view.pulled_out)
    fresh.kept = set(view.kept)
    fresh.set_threshold(view.threshold)
    assert fresh.clusters == view.clusters
    assert fresh.edge_counts == view.edge_counts


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graph=lineages(), root_pick=st.integers(min_value=0), depth=st.integers(1, 3), ops=operations
)
def test_exploring_keeps_the_view_whole(
    graph: LineageGraph, root_pick: int, depth: int, ops: list[tuple[str, int, int | None]]
) -> None:
    ids = list(graph)
    explorer = Explorer(GraphSource(graph))
    explorer.start(graph.node(ids[root_pick % len(ids)]), depth)
    explorer.take_pending()
    view = Clustering(explorer, 2)
    check_invariants(view)
    for action, pick, threshold in ops:
        known = list(explorer.graph)
        target = known[pick % len(known)]
        if action in ("upstream", "downstream"):
            explorer.expand(target, action)
            view.sync(explorer.take_pending())
        elif action == "pull_out":
            view.pull_out(target)
        elif action == "put_back":
            view.put_back(target)
        else:
            view.set_threshold(threshold)
        check_invariants(view)


@settings(max_examples=80, deadline=None)
@given(graph=lineages(), pick=st.integers(min_value=0))
def test_pull_out_then_put_back_restores_the_view(graph: LineageGraph, pick: int) -> None:
    explorer = Explorer(GraphSource(graph))
    explorer.show_all(graph)
    view = Clustering(explorer, 2)
    target = list(graph)[pick % len(graph)]
    before = (view.clusters, Counter(view.edge_counts), dict(explorer.orders))
    view.pull_out(target)
    check_invariants(view)
    view.put_back(target)
    assert (view.clusters, view.edge_counts, explorer.orders) == before


@settings(max_examples=80, deadline=None)
@given(graph=lineages())
def test_whole_graph_view_and_networkx_round_trip(graph: LineageGraph) -> None:
    explorer = Explorer(GraphSource(graph))
    explorer.show_all(graph)
    check_invariants(Clustering(explorer, 3))
    again = LineageGraph.from_networkx(graph.to_networkx())
    assert list(again) == list(graph)
    assert set(again.edges()) == set(graph.edges())
    assert [n.label for n in again.nodes()] == [n.label for n in graph.nodes()]


@settings(max_examples=120, deadline=None)
@given(graph=lineages(), back=st.lists(st.integers(min_value=0), max_size=3))
def test_generations_are_networkx_topological_generations(
    graph: LineageGraph, back: list[int]
) -> None:
    """The layering is written over the graph's own adjacency for speed: it must give
    networkx's own layers, in its order, and still layer a graph with cycles (edges added
    backwards)."""
    edges = list(graph.edges())
    for pick in back if edges else ():
        src, dst = edges[pick % len(edges)]
        graph.add_edge(dst, src)  # closes a cycle
    nx_graph = graph.to_networkx()
    layers = graph.generations()
    if nx.is_directed_acyclic_graph(nx_graph):
        assert layers == [list(g) for g in nx.topological_generations(nx_graph)]
    assert sorted(n for layer in layers for n in layer) == sorted(nx_graph)
    # Every edge but those closing a cycle points to a later layer: the columns read left to right.
    level = {n: i for i, layer in enumerate(layers) for n in layer}
    closing = set(graph.cycle_closing_edges())
    for src, dst in nx_graph.edges():
        if (src, dst) not in closing:
            assert level[src] < level[dst], (src, dst)
