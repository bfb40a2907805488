"""A fake W&B backend for driving the real wandb SDK in tests and benchmarks."""

from .lineage import Artifact, Lineage, Project, Run
from .server import FakeWandb

__all__ = ["Artifact", "FakeWandb", "Lineage", "Project", "Run"]
