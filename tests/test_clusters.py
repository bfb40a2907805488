"""The cluster rule, and the incremental view that keeps it current."""

from __future__ import annotations

from collections import Counter

import pytest
from support import wide_sweep

from lineage_widget import GraphSource, LineageGraph, LineageWidget
from lineage_widget.clusters import Clustering, ViewDelta
from lineage_widget.explorer import Explorer


def whole(graph: LineageGraph, threshold: int | None = 5) -> Clustering:
    explorer = Explorer(GraphSource(graph))
    explorer.show_all(graph)
    return Clustering(explorer, threshold)


def from_root(graph: LineageGraph, root: str, depth: int = 1, threshold: int | None = 5):
    explorer = Explorer(GraphSource(graph))
    explorer.start(graph.node(root), depth)
    explorer.take_pending()
    return explorer, Clustering(explorer, threshold)


def assert_matches_fresh(clustering: Clustering) -> None:
    """The incrementally kept view equals one computed from scratch."""
    fresh = Clustering(clustering.explorer, clustering.threshold)
    fresh.pulled_out = set(clustering.pulled_out)
    fresh.kept = set(clustering.kept)
    fresh.set_threshold(clustering.threshold)
    assert clustering.clusters == fresh.clusters
    assert clustering.edge_counts == fresh.edge_counts
    assert clustering.drawn_nodes() == fresh.drawn_nodes()
    # No edge lost or invented: the counts add up to the known graph's edges.
    assert sum(clustering.edge_counts.values()) == len(list(clustering.explorer.graph.edges()))


def test_four_runs_stay_apart_five_cluster() -> None:
    assert whole(wide_sweep(4)).clusters == {}
    view = whole(wide_sweep(5))
    kinds = sorted(cid.split("@")[0] for cid in view.clusters)
    assert kinds == [
        "cluster:artifact:metrics",
        "cluster:artifact:model",
        "cluster:run:eval",
        "cluster:run:train",
    ]
    assert all(len(members) == 5 for members in view.clusters.values())
    assert_matches_fresh(view)


@pytest.mark.parametrize("one_model_artifact", [True, False])
def test_sweep_draws_as_a_chain_of_clusters(one_model_artifact: bool) -> None:
    view = whole(wide_sweep(6, one_model_artifact=one_model_artifact))
    train = view.cluster_of("train-0")
    model = view.cluster_of("model:v0" if one_model_artifact else "model-0:v0")
    evaluation = view.cluster_of("eval-3")
    assert train
    assert model
    assert evaluation
    # Member edges are drawn once, with the number they stand for.
    assert view.edge_counts[("processed:v0", train)] == 6
    assert view.edge_counts[(train, model)] == 6
    assert view.edge_counts[(model, evaluation)] == 6
    assert set(view.drawn_nodes()) == {"raw:v0", "preprocess", "processed:v0", "report"}


def test_mixed_types_in_one_column_group_by_type() -> None:
    g = LineageGraph()
    g.add_artifact("data", type="dataset")
    for i in range(5):
        g.add_run(f"train-{i}", type="train")
        g.add_edge("data", f"train-{i}")
    for i in range(3):
        g.add_run(f"probe-{i}", type="probe")
        g.add_edge("data", f"probe-{i}")
    view = whole(g)
    assert list(view.clusters) == ["cluster:run:train@1"]
    assert {f"probe-{i}" for i in range(3)} <= set(view.drawn_nodes())
    assert view.edge_counts[("data", "cluster:run:train@1")] == 5
    assert view.edge_counts[("data", "probe-0")] == 1


def test_a_cluster_feeding_a_column_it_does_not_fill_counts_each_edge() -> None:
    # The train column's outputs are the next column (one input each), but one of them is a
    # log, not a model: the models' cluster does not draw the whole column.
    g = wide_sweep(6)
    g.add_artifact("log:v0", type="log")
    g.add_edge("train-2", "log:v0")
    view = whole(g)
    train, model = view.cluster_of("train-0"), view.cluster_of("model:v0")
    assert view.edge_counts[(train, model)] == 6
    assert view.edge_counts[(train, "log:v0")] == 1
    assert_matches_fresh(view)


