"""The message shapes are defined once for each side: lineage_widget/protocol.py and
js/src/protocol.ts must agree, name for name and field for field, and the kernel sends them."""

from __future__ import annotations

import pathlib
import re
from typing import Any, get_args

import pytest
from support import wide_sweep
from widget_support import Recorder

from lineage_widget import LineageWidget, protocol
from lineage_widget.filters import FILTER_KEYS

PROTOCOL_TS = pathlib.Path(__file__).parents[1] / "js" / "src" / "protocol.ts"


def typescript_interfaces(text: str) -> dict[str, dict[str, tuple[bool, str]]]:
    """``export interface`` name -> field -> (optional, TypeScript type), comments dropped."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"//[^\n]*", "", text)
    found = {}
    for name, body in re.findall(r"export interface (\w+) \{(.*?)\n\}", text, flags=re.DOTALL):
        fields = re.findall(r"^\s*(\w+)(\??):\s*([^;]+);", body, flags=re.MULTILINE)
        found[name] = {field: (optional == "?", kind.strip()) for field, optional, kind in fields}
    return found


def typescript_union(text: str, name: str) -> list[str]:
    match = re.search(rf"export type {name} =([^;]+);", text)
    assert match, f"{name} not found in protocol.ts"
    return [part.strip() for part in match.group(1).split("|") if part.strip()]


TS = PROTOCOL_TS.read_text()
INTERFACES = typescript_interfaces(TS)
SHAPES = {
    name: value
    for name, value in vars(protocol).items()
    if isinstance(value, type) and hasattr(value, "__required_keys__") and name[0] != "_"
}

MESSAGES = [*get_args(protocol.KernelMsg), *get_args(protocol.FrontendMsg)]


def test_the_parser_reads_protocol_ts() -> None:
    assert len(INTERFACES) > 20
    assert INTERFACES["SnapshotMsg"]["restored"] == (True, "boolean")
    assert INTERFACES["StatusMsg"]["state"] == (False, 'FetchState | "idle"')


def test_every_message_shape_is_declared_on_both_sides() -> None:
    typescript = set(INTERFACES) - {"ModelTraits"}  # (the traits: see the test below)
    assert set(SHAPES) == typescript


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_has_the_same_fields_on_both_sides(name: str) -> None:
    shape = SHAPES[name]
    fields = INTERFACES[name]
    assert set(shape.__required_keys__) == {
        f for f, (optional, _) in fields.items() if not optional
    }
    assert set(shape.__optional_keys__) == {f for f, (optional, _) in fields.items() if optional}
    if shape in MESSAGES:  # the tag the dispatchers switch on
        (tag,) = get_args(shape.__annotations__["type"])
        assert fields["type"][1] == f'"{tag}"'


@pytest.mark.parametrize(
    ("union", "name"), [(protocol.KernelMsg, "KernelMsg"), (protocol.FrontendMsg, "FrontendMsg")]
)
def test_the_message_unions_list_the_same_messages(union: Any, name: str) -> None:
    assert [shape.__name__ for shape in get_args(union)] == typescript_union(TS, name)


def test_model_traits_are_the_widgets_synced_traits() -> None:
    """protocol.ts's ModelTraits: the traits LineageWidget syncs (ipywidgets' own aside)."""
    own = {
        name
        for name, trait in LineageWidget.class_own_traits().items()
        if trait.metadata.get("sync")
    }
    assert own == set(INTERFACES["ModelTraits"])


def test_what_the_kernel_sends_has_the_declared_shape() -> None:
    w = LineageWidget(wide_sweep(6), root="train-2", cluster_threshold=2)
    recorder = Recorder(w)
    replies = recorder.browser_says(type="hello", drawn=True)
    replies += recorder.browser_says(type="hello")
    replies += recorder.browser_says(type="expand", id="processed:v0", direction="downstream")
    cluster = next(iter(w.clusters))
    replies += recorder.browser_says(type="members", cluster=cluster, request_id=1)
    replies += recorder.browser_says(type="details", id="train-2", request_id=2)
    replies += recorder.browser_says(type="details", id="ghost", request_id=3)
    kinds = {m["type"] for m in replies}
    assert {"ready", "snapshot", "status", "delta", "members", "details", "error"} <= kinds
    for message in replies:
        protocol.check(message)
    # Answers carry their request's id back (the page matches them by it, not by order).
    answers = [m for m in replies if m["type"] in ("members", "details", "error")]
    assert [(m["type"], m.get("request_id")) for m in answers] == [
        ("members", 1),
        ("details", 2),
        ("error", 3),
    ]


def test_check_names_what_is_missing_or_unknown() -> None:
    with pytest.raises(ValueError, match=r"snapshot.clusters: missing \['version'\]"):
        protocol.check(
            {
                "type": "snapshot",
                "root": None,
                "nodes": {key: [] for key in protocol.NodeColumns.__required_keys__},
                "clusters": {
                    key: [] for key in protocol.ClusterColumns.__required_keys__ - {"version"}
                },
                "edges": {"source": [], "target": [], "count": [], "back": []},
                "status": [],
            }
        )
    with pytest.raises(ValueError, match=r"unknown \['zoom'\]"):
        protocol.check({"type": "focus", "id": "a", "zoom": 2})


def test_the_filter_control_listens_to_the_filter_traits() -> None:
    """js/src/filters.ts redraws on the filter traits: the kernel's FILTER_KEYS."""
    filters_ts = (PROTOCOL_TS.parent / "filters.ts").read_text()
    match = re.search(r"const TRAITS = \[([^\]]*)\]", filters_ts)
    assert match
    listened = re.findall(r'"(\w+)"', match.group(1))
    assert listened == [*FILTER_KEYS, "_node_types"]
