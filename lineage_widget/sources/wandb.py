"""W&B lineage: ``wandb.Api()`` artifacts and runs, walked a page at a time.

With real wandb SDK objects, every walk is one GraphQL query per page, sent through the SDK's own
client (the ``wandb-core`` sidecar): an artifact's consumers (``usedBy``), a run's inputs and
outputs, paged by cursor, each neighbour with every field the preview needs and its own neighbour
counts. An artifact's producer comes with its first page of consumers (and a run's inputs with its
outputs), so opening a node costs one request. The SDK objects are made when asked for
(:meth:`WandbSource.original`), never per node during a walk. ``Artifact.used_by()``, by
contrast, costs one request per consumer before any paging.

Objects that are not the real SDK's but have its public method names (``logged_by``,
``used_by``; ``used_artifacts``, ``logged_artifacts``) and the fields listed in
docs/lineage-model.md are walked through those methods. Only fields that come loaded with the
object are read (never ``artifact.url``, ``run.config`` or ``run.summary``: a request each).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..graph import LineageNode, NodeKind
from .base import Direction, LineageSource, Page, optional_text

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
NOT_ACCESSIBLE = "Not accessible"
"""The detail that holds why a neighbour could not be read (its node's ``inaccessible``)."""

# ---- the GraphQL the walks send -------------------------------------------------------------

_PROJECT = "project { id internalId name entity { name } }"
_RUN_FIELDS = f"""
fragment LineageRun on Run {{
  __typename id name displayName jobType state createdAt
  user {{ name username }}
  {_PROJECT}
  inputCount: inputArtifacts(first: 0) {{ totalCount }}
  outputCount: outputArtifacts(first: 0) {{ totalCount }}
}}"""
# The fields of the SDK's ArtifactFragment (so a wandb.Artifact can be made from them without a
# request), plus the artifact's own neighbour counts.
_ARTIFACT_FIELDS = f"""
fragment LineageArtifact on Artifact {{
  __typename id versionIndex description metadata ttlDurationSeconds ttlIsInherited
  historyStep state size digest digestAlgorithm commitHash fileCount createdAt updatedAt
  artifactType {{ name }}
  artifactSequence {{ __typename name {_PROJECT} }}
  tags {{ __typename id name }}
  aliases {{ __typename id alias artifactCollection {{ __typename name {_PROJECT} }} }}
  createdBy {{ __typename }}
  consumerCount: usedBy(first: 0) {{ totalCount }}
}}"""
_PAGE = "totalCount pageInfo { endCursor hasNextPage } edges { node { ...%s } }"
_ARTIFACT_WALK = f"""
query LineageArtifactWalk($id: ID!, $cursor: String, $first: Int,
    $producer: Boolean!, $consumers: Boolean!) {{
  artifact(id: $id) {{
    createdBy @include(if: $producer) {{ __typename ... on Run {{ ...LineageRun }} }}
    usedBy(after: $cursor, first: $first) @include(if: $consumers) {{ {_PAGE % "LineageRun"} }}
  }}
}}
{_RUN_FIELDS}"""
_RUN_WALK = f"""
query LineageRunWalk($entity: String!, $project: String!, $run: String!, $first: Int,
    $inputsCursor: String, $outputsCursor: String, $inputs: Boolean!, $outputs: Boolean!) {{
  project(name: $project, entityName: $entity) {{
    run(name: $run) {{
      inputArtifacts(after: $inputsCursor, first: $first) @include(if: $inputs) {{
        {_PAGE % "LineageArtifact"}
      }}
      outputArtifacts(after: $outputsCursor, first: $first) @include(if: $outputs) {{
        {_PAGE % "LineageArtifact"}
      }}
    }}
  }}
}}
{_ARTIFACT_FIELDS}"""
# A node named by its id (``entity/project/name:vN`` or ``entity/project/run``), for find_path.
_FIND_ARTIFACT = f"""
query LineageFindArtifact($entity: String!, $project: String!, $name: String!) {{
  project(name: $project, entityName: $entity) {{ artifact(name: $name) {{ ...LineageArtifact }} }}
}}
{_ARTIFACT_FIELDS}"""
_FIND_RUN = f"""
query LineageFindRun($entity: String!, $project: String!, $run: String!) {{
  project(name: $project, entityName: $entity) {{ run(name: $run) {{ ...LineageRun }} }}
}}
{_RUN_FIELDS}"""
_FRAGMENT_NAMES = {"run": "LineageRun", "artifact": "LineageArtifact"}
_FRAGMENTS = {"run": _RUN_FIELDS, "artifact": _ARTIFACT_FIELDS}
_OTHER_KIND: dict[str, NodeKind] = {"run": "artifact", "artifact": "run"}
# The GraphQL field each walk reads, by the walked node's kind and direction.
_CONNECTIONS = {
    ("artifact", "upstream"): "createdBy",
    ("artifact", "downstream"): "usedBy",
    ("run", "upstream"): "inputArtifacts",
    ("run", "downstream"): "outputArtifacts",
}

# Fields a walk can do without (an older server may lack them): retried without, once per source.
_ESSENTIAL = frozenset(
    {"__typename", "id", "name", "artifact", "project", "run", "entity", "usedBy", "createdBy"}
    | {"inputArtifacts", "outputArtifacts", "edges", "node", "cursor", "pageInfo", "endCursor"}
    | {"hasNextPage", "artifactSequence", "versionIndex", "artifactType"}
)
_UNKNOWN_FIELD = re.compile(r"Cannot query field ['\"](\w+)['\"] on type")
_REFUSED_EDGE = re.compile(r"(\w+)\.edges\[(\d+)\]\.node:? (.*)")
_REFUSED_PRODUCER = re.compile(r"artifact\.(createdBy):? (.*)")
_DELETED_PROJECT = "its project was deleted"


def is_wandb_artifact(obj: Any) -> bool:
    if isinstance(obj, WandbRecord):
        return obj.kind == "artifact"
    return _has_all(obj, _ARTIFACT_METHODS)


def is_wandb_run(obj: Any) -> bool:
    if isinstance(obj, WandbRecord):
        return obj.kind == "run"
    return _has_all(obj, _RUN_METHODS)


def _has_all(obj: Any, methods: Iterable[str]) -> bool:
    return all(callable(getattr(obj, m, None)) for m in methods)


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


def _client(obj: Any) -> Any | None:
    """The SDK's GraphQL client behind a real wandb ``Artifact`` or ``Run``, else None."""
    if not type(obj).__module__.startswith("wandb."):
        return None
    client = getattr(obj, "_service_api", None)
    return client if callable(getattr(client, "execute_graphql", None)) else None


@dataclass(eq=False)
class WandbRecord:
    """A run or artifact version found by a walk: the GraphQL fields it came with.

    The wandb SDK object is made from them when asked (:meth:`load`), without a request where the
    SDK allows it. ``reason`` is set when the API refused the neighbour (nothing to load then).
    """

    kind: NodeKind
    id: str
    fields: Mapping[str, Any]
    client: Any = field(repr=False)
    reason: str | None = None
    _loaded: Any = field(default=None, repr=False)

    def load(self) -> Any:
        """The ``wandb.Artifact`` or ``wandb.apis.public.Run`` (made once)."""
        if self.reason is not None:
            raise LookupError(f"{self.id} is not accessible: {self.reason}")
        if self._loaded is None:
            self._loaded = _sdk_artifact(self) if self.kind == "artifact" else _sdk_run(self)
        return self._loaded


def _sdk_artifact(record: WandbRecord) -> Any:
    from wandb.sdk.artifacts.artifact import Artifact  # noqa: PLC0415 - wandb is optional

    try:
        from wandb.sdk.artifacts._generated import ArtifactFragment  # noqa: PLC0415
        from wandb.sdk.artifacts._validators import FullArtifactPath  # noqa: PLC0415

        entity, project, name = record.id.split("/", 2)
        path = FullArtifactPath(prefix=entity, project=project, name=name)
        fragment = ArtifactFragment.model_validate(record.fields)
        return Artifact._from_attrs(path, fragment, record.client)
    except Exception:  # the SDK's internals moved, or a field was missing: ask the server
        return Artifact._from_id(record.fields["id"], record.client)


def _sdk_run(record: WandbRecord) -> Any:
    from wandb.apis.public import Run  # noqa: PLC0415 - wandb is optional

    entity, project, run_id = record.id.split("/", 2)
    attrs = {k: v for k, v in record.fields.items() if k not in ("inputCount", "outputCount")}
    return Run(record.client, entity, project, run_id, attrs)


@dataclass
class _Cursor:
    """Where a server-paged walk resumes: the GraphQL cursor after the last edge read."""

    after: str | None
    offset: int


class WandbSource(LineageSource):
    """Walks W&B artifacts and runs: a query per page with the real SDK, the public methods with
    look-alike objects."""

    def __init__(self, per_page: int = 100) -> None:
        if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be a positive integer, got {per_page!r}")
        self.per_page = per_page
        self.page_size = per_page
        self._lock = threading.Lock()
        self._answered: dict[tuple[str, Direction, str | None], Page] = {}
        """Pages answered, by walk and cursor: a walk asked again (a retry after a timeout whose
        answer came late, a replay) costs no request."""
        self._counts: dict[tuple[str, Direction], int] = {}
        self._omit: set[str] = set()
        self._home: str | None = None  # "entity/project" of the first node: others show theirs
        self._client: Any | None = None  # the SDK's GraphQL client of the last walk

    # ---- nodes -------------------------------------------------------------------------------

    def to_node(self, obj: Any) -> LineageNode:
        if isinstance(obj, WandbRecord):
            node = _record_node(obj)
        elif is_wandb_artifact(obj):
            node = self._artifact_node(obj)
        elif is_wandb_run(obj):
            node = self._run_node(obj)
        else:
            raise TypeError(
                f"{obj!r} is neither a W&B-style artifact (methods "
                f"{', '.join(_ARTIFACT_METHODS)}) nor a run (methods {', '.join(_RUN_METHODS)})"
            )
        project = node.details.get("Project")
        if isinstance(project, str) and node.inaccessible is None:
            if self._home is None:
                self._home = project
            elif project != self._home:  # a neighbour from another project says so in its label
                node = replace(node, name=f"{_project_label(project, self._home)}/{node.name}")
        return node

    def original(self, node: LineageNode) -> Any:
        """The wandb SDK object of ``node``, made now if the walk brought only its fields."""
        if isinstance(node.obj, WandbRecord):
            return node if node.obj.reason is not None else node.obj.load()
        return super().original(node)

    def _artifact_node(self, artifact: Any) -> LineageNode:
        details = {
            label: value
            for label, attr in _ARTIFACT_DETAILS
            if (value := _optional(artifact, attr)) not in (None, "", [], {})
        }
        artifact_id = _artifact_id(artifact)
        details["Full name"] = artifact_id  # the version's, also when opened by alias
        details["Project"] = artifact_id.rsplit("/", 1)[0]
        version = optional_text(_optional(artifact, "version"))
        name = str(_require(artifact, "name"))
        if version is not None:
            name = f"{name.rsplit(':', 1)[0]}:{version}"
        return LineageNode(
            id=artifact_id,
            kind="artifact",
            type=str(_require(artifact, "type")),
            name=name,
            version=version,
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
        details["Project"] = "/".join(str(p) for p in path[:-1])
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

    # ---- walks -------------------------------------------------------------------------------

    def page(
        self, node: LineageNode, direction: Direction, cursor: Any | None, limit: int | None
    ) -> Page:
        client = node.obj.client if isinstance(node.obj, WandbRecord) else _client(node.obj)
        if client is None:  # a look-alike object: its own methods, read through once
            return super().page(node, direction, cursor, limit)
        with self._lock:
            self._client = client  # (find_path looks nodes up through it)
        if isinstance(node.obj, WandbRecord) and node.obj.reason is not None:
            return Page([], None, 0)
        after = cursor if isinstance(cursor, _Cursor) else _Cursor(None, 0)
        key = (node.id, direction, after.after)
        with self._lock:
            cached = self._answered.get(key)
            none = after.after is None and self._counts.get((node.id, direction)) == 0
        if cached is not None:
            return cached
        if none:  # the page that found the node counted its neighbours: nothing to ask
            return Page([], None, 0)
        first = limit or self.per_page
        try:
            pages = self._pages(client, node, direction, after, first, along=True)
        except Exception as exc:
            refusals = _refusals(exc)
            if not refusals:
                raise
            # The readable rest of every page that query was for (the other one comes along).
            pages = {}
            for walk in self._wanted(node, direction, after):
                start = after if walk == direction else _Cursor(None, 0)
                pages[(walk, start.after)] = self._page_around(
                    client, node, walk, start, first, refusals=refusals
                )
        with self._lock:
            for (walk, at), found in pages.items():
                self._answered[(node.id, walk, at)] = found
                if found.total is not None:
                    self._counts[(node.id, walk)] = found.total
        return pages[(direction, after.after)]

    def forget(self) -> None:
        # A page comes along with another and is kept until asked for: a refresh asks again.
        with self._lock:
            self._answered.clear()
            self._counts.clear()

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        """``target`` (an id: ``entity/project/name:vN`` or ``entity/project/run_id``) looked up
        by one query, then walked from towards ``known`` a few first pages at most
        (:meth:`~lineage_widget.sources.base.LineageSource.walk_to_known`: a request each;
        the pages are kept, so expanding along the path later costs none). None when W&B has
        no such node, or it lies further than that search goes."""
        with self._lock:
            client = self._client
        parts = target.split("/")
        if client is None or len(parts) != 3 or not all(parts):
            return None
        entity, project, name = parts
        kind: NodeKind = "artifact" if ":" in name else "run"
        query, key = (_FIND_ARTIFACT, "name") if kind == "artifact" else (_FIND_RUN, "run")
        data = self._run_query(client, query, {"entity": entity, "project": project, key: name})
        fields = (data.get("project") or {}).get(kind)
        if not fields:
            return None
        node = self.to_node(self._record(client, kind, fields))
        path = self.walk_to_known(node, known)
        return None if path is None else (node, path)

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int | None:
        with self._lock:
            return self._counts.get((node.id, direction))

    def neighbour_counts(self, nodes: Sequence[LineageNode]) -> dict[tuple[str, Direction], int]:
        # The page queries brought every neighbour's counts along: no request here.
        with self._lock:
            return {
                (n.id, d): self._counts[(n.id, d)]
                for n in nodes
                for d in ("upstream", "downstream")
                if (n.id, d) in self._counts
            }

    def _pages(
        self,
        client: Any,
        node: LineageNode,
        direction: Direction,
        after: _Cursor,
        first: int,
        *,
        along: bool,
    ) -> dict[tuple[Direction, str | None], Page]:
        """The page asked for, by one query; with ``along``, the other direction's first page
        too (an artifact's producer with its consumers, a run's inputs with its outputs)."""
        wanted = self._wanted(node, direction, after) if along else {direction}
        if node.kind == "artifact":
            data = self._run_query(
                client,
                _ARTIFACT_WALK,
                {
                    "id": _record_id(node.obj),
                    "cursor": after.after,
                    "first": first,
                    "producer": "upstream" in wanted,
                    "consumers": "downstream" in wanted,
                },
            )
        else:
            data = self._run_query(
                client,
                _RUN_WALK,
                {
                    **_run_variables(node),
                    "first": first,
                    "inputsCursor": after.after if direction == "upstream" else None,
                    "outputsCursor": after.after if direction == "downstream" else None,
                    "inputs": "upstream" in wanted,
                    "outputs": "downstream" in wanted,
                },
            )
        parent = _descend(data, node.kind)
        pages: dict[tuple[Direction, str | None], Page] = {}
        for walk in wanted:
            start = after if walk == direction else _Cursor(None, 0)
            connection = _CONNECTIONS[(node.kind, walk)]
            if connection == "createdBy":
                creator = parent.get("createdBy")
                found = (
                    [self._record(client, "run", creator)]
                    if creator is not None and creator.get("__typename") == "Run"
                    else []
                )
                pages[(walk, None)] = Page(found, None, len(found))
                continue
            edges = (parent.get(connection) or {}).get("edges") or []
            records = [self._record(client, _OTHER_KIND[node.kind], e["node"]) for e in edges]
            pages[(walk, start.after)] = _page(parent.get(connection), records, start)
        return pages

    def _wanted(self, node: LineageNode, direction: Direction, after: _Cursor) -> set[Direction]:
        """The pages one query asks for: a first page brings the other direction's first page
        along, unless that one is known already."""
        other: Direction = "downstream" if direction == "upstream" else "upstream"
        with self._lock:
            along = after.after is None and (node.id, other, None) not in self._answered
        return {direction, other} if along else {direction}

    def _page_around(
        self,
        client: Any,
        node: LineageNode,
        direction: Direction,
        after: _Cursor,
        first: int,
        *,
        refusals: dict[str, dict[int, str]],
    ) -> Page:
        """The page asked for, when the server refused some of the neighbours on it: those
        become nodes that say why, the others are read by two more queries (the page's edge
        cursors, then the readable stretches between the refused edges, all in one)."""
        connection = _CONNECTIONS[(node.kind, direction)]
        refused = refusals.get(connection, {})
        kind = _OTHER_KIND[node.kind]
        if connection == "createdBy" and refused:
            return Page([_refused(client, node, direction, 0, refused[0])], None, 1)
        if not refused:  # the refusal was in the other direction's page: ask this one alone
            return self._pages(client, node, direction, after, first, along=False)[
                (direction, after.after)
            ]
        outer, declared, variables = _parent_selection(node)
        listed = self._run_query(
            client,
            f"query LineageCursors({declared}, $cursor: String, $first: Int) {{ "
            + outer.replace(
                "%s",
                f"{connection}(after: $cursor, first: $first) {{ totalCount pageInfo "
                "{ endCursor hasNextPage } edges { cursor } }",
            )
            + " }",
            {**variables, "cursor": after.after, "first": first},
        )
        listing = _descend(listed, node.kind).get(connection) or {}
        cursors = [edge["cursor"] for edge in listing.get("edges") or []]
        stretches: list[tuple[int, int]] = []  # (first index, how many), between refused edges
        begin = 0
        for index in [*sorted(i for i in refused if i < len(cursors)), len(cursors)]:
            if index > begin:
                stretches.append((begin, index - begin))
            begin = index + 1
        records: dict[int, WandbRecord] = {}
        if stretches:
            fields = [
                f"s{n}: {connection}(after: $after{n}, first: {count}) "
                f"{{ edges {{ node {{ ...{_FRAGMENT_NAMES[kind]} }} }} }}"
                for n, (_, count) in enumerate(stretches)
            ]
            declared_after = "".join(f", $after{n}: String" for n in range(len(stretches)))
            read = self._run_query(
                client,
                f"query LineageStretches({declared}{declared_after}) {{ "
                + outer.replace("%s", " ".join(fields))
                + " }\n"
                + _FRAGMENTS[kind],
                {
                    **variables,
                    **{
                        f"after{n}": after.after if first_index == 0 else cursors[first_index - 1]
                        for n, (first_index, _) in enumerate(stretches)
                    },
                },
            )
            parent = _descend(read, node.kind)
            for n, (first_index, _) in enumerate(stretches):
                for offset, edge in enumerate((parent.get(f"s{n}") or {}).get("edges") or []):
                    records[first_index + offset] = self._record(client, kind, edge["node"])
        items = [
            records.get(i)
            or _refused(client, node, direction, after.offset + i, refused.get(i, "refused"))
            for i in range(len(cursors))
        ]
        return _page(listing, items, after)

    def _run_query(
        self,
        client: Any,
        query: str,
        variables: dict[str, Any],
        refusals_of: tuple[LineageNode, Direction] | None = None,
    ) -> dict[str, Any]:
        """Run ``query``; a field the server lacks is dropped and the query sent again."""
        while True:
            with self._lock:
                omit = sorted(self._omit)
            try:
                result = client.execute_graphql(query, variables, omit_fields=omit)
                return result if isinstance(result, dict) else {}
            except Exception as exc:
                missing = _UNKNOWN_FIELD.search(str(exc))
                if missing is None or missing.group(1) in _ESSENTIAL or missing.group(1) in omit:
                    raise
                with self._lock:
                    self._omit.add(missing.group(1))

    # ---- records -----------------------------------------------------------------------------

    def _record(self, client: Any, kind: NodeKind, fields: Mapping[str, Any]) -> WandbRecord:
        return (
            self._run_record(client, fields)
            if kind == "run"
            else self._artifact_record(client, fields)
        )

    def _run_record(self, client: Any, fields: Mapping[str, Any]) -> WandbRecord:
        project = fields.get("project")
        if project is None:
            record = WandbRecord(
                "run", f"[deleted project]/{fields.get('name')}", fields, client, _DELETED_PROJECT
            )
        else:
            path = f"{project['entity']['name']}/{project['name']}/{fields['name']}"
            record = WandbRecord("run", path, fields, client)
        with self._lock:
            for walk, alias in (("upstream", "inputCount"), ("downstream", "outputCount")):
                count = (fields.get(alias) or {}).get("totalCount")
                if count is not None:
                    self._counts[(record.id, walk)] = count  # type: ignore[index]
        return record

    def _artifact_record(self, client: Any, fields: Mapping[str, Any]) -> WandbRecord:
        sequence = fields.get("artifactSequence") or {}
        project = sequence.get("project")
        name = f"{sequence.get('name')}:v{fields.get('versionIndex')}"
        if project is None:
            record = WandbRecord(
                "artifact", f"[deleted project]/{name}", fields, client, _DELETED_PROJECT
            )
        else:
            record = WandbRecord(
                "artifact", f"{project['entity']['name']}/{project['name']}/{name}", fields, client
            )
        with self._lock:
            creator = fields.get("createdBy")
            if "createdBy" in fields:
                self._counts[(record.id, "upstream")] = int(
                    creator is not None and creator.get("__typename") == "Run"
                )
            count = (fields.get("consumerCount") or {}).get("totalCount")
            if count is not None:
                self._counts[(record.id, "downstream")] = count
        return record

    # ---- the public methods, for look-alike objects --------------------------------------------

    def logged_by(self, artifact: Any) -> Any | None:
        return artifact.logged_by()

    def used_by(self, artifact: Any) -> Iterable[Any]:
        return artifact.used_by()  # type: ignore[no-any-return]

    # Paginated and lazy: read one page per expand, never the whole list up front.
    def used_artifacts(self, run: Any) -> Iterable[Any]:
        return run.used_artifacts(per_page=self.per_page)  # type: ignore[no-any-return]

    def logged_artifacts(self, run: Any) -> Iterable[Any]:
        return run.logged_artifacts(per_page=self.per_page)  # type: ignore[no-any-return]


def _record_id(obj: Any) -> str:
    """The GraphQL id of the artifact behind a node."""
    if isinstance(obj, WandbRecord):
        return str(obj.fields["id"])
    return str(_require(obj, "id"))


def _artifact_id(artifact: Any) -> str:
    """``entity/project/name:vN``, also for an artifact opened by alias (``model:best``).

    A real SDK artifact is named by its source version (where walks find it, also when it was
    opened through a registry link); a look-alike by its qualified name, version swapped in.
    """
    source = [_optional(artifact, a) for a in ("source_entity", "source_project", "source_name")]
    if all(isinstance(part, str) and part for part in source):
        return "/".join(source)
    name = str(_require(artifact, "qualified_name"))
    version = optional_text(_optional(artifact, "version"))
    if version is not None and ":" in name:
        name = f"{name.rsplit(':', 1)[0]}:{version}"
    return name


def _record_node(record: WandbRecord) -> LineageNode:
    fields = record.fields
    project = fields.get("project") or (fields.get("artifactSequence") or {}).get("project")
    details: dict[str, Any] = {}
    if record.reason is not None:
        details[NOT_ACCESSIBLE] = record.reason
    if project is not None:
        details["Project"] = f"{project['entity']['name']}/{project['name']}"
    if not fields:  # refused: the server told nothing about it
        return LineageNode(
            id=record.id,
            kind=record.kind,
            type=record.kind,
            name="not accessible",
            details=details,
            obj=record,
            inaccessible=record.reason,
        )
    if record.kind == "run":
        user = fields.get("user") or {}
        details.update(
            {
                "Run id": fields.get("name"),
                "State": fields.get("state"),
                "Author": user.get("username") or user.get("name"),
            }
        )
        return LineageNode(
            id=record.id,
            kind="run",
            type=str(fields.get("jobType") or "run"),
            name=str(fields.get("displayName") or fields.get("name") or record.id),
            created_at=optional_text(fields.get("createdAt")),
            details={k: v for k, v in details.items() if v not in (None, "")},
            obj=record,
            inaccessible=record.reason,
        )
    name = record.id.rsplit("/", 1)[-1]
    metadata = fields.get("metadata")
    details.update(
        {
            "Full name": record.id,
            "Description": fields.get("description"),
            "Size": fields.get("size"),
            "Digest": fields.get("digest"),
            "State": fields.get("state"),
            "Files": fields.get("fileCount"),
            "Tags": [t["name"] for t in fields.get("tags") or []],
            "Metadata": json.loads(metadata) if isinstance(metadata, str) else metadata,
        }
    )
    collection = name.rsplit(":", 1)[0]
    aliases = [
        a["alias"]
        for a in fields.get("aliases") or []
        if (a.get("artifactCollection") or {}).get("name", collection) == collection
        and not re.fullmatch(r"v\d+", a["alias"])
    ]
    return LineageNode(
        id=record.id,
        kind="artifact",
        type=str((fields.get("artifactType") or {}).get("name") or "artifact"),
        name=name,
        version=f"v{fields.get('versionIndex')}",
        aliases=tuple(aliases),
        created_at=optional_text(fields.get("createdAt")),
        details={k: v for k, v in details.items() if v not in (None, "", [], {})},
        obj=record,
        inaccessible=record.reason,
    )


def _project_label(project: str, home: str) -> str:
    """``project`` as short as it is clear beside ``home``: without the entity if they share it."""
    entity, _, name = project.partition("/")
    return name if entity == home.partition("/")[0] else project


def _run_variables(node: LineageNode) -> dict[str, str]:
    entity, project, run = node.id.split("/", 2)
    return {"entity": entity, "project": project, "run": run}


def _parent_selection(node: LineageNode) -> tuple[str, str, dict[str, Any]]:
    """The selection that reaches ``node`` (``%s`` where its fields go), the variables it
    declares, and their values."""
    if node.kind == "artifact":
        return "artifact(id: $id) { %s }", "$id: ID!", {"id": _record_id(node.obj)}
    return (
        "project(name: $project, entityName: $entity) { run(name: $run) { %s } }",
        "$entity: String!, $project: String!, $run: String!",
        _run_variables(node),
    )


def _descend(data: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    """What :func:`_parent_selection` selected, from a query's answer."""
    if kind == "artifact":
        return data.get("artifact") or {}
    return (data.get("project") or {}).get("run") or {}


def _page(connection: Mapping[str, Any] | None, items: list[Any], start: _Cursor) -> Page:
    """A page of ``items`` read from ``connection`` (a GraphQL connection) at ``start``."""
    if connection is None:
        return Page([], None, 0)
    info = connection.get("pageInfo") or {}
    total = connection.get("totalCount")
    offset = start.offset + len(items)
    more = info.get("hasNextPage", total is not None and offset < total)
    following = _Cursor(info.get("endCursor"), offset) if more and items else None
    return Page(items, following, total)


def _refusals(exc: Exception) -> dict[str, dict[int, str]]:
    """What the server refused, from the error of a query it answered in part: by GraphQL
    field (``usedBy``, ``createdBy``, ...), the refused edges' indexes and why."""
    found: dict[str, dict[int, str]] = {}
    for line in str(exc).splitlines():
        if edge := _REFUSED_EDGE.search(line):
            found.setdefault(edge[1], {})[int(edge[2])] = edge[3].strip()
        elif producer := _REFUSED_PRODUCER.search(line):
            found.setdefault(producer[1], {})[0] = producer[2].strip()
    return found


def _refused(
    client: Any, node: LineageNode, direction: Direction, index: int, why: str
) -> WandbRecord:
    """A neighbour the server refused, named after where it was found (its own name is what
    the server would not tell)."""
    side = "input" if direction == "upstream" else "output"
    return WandbRecord(_OTHER_KIND[node.kind], f"{node.id} {side} {index + 1}", {}, client, why)