def test_counts_hold_after_an_edge_lands_between_nodes_laid_out() -> None:
    # The layering's columns no longer hold once an edge joins two nodes already drawn: a view
    # rebuilt later (a filter set and cleared) counts from the graph, not from them.
    g = wide_sweep(6)
    w = LineageWidget(g)
    g.add_edge("train-0", "model:v1")
    w.refresh(timeout=10)
    train, model = w.cluster_of("train-0"), w.cluster_of("model:v1")
    assert w._view.clustering.edge_counts[(train, model)] == 7
    w.hide_runs = True
    w.hide_runs = False
    assert w._view.clustering.edge_counts[(train, model)] == 7
    assert_matches_fresh(w._view.clustering)


def test_root_is_never_clustered() -> None:
    g = wide_sweep(5)
    explorer, view = from_root(g, "processed:v0")
    assert view.cluster_of("train-0") == "cluster:run:train@1"
    explorer.expand("train-0", "downstream")
    _, rooted = from_root(g, "train-2")
    assert rooted.cluster_of("train-2") is None


def test_threshold_none_turns_clustering_off() -> None:
    view = whole(wide_sweep(8), threshold=None)
    assert view.clusters == {}
    assert len(view.drawn_nodes()) == 36


def test_pull_out_draws_a_member_next_to_its_cluster() -> None:
    view = whole(wide_sweep(6))
    cluster = view.cluster_of("train-2")
    assert cluster is not None
    delta = view.pull_out("train-2")
    assert view.cluster_of("train-2") is None
    assert "train-2" in view.drawn_nodes()
    assert list(delta.nodes) == ["train-2"]
    assert cluster in delta.clusters  # its count changed
    assert len(view.clusters[cluster]) == 5
    assert view.edge_counts[("processed:v0", cluster)] == 5
    assert view.edge_counts[("processed:v0", "train-2")] == 1
    # Next to the cluster: right after it in the column.
    explorer = view.explorer
    key = view.group_key(cluster)
    assert view.cluster_order(key) < view.order("train-2")
    # The clustering draws it there; the explorer's layout keeps its place.
    assert explorer.orders["train-2"] == 2.0
    assert_matches_fresh(view)


def test_cluster_below_threshold_dissolves() -> None:
    view = whole(wide_sweep(5))
    cluster = view.cluster_of("train-0")
    delta = view.pull_out("train-0")
    assert cluster not in view.clusters
    assert cluster in delta.removed
    assert {f"train-{i}" for i in range(5)} <= set(view.drawn_nodes())
    assert {f"train-{i}" for i in range(5)} <= set(delta.nodes)
    assert_matches_fresh(view)


def test_expansion_grows_and_forms_clusters_incrementally() -> None:
    g = wide_sweep(7)
    explorer, view = from_root(g, "processed:v0")
    assert view.cluster_of("train-0") is not None
    for i in range(7):
        explorer.expand(f"train-{i}", "downstream")
        delta = view.sync(explorer.take_pending())
        assert_matches_fresh(view)
        if i == 4:  # the fifth model forms a cluster: the four drawn models go into it
            assert {"model:v0", "model:v1", "model:v2", "model:v3"} <= set(delta.removed)
    assert len(view.clusters[view.cluster_of("model:v6")]) == 7


def test_changing_the_threshold_reclusters() -> None:
    view = whole(wide_sweep(4))
    delta = view.set_threshold(3)
    assert len(view.clusters) == 4
    assert "train-0" in delta.removed
    assert_matches_fresh(view)


@pytest.mark.parametrize("bad", [0, 1, -3, 2.5, True, "5"])
def test_bad_threshold_is_named(bad: object) -> None:
    with pytest.raises(ValueError, match=repr(bad).replace("(", r"\(")):
        whole(wide_sweep(2), threshold=bad)  # type: ignore[arg-type]


