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
