"""Sources: the in-memory graph and W&B-style objects walk alike."""

from __future__ import annotations

import pytest
from wandb_fakes import FakePaginator, FakeRun, wandb_pipeline

from lineage_widget import GraphSource, LineageGraph, WandbSource


def test_wandb_artifact_node_fields() -> None:
    objs = wandb_pipeline()
    node = WandbSource().to_node(objs["raw"])
    assert node.id == "ana/demo/raw:v0"  # qualified_name
    assert (node.kind, node.type, node.label, node.version) == (
        "artifact",
        "dataset",
        "raw:v0",
        "v0",
    )
    assert node.aliases == ("latest",)
    assert node.details["Description"] == "the raw data"
    assert node.details["Metadata"] == {"rows": 100}
    assert node.obj is objs["raw"]


def test_wandb_run_node_fields() -> None:
    node = WandbSource().to_node(wandb_pipeline()["prep"])
    assert node.id == "ana/demo/p1"  # entity/project/run_id
    assert (node.kind, node.type, node.label) == ("run", "preprocess", "prep-run")
    assert node.details["Author"] == "ana"
    assert node.details["Run id"] == "p1"


def test_run_without_job_type_or_name() -> None:
    run = FakeRun("e", "p", "x9", name="", job_type=None)
    node = WandbSource().to_node(run)
    assert (node.type, node.label) == ("run", "x9")


@pytest.mark.parametrize(
    ("key", "direction", "expected"),
    [
        ("clean", "upstream", ["ana/demo/p1"]),
        ("clean", "downstream", ["ana/demo/t1"]),
        ("train", "upstream", ["ana/demo/clean:v0"]),
        ("train", "downstream", ["ana/demo/model:v0"]),
        ("raw", "upstream", []),
    ],
)
def test_wandb_walks(key: str, direction: str, expected: list[str]) -> None:
    source = WandbSource()
    node = source.to_node(wandb_pipeline()[key])
    found = [source.to_node(o).id for o in source.neighbours(node, direction)]  # type: ignore[arg-type]
    assert found == expected


def test_wandb_paginated_walks_pass_per_page() -> None:
    seen = {}

    class Run(FakeRun):
        def used_artifacts(self, per_page: int = 100) -> FakePaginator:
            seen["per_page"] = per_page
            return FakePaginator([], per_page, "r")

    source = WandbSource(per_page=25)
    source.neighbours(source.to_node(Run("e", "p", "r", "r")), "upstream")
    assert seen == {"per_page": 25}


def test_object_of_wrong_shape_is_named() -> None:
    class NotAnArtifact:
        def __repr__(self) -> str:
            return "<NotAnArtifact>"

    with pytest.raises(TypeError, match="<NotAnArtifact> is neither"):
        WandbSource().to_node(NotAnArtifact())


def test_missing_field_is_named() -> None:
    class Half:
        type = "dataset"
        name = "x:v0"

        def logged_by(self) -> None: ...
        def used_by(self) -> list[object]:
            return []

    with pytest.raises(TypeError, match="no attribute 'qualified_name'"):
        WandbSource().to_node(Half())


def test_graph_source_counts_and_walks(pipeline: LineageGraph) -> None:
    source = GraphSource(pipeline)
    eval_node = pipeline.node("eval")
    assert source.neighbour_count(eval_node, "upstream") == 3
    assert [n.id for n in source.neighbours(eval_node, "upstream")] == [
        "model:v0",
        "model:v1",
        "model:v2",
    ]
    assert source.logged_by(pipeline.node("clean:v0")).id == "prep"  # type: ignore[union-attr]
    assert source.logged_by(pipeline.node("raw:v0")) is None


def test_graph_source_finds_path_in_data_direction(pipeline: LineageGraph) -> None:
    found = GraphSource(pipeline).find_path("raw:v0", ["clean:v0"])
    assert found is not None
    target, edges = found
    assert target.id == "raw:v0"
    assert [(s.id, d.id) for s, d in edges] == [("prep", "clean:v0"), ("raw:v0", "prep")]
    assert GraphSource(pipeline).find_path("ghost", ["eval"]) is None
