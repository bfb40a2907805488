"""Where lineage comes from: the source interface and its implementations."""

from .base import DIRECTIONS, Direction, LineageSource, Page
from .memory import GraphSource
from .mlflow import MlflowSource
from .trackio import TrackioArtifact, TrackioRun, TrackioSource
from .wandb import WandbRecord, WandbSource

__all__ = [
    "DIRECTIONS",
    "Direction",
    "GraphSource",
    "LineageSource",
    "MlflowSource",
    "Page",
    "TrackioArtifact",
    "TrackioRun",
    "TrackioSource",
    "WandbRecord",
    "WandbSource",
]
