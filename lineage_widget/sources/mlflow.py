"""An MLflow tracking store (``sqlite:///...``, ``./mlruns`` or a server), walked like W&B.

Everything is read through MLflow's public client, ``mlflow.MlflowClient`` (MLflow 3), so any
store the client reaches works the same. mlflow is an optional dependency
(``pip install "lineage-widget[mlflow]"``): it is imported when a source is made.

The lineage MLflow 3 records, in W&B's terms (objects are MLflow's own entities):

- a dataset (``mlflow.entities.Dataset``) is an artifact of type "dataset" with id
  ``"<name>@<digest>"``. No run logs it; it is used by every run that has it as an input
  (``mlflow.log_input``, or ``log_metric(..., dataset=)``), in any context;
- a run (``mlflow.entities.Run``) has its MLflow run id as id and its ``job_type`` tag, if any,
  as job type (else "run");
- a LoggedModel (``mlflow.entities.LoggedModel``) is an artifact of type "model" with its model
  id (``m-...``) as id. It is logged by its source run, and used by the other runs that logged
  metrics for it (``log_metric(..., model_id=)``, as an evaluation does). From a run's side the
  models it used are its ``inputs.model_inputs``, which MLflow's fluent ``log_metric`` records;
- registered model versions pointing at a LoggedModel are its aliases (``"sentiment v1"``,
  ``"sentiment@champion"``) and details, not nodes of their own.

Cost: a walk is one search per page (``search_runs`` / ``search_logged_models`` with
``max_results`` and ``page_token``), plus one ``get_run`` / ``get_logged_model`` at the start of
a run's inputs or a model's consumers, and one ``search_model_versions`` per page of models.
A dataset's consumers are found by ``search_runs`` filtered on ``dataset.name`` and
``dataset.digest``, which a SQL store answers with a join on its inputs table.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..graph import LineageNode
from .base import (
    LIST_AT_MOST,
    Direction,
    Page,
    PagedSource,
    check_direction,
    optional_text,
    what_exists,
)

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, LoggedModel, Run
    from mlflow.entities.model_registry import ModelVersion

__all__ = ["MlflowSource", "dataset_id", "is_mlflow_object"]

_SEARCH_PAGE = 1000  # rows per search when a walk is read whole (limit None)
_IN_CHUNK = 100  # values per ``IN (...)`` of a filter string
_MODEL_ID_RE = re.compile(r"^m-[0-9a-f]+$")
_JOB_TYPE_TAG = "job_type"


def is_mlflow_object(obj: Any) -> bool:
    """True for an MLflow ``Run``, ``LoggedModel`` or ``Dataset`` entity.

    Does not import mlflow: an MLflow object exists only once mlflow is imported.
    """
    module = type(obj).__module__
    if not module.startswith("mlflow."):
        return False
    from mlflow.entities import Dataset, LoggedModel, Run  # noqa: PLC0415 - optional

    return isinstance(obj, Run | LoggedModel | Dataset)


def dataset_id(dataset: Dataset) -> str:
    """``"<name>@<digest>"``: a dataset's node id."""
    return f"{dataset.name}@{dataset.digest}"


@dataclass(frozen=True)
class _ListCursor:
    """Where a walk over a list known up front resumes: the items (source objects, or model and
    run ids loaded a page at a time) and how many were handed out."""

    items: tuple[Any, ...]
    offset: int


@dataclass(frozen=True)
class _TokenCursor:
    """Where a paged MLflow search resumes: its ``page_token`` and the experiments it spans."""

    token: str
    experiment_ids: tuple[str, ...]


