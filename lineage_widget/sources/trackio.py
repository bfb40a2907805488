"""A local Trackio store (``TRACKIO_DIR``), walked like the W&B public API. Read-only.

Trackio (``pip install trackio``, 0.43) keeps each project in one SQLite file,
``<TRACKIO_DIR>/<project>.db``. Lineage lives in four tables (schema of trackio 0.43):

- ``artifacts`` (id, name, type, description, created_at): one row per artifact name;
- ``artifact_versions`` (id, artifact_id, version, manifest_digest, manifest, metadata,
  size_bytes, producer_run_id, producer_run_name, created_at): one row per version;
- ``artifact_aliases`` (artifact_id, alias, artifact_version_id): "latest", "best", ...;
- ``run_artifact_links`` (run_id, run_name, run_project, artifact_version_id, direction,
  created_at): ``direction`` is "input" (``use_artifact``) or "output" (``log_artifact``).

Trackio has no table of runs: a run is known by the rows that name it. This source reads the
``configs`` table too (one row per run that logged metrics: its config, ``_Created`` start time
and ``_Group``) and takes a run's job type from ``config["job_type"]``, the W&B name, since
``trackio.init`` has no ``job_type`` argument; runs without one are typed "run".

What comes from trackio's Python API and what from SQL, and why:

- From trackio: the default store (``trackio.utils.TRACKIO_DIR``, after the ``TRACKIO_DIR``
  environment variable) and the project's file name
  (``trackio.sqlite_storage.SQLiteStorage.get_project_db_filename``, which canonicalises the
  project name as trackio does when it writes).
- From SQL, on a connection opened read-only (``file:...?mode=ro``): everything else.
  Trackio's public API has no read-only artifact lookup (``trackio.use_artifact`` records the
  current run as a consumer, a write) and no ``logged_by``/``used_by`` walk. Its storage class
  has readers (``get_artifact_consumers``, ``get_run_artifacts``, ``get_artifact_lineage``), but
  they are internal, are bound to the store trackio chose at import, open the database
  read-write (setting ``PRAGMA journal_mode``) and may first pull the project from a Hugging
  Face bucket or dataset. The queries below follow theirs; each says which table it reads.

Read-only means the ``.db`` file is never written. Because trackio keeps its databases in WAL
mode, SQLite itself may create the empty ``-wal``/``-shm`` companion files next to it (the
index every WAL reader needs), as any reader of the store does.

Scope: links recorded in this project's database for runs of this project. Runs of other
projects that used this project's artifacts (``run_project`` set to another project) and
artifacts of other projects used here (``external_run_artifact_links``) are left out, as are
link rows without a run id that trackio would attribute to a same-named run.

Node ids: artifact versions ``<project>/<name>:v<N>`` (trackio's ``qualified_name``); runs
``<project>/<run id>`` (trackio's run ids are unique; run names need not be: ``trackio.init``
with an existing name and ``resume="never"`` starts a second run of that name). A run recorded
without an id uses its name instead.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..graph import LineageNode
from .base import Direction, LineageSource, check_direction, optional_text

__all__ = ["TrackioArtifact", "TrackioRun", "TrackioSource"]

_VERSION_RE = re.compile(r"^v(\d+)$")
# Artifact names match ^[A-Za-z0-9._-]+$ in trackio (trackio.cas.ARTIFACT_NAME_RE).
_ARTIFACT_ID_RE = re.compile(r"^([A-Za-z0-9._-]+):v(\d+)$")
_LIST_AT_MOST = 20  # error messages list what exists when there is no more than this
_CHUNK = 500  # values per SQL IN (...)

# One artifact version with its artifact and aliases (tables artifact_versions, artifacts,
# artifact_aliases); the columns of trackio's SQLiteStorage._get_artifact_manifest_cursor,
# with the manifest counted in SQL rather than loaded.
_ARTIFACT_SELECT = """
    SELECT av.id AS version_id, av.version, av.manifest_digest, av.metadata, av.size_bytes,
           av.producer_run_id, av.producer_run_name, av.created_at,
           json_array_length(av.manifest) AS file_count,
           a.name, a.type, a.description,
           (SELECT group_concat(aa.alias, char(31)) FROM artifact_aliases aa
            WHERE aa.artifact_version_id = av.id) AS aliases
    FROM artifact_versions av JOIN artifacts a ON a.id = av.artifact_id
