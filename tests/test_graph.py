"""LineageGraph: building, validation, networkx round trips."""

from __future__ import annotations

import gc
from dataclasses import FrozenInstanceError, replace

import networkx as nx
import pytest
from support import sweep, wide_sweep

from lineage_widget import LineageGraph, LineageWidget
from lineage_widget._gc import paused_gc
from lineage_widget.graph import node_id


def test_edges_follow_wandb_semantics(pipeline: LineageGraph) -> None:
    assert [n.id for n in pipeline.consumers("raw:v0")] == ["prep"]  # prep used raw
    assert [n.id for n in pipeline.producers("clean:v0")] == ["prep"]  # prep logged clean
    assert [n.id for n in pipeline.producers("eval")] == ["model:v0", "model:v1", "model:v2"]


def test_artifact_label_is_name_and_version() -> None:
    g = LineageGraph()
    assert g.add_artifact("a", type="model", name="model", version="v3").label == "model:v3"
    # W&B artifact names already carry the version: not doubled.
    assert g.add_artifact("b", type="model", name="model:v3", version="v3").label == "model:v3"
    assert g.add_artifact("c", type="model", name="model").label == "model"
    assert g.add_run("r", type="train", name="brisk-sun-4").label == "brisk-sun-4"


def test_name_defaults_to_id() -> None:
    g = LineageGraph()
    assert g.add_run("run-1", type="train").name == "run-1"


@pytest.mark.parametrize(("src", "dst", "kind"), [("a", "b", "artifacts"), ("r", "s", "runs")])
def test_edge_between_two_of_a_kind_is_refused(src: str, dst: str, kind: str) -> None:
    g = LineageGraph()
    g.add_artifact("a", type="dataset")
    g.add_artifact("b", type="dataset")
    g.add_run("r", type="train")
    g.add_run("s", type="train")
    with pytest.raises(ValueError, match=rf"'{src}' -> '{dst}' joins two {kind}"):
        g.add_edge(src, dst)
    assert not g.has_edge(src, dst)


def test_edge_to_unknown_node_names_it() -> None:
    g = LineageGraph()
    g.add_run("r", type="train")
    with pytest.raises(KeyError, match="'ghost'"):
        g.add_edge("ghost", "r")


def test_one_id_cannot_be_run_and_artifact() -> None:
    g = LineageGraph()
    g.add_run("x", type="train")
    with pytest.raises(ValueError, match="'x' is already a run"):
        g.add_artifact("x", type="dataset")
    assert g.node("x").kind == "run"


def test_adding_again_updates_and_keeps_object() -> None:
    g = LineageGraph()
    original = object()
    g.add_artifact("a", type="dataset", obj=original)
    g.add_artifact("a", type="dataset", aliases=["latest"])
    assert g.node("a").aliases == ("latest",)
    assert g.node("a").obj is original
    assert len(g) == 1


@pytest.mark.parametrize("bad", ["", 3, None])
def test_bad_ids_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        LineageGraph().add_run(bad, type="train")  # type: ignore[arg-type]


def test_unknown_node_lookup_names_it() -> None:
    with pytest.raises(KeyError, match="'nope'"):
        LineageGraph().node("nope")


def test_from_networkx_reads_attributes_and_turns_keys_into_strings() -> None:
    nxg = nx.DiGraph()
    nxg.add_node(1, kind="artifact", type="dataset", name="raw", version="v0", owner="ana")
    nxg.add_node(("run", 7), kind="run", type="train")
    nxg.add_edge(1, ("run", 7))
    g = LineageGraph.from_networkx(nxg)
    assert set(g) == {"1", '["run", "7"]'}
    raw = g.node("1")
    assert (raw.kind, raw.type, raw.label, raw.details) == (
        "artifact",
        "dataset",
        "raw:v0",
        {"owner": "ana"},
    )
    assert g.has_edge("1", node_id(("run", 7)))


def test_from_networkx_names_a_node_without_kind() -> None:
    nxg = nx.DiGraph()
    nxg.add_node("mystery", type="dataset")
    with pytest.raises(ValueError, match=r"node 'mystery'.*'kind'"):
        LineageGraph.from_networkx(nxg)


def test_from_networkx_refuses_other_types() -> None:
    with pytest.raises(TypeError, match="got Graph"):
        LineageGraph.from_networkx(nx.Graph())  # type: ignore[arg-type]