class MlflowSource(PagedSource):
    """Datasets, runs and LoggedModels of an MLflow tracking store, read-only.

    >>> source = MlflowSource("sqlite:///mlflow.db")  # doctest: +SKIP
    >>> LineageWidget(source.lookup("models:/sentiment@champion"), source=source)  # doctest: +SKIP

    ``tracking_uri`` defaults to MLflow's current one (``mlflow.get_tracking_uri()``);
    ``per_page`` is how many neighbours one expand shows (the rest page in as asked).
    """

    walk_page = _SEARCH_PAGE

    def __init__(self, tracking_uri: str | None = None, *, per_page: int = 100) -> None:
        if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be a positive integer, got {per_page!r}")
        try:
            import mlflow  # noqa: PLC0415 - optional: only this source needs it
        except ImportError:
            raise ImportError(
                'reading MLflow needs the mlflow package: pip install "lineage-widget[mlflow]"'
            ) from None
        self.tracking_uri = tracking_uri if tracking_uri is not None else mlflow.get_tracking_uri()
        self.client: MlflowClient = mlflow.MlflowClient(self.tracking_uri)
        self.page_size = per_page
        # Registered versions of the models of the pages walked so far (model id -> versions).
        self._versions: dict[str, list[ModelVersion]] = {}
        # Runs read with get_run, whose model inputs are known (search_runs leaves them out).
        self._full_runs: dict[str, Run] = {}
        # Guards the two caches: the widget's walks run in threads, and a refresh forgets them.
        # Held for bookkeeping only, never while MLflow is asked.
        self._lock = threading.Lock()
        self._forgotten = 0  # forget() calls: what was read before one is not cached after it

    def __repr__(self) -> str:
        return f"MlflowSource(tracking_uri={self.tracking_uri!r})"

    def forget(self) -> None:
        # A refresh must see versions registered and model inputs logged since they were read.
        with self._lock:
            self._versions.clear()
            self._full_runs.clear()
            self._forgotten += 1

    # ---- lookups -----------------------------------------------------------------------

    def lookup(self, uri: str) -> Run | LoggedModel:
        """The run or LoggedModel an MLflow URI names.

        ``"runs:/<run id>"`` (an artifact path after it is ignored), ``"models:/<model id>"``,
        ``"models:/<name>/<version>"`` or ``"models:/<name>@<alias>"`` (a registered version:
        its LoggedModel, or its run for a version registered from a run's files). Raises
        ``LookupError`` naming ``uri`` and the store (with what exists, when short), and
        ``ValueError`` for a string that is none of these forms.
        """
        from mlflow.exceptions import MlflowException  # noqa: PLC0415 - optional

        scheme, sep, rest = uri.partition(":/")
        parts = rest.strip("/").split("/")
        if not sep or not parts[0] or scheme not in ("runs", "models"):
            raise ValueError(
                f"not an MLflow URI: {uri!r}; expected 'runs:/<run id>', 'models:/<model id>', "
                "'models:/<name>/<version>' or 'models:/<name>@<alias>'"
            )
        try:
            if scheme == "runs":
                return self._found(self.client.get_run(parts[0]))
            if len(parts) == 1 and "@" not in parts[0] and _MODEL_ID_RE.match(parts[0]):
                return self.client.get_logged_model(parts[0])
            version = self._model_version(uri, parts)
        except MlflowException as exc:
            # (a missing alias is INVALID_PARAMETER_VALUE in MLflow 3.17)
            if exc.error_code not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                raise
            raise LookupError(
                f"{uri!r} names nothing in {self._where()}; {self._what_exists(uri)}"
            ) from None
        model_id = version.model_id or _model_id_of_source(version.source)
        if model_id is not None:
            return self.client.get_logged_model(model_id)
        if version.run_id:
            return self._found(self.client.get_run(version.run_id))
        raise LookupError(
            f"{uri!r} is registered version {version.version} of {version.name!r} in "
            f"{self._where()}, which points at neither a LoggedModel nor a run "
            f"(source {version.source!r})"
        )

    def _model_version(self, uri: str, parts: list[str]) -> ModelVersion:
        name, at, alias = parts[0].partition("@")
        if at and len(parts) == 1:
            return self.client.get_model_version_by_alias(name, alias)
        if len(parts) == 2 and parts[1].isdigit():
            return self.client.get_model_version(parts[0], parts[1])
        raise ValueError(
            f"not an MLflow model URI this source reads: {uri!r}; expected "
            "'models:/<model id>', 'models:/<name>/<version>' or 'models:/<name>@<alias>'"
        )

    def _what_exists(self, uri: str) -> str:
        """What the store has of the kind ``uri`` asks for, to list in an error."""
        from mlflow.exceptions import MlflowException  # noqa: PLC0415 - optional

        if uri.startswith("runs:"):
            runs = self.client.search_runs(
                list(self._experiment_ids()),
                max_results=LIST_AT_MOST + 1,
                order_by=["start_time DESC"],
            )
            return what_exists(
                "runs", [f"{r.info.run_id} ({r.info.run_name})" for r in runs], complete=False
            )
        name = uri.partition(":/")[2].strip("/").split("/")[0].partition("@")[0]
        if _MODEL_ID_RE.match(name):
            models = self.client.search_logged_models(
                list(self._experiment_ids()), max_results=LIST_AT_MOST + 1
            )
            return what_exists(
                "LoggedModels", [f"{m.model_id} ({m.name})" for m in models], complete=False
            )
        try:
            model = self.client.get_registered_model(name)
        except MlflowException:
            registered = self.client.search_registered_models(max_results=LIST_AT_MOST + 1)
            return what_exists("registered models", [m.name for m in registered], complete=False)
        versions = self.client.search_model_versions(
            f"name = {_quoted(name)}", max_results=LIST_AT_MOST + 1
        )
        numbers = sorted((str(v.version) for v in versions), key=int)
        listed = what_exists("versions", numbers, complete=False)
        return f"{name!r} has {listed}; {what_exists('aliases', sorted(model.aliases))}"

    # ---- LineageSource -----------------------------------------------------------------

    def to_node(self, obj: Any) -> LineageNode:
        from mlflow.entities import Dataset, LoggedModel, Run  # noqa: PLC0415 - optional

        if isinstance(obj, Dataset):
            return self._dataset_node(obj)
        if isinstance(obj, Run):
            return self._run_node(obj)
        if isinstance(obj, LoggedModel):
            return self._model_node(obj)
        raise TypeError(f"{obj!r:.200} is not an MLflow Dataset, Run or LoggedModel")

    def _dataset_node(self, dataset: Dataset) -> LineageNode:
        details = {
            "Digest": dataset.digest,
            "Source type": dataset.source_type,
            "Source": _parsed(dataset.source),
            "Schema": _parsed(dataset.schema),
            "Profile": _parsed(dataset.profile),
        }
        return LineageNode(
            id=dataset_id(dataset),
            kind="artifact",
            type="dataset",
            name=dataset.name,
            version=dataset.digest,
            details=_filled(details),
            obj=dataset,
        )

    def _run_node(self, run: Run) -> LineageNode:
        info, data = run.info, run.data
        tags = {k: v for k, v in data.tags.items() if not k.startswith("mlflow.")}
        details = {
            "Run id": info.run_id,
            "Experiment id": info.experiment_id,
            "Status": info.status,
            "Started": _time(info.start_time),
            "Ended": _time(info.end_time),
            "Author": info.user_id,
            "Params": dict(data.params),
            "Metrics": dict(data.metrics),
            "Tags": tags,
            "Artifact location": info.artifact_uri,
        }
        return LineageNode(
            id=info.run_id,
            kind="run",
            type=str(data.tags.get(_JOB_TYPE_TAG) or "run"),
            name=info.run_name or info.run_id,
            created_at=_time(info.start_time),
            details=_filled(details),
            obj=run,
        )

    def _model_node(self, model: LoggedModel) -> LineageNode:
        versions = self._registered_versions([model])[model.model_id]
        aliases = [f"{v.name} v{v.version}" for v in versions]
        aliases += [f"{v.name}@{a}" for v in versions for a in v.aliases]
        details = {
            "Model id": model.model_id,
            "Status": optional_text(getattr(model.status, "value", model.status)),
            "Model type": model.model_type,
            "Source run": model.source_run_id,
            "Experiment id": model.experiment_id,
            "Registered versions": [
                " ".join([f"{v.name} v{v.version}", *(f"@{a}" for a in v.aliases)])
                for v in versions
            ],
            "Params": dict(model.params),
            "Metrics": [_metric_line(m) for m in model.metrics or ()],
            "Tags": {k: v for k, v in model.tags.items() if not k.startswith("mlflow.")},
            "Artifact location": model.artifact_location,
            "Model URI": model.model_uri,
        }
        return LineageNode(
            id=model.model_id,
            kind="artifact",
            type="model",
            name=model.name,
            aliases=tuple(aliases),
            created_at=_time(model.creation_timestamp),
            details=_filled(details),
            obj=model,
        )

    def page(
        self, node: LineageNode, direction: Direction, cursor: Any | None, limit: int | None
    ) -> Page:
        """One page of neighbours: one paged MLflow search (see the module docs)."""
        from mlflow.entities import Dataset, Run  # noqa: PLC0415 - optional

        direction = check_direction(direction)
        obj = node.obj
        if isinstance(obj, Dataset):
            if direction == "upstream":
                return Page([], None, 0)  # MLflow records no run that produced a dataset
            return self._dataset_consumers(obj, cursor, limit)
        if isinstance(obj, Run):
            if direction == "upstream":
                return self._run_inputs(obj, cursor, limit)
            return self._run_models(obj, cursor, limit)
        if direction == "upstream":
            return self._model_source(obj)
        return self._model_consumers(obj, cursor, limit)

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int | None:
        """Counts MLflow loads with each object (no request): a run's dataset inputs and model
        outputs, a model's source run and the runs that logged metrics for it."""
        from mlflow.entities import Dataset, Run  # noqa: PLC0415 - optional

        direction = check_direction(direction)
        obj = node.obj
        if isinstance(obj, Dataset):
            # Consumers stay unknown: MLflow's client has no count, and its searches return a
            # PagedList (items and a token, no total); counting would read every matching run.
            return 0 if direction == "upstream" else None
        if isinstance(obj, Run):
            if direction == "downstream":
                return len({o.model_id for o in obj.outputs.model_outputs} if obj.outputs else ())
            full = self._full_runs.get(obj.info.run_id)
            if full is None:
                return None  # search_runs does not load model inputs
            return len(_run_input_items(full))
        if direction == "upstream":
            return 1 if obj.source_run_id else 0
        return len(_metric_run_ids(obj))

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        """``target`` (a run id, a model id ``m-...`` or a dataset's ``name@digest``) looked up
        by one call, then walked from towards ``known`` through the first page of each walk
        (:meth:`~lineage_widget.sources.base.LineageSource.walk_to_known`). None when the store
        has no such node, or it lies further than that search goes."""
        found = self._locate(target)
        if found is None:
            return None
        node = self.to_node(found)
        path = self.walk_to_known(node, known)
        return None if path is None else (node, path)

    def _locate(self, target: str) -> Run | LoggedModel | Dataset | None:
        """The entity with node id ``target``, or None."""
        from mlflow.exceptions import MlflowException  # noqa: PLC0415 - optional

        try:
            if _MODEL_ID_RE.match(target):
                return self.client.get_logged_model(target)
            name, at, digest = target.rpartition("@")
            if not at:
                return self._found(self.client.get_run(target))
        except MlflowException as exc:
            if exc.error_code not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                raise
            return None
        # A dataset has no lookup of its own: one run that used it carries it.
        runs = self.client.search_runs(
            list(self._experiment_ids()),
            filter_string=f"dataset.name = {_quoted(name)} AND dataset.digest = {_quoted(digest)}",
            max_results=1,
        )
        inputs = [i.dataset for r in runs for i in _inputs(r) if dataset_id(i.dataset) == target]
        return inputs[0] if inputs else None

    # ---- walks -------------------------------------------------------------------------

    def _dataset_consumers(self, dataset: Dataset, cursor: Any | None, limit: int | None) -> Page:
        """Runs with ``dataset`` as an input: ``search_runs`` filtered on its name and digest
        over every experiment, one page per call."""
        experiments = (
            cursor.experiment_ids if isinstance(cursor, _TokenCursor) else self._experiment_ids()
        )
        runs = self.client.search_runs(
            list(experiments),
            filter_string=(
                f"dataset.name = {_quoted(dataset.name)} "
                f"AND dataset.digest = {_quoted(dataset.digest)}"
            ),
            max_results=limit or _SEARCH_PAGE,
            order_by=["attributes.start_time ASC"],
            page_token=cursor.token if isinstance(cursor, _TokenCursor) else None,
        )
        # The two filters may match two different inputs of one run: keep exact matches.
        wanted = dataset_id(dataset)
        found = [r for r in runs if wanted in {dataset_id(i.dataset) for i in _inputs(r)}]
        following = _TokenCursor(runs.token, experiments) if runs.token else None
        if limit is None and following is not None:
            rest = self._dataset_consumers(dataset, following, None)
            return Page(found + rest.items, None, None)
        return Page(found, following, None)

    def _run_inputs(self, run: Run, cursor: Any | None, limit: int | None) -> Page:
        """The run's datasets (loaded with it) and the LoggedModels it used (its model inputs,
        read with ``get_run``: a search leaves them out), models loaded a page at a time."""
        if not isinstance(cursor, _ListCursor):
            full = self._full_runs.get(run.info.run_id) or self._found(
                self.client.get_run(run.info.run_id)
            )
            cursor = _ListCursor(tuple(_run_input_items(full)), 0)
        return self._list_page(cursor, limit, self._models_by_id)

    def _run_models(self, run: Run, cursor: Any | None, limit: int | None) -> Page:
        """LoggedModels whose source run is ``run``: one ``search_logged_models`` page."""
        experiments = (
            cursor.experiment_ids if isinstance(cursor, _TokenCursor) else self._experiment_ids()
        )
        found = self.client.search_logged_models(
            list(experiments),
            filter_string=f"source_run_id = {_quoted(run.info.run_id)}",
            max_results=limit or _SEARCH_PAGE,
            order_by=[{"field_name": "creation_timestamp", "ascending": True}],
            page_token=cursor.token if isinstance(cursor, _TokenCursor) else None,
        )
        models = list(found)
        self._registered_versions(models)
        following = _TokenCursor(found.token, experiments) if found.token else None
        if limit is None and following is not None:
            rest = self._run_models(run, following, None)
            return Page(models + rest.items, None, None)
        return Page(models, following, None)

    def _model_source(self, model: LoggedModel) -> Page:
        from mlflow.exceptions import MlflowException  # noqa: PLC0415 - optional

        if not model.source_run_id:
            return Page([], None, 0)
        try:
            run = self._found(self.client.get_run(model.source_run_id))
        except MlflowException as exc:
            if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
            return Page([], None, 0)  # the run was deleted for good
        return Page([run], None, 1)

    def _model_consumers(self, model: LoggedModel, cursor: Any | None, limit: int | None) -> Page:
        """Runs other than its source that logged metrics for ``model`` (read fresh with
        ``get_logged_model``), loaded a page at a time with one ``search_runs``."""
        if not isinstance(cursor, _ListCursor):
            fresh = self.client.get_logged_model(model.model_id)
            cursor = _ListCursor(tuple(_metric_run_ids(fresh)), 0)
        return self._list_page(cursor, limit, self._runs_by_id)

    def _list_page(
        self,
        cursor: _ListCursor,
        limit: int | None,
        load: Callable[[Sequence[str]], Mapping[str, Any]],
    ) -> Page:
        """The next ``limit`` items of a list walk; ids (strings) among them loaded by ``load``
        in one call, in order; ids it no longer finds left out."""
        end = len(cursor.items) if limit is None else cursor.offset + limit
        chunk = cursor.items[cursor.offset : end]
        ids = [i for i in chunk if isinstance(i, str)]
        loaded = load(ids) if ids else {}
        items = [loaded.get(i) if isinstance(i, str) else i for i in chunk]
        following = _ListCursor(cursor.items, end) if end < len(cursor.items) else None
        return Page([i for i in items if i is not None], following, len(cursor.items))

    def _models_by_id(self, model_ids: Sequence[str]) -> dict[str, LoggedModel]:
        models: dict[str, LoggedModel] = {}
        experiments = list(self._experiment_ids())
        for chunk in _chunks(model_ids):
            found = self.client.search_logged_models(
                experiments, filter_string=f"model_id IN ({_quoted_list(chunk)})"
            )
            models.update((m.model_id, m) for m in found)
        self._registered_versions(list(models.values()))
        return models

    def _runs_by_id(self, run_ids: Sequence[str]) -> dict[str, Run]:
        runs: dict[str, Run] = {}
        experiments = list(self._experiment_ids())
        for chunk in _chunks(run_ids):
            found = self.client.search_runs(
                experiments,
                filter_string=f"attributes.run_id IN ({_quoted_list(chunk)})",
                max_results=len(chunk),
            )
            runs.update((r.info.run_id, r) for r in found)
        return runs

    # ---- internals ---------------------------------------------------------------------

    def _found(self, run: Run) -> Run:
        """``run`` read with ``get_run``: its model inputs are known."""
        with self._lock:
            self._full_runs[run.info.run_id] = run
        return run

    def _experiment_ids(self) -> tuple[str, ...]:
        """Every active experiment of the store (runs and models are searched by experiment)."""
        from mlflow.entities import ViewType  # noqa: PLC0415 - optional

        ids: list[str] = []
        token = None
        while True:
            found = self.client.search_experiments(
                view_type=ViewType.ACTIVE_ONLY, max_results=_SEARCH_PAGE, page_token=token
            )
            ids += [e.experiment_id for e in found]
            token = found.token
            if not token:
                return tuple(ids)

    def _registered_versions(self, models: Sequence[LoggedModel]) -> dict[str, list[ModelVersion]]:
        """The registered versions of ``models`` (cached): one ``search_model_versions`` per
        100 source runs, one ``get_registered_model`` per registered name for the aliases.

        Read into a dict of this call's own, then cached: a walk in another thread asking
        meanwhile reads them too (rather than an empty list being filled in), and a
        ``forget()`` meanwhile loses nothing this call returns (nor is what it read before the
        refresh cached after it)."""
        with self._lock:
            known = {
                m.model_id: self._versions[m.model_id]
                for m in models
                if m.model_id in self._versions
            }
            forgotten = self._forgotten
        missing = [m for m in models if m.model_id not in known]
        if not missing:
            return known
        fetched: dict[str, list[ModelVersion]] = {m.model_id: [] for m in missing}
        by_source = {f"models:/{m.model_id}": m.model_id for m in missing}
        run_ids = sorted({m.source_run_id for m in missing if m.source_run_id})
        found: list[ModelVersion] = []
        for chunk in _chunks(run_ids):
            found += self.client.search_model_versions(f"run_id IN ({_quoted_list(chunk)})")
        for model in missing:  # a model without a source run: by its URI
            if not model.source_run_id:
                found += self.client.search_model_versions(
                    f"source_path = {_quoted(model.model_uri or '')}"
                )
        # search_model_versions leaves aliases out: the registered model has them.
        aliases = {
            name: self.client.get_registered_model(name).aliases
            for name in sorted({v.name for v in found})
        }
        for version in found:
            model_id = version.model_id or by_source.get(version.source or "")
            if model_id in fetched:
                version.aliases = sorted(
                    a for a, v in aliases[version.name].items() if str(v) == str(version.version)
                )
                fetched[model_id].append(version)
        with self._lock:
            if self._forgotten == forgotten:  # (else a refresh began meanwhile: ask again)
                self._versions.update(fetched)
        return known | fetched

    def _where(self) -> str:
        return f"MLflow tracking store {self.tracking_uri!r}"


