"""refresh() over real sources: a Trackio store trackio itself writes to while the widget is
open, and the real wandb SDK against the fake W&B backend whose lineage grows meanwhile. Both
go through the source page protocol (sources/base.py), re-walking from cursor None."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trackio
import wandb
from fake_wandb import FakeWandb, Lineage
from trackio_support import log_file_artifact as _log
from trackio_support import point_trackio_at as _point_trackio_at
from trackio_support import start_run as _run

from lineage_widget import LineageWidget


@pytest.fixture
def trackio_store(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    store, files = tmp_path / "store", tmp_path / "files"
    files.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        _point_trackio_at(mp, store)
        _run("grow", "prep", job_type="preprocess")
        _log(files, "clean", "dataset", "c0")
        trackio.finish()
        _run("grow", "train-0", job_type="train", lr=0.1)
        trackio.use_artifact("clean")
        _log(files, "model", "model", "m0")
        trackio.log({"loss": 0.9})
        trackio.finish()
        yield store, files


def test_refresh_draws_a_run_trackio_logged_after_the_widget_opened(
    trackio_store: tuple[Path, Path],
) -> None:
    store, files = trackio_store
    w = LineageWidget.from_trackio(
        "grow", artifact="clean:v0", trackio_dir=store, cluster_threshold=None
    )
    before = {n: (w._explorer.levels[n], w._explorer.orders[n]) for n in w.graph}
    assert "train-0" in {n.name for n in w.graph.nodes()}
    _run("grow", "train-1", job_type="train", lr=0.01)  # the sweep goes on
    trackio.use_artifact("clean")
    _log(files, "model", "model", "m1")
    trackio.log({"loss": 0.5})  # (trackio keeps a run's config with its first metrics)
    trackio.finish()
    new = w.refresh()
    assert [n.name for n in new] == ["train-1"]
    assert {n: (w._explorer.levels[n], w._explorer.orders[n]) for n in before} == before
    w.expand(new[0].id, "downstream")
    assert "model:v1" in {n.label for n in w.graph.nodes()}
    w.color_by = "lr"  # the new run takes its place on the scale
    assert w._coloring["values"][new[0].id] == 0.01


@pytest.fixture
def grown_wandb(tmp_path: Path) -> Iterator[tuple[FakeWandb, Any]]:
    lin = Lineage("ana")
    prep = lin.run("demo", "p1", "preprocess", "prep-run")
    clean = lin.artifact("demo", "clean", "dataset")
    lin.log(prep, clean)
    lin.use(lin.run("demo", "t1", "train", "train-1"), clean)
    backend = FakeWandb(lin)
    with backend.serve(), pytest.MonkeyPatch.context() as patch:
        for key, value in backend.environment(tmp_path).items():
            patch.setenv(key, value)
        api = wandb.Api(overrides={"base_url": backend.url}, api_key="f" * 40)
        yield backend, api


def test_refresh_draws_what_w_and_b_added_meanwhile(grown_wandb: tuple[FakeWandb, Any]) -> None:
    backend, api = grown_wandb
    w = LineageWidget(api.artifact("ana/demo/clean:v0"))
    assert {n.name for n in w.graph.nodes() if n.kind == "run"} == {"prep-run", "train-1"}
    lin = backend.lineage
    clean = next(a for a in lin.artifacts.values() if a.collection == "clean")
    lin.use(lin.run("demo", "t2", "train", "train-2"), clean)  # a new consumer
    new = w.refresh()
    assert [n.name for n in new] == ["train-2"]
    assert w.refresh() == []  # asked again: nothing more
