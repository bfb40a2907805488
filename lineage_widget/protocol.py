"""The messages between the kernel and the page, defined once for Python.

js/src/protocol.ts declares the same shapes for the front end (with the meaning of each field);
tests/test_protocol.py holds the two to the same names, fields and optional fields. The
kernel's bodies (``_payload.py``) and the front-end tests' messages (``tests/ui``) are built as
these types, and :func:`check` refuses a message whose keys are not its type's.

(Optional fields are declared in a ``total=False`` subclass: Python 3.10 has no NotRequired.)
"""

from typing import Any, Literal, TypedDict, Union, get_args

NodeKind = Literal["run", "artifact"]
Direction = Literal["upstream", "downstream"]
FetchState = Literal["loading", "error"]
WalkState = Literal["loading", "error", "idle"]
ExportFormat = Literal["svg", "png"]

# ---- columns and parts --------------------------------------------------------------------


class _NodeColumns(TypedDict):
    id: list[str]
    kind: list[NodeKind]
    type: list[str]
    label: list[str]
    level: list[int]
    order: list[float]
    more_up: list[int]
    more_down: list[int]
    pulled_out: list[bool]


class NodeColumns(_NodeColumns, total=False):
    inaccessible: list[str | None]  # why the source could not read a node; only when one is
    run_state: list[str | None]  # a run's state worth showing (running, failed, ...); ditto


class ClusterColumns(TypedDict):
    id: list[str]
    kind: list[NodeKind]
    type: list[str]
    level: list[int]
    order: list[float]
    count: list[int]
    version: list[int]
    more: list[int]
    more_from: list[str | None]
    more_direction: list[Direction | None]


class EdgeColumns(TypedDict):
    source: list[str]
    target: list[str]
    count: list[int]
    back: list[bool]


class EdgeIds(TypedDict):
    source: list[str]
    target: list[str]


class _FetchStatus(TypedDict):
    id: str
    direction: Direction
    state: FetchState


class FetchStatus(_FetchStatus, total=False):
    error: str | None


# ---- kernel -> page -------------------------------------------------------------------------


class _SnapshotMsg(TypedDict):
    type: Literal["snapshot"]
    root: str | None
    nodes: NodeColumns
    clusters: ClusterColumns
    edges: EdgeColumns
    status: list[FetchStatus]


class SnapshotMsg(_SnapshotMsg, total=False):
    restored: bool


class DeltaMsg(TypedDict):
    type: Literal["delta"]
    nodes: NodeColumns
    clusters: ClusterColumns
    edges: EdgeColumns
    removed: list[str]
    removed_edges: EdgeIds


class _StatusMsg(TypedDict):
    type: Literal["status"]
    id: str
    direction: Direction
    state: WalkState


class StatusMsg(_StatusMsg, total=False):
    error: str


class DiffDetails(TypedDict):
    """What differs between a node and the one it pairs with in the lineage diff shown."""

    side: Literal["a", "b"]
    other: str
    other_label: str
    rows: list[list[str]]  # [key, value on a, value on b]


class Coloring(TypedDict):
    """The ``_coloring`` trait (marks.coloring_state): what ``color_by`` paints."""

    legend: dict[str, Any]  # {"key", "kind", ...}: see colors.Coloring.legend
    nodes: dict[str, str]  # drawn node id -> colour
    values: dict[str, float | str]  # drawn node id -> the value it was coloured by
    clusters: dict[str, dict[str, Any]]  # cluster id -> its members' range, with colours


class DiffMarks(TypedDict):
    """The ``_diff`` trait (marks.diff_state): the lineage diff ``compare()`` shows."""

    a: str
    b: str
    labels: dict[str, str]  # {"a": label, "b": label}
    nodes: dict[str, Literal["a", "b", "both"]]
    clusters: dict[str, str]  # a side, or "mixed"
    changed: dict[str, str]  # node id -> the id it pairs with


class _DetailsMsg(TypedDict):
    type: Literal["details"]
    request_id: int
    id: str
    fields: list[list[str]]
    truncated: list[str]
    inputs: int
    outputs: int


class DetailsMsg(_DetailsMsg, total=False):
    diff: DiffDetails  # only for a node of a changed pair of the diff shown (compare())


class MembersMsg(TypedDict):
    type: Literal["members"]
    request_id: int
    cluster: str
    id: list[str]
    label: list[str]
    version: list[str | None]
    aliases: list[list[str]]


class OpenClusterMsg(TypedDict):
    type: Literal["open_cluster"]
    cluster: str
    member: str


