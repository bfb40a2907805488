"""Lineage diffs (LineageGraph.diff): what differs between where two nodes came from."""

from __future__ import annotations

import pytest
from support import two_trainings


def ids(nodes: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(node.id for node in nodes)


def test_diff_splits_the_two_upstream_lineages() -> None:
    d = two_trainings().diff("model:v3", "model:v7")
    assert ids(d.shared) == ["raw:v0", "test:v0"]
    assert ids(d.only_a) == ["model:v3", "prep-1", "processed:v1", "train-a"]
    assert ids(d.only_b) == ["model:v7", "prep-2", "processed:v2", "train-b"]
    assert d.side("train-a") == "a"
    assert d.side("raw:v0") == "both"
    assert d.side("nowhere") is None


def test_diff_pairs_versions_and_runs_whose_config_differs() -> None:
    d = two_trainings().diff("model:v3", "model:v7")
    changed = {(c.a.id, c.b.id): c.keys for c in d.changed}
    assert changed == {
        ("model:v3", "model:v7"): ("version",),
        ("processed:v1", "processed:v2"): ("version",),
        ("train-a", "train-b"): ("lr", "opt.beta"),  # nested dicts: dotted keys, same ones left out
    }
    # prep-1 and prep-2 stand in for each other but their config is the same: not "changed".


def test_diff_of_a_node_with_itself_is_all_shared() -> None:
    d = two_trainings().diff("model:v3", "model:v3")
    assert d.only_a == d.only_b == d.changed == []
    assert ids(d.shared) == ["model:v3", "prep-1", "processed:v1", "raw:v0", "test:v0", "train-a"]


def test_diff_names_an_unknown_node() -> None:
    with pytest.raises(KeyError, match="'model:v9'"):
        two_trainings().diff("model:v3", "model:v9")
