"""The view saved with the notebook, taken back by the widget a re-run of the cell makes: its key,
the state kept current for the notebook, and the page's ``restore`` offer."""

from __future__ import annotations

import json
import math
import re
import time
from typing import Any

import pytest
from conftest import sweep, wide_sweep
from test_view_state import PagedSource, drawn, explored
from test_widget import GatedSource, Recorder

from lineage_widget import LineageGraph, LineageWidget, persistence
from lineage_widget.persistence import MAX_RESTORE_STEPS

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(autouse=True)
def quick_view_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """The saved state follows the view after a short pause here (2 s in use)."""
    monkeypatch.setattr(persistence, "VIEW_STATE_DELAY", 0.05)


class FakeKernel:
    """What ipykernel gives ``get_parent()`` while a cell runs: the execute request."""

    def __init__(self) -> None:
        self.parent: dict[str, Any] = {}

    def run(self, cell_id: str | None, request: str) -> None:
        metadata = {} if cell_id is None else {"cellId": cell_id}
        self.parent = {"header": {"msg_id": request}, "metadata": metadata}

    def get_parent(self) -> dict[str, Any]:
        return self.parent


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> FakeKernel:
    fake = FakeKernel()

    class Shell:
        kernel = fake

    monkeypatch.setattr(persistence, "get_ipython", Shell)
    monkeypatch.setattr(persistence, "_runs", {})
    return fake


def cell_key(cell_id: str, index: int, root: str | None) -> str:
    return json.dumps(["cell", cell_id, index, root])


def test_the_key_is_the_cell_the_place_in_its_run_and_the_root(
    kernel: FakeKernel, pipeline: LineageGraph
) -> None:
    kernel.run("cell-a", "run-1")
    first = LineageWidget(pipeline, root="train-0")
    second = LineageWidget(pipeline, root="train-0")
    whole = LineageWidget(pipeline)
    assert first._key == cell_key("cell-a", 0, "train-0")
    assert second._key == cell_key("cell-a", 1, "train-0")
    assert whole._key == cell_key("cell-a", 2, None)
    # In the state the comm opens with: the page reads it as the model starts.
    assert first.get_state()["_key"] == first._key

    kernel.run("cell-b", "run-2")  # another cell counts on its own
    assert LineageWidget(pipeline, root="train-0")._key == cell_key("cell-b", 0, "train-0")
    kernel.run("cell-a", "run-3")  # the cell re-run: the same keys again
    assert LineageWidget(pipeline, root="train-0")._key == first._key
    assert LineageWidget(pipeline, root="model:v1")._key == cell_key("cell-a", 1, "model:v1")
    assert LineageWidget(pipeline, root="train-0", key="main view")._key == "main view"


def test_no_cell_id_no_key(kernel: FakeKernel, pipeline: LineageGraph) -> None:
    kernel.run(None, "run-1")  # a front end that sends no cell ids
    assert LineageWidget(pipeline)._key == ""
    kernel.parent = {}  # no request at all (a thread the user started)
    assert LineageWidget(pipeline)._key == ""


def test_outside_a_kernel_no_key(pipeline: LineageGraph) -> None:
    assert LineageWidget(pipeline)._key == ""
    assert LineageWidget(pipeline, key="mine")._key == "mine"


@pytest.mark.parametrize("key", ["", 3, ["a"]])
def test_a_bad_key_is_refused_by_name(pipeline: LineageGraph, key: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(f"key must be a non-empty string, got {key!r}")):
        LineageWidget(pipeline, key=key)


def settled(w: LineageWidget) -> dict[str, Any]:
    """``w._view_state`` once the pause it waits for has passed."""
    deadline = time.monotonic() + 5
    while w._view_state != w.view_state and time.monotonic() < deadline:
        time.sleep(0.02)
    return w._view_state


