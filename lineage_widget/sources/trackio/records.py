"""Trackio runs and artifact versions as records, and the widget's node for each.

The records are what :class:`~lineage_widget.sources.trackio.TrackioSource` hands out (and what
``LineageWidget.selected_objects`` gives back). They hold what the store says, never files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...graph import LineageNode

if TYPE_CHECKING:
    from .source import TrackioSource


@dataclass(frozen=True)
class TrackioArtifact:
    """One artifact version of a Trackio project, as stored (no files are read).

    Like a W&B artifact it can walk its lineage: :meth:`logged_by` and :meth:`used_by`.
    Pass :attr:`spec` to ``trackio.use_artifact`` to use this version in a run.
    """

    project: str
    name: str
    version: str  # "v0", "v1", ...
    type: str
    aliases: tuple[str, ...] = ()
    size: int | None = None
    digest: str | None = None
    file_count: int | None = None
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)
    created_at: str | None = None
    producer_run_id: str | None = None
    producer_run_name: str | None = None
    version_id: int = field(default=-1, repr=False)  # row id in artifact_versions
    source: TrackioSource | None = field(default=None, repr=False, compare=False)
    """The source of the record's own project (the one its walks go through)."""

    @property
    def qualified_name(self) -> str:
        """``<project>/<name>:v<N>``, as trackio's ``Artifact.qualified_name``; the node id."""
        return f"{self.project}/{self.spec}"

    @property
    def spec(self) -> str:
        """``<name>:v<N>``, for ``trackio.use_artifact`` or :meth:`TrackioSource.artifact`."""
        return f"{self.name}:{self.version}"

    def logged_by(self) -> TrackioRun | None:
        """The run that logged this version, or None."""
        return _walker(self, self.source).logged_by(self)

    def used_by(self) -> list[TrackioRun]:
        """The runs that used this version as an input (of any project in the store)."""
        return _walker(self, self.source).used_by(self)

    def __repr__(self) -> str:
        aliases = f", aliases={list(self.aliases)!r}" if self.aliases else ""
        return f"TrackioArtifact({self.qualified_name!r}, type={self.type!r}{aliases})"


@dataclass(frozen=True)
class TrackioRun:
    """One run of a Trackio project.

    ``id`` is trackio's run id (the name, for a run recorded without one); ``job_type`` comes
    from the run's config (``config["job_type"]``), as trackio has no job type of its own.
    Like a W&B run it can walk its lineage: :meth:`used_artifacts`, :meth:`logged_artifacts`.
    """

    project: str
    id: str
    name: str
    job_type: str | None = None
    group: str | None = None
    username: str | None = None
    created_at: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict, compare=False)
    has_run_id: bool = field(default=True, repr=False)  # False: recorded by name only
    source: TrackioSource | None = field(default=None, repr=False, compare=False)
    """The source of the record's own project (the one its walks go through)."""

    @property
    def path(self) -> list[str]:
        """``[project, id]``, as a W&B run's ``[entity, project, id]``."""
        return [self.project, self.id]

    @property
    def qualified_name(self) -> str:
        """``<project>/<id>``: the node id."""
        return f"{self.project}/{self.id}"

    def used_artifacts(self, per_page: int = 100) -> list[TrackioArtifact]:
        """The artifact versions this run used, of any project (``per_page`` is ignored)."""
        del per_page
        return _walker(self, self.source).used_artifacts(self)

    def logged_artifacts(self, per_page: int = 100) -> list[TrackioArtifact]:
        """The artifact versions this run logged (``per_page`` is ignored)."""
        del per_page
        return _walker(self, self.source).logged_artifacts(self)

    def __repr__(self) -> str:
        return (
            f"TrackioRun({self.name!r}, id={self.id!r}, project={self.project!r}, "
            f"job_type={self.job_type!r})"
        )


TrackioRecord = TrackioArtifact | TrackioRun


def _walker(record: TrackioRecord, source: TrackioSource | None) -> TrackioSource:
    """The source a record was read from, which its W&B-style walks go through."""
    if source is None:
        raise RuntimeError(f"{record!r} was not read from a TrackioSource; it cannot walk")
    return source


def lineage_node(obj: Any, home: str) -> LineageNode:
    """The widget's node for a record; ``home`` is the project the widget was opened on (a
    record of another project says which one in its details)."""
    if isinstance(obj, TrackioArtifact):
        details: dict[str, Any] = {
            "Full name": obj.qualified_name,
            "Project": obj.project if obj.project != home else None,
            "Description": obj.description,
            "Size": obj.size,
            "Digest": obj.digest,
            "Files": obj.file_count,
        }
        # Each metadata entry is a field of its own (a URL in it shows as one, not inside JSON);
        # an entry named like a field above keeps its own under "Metadata: ...".
        for key, value in obj.metadata.items():
            details["Metadata: " + key if key in details else key] = value
        return LineageNode(
            id=obj.qualified_name,
            kind="artifact",
            type=obj.type,
            name=obj.name if obj.project == home else f"{obj.project}/{obj.name}",
            version=obj.version,
            aliases=obj.aliases,
            created_at=obj.created_at,
            details=_filled(details),
            obj=obj,
        )
    if isinstance(obj, TrackioRun):
        user_config = {k: v for k, v in obj.config.items() if not k.startswith("_")}
        details = {
            "Run id": obj.id,
            "Project": obj.project,
            "Group": obj.group,
            "Author": obj.username,
            "Config": user_config,
        }
        return LineageNode(
            id=obj.qualified_name,
            kind="run",
            type=obj.job_type or "run",
            name=obj.name if obj.project == home else f"{obj.project}/{obj.name}",
            created_at=obj.created_at,
            details=_filled(details),
            obj=obj,
        )
    raise TypeError(f"{obj!r} is neither a TrackioArtifact nor a TrackioRun")


def _filled(details: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v not in (None, "", {})}
