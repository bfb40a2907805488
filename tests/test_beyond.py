"""Beyond W&B's view, from Python (no browser): colour by, lineage diff, refresh."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import traitlets
from polling import wait_until
from support import sweep, two_trainings
from widget_support import Recorder

from lineage_widget import GraphSource, LineageGraph, LineageNode, LineageWidget
from lineage_widget.explorer import FetchStatus


def lr_sweep() -> LineageGraph:
    """The sweep of conftest, its train runs with a learning rate and an optimizer name."""
    g = sweep(3)
    for i, (lr, opt) in enumerate([(0.1, "adam"), (0.01, "sgd"), (0.001, "adam")]):
        g.add_run(f"train-{i}", type="train", details={"Config": {"lr": lr, "opt": {"name": opt}}})
    return g


# ---- colour by -------------------------------------------------------------------------------


def test_color_by_a_number_paints_a_continuous_scale_with_its_legend() -> None:
    w = LineageWidget(lr_sweep(), cluster_threshold=None)
    w.color_by = "lr"
    coloring = w._coloring
    assert coloring["legend"]["key"] == "lr"
    assert coloring["legend"]["kind"] == "continuous"
    assert (coloring["legend"]["min"], coloring["legend"]["max"]) == (0.001, 0.1)
    assert set(coloring["nodes"]) == {"train-0", "train-1", "train-2"}  # the rest: neutral
    assert coloring["nodes"]["train-2"] == "#440154"  # viridis' low end
    assert coloring["nodes"]["train-0"] == "#fde725"  # and its high end
    assert coloring["values"]["train-1"] == 0.01
    w.color_by = None
    assert w._coloring == {}


def test_color_by_a_nested_string_or_a_function_gives_categories() -> None:
    w = LineageWidget(lr_sweep(), cluster_threshold=None)
    w.color_by = "opt.name"
    legend = w._coloring["legend"]
    assert legend["kind"] == "categorical"
    assert [label for label, _ in legend["categories"]] == ["adam", "sgd"]
    assert w._coloring["nodes"]["train-0"] == w._coloring["nodes"]["train-2"]
    assert w._coloring["nodes"]["train-0"] != w._coloring["nodes"]["train-1"]

    def kind_of(node: LineageNode) -> str:
        return node.kind

    w.color_by = kind_of
    assert w._coloring["legend"]["key"] == "kind_of"
    assert len(w._coloring["nodes"]) == len(w.graph)


def test_a_cluster_shows_the_range_of_its_members() -> None:
    w = LineageWidget(lr_sweep(), cluster_threshold=3)
    w.color_by = "lr"
    (cluster,) = [c for c, members in w.clusters.items() if "train-0" in members]
    span = w._coloring["clusters"][cluster]
    assert (span["min"], span["max"]) == (0.001, 0.1)
    assert span["colors"] == ["#440154", "#fde725"]
    assert "train-0" not in w._coloring["nodes"]  # drawn in its cluster, not as itself


@pytest.mark.parametrize("bad", [3, b"lr", ["lr"], ""])
def test_a_bad_color_by_is_refused_by_name(bad: object) -> None:
    w = LineageWidget(lr_sweep())
    with pytest.raises(traitlets.TraitError, match="color_by") as info:
        w.color_by = bad
    assert repr(bad)[:10] in str(info.value)
    assert w.color_by is None


def test_a_color_by_function_that_fails_is_refused_and_named() -> None:
    w = LineageWidget(lr_sweep())
    w.color_by = "lr"

    def broken(node: LineageNode) -> float:
        raise KeyError("metric")

    with pytest.raises(ValueError, match=r"broken.*failed on node"):
        w.color_by = broken
    assert w.color_by == "lr"


def test_color_by_follows_nodes_that_arrive() -> None:
    w = LineageWidget(lr_sweep(), root="clean:v0", cluster_threshold=None, color_by="lr")
    assert w._coloring["legend"]["min"] == 0.001
    w.expand("clean:v0", "downstream")  # (already there: the train runs are a hop away)
    w.expand("train-0", "downstream")
    assert set(w._coloring["nodes"]) == {"train-0", "train-1", "train-2"}


def test_color_by_is_kept_in_the_view_state_when_it_is_a_key() -> None:
    w = LineageWidget(lr_sweep(), color_by="lr")
    assert w.view_state["color_by"] == "lr"
    again = LineageWidget(lr_sweep(), view_state=w.view_state)
    assert again.color_by == "lr"
    assert again._coloring["legend"]["key"] == "lr"
    w.color_by = lambda node: node.kind  # a function is not data: it is left out
    assert w.view_state["color_by"] is None


def test_a_run_s_state_travels_with_its_node() -> None:
    g = sweep(2)
    g.add_run("train-0", type="train", details={"State": "running"})
    g.add_run("train-1", type="train", details={"State": "finished"})
    g.add_run("prep", type="preprocess", details={"Status": "CRASHED"})
    w = LineageWidget(g)
    (snapshot,) = Recorder(w).browser_says(type="hello")
    states = dict(zip(snapshot["nodes"]["id"], snapshot["nodes"]["run_state"], strict=True))
    assert states["train-0"] == "running"
    assert states["prep"] == "crashed"
    assert states["train-1"] is None  # finished: the usual case, nothing shown
    assert states["raw:v0"] is None


# ---- lineage diff ----------------------------------------------------------------------------


def test_compare_fetches_both_lineages_and_marks_every_node() -> None:
    g = two_trainings()
    source = GraphSource(g)
    w = LineageWidget(g, root="model:v3", source=source, cluster_threshold=None)
    assert "model:v7" not in w.graph  # not walked yet: compare fetches it
    recorder = Recorder(w)
    d = w.compare("model:v3", "model:v7")
    assert d is not None
    assert {"raw:v0", "prep-2"} <= set(w.graph)
    sides = w._diff["nodes"]
    assert [sides[n] for n in ("model:v3", "train-b", "raw:v0", "test:v0")] == [
        "a",
        "b",
        "both",
        "both",
    ]
    assert w._diff["labels"] == {"a": "model:v3", "b": "model:v7"}
    assert w._diff["changed"]["train-a"] == "train-b"
    drawn = set()
    for msg in recorder.sent:
        if msg["type"] in ("snapshot", "delta"):
            drawn.update(msg["nodes"]["id"])
    assert set(sides) <= drawn | set(w.graph)  # every marked node is drawn
    w.compare()
    assert w._diff == {}


def test_the_details_of_a_changed_pair_say_what_differs() -> None:
    g = two_trainings()
    w = LineageWidget(g, root="model:v3", cluster_threshold=None)
    w.compare("model:v3", "model:v7")
    (details,) = Recorder(w).browser_says(type="details", id="train-a", request_id=1)
    assert details["diff"] == {
        "side": "a",
        "other": "train-b",
        "other_label": "train-b",
        "rows": [["lr", "0.1", "0.01"], ["opt.beta", "0.9", "0.8"]],
    }
    (details,) = Recorder(w).browser_says(type="details", id="processed:v2", request_id=2)
    assert details["diff"]["rows"] == [["version", "v1", "v2"]]
    (details,) = Recorder(w).browser_says(type="details", id="raw:v0", request_id=3)
    assert "diff" not in details  # shared: nothing differs


def test_compare_needs_two_nodes_or_none() -> None:
    w = LineageWidget(two_trainings(), root="model:v3")
    with pytest.raises(TypeError, match="two nodes"):
        w.compare("model:v3")
    with pytest.raises(KeyError, match="nowhere"):
        w.compare("model:v3", "nowhere")


# ---- refresh ---------------------------------------------------------------------------------


class NewestFirst(GraphSource):
    """Lists neighbours newest first (as W&B's API does)."""

    def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
        return list(reversed(super().neighbours(node, direction)))


def test_refresh_draws_what_the_source_added_without_moving_what_is_shown() -> None:
    g = sweep(2)
    w = LineageWidget(g, root="clean:v0", depth=2, cluster_threshold=None, source=NewestFirst(g))
    recorder = Recorder(w)
    before = {n: (w._explorer.levels[n], w._explorer.orders[n]) for n in w.graph}
    g.add_run("train-2", type="train", name="train-2")  # the user keeps adding to the graph
    g.add_edge("clean:v0", "train-2")
    g.add_artifact("model:v2", type="model", name="model", version="v2")
    g.add_edge("train-2", "model:v2")
    new = w.refresh()
    assert [n.id for n in new] == ["train-2"]  # a new consumer of a walk done
    after = {n: (w._explorer.levels[n], w._explorer.orders[n]) for n in before}
    assert after == before  # nothing shown moved
    assert w._explorer.orders["train-2"] > max(w._explorer.orders[f"train-{i}"] for i in (0, 1))
    assert "train-2" in recorder.sent[-1]["nodes"]["id"]
    assert not [m for m in recorder.sent if m["type"] == "status"]  # a refresh is quiet
    w.expand("train-2", "downstream")
    new = w.refresh()
    assert new == []  # nothing more: the next refresh brings nothing


def test_refresh_of_a_graph_shown_whole_finds_new_neighbours() -> None:
    g = sweep(2)
    w = LineageWidget(g)
    g.add_artifact("report:v0", type="report", name="report", version="v0")
    g.add_edge("eval", "report:v0")
    assert [n.id for n in w.refresh()] == ["report:v0"]


def test_refresh_of_a_graph_shown_whole_walks_only_what_changed() -> None:
    g = sweep(3)
    w = LineageWidget(g)
    assert w._explorer.walked() == []  # (the copy still shares the graph: nothing changed)
    g.add_run("train-3", type="train", name="train-3")
    g.add_edge("clean:v0", "train-3")
    g.add_run("train-1", type="train", name="train-1", details={"State": "finished"})
    assert w._explorer.walked() == [
        ("clean:v0", "downstream"),  # a new consumer
        ("model:v1", "upstream"),  # train-1's fields changed: walks towards it find them
    ]
    assert [n.id for n in w.refresh()] == ["train-3"]
    assert w.graph.node("train-1").details == {"State": "finished"}
    assert w._explorer.walked() == []  # all known now: a refresh asks nothing
    g.add_run("retrain", type="train")  # a new producer of a known model
    g.add_edge("retrain", "model:v1")
    g.add_run("compare", type="eval")  # a run of two inputs, linked in another order
    g.add_edge("model:v1", "compare")
    g.add_edge("model:v0", "compare")
    assert set(w._explorer.walked()) == {
        ("model:v1", "upstream"),
        ("model:v1", "downstream"),
        ("model:v0", "downstream"),
    }
    assert {n.id for n in w.refresh()} == {"retrain", "compare"}
    assert w._explorer.walked() == []  # (compare's inputs landed in another order: no change)


def test_refresh_of_a_graph_shown_whole_asks_again_where_a_walk_failed() -> None:
    g = sweep(2)
    w = LineageWidget(g)
    g.add_run("late", type="train")  # (the graph no longer shares the widget's copy)
    w._explorer.status[("eval", "upstream")] = FetchStatus("error", "ConnectionError: gone")
    assert w._explorer.walked() == [("eval", "upstream")]
    w.refresh()
    assert ("eval", "upstream") not in w._explorer.status  # the mark is cleared


def test_a_graph_changing_while_it_is_compared_is_read_again() -> None:
    g = sweep(2)
    w = LineageWidget(g)
    g.add_run("late", type="train")
    g.add_edge("clean:v0", "late")
    compare = g.walks_changed_since
    tries: list[int] = []

    def busy_once(known: LineageGraph) -> list[tuple[str, str]]:
        tries.append(1)
        if len(tries) == 1:  # (as a cell adding a consumer to a hub meanwhile does)
            raise RuntimeError("dictionary changed size during iteration")
        return compare(known)

    g.walks_changed_since = busy_once  # type: ignore[method-assign]
    assert w._explorer.walked() == [("clean:v0", "downstream")]
    assert len(tries) == 2


class FresherRecords(GraphSource):
    """Adds what it knows to each record (as a tracker's fresher run state would)."""

    def to_node(self, obj: LineageNode) -> LineageNode:
        return LineageNode(obj.id, obj.kind, obj.type, obj.name, details={"seen": True})


@pytest.mark.parametrize("source", [NewestFirst, FresherRecords])
def test_a_source_that_answers_its_own_way_is_walked_again_whole(
    source: type[GraphSource],
) -> None:
    g = sweep(2)
    w = LineageWidget(g, source=source(g))
    g.add_run("late", type="train")  # (the graph no longer shares the widget's copy)
    assert len(w._explorer.walked()) == 2 * len(w.graph)


def test_a_refresh_that_fails_marks_the_node_and_the_next_clears_it() -> None:
    class Flaky(GraphSource):
        fail = False

        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if self.fail and node.id == "clean:v0" and direction == "downstream":
                raise ConnectionError("server gone")
            return super().neighbours(node, direction)

    g = sweep(2)
    source = Flaky(g)
    w = LineageWidget(g, root="clean:v0", source=source)
    recorder = Recorder(w)
    source.fail = True
    assert w.refresh() == []
    errors = [m for m in recorder.sent if m["type"] == "status" and m["state"] == "error"]
    assert errors == [
        {
            "type": "status",
            "id": "clean:v0",
            "direction": "downstream",
            "state": "error",
            "error": "ConnectionError: server gone",
        }
    ]
    source.fail = False
    start = len(recorder.sent)
    w.refresh()
    statuses = [m["state"] for m in recorder.sent[start:] if m["type"] == "status"]
    assert statuses == ["idle"]  # the mark is cleared
    assert ("clean:v0", "downstream") not in w._explorer.status


def test_refresh_does_not_block_the_kernel_on_a_hung_source() -> None:
    class Hung(GraphSource):
        def __init__(self, graph: LineageGraph) -> None:
            super().__init__(graph)
            self.gate = threading.Event()
            self.gate.set()

        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id == "clean:v0" and direction == "downstream" and not self.gate.is_set():
                assert self.gate.wait(10)
            return super().neighbours(node, direction)

    g = sweep(2)
    source = Hung(g)
    w = LineageWidget(g, root="clean:v0", source=source, depth=1)
    source.gate.clear()
    started = time.monotonic()
    assert w.refresh(timeout=0.2) == []
    assert time.monotonic() - started < 2
    source.gate.set()
    assert w.wait(10)
    w.close()


def test_auto_refresh_refreshes_in_the_background_until_closed() -> None:
    g = sweep(2)
    w = LineageWidget(g, root="clean:v0")
    assert w.auto_refresh is None
    with pytest.raises(traitlets.TraitError, match="positive"):
        w.auto_refresh = 0
    w.auto_refresh = 0.05
    g.add_run("train-2", type="train", name="train-2")
    g.add_edge("clean:v0", "train-2")
    wait_until(lambda: "train-2" in w.graph, "the refresh to bring train-2", interval=0.02)
    w.close()
    wait_until(
        lambda: not [t for t in threading.enumerate() if t.name == "lineage-widget-refresh"],
        "the refresh thread to stop",
        timeout=2,
        interval=0.02,
    )


def test_refresh_sends_a_run_whose_state_changed_and_nothing_else() -> None:
    g = sweep(2)
    g.add_run("train-0", type="train", details={"State": "running"})
    w = LineageWidget(g, root="clean:v0", cluster_threshold=None)
    recorder = Recorder(w)
    g.add_run("train-0", type="train", details={"State": "finished"})  # it ended meanwhile
    assert w.refresh() == []
    (delta,) = [m for m in recorder.sent if m["type"] == "delta"]
    assert delta["nodes"]["id"] == ["train-0"]
    assert "run_state" not in delta["nodes"]  # finished: no badge any more