def test_the_synced_view_state_follows_every_change_once_they_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(persistence, "VIEW_STATE_DELAY", 1.0)
    g = wide_sweep(6)
    w = LineageWidget(g, root="processed:v0", source=PagedSource(g), cluster_threshold=3)
    assert w._view_state == w.view_state  # at once while the widget is made
    assert w._created > 0
    recorder = Recorder(w)
    recorder.browser_says(type="expand", id="processed:v0", direction="downstream")
    assert w._view_state["steps"] == []  # a burst of clicks is sent once, after it
    assert settled(w)["steps"] == [{"expand": "processed:v0", "direction": "downstream"}]
    recorder.browser_says(type="pull_out", id="train-1")
    assert settled(w)["pulled_out"] == ["train-1"]
    w.select("train-1")
    w.highlight(["train-0"])
    w.viewport = {"cx": 1.0, "cy": 2.0, "k": 0.5}
    w.cluster_threshold = 4
    w.focus("report")
    state = settled(w)
    assert state == w.view_state
    assert state["selected"] == ["train-1"]
    assert state["viewport"] == {"cx": 1.0, "cy": 2.0, "k": 0.5}
    assert state["steps"][-1] == {"focus": "report"}
    w.select("train-0")
    w.close()  # a pending update is dropped with the widget
    time.sleep(0.5)
    assert w._view_state["selected"] == ["train-1"]


def restore(w: LineageWidget, state: Any) -> list[dict[str, Any]]:
    """The page offers ``state``; what the kernel sent back once its replay finished."""
    return Recorder(w).browser_says(type="restore", state=state)


def test_a_restore_offer_brings_the_saved_view_back() -> None:
    g = wide_sweep(6)
    saved = json.loads(json.dumps(settled(explored(g))))  # as the notebook keeps it
    w = LineageWidget(g, root="processed:v0", source=PagedSource(g))
    replies = restore(w, saved)

    assert [m for m in replies if m["type"] == "error"] == []
    (snapshot,) = [m for m in replies if m["type"] == "snapshot"]
    assert snapshot["restored"] is True
    assert "report" in snapshot["nodes"]["id"]
    assert "train-2" in snapshot["nodes"]["id"]  # pulled out of its cluster
    again = explored(g)
    assert drawn(w) == drawn(again)
    assert w.view_state == again.view_state
    assert w._view_state == again.view_state
    assert w.clusters == again.clusters
    assert w.selected == ["model:v4"]
    assert w.highlighted == ["train-4", "model:v4"]
    assert w.viewport == {"cx": 420.5, "cy": -80.0, "k": 0.75}
    assert w.cluster_threshold == 3


def test_a_restore_is_taken_once() -> None:
    g = wide_sweep(6)
    w = LineageWidget(g, root="processed:v0", source=PagedSource(g))
    restore(w, {"selected": ["train-0"]})
    assert w.selected == ["train-0"]
    assert restore(w, explored(g).view_state) == []  # a second offer: ignored
    assert w.selected == ["train-0"]
    assert w.view_state["steps"] == []


def test_a_restore_never_undoes_what_the_user_did(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    w.viewport = {"cx": 5.0, "cy": 5.0, "k": 1.0}  # the user panned
    before = w.view_state
    assert restore(w, {"selected": ["train-0"], "viewport": {"cx": 0, "cy": 0, "k": 2}}) == []
    assert w.view_state == before


def test_what_the_user_changes_during_the_replay_is_kept(pipeline: LineageGraph) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source)
    recorder = Recorder(w)
    state = {
        "steps": [{"expand": "clean:v0", "direction": "downstream"}],
        "selected": ["train-1"],
        "viewport": {"cx": 10.0, "cy": 20.0, "k": 0.5},
    }
    w._handle_message(w, {"type": "restore", "state": state}, [])
    assert source.started.wait(10)  # the replay waits for the source, in the background
    w.selected = ["model:v0"]  # meanwhile the user selects
    source.gate.set()
    assert w.wait(10)
    assert "train-1" in w.graph  # the walk is replayed
    assert w.selected == ["model:v0"]  # the user's selection stays
    assert w.viewport == {"cx": 10.0, "cy": 20.0, "k": 0.5}  # what they did not touch is back
    assert [m for m in recorder.sent if m["type"] == "snapshot"][-1]["restored"] is True


def too_many_steps() -> dict[str, Any]:
    return {"steps": [{"focus": "raw:v0"}] * (MAX_RESTORE_STEPS + 1)}


