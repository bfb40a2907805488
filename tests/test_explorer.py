"""Explorer: how the shown lineage grows, where nodes go, what is left to fetch."""

from __future__ import annotations

from typing import Any

import pytest
from support import wide_sweep

from lineage_widget import GraphSource, LineageGraph
from lineage_widget.explorer import Explorer


def start(graph: LineageGraph, root: str, depth: int = 1) -> Explorer:
    explorer = Explorer(GraphSource(graph))
    explorer.start(graph.node(root), depth)
    explorer.take_pending()
    return explorer


def test_start_shows_root_and_depth_hops_each_way(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "train-0")
    assert set(explorer.graph) == {"clean:v0", "train-0", "model:v0"}
    assert explorer.levels == {"train-0": 0, "clean:v0": -1, "model:v0": 1}
    deeper = start(pipeline, "train-0", depth=2)
    # Up: clean <- prep. Down: model -> eval. Never sideways to the other train runs.
    assert set(deeper.graph) == {"prep", "clean:v0", "train-0", "model:v0", "eval"}


def test_more_counts_what_is_not_shown(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "train-0")
    assert explorer.more("clean:v0", "downstream") == 2  # train-1, train-2
    assert explorer.more("clean:v0", "upstream") == 1  # prep
    assert explorer.more("train-0", "upstream") == 0  # fetched
    assert explorer.more("model:v0", "downstream") == 1  # eval


def test_expand_adds_only_new_nodes_and_keeps_places(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "train-0")
    before = (dict(explorer.levels), dict(explorer.orders))
    new = explorer.expand("clean:v0", "downstream")
    assert [n.id for n in new] == ["train-1", "train-2"]
    assert all(explorer.levels[n.id] == explorer.levels["train-0"] for n in new)
    for node_id, level in before[0].items():
        assert explorer.levels[node_id] == level
        assert explorer.orders[node_id] == before[1][node_id]
    pending = explorer.take_pending()
    assert set(pending.nodes) == {"clean:v0", "train-1", "train-2"}
    assert pending.edges == [("clean:v0", "train-1"), ("clean:v0", "train-2")]
    assert explorer.more("clean:v0", "downstream") == 0


def test_expand_depth_walks_several_hops(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "model:v0")
    explorer.expand("train-0", "upstream", depth=3)
    assert {"clean:v0", "prep", "raw:v0"} <= set(explorer.graph)
    assert explorer.levels["raw:v0"] < explorer.levels["prep"] < explorer.levels["clean:v0"]


def test_expand_rejects_bad_arguments(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "train-0")
    with pytest.raises(ValueError, match="'sideways'"):
        explorer.expand("train-0", "sideways")
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        explorer.expand("train-0", "upstream", depth=0)
    with pytest.raises(KeyError, match="'ghost'"):
        explorer.expand("ghost", "upstream")


def test_backward_edge_pushes_the_found_node_not_the_shown_ones() -> None:
    # eval used both the dataset and a model trained on it: the dataset must end up left of train.
    g = LineageGraph()
    g.add_artifact("data", type="dataset")
    g.add_run("train", type="train")
    g.add_artifact("model", type="model")
    g.add_run("eval", type="eval")
    g.add_edge("data", "train")
    g.add_edge("train", "model")
    g.add_edge("model", "eval")
    g.add_edge("data", "eval")
    explorer = start(g, "eval")  # data and model both one hop up
    assert explorer.levels["data"] == explorer.levels["model"] == -1
    explorer.expand("model", "upstream")
    explorer.expand("train", "upstream")  # finds data, already shown, right of train
    levels = explorer.levels
    assert levels["data"] < levels["train"] < levels["model"] < levels["eval"]
    assert (levels["train"], levels["model"], levels["eval"]) == (-2, -1, 0)


def test_show_all_uses_longest_path_columns(pipeline: LineageGraph) -> None:
    explorer = Explorer(GraphSource(pipeline))
    explorer.show_all(pipeline)
    assert explorer.levels["raw:v0"] == 0
    assert explorer.levels["eval"] == 5
    assert {explorer.levels[f"train-{i}"] for i in range(3)} == {3}
    assert sorted(explorer.orders[f"train-{i}"] for i in range(3)) == [0.0, 1.0, 2.0]
    assert all(explorer.more(n, d) == 0 for n in pipeline for d in ("upstream", "downstream"))


def test_show_all_survives_a_cycle() -> None:
    g = LineageGraph()
    g.add_artifact("a", type="dataset")
    g.add_run("r", type="train")
    g.add_edge("a", "r")
    g.add_edge("r", "a")
    explorer = Explorer(GraphSource(g))
    explorer.show_all(g)
    assert set(explorer.levels) == {"a", "r"}


class FlakySource(GraphSource):
    """Fails the first ``failures`` walks, then answers."""

    def __init__(self, graph: LineageGraph, failures: int = 1) -> None:
        super().__init__(graph)
        self.failures = failures

    def used_by(self, artifact: Any) -> list[Any]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("server said 502")
        return super().used_by(artifact)

    def neighbours(self, node: Any, direction: Any) -> list[Any]:
        if direction == "downstream" and node.kind == "artifact":
            return list(self.used_by(node))
        return super().neighbours(node, direction)


