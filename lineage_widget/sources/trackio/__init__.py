"""Trackio (local stores): records, the read-only SQL store, and the source that walks them."""

from .records import TrackioArtifact, TrackioRun
from .source import TrackioSource, default_trackio_dir

__all__ = ["TrackioArtifact", "TrackioRun", "TrackioSource", "default_trackio_dir"]