@pytest.mark.parametrize(
    ("state", "named"),
    [
        (None, "must be a dict"),
        (["steps"], "must be a dict"),
        ({"zoom": 2}, "'zoom'"),
        ({"version": 99}, "version 99"),
        ({"steps": [{"expand": "train-0", "direction": HOSTILE}]}, HOSTILE),
        ({"selected": HOSTILE}, HOSTILE),
        ({"viewport": {"cx": "1", "cy": 0, "k": 1}}, "viewport['cx'] must be a number"),
        ({"viewport": {"cx": 0, "cy": 0, "k": -1}}, "out of range: -1"),
        ({"viewport": {"x": 0}}, "viewport must be empty or have the keys cx, cy and k"),
        ({"cluster_threshold": "5"}, "cluster_threshold"),
        (too_many_steps(), f"{MAX_RESTORE_STEPS + 1} steps"),
    ],
)
def test_a_bad_offer_is_refused_by_name_and_changes_nothing(state: Any, named: str) -> None:
    w = LineageWidget(sweep(3), root="train-0")
    before = w.view_state
    replies = restore(w, state)
    assert len(replies) == 1
    (error,) = replies
    assert error["type"] == "error"
    assert error["request"] == "restore"
    assert error["error"].startswith("ValueError: cannot restore the saved view: ")
    assert named in error["error"]
    assert w.view_state == before
    # Refused is not taken: a good offer afterwards still is.
    restore(w, {"selected": ["clean:v0"]})
    assert w.selected == ["clean:v0"]


def test_a_non_finite_viewport_is_refused() -> None:
    w = LineageWidget(sweep(3), root="train-0")
    (error,) = restore(w, {"viewport": {"cx": math.inf, "cy": 0, "k": 1}})
    assert "viewport['cx'] is out of range: inf" in error["error"]
    assert w.viewport == {}


def test_what_the_source_lost_is_left_out_and_named_under_the_widget() -> None:
    saved = explored(wide_sweep(6)).view_state
    smaller = wide_sweep(3)  # train-4, model:v4 and their kin are gone
    w = LineageWidget(smaller, root="processed:v0", source=PagedSource(smaller))
    replies = restore(w, {**saved, "selected": [*saved["selected"], HOSTILE]})
    (error,) = [m for m in replies if m["type"] == "error"]
    assert error["request"] == "restore"
    assert error["error"].startswith("The saved view is back, except: ")
    assert "'model:v4'" in error["error"]
    assert repr(HOSTILE) in error["error"]  # named as text (the page shows it as text)
    assert "report" in w.graph  # the steps that still make sense were taken
    assert w.selected == []
    assert w.viewport == saved["viewport"]
    assert replies.index(error) > replies.index(next(m for m in replies if m["type"] == "snapshot"))


def test_a_restore_brings_the_filters_back_in_one_snapshot() -> None:
    """The saved filters and the direct lineage the user grew come back; the page gets one
    snapshot (marked restored), already filtered, so it draws at the saved viewport."""
    g = wide_sweep(6)
    before = LineageWidget(g, root="model:v2")
    before.expand("train-2", "upstream")
    before.expand("processed:v0", "downstream")  # a side branch the direct lineage keeps
    before.job_types = ["train", "preprocess"]
    before.viewport = {"cx": 10.0, "cy": 20.0, "k": 0.5}
    saved = json.loads(json.dumps(settled(before)))

    w = LineageWidget(g, root="model:v2")
    replies = restore(w, saved)
    assert [m for m in replies if m["type"] == "error"] == []
    snapshots = [m for m in replies if m["type"] == "snapshot"]
    assert len(snapshots) == 1
    assert snapshots[0]["restored"] is True
    assert w.job_types == ["train", "preprocess"]
    assert w.viewport == {"cx": 10.0, "cy": 20.0, "k": 0.5}
    assert sorted(w._view.clustering.drawn_nodes()) == sorted(before._view.clustering.drawn_nodes())
    assert w.clusters == before.clusters
    assert "eval-2" not in snapshots[0]["nodes"]["id"]  # eval runs are filtered out


def test_a_view_state_keeps_the_key(kernel: FakeKernel) -> None:
    """Starting from a view state ties the widget to its own cell (or the given key), never to
    a name from the state."""
    g = wide_sweep(4)
    state = LineageWidget(g, root="processed:v0").view_state
    kernel.run("cell-b", "run-1")
    mine = LineageWidget(g, root="processed:v0", view_state=state, key="mine")
    cells = LineageWidget(g, root="processed:v0", view_state=state)
    assert mine._key == "mine"
    assert cells._key == cell_key("cell-b", 0, "processed:v0")  # (a given key is no place)


def test_a_widget_whose_start_failed_closes_quietly() -> None:
    with pytest.raises(ValueError, match="threshold") as failed:
        LineageWidget(wide_sweep(2), cluster_threshold=0)
    half_made = [
        entry.frame.f_locals["self"]
        for entry in failed.traceback
        if isinstance(entry.frame.f_locals.get("self"), LineageWidget)
    ]
    assert half_made
    half_made[0].close()  # (what __del__ does): no AttributeError for what was never made
