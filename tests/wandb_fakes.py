"""Stand-ins for W&B public-API objects (there is no W&B server here).

They follow the public names and signatures of ``wandb.Artifact`` (``logged_by()``,
``used_by()``) and ``wandb.apis.public.Run`` (``used_artifacts(per_page=100)``,
``logged_artifacts(per_page=100)``), and count every call, so tests can check what a walk costs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CALLS: Counter[str] = Counter()


class FakePaginator:
    """Like wandb's paginated results: pages load as iteration reaches them (one request
    each), and ``len()`` is the server's total count, known once the first page is loaded."""

    def __init__(self, items: list[Any], per_page: int, label: str) -> None:
        self._items, self._per_page, self._label = items, per_page, label
        self._loaded = 0

    def _load_page(self) -> None:
        CALLS[f"page:{self._label}"] += 1
        self._loaded = min(len(self._items), self._loaded + self._per_page)

    def __len__(self) -> int:
        if self._loaded == 0:
            self._load_page()
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        index = 0
        while index < len(self._items):
            if index >= self._loaded:
                self._load_page()
            yield self._items[index]
            index += 1


@dataclass(eq=False)
class FakeUser:
    username: str


@dataclass(eq=False)
class FakeRun:
    entity: str
    project: str
    id: str
    name: str
    job_type: str | None = None
    state: str = "finished"
    created_at: str = "2026-11-01T10:00:00"
    user: FakeUser | None = None
    inputs: list[FakeArtifact] = field(default_factory=list)
    outputs: list[FakeArtifact] = field(default_factory=list)
    fail: BaseException | None = None

    @property
    def path(self) -> list[str]:
        return [self.entity, self.project, self.id]

    @property
    def url(self) -> str:
        return f"https://wandb.ai/{self.entity}/{self.project}/runs/{self.id}"

    def used_artifacts(self, per_page: int = 100) -> FakePaginator:
        CALLS[f"used_artifacts:{self.id}"] += 1
        if self.fail:
            raise self.fail
        return FakePaginator(list(self.inputs), per_page, f"used_artifacts:{self.id}")

    def logged_artifacts(self, per_page: int = 100) -> FakePaginator:
        CALLS[f"logged_artifacts:{self.id}"] += 1
        if self.fail:
            raise self.fail
        return FakePaginator(list(self.outputs), per_page, f"logged_artifacts:{self.id}")

    def use(self, artifact: FakeArtifact) -> None:
        self.inputs.append(artifact)
        artifact.consumers.append(self)

    def log(self, artifact: FakeArtifact) -> None:
        self.outputs.append(artifact)
        artifact.producer = self


@dataclass(eq=False)
class FakeArtifact:
    entity: str
    project: str
    collection: str
    version: str
    type: str
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    size: int = 0
    digest: str = "0" * 32
    created_at: str = "2026-11-01T10:00:00"
    state: str = "COMMITTED"
    file_count: int = 1
    tags: list[str] = field(default_factory=list)
    producer: FakeRun | None = None
    consumers: list[FakeRun] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.collection}:{self.version}"

    @property
    def qualified_name(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}"

    def logged_by(self) -> FakeRun | None:
        CALLS[f"logged_by:{self.name}"] += 1
        return self.producer

    def used_by(self) -> list[FakeRun]:
        CALLS[f"used_by:{self.name}"] += 1
        return list(self.consumers)


def wandb_pipeline() -> dict[str, Any]:
    """dataset -> prep run -> clean dataset -> train run -> model:v0 -> eval run."""
    raw = FakeArtifact(
        "ana",
        "demo",
        "raw",
        "v0",
        "dataset",
        aliases=["latest"],
        description="the raw data",
        metadata={"rows": 100},
    )
    clean = FakeArtifact("ana", "demo", "clean", "v0", "dataset")
    model = FakeArtifact("ana", "demo", "model", "v0", "model", aliases=["best"])
    prep = FakeRun("ana", "demo", "p1", "prep-run", "preprocess", user=FakeUser("ana"))
    train = FakeRun("ana", "demo", "t1", "brisk-sun-1", "train")
    evaluation = FakeRun("ana", "demo", "e1", "eval-run", "eval")
    prep.use(raw)
    prep.log(clean)
    train.use(clean)
    train.log(model)
    evaluation.use(model)
    return {
        "raw": raw,
        "clean": clean,
        "model": model,
        "prep": prep,
        "train": train,
        "eval": evaluation,
    }


class FakeApi:
    """Like ``wandb.Api()``: look up one artifact or run by path."""

    def __init__(self, objects: dict[str, Any]) -> None:
        self.objects = objects
        self.asked: list[str] = []

    def artifact(self, name: str, type: str | None = None) -> FakeArtifact:
        self.asked.append(name)
        return self.objects[name]  # type: ignore[no-any-return]

    def run(self, path: str = "") -> FakeRun:
        self.asked.append(path)
        return self.objects[path]  # type: ignore[no-any-return]
