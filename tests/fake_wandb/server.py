"""A fake W&B backend: W&B's GraphQL endpoint over HTTP on 127.0.0.1, answering from a Lineage.

``wandb.Api()`` posts every GraphQL document through its ``wandb-core`` sidecar to
``$WANDB_BASE_URL/graphql``; pointed here (see :meth:`FakeWandb.environment`), the real SDK walks
the in-memory lineage. Queries are executed by graphql-core against ``schema.graphql``, so each
answer holds exactly the fields asked, and a field the schema lacks fails validation as on an
older server. Every operation received is recorded by name, so tests can count requests.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    graphql_sync,
    parse,
)

from .lineage import CREATED_AT, Artifact, Lineage, Project, Run

_SDL = (Path(__file__).parent / "schema.graphql").read_text()
Resolver = Callable[..., Any]


def _cursor(offset: int) -> str:
    return f"offset:{offset}"


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.startswith("offset:"):
        raise GraphQLError(f"invalid cursor {cursor!r}")
    return int(cursor.removeprefix("offset:"))


def _connection(items: list[Any], after: str | None, first: int | None) -> dict[str, Any]:
    start = _offset(after)
    end = len(items) if first is None else min(len(items), start + max(first, 0))
    return {
        "totalCount": len(items),
        "pageInfo": {
            "endCursor": _cursor(end) if end > start else after,
            "hasNextPage": end < len(items),
        },
        "edges": [(_cursor(i + 1), items[i]) for i in range(start, end)],
    }


def _accessible(obj: Run | Artifact) -> Run | Artifact:
    """``obj``, or a GraphQL error if its project refuses the viewer."""
    if obj.project.refused:
        raise GraphQLError(obj.project.refused)
    return obj


def _project_of(obj: Run | Artifact) -> Project | None:
    return None if obj.project.deleted else obj.project


class FakeWandb:
    """The fake backend. Use :meth:`serve` (a context manager) to run it."""

    def __init__(self, lineage: Lineage, *, missing_fields: tuple[str, ...] = ()) -> None:
        self.lineage = lineage
        self.latency = 0.0
        """Seconds added to every request before it is answered (a far-away server)."""
        self.operations: list[str] = []
        """The name of every GraphQL operation received, in order."""
        self.documents: list[str] = []
        self._lock = threading.Lock()
        self.schema = self._schema(missing_fields)
        self._server: ThreadingHTTPServer | None = None

    # ---- what tests use ------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def environment(self, folder: Path) -> dict[str, str]:
        """The environment that points the wandb SDK at this server, its files in ``folder``."""
        return {
            "WANDB_BASE_URL": self.url,
            "WANDB_API_KEY": "f" * 40,
            "WANDB_DIR": str(folder),
            "WANDB_CONFIG_DIR": str(folder / "config"),
            "WANDB_CACHE_DIR": str(folder / "cache"),
            "WANDB_DATA_DIR": str(folder / "data"),
            "WANDB_SILENT": "true",
            "WANDB_ERROR_REPORTING": "false",
            "WANDB_DISABLE_GIT": "true",
        }

    def requests(self) -> Counter[str]:
        with self._lock:
            return Counter(self.operations)

    def count(self) -> int:
        with self._lock:
            return len(self.operations)

    def reset(self) -> None:
        with self._lock:
            self.operations.clear()
            self.documents.clear()

    def drop_fields(self, *fields: str) -> None:
        """Act as an older server without these fields (``"RunConnection.totalCount"``)."""
        self.schema = self._schema(fields)

    @contextmanager
    def serve(self) -> Iterator[FakeWandb]:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()

    # ---- answering -----------------------------------------------------------------------

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        query = body.get("query", "")
        name = body.get("operationName") or _operation_name(query)
        with self._lock:
            self.operations.append(name)
            self.documents.append(query)
        if self.latency:
            time.sleep(self.latency)
        result = graphql_sync(
            self.schema,
            query,
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName") or None,
        )
        return result.formatted

    def _schema(self, missing_fields: tuple[str, ...] | list[str]) -> GraphQLSchema:
        schema = build_schema(_SDL)
        for type_name, fields in _resolvers(self.lineage).items():
            gql_type = schema.type_map[type_name]
            assert isinstance(gql_type, GraphQLObjectType)
            for field_name, resolve in fields.items():
                gql_type.fields[field_name].resolve = resolve
        for type_name in ("Creator", "ArtifactCollection"):
            schema.type_map[type_name].resolve_type = _type_name  # type: ignore[attr-defined]
        for dotted in missing_fields:
            type_name, field_name = dotted.split(".")
            gql_type = schema.type_map[type_name]
            assert isinstance(gql_type, GraphQLObjectType)
            del gql_type.fields[field_name]
        return schema


def _type_name(value: Any, *_: Any) -> str:
    return "Run" if isinstance(value, Run) else "ArtifactSequence"


def _operation_name(query: str) -> str:
    try:
        document = parse(query)
    except GraphQLError:
        return "<unparsable>"
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else "<anonymous>"
    return "<no operation>"


def _field(getter: Callable[[Any], Any]) -> Resolver:
    return lambda obj, _info, **_args: getter(obj)


def _resolvers(lineage: Lineage) -> dict[str, dict[str, Resolver]]:
    """Resolvers by type and field: what each field of schema.graphql reads from the lineage."""

    def project(_root: Any, _info: Any, name: str | None = None, **args: Any) -> Any:
        return lineage.find_project(args.get("entityName"), name)

    def artifact_by_id(_root: Any, _info: Any, id: str) -> Any:
        found = lineage.artifacts.get(id)
        return None if found is None else _accessible(found)

    def run_by_name(proj: Project, _info: Any, name: str) -> Any:
        found = next(
            (r for r in lineage.runs.values() if r.project is proj and r.name == name), None
        )
        return None if found is None else _accessible(found)

    def membership(proj: Project, _info: Any, name: str) -> Any:
        found = lineage.find_membership(proj, name)
        return None if found is None else _accessible(found)

    def connection(items: Callable[[Any], list[Any]]) -> Resolver:
        def resolve(
            obj: Any, _info: Any, after: str | None = None, first: int | None = None
        ) -> Any:
            return _connection(items(obj), after, first)

        return resolve

    viewer = {
        "id": "user-1",
        "entity": lineage.entity,
        "name": lineage.entity,
        "username": lineage.entity,
        "email": f"{lineage.entity}@example.com",
        "admin": False,
        "flags": "{}",
        "teams": {"edges": []},
    }
    edge = {"cursor": _field(lambda e: e[0]), "node": _field(lambda e: _accessible(e[1]))}
    return {
        "Query": {
            "viewer": _field(lambda _: viewer),
            "serverInfo": _field(lambda _: {"features": []}),
            "project": project,
            "artifact": artifact_by_id,
            "entity": lambda _root, _info, name: {"id": f"entity-{name}", "name": name},
        },
        "Project": {
            "id": _field(lambda p: p.gql_id),
            "internalId": _field(lambda p: str(p.number)),
            "name": _field(lambda p: p.name),
            "entityName": _field(lambda p: p.entity),
            "entity": _field(lambda p: {"id": f"entity-{p.entity}", "name": p.entity}),
            "run": run_by_name,
            "artifact": membership,
            "artifactCollectionMembership": membership,
        },
        "Run": {
            "id": _field(lambda r: r.gql_id),
            "name": _field(lambda r: r.name),
            "displayName": _field(lambda r: r.display_name),
            "projectId": _field(lambda r: str(r.project.number)),
            "project": _field(_project_of),
            "tags": _field(lambda _: []),
            "state": _field(lambda r: r.state),
            "jobType": _field(lambda r: r.job_type),
            "readOnly": _field(lambda _: False),
            "createdAt": _field(lambda _: CREATED_AT),
            "heartbeatAt": _field(lambda _: CREATED_AT),
            "historyLineCount": _field(lambda _: 0),
            "config": _field(lambda _: "{}"),
            "systemMetrics": _field(lambda _: "{}"),
            "summaryMetrics": _field(lambda _: "{}"),
            "historyKeys": _field(lambda _: {}),
            "user": _field(lambda r: {**viewer, "name": r.user, "username": r.user}),
            "inputArtifacts": connection(lambda r: r.inputs),
            "outputArtifacts": connection(lambda r: r.outputs),
        },
        "RunEdge": edge,
        "ArtifactEdge": edge,
        "ArtifactSequence": {
            "id": _field(lambda a: f"sequence-{a.project.number}-{a.collection}"),
            "name": _field(lambda a: a.collection),
            "project": _field(_project_of),
        },
        "ArtifactAlias": {
            "id": _field(lambda pair: f"alias-{pair[0].number}-{pair[1]}"),
            "alias": _field(lambda pair: pair[1]),
            "artifactCollection": _field(lambda pair: pair[0]),
        },
        "ArtifactCollectionMembership": {
            "id": _field(lambda a: f"membership-{a.number}"),
            "versionIndex": _field(lambda a: a.version_index),
            "createdAt": _field(lambda _: CREATED_AT),
            "aliases": _field(lambda a: [(a, alias) for alias in a.aliases]),
            "artifactCollection": _field(lambda a: a),
            "artifact": _field(lambda a: a),
        },
        "Artifact": {
            "id": _field(lambda a: a.gql_id),
            "artifactSequence": _field(lambda a: a),
            "versionIndex": _field(lambda a: a.version_index),
            "artifactType": _field(lambda a: {"id": f"type-{a.type}", "name": a.type}),
            "description": _field(lambda a: a.description),
            "metadata": _field(lambda a: a.metadata_json),
            "ttlDurationSeconds": _field(lambda _: -2),
            "ttlIsInherited": _field(lambda _: True),
            "tags": _field(lambda _: []),
            "historyStep": _field(lambda _: None),
            "state": _field(lambda _: "COMMITTED"),
            "size": _field(lambda a: a.size),
            "digest": _field(lambda a: f"{a.number:032x}"),
            "digestAlgorithm": _field(lambda _: "MANIFEST_MD5"),
            "commitHash": _field(lambda a: f"{a.number:012x}"),
            "fileCount": _field(lambda _: 1),
            "createdAt": _field(lambda _: CREATED_AT),
            "updatedAt": _field(lambda _: CREATED_AT),
            "aliases": _field(lambda a: [(a, alias) for alias in a.aliases]),
            "createdBy": _field(lambda a: a.producer),
            "usedBy": connection(lambda a: a.consumers),
        },
    }


def _handler(backend: FakeWandb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Headers and body go out in one segment: with Nagle's algorithm each answer would wait
        # for the client's delayed ACK (~40 ms), and every latency figure would be off by that.
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            if self.path.split("?")[0].rstrip("/") != "/graphql":
                with backend._lock:
                    backend.operations.append(f"POST {self.path}")
                self._send(404, {"error": f"no such endpoint {self.path}"})
                return
            self._send(200, backend.answer(json.loads(raw)))

        def do_GET(self) -> None:
            with backend._lock:
                backend.operations.append(f"GET {self.path}")
            self._send(404, {"error": f"no such endpoint {self.path}"})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            del format, args  # quiet: tests read self.operations instead

    return Handler
