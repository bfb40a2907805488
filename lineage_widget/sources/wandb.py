"""W&B public-API objects (``wandb.Api()`` artifacts and runs), duck-typed.

wandb is not a dependency: any object with the public method names of ``wandb.Artifact``
(``logged_by``, ``used_by``) or ``wandb.apis.public.Run`` (``used_artifacts``,
``logged_artifacts``) and the fields listed in docs/lineage-model.md works. Only fields that come
loaded with the object are read (never ``artifact.url``, ``run.config`` or ``run.summary``, which
each cost a request).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..graph import LineageNode
from .base import LineageSource, optional_text

_ARTIFACT_METHODS = ("logged_by", "used_by")
_RUN_METHODS = ("used_artifacts", "logged_artifacts")
_MISSING = object()

# Preview fields (W&B's drawer), in display order: (label, attribute).
_ARTIFACT_DETAILS = (
    ("Full name", "qualified_name"),
    ("Description", "description"),
    ("Size", "size"),
    ("Digest", "digest"),
    ("State", "state"),
    ("Files", "file_count"),
    ("Tags", "tags"),
    ("Metadata", "metadata"),
)
_RUN_DETAILS = (
    ("Run id", "id"),
    ("State", "state"),
    ("URL", "url"),
)


def is_wandb_artifact(obj: Any) -> bool:
    return all(callable(getattr(obj, m, None)) for m in _ARTIFACT_METHODS)


def is_wandb_run(obj: Any) -> bool:
    return all(callable(getattr(obj, m, None)) for m in _RUN_METHODS)


def _require(obj: Any, attr: str) -> Any:
    value = getattr(obj, attr, _MISSING)
    if value is _MISSING:
        raise TypeError(f"{obj!r} has no attribute {attr!r}, which a W&B-style object needs")
    return value


def _optional(obj: Any, attr: str) -> Any:
    try:
        return getattr(obj, attr, None)
    except Exception:  # a lazy field that fails to load must not break the preview
        return None


class WandbSource(LineageSource):
    """Walks W&B artifacts and runs through their own methods."""

    def __init__(self, per_page: int = 100) -> None:
        if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be a positive integer, got {per_page!r}")
        self.per_page = per_page
        self.page_size = per_page

    def to_node(self, obj: Any) -> LineageNode:
        if is_wandb_artifact(obj):
            return self._artifact_node(obj)
        if is_wandb_run(obj):
            return self._run_node(obj)
        raise TypeError(
            f"{obj!r} is neither a W&B-style artifact (methods {', '.join(_ARTIFACT_METHODS)}) "
            f"nor a run (methods {', '.join(_RUN_METHODS)})"
        )

    def _artifact_node(self, artifact: Any) -> LineageNode:
        details = {
            label: value
            for label, attr in _ARTIFACT_DETAILS
            if (value := _optional(artifact, attr)) not in (None, "", [], {})
        }
        return LineageNode(
            id=str(_require(artifact, "qualified_name")),
            kind="artifact",
            type=str(_require(artifact, "type")),
            name=str(_require(artifact, "name")),
            version=optional_text(_optional(artifact, "version")),
            aliases=tuple(str(a) for a in (_optional(artifact, "aliases") or ())),
            created_at=optional_text(_optional(artifact, "created_at")),
            details=details,
            obj=artifact,
        )

    def _run_node(self, run: Any) -> LineageNode:
        path = _require(run, "path")
        if isinstance(path, str):
            path = path.split("/")
        details = {
            label: value
            for label, attr in _RUN_DETAILS
            if (value := _optional(run, attr)) not in (None, "")
        }
        user = _optional(run, "user")
        author = (_optional(user, "username") or _optional(user, "name")) if user else None
        if author:
            details["Author"] = author
        run_id = str(_require(run, "id"))
        return LineageNode(
            id="/".join(str(p) for p in path),
            kind="run",
            type=str(_optional(run, "job_type") or "run"),
            name=str(_optional(run, "name") or run_id),
            created_at=optional_text(_optional(run, "created_at")),
            details=details,
            obj=run,
        )

    def logged_by(self, artifact: Any) -> Any | None:
        return artifact.logged_by()

    def used_by(self, artifact: Any) -> Iterable[Any]:
        return artifact.used_by()  # type: ignore[no-any-return]

    # Paginated and lazy: the explorer reads one page per expand, never the whole list up front.
    def used_artifacts(self, run: Any) -> Iterable[Any]:
        return run.used_artifacts(per_page=self.per_page)  # type: ignore[no-any-return]

    def logged_artifacts(self, run: Any) -> Iterable[Any]:
        return run.logged_artifacts(per_page=self.per_page)  # type: ignore[no-any-return]
