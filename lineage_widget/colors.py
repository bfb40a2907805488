"""Colour by what matters: a node's colour from a value in its details, with its legend.

``w.color_by = "lr"`` looks ``lr`` up in each node's details, nested dicts included (a run's
config or summary, an artifact's metadata); a function ``node -> number | str | None`` works too.
Numbers go on a continuous, colour-blind-safe scale (viridis); strings are categories
(Okabe-Ito's palette); ``None`` or a missing key stays neutral.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .graph import LineageNode

ColorBy = str | Callable[[LineageNode], Any]

# viridis at nine even stops (matplotlib's published values): readable with every common
# colour-vision deficiency and in greyscale, light enough at the top for dark text on cards.
_VIRIDIS = (
    (0x44, 0x01, 0x54),
    (0x47, 0x2D, 0x7B),
    (0x3B, 0x52, 0x8B),
    (0x2C, 0x72, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80),
    (0x5E, 0xC9, 0x62),
    (0xAD, 0xDC, 0x30),
    (0xFD, 0xE7, 0x25),
)
# Okabe & Ito's eight colours for categories, black last (it reads as "no colour" on dark themes).
_CATEGORIES = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
)
_MISSING = object()
LOG_SPAN = 100.0
"""Positive numbers whose largest is at least this many times the smallest go on a log scale."""


@dataclass(frozen=True)
class Coloring:
    """Each coloured node's colour and value, and the legend that explains them."""

    colors: dict[str, str] = field(default_factory=dict)
    """Node id -> CSS colour (``#rrggbb``); nodes without a value are left out (neutral)."""
    values: dict[str, float | str] = field(default_factory=dict)
    """Node id -> the value it was coloured by."""
    legend: dict[str, Any] = field(default_factory=dict)
    """``{"key", "kind": "continuous", "scale": "linear" | "log", "min", "max", "stops"}`` or
    ``{"key", "kind": "categorical", "categories": [[label, colour], ...]}``; empty: nothing
    had a value."""

    def range_of(self, node_ids: Iterable[str]) -> dict[str, Any] | None:
        """What a group of nodes (a cluster's members) spans: ``{"min", "max"}`` for numbers,
        ``{"categories": [...]}`` for strings; None when none of them has a value."""
        found = [self.values[n] for n in node_ids if n in self.values]
        if not found:
            return None
        numbers = [v for v in found if isinstance(v, float)]
        if numbers:
            return {"min": min(numbers), "max": max(numbers)}
        return {"categories": sorted({str(v) for v in found})}


def lookup(details: Mapping[str, Any], key: str) -> Any:
    """``key`` in ``details`` or in any dict nested in it (breadth first: the shallowest wins);
    a dotted key (``"optimizer.lr"``) is also tried as a path from each of them (so it finds
    ``{"Config": {"optimizer": {"lr": ...}}}``). A missing key gives None."""
    level: list[Mapping[str, Any]] = [details]
    while level:
        for mapping in level:
            if key in mapping:
                return mapping[key]
            value = _path(mapping, key) if "." in key else _MISSING
            if value is not _MISSING:
                return value
        level = [v for mapping in level for v in mapping.values() if isinstance(v, Mapping)]
    return None


def _path(mapping: Mapping[str, Any], key: str) -> Any:
    value: Any = mapping
    for part in key.split("."):
        value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
    return value


def describe_color_by(color_by: ColorBy) -> str:
    """The legend's title: the key, or the function's name."""
    if isinstance(color_by, str):
        return color_by
    return str(getattr(color_by, "__name__", None) or type(color_by).__name__)


def color_nodes(nodes: Iterable[LineageNode], color_by: ColorBy) -> Coloring:
    """Colour ``nodes`` by ``color_by`` (a details key or a function of the node).

    A function that raises for a node names the node and the function in the error.
    """
    raw: dict[str, Any] = {}
    for node in nodes:
        if isinstance(color_by, str):
            value = lookup(node.details, color_by)
        else:
            try:
                value = color_by(node)
            except Exception as exc:
                raise ValueError(
                    f"color_by function {describe_color_by(color_by)!r} failed on node "
                    f"{node.id!r}: {type(exc).__name__}: {exc}"
                ) from exc
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            raw[node.id] = value
    key = describe_color_by(color_by)
    if not raw:
        return Coloring(legend={})
    if all(_is_number(v) for v in raw.values()):
        numbers = {node_id: float(v) for node_id, v in raw.items()}
        low, high = min(numbers.values()), max(numbers.values())
        # Values spanning orders of magnitude (a sweep's learning rates) on a log scale: on a
        # linear one all but the largest would share its dark end.
        log = low > 0 and high / low >= LOG_SPAN
        scaled = {n: math.log10(v) for n, v in numbers.items()} if log else numbers
        ends = (math.log10(low), math.log10(high)) if log else (low, high)
        colors = {node_id: _viridis(_position(v, *ends)) for node_id, v in scaled.items()}
        legend: dict[str, Any] = {
            "key": key,
            "kind": "continuous",
            "scale": "log" if log else "linear",
            "min": low,
            "max": high,
            "stops": [_hex(rgb) for rgb in _VIRIDIS],
        }
        return Coloring(colors, dict(numbers), legend)
    labels = {node_id: str(v) for node_id, v in raw.items()}
    order = sorted(set(labels.values()))
    palette = {label: _CATEGORIES[i % len(_CATEGORIES)] for i, label in enumerate(order)}
    legend = {
        "key": key,
        "kind": "categorical",
        "categories": [[label, palette[label]] for label in order],
    }
    colors = {node_id: palette[label] for node_id, label in labels.items()}
    return Coloring(colors, dict(labels), legend)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _position(value: float, low: float, high: float) -> float:
    return 0.5 if high == low else (value - low) / (high - low)


_VIRIDIS_STEPS = 2048  # (eight times 256: finer than the 8-bit colours between two stops)


def _viridis(t: float) -> str:
    """The colour at ``t`` in [0, 1] (clamped), to 1/2048: one string per step, made once."""
    return _viridis_step(round(min(max(t, 0.0), 1.0) * _VIRIDIS_STEPS))


@functools.cache
def _viridis_step(step: int) -> str:
    scaled = step / _VIRIDIS_STEPS * (len(_VIRIDIS) - 1)
    index = min(int(scaled), len(_VIRIDIS) - 2)
    frac = scaled - index
    lo, hi = _VIRIDIS[index], _VIRIDIS[index + 1]
    return _hex(tuple(round(a + (b - a) * frac) for a, b in zip(lo, hi, strict=True)))


def _hex(rgb: tuple[int, ...]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)