"""


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
        return self._source().logged_by(self)

    def used_by(self) -> list[TrackioRun]:
        """The runs that used this version as an input."""
        return self._source().used_by(self)

    def _source(self) -> TrackioSource:
        return _walker(self, self.source)

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

    @property
    def path(self) -> list[str]:
        """``[project, id]``, as a W&B run's ``[entity, project, id]``."""
        return [self.project, self.id]

    @property
    def qualified_name(self) -> str:
        """``<project>/<id>``: the node id."""
        return f"{self.project}/{self.id}"

    def used_artifacts(self, per_page: int = 100) -> list[TrackioArtifact]:
        """The artifact versions this run used (``per_page`` is ignored: one query)."""
        del per_page
        return self._source().used_artifacts(self)

    def logged_artifacts(self, per_page: int = 100) -> list[TrackioArtifact]:
        """The artifact versions this run logged (``per_page`` is ignored: one query)."""
        del per_page
        return self._source().logged_artifacts(self)

    def _source(self) -> TrackioSource:
        return _walker(self, self.source)

    def __repr__(self) -> str:
        return (
            f"TrackioRun({self.name!r}, id={self.id!r}, project={self.project!r}, "
            f"job_type={self.job_type!r})"
        )


_RunKey = tuple[str | None, str | None]  # (run_id, run_name) as on the link rows


def default_trackio_dir() -> Path:
    """The store trackio uses: ``$TRACKIO_DIR``, else ``trackio.utils.TRACKIO_DIR``.

    (trackio computes the latter at import, from ``TRACKIO_DIR`` or ``$HF_HOME/trackio``.)
    """
    env = os.environ.get("TRACKIO_DIR")
    if env:
        return Path(env).expanduser()
    # trackio API: the directory it logs to. Imported here, not at the top: lineage_widget does
    # not depend on trackio, and importing it takes a second.
    from trackio import utils  # noqa: PLC0415

    return Path(utils.TRACKIO_DIR)


def _db_filename(project: str) -> str:
    # trackio API: "<canonical project name>.db", the file trackio.init writes to.
    from trackio.sqlite_storage import SQLiteStorage  # noqa: PLC0415

    return str(SQLiteStorage.get_project_db_filename(project))


def _listing(kind: str, names: Sequence[str]) -> str:
    if not names:
        return f"it has no {kind}"
    if len(names) > _LIST_AT_MOST:
        return f"it has {len(names)} {kind}"
    return f"{kind}: {', '.join(names)}"


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _json(value: Any) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


