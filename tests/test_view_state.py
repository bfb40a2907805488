"""w.view_state: the view as plain data, and a new widget started from it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import wide_sweep

from lineage_widget import GraphSource, LineageGraph, LineageWidget


class PagedSource(GraphSource):
    """The in-memory walks, two neighbours a page (as W&B hands out runs' artifacts)."""

    page_size = 2


def drawn(w: LineageWidget) -> dict[str, tuple[int, float]]:
    """Every known node's column and order: what the view draws where."""
    explorer = w._explorer
    return {n: (explorer.levels[n], explorer.orders[n]) for n in w.graph}


def explored(g: LineageGraph) -> LineageWidget:
    """A widget walked by hand: pages, a reveal, a pull-out, selection, highlight, viewport."""
    w = LineageWidget(g, root="processed:v0", source=PagedSource(g), cluster_threshold=3)
    w.expand("processed:v0", "downstream")  # the second page of its runs
    w.expand("processed:v0", "downstream")  # the third
    w.expand("train-4", "downstream")
    w.focus("report")  # not shown yet: revealed with its path
    w.pull_out("train-2")
    w.select("model:v4")
    w.highlight(["train-4", "model:v4"])
    w.viewport = {"cx": 420.5, "cy": -80.0, "k": 0.75}
    return w


def test_a_view_state_gives_the_same_view_back() -> None:
    g = wide_sweep(6)
    w = explored(g)
    state = json.loads(json.dumps(w.view_state))  # plain JSON types only
    assert state["steps"] == [
        {"expand": "processed:v0", "direction": "downstream"},
        {"expand": "processed:v0", "direction": "downstream"},
        {"expand": "train-4", "direction": "downstream"},
        {"focus": "report"},
    ]
    again = LineageWidget(g, root="processed:v0", source=PagedSource(g), view_state=state)
    assert drawn(again) == drawn(w)
    assert again.view_state == w.view_state
    assert again.clusters == w.clusters
    assert again.cluster_of("train-2") is None  # still pulled out
    assert again.selected == ["model:v4"]
    assert again.highlighted == ["train-4", "model:v4"]
    assert again.viewport == {"cx": 420.5, "cy": -80.0, "k": 0.75}
    assert again.cluster_threshold == 3


def test_keyword_arguments_win_over_the_state() -> None:
    g = wide_sweep(6)
    state = explored(g).view_state
    again = LineageWidget(
        g, root="processed:v0", source=PagedSource(g), view_state=state, selected=["train-4"]
    )
    assert again.selected == ["train-4"]
    assert again.highlighted == ["train-4", "model:v4"]


def test_what_the_source_lost_is_left_out_with_a_warning() -> None:
    g = wide_sweep(6)
    state = explored(g).view_state
    smaller = wide_sweep(3)  # train-4, model:v4 and their kin are gone
    with pytest.warns(RuntimeWarning) as caught:
        again = LineageWidget(
            smaller, root="processed:v0", source=PagedSource(smaller), view_state=state
        )
    message = str(caught[0].message)
    assert "'train-4'" in message
    assert "'model:v4'" in message
    assert again.selected == []
    assert again.highlighted == []
    assert "report" in again.graph  # the steps that still make sense were taken
    assert set(again.graph) <= set(smaller)


@pytest.mark.parametrize(
    ("state", "named"),
    [
        (["steps"], "must be a dict"),
        ({"steps": [], "zoom": 2}, "'zoom'"),
        ({"version": 2}, "version 2"),
        ({"steps": {"expand": "x"}}, "must be a list"),
        ({"steps": [{"expand": "x", "direction": "sideways"}]}, "'sideways'"),
        ({"steps": [{"focus": 3}]}, "{'focus': 3}"),
        ({"selected": "model:v0"}, "view_state['selected']"),
    ],
)
def test_a_bad_view_state_is_refused_by_name(state: Any, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace("{", r"\{")):
        LineageWidget(wide_sweep(2), view_state=state)


def test_a_whole_graph_keeps_pull_outs_and_selection() -> None:
    g = wide_sweep(8)
    w = LineageWidget(g)
    w.pull_out("model:v5")
    w.select("eval-1")
    state = w.view_state
    assert state["steps"] == []
    again = LineageWidget(g, view_state=state)
    assert again.cluster_of("model:v5") is None
    assert again.cluster_of("model:v4") is not None
    assert again.selected == ["eval-1"]


def drawn_view(w: LineageWidget) -> tuple[list[str], dict[str, list[str]]]:
    return sorted(w._view.clustering.drawn_nodes()), w.clusters


def test_filters_and_the_direct_lineage_the_user_grew_come_back() -> None:
    """Side branches the user expanded stay in the direct lineage of the restored widget; the
    filters come back with the state."""
    g = wide_sweep(6)
    w = LineageWidget(g, root="model:v2")
    w.expand("train-2", "upstream")
    w.expand("processed:v0", "downstream")  # the other training runs: a side branch
    w.job_types = ["train", "preprocess"]
    w.hide_runs = False
    before = drawn_view(w)
    assert "cluster:run:train@-1" in before[1] or "train-4" in before[0]
    state = json.loads(json.dumps(w.view_state))
    assert state["job_types"] == ["train", "preprocess"]
    assert state["lineage"] == "direct"
    again = LineageWidget(g, root="model:v2", view_state=state)
    assert again.job_types == ["train", "preprocess"]
    assert drawn_view(again) == before
    again.lineage = "extended"
    w.lineage = "extended"
    assert drawn_view(again) == drawn_view(w)
