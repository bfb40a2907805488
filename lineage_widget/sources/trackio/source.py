"""A local Trackio store (``TRACKIO_DIR``), walked like the W&B public API, a page at a time.

Trackio has no table of runs: a run is known by the rows that name it (see :mod:`.store`). A
run's job type comes from ``config["job_type"]``, the W&B name, since ``trackio.init`` has no
``job_type`` argument; runs without one are typed "run".

From trackio's Python API: the default store (``trackio.utils.TRACKIO_DIR``, after the
``TRACKIO_DIR`` environment variable). The project's file name follows trackio's rule
(:func:`db_filename`). Everything else is read with SQL, read-only (:class:`.store.TrackioStore`).

Other projects: a run of another project that used an artifact of this one, and an artifact of
another project used here, are shown with their project (node ids ``<their project>/...``,
labels prefixed with it). When that project's database is in the same store, its records and
walks come from there (so the lineage goes on across projects); when it is not (a project
deleted or kept elsewhere), what this database noted of them is shown and their walks end.

Node ids: artifact versions ``<project>/<name>:v<N>`` (trackio's ``qualified_name``); runs
``<project>/<run id>`` (trackio's run ids are unique; run names need not be: ``trackio.init``
with an existing name and ``resume="never"`` starts a second run of that name). A run recorded
without an id uses its name instead. ``<project>`` is the canonical name trackio stores.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ...graph import LineageGraph, LineageNode
from ..base import Direction, Page, PagedSource, check_direction, optional_text, what_exists
from .records import TrackioArtifact, TrackioRecord, TrackioRun, lineage_node
from .store import RunRef, TrackioStore, run_key

_VERSION_RE = re.compile(r"^v(\d+)$")
# Artifact names match ^[A-Za-z0-9._-]+$ in trackio (trackio.cas.ARTIFACT_NAME_RE).
_ARTIFACT_ID_RE = re.compile(r"^([A-Za-z0-9._-]+):v(\d+)$")
_LINK = {"upstream": "input", "downstream": "output"}  # a run's walk -> its link direction


@dataclass(frozen=True)
class _Cursor:
    """Where a paged walk resumes: after link row ``after`` (of the external links once
    ``external``), with the walk's ``total`` counted once, on its first page."""

    after: int
    total: int
    external: bool = False


_Key = tuple[str, Any]
"""A node found by the path search: ("artifact", version row id), ("run", RunRef) or
("noted", external link row) for another project's artifact."""


def _explore(graph: LineageGraph, keys: dict[str, _Key], node_id: str, key: _Key) -> None:
    keys[node_id] = key
    if key[0] == "run":
        graph.add_run(node_id, type="run")
    else:
        graph.add_artifact(node_id, type="artifact")


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


def db_filename(project: str) -> str:
    """``<canonical project name>.db``, the file ``trackio.init`` writes a project to.

    trackio 0.43's rule (``trackio.utils.canonical_project_name``: keep ``[A-Za-z0-9_-]``, else
    "default"), mirrored rather than imported: importing trackio takes over a second, which
    would be most of opening a store, and reading one should not need trackio installed.
    ``tests/test_trackio.py`` holds the mirror to trackio's own function.
    """
    safe = "".join(c for c in project if c.isalnum() or c in ("-", "_")).rstrip()
    return f"{safe or 'default'}.db"


def _json(value: Any) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


def _take(rows: list[sqlite3.Row], limit: int | None) -> tuple[list[sqlite3.Row], bool]:
    """The first ``limit`` of ``rows`` (fetched with one more) and whether more are left."""
    if limit is None or len(rows) <= limit:
        return rows, False
    return rows[:limit], True


def _one_more(limit: int | None) -> int | None:
    return None if limit is None else limit + 1