def test_deltas_replayed_give_the_same_view() -> None:
    """What the browser builds from deltas equals the kernel's view."""
    g = wide_sweep(6)
    explorer, view = from_root(g, "processed:v0")
    drawn = set(view.drawn_nodes()) | set(view.clusters)
    edges = Counter(view.edge_counts)

    def replay(delta: ViewDelta) -> None:  # as js/src/store.ts applies a DeltaMsg
        drawn.difference_update(delta.removed)
        drawn.update(delta.nodes, delta.clusters)
        for edge in delta.removed_edges:
            edges.pop(edge, None)
        for edge in delta.edges:
            edges[edge] = view.edge_counts[edge]

    for node, direction in [
        ("train-1", "downstream"),
        ("processed:v0", "upstream"),
        ("train-4", "downstream"),
    ]:
        explorer.expand(node, direction)
        replay(view.sync(explorer.take_pending()))
    for pulled in ("train-3", "train-0"):
        replay(view.pull_out(pulled))
    replay(view.put_back("train-3"))
    assert drawn == set(view.drawn_nodes()) | set(view.clusters)
    assert edges == view.edge_counts


def test_put_back_undoes_pull_out() -> None:
    view = whole(wide_sweep(6))
    before = (view.clusters, Counter(view.edge_counts), dict(view.explorer.orders))
    view.pull_out("train-2")
    delta = view.put_back("train-2")
    assert "train-2" in delta.removed
    assert (view.clusters, view.edge_counts, view.explorer.orders) == before
    assert not view.put_back("train-2")  # not pulled out: nothing to do


def test_cluster_version_changes_with_its_members_not_only_its_count() -> None:
    view = whole(wide_sweep(6))
    cluster = view.cluster_of("train-0")
    assert cluster is not None
    view.pull_out("train-2")
    first = (len(view.clusters[cluster]), view.versions[cluster])
    view.put_back("train-2")
    view.pull_out("train-3")
    second = (len(view.clusters[cluster]), view.versions[cluster])
    assert first[0] == second[0] == 5
    assert first[1] != second[1]


def test_pulling_out_a_node_drawn_as_itself_changes_nothing() -> None:
    view = whole(wide_sweep(6))
    assert not view.pull_out("raw:v0")
    assert "raw:v0" not in view.pulled_out


def test_a_cluster_that_gains_members_sits_at_its_first_member() -> None:
    g = LineageGraph()
    g.add_run("p", type="prep")
    for side in ("a", "b"):
        g.add_artifact(f"{side}:v0", type="data")
        g.add_edge("p", f"{side}:v0")
        for i in range(4):
            g.add_run(f"{side}-{i}", type="train")
            g.add_edge(f"{side}:v0", f"{side}-{i}")
    explorer, view = from_root(g, "p", threshold=3)
    explorer.expand("b:v0", "downstream")  # b's runs sit below a's, which are not known yet
    view.sync(explorer.take_pending())
    key = view.group_key(view.cluster_of("b-0") or "")
    before = view.cluster_order(key)
    explorer.expand("a:v0", "downstream")  # members with lower orders join the cluster
    view.sync(explorer.take_pending())
    assert view.cluster_of("a-0") == view.cluster_of("b-0")
    assert (
        view.cluster_order(key)
        == min(explorer.orders[m] for m in view.members(view.cluster_of("a-0") or ""))
        < before
    )
    assert_matches_fresh(view)


def test_the_path_from_the_root_to_what_was_expanded_is_never_folded() -> None:
    """Expanding the dataset downstream brings the other 29 training runs into the column of
    the root's own run: they fold into a cluster, the root's run stays drawn (the way back)."""
    w = LineageWidget(wide_sweep(30), root="model:v0", depth=1)
    w.expand("train-0", "upstream")
    w.expand("processed:v0", "downstream")
    runs = [c for c, members in w.clusters.items() if "train-1" in members]
    assert len(runs) == 1
    assert len(w.clusters[runs[0]]) == 29
    for kept in ("model:v0", "train-0", "processed:v0"):
        assert w.cluster_of(kept) is None


def test_expanding_a_folded_node_takes_its_path_out_of_the_clusters() -> None:
    w = LineageWidget(wide_sweep(30), root="processed:v0", depth=2)
    assert w.cluster_of("model:v3") is not None
    w.expand("model:v3", "downstream")
    assert w.cluster_of("train-3") is None
    assert w.cluster_of("model:v3") is None
    assert w.cluster_of("train-4") is not None  # the others stay folded
