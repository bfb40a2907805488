"""The view filters (artifact types, job types, hide runs, direct or extended lineage): what the
page is sent, set from Python or as the page sets them."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from typing import Any

import networkx as nx
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import lineages, sweep, wide_sweep
from widget_support import Recorder

from lineage_widget import GraphSource, LineageGraph, LineageNode, LineageWidget
from lineage_widget.clusters import Clustering


def view(w: LineageWidget) -> dict[str, Any]:
    """What a page that loads now is sent: drawn node ids, cluster ids, edges -> counts and
    node id -> (more upstream, more downstream)."""
    sent: list[dict[str, Any]] = []
    send = w.send
    w.send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    try:
        w._handle_message(w, {"type": "hello"}, [])
    finally:
        w.send = send  # type: ignore[method-assign]
    (snapshot,) = sent
    edges = snapshot["edges"]
    nodes = snapshot["nodes"]
    return {
        "nodes": set(nodes["id"]),
        "clusters": set(snapshot["clusters"]["id"]),
        "edges": dict(
            zip(zip(edges["source"], edges["target"], strict=True), edges["count"], strict=True)
        ),
        "more": {
            i: (up, down)
            for i, up, down in zip(nodes["id"], nodes["more_up"], nodes["more_down"], strict=True)
        },
    }


RUNS = {"prep", "train-0", "train-1", "train-2", "eval"}
DATASETS = {"raw:v0", "clean:v0"}
MODELS = {"model:v0", "model:v1", "model:v2"}


def test_no_filter_shows_everything(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    assert (w.artifact_types, w.job_types, w.hide_runs, w.lineage) == (None, None, False, "direct")
    assert view(w)["nodes"] == set(pipeline)


def test_artifact_types_hide_the_others_and_link_through_them(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, artifact_types=["model"])
    shown = view(w)
    assert shown["nodes"] == RUNS | MODELS
    # prep -> clean:v0 (hidden) -> train-i is drawn prep -> train-i; raw:v0 was a start: gone.
    assert shown["edges"] == {
        **{("prep", f"train-{i}"): 1 for i in range(3)},
        **{(f"train-{i}", f"model:v{i}"): 1 for i in range(3)},
        **{(f"model:v{i}", "eval"): 1 for i in range(3)},
    }
    assert set(w.graph) == set(pipeline)  # the kernel keeps every node


def test_job_types_hide_runs_of_other_jobs(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, job_types=("train",))
    shown = view(w)
    assert shown["nodes"] == DATASETS | MODELS | {"train-0", "train-1", "train-2"}
    assert shown["edges"][("raw:v0", "clean:v0")] == 1  # through prep
    assert not any("eval" in edge for edge in shown["edges"])


def test_hide_runs_draws_artifact_to_artifact_edges(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, hide_runs=True)
    shown = view(w)
    assert shown["nodes"] == DATASETS | MODELS
    assert shown["edges"] == {
        ("raw:v0", "clean:v0"): 1,
        **{("clean:v0", f"model:v{i}"): 1 for i in range(3)},
    }


def test_hidden_runs_count_in_cluster_edges_and_clusters_follow_what_is_shown() -> None:
    w = LineageWidget(wide_sweep(6), hide_runs=True)
    shown = view(w)
    assert shown["clusters"] == {"cluster:artifact:model@4", "cluster:artifact:metrics@6"}
    assert shown["nodes"] == {"raw:v0", "processed:v0"}
    # Six chains processed -> train-i -> model:vi, six model:vi -> eval-i -> metrics-i.
    assert shown["edges"] == {
        ("raw:v0", "processed:v0"): 1,
        ("processed:v0", "cluster:artifact:model@4"): 6,
        ("cluster:artifact:model@4", "cluster:artifact:metrics@6"): 6,
    }
    assert w.cluster_of("train-0") is None  # hidden: in no cluster
    assert len(w.clusters["cluster:artifact:model@4"]) == 6
    # The rule counts what is shown: four models shown make no cluster of five.
    w.artifact_types = ["dataset", "metrics"]
    w.hide_runs = False
    w.job_types = ["train"]
    assert view(w)["clusters"] == {"cluster:run:train@3", "cluster:artifact:metrics@6"}


def test_a_through_edge_counts_every_chain_it_stands_for() -> None:
    """data -> two runs -> two checkpoints (hidden) -> one run -> report: with runs and
    checkpoints hidden, data -> report stands for two chains."""
    g = LineageGraph()
    g.add_artifact("data", type="dataset")
    g.add_artifact("report", type="report")
    g.add_run("merge", type="merge")
    g.add_edge("merge", "report")
    for i in range(2):
        g.add_run(f"fit-{i}", type="train")
        g.add_artifact(f"ckpt-{i}", type="checkpoint")
        g.add_edge("data", f"fit-{i}")
        g.add_edge(f"fit-{i}", f"ckpt-{i}")
        g.add_edge(f"ckpt-{i}", "merge")
    w = LineageWidget(g, hide_runs=True, artifact_types=["dataset", "report"])
    assert view(w)["edges"] == {("data", "report"): 2}


def test_filters_set_like_the_page_sends_every_view_a_snapshot(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    recorder = Recorder(w)
    w.set_state({"hide_runs": True})  # what a toolbar click syncs
    (snapshot,) = recorder.sent
    assert snapshot["type"] == "snapshot"
    assert set(snapshot["nodes"]["id"]) == DATASETS | MODELS
    w.set_state({"hide_runs": False, "artifact_types": ["dataset"]})
    assert set(recorder.sent[-1]["nodes"]["id"]) == DATASETS | RUNS
    w.artifact_types = None
    assert set(recorder.sent[-1]["nodes"]["id"]) == set(pipeline)


def test_type_choices_list_every_known_type_and_grow(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="clean:v0", hide_runs=True)
    assert w._node_types == {"artifact": ["dataset"], "run": ["preprocess", "train"]}
    w.expand("train-0", "downstream")
    assert w._node_types == {"artifact": ["dataset", "model"], "run": ["preprocess", "train"]}


def test_type_filters_are_validated_naming_the_value(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    with pytest.raises(traitlets.TraitError, match=r"artifact_types must be a list.*'model'"):
        w.artifact_types = "model"  # type: ignore[assignment]
    with pytest.raises(traitlets.TraitError, match=r"job_types must hold strings.*\b3\b"):
        w.job_types = ["train", 3]  # type: ignore[list-item]
    with pytest.raises(traitlets.TraitError, match="sideways"):
        w.lineage = "sideways"
    with pytest.raises(traitlets.TraitError, match="yes"):
        w.hide_runs = "yes"  # type: ignore[assignment]
    with pytest.raises(traitlets.TraitError, match="42"):
        LineageWidget(pipeline, artifact_types=42)
    w.artifact_types = {"model", "dataset"}  # type: ignore[assignment]  (a set: sorted)
    assert w.artifact_types == ["dataset", "model"]
    w.job_types = ["train", "train", "eval"]
    assert w.job_types == ["train", "eval"]
    # A type not in the graph is allowed: it shows the nodes of that type found later.
    w.artifact_types = ["checkpoint"]
    assert view(w)["nodes"] == RUNS - {"prep"}  # (job_types still apply)
    w.artifact_types = []  # empty: every type
    assert view(w)["nodes"] == DATASETS | MODELS | RUNS - {"prep"}


# ---- direct and extended lineage ------------------------------------------------------------


def test_expanded_side_branches_show_in_direct_until_direct_is_chosen_again() -> None:
    g = sweep(3)
    w = LineageWidget(g, root="model:v0", depth=2)
    recorder = Recorder(w)
    start = {"clean:v0", "train-0", "model:v0", "eval"}
    assert view(w)["nodes"] == start
    # eval's other inputs are a side branch of model:v0; the user asked for them: shown.
    replies = recorder.browser_says(type="expand", id="eval", direction="upstream")
    assert {"model:v1", "model:v2"} <= set(replies[-1]["nodes"]["id"])
    assert w.lineage == "direct"
    assert view(w)["nodes"] == start | {"model:v1", "model:v2"}
    # Extended shows the same (everything known); direct again is model:v0's own lineage.
    w.lineage = "extended"
    assert view(w)["nodes"] == start | {"model:v1", "model:v2"}
    w.lineage = "direct"
    shown = view(w)
    assert shown["nodes"] == start
    assert shown["more"]["eval"] == (2, 0)  # its control offers the two side inputs again
    # Clicking it shows them without fetching anything.
    replies = recorder.browser_says(type="expand", id="eval", direction="upstream")
    delta = next(m for m in replies if m["type"] == "delta")
    assert {"model:v1", "model:v2"} <= set(delta["nodes"]["id"])
    assert replies[-1] == {"type": "status", "id": "eval", "direction": "upstream", "state": "idle"}
    assert view(w)["nodes"] == start | {"model:v1", "model:v2"}


def test_direct_keeps_ancestors_and_descendants_and_hides_other_outputs() -> None:
    g = sweep(3)
    w = LineageWidget(g, root="model:v0", depth=4, lineage="extended")
    w.expand("clean:v0", "downstream")  # train-1 and train-2: other consumers of clean:v0
    w.expand("train-1", "downstream")
    known = {"raw:v0", "prep", "clean:v0", "train-0", "model:v0", "eval", "train-1", "model:v1"}
    known |= {"train-2"}
    assert set(w.graph) == known
    assert view(w)["nodes"] == known
    w.lineage = "direct"
    assert view(w)["nodes"] == {"raw:v0", "prep", "clean:v0", "train-0", "model:v0", "eval"}
    assert view(w)["more"]["clean:v0"] == (0, 2)  # train-1 and train-2 known, not shown
    # Python's expand counts as asking too.
    w.expand("clean:v0", "downstream")
    assert {"train-1", "train-2", "model:v1"} <= view(w)["nodes"]


def test_direct_has_no_effect_on_a_graph_shown_whole(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    assert w.root is None
    assert view(w)["nodes"] == set(pipeline)
    w.lineage = "extended"
    assert view(w)["nodes"] == set(pipeline)
    w.lineage = "direct"
    assert view(w)["nodes"] == set(pipeline)


def test_focus_on_a_side_branch_pins_it_and_its_path_in_direct() -> None:
    g = sweep(3)
    w = LineageWidget(g, root="model:v0", depth=1)
    w.focus("model:v2")  # linked through clean:v0 -> train-2, or through eval
    shown = view(w)["nodes"]
    assert "model:v2" in shown
    path = g.nearest_path(["train-0", "model:v0", "eval"], "model:v2")
    assert path is not None
    assert set(path) <= shown


def test_focus_on_a_node_the_types_hide_says_so(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, hide_runs=True)
    with pytest.raises(ValueError, match=r"cannot focus 'prep': runs are hidden"):
        w.focus("prep")
    w.hide_runs = False
    w.artifact_types = ["model"]
    with pytest.raises(ValueError, match=r"'raw:v0'.*type 'dataset' is not in artifact_types"):
        w.focus("raw:v0")


# ---- expanding while filtered -----------------------------------------------------------


def test_expand_walks_through_hidden_runs_to_the_next_artifacts(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="clean:v0", depth=1, hide_runs=True)
    recorder = Recorder(w)
    shown = view(w)
    assert shown["nodes"] == {"clean:v0"}
    assert shown["more"]["clean:v0"] == (-1, -1)  # prep and the trainers have more beyond
    replies = recorder.browser_says(type="expand", id="clean:v0", direction="downstream")
    assert {"model:v0", "model:v1", "model:v2"} <= {
        n for m in replies if m["type"] == "delta" for n in m["nodes"]["id"]
    }
    assert replies[-1] == {
        "type": "status",
        "id": "clean:v0",
        "direction": "downstream",
        "state": "idle",
    }
    shown = view(w)
    assert shown["nodes"] == {"clean:v0", "model:v0", "model:v1", "model:v2"}
    assert shown["edges"] == {("clean:v0", f"model:v{i}"): 1 for i in range(3)}
    assert shown["more"]["clean:v0"] == (-1, 0)
    # The new runs were fetched but stay hidden.
    assert {"train-0", "train-1", "train-2"} <= set(w.graph)
    recorder.browser_says(type="expand", id="clean:v0", direction="upstream")
    assert view(w)["edges"][("raw:v0", "clean:v0")] == 1


def test_a_hidden_nodes_neighbours_come_from_python_expand(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="clean:v0", depth=1, hide_runs=True)
    new = w.expand("prep", "upstream")
    assert [n.id for n in new] == ["raw:v0"]
    assert view(w)["edges"] == {("raw:v0", "clean:v0"): 1}


def test_failure_beyond_hidden_nodes_is_reported_for_the_clicked_node(
    pipeline: LineageGraph,
) -> None:
    class Failing(GraphSource):
        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id == "train-1":
                raise TimeoutError("W&B did not answer")
            return super().neighbours(node, direction)

    w = LineageWidget(pipeline, root="clean:v0", hide_runs=True, source=Failing(pipeline))
    replies = Recorder(w).browser_says(type="expand", id="clean:v0", direction="downstream")
    assert replies[-1] == {
        "type": "error",
        "request": "expand",
        "id": "clean:v0",
        "direction": "downstream",
        "error": "TimeoutError: W&B did not answer",
    }
    shown = view(w)
    assert shown["nodes"] == {"clean:v0", "model:v0", "model:v2"}  # the others landed
    assert shown["more"]["clean:v0"][1] == -1  # and its control retries


def test_new_nodes_that_do_not_pass_stay_hidden(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0", artifact_types=["model"])
    recorder = Recorder(w)
    recorder.browser_says(type="expand", id="model:v0", direction="downstream")
    assert "eval" in view(w)["nodes"]
    recorder.browser_says(type="expand", id="train-0", direction="upstream")
    shown = view(w)
    assert "clean:v0" in w.graph
    assert "clean:v0" not in shown["nodes"]
    assert shown["edges"][("prep", "train-0")] == 1  # through clean:v0, walked through


# ---- the filtered view against a reference computed by brute force ----------------------------


def expected_view(w: LineageWidget, anchors: list[tuple[str, str]]) -> tuple[set[str], Counter]:
    """Shown nodes and edge -> chain counts, from the definitions (every path enumerated)."""
    g = w.graph.to_networkx()
    if w.root is None or w.lineage == "extended":
        lineage = set(g)
    else:
        lineage = {w.root} | nx.ancestors(g, w.root) | nx.descendants(g, w.root)
        for node_id, direction in anchors:
            reach = nx.ancestors if direction == "upstream" else nx.descendants
            lineage |= {node_id} | reach(g, node_id)

    def passes(n: str) -> bool:
        kind, type_ = g.nodes[n]["kind"], g.nodes[n]["type"]
        if kind == "run":
            return not w.hide_runs and (not w.job_types or type_ in w.job_types)
        return not w.artifact_types or type_ in w.artifact_types

    shown = {n for n in lineage if passes(n)}
    hidden = lineage - shown
    counts: Counter[tuple[str, str]] = Counter()

    def walk(src: str, current: str) -> None:
        for nxt in g.successors(current):
            if nxt in shown:
                counts[(src, nxt)] += 1
            elif nxt in hidden:
                walk(src, nxt)

    for src in shown:
        walk(src, src)
    return shown, counts


def check_filtered(w: LineageWidget, anchors: list[tuple[str, str]]) -> None:
    shown, counts = expected_view(w, anchors)
    view = w._view.clustering
    drawn = set(view.drawn_nodes())
    members = [m for ms in view.clusters.values() for m in ms]
    assert len(members) == len(set(members))
    assert drawn.isdisjoint(members)
    assert drawn | set(members) == shown
    expected = Counter()
    for (src, dst), chains in counts.items():
        expected[(view.view_id(src), view.view_id(dst))] += chains
    assert view.edge_counts == expected
    # The view kept across changes is the one built from scratch.
    fresh = Clustering(w._explorer, view.threshold, view.shown)
    fresh.pulled_out = set(view.pulled_out)
    fresh.kept = set(view.kept)
    fresh.set_threshold(view.threshold)
    assert (fresh.clusters, fresh.edge_counts) == (view.clusters, view.edge_counts)


filter_operations = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *("upstream", "downstream", "pull_out", "put_back"),
                *("artifact_types", "job_types", "hide_runs", "lineage"),
            ]
        ),
        st.integers(min_value=0, max_value=1_000),
    ),
    max_size=12,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graph=lineages(),
    root_pick=st.integers(min_value=-1),
    depth=st.integers(1, 2),
    ops=filter_operations,
)
def test_filtered_view_matches_its_definition(
    graph: LineageGraph, root_pick: int, depth: int, ops: list[tuple[str, int]]
) -> None:
    ids = list(graph)
    root = None if root_pick < 0 else ids[root_pick % len(ids)]
    w = LineageWidget(graph, root=root, depth=depth, cluster_threshold=2)
    anchors: list[tuple[str, str]] = []
    check_filtered(w, anchors)
    for action, pick in ops:
        known = list(w.graph)
        target = known[pick % len(known)]
        if action in ("upstream", "downstream"):
            anchors.append((target, action))
            w.expand(target, action)
        elif action == "pull_out":
            with contextlib.suppress(ValueError):  # not in a cluster: refused, naming it
                w.pull_out(target)
        elif action == "put_back":
            with contextlib.suppress(ValueError):  # not pulled out: refused, naming it
                w.put_back(target)
        elif action in ("artifact_types", "job_types"):
            setattr(w, action, [["a"], ["b"], None, ["a", "b"]][pick % 4])
        elif action == "hide_runs":
            w.hide_runs = not w.hide_runs
        else:
            w.lineage = "extended" if w.lineage == "direct" else "direct"
            if w.lineage == "direct":
                anchors.clear()  # direct again: the root's own lineage
        check_filtered(w, anchors)


@st.composite
def dense_lineages(draw: st.DrawFn) -> LineageGraph:
    """Small bipartite DAGs with many edges: chains through hidden nodes often run in parallel."""
    count = draw(st.integers(min_value=3, max_value=10))
    g = LineageGraph()
    kinds = [("run", "artifact")[i % 2] for i in range(count)]
    for index, kind in enumerate(kinds):
        type_ = draw(st.sampled_from(["a", "b"]))
        if kind == "run":
            g.add_run(f"n{index}", type=type_)
        else:
            g.add_artifact(f"n{index}", type=type_)
    pairs = [(i, j) for i in range(count) for j in range(i + 1, count) if kinds[i] != kinds[j]]
    for i, j in draw(st.lists(st.sampled_from(pairs), min_size=1, unique=True)):
        g.add_edge(f"n{i}", f"n{j}")
    return g


@settings(max_examples=150, deadline=None)
@given(
    graph=dense_lineages(),
    hide_runs=st.booleans(),
    artifact_types=st.sampled_from([None, ["a"], ["b"]]),
    job_types=st.sampled_from([None, ["a"], ["b"]]),
)
def test_edges_through_hidden_nodes_count_every_chain(
    graph: LineageGraph, hide_runs: bool, artifact_types: Any, job_types: Any
) -> None:
    w = LineageWidget(
        graph, hide_runs=hide_runs, artifact_types=artifact_types, job_types=job_types
    )
    _, counts = expected_view(w, [])
    shown = w._view.clustering.shown
    assert (shown.counts if shown is not None else Counter(graph.edges())) == counts


def test_a_hidden_walk_that_hangs_times_out_on_the_clicked_node(pipeline: LineageGraph) -> None:
    class Hanging(GraphSource):
        gate = threading.Event()

        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id == "train-1":
                assert self.gate.wait(10), "the test never opened the gate"
            return super().neighbours(node, direction)

    source = Hanging(pipeline)
    w = LineageWidget(pipeline, root="clean:v0", hide_runs=True, source=source, request_timeout=0.2)
    recorder = Recorder(w)
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    recorder.wait_for(lambda sent: any(m["type"] == "error" for m in sent), "an error")
    assert recorder.sent[-1] == {
        "type": "error",
        "request": "expand",
        "id": "clean:v0",
        "direction": "downstream",
        "error": "TimeoutError: the source did not answer within 0.2 s",
    }
    source.gate.set()  # the late answer is dropped
    assert w.wait(timeout=10)
    assert "model:v1" not in w.graph
    assert not any(m.get("id") in {"train-0", "train-1", "train-2"} for m in recorder.sent)
    recorder.browser_says(type="expand", id="clean:v0", direction="downstream")  # retry
    assert view(w)["nodes"] == {"clean:v0", "model:v0", "model:v1", "model:v2"}


def test_a_highlight_follows_the_clusters_a_filter_change_makes() -> None:
    g = wide_sweep(6)
    w = LineageWidget(g, hide_runs=True)
    w.highlight(["model:v3"])
    assert w._highlighted_clusters == [w.cluster_of("model:v3")]
    w.artifact_types = ["dataset", "metrics"]  # the models are hidden: no cluster holds one
    assert w._highlighted_clusters == []
