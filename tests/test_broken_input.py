"""Broken and unusual input: drawn sensibly or refused with an error naming the value."""

from __future__ import annotations

import re
from typing import Any

import networkx as nx
import pytest
from test_widget import Recorder
from wandb_fakes import FakeRun, wandb_pipeline

from lineage_widget import GraphSource, LineageGraph, LineageNode, LineageWidget


def cycle() -> LineageGraph:
    """a -> r -> b -> s -> a: not a DAG (a tracker bug, or hand-made data)."""
    g = LineageGraph()
    g.add_artifact("a", type="dataset")
    g.add_run("r", type="train")
    g.add_artifact("b", type="model")
    g.add_run("s", type="eval")
    for src, dst in [("a", "r"), ("r", "b"), ("b", "s"), ("s", "a")]:
        g.add_edge(src, dst)
    return g


@pytest.mark.parametrize("root", [None, "a", "b"])
def test_a_cycle_is_drawn_with_the_closing_edge_marked(root: str | None) -> None:
    w = LineageWidget(cycle(), root=root, depth=4)
    assert set(w.graph) == {"a", "r", "b", "s"}
    (snapshot,) = Recorder(w).browser_says(type="hello")
    edges = snapshot["edges"]
    assert len(edges["source"]) == 4
    assert edges["back"].count(True) == 1  # exactly one edge closes the cycle


def test_empty_graph_is_an_empty_view() -> None:
    w = LineageWidget(LineageGraph())
    (snapshot,) = Recorder(w).browser_says(type="hello")
    assert snapshot["nodes"]["id"] == []
    assert snapshot["clusters"]["id"] == []
    assert w.clusters == {}


NAMES = [
    "données-été ✓",
    "نموذج التدريب",  # right to left
    "🚀 model 🧪",
    "x" * 500,
    "a\nb\tc",
    "\u202egnp.exe",
]


@pytest.mark.parametrize("name", NAMES)
def test_unusual_names_travel_unchanged(name: str) -> None:
    g = LineageGraph()
    g.add_artifact(name, type=name, name=name)
    w = LineageWidget(g)
    (snapshot,) = Recorder(w).browser_says(type="hello")
    assert snapshot["nodes"]["id"] == [name]
    assert snapshot["nodes"]["label"] == [name]
    assert snapshot["nodes"]["type"] == [name]


def test_artifact_without_version_is_labelled_by_name() -> None:
    g = LineageGraph()
    g.add_artifact("raw", type="dataset")
    (snapshot,) = Recorder(LineageWidget(g)).browser_says(type="hello")
    assert snapshot["nodes"]["label"] == ["raw"]


def test_non_string_keys_become_stable_ids() -> None:
    nxg = nx.DiGraph()
    nxg.add_node(1, kind="artifact", type="dataset")
    nxg.add_node((2, "b"), kind="run", type="train")
    nxg.add_edge(1, (2, "b"))
    first = list(LineageWidget(nxg).graph)
    again = list(LineageWidget(nxg).graph)
    assert first == again == ["1", '["2", "b"]']


def test_dangling_networkx_edge_names_the_node() -> None:
    nxg = nx.DiGraph()
    nxg.add_node("d", kind="artifact", type="dataset")
    nxg.add_edge("d", "ghost")  # networkx adds "ghost" with no attributes
    with pytest.raises(ValueError, match="node 'ghost'"):
        LineageWidget(nxg)


def test_source_returning_the_wrong_shape_marks_the_node_by_name() -> None:
    objs = wandb_pipeline()

    class Broken:
        def __repr__(self) -> str:
            return "<Broken artifact>"

        def logged_by(self) -> None: ...
        def used_by(self) -> list[Any]:
            return []

    run: FakeRun = objs["train"]
    run.outputs.append(Broken())  # type: ignore[arg-type]
    w = LineageWidget(objs["clean"], depth=1)
    recorder = Recorder(w)
    before = set(w.graph)
    replies = recorder.browser_says(type="expand", id="ana/demo/t1", direction="downstream")
    error = replies[-1]
    assert error["state"] == "error"
    assert "<Broken artifact>" in error["error"]
    assert "'qualified_name'" in error["error"]
    assert set(w.graph) == before