class FocusMsg(TypedDict):
    type: Literal["focus"]
    id: str


class _ErrorMsg(TypedDict):
    type: Literal["error"]
    request: str
    id: str | None
    error: str


class ErrorMsg(_ErrorMsg, total=False):
    direction: Direction
    request_id: int


class ExportMsg(TypedDict):
    type: Literal["export"]
    request: str
    format: ExportFormat


class ReadyMsg(TypedDict):
    """The answer to a hello from a page that drew the widget's first snapshot (the ``_first``
    trait, in the comm's opening state): it is still the view."""

    type: Literal["ready"]


KernelMsg = Union[  # noqa: UP007 - listed in order, read by message_types()
    ErrorMsg,
    SnapshotMsg,
    DeltaMsg,
    StatusMsg,
    DetailsMsg,
    MembersMsg,
    OpenClusterMsg,
    FocusMsg,
    ExportMsg,
    ReadyMsg,
]

# ---- page -> kernel -------------------------------------------------------------------------


class _HelloRequest(TypedDict):
    type: Literal["hello"]


class HelloRequest(_HelloRequest, total=False):
    drawn: bool  # the page drew the ``_first`` trait's snapshot: a ReadyMsg will do


class ExpandRequest(TypedDict):
    type: Literal["expand"]
    id: str
    direction: Direction


class _DetailsRequest(TypedDict):
    type: Literal["details"]
    request_id: int
    id: str


class DetailsRequest(_DetailsRequest, total=False):
    full: bool


class MembersRequest(TypedDict):
    type: Literal["members"]
    request_id: int
    cluster: str


class ExpandClusterRequest(TypedDict):
    type: Literal["expand_cluster"]
    cluster: str
    direction: Direction


class PullOutRequest(TypedDict):
    type: Literal["pull_out"]
    id: str


class PutBackRequest(TypedDict):
    type: Literal["put_back"]
    id: str


class _ExportReply(TypedDict):
    type: Literal["export_result"]
    request: str
    format: ExportFormat


class ExportReply(_ExportReply, total=False):
    svg: str
    error: str


class RestoreRequest(TypedDict):
    type: Literal["restore"]
    state: dict[str, Any]


FrontendMsg = Union[  # noqa: UP007 - listed in order, read by message_types()
    HelloRequest,
    RestoreRequest,
    ExpandRequest,
    DetailsRequest,
    MembersRequest,
    ExpandClusterRequest,
    PullOutRequest,
    PutBackRequest,
    ExportReply,
]

# ---- the synced traits ----------------------------------------------------------------------


class NodeTypes(TypedDict):
    artifact: list[str]
    run: list[str]


class Viewport(TypedDict):
    cx: float
    cy: float
    k: float


# ---- checking -------------------------------------------------------------------------------


def message_types(union: Any) -> dict[str, type]:
    """The message types of ``union`` (:data:`KernelMsg` or :data:`FrontendMsg`) by their
    ``type`` value."""
    found = {}
    for shape in get_args(union):
        (tag,) = get_args(shape.__annotations__["type"])
        found[tag] = shape
    return found


def check(msg: dict[str, Any], union: Any = KernelMsg) -> dict[str, Any]:
    """``msg`` itself if its keys are those of its type (every required key, no other);
    ValueError naming what differs. Nested columns are checked too."""
    shapes = message_types(union)
    shape = shapes.get(msg.get("type"))  # type: ignore[arg-type]
    if shape is None:
        raise ValueError(f"unknown message type {msg.get('type')!r}; known: {sorted(shapes)}")
    _check_keys(shape, msg, str(msg["type"]))
    for key, part in (("nodes", NodeColumns), ("clusters", ClusterColumns),
                      ("edges", EdgeColumns), ("removed_edges", EdgeIds)):  # fmt: skip
        if key in msg:
            _check_keys(part, msg[key], f"{msg['type']}.{key}")
    return msg


def _check_keys(shape: Any, value: dict[str, Any], where: str) -> None:
    required: frozenset[str] = shape.__required_keys__
    allowed = required | shape.__optional_keys__
    missing = sorted(required - value.keys())
    unknown = sorted(value.keys() - allowed)
    if missing or unknown:
        raise ValueError(f"{where}: missing {missing}, unknown {unknown}")


def empty_columns(shape: Any) -> dict[str, list[Any]]:
    """A columns type (:class:`NodeColumns`, ...) with no rows: each required field an empty
    list (optional columns are added by whoever has them)."""
    return {key: [] for key in shape.__required_keys__}