def test_networkx_round_trip(pipeline: LineageGraph) -> None:
    nxg = pipeline.to_networkx()
    assert nxg.nodes["model:v1"]["kind"] == "artifact"
    assert nxg.nodes["model:v1"]["version"] == "v1"
    again = LineageGraph.from_networkx(nxg)
    assert list(again) == list(pipeline)
    assert list(again.edges()) == list(pipeline.edges())
    assert [n.label for n in again.nodes()] == [n.label for n in pipeline.nodes()]


def test_nearest_path_goes_either_way(pipeline: LineageGraph) -> None:
    assert pipeline.nearest_path(["model:v0"], "raw:v0") == [
        "model:v0",
        "train-0",
        "clean:v0",
        "prep",
        "raw:v0",
    ]
    assert pipeline.nearest_path(["eval"], "eval") == ["eval"]
    assert pipeline.nearest_path(["eval"], "ghost") is None


def test_upstream_and_downstream_walk_what_is_known(pipeline: LineageGraph) -> None:
    assert [n.id for n in pipeline.upstream("model:v1")] == [
        "train-1", "clean:v0", "prep", "raw:v0"
    ]  # fmt: skip
    assert [n.id for n in pipeline.upstream("model:v1", depth=2)] == ["train-1", "clean:v0"]
    down = [n.id for n in pipeline.downstream("clean:v0")]
    assert down[:3] == ["train-0", "train-1", "train-2"]
    assert set(down) == {
        "train-0",
        "train-1",
        "train-2",
        "model:v0",
        "model:v1",
        "model:v2",
        "eval",
    }
    assert pipeline.upstream("raw:v0") == []
    with pytest.raises(ValueError, match="got 0"):
        pipeline.upstream("eval", depth=0)


def test_path_follows_the_data(pipeline: LineageGraph) -> None:
    assert [n.id for n in pipeline.path("raw:v0", "model:v2")] == [
        "raw:v0", "prep", "clean:v0", "train-2", "model:v2"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="no lineage path from 'model:v2' to 'raw:v0'"):
        pipeline.path("model:v2", "raw:v0")
    with pytest.raises(KeyError, match="'ghost'"):
        pipeline.path("ghost", "raw:v0")


def test_json_round_trip(pipeline: LineageGraph) -> None:
    pipeline.add_artifact("raw:v0", type="dataset", name="raw", version="v0", aliases=["latest"],
                          details={"rows": 3, "when": object()})  # fmt: skip
    again = LineageGraph.from_json(pipeline.to_json())
    assert list(again) == list(pipeline)
    assert list(again.edges()) == list(pipeline.edges())
    raw = again.node("raw:v0")
    assert (raw.aliases, raw.details["rows"]) == (("latest",), 3)
    assert raw.details["when"].startswith("<object")  # not JSON: kept as text


def test_copy_is_independent(pipeline: LineageGraph) -> None:
    copied = pipeline.copy()
    assert list(copied) == list(pipeline)
    assert list(copied.edges()) == list(pipeline.edges())
    assert [n.id for n in copied.producers("eval")] == ["model:v0", "model:v1", "model:v2"]
    copied.add_run("extra", type="train")
    copied.add_edge("raw:v0", "extra")
    assert "extra" not in pipeline
    assert not pipeline.has_edge("raw:v0", "extra")
    assert [n.id for n in pipeline.consumers("raw:v0")] == ["prep"]
    assert [n.id for n in copied.consumers("raw:v0")] == ["prep", "extra"]


def test_copy_is_independent_whichever_side_changes(pipeline: LineageGraph) -> None:
    """Copies share their structure until one changes: the original changing first, a record
    replaced in place, and a copy of a copy must not leak into the others either."""
    copied = pipeline.copy()
    again = copied.copy()
    pipeline.add_artifact("late:v0", type="dataset")
    pipeline.add_edge("eval", "late:v0")
    pipeline.add_artifact("raw:v0", type="dataset", details={"rows": 99})  # update in place
    for other in (copied, again):
        assert "late:v0" not in other
        assert not other.has_edge("eval", "late:v0")
        assert other.node("raw:v0").details.get("rows") != 99
    again.add_run("extra", type="train")
    assert "extra" not in copied
    assert "extra" not in pipeline
    assert list(copied) == [n for n in pipeline if n != "late:v0"]