def test_source_returning_an_id_of_the_other_kind_is_refused() -> None:
    g = LineageGraph()
    g.add_artifact("data", type="dataset")
    for run in ("train", "other"):
        g.add_run(run, type="train")
        g.add_edge("data", run)

    class Liar(GraphSource):
        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id == "train" and direction == "downstream":
                return [LineageNode(id="other", kind="artifact", type="x", name="other")]
            return super().neighbours(node, direction)

    w = LineageWidget(g, root="data", source=Liar(g))
    replies = Recorder(w).browser_says(type="expand", id="train", direction="downstream")
    assert replies[-1]["error"] == (
        "ValueError: the source returned artifact 'other', but that id is already a run"
    )
    assert w.graph.node("other").kind == "run"


def test_unknown_ids_from_the_page_are_answered_with_an_error(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    recorder = Recorder(w)
    before = set(w.graph)
    for request in [
        {"type": "expand", "id": "nope", "direction": "upstream"},
        {"type": "details", "id": "nope", "request_id": 7},
        {"type": "pull_out", "id": "nope"},
    ]:
        (reply,) = recorder.browser_says(**request)
        expected = {
            "type": "error",
            "request": request["type"],
            "id": "nope",
            "error": "KeyError: \"unknown node 'nope'\"",
        }
        if request["type"] == "expand":  # the page clears that control's loading mark
            expected["direction"] = "upstream"
        if request["type"] == "details":  # the page stops waiting for that request's answer
            expected["request_id"] = 7
        assert reply == expected
    (reply,) = recorder.browser_says(type="expand", id="train-0", direction="sideways")
    assert (
        reply["error"] == "ValueError: direction must be 'upstream' or 'downstream', got 'sideways'"
    )
    (reply,) = recorder.browser_says(type="members", cluster="cluster:x", request_id=8)
    assert reply["error"] == "KeyError: \"unknown cluster 'cluster:x'\""
    assert reply["request_id"] == 8
    (reply,) = recorder.browser_says(type="details", id="train-0")
    assert reply["error"] == "ValueError: details request without an integer request_id: None"
    assert set(w.graph) == before


def test_a_failing_selection_callback_shows_under_the_widget(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    recorder = Recorder(w)

    def broken(ids: list[str]) -> None:
        raise RuntimeError(f"cannot handle {ids}")

    w.on_select(broken)
    with pytest.raises(RuntimeError):
        w.select("train-0")
    assert recorder.sent[-1] == {
        "type": "error",
        "request": "select",
        "id": None,
        "error": "RuntimeError: cannot handle ['train-0']",
    }


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"hide_run": True}, "'hide_run' (did you mean 'hide_runs'?)"),
        ({"selcted": []}, "'selcted' (did you mean 'selected'?)"),
        ({"zoom": 2, "job_type": ["train"]}, "'zoom', 'job_type' (did you mean 'job_types'?)"),
    ],
)
def test_an_unknown_keyword_is_refused_with_the_nearest_name(
    kwargs: dict[str, Any], named: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(named)):
        LineageWidget(cycle(), **kwargs)


def test_the_constructors_refuse_unknown_keywords_too(tmp_path: Any) -> None:
    with pytest.raises(TypeError, match=re.escape("'depht' (did you mean 'depth'?)")):
        LineageWidget(cycle(), root="a", depht=2)
    with pytest.raises(TypeError, match=re.escape("'hide_run' (did you mean 'hide_runs'?)")):
        LineageWidget.from_wandb("e/p/run", api=object(), hide_run=True)


def test_ipywidgets_keywords_are_still_taken() -> None:
    w = LineageWidget(cycle(), layout={"height": "300px"}, cluster_threshold=3)
    assert w.layout.height == "300px"
