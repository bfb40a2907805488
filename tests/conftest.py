"""Shared fixtures: small lineages built with the public API."""

from __future__ import annotations

import pytest

from lineage_widget import LineageGraph


def sweep(n_train: int = 3) -> LineageGraph:
    """raw -> prep -> clean -> n train runs -> n model versions -> one eval run."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("prep", type="preprocess", name="prep")
    g.add_edge("raw:v0", "prep")
    g.add_artifact("clean:v0", type="dataset", name="clean", version="v0")
    g.add_edge("prep", "clean:v0")
    g.add_run("eval", type="eval", name="eval")
    for i in range(n_train):
        g.add_run(f"train-{i}", type="train", name=f"train-{i}")
        g.add_edge("clean:v0", f"train-{i}")
        g.add_artifact(f"model:v{i}", type="model", name="model", version=f"v{i}")
        g.add_edge(f"train-{i}", f"model:v{i}")
        g.add_edge(f"model:v{i}", "eval")
    return g


@pytest.fixture
def pipeline() -> LineageGraph:
    return sweep(3)


def wide_sweep(n: int, *, one_model_artifact: bool = True) -> LineageGraph:
    """raw -> preprocess -> processed -> n train runs -> n models -> n eval runs -> n metrics
    -> report (4n + 4 nodes). Models are versions of one artifact, or n separate artifacts."""
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("preprocess", type="preprocess")
    g.add_artifact("processed:v0", type="dataset", name="processed", version="v0")
    g.add_run("report", type="report")
    g.add_edge("raw:v0", "preprocess")
    g.add_edge("preprocess", "processed:v0")
    for i in range(n):
        model = f"model:v{i}" if one_model_artifact else f"model-{i}:v0"
        g.add_run(f"train-{i}", type="train")
        g.add_artifact(
            model, type="model", name=model.split(":", maxsplit=1)[0], version=model.split(":")[1]
        )
        g.add_run(f"eval-{i}", type="eval")
        g.add_artifact(f"metrics-{i}:v0", type="metrics", name=f"metrics-{i}", version="v0")
        g.add_edge("processed:v0", f"train-{i}")
        g.add_edge(f"train-{i}", model)
        g.add_edge(model, f"eval-{i}")
        g.add_edge(f"eval-{i}", f"metrics-{i}:v0")
        g.add_edge(f"metrics-{i}:v0", "report")
    return g