class TrackioSource(PagedSource):
    """Runs and artifact versions of one project of a local Trackio store, read-only.

    >>> source = TrackioSource("my-project")  # doctest: +SKIP
    >>> model = source.artifact("model:best")  # or "model" (latest), "model:v3"  # doctest: +SKIP
    >>> LineageWidget(model, source=source)  # doctest: +SKIP

    Walks are paged in SQL (``page_size`` neighbours per page, keyset on the link row); the
    neighbour counts of a page cost one query; each thread reuses one read-only connection.
    """

    page_size: int | None = 100

    def __init__(self, project: str, trackio_dir: str | os.PathLike[str] | None = None) -> None:
        self.project = project
        self.trackio_dir = (
            Path(trackio_dir).expanduser() if trackio_dir is not None else default_trackio_dir()
        )
        self.db_path = self.trackio_dir / db_filename(project)
        if not self.db_path.is_file():
            projects = sorted(p.stem for p in self.trackio_dir.glob("*.db"))
            where = (
                f"store {str(self.trackio_dir)!r} ({what_exists('projects', projects)})"
                if self.trackio_dir.is_dir()
                else f"store {str(self.trackio_dir)!r}, which does not exist"
            )
            raise FileNotFoundError(f"no Trackio project {project!r} in {where}")
        self.canonical = self.db_path.stem
        """The project's name as trackio stores it (and as the node ids carry it)."""
        self.store = TrackioStore(self.db_path, self.canonical)
        # The sources of the store's other projects, shared by all of them (None: not there).
        self._projects: dict[str, TrackioSource | None] = {self.canonical: self}
        self._projects_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TrackioSource(project={self.project!r}, trackio_dir={str(self.trackio_dir)!r})"

    def close(self) -> None:
        """Close the calling thread's connections (other threads' close with them)."""
        for source in list(self._projects.values()):
            if source is not None:
                source.store.close()

    # ---- lookups -----------------------------------------------------------------------

    def artifact(self, spec: str) -> TrackioArtifact:
        """One artifact version: ``"name:v1"``, ``"name:best"`` (an alias) or ``"name"`` (latest).

        ``"<project>/name:v1"`` (a ``qualified_name``) works too. ``LookupError`` naming the
        project, the store and ``spec`` (and what exists, when short) if there is no such version.
        """
        name, _, version = spec.partition(":")
        project, slash, bare = name.rpartition("/")
        if slash:
            if project not in (self.project, self.canonical):
                raise LookupError(
                    f"artifact {spec!r} names project {project!r}; this source reads "
                    f"Trackio project {self.project!r}"
                )
            name = bare
        wanted = version or "latest"
        store = self.store
        artifact_id = store.artifact_row_id(name)
        if artifact_id is None:
            names = store.artifact_names()
            raise LookupError(
                f"no artifact {name!r} in {self._where()}; {what_exists('artifacts', names)}"
            )
        # trackio's own rule (SQLiteStorage._resolve_artifact_version_cursor): "vN" is a
        # version, anything else an alias, no version the alias "latest".
        match = _VERSION_RE.match(wanted)
        version_id = (
            store.version_id(artifact_id, int(match.group(1)))
            if match
            else store.alias_version_id(artifact_id, wanted)
        )
        if version_id is None:
            versions = [f"v{n}" for n in store.version_numbers(artifact_id)]
            aliases = store.alias_names(artifact_id)
            raise LookupError(
                f"artifact {name!r} in {self._where()} has no version or alias {wanted!r}; "
                f"{what_exists('versions', versions)}; {what_exists('aliases', aliases)}"
            )
        return self._artifacts([version_id])[0]

    def run(self, name_or_id: str) -> TrackioRun:
        """The run with this id, else the one run with this name.

        ``LookupError`` naming the project and the store if there is none, or if several runs
        share the name (it lists their ids: pass one of them instead).
        """
        refs = self.store.run_refs(run_id=name_or_id) or self.store.run_refs(run_name=name_or_id)
        if not refs:
            names = sorted({name for _, _, name in self.store.run_refs() if name})
            raise LookupError(
                f"no run named {name_or_id!r} (nor with that id) in {self._where()}; "
                f"{what_exists('runs', names)}"
            )
        runs = self._runs(refs)
        if len(runs) > 1:
            listed = ", ".join(f"{r.id} (created {r.created_at})" for r in runs)
            raise LookupError(
                f"{len(runs)} runs are named {name_or_id!r} in {self._where()}; "
                f"pass one of their ids: {listed}"
            )
        return runs[0]

    # ---- LineageSource -----------------------------------------------------------------

    def to_node(self, obj: Any) -> LineageNode:
        return lineage_node(obj, self.canonical)

    def _producer(self, artifact: TrackioArtifact) -> TrackioRun | None:
        """The run that logged ``artifact`` (this project's own: the page asks its owner)."""
        if artifact.project != self.canonical:
            return None  # another project's artifact whose database is not in the store
        # artifact_versions.producer_run_id/_name, set by log_artifact; else (rows written
        # some other way) the first "output" link.
        ref: RunRef | None = None
        if artifact.producer_run_id is not None or artifact.producer_run_name is not None:
            ref = (self.canonical, artifact.producer_run_id, artifact.producer_run_name)
        else:
            row = self.store.first_output(artifact.version_id)
            if row is not None:
                ref = (row["run_project"], row["run_id"], row["run_name"])
        return None if ref is None else self._runs_anywhere([ref])[0]

    def page(
        self, node: LineageNode, direction: Direction, cursor: Any | None, limit: int | None
    ) -> Page:
        """One page of ``node``'s neighbours in SQL (``LIMIT``, resuming after the last link
        row), its total counted on the first page."""
        direction = check_direction(direction)
        obj = node.obj
        owner = self._owner(obj)
        if owner is not self:
            return owner.page(node, direction, cursor, limit)
        state = cursor if isinstance(cursor, _Cursor) else None
        if isinstance(obj, TrackioArtifact):
            if direction == "upstream":
                producer = self._producer(obj)
                return Page([] if producer is None else [producer], None, int(bool(producer)))
            return self._consumers(obj, state, limit)
        if isinstance(obj, TrackioRun):
            return self._run_artifacts(obj, _LINK[direction], state, limit)
        raise TypeError(f"{obj!r} is neither a TrackioArtifact nor a TrackioRun")

    def neighbour_count(self, node: LineageNode, direction: Direction) -> int | None:
        return self.neighbour_counts([node]).get((node.id, check_direction(direction)))

    def neighbour_counts(self, nodes: Sequence[LineageNode]) -> dict[tuple[str, Direction], int]:
        """Both counts of every node, in one query per kind and project."""
        counts: dict[tuple[str, Direction], int] = {}
        by_owner: dict[int, tuple[TrackioSource, list[LineageNode]]] = {}
        for node in nodes:
            owner = self._owner(node.obj)
            by_owner.setdefault(id(owner), (owner, []))[1].append(node)
        for owner, owned in by_owner.values():
            counts.update(owner._counts(owned))
        return counts

    def find_path(
        self, target: str, known: Sequence[str]
    ) -> tuple[LineageNode, list[tuple[LineageNode, LineageNode]]] | None:
        """A breadth-first search from ``target`` in SQL, one query per hop and kind, that
        stops at the first hop reaching a known node; the path is the explored part's
        :meth:`LineageGraph.nearest_path`."""
        project, _, _ = target.partition("/")
        owner = self._source_of(project)
        if owner is None:
            return None
        found = owner._search(target, set(known))
        if found is None:
            return None
        records, explored = found
        nodes = [self.to_node(record) for record in records]  # from the known end
        pairs = [(a, b) if explored.has_edge(a.id, b.id) else (b, a) for a, b in pairwise(nodes)]
        return nodes[-1], pairs

    # ---- walks -------------------------------------------------------------------------

    def _consumers(
        self, artifact: TrackioArtifact, state: _Cursor | None, limit: int | None
    ) -> Page:
        if artifact.project != self.canonical:
            return Page([], None, 0)  # another project's artifact, its database not here
        if state is None:
            counts = self.store.artifact_counts([artifact.version_id])
            state = _Cursor(0, counts.get((artifact.version_id, "input"), 0))
        rows = self.store.consumers(artifact.version_id, state.after, _one_more(limit))
        rows, more = _take(rows, limit)
        runs = self._runs_anywhere([(r["run_project"], r["run_id"], r["run_name"]) for r in rows])
        following = _Cursor(int(rows[-1]["id"]), state.total) if more else None
        return Page(runs, following, state.total)

    def _run_artifacts(
        self, run: TrackioRun, link: str, state: _Cursor | None, limit: int | None
    ) -> Page:
        """A run's artifacts of this database first, then those of other projects."""
        ref = self._ref(run)
        if state is None:
            total = self.store.run_counts([ref]).get((run_key(ref[1], ref[2]), link), 0)
            state = _Cursor(0, total)
        found: list[TrackioArtifact] = []
        if not state.external:
            rows, more = _take(
                self.store.run_links(ref, link, state.after, _one_more(limit)), limit
            )
            found = self._artifacts([int(r["artifact_version_id"]) for r in rows])
            if more:
                return Page(found, _Cursor(int(rows[-1]["id"]), state.total), state.total)
            state = _Cursor(0, state.total, external=True)
        left = None if limit is None else limit - len(found)
        rows, more = _take(self.store.external_links(ref, link, state.after, _one_more(left)), left)
        found += self._foreign_artifacts(rows)
        following = _Cursor(int(rows[-1]["id"]), state.total, True) if more and rows else None
        if more and not rows:  # the page filled up just before the external links
            following = state
        return Page(found, following, state.total)

    def _counts(self, nodes: Sequence[LineageNode]) -> dict[tuple[str, Direction], int]:
        """Both neighbour counts of nodes whose records this source owns."""
        counts: dict[tuple[str, Direction], int] = {}
        artifacts = [n for n in nodes if isinstance(n.obj, TrackioArtifact)]
        own = [n for n in artifacts if n.obj.project == self.canonical]
        links = self.store.artifact_counts([n.obj.version_id for n in own])
        for node in artifacts:
            art: TrackioArtifact = node.obj
            if art.project != self.canonical:
                counts[(node.id, "upstream")] = counts[(node.id, "downstream")] = 0
                continue
            made = art.producer_run_id is not None or art.producer_run_name is not None
            counts[(node.id, "upstream")] = (
                1 if made else min(1, links.get((art.version_id, "output"), 0))
            )
            counts[(node.id, "downstream")] = links.get((art.version_id, "input"), 0)
        runs: dict[str, list[tuple[LineageNode, RunRef]]] = {}
        for node in nodes:
            if isinstance(node.obj, TrackioRun):
                ref = self._ref(node.obj)
                runs.setdefault(ref[0], []).append((node, ref))
        for group in runs.values():
            by_run = self.store.run_counts([ref for _, ref in group])
            for node, (_, run_id, run_name) in group:
                key = run_key(run_id, run_name)
                counts[(node.id, "upstream")] = by_run.get((key, "input"), 0)
                counts[(node.id, "downstream")] = by_run.get((key, "output"), 0)
        return counts

    # ---- the path search ---------------------------------------------------------------

    def _search(
        self, target: str, known: set[str]
    ) -> tuple[list[TrackioRecord], LineageGraph] | None:
        """The records on a shortest path from a known node to ``target`` (``[target]`` alone
        if none is linked to it), and the part of the lineage explored to find it."""
        start = self._locate(target)
        if start is None:
            return None
        explored = LineageGraph()
        keys: dict[str, _Key] = {}
        _explore(explored, keys, target, start)
        frontier = [target]
        while frontier and not known.intersection(keys):
            after = []
            for other_id, other, edge in self._hop({i: keys[i] for i in frontier}):
                if other_id not in keys:
                    _explore(explored, keys, other_id, other)
                    after.append(other_id)
                explored.add_edge(*edge)
            frontier = after
        path = explored.nearest_path(known.intersection(keys), target) or [target]
        return [self._record(keys[i]) for i in path], explored

    def _locate(self, target: str) -> _Key | None:
        """The key of a node of this project by its id, or None if there is no such node."""
        project, _, rest = target.partition("/")
        if project != self.canonical:
            return None
        match = _ARTIFACT_ID_RE.match(rest)
        if match:
            artifact_id = self.store.artifact_row_id(match.group(1))
            found = (
                None
                if artifact_id is None
                else self.store.version_id(artifact_id, int(match.group(2)))
            )
            return None if found is None else ("artifact", found)
        refs = self.store.run_refs(run_id=rest) or [
            ref for ref in self.store.run_refs(run_name=rest) if ref[1] is None
        ]
        return ("run", refs[0]) if refs else None

    def _hop(self, frontier: dict[str, _Key]) -> list[tuple[str, _Key, tuple[str, str]]]:
        """The neighbours of ``frontier`` (id -> key): (id, key, edge), one query per kind and
        project. Artifacts of other projects end the search (their links are not here)."""
        found: list[tuple[str, _Key, tuple[str, str]]] = []
        versions = {key[1]: i for i, key in frontier.items() if key[0] == "artifact"}
        for row in self.store.links_of_versions(list(versions)):
            artifact_id = versions[int(row["version"])]
            ref: RunRef = (row["run_project"], row["run_id"], row["run_name"])
            run_id = f"{ref[0]}/{ref[1] or ref[2]}"
            edge = (artifact_id, run_id) if row["direction"] == "input" else (run_id, artifact_id)
            found.append((run_id, ("run", ref), edge))
        runs: dict[str, list[RunRef]] = {}
        for key in frontier.values():
            if key[0] == "run":
                runs.setdefault(key[1][0], []).append(key[1])
        for project, refs in runs.items():
            for row in self.store.links_of_runs(refs):
                run_id = f"{project}/{row['run_id'] or row['run_name']}"
                artifact_id = f"{row['project']}/{row['name']}:v{row['version']}"
                other: _Key = (
                    ("artifact", int(row["version_id"]))
                    if row["project"] == self.canonical
                    else ("noted", row)
                )
                edge = (
                    (artifact_id, run_id) if row["direction"] == "input" else (run_id, artifact_id)
                )
                found.append((artifact_id, other, edge))
        return found

    def _record(self, key: _Key) -> TrackioRecord:
        if key[0] == "artifact":
            return self._artifacts([key[1]])[0]
        if key[0] == "noted":
            return self._foreign_artifacts([key[1]])[0]
        return self._runs_anywhere([key[1]])[0]

    # ---- records -----------------------------------------------------------------------

    def _owner(self, obj: Any) -> TrackioSource:
        """The source a record's walks go through: its own project's, else this one."""
        source = getattr(obj, "source", None)
        return source if isinstance(source, TrackioSource) else self

    def _source_of(self, project: str) -> TrackioSource | None:
        """The source of another project of the store (canonical name), None if not there."""
        with self._projects_lock:
            if project not in self._projects:
                found = None
                if (self.trackio_dir / f"{project}.db").is_file():
                    found = TrackioSource(project, self.trackio_dir)
                    found._projects, found._projects_lock = self._projects, self._projects_lock
                self._projects[project] = found
            return self._projects[project]

    def _ref(self, run: TrackioRun) -> RunRef:
        return (run.project, run.id if run.has_run_id else None, run.name)

    def _where(self) -> str:
        return f"Trackio project {self.project!r} (store {str(self.trackio_dir)!r})"

    def _artifacts(self, version_ids: Sequence[int]) -> list[TrackioArtifact]:
        """This project's artifact versions with these row ids, in order (missing ones left out)."""
        rows = self.store.artifact_rows(version_ids)
        found = []
        for version_id in version_ids:
            row = rows.get(version_id)
            if row is None:
                continue
            metadata = _json(row["metadata"])
            found.append(
                TrackioArtifact(
                    project=self.canonical,
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
                    version_id=version_id,
                    source=self,
                )
            )
        return found

    def _foreign_artifacts(self, rows: Sequence[sqlite3.Row]) -> list[TrackioArtifact]:
        """Artifact versions of other projects, as noted in this database (project,
        version_id, name, version, type, size_bytes, created_at): read from their own
        project's database when the store has it, else as noted."""
        found = []
        for row in rows:
            home = self._source_of(row["project"])
            loaded = home._artifacts([int(row["version_id"])]) if home is not None else []
            found.append(loaded[0] if loaded else self._noted_artifact(row))
        return found

    def _noted_artifact(self, row: sqlite3.Row) -> TrackioArtifact:
        return TrackioArtifact(
            project=row["project"],
            name=row["name"],
            version=f"v{row['version']}",
            type=row["type"],
            size=row["size_bytes"],
            created_at=row["created_at"],
            version_id=int(row["version_id"]),
            source=self,
        )

    def _runs_anywhere(self, refs: Sequence[RunRef]) -> list[TrackioRun]:
        """Run records for runs of any project, in order, one per run: from their own
        project's database when the store has it, else from what this one knows."""
        by_project: dict[str, list[RunRef]] = {}
        for ref in refs:
            by_project.setdefault(ref[0], []).append(ref)
        loaded: dict[tuple[str, tuple[str | None, str | None]], TrackioRun] = {}
        for project, group in by_project.items():
            home = self._source_of(project) or self
            for run in home._runs(group):
                loaded[(project, run_key(*self._ref(run)[1:]))] = run
        keys = dict.fromkeys((ref[0], run_key(ref[1], ref[2])) for ref in refs)
        return [loaded[key] for key in keys if key in loaded]

    def _runs(self, refs: Sequence[RunRef]) -> list[TrackioRun]:
        """Run records for these runs (of one project), in order, one per run."""
        unique = list({(ref[0], run_key(ref[1], ref[2])): ref for ref in refs}.values())
        ids = [run_id for _, run_id, _ in unique if run_id is not None]
        configs = self.store.config_rows(ids)
        # a start time for the runs without a config (that logged no metrics)
        first_seen = self.store.first_links([i for i in ids if i not in configs])
        runs = []
        for project, run_id, run_name in unique:
            row = configs.get(run_id) if run_id is not None else None
            loaded = _json(row["config"]) if row is not None else None
            config: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
            name = run_name or (row["run_name"] if row is not None else None) or run_id or "?"
            job_type = config.get("job_type")
            runs.append(
                TrackioRun(
                    project=project,
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
