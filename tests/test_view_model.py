"""The view model on its own (no widget, no comm, no thread), and the key lists of a view state."""

from __future__ import annotations

from conftest import wide_sweep

from lineage_widget import GraphSource, LineageWidget
from lineage_widget.explorer import Explorer
from lineage_widget.filters import FILTER_KEYS, FilteredGraph, Filters
from lineage_widget.persistence import ID_KEYS, KEYS, TRAIT_KEYS
from lineage_widget.view_model import ViewModel


def started(root: str) -> ViewModel:
    g = wide_sweep(6)
    explorer = Explorer(GraphSource(g))
    explorer.start(g.node(root), 1)
    return ViewModel(explorer, 3)


def test_nothing_filtered_follows_a_walk_incrementally() -> None:
    view = started("processed:v0")
    assert not view.apply()  # nothing changed: an empty delta
    view.explorer.expand("train-0", "downstream")
    delta = view.apply()
    assert view.clustering.shown is None  # the incremental path: no filtered graph built
    assert "model:v0" in delta.nodes
    assert (view.clustering.view_id("train-0"), "model:v0") in delta.edges  # (from its cluster)


def test_filters_rebuild_what_they_show() -> None:
    view = started("processed:v0")
    view.set_filters(Filters(hide_runs=True))
    assert isinstance(view.clustering.shown, FilteredGraph)
    assert all(
        view.explorer.graph.node(n).kind == "artifact" for n in view.clustering.drawn_nodes()
    )
    delta = view.set_filters(Filters())
    assert view.clustering.shown is None
    assert any(n.startswith("cluster:run:") for n in delta.clusters)  # the runs come back


def test_back_to_direct_forgets_the_side_branches() -> None:
    view = started("model:v2")
    view.explorer.expand("train-2", "upstream")
    view.explorer.expand("processed:v0", "downstream")  # the other runs: a side branch
    view.apply()
    assert not view.lineage.contains("train-4")
    assert view.expanded("processed:v0", "downstream")  # asked for: it joins
    assert view.lineage.contains("train-4")
    view.set_filters(Filters(lineage="extended"))
    view.set_filters(Filters(lineage="direct"))
    assert not view.lineage.contains("train-4")


def test_pull_out_leaves_the_explorer_layout_alone() -> None:
    view = started("processed:v0")
    orders = dict(view.explorer.orders)
    cluster = view.clustering.cluster_of("train-3")
    assert cluster is not None
    view.pull_out("train-3")
    assert view.explorer.orders == orders
    assert view.clustering.order("train-3") != orders["train-3"]  # drawn beside its cluster
    view.put_back("train-3")
    assert view.clustering.order("train-3") == orders["train-3"]


def test_the_view_state_keys_come_from_its_type() -> None:
    assert KEYS[:3] == ("version", "steps", "pulled_out")
    assert set(ID_KEYS) == {"pulled_out", "selected", "highlighted"}
    assert set(FILTER_KEYS) < set(TRAIT_KEYS)
    widget_traits = set(LineageWidget.class_trait_names())
    assert set(TRAIT_KEYS) <= widget_traits  # each is a trait of the same name
    assert set(KEYS) == {"version", "steps", "pulled_out", *TRAIT_KEYS}
