"""The layout of a graph shown whole: its columns, and the lazy dicts of levels and places."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from support import wide_sweep

from lineage_widget.layering import SMALL_COLUMN, ColumnLevels

CROWDED = SMALL_COLUMN + 1  # a sweep of this size has four crowded columns


def eager_levels(layers: list[list[str]]) -> dict[str, int]:
    return {node: level for level, layer in enumerate(layers) for node in layer}


def test_column_levels_enter_small_columns_at_once() -> None:
    g = wide_sweep(CROWDED)
    levels, _ = g.columns()
    assert levels["processed:v0"] == 2
    assert levels["report"] == 7
    assert dict.__len__(levels) == 4  # (the crowded columns' nodes not entered yet)
    assert levels["model:v3"] == 4
    assert dict.__len__(levels) == len(g)
    assert list(levels.items()) == list(eager_levels(g.generations()).items())  # same order


@pytest.mark.parametrize(
    "read",
    [
        lambda levels: levels["model:v0"],
        lambda levels: "model:v0" in levels,
        lambda levels: levels.get("model:v0"),
        len,
        dict,
        list,
        lambda levels: levels.copy(),
        lambda levels: levels == eager_levels(wide_sweep(CROWDED).generations()),
        lambda levels: list(reversed(levels)),
        lambda levels: levels.popitem(),
        lambda levels: pickle.loads(pickle.dumps(levels)),
        lambda levels: levels.pop("model:v0"),
        lambda levels: levels.setdefault("model:v0", 0),
    ],
)
def test_column_levels_read_any_way_are_the_layers(read: Callable[[ColumnLevels], Any]) -> None:
    """Each way of reading gives what it gives on the levels made eagerly, and leaves the
    same levels behind."""
    g = wide_sweep(CROWDED)
    expected = eager_levels(g.generations())
    levels, _ = g.columns()
    assert read(levels) == read(expected)  # type: ignore[arg-type]
    assert dict(levels) == expected
    assert levels["eval-7"] == 5


def test_a_level_set_before_the_rest_is_entered_stays() -> None:
    g = wide_sweep(CROWDED)
    levels, _ = g.columns()
    levels["model:v0"] = 40
    levels["late"] = 9
    assert levels["model:v0"] == 40
    assert levels["model:v1"] == 4
    assert levels.get("late") == 9
    assert levels.get("nowhere") is None
    assert "nowhere" not in levels
    with pytest.raises(KeyError):
        levels["nowhere"]
    assert len(levels) == len(g) + 1


def test_column_places_are_worked_out_when_read() -> None:
    """A whole sweep laid out: a node alone in its column is at 0 without working out the
    rest; reading any other (or the whole) works out every place, the same as from scratch."""
    g = wide_sweep(6)
    levels, orders = g.columns()
    assert levels["processed:v0"] == 2
    assert levels["train-0"] == 3
    assert orders["report"] == 0.0
    assert dict.__len__(orders) == 1  # (nothing else worked out yet)
    assert orders.whole_column(3, 6)
    assert not orders.whole_column(3, 5)
    assert orders["train-1"] == 1.0
    everything = dict(orders)
    assert len(everything) == len(g)
    assert sorted(n for n in everything if levels[n] == 3) == sorted(f"train-{i}" for i in range(6))
    assert [everything[f"model:v{i}"] for i in range(6)] == [
        everything[f"train-{i}"] for i in range(6)
    ]
    assert orders == g.columns()[1]  # equal once worked out, either side


def test_every_node_laid_out_is_in_the_places_before_they_are_worked_out() -> None:
    g = wide_sweep(6)
    _, orders = g.columns()
    assert "train-3" in orders
    assert "nowhere" not in orders
    assert dict.__len__(orders) == 0  # (asking did not work them out)
