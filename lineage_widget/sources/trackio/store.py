"""The SQL of one Trackio project database, read-only: every query the Trackio source sends.

Trackio (0.43) keeps each project in ``<TRACKIO_DIR>/<project>.db``. Lineage lives in these
tables (schema of trackio 0.43):

- ``artifacts`` (id, name, type, description, created_at): one row per artifact name;
- ``artifact_versions`` (id, artifact_id, version, manifest_digest, manifest, metadata,
  size_bytes, producer_run_id, producer_run_name, created_at): one row per version;
- ``artifact_aliases`` (artifact_id, alias, artifact_version_id): "latest", "best", ...;
- ``run_artifact_links`` (id, run_id, run_name, run_project, artifact_version_id, direction,
  created_at): ``direction`` is "input" (``use_artifact``) or "output" (``log_artifact``).
  ``run_project`` names the run's project: a run of another project that used an artifact of
  this one is recorded here with its own project (NULL in older stores: this project).
  Indexed on ``artifact_version_id``, on ``(run_id, run_name)`` and on
  ``(run_project, run_id, run_name)``.
- ``external_run_artifact_links`` (run_id, run_name, source_project, source_version_id,
  source_artifact, source_type, source_version, source_size_bytes, direction, created_at):
  artifacts of other projects used by runs of this one (trackio writes it into the consumer's
  database beside the ``run_artifact_links`` row in the source project's database);
- ``configs`` (run_id, run_name, config, created_at): one row per run that logged metrics.

Why SQL rather than trackio's API: trackio's public API has no read-only lineage walk
(``trackio.use_artifact`` records the caller as a consumer, a write). Its storage class has
readers (``get_artifact_consumers``, ``get_run_artifacts``), but they are internal, bound to the
store trackio chose at import, open the database read-write and may first pull the project from
a Hugging Face bucket. The queries below follow theirs; each says which table it reads.

Read-only: the connection is opened with ``mode=ro`` and never writes the ``.db`` file. Because
trackio keeps its databases in WAL mode, SQLite may create the empty ``-wal``/``-shm``
companions next to it (the index every WAL reader needs). One connection per thread, reused: a
new connection (opened, the schema read, a WAL snapshot set up) cost ~1 ms a query here, against
~0.01 ms for the same query on a reused one. Reads take no transaction, so each query sees what
trackio committed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_CHUNK = 500  # values per SQL IN (...)

RunRef = tuple[str, str | None, str | None]
"""A run as the link rows name it: (canonical project, run_id, run_name); run_id None for a run
recorded by name only."""

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

# An artifact version of another project as trackio noted it in external_run_artifact_links,
# under the names the local one has in links_of_runs.
_EXTERNAL_ARTIFACT = """source_project AS project, source_version_id AS version_id,
    source_artifact AS name, source_version AS version, source_type AS type,
    source_size_bytes AS size_bytes, created_at"""


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class TrackioStore:
    """Read-only queries on one project database; ``project`` is its canonical name."""

    def __init__(self, db_path: Path, project: str) -> None:
        self.db_path = db_path
        self.project = project
        self._local = threading.local()
        # Columns and tables that came in later trackio schemas.
        self.has_run_project = "run_project" in self._columns("run_artifact_links")
        self.has_external = bool(self._columns("external_run_artifact_links"))
        # The project of a link's run: run_project, or this project where it is NULL or absent.
        self._run_project = "COALESCE(run_project, :home)" if self.has_run_project else ":home"

    # ---- connections ---------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's read-only connection (SQLite URI ``mode=ro``), opened once."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.db_path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=30)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (others close with their thread)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """The rows of one query; named parameters get ``:home``, this project's name."""
        if isinstance(params, dict):
            params = {"home": self.project, **params}
        return self.conn.execute(sql, params).fetchall()

    def _columns(self, table: str) -> set[str]:
        return {row["name"] for row in self._rows(f"PRAGMA table_info({table})")}

    # ---- lookups (tables artifacts, artifact_versions, artifact_aliases) -------------------

    def artifact_row_id(self, name: str) -> int | None:
        rows = self._rows("SELECT id FROM artifacts WHERE name = ?", (name,))
        return int(rows[0]["id"]) if rows else None

    def version_id(self, artifact_id: int, version: int) -> int | None:
        rows = self._rows(
            "SELECT id FROM artifact_versions WHERE artifact_id = ? AND version = ?",
            (artifact_id, version),
        )
        return int(rows[0]["id"]) if rows else None

    def alias_version_id(self, artifact_id: int, alias: str) -> int | None:
        rows = self._rows(
            "SELECT artifact_version_id FROM artifact_aliases WHERE artifact_id = ? AND alias = ?",
            (artifact_id, alias),
        )
        return int(rows[0][0]) if rows else None

    def artifact_names(self) -> list[str]:
        return [r["name"] for r in self._rows("SELECT name FROM artifacts ORDER BY name")]

    def version_numbers(self, artifact_id: int) -> list[int]:
        sql = "SELECT version FROM artifact_versions WHERE artifact_id = ? ORDER BY version"
        return [int(r[0]) for r in self._rows(sql, (artifact_id,))]

    def alias_names(self, artifact_id: int) -> list[str]:
        sql = "SELECT alias FROM artifact_aliases WHERE artifact_id = ? ORDER BY alias"
        return [r[0] for r in self._rows(sql, (artifact_id,))]

    def artifact_rows(self, version_ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        """The artifact versions with these row ids, by id (missing ones left out)."""
        found: dict[int, sqlite3.Row] = {}
        for chunk in chunks(version_ids):
            versions, params = _in("v", chunk)
            for row in self._rows(f"{_ARTIFACT_SELECT} WHERE av.id IN ({versions})", params):
                found[int(row["version_id"])] = row
        return found

    # ---- runs (tables run_artifact_links, configs: trackio has no runs table) --------------

    def run_refs(self, *, run_id: str | None = None, run_name: str | None = None) -> list[RunRef]:
        """Runs of this project with this id or this name (neither: all of them), one each."""
        if run_id is not None:
            where, value = "run_id = :value", run_id
        elif run_name is not None:
            where, value = "run_name = :value", run_name
        else:
            where, value = "1", None
        sql = f"""SELECT run_id, run_name FROM run_artifact_links
            WHERE ({where}) AND {self._run_project} = :home
            UNION SELECT run_id, run_name FROM configs WHERE {where}"""
        if self.has_external:  # a run that only used other projects' artifacts
            sql += f" UNION SELECT run_id, run_name FROM external_run_artifact_links WHERE {where}"
        refs: dict[RunKey, RunRef] = {}
        for row in self._rows(sql, {"value": value}):
            refs.setdefault(
                run_key(row["run_id"], row["run_name"]),
                (self.project, row["run_id"], row["run_name"]),
            )
        return list(refs.values())

    def config_rows(self, run_ids: Sequence[str]) -> dict[str, sqlite3.Row]:
        """configs rows by run id: config (with _Created, _Group, _Username), run name."""
        found: dict[str, sqlite3.Row] = {}
        for chunk in chunks(run_ids):
            ids, params = _in("i", chunk)
            sql = (
                f"SELECT run_id, run_name, config, created_at FROM configs WHERE run_id IN ({ids})"
            )
            for row in self._rows(sql, params):
                found[row["run_id"]] = row
        return found

    def first_links(self, run_ids: Sequence[str]) -> dict[str, str]:
        """When each run was first linked: a start time for runs without a config."""
        found: dict[str, str] = {}
        for chunk in chunks(run_ids):
            ids, params = _in("i", chunk)
            sql = (
                "SELECT run_id, MIN(created_at) AS at FROM run_artifact_links "
                f"WHERE run_id IN ({ids}) GROUP BY run_id"
            )
            if self.has_external:
                sql = (
                    f"SELECT run_id, MIN(at) AS at FROM ({sql} UNION ALL SELECT run_id, "
                    "MIN(created_at) FROM external_run_artifact_links "
                    f"WHERE run_id IN ({ids}) GROUP BY run_id) GROUP BY run_id"
                )
            for row in self._rows(sql, params):
                found[row["run_id"]] = row["at"]
        return found

    # ---- walks, a page at a time (keyset paging on the link row id) ------------------------

    def consumers(self, version_id: int, after: int, limit: int | None) -> list[sqlite3.Row]:
        """Input links of an artifact version after link ``after``, in link order: run_id,
        run_name, run_project (canonical) and the link ``id`` to resume from."""
        sql = f"""SELECT id, run_id, run_name, {self._run_project} AS run_project
            FROM run_artifact_links
            WHERE artifact_version_id = :version AND direction = 'input' AND id > :after
            ORDER BY id LIMIT :limit"""
        return self._rows(sql, {"version": version_id, "after": after, "limit": _sql_limit(limit)})

    def first_output(self, version_id: int) -> sqlite3.Row | None:
        """The first output link of a version: its logger, for rows without a producer."""
        sql = f"""SELECT run_id, run_name, {self._run_project} AS run_project
            FROM run_artifact_links WHERE artifact_version_id = :version AND direction = 'output'
            ORDER BY id LIMIT 1"""
        rows = self._rows(sql, {"version": version_id})
        return rows[0] if rows else None

    def run_links(
        self, run: RunRef, direction: str, after: int, limit: int | None
    ) -> list[sqlite3.Row]:
        """This database's artifact versions linked to ``run`` in ``direction`` after link
        ``after``: ``artifact_version_id`` and the link ``id``."""
        sql = f"""SELECT id, artifact_version_id FROM run_artifact_links
            WHERE {_run_match(run[1])} AND direction = :direction
              AND {self._run_project} = :project AND id > :after
            ORDER BY id LIMIT :limit"""
        return self._rows(sql, _page_params(run, direction, after, limit))

    def external_links(
        self, run: RunRef, direction: str, after: int, limit: int | None
    ) -> list[sqlite3.Row]:
        """Artifact versions of other projects linked to ``run`` (a run of this project), as
        trackio noted them here: project, version_id, name, version, type, size_bytes,
        created_at, and the link ``id``."""
        if not self.has_external or run[0] != self.project:
            return []
        sql = f"""SELECT id, {_EXTERNAL_ARTIFACT} FROM external_run_artifact_links
            WHERE {_run_match(run[1])} AND direction = :direction AND id > :after
            ORDER BY id LIMIT :limit"""
        return self._rows(sql, _page_params(run, direction, after, limit))

    # ---- counts, for a whole page in one query ---------------------------------------------

    def artifact_counts(self, version_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """(version id, "input" | "output") -> how many distinct runs link it that way."""
        counts: dict[tuple[int, str], int] = {}
        for chunk in chunks(version_ids):
            versions, params = _in("v", chunk)
            sql = f"""SELECT artifact_version_id AS version, direction,
                    COUNT(DISTINCT {self._run_project} || char(31) || COALESCE(run_id, '')
                        || char(31) || CASE WHEN run_id IS NULL THEN run_name ELSE '' END) AS n
                FROM run_artifact_links WHERE artifact_version_id IN ({versions})
                GROUP BY artifact_version_id, direction"""
            for row in self._rows(sql, params):
                counts[(int(row["version"]), row["direction"])] = int(row["n"])
        return counts

    def run_counts(self, runs: Sequence[RunRef]) -> dict[tuple[RunKey, str], int]:
        """(run key, "input" | "output") -> how many artifact versions (of any project) the
        run links that way; ``runs`` all of one project."""
        counts: dict[tuple[RunKey, str], int] = {}
        for chunk in chunks(runs):
            match, params = _runs_match(chunk)
            sql = f"""SELECT run_id, run_name, direction, COUNT(DISTINCT artifact_version_id) AS n
                FROM run_artifact_links WHERE {match} AND {self._run_project} = :project
                GROUP BY run_id, CASE WHEN run_id IS NULL THEN run_name END, direction"""
            if self.has_external and chunk[0][0] == self.project:
                sql += f""" UNION ALL SELECT run_id, run_name, direction,
                    COUNT(DISTINCT source_project || char(31) || source_version_id) AS n
                FROM external_run_artifact_links WHERE {match}
                GROUP BY run_id, CASE WHEN run_id IS NULL THEN run_name END, direction"""
            for row in self._rows(sql, params):
                key = (run_key(row["run_id"], row["run_name"]), row["direction"])
                counts[key] = counts.get(key, 0) + int(row["n"])
        return counts

    # ---- the neighbourhood of a few nodes, for the path search -----------------------------

    def links_of_versions(self, version_ids: Sequence[int]) -> list[sqlite3.Row]:
        """The runs linked to these versions, one row per distinct link: version, run_id,
        run_name, run_project (canonical), direction."""
        found: list[sqlite3.Row] = []
        for chunk in chunks(version_ids):
            versions, params = _in("v", chunk)
            sql = f"""SELECT DISTINCT artifact_version_id AS version, run_id, run_name,
                    {self._run_project} AS run_project, direction
                FROM run_artifact_links WHERE artifact_version_id IN ({versions})"""
            found.extend(self._rows(sql, params))
        return found

    def links_of_runs(self, runs: Sequence[RunRef]) -> list[sqlite3.Row]:
        """The artifact versions linked to these runs (all of one project), one row per
        distinct link: run_id, run_name, direction, and the artifact's project, version_id,
        name, version, type, size_bytes, created_at (another project's as the external links
        noted it)."""
        found: list[sqlite3.Row] = []
        for chunk in chunks(runs):
            match, params = _runs_match(chunk)
            sql = f"""SELECT DISTINCT l.run_id, l.run_name, l.direction, :home AS project,
                    av.id AS version_id, a.name, av.version, a.type, av.size_bytes, av.created_at
                FROM run_artifact_links l
                JOIN artifact_versions av ON av.id = l.artifact_version_id
                JOIN artifacts a ON a.id = av.artifact_id
                WHERE {match.replace("run_", "l.run_")}
                  AND {self._run_project.replace("run_project", "l.run_project")} = :project"""
            if self.has_external and chunk[0][0] == self.project:
                sql += f""" UNION SELECT run_id, run_name, direction, {_EXTERNAL_ARTIFACT}
                FROM external_run_artifact_links WHERE {match}"""
            found.extend(self._rows(sql, params))
        return found


RunKey = tuple[str | None, str | None]


def run_key(run_id: str | None, run_name: str | None) -> RunKey:
    """What tells runs of one project apart: the id, or the name of a run without one."""
    return (run_id, None) if run_id is not None else (None, run_name)


def _in(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """Named parameters for ``IN (...)`` (``NULL`` for none: matches nothing)."""
    params = {f"{prefix}{k}": v for k, v in enumerate(values)}
    return (",".join(f":{name}" for name in params) or "NULL"), params


def _runs_match(runs: Sequence[RunRef]) -> tuple[str, dict[str, Any]]:
    """A WHERE clause for these runs (all of one project): by id, or by name if they have none."""
    ids, params = _in("i", [run_id for _, run_id, _ in runs if run_id is not None])
    names, by_name = _in("n", [name for _, run_id, name in runs if run_id is None])
    params.update(by_name, project=runs[0][0])
    return f"(run_id IN ({ids}) OR (run_id IS NULL AND run_name IN ({names})))", params


def _run_match(run_id: str | None) -> str:
    return "run_id = :run_id" if run_id is not None else "(run_id IS NULL AND run_name = :run_name)"


def _page_params(run: RunRef, direction: str, after: int, limit: int | None) -> dict[str, Any]:
    project, run_id, run_name = run
    return {
        "project": project,
        "run_id": run_id,
        "run_name": run_name,
        "direction": direction,
        "after": after,
        "limit": _sql_limit(limit),
    }


def _sql_limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # SQLite: a negative LIMIT means none
