"""lineage_widget: explore ML lineage graphs (W&B, Trackio, MLflow, networkx) in a notebook."""

from .diff import Changed, LineageDiff
from .graph import LineageGraph, LineageNode
from .sources import (
    GraphSource,
    LineageSource,
    MlflowSource,
    TrackioArtifact,
    TrackioRun,
    TrackioSource,
    WandbSource,
)
from .widget import LineageWidget

__all__ = [
    "Changed",
    "GraphSource",
    "LineageDiff",
    "LineageGraph",
    "LineageNode",
    "LineageSource",
    "LineageWidget",
    "MlflowSource",
    "TrackioArtifact",
    "TrackioRun",
    "TrackioSource",
    "WandbSource",
]
__version__ = "0.1.0"
