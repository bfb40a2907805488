"""The in-memory lineage the fake W&B backend answers from: projects, runs, artifact versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CREATED_AT = "2026-11-01T10:00:00Z"


@dataclass(eq=False)
class Project:
    entity: str
    name: str
    number: int
    deleted: bool = False
    """Deleted: looked up by name it is not found; its runs and artifacts have no project."""
    refused: str | None = None
    """Set to a reason: every run and artifact of the project is refused with it."""

    @property
    def gql_id(self) -> str:
        return f"project-{self.number}"


@dataclass(eq=False)
class Run:
    project: Project
    name: str  # the run id in W&B's terms (``Run.id`` in the SDK)
    display_name: str
    job_type: str | None
    number: int
    state: str = "finished"
    user: str = "ana"
    inputs: list[Artifact] = field(default_factory=list)
    outputs: list[Artifact] = field(default_factory=list)

    @property
    def gql_id(self) -> str:
        return f"run-{self.number}"

    @property
    def path(self) -> str:
        return f"{self.project.entity}/{self.project.name}/{self.name}"


@dataclass(eq=False)
class Artifact:
    project: Project
    collection: str
    version_index: int
    type: str
    number: int
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    size: int = 1024
    producer: Run | None = None
    consumers: list[Run] = field(default_factory=list)

    @property
    def gql_id(self) -> str:
        return f"artifact-{self.number}"

    @property
    def version(self) -> str:
        return f"v{self.version_index}"

    @property
    def path(self) -> str:
        return f"{self.project.entity}/{self.project.name}/{self.collection}:{self.version}"

    @property
    def metadata_json(self) -> str:
        return json.dumps(self.metadata)


class Lineage:
    """Everything the fake backend knows. Build it with the methods below."""

    def __init__(self, entity: str = "ana") -> None:
        self.entity = entity
        self.projects: dict[tuple[str, str], Project] = {}
        self.runs: dict[str, Run] = {}  # by gql id
        self.artifacts: dict[str, Artifact] = {}  # by gql id
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    def project(self, name: str, entity: str | None = None) -> Project:
        key = (entity or self.entity, name)
        if key not in self.projects:
            self.projects[key] = Project(key[0], name, self._next())
        return self.projects[key]

    def run(
        self, project: str, name: str, job_type: str | None = "train", display_name: str = ""
    ) -> Run:
        run = Run(self.project(project), name, display_name or name, job_type, self._next())
        self.runs[run.gql_id] = run
        return run

    def artifact(
        self, project: str, collection: str, type: str = "dataset", **fields: Any
    ) -> Artifact:
        """A new version of ``collection`` (v0, v1, ...), aliased ``latest``."""
        owner = self.project(project)
        versions = [
            a for a in self.artifacts.values() if (a.project, a.collection) == (owner, collection)
        ]
        for older in versions:
            older.aliases = [a for a in older.aliases if a != "latest"]
        artifact = Artifact(owner, collection, len(versions), type, self._next(), **fields)
        artifact.aliases = ["latest", *artifact.aliases]
        self.artifacts[artifact.gql_id] = artifact
        return artifact

    @staticmethod
    def use(run: Run, artifact: Artifact) -> None:
        run.inputs.append(artifact)
        artifact.consumers.append(run)

    @staticmethod
    def log(run: Run, artifact: Artifact) -> None:
        run.outputs.append(artifact)
        artifact.producer = run

    # ---- lookups the resolvers make -----------------------------------------------------

    def find_project(self, entity: str | None, name: str | None) -> Project | None:
        found = self.projects.get((entity or self.entity, name or ""))
        return None if found is None or found.deleted else found

    def find_membership(self, project: Project, name: str) -> Artifact | None:
        """``name:v3`` or ``name:alias`` in ``project``."""
        collection, _, tag = name.partition(":")
        tag = tag or "latest"
        for artifact in self.artifacts.values():
            if (artifact.project, artifact.collection) != (project, collection):
                continue
            if tag == artifact.version or tag in artifact.aliases:
                return artifact
        return None