class TrackioSource(LineageSource):
    """Runs and artifact versions of one project of a local Trackio store, read-only.

    >>> source = TrackioSource("my-project")  # doctest: +SKIP
    >>> model = source.artifact("model:best")  # or "model" (latest), "model:v3"  # doctest: +SKIP
    >>> LineageWidget(model, source=source)  # doctest: +SKIP
    """

    def __init__(self, project: str, trackio_dir: str | os.PathLike[str] | None = None) -> None:
        self.project = project
        self.trackio_dir = (
            Path(trackio_dir).expanduser() if trackio_dir is not None else default_trackio_dir()
        )
        self.db_path = self.trackio_dir / _db_filename(project)
        if not self.db_path.is_file():
            projects = sorted(p.stem for p in self.trackio_dir.glob("*.db"))
            where = (
                f"store {str(self.trackio_dir)!r} ({_listing('projects', projects)})"
                if self.trackio_dir.is_dir()
                else f"store {str(self.trackio_dir)!r}, which does not exist"
            )
            raise FileNotFoundError(f"no Trackio project {project!r} in {where}")
        # run_project (which project a linked run belongs to) came in a later trackio schema.
        self._canonical = Path(self.db_path.name).stem
        with self._connect() as conn:
            columns = {row["name"] for row in conn.execute("PRAGMA table_info(run_artifact_links)")}
        self._scope = (
            "(run_project IS NULL OR run_project = :project)" if "run_project" in columns else "1"
        )

    def __repr__(self) -> str:
        return f"TrackioSource(project={self.project!r}, trackio_dir={str(self.trackio_dir)!r})"

    # ---- lookups -----------------------------------------------------------------------

    def artifact(self, spec: str) -> TrackioArtifact:
        """One artifact version: ``"name:v1"``, ``"name:best"`` (an alias) or ``"name"`` (latest).

        ``"<project>/name:v1"`` (a ``qualified_name``) works too. ``LookupError`` naming the
        project, the store and ``spec`` (and what exists, when short) if there is no such version.
        """
        name, _, version = spec.partition(":")
        project, slash, bare = name.rpartition("/")
        if slash:
            if project not in (self.project, self._canonical):
                raise LookupError(
                    f"artifact {spec!r} names project {project!r}; this source reads "
                    f"Trackio project {self.project!r}"
                )
            name = bare
        wanted = version or "latest"
        with self._connect() as conn:
            # tables artifacts, artifact_aliases, artifact_versions: trackio's own rule
            # (SQLiteStorage._resolve_artifact_version_cursor): "vN" is a version, anything
            # else an alias, no version the alias "latest".
            art = conn.execute("SELECT id FROM artifacts WHERE name = ?", (name,)).fetchone()
            if art is None:
                names = [
                    r["name"] for r in conn.execute("SELECT name FROM artifacts ORDER BY name")
                ]
                raise LookupError(
                    f"no artifact {name!r} in {self._where()}; {_listing('artifacts', names)}"
                )
            match = _VERSION_RE.match(wanted)
            if match:
                row = conn.execute(
                    "SELECT id FROM artifact_versions WHERE artifact_id = ? AND version = ?",
                    (art["id"], int(match.group(1))),
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT artifact_version_id AS id FROM artifact_aliases "
                    "WHERE artifact_id = ? AND alias = ?",
                    (art["id"], wanted),
                ).fetchone()
            if row is None:
                versions = [
                    f"v{r['version']}"
                    for r in conn.execute(
                        "SELECT version FROM artifact_versions WHERE artifact_id = ? "
                        "ORDER BY version",
                        (art["id"],),
                    )
                ]
                aliases = [
                    r["alias"]
                    for r in conn.execute(
                        "SELECT alias FROM artifact_aliases WHERE artifact_id = ? ORDER BY alias",
                        (art["id"],),
                    )
                ]
                raise LookupError(
                    f"artifact {name!r} in {self._where()} has no version or alias {wanted!r}; "
                    f"{_listing('versions', versions)}; {_listing('aliases', aliases)}"
                )
            return self._artifacts(conn, [int(row["id"])])[0]

    def run(self, name_or_id: str) -> TrackioRun:
        """The run with this id, else the one run with this name.

        ``LookupError`` naming the project and the store if there is none, or if several runs
        share the name (it lists their ids: pass one of them instead).
        """
        with self._connect() as conn:
            # tables run_artifact_links and configs (trackio has no runs table)
            value = {"value": name_or_id}
            keys = self._run_keys(conn, "run_id = :value", value)
            keys = keys or self._run_keys(conn, "run_name = :value", value)
            if not keys:
                names = sorted({n for _, n in self._run_keys(conn, "1", {}) if n})
                raise LookupError(
                    f"no run named {name_or_id!r} (nor with that id) in {self._where()}; "
                    f"{_listing('runs', names)}"
                )
            runs = self._runs(conn, keys)
        if len(runs) > 1:
            listed = ", ".join(f"{r.id} (created {r.created_at})" for r in runs)
            raise LookupError(
                f"{len(runs)} runs are named {name_or_id!r} in {self._where()}; "
                f"pass one of their ids: {listed}"
            )
        return runs[0]

    # ---- LineageSource -----------------------------------------------------------------

    def to_node(self, obj: Any) -> LineageNode:
        if isinstance(obj, TrackioArtifact):
            details: dict[str, Any] = {
                "Full name": obj.qualified_name,
                "Description": obj.description,
                "Size": obj.size,
                "Digest": obj.digest,
                "Files": obj.file_count,
                "Metadata": dict(obj.metadata),
            }
            return LineageNode(
                id=obj.qualified_name,
                kind="artifact",
                type=obj.type,
                name=obj.name,
                version=obj.version,
                aliases=obj.aliases,
                created_at=obj.created_at,
                details={k: v for k, v in details.items() if v not in (None, "", {})},
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
                name=obj.name,
                created_at=obj.created_at,
                details={k: v for k, v in details.items() if v not in (None, "", {})},
                obj=obj,
            )
        raise TypeError(f"{obj!r} is neither a TrackioArtifact nor a TrackioRun")

    def logged_by(self, artifact: TrackioArtifact) -> TrackioRun | None:
        with self._connect() as conn:
            # artifact_versions.producer_run_id/_name, set by log_artifact; else (rows written
            # some other way) the first "output" row of run_artifact_links.
            key: _RunKey | None = None
            if artifact.producer_run_id is not None or artifact.producer_run_name is not None:
                key = (artifact.producer_run_id, artifact.producer_run_name)
            else:
                row = conn.execute(
                    f"""SELECT run_id, run_name FROM run_artifact_links
                    WHERE artifact_version_id = :version AND direction = 'output'
                      AND {self._scope}
                    ORDER BY created_at, id LIMIT 1""",
                    self._params(version=artifact.version_id),
                ).fetchone()
                if row is not None:
                    key = (row["run_id"], row["run_name"])
            return None if key is None else self._runs(conn, [key])[0]

    def used_by(self, artifact: TrackioArtifact) -> list[TrackioRun]:
        with self._connect() as conn:
            # run_artifact_links, direction "input" (as SQLiteStorage.get_artifact_consumers)
            rows = conn.execute(
                f"""SELECT run_id, run_name, MIN(created_at) AS at, MIN(id) AS first
                FROM run_artifact_links
                WHERE artifact_version_id = :version AND direction = 'input' AND {self._scope}
                GROUP BY run_id, run_name ORDER BY at, first""",
                self._params(version=artifact.version_id),
            ).fetchall()
            return self._runs(conn, [(r["run_id"], r["run_name"]) for r in rows])

    def used_artifacts(self, run: TrackioRun) -> list[TrackioArtifact]:
        return self._run_artifacts(run, "input")

    def logged_artifacts(self, run: TrackioRun) -> list[TrackioArtifact]:
        return self._run_artifacts(run, "output")

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int | None:
        direction = check_direction(direction)
        obj = node.obj
        with self._connect() as conn:
            if isinstance(obj, TrackioArtifact):
                if direction == "upstream":
                    if obj.producer_run_id is not None or obj.producer_run_name is not None:
                        return 1
                    row = conn.execute(
                        f"""SELECT EXISTS(SELECT 1 FROM run_artifact_links
                        WHERE artifact_version_id = :version AND direction = 'output'
                          AND {self._scope})""",
                        self._params(version=obj.version_id),
                    ).fetchone()
                    return int(row[0])
                row = conn.execute(
                    f"""SELECT COUNT(*) FROM (SELECT 1 FROM run_artifact_links
                    WHERE artifact_version_id = :version AND direction = 'input'
                      AND {self._scope}
                    GROUP BY run_id, run_name)""",
                    self._params(version=obj.version_id),
                ).fetchone()
                return int(row[0])
            if isinstance(obj, TrackioRun):
                link = "input" if direction == "upstream" else "output"
                row = conn.execute(
                    f"""SELECT COUNT(DISTINCT artifact_version_id) FROM run_artifact_links
                    WHERE {self._run_match(obj)} AND direction = :direction
                      AND {self._scope}""",
                    self._params(direction=link, **self._run_params(obj)),
                ).fetchone()
                return int(row[0])
        return None

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        prefix = f"{self.project}/"
        if not target.startswith(prefix):
            return None
        with self._connect() as conn:
            # All of run_artifact_links (one query) and the names of the artifact versions,
            # then a breadth-first search from the target to the nearest known node.
            names = {
                int(r["id"]): f"{prefix}{r['name']}:v{r['version']}"
                for r in conn.execute(
                    "SELECT av.id, a.name, av.version FROM artifact_versions av "
                    "JOIN artifacts a ON a.id = av.artifact_id"
                )
            }
            ids_of_versions = {node_id: version for version, node_id in names.items()}
            runs: dict[str, _RunKey] = {}
            edges: set[tuple[str, str]] = set()
            neighbours: dict[str, set[str]] = {}
            rows = conn.execute(
                f"""SELECT DISTINCT run_id, run_name, artifact_version_id, direction
                FROM run_artifact_links WHERE {self._scope}""",
                self._params(),
            )
            for row in rows:
                artifact_id = names.get(int(row["artifact_version_id"]))
                if artifact_id is None:
                    continue
                run_id = f"{prefix}{row['run_id'] or row['run_name']}"
                runs.setdefault(run_id, (row["run_id"], row["run_name"]))
                edges.add(
                    (artifact_id, run_id) if row["direction"] == "input" else (run_id, artifact_id)
                )
                neighbours.setdefault(artifact_id, set()).add(run_id)
                neighbours.setdefault(run_id, set()).add(artifact_id)
            if target not in ids_of_versions and target not in runs:
                return None
            path = _shortest_path(neighbours, target, set(known))
            loaded = self._load(conn, path, ids_of_versions, runs)
        nodes = [self.to_node(loaded[i]) for i in reversed(path)]  # from the known end
        pairs = []
        for a, b in pairwise(nodes):
            pairs.append((a, b) if (a.id, b.id) in edges else (b, a))
        return nodes[-1], pairs

    # ---- internals ---------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection (SQLite URI ``mode=ro``): it cannot write the database."""
        conn = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def _where(self) -> str:
        return f"Trackio project {self.project!r} (store {str(self.trackio_dir)!r})"

    def _params(self, **extra: Any) -> dict[str, Any]:
        return {"project": self._canonical, **extra}

    @staticmethod
    def _run_match(run: TrackioRun) -> str:
        if run.has_run_id:
            return "run_id = :run_id"
        return "(run_id IS NULL AND run_name = :run_name)"

    @staticmethod
    def _run_params(run: TrackioRun) -> dict[str, Any]:
        return {"run_id": run.id, "run_name": run.name}

    def _run_artifacts(self, run: TrackioRun, direction: str) -> list[TrackioArtifact]:
        with self._connect() as conn:
            # run_artifact_links of this run (as SQLiteStorage.get_run_artifacts)
            rows = conn.execute(
                f"""SELECT artifact_version_id, MIN(created_at) AS at, MIN(id) AS first
                FROM run_artifact_links
                WHERE {self._run_match(run)} AND direction = :direction AND {self._scope}
                GROUP BY artifact_version_id ORDER BY at, first""",
                self._params(direction=direction, **self._run_params(run)),
            ).fetchall()
            return self._artifacts(conn, [int(r["artifact_version_id"]) for r in rows])

    def _artifacts(self, conn: sqlite3.Connection, version_ids: list[int]) -> list[TrackioArtifact]:
        """The artifact versions with these row ids, in this order (missing ones left out)."""
        found: dict[int, TrackioArtifact] = {}
        for chunk in _chunks(version_ids):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(f"{_ARTIFACT_SELECT} WHERE av.id IN ({marks})", chunk):
                metadata = _json(row["metadata"])
                found[int(row["version_id"])] = TrackioArtifact(
                    project=self.project,
                    name=row["name"],
                    version=f"v{row['version']}",
                    type=row["type"],
                    aliases=tuple(sorted(row["aliases"].split("\x1f"))) if row["aliases"] else (),
                    size=row["size_bytes"],
                    digest=row["manifest_digest"],
                    file_count=row["file_count"],
                    description=row["description"],
                    metadata=metadata if isinstance(metadata, dict) else {},
                    created_at=row["created_at"],
                    producer_run_id=row["producer_run_id"],
                    producer_run_name=row["producer_run_name"],
                    version_id=int(row["version_id"]),
                    source=self,
                )
        return [found[v] for v in version_ids if v in found]

    def _run_keys(
        self, conn: sqlite3.Connection, where: str, params: Mapping[str, Any]
    ) -> list[_RunKey]:
        """Distinct (run_id, run_name) of the runs in run_artifact_links or configs."""
        sql = f"""SELECT run_id, run_name FROM run_artifact_links WHERE ({where}) AND {self._scope}
            UNION SELECT run_id, run_name FROM configs WHERE {where}"""
        return [(r["run_id"], r["run_name"]) for r in conn.execute(sql, self._params(**params))]

    def _runs(self, conn: sqlite3.Connection, keys: Sequence[_RunKey]) -> list[TrackioRun]:
        """Run records for these link identities, in this order, one per run."""
        keys = list(dict.fromkeys(keys))
        ids = [run_id for run_id, _ in keys if run_id is not None]
        configs: dict[str, sqlite3.Row] = {}
        first_seen: dict[str, str] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            # configs: the run's config (with _Created, _Group, _Username), if it logged metrics
            for row in conn.execute(
                f"SELECT run_id, run_name, config, created_at FROM configs "
                f"WHERE run_id IN ({marks})",
                chunk,
            ):
                configs[row["run_id"]] = row
            # run_artifact_links: the first link, a start time for runs without a config
            for row in conn.execute(
                f"SELECT run_id, MIN(created_at) AS at FROM run_artifact_links "
                f"WHERE run_id IN ({marks}) GROUP BY run_id",
                chunk,
            ):
                first_seen[row["run_id"]] = row["at"]
        runs = []
        for run_id, run_name in keys:
            row = configs.get(run_id) if run_id is not None else None
            loaded = _json(row["config"]) if row is not None else None
            config: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
            name = run_name or (row["run_name"] if row is not None else None) or run_id or "?"
            job_type = config.get("job_type")
            runs.append(
                TrackioRun(
                    project=self.project,
                    id=run_id or name,
                    name=name,
                    job_type=str(job_type) if job_type else None,
                    group=optional_text(config.get("_Group")),
                    username=optional_text(config.get("_Username")),
                    created_at=optional_text(config.get("_Created"))
                    or (row["created_at"] if row is not None else None)
                    or (first_seen.get(run_id) if run_id is not None else None),
                    config=config,
                    has_run_id=run_id is not None,
                    source=self,
                )
            )
        return runs

    def _load(
        self,
        conn: sqlite3.Connection,
        node_ids: Iterable[str],
        versions: Mapping[str, int],
        runs: Mapping[str, _RunKey],
    ) -> dict[str, TrackioArtifact | TrackioRun]:
        node_ids = list(node_ids)
        wanted_versions = [versions[i] for i in node_ids if i in versions]
        wanted_runs = [runs[i] for i in node_ids if i in runs and i not in versions]
        loaded: dict[str, TrackioArtifact | TrackioRun] = {}
        for art in self._artifacts(conn, wanted_versions):
            loaded[art.qualified_name] = art
        for run in self._runs(conn, wanted_runs):
            loaded[run.qualified_name] = run
        return loaded


def _walker(record: object, source: TrackioSource | None) -> TrackioSource:
    """The source a record was read from, which its W&B-style walks go through."""
    if source is None:
        raise RuntimeError(f"{record!r} was not read from a TrackioSource; it cannot walk")
    return source


def _shortest_path(neighbours: Mapping[str, set[str]], start: str, goals: set[str]) -> list[str]:
    """``start`` to the nearest of ``goals``, edges taken either way; ``[start]`` if none."""
    if start in goals:
        return [start]
    parent: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        current = queue.popleft()
        for other in sorted(neighbours.get(current, ())):
            if other in seen:
                continue
            seen.add(other)
            parent[other] = current
            if other in goals:
                path = [other]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            queue.append(other)
    return [start]