def test_failed_fetch_changes_nothing_and_can_be_retried(pipeline: LineageGraph) -> None:
    statuses: list[tuple[str, str, str, str | None]] = []
    explorer = Explorer(FlakySource(pipeline), lambda *s: statuses.append(s))
    explorer.start(pipeline.node("prep"), 1)
    explorer.take_pending()
    statuses.clear()
    shown = list(explorer.graph)
    with pytest.raises(ConnectionError):
        explorer.fetch("clean:v0", "downstream")
    assert list(explorer.graph) == shown
    assert not explorer.take_pending()
    assert explorer.status[("clean:v0", "downstream")].error == "ConnectionError: server said 502"
    assert statuses[-1] == ("clean:v0", "downstream", "error", "ConnectionError: server said 502")
    explorer.fetch("clean:v0", "downstream")  # retry
    assert {"train-0", "train-1", "train-2"} <= set(explorer.graph)
    assert ("clean:v0", "downstream") not in explorer.status
    assert statuses[-1] == ("clean:v0", "downstream", "idle", None)


def test_source_linking_two_runs_is_refused_and_named(pipeline: LineageGraph) -> None:
    class Confused(GraphSource):
        def neighbours(self, node: Any, direction: Any) -> list[Any]:
            return [self.graph.node("train-1")]

    explorer = Explorer(Confused(pipeline))
    explorer._place(pipeline.node("train-0"), level=0, order=0)
    with pytest.raises(ValueError, match="run 'train-0' to run 'train-1'"):
        explorer.fetch("train-0", "upstream")
    assert "train-1" not in explorer.graph


def test_reveal_adds_the_path_to_a_hidden_node(pipeline: LineageGraph) -> None:
    explorer = start(pipeline, "model:v1")
    assert explorer.reveal("raw:v0") == "raw:v0"
    assert {"clean:v0", "prep", "raw:v0"} <= set(explorer.graph)
    assert explorer.graph.has_edge("raw:v0", "prep")
    assert "train-0" not in explorer.graph  # only the path, no siblings
    levels = explorer.levels
    assert levels["raw:v0"] < levels["prep"] < levels["clean:v0"] < levels["train-1"]
    steps = len(explorer.steps)
    assert explorer.reveal("raw:v0") == "raw:v0"  # known already: no step taken
    assert len(explorer.steps) == steps
    with pytest.raises(KeyError, match="'ghost'"):
        explorer.reveal("ghost")


class PagedSource(GraphSource):
    """Hands out consumers lazily, page_size at a time, failing once after ``fail_after``."""

    page_size = 2

    def __init__(self, graph: LineageGraph, fail_after: int | None = None) -> None:
        super().__init__(graph)
        self.fail_after = fail_after

    def neighbours(self, node: Any, direction: Any) -> Any:
        items = super().neighbours(node, direction)

        def lazy() -> Any:
            for index, item in enumerate(items):
                if self.fail_after is not None and index == self.fail_after:
                    self.fail_after = None
                    raise ConnectionError("dropped mid-walk")
                yield item

        return lazy()


def test_paged_walk_lands_page_by_page_and_resumes_after_a_failure() -> None:
    g = wide_sweep(5)
    explorer = Explorer(PagedSource(g, fail_after=3))
    explorer.start(g.node("processed:v0"), 1)
    trains = lambda: sorted(n for n in explorer.graph if n.startswith("train"))  # noqa: E731
    assert trains() == ["train-0", "train-1"]
    assert explorer.more("processed:v0", "downstream") == 3  # the source counts them
    with pytest.raises(ConnectionError):
        explorer.fetch("processed:v0", "downstream")  # page 2 breaks after one item
    assert trains() == ["train-0", "train-1"]  # nothing of the broken page landed
    # The retry walks anew but resumes after the page that landed: page 2, not page 1 again.
    explorer.fetch("processed:v0", "downstream")
    assert trains() == [f"train-{i}" for i in range(4)]
    explorer.fetch("processed:v0", "downstream")
    assert trains() == [f"train-{i}" for i in range(5)]
    assert explorer.more("processed:v0", "downstream") == 0


class RestartingPaginator:
    """Like wandb's ``RunArtifacts``: its own iterator, and every ``iter()`` rewinds it to the
    first item."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.index = 0
        self.iterations = 0

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> RestartingPaginator:
        self.iterations += 1
        self.index = 0
        return self

    def __next__(self) -> Any:
        if self.index >= len(self.items):
            raise StopIteration
        self.index += 1
        return self.items[self.index - 1]


def test_a_paginator_that_restarts_on_iter_is_paged_through_once() -> None:
    g = wide_sweep(5)
    paginators: list[RestartingPaginator] = []

    class Source(GraphSource):
        page_size = 2

        def neighbours(self, node: Any, direction: Any) -> Any:
            paginators.append(RestartingPaginator(super().neighbours(node, direction)))
            return paginators[-1]

    explorer = Explorer(Source(g))
    explorer.start(g.node("processed:v0"), 1)
    walk = paginators[-1]  # downstream is walked last
    for _ in range(2):
        explorer.fetch("processed:v0", "downstream")
    assert sorted(n for n in explorer.graph if n.startswith("train")) == [
        f"train-{i}" for i in range(5)
    ]
    assert explorer.more("processed:v0", "downstream") == 0
    assert walk.iterations == 1  # one iterator for the whole walk