@pytest.mark.parametrize(
    ("asked", "hint"),
    [
        ("Prep", "did you mean 'prep'?"),  # case-insensitive first
        ("trian-0", "did you mean 'train-0'"),  # then the nearest spellings
    ],
)
def test_an_unknown_id_names_the_nearest_ids(asked: str, hint: str) -> None:
    with pytest.raises(KeyError, match=f"unknown node '{asked}'; {hint}"):
        LineageWidget(sweep(3), root=asked)


def test_an_unknown_id_with_nothing_near_gives_no_hint() -> None:
    with pytest.raises(KeyError) as raised:
        sweep(3).node("zzz")
    assert str(raised.value) == "\"unknown node 'zzz'\""


# ---- big graphs: the bulk paths give what the checked one-at-a-time paths give -------------


def test_from_networkx_builds_the_graph_node_by_node_building_builds() -> None:
    built = wide_sweep(3, one_model_artifact=False)
    built.add_artifact("extra:v0", type="notes", name="extra", version="v0", details={"k": 1})
    built.add_edge("report", "extra:v0")
    nxg = built.to_networkx()
    nxg.nodes["extra:v0"]["owner"] = "ana"  # an attribute of its own: joins the details
    again = LineageGraph.from_networkx(nxg)
    assert again.nodes()[:-1] == built.nodes()[:-1]  # the records, field by field
    extra = again.node("extra:v0")
    assert extra.details == {"k": 1, "owner": "ana"}
    assert (extra.inaccessible, extra.obj) == (None, None)  # (made in bulk: defaults set too)
    assert replace(extra, version="v1").label == "extra:v1"
    with pytest.raises(FrozenInstanceError):
        extra.name = "renamed"  # type: ignore[misc]
    assert list(again.edges()) == list(built.edges())
    assert list(map(list, again.consumer_lists(["report", "raw:v0"]))) == [
        ["extra:v0"],
        ["preprocess"],
    ]


def test_from_networkx_names_a_bad_kind_value() -> None:
    nxg = nx.DiGraph()
    nxg.add_node("ok", kind="run", type="train")
    nxg.add_node("weird", kind="model", type="x")
    with pytest.raises(ValueError, match=r"node 'weird'.*got 'model'"):
        LineageGraph.from_networkx(nxg)


def test_from_networkx_names_an_edge_between_two_runs() -> None:
    nxg = nx.DiGraph()
    nxg.add_node("a", kind="run", type="train")
    nxg.add_node("b", kind="run", type="eval")
    nxg.add_edge("a", "b")
    with pytest.raises(ValueError, match=r"edge 'a' -> 'b' joins two runs"):
        LineageGraph.from_networkx(nxg)


def test_from_networkx_two_keys_of_one_id_follow_add_node() -> None:
    """Keys 1 and "1" name one id: the second updates the first, or is refused if its kind
    differs, as add_node does."""
    same = nx.DiGraph()
    same.add_node(1, kind="run", type="train")
    same.add_node("1", kind="run", type="eval")
    assert LineageGraph.from_networkx(same).node("1").type == "eval"
    clash = nx.DiGraph()
    clash.add_node(1, kind="run", type="train")
    clash.add_node("1", kind="artifact", type="model")
    with pytest.raises(ValueError, match=r"id '1' is already a run"):
        LineageGraph.from_networkx(clash)
    empty = nx.DiGraph()
    empty.add_node("", kind="run", type="train")
    with pytest.raises(ValueError, match="non-empty string"):
        LineageGraph.from_networkx(empty)


def test_a_hub_keeps_its_neighbours_in_order_past_the_short_list() -> None:
    """Neighbours are a short list, then an ordered set: either way in insertion order, once."""
    g = LineageGraph()
    g.add_artifact("data:v0", type="dataset")
    runs = [f"run-{i}" for i in range(40)]
    for run in runs:
        g.add_run(run, type="train")
        g.add_edge("data:v0", run)
        g.add_edge("data:v0", run)  # again: no second edge
    assert list(g.consumer_ids("data:v0")) == runs
    assert g.has_edge("data:v0", "run-39")
    assert not g.has_edge("run-39", "data:v0")
    copy = g.copy()
    g.add_run("late", type="train")
    g.add_edge("data:v0", "late")
    assert list(copy.consumer_ids("data:v0")) == runs  # the copy kept its own neighbours
    assert [n.id for n in g.consumers("data:v0")][-1] == "late"


def test_the_collector_is_paused_only_inside_a_bulk_pass() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
