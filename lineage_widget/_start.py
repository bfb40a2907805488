"""What the user hands the widget, turned into an explorer with the right source."""

from __future__ import annotations

import os
from typing import Any

import networkx as nx

from .explorer import Explorer
from .graph import LineageGraph, node_id
from .sources.base import LineageSource
from .sources.memory import GraphSource
from .sources.mlflow import MlflowSource, is_mlflow_object
from .sources.trackio import TrackioArtifact, TrackioRun, TrackioSource
from .sources.wandb import WandbSource, is_wandb_artifact, is_wandb_run


def explorer_for(obj: Any, root: Any, depth: int, source: LineageSource | None) -> Explorer:
    """An explorer for whatever the user passed in."""
    if isinstance(obj, nx.DiGraph):
        obj = LineageGraph.from_networkx(obj)
    if isinstance(obj, LineageGraph):
        explorer = Explorer(source or GraphSource(obj))
        if root is None:
            explorer.show_all(obj)
        else:
            explorer.start(obj.node(node_id(root)), depth)
        return explorer
    if isinstance(obj, TrackioArtifact | TrackioRun) and obj.source is not None:
        explorer = Explorer(source or obj.source)
        explorer.start(obj, depth)
        return explorer
    if is_mlflow_object(obj):
        explorer = Explorer(source or MlflowSource())
        explorer.start(obj, depth)
        return explorer
    if is_wandb_artifact(obj) or is_wandb_run(obj):
        explorer = Explorer(source or WandbSource())
        explorer.start(obj, depth)
        return explorer
    raise TypeError(
        "LineageWidget needs a W&B-style artifact or run, an MLflow Run or LoggedModel, a "
        f"LineageGraph or a networkx.DiGraph, got {type(obj).__name__}: {obj!r:.200}"
    )


def trackio_object(
    project: str,
    artifact: str | None,
    run: str | None,
    trackio_dir: str | os.PathLike[str] | None,
) -> TrackioArtifact | TrackioRun:
    """The artifact version or run of a local Trackio project to start from."""
    if (artifact is None) == (run is None):
        raise ValueError(
            "from_trackio needs exactly one of artifact= or run=, got "
            f"artifact={artifact!r}, run={run!r}"
        )
    source = TrackioSource(project, trackio_dir)
    return source.artifact(artifact) if artifact is not None else source.run(str(run))


def mlflow_object(uri: str, tracking_uri: str | None) -> tuple[Any, MlflowSource]:
    """The MLflow run or LoggedModel ``uri`` names, and a source reading its store."""
    source = MlflowSource(tracking_uri)
    return source.lookup(uri), source


def wandb_object(path: str, api: Any) -> Any:
    """The W&B artifact (``entity/project/name:v3``) or run (``entity/project/run_id``)."""
    if api is None:
        try:
            import wandb  # noqa: PLC0415 - optional: only this shortcut needs it
        except ImportError:
            raise ImportError(
                "LineageWidget.from_wandb needs the wandb package: pip install wandb "
                "(or pass a wandb Artifact or Run to LineageWidget directly)"
            ) from None
        api = wandb.Api()
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return api.artifact(path) if ":" in last else api.run(path)
