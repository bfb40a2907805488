"""The view as plain data: what ``LineageWidget.view_state`` gives and ``view_state=`` takes.

A dict of JSON types only, so it can be kept anywhere (a file, a cell's output, a database)::

    {
        "version": 1,
        "steps": [{"expand": "model:v3", "direction": "upstream"}, {"focus": "raw:v0"}],
        "pulled_out": ["train-7"],
        "selected": ["model:v3"],
        "highlighted": [],
        "cluster_threshold": 5,
        "viewport": {"cx": 420.0, "cy": 180.0, "k": 0.8},
        "artifact_types": None,
        "job_types": ["train", "eval"],
        "hide_runs": False,
        "lineage": "direct",
    }

``steps`` are the walks (one per page that landed) and reveals made after the widget started,
in order: a new widget started the same way takes them again, asking its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VERSION = 1
# What a trait holds (checked by the trait itself when the new widget sets it).
TRAIT_KEYS = (
    "selected",
    "highlighted",
    "cluster_threshold",
    "viewport",
    "artifact_types",
    "job_types",
    "hide_runs",
    "lineage",
)
KEYS = ("version", "steps", "pulled_out", *TRAIT_KEYS)
FILTER_KEYS = ("artifact_types", "job_types", "hide_runs", "lineage")
# Lists of node ids: those the graph does not hold (the source lost them) are left out.
ID_KEYS = ("pulled_out", "selected", "highlighted")


def check_view_state(value: Any) -> dict[str, Any]:
    """``value`` as a view state, every key present; ValueError naming what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError(f"view_state must be a dict (from w.view_state), got {value!r:.200}")
    unknown = [key for key in value if key not in KEYS]
    if unknown:
        raise ValueError(f"view_state has unknown key(s) {unknown!r}; known: {list(KEYS)!r}")
    version = value.get("version", VERSION)
    if version != VERSION:
        raise ValueError(f"view_state version {version!r} is not supported (this is {VERSION})")
    steps = value.get("steps", [])
    if not isinstance(steps, list):
        raise ValueError(f"view_state['steps'] must be a list, got {steps!r:.200}")
    for step in steps:
        if not _is_step(step):
            raise ValueError(
                "each view_state step must be {'expand': id, 'direction': 'upstream' | "
                f"'downstream'}} or {{'focus': id}}, got {step!r:.200}"
            )
    for key in ID_KEYS:
        ids = value.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"view_state[{key!r}] must be a list of node ids, got {ids!r:.200}")
    return {
        "version": VERSION,
        "steps": [dict(step) for step in steps],
        "pulled_out": list(value.get("pulled_out", [])),
        "selected": list(value.get("selected", [])),
        "highlighted": list(value.get("highlighted", [])),
        **{key: value[key] for key in TRAIT_KEYS[2:] if key in value},
    }


def _is_step(step: Any) -> bool:
    if not isinstance(step, Mapping):
        return False
    if set(step) == {"focus"}:
        return isinstance(step["focus"], str)
    return (
        set(step) == {"expand", "direction"}
        and isinstance(step["expand"], str)
        and step["direction"] in ("upstream", "downstream")
    )