def _run_input_items(run: Run) -> list[Any]:
    """A run's inputs, without repeats: its datasets (entities) then its model ids."""
    datasets: dict[str, Dataset] = {}
    for dataset_input in _inputs(run):
        datasets.setdefault(dataset_id(dataset_input.dataset), dataset_input.dataset)
    model_inputs = (run.inputs.model_inputs or []) if run.inputs else []
    model_ids = dict.fromkeys(i.model_id for i in model_inputs)
    return [*datasets.values(), *model_ids]


def _inputs(run: Run) -> list[Any]:
    return list(run.inputs.dataset_inputs or ()) if run.inputs else []


def _metric_run_ids(model: LoggedModel) -> list[str]:
    """Runs other than its source that logged metrics for ``model``, first logged first."""
    metrics = sorted(model.metrics or (), key=lambda m: m.timestamp or 0)
    ids = dict.fromkeys(m.run_id for m in metrics if m.run_id)
    if model.source_run_id:
        ids.pop(model.source_run_id, None)
    return list(ids)


def _metric_line(metric: Any) -> str:
    """``"accuracy = 0.91 (step 3; dataset iris@a53575; run 8f3e...)"``: one metric of a model
    (listed with the others after a comma, so its own parts are split by semicolons)."""
    where = [f"step {metric.step}"] if metric.step else []
    if metric.dataset_name:
        where.append(f"dataset {metric.dataset_name}@{metric.dataset_digest}")
    if metric.run_id:
        where.append(f"run {metric.run_id}")
    suffix = f" ({'; '.join(where)})" if where else ""
    return f"{metric.key} = {metric.value}{suffix}"


def _model_id_of_source(source: str | None) -> str | None:
    """The model id of a version registered from ``models:/m-...``."""
    if source and source.startswith("models:/"):
        rest = source.removeprefix("models:/").strip("/")
        if _MODEL_ID_RE.match(rest):
            return rest
    return None


def _quoted(value: str) -> str:
    """``value`` as a string literal of an MLflow filter string."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"an MLflow search cannot match a value with both quote marks: {value!r}")


def _quoted_list(values: Iterable[str]) -> str:
    return ", ".join(_quoted(v) for v in values)


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _time(millis: int | None) -> str | None:
    """MLflow's milliseconds since the epoch as ISO 8601 (UTC)."""
    if not millis:
        return None
    return dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc).isoformat(
        timespec="seconds"
    )


def _parsed(text: str | None) -> Any:
    """A JSON field (a dataset's source, schema, profile) parsed, else as it is."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _filled(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v not in (None, "", [], {})}
