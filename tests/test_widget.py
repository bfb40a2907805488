"""LineageWidget without a browser: set what the front end would, assert what Python does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import networkx as nx
import pytest
import traitlets
from IPython.core.formatters import DisplayFormatter
from polling import wait_until
from support import wide_sweep
from wandb_fakes import CALLS, FakeArtifact, FakeRun, wandb_pipeline
from widget_support import GatedSource, Recorder

from lineage_widget import GraphSource, LineageGraph, LineageNode, LineageWidget, WandbSource
from lineage_widget import widget as widget_module


def nodes_of(msg: dict[str, Any]) -> list[str]:
    return list(msg["nodes"]["id"])


def test_the_comm_opens_with_the_first_snapshot(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    first = w.get_state()["_first"]  # (the state the comm opened with)
    recorder = Recorder(w)
    assert recorder.browser_says(type="hello") == [first]  # what a hello would have brought
    assert recorder.browser_says(type="hello", drawn=True) == [{"type": "ready"}]


@pytest.mark.parametrize(
    "change",
    [
        lambda w, r: r.browser_says(type="expand", id="processed:v0", direction="upstream"),
        lambda w, r: setattr(w, "cluster_threshold", None),  # (a delta, no walk)
        lambda w, r: r.browser_says(type="pull_out", id="train-2"),
        lambda w, r: setattr(w, "hide_runs", True),  # (a new snapshot)
    ],
    ids=["expand", "threshold", "pull_out", "filter"],
)
def test_the_first_snapshot_is_emptied_when_the_view_changes(
    change: Callable[[LineageWidget, Recorder], Any],
) -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0", depth=1)
    recorder = Recorder(w)
    assert w._first["root"] == "processed:v0"
    change(w, recorder)
    assert w._first == {}
    (snapshot,) = recorder.browser_says(type="hello", drawn=True)  # (drew an old view)
    assert snapshot["type"] == "snapshot"


def test_a_viewport_set_empties_the_first_snapshot(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    w.viewport = {"cx": 10.0, "cy": 20.0, "k": 1.5}
    assert w._first == {}
    (snapshot,) = Recorder(w).browser_says(type="hello", drawn=True)
    assert snapshot["restored"] is True  # the views draw at the viewport


def test_a_big_view_opens_without_its_snapshot(
    pipeline: LineageGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widget_module, "FIRST_SNAPSHOT_MAX", 2)
    w = LineageWidget(pipeline, root="train-0")
    assert w._first == {}
    (snapshot,) = Recorder(w).browser_says(type="hello")
    assert nodes_of(snapshot) == ["train-0", "clean:v0", "model:v0"]


def test_hello_gets_the_whole_current_graph(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    (snapshot,) = Recorder(w).browser_says(type="hello")
    assert snapshot["type"] == "snapshot"
    assert snapshot["root"] == "train-0"
    assert nodes_of(snapshot) == ["train-0", "clean:v0", "model:v0"]
    columns = snapshot["nodes"]
    assert set(columns) == {
        "id",
        "kind",
        "type",
        "label",
        "level",
        "order",
        "more_up",
        "more_down",
        "pulled_out",
    }
    assert columns["kind"] == ["run", "artifact", "artifact"]
    assert columns["label"][2] == "model:v0"
    assert columns["more_down"][1] == 2
    assert set(zip(snapshot["edges"]["source"], snapshot["edges"]["target"], strict=True)) == {
        ("clean:v0", "train-0"),
        ("train-0", "model:v0"),
    }


def test_graph_without_root_is_shown_whole(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    assert set(w.graph) == set(pipeline)
    assert w.root is None


def test_expand_click_sends_status_then_only_the_delta(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    replies = Recorder(w).browser_says(type="expand", id="clean:v0", direction="downstream")
    assert [m["type"] for m in replies] == ["status", "status", "delta"]
    assert replies[0] == {
        "type": "status",
        "id": "clean:v0",
        "direction": "downstream",
        "state": "loading",
    }
    assert replies[1]["state"] == "idle"
    delta = replies[2]
    assert set(nodes_of(delta)) == {"clean:v0", "train-1", "train-2"}  # not train-0, model:v0
    assert delta["edges"] == {
        "source": ["clean:v0", "clean:v0"],
        "target": ["train-1", "train-2"],
        "count": [1, 1],
        "back": [False, False],
    }
    assert delta["removed"] == []
    assert {"train-1", "train-2"} <= set(w.graph)


def test_failing_source_marks_the_node_and_keeps_the_graph(pipeline: LineageGraph) -> None:
    class Failing(GraphSource):
        fail = True

        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id == "clean:v0" and direction == "downstream" and self.fail:
                raise TimeoutError("W&B did not answer")
            return super().neighbours(node, direction)

    source = Failing(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source)
    recorder = Recorder(w)
    replies = recorder.browser_says(type="expand", id="clean:v0", direction="downstream")
    assert replies[-1] == {
        "type": "status",
        "id": "clean:v0",
        "direction": "downstream",
        "state": "error",
        "error": "TimeoutError: W&B did not answer",
    }
    assert not any(m["type"] == "delta" for m in replies)
    assert len(w.graph) == 3
    (snapshot,) = recorder.browser_says(type="hello")  # a reload still shows the error
    assert snapshot["status"][0]["state"] == "error"
    source.fail = False
    replies = recorder.browser_says(type="expand", id="clean:v0", direction="downstream")
    assert replies[-1]["type"] == "delta"
    assert len(w.graph) == 5


def test_slow_source_does_not_block_and_repeat_clicks_send_one_request(
    pipeline: LineageGraph,
) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source)
    recorder = Recorder(w)
    started = time.perf_counter()
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    assert time.perf_counter() - started < 1  # the handler returned while the source waits
    assert recorder.sent == [
        {"type": "status", "id": "clean:v0", "direction": "downstream", "state": "loading"}
    ]
    # The kernel is free meanwhile: Python calls and other requests are answered.
    w.select("model:v0")
    w._handle_message(w, {"type": "details", "id": "model:v0", "request_id": 1}, [])
    assert recorder.sent[-1]["type"] == "details"
    assert "train-1" not in w.graph
    source.gate.set()
    assert w.wait(timeout=10)
    assert source.walks == 1
    assert recorder.sent[-1]["type"] == "delta"
    assert {"train-1", "train-2"} <= set(w.graph)


def test_closing_drops_pending_work_without_errors(pipeline: LineageGraph) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source, max_requests=1)
    Recorder(w)
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    w._handle_message(w, {"type": "expand", "id": "model:v0", "direction": "downstream"}, [])
    assert source.started.wait(10)  # the first walk runs, the second waits for a worker
    w.close()
    assert w._explorer.status == {}
    source.gate.set()
    assert w.wait(timeout=10)
    assert source.walks == 1  # the queued walk never ran
    workers = list(w._walker._executor._threads)  # type: ignore[union-attr]
    for worker in workers:
        worker.join(timeout=10)
    assert workers
    assert not any(worker.is_alive() for worker in workers)


def test_details_of_a_wandb_artifact() -> None:
    objs = wandb_pipeline()
    w = LineageWidget(objs["prep"])  # shows raw (used) and clean (logged)
    (details,) = Recorder(w).browser_says(type="details", id="ana/demo/raw:v0", request_id=1)
    fields = dict(details["fields"])
    assert fields["Name"] == "raw:v0"
    assert fields["Type"] == "dataset"
    assert fields["Aliases"] == "latest"
    assert fields["Description"] == "the raw data"
    assert fields["Metadata"] == '{"rows": 100}'
    assert fields["Full name"] == "ana/demo/raw:v0"
    assert (details["inputs"], details["outputs"]) == (0, 1)
    (clean,) = Recorder(w).browser_says(type="details", id="ana/demo/clean:v0", request_id=2)
    assert dict(clean["fields"])["Logged by"] == "prep-run"


def test_selection_syncs_and_calls_back(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    seen: list[list[str]] = []
    w.on_select(seen.append)
    w.select("train-0", "model:v0")
    assert w.selected == ["train-0", "model:v0"]
    w.set_state({"selected": ["clean:v0"]})  # as the browser does
    assert seen == [["train-0", "model:v0"], ["clean:v0"]]
    w.on_select(seen.append, remove=True)
    w.select()
    assert len(seen) == 2


def test_selecting_an_unknown_node_is_refused_by_name(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    with pytest.raises(traitlets.TraitError, match="'raw:v0'"):
        w.select("raw:v0")  # in the source, not shown yet
    assert w.selected == []


def test_selected_objects_are_the_originals() -> None:
    objs = wandb_pipeline()
    w = LineageWidget(objs["train"])
    w.select("ana/demo/model:v0", "ana/demo/t1")
    assert w.selected_objects == [objs["model"], objs["train"]]


def test_selected_objects_of_a_plain_graph_are_records(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    w.select("model:v0")
    (record,) = w.selected_objects
    assert isinstance(record, LineageNode)
    assert (record.id, record.kind, record.version) == ("model:v0", "artifact", "v0")


def test_expand_from_python_returns_new_nodes_and_sends_one_delta(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    recorder = Recorder(w)
    new = w.expand("train-0", "both", depth=2)
    assert {n.id for n in new} == {"prep", "eval"}
    deltas = [m for m in recorder.sent if m["type"] == "delta"]
    assert len(deltas) == 1
    assert {"prep", "eval"} <= set(nodes_of(deltas[0]))
    with pytest.raises(ValueError, match="'up'"):
        w.expand("train-0", "up")


def test_focus_draws_a_hidden_node_with_its_path(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="model:v2")
    recorder = Recorder(w)
    w.focus("raw:v0")
    delta, focus = recorder.sent
    assert {"raw:v0", "prep", "clean:v0"} <= set(nodes_of(delta))
    assert focus == {"type": "focus", "id": "raw:v0"}
    recorder.sent.clear()
    w.focus("raw:v0")
    assert recorder.sent == [{"type": "focus", "id": "raw:v0"}]
    with pytest.raises(KeyError, match="'ghost'"):
        w.focus("ghost")


def test_networkx_graph_with_root() -> None:
    nxg = nx.DiGraph()
    nxg.add_node("d", kind="artifact", type="dataset")
    nxg.add_node(7, kind="run", type="train")
    nxg.add_edge("d", 7)
    w = LineageWidget(nxg, root=7)
    assert set(w.graph) == {"d", "7"}


def test_unknown_root_is_named(pipeline: LineageGraph) -> None:
    with pytest.raises(KeyError, match="'nope'"):
        LineageWidget(pipeline, root="nope")


@pytest.mark.parametrize("bad", [42, "artifact-name", [1, 2]])
def test_bad_input_is_refused_with_its_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        LineageWidget(bad)


def test_wandb_walks_are_asked_once_per_node_and_direction() -> None:
    objs = wandb_pipeline()
    CALLS.clear()
    w = LineageWidget(objs["train"], depth=1)
    recorder = Recorder(w)
    recorder.browser_says(type="expand", id="ana/demo/clean:v0", direction="upstream")
    recorder.browser_says(type="expand", id="ana/demo/clean:v0", direction="upstream")
    w.expand("ana/demo/clean:v0", "upstream")
    assert CALLS["logged_by:clean:v0"] == 1
    assert CALLS["used_artifacts:t1"] == 1
    assert "ana/demo/p1" in w.graph


def test_expand_of_what_is_already_shown_only_clears_the_mark(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    replies = Recorder(w).browser_says(type="expand", id="train-0", direction="upstream")
    assert replies == [
        {"type": "status", "id": "train-0", "direction": "upstream", "state": "idle"}
    ]


def test_clusters_travel_in_the_snapshot_and_members_on_request() -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0")
    recorder = Recorder(w)
    (snapshot,) = recorder.browser_says(type="hello")
    assert nodes_of(snapshot) == ["processed:v0", "preprocess"]  # the train runs: a cluster
    clusters = snapshot["clusters"]
    assert clusters["id"] == ["cluster:run:train@1"]
    assert (clusters["kind"], clusters["type"], clusters["count"]) == (["run"], ["train"], [6])
    edges = snapshot["edges"]
    assert set(zip(edges["source"], edges["target"], edges["count"], strict=True)) == {
        ("preprocess", "processed:v0", 1),
        ("processed:v0", "cluster:run:train@1", 6),
    }
    assert w.clusters == {"cluster:run:train@1": [f"train-{i}" for i in range(6)]}
    (members,) = recorder.browser_says(type="members", cluster="cluster:run:train@1", request_id=3)
    assert members["id"] == [f"train-{i}" for i in range(6)]
    assert members["label"][0] == "train-0"


def test_pull_out_from_the_page_and_from_python_agree() -> None:
    from_page = LineageWidget(wide_sweep(6), root="processed:v0")
    (delta,) = Recorder(from_page).browser_says(type="pull_out", id="train-3")
    assert nodes_of(delta) == ["train-3"]
    assert delta["nodes"]["pulled_out"] == [True]
    assert delta["clusters"]["count"] == [5]
    from_python = LineageWidget(wide_sweep(6), root="processed:v0")
    from_python.pull_out("train-3")
    assert from_page.clusters == from_python.clusters
    assert from_page.cluster_of("train-3") is None
    assert from_page.cluster_of("train-4") == "cluster:run:train@1"
    # The pulled-out node expands like any other.
    new = from_page.expand("train-3", "downstream")
    assert [n.id for n in new] == ["model:v3"]


def test_threshold_trait_reclusters_and_validates() -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0")
    recorder = Recorder(w)
    w.cluster_threshold = None
    assert w.clusters == {}
    (delta,) = recorder.sent
    assert set(nodes_of(delta)) == {f"train-{i}" for i in range(6)}
    assert delta["removed"] == ["cluster:run:train@1"]
    with pytest.raises(traitlets.TraitError, match="got 1"):
        w.cluster_threshold = 1
    assert LineageWidget(wide_sweep(6), root="processed:v0", cluster_threshold=7).clusters == {}


def test_selecting_a_clustered_node_opens_its_cluster() -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0")
    recorder = Recorder(w)
    w.select("train-2")
    assert recorder.sent == [
        {"type": "open_cluster", "cluster": "cluster:run:train@1", "member": "train-2"}
    ]
    assert w.selected_objects[0].id == "train-2"


def test_fan_out_arrives_a_page_at_a_time() -> None:
    dataset = FakeArtifact("ana", "demo", "data", "v0", "dataset")
    sweep = FakeRun("ana", "demo", "s1", "sweep", "sweep")
    sweep.use(dataset)
    for i in range(250):
        sweep.log(FakeArtifact("ana", "demo", f"model-{i}", "v0", "model"))
    CALLS.clear()
    w = LineageWidget(dataset, depth=2, source=WandbSource(per_page=100))
    # The first page only: one request for 100 of the 250 outputs, and the rest counted.
    assert CALLS["page:logged_artifacts:s1"] == 1
    assert sum(1 for n in w.graph.nodes() if n.type == "model") == 100
    (snapshot,) = Recorder(w).browser_says(type="hello")
    cols = snapshot["nodes"]
    assert cols["more_down"][cols["id"].index("ana/demo/s1")] == 150
    # The 100 models shown form a cluster whose list can ask for the rest, a page at a time.
    clusters = snapshot["clusters"]
    assert clusters["count"] == [100]
    assert (clusters["more"], clusters["more_from"], clusters["more_direction"]) == (
        [150],
        ["ana/demo/s1"],
        ["downstream"],
    )
    Recorder(w).browser_says(type="expand", id="ana/demo/s1", direction="downstream")
    assert sum(1 for n in w.graph.nodes() if n.type == "model") == 200
    w.expand("ana/demo/s1", "downstream")
    assert sum(1 for n in w.graph.nodes() if n.type == "model") == 250
    assert w._explorer.more("ana/demo/s1", "downstream") == 0
    assert CALLS["page:logged_artifacts:s1"] == 3
    assert CALLS["logged_artifacts:s1"] == 1  # one walk, resumed page by page


def test_put_back_from_the_page_returns_the_member_to_its_cluster() -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0")
    recorder = Recorder(w)
    recorder.browser_says(type="pull_out", id="train-3")
    (delta,) = recorder.browser_says(type="put_back", id="train-3")
    assert delta["removed"] == ["train-3"]
    assert delta["clusters"]["count"] == [6]
    assert w.cluster_of("train-3") == "cluster:run:train@1"


def test_details_can_be_asked_in_full() -> None:
    g = LineageGraph()
    g.add_artifact("big", type="dataset", details={"metadata": {"blob": "x" * 1_000_000}})
    w = LineageWidget(g)
    recorder = Recorder(w)
    (short,) = recorder.browser_says(type="details", id="big", request_id=4)
    value = dict(short["fields"])["metadata"]
    assert len(value) < 3_000
    assert value.endswith("more characters)")
    assert short["truncated"] == ["metadata"]
    (full,) = recorder.browser_says(type="details", id="big", full=True, request_id=5)
    assert len(dict(full["fields"])["metadata"]) > 1_000_000
    assert full["truncated"] == []


def test_a_walk_that_hangs_times_out_and_can_be_retried(pipeline: LineageGraph) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source, request_timeout=0.2)
    recorder = Recorder(w)
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    recorder.wait_for(lambda sent: sent[-1].get("state") == "error", "an error status")
    assert recorder.sent[-1] == {
        "type": "status",
        "id": "clean:v0",
        "direction": "downstream",
        "state": "error",
        "error": "TimeoutError: the source did not answer within 0.2 s",
    }
    source.gate.set()  # the late answer arrives and is dropped
    assert w.wait(timeout=10)
    assert "train-1" not in w.graph
    assert not any(m["type"] == "delta" for m in recorder.sent)
    recorder.browser_says(type="expand", id="clean:v0", direction="downstream")  # retry
    assert {"train-1", "train-2"} <= set(w.graph)
    with pytest.raises(traitlets.TraitError, match="request_timeout must be positive, got 0"):
        w.request_timeout = 0


def test_expansions_in_flight_land_in_any_order() -> None:
    g = wide_sweep(3)

    class PerNodeGates(GraphSource):
        def __init__(self, graph: LineageGraph) -> None:
            super().__init__(graph)
            self.gates = {f"train-{i}": threading.Event() for i in range(3)}

        def neighbours(self, node: LineageNode, direction: Any) -> list[LineageNode]:
            if node.id in self.gates and direction == "downstream":
                assert self.gates[node.id].wait(10)
            return super().neighbours(node, direction)

    source = PerNodeGates(g)
    w = LineageWidget(g, root="processed:v0", source=source, cluster_threshold=None)
    recorder = Recorder(w)
    for i in range(3):
        w._handle_message(w, {"type": "expand", "id": f"train-{i}", "direction": "downstream"}, [])
    for i in (2, 0, 1):  # answers come back in another order than asked
        source.gates[f"train-{i}"].set()
        wait_until(lambda i=i: f"model:v{i}" in w.graph, f"model:v{i} in the graph")
    assert w.wait(timeout=10)
    assert {f"model:v{i}" for i in range(3)} <= set(w.graph)
    landed = [nodes_of(m) for m in recorder.sent if m["type"] == "delta"]
    assert [next(n for n in ids if n.startswith("model")) for ids in landed] == [
        "model:v2",
        "model:v0",
        "model:v1",
    ]
    assert w._explorer.status == {}


class PagedGatedSource(GraphSource):
    """Lazy downstream walks, a page of 2 at a time, each page held until the test allows it."""

    page_size = 2

    def __init__(self, graph: LineageGraph) -> None:
        super().__init__(graph)
        self.gate = threading.Event()
        self.started = threading.Event()

    def neighbours(self, node: LineageNode, direction: Any) -> Any:
        items = super().neighbours(node, direction)
        if direction != "downstream" or node.kind != "artifact":
            return items

        def lazy() -> Any:
            for item in items:
                self.started.set()
                assert self.gate.wait(10)
                yield item

        return lazy()


def test_retry_after_a_timeout_walks_afresh_while_the_old_walk_still_runs() -> None:
    g = wide_sweep(5)
    source = PagedGatedSource(g)
    w = LineageWidget(g, root="preprocess", depth=1, source=source, request_timeout=0.2)
    recorder = Recorder(w)
    w._handle_message(w, {"type": "expand", "id": "processed:v0", "direction": "downstream"}, [])
    assert source.started.wait(10)
    recorder.wait_for(lambda sent: sent[-1].get("state") == "error", "an error status")
    assert recorder.sent[-1]["state"] == "error"  # timed out, the walk still blocked
    w._handle_message(w, {"type": "expand", "id": "processed:v0", "direction": "downstream"}, [])
    source.gate.set()  # both walks go on: the old answer is dropped, the retry lands
    assert w.wait(timeout=10)
    assert {"train-0", "train-1"} <= set(w.graph)
    w.expand("processed:v0", "downstream")
    w.expand("processed:v0", "downstream")
    assert {f"train-{i}" for i in range(5)} <= set(w.graph)  # nothing lost to the shared cursor
    assert w._explorer.status == {}


def test_a_queued_walk_is_not_timed_out_before_it_starts(pipeline: LineageGraph) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source, max_requests=1, request_timeout=1)
    Recorder(w)
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    w._handle_message(w, {"type": "expand", "id": "model:v0", "direction": "downstream"}, [])
    assert source.started.wait(10)
    time.sleep(0.6)
    source.gate.set()  # the first walk took 0.6 s; the queued one starts now with a fresh clock
    assert w.wait(timeout=10)
    assert w._explorer.status == {}
    assert {"train-1", "eval"} <= set(w.graph)


def test_closing_cancels_timers(pipeline: LineageGraph) -> None:
    source = GatedSource(pipeline)
    w = LineageWidget(pipeline, root="train-0", source=source, request_timeout=30)
    w._handle_message(w, {"type": "expand", "id": "clean:v0", "direction": "downstream"}, [])
    assert source.started.wait(10)
    timers = set(w._walker._timers)
    assert len(timers) == 1
    w.close()
    source.gate.set()
    for timer in timers:
        timer.join(timeout=5)
        assert not timer.is_alive()


def test_selected_can_be_given_to_the_constructor(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0", selected=["model:v0"])
    assert w.selected == ["model:v0"]
    with pytest.raises(traitlets.TraitError, match="'raw:v0'"):
        LineageWidget(pipeline, root="train-0", selected=["raw:v0"])


def test_non_string_ids_work_everywhere() -> None:
    nxg = nx.DiGraph()
    nxg.add_node(1, kind="artifact", type="dataset")
    nxg.add_node(2, kind="run", type="train")
    nxg.add_node(3, kind="artifact", type="model")
    nxg.add_edges_from([(1, 2), (2, 3)])
    w = LineageWidget(nxg, root=1, depth=1)
    assert set(w.graph) == {"1", "2"}
    assert [n.id for n in w.expand(2, "downstream")] == ["3"]
    w.select(3)
    assert w.selected == ["3"]
    w.focus(3)


def test_every_selection_callback_runs_even_if_one_fails(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    Recorder(w)
    seen: list[list[str]] = []

    def broken(ids: list[str]) -> None:
        raise RuntimeError("broken")

    w.on_select(broken)
    w.on_select(seen.append)
    with pytest.raises(RuntimeError, match="broken"):
        w.select("train-0")
    assert seen == [["train-0"]]


def test_locating_a_node_does_not_hold_the_lock(pipeline: LineageGraph) -> None:
    class SlowLocator(GraphSource):
        entered = threading.Event()
        release = threading.Event()

        def find_path(self, target: str, known: Any) -> Any:
            self.entered.set()
            assert self.release.wait(10)
            return super().find_path(target, known)

    source = SlowLocator(pipeline)
    w = LineageWidget(pipeline, root="model:v2", source=source)
    Recorder(w)
    worker = threading.Thread(target=w.focus, args=("raw:v0",))
    worker.start()
    assert source.entered.wait(10)
    started = time.perf_counter()
    assert w.clusters == {}  # takes the lock: answered while find_path waits
    assert w.cluster_of("model:v2") is None
    assert time.perf_counter() - started < 1
    source.release.set()
    worker.join(10)
    assert "raw:v0" in w.graph


def held_by_another_thread(lock: Any) -> bool:
    """Whether a thread other than this one could not take ``lock`` now."""
    taken: list[bool] = []

    def probe() -> None:
        got = lock.acquire(blocking=False)
        if got:
            lock.release()
        taken.append(got)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(10)
    return not taken[0]


def test_counting_neighbours_does_not_hold_the_lock(pipeline: LineageGraph) -> None:
    """The source is never asked under the widget's lock, counts included: the nodes a reveal
    brings are counted as they arrive, and the page's messages only read those counts."""

    class CountingSource(GraphSource):
        lock: Any = None
        under_lock: ClassVar[list[str]] = []

        def neighbour_count(self, node: LineageNode, direction: Any) -> int:
            if self.lock is not None and held_by_another_thread(self.lock):
                self.under_lock.append(node.id)
            return super().neighbour_count(node, direction)

    source = CountingSource(pipeline)
    w = LineageWidget(pipeline, root="model:v2", source=source)
    source.lock = w._explorer.lock
    recorder = Recorder(w)
    w.focus("raw:v0")  # the path's nodes are new: nothing counted them yet
    (snapshot,) = recorder.browser_says(type="hello")
    assert source.under_lock == []
    columns = snapshot["nodes"]
    raw = columns["id"].index("raw:v0")
    assert (columns["more_up"][raw], columns["more_down"][raw]) == (0, 0)  # counted: none left
    prep = columns["id"].index("prep")
    assert columns["more_up"][prep] == 0


# ---- highlight --------------------------------------------------------------------------------


def test_highlight_takes_ids_records_and_source_objects() -> None:
    objs = wandb_pipeline()
    w = LineageWidget(objs["train"])  # clean:v0 -> train -> model:v0
    w.highlight([objs["model"], "ana/demo/t1", w.graph.node("ana/demo/clean:v0")])
    assert w.highlighted == ["ana/demo/model:v0", "ana/demo/t1", "ana/demo/clean:v0"]
    w.highlight(w.graph.upstream("ana/demo/model:v0"))  # a query's result, as it comes
    assert w.highlighted == ["ana/demo/t1", "ana/demo/clean:v0"]
    w.highlight(objs["model"])  # one node
    assert w.highlighted == ["ana/demo/model:v0"]
    w.highlight()
    assert w.highlighted == []
    w.highlight(["ana/demo/t1", "ana/demo/t1"])
    assert w.highlighted == ["ana/demo/t1"]
    w.highlight([])
    assert w.highlighted == []
    # select() takes the same forms.
    w.select(objs["model"], w.graph.node("ana/demo/t1"))
    assert w.selected == ["ana/demo/model:v0", "ana/demo/t1"]


def test_highlight_takes_non_string_ids() -> None:
    g = nx.DiGraph()
    g.add_node(("raw", 0), kind="artifact", type="dataset")
    g.add_node(7, kind="run", type="train")
    g.add_edge(("raw", 0), 7)
    w = LineageWidget(g)
    w.highlight(("raw", 0))  # one tuple id, not two ids
    assert w.highlighted == ['["raw", "0"]']
    w.highlight([7, ("raw", 0)])
    assert w.highlighted == ["7", '["raw", "0"]']


def test_highlighting_an_unknown_node_is_refused_by_name(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    w.highlight(["train-0"])
    with pytest.raises(KeyError, match="'raw:v0'"):
        w.highlight(["model:v0", "raw:v0"])  # raw:v0: in the source, not shown yet
    assert w.highlighted == ["train-0"]
    with pytest.raises(traitlets.TraitError, match=r"cannot highlight unknown node.*'nope'"):
        w.highlighted = ["nope"]
    with pytest.raises(TypeError, match=r"not a node id.*\{'id': 'train-0'\}"):
        w.highlight([{"id": "train-0"}])
    assert w.highlighted == ["train-0"]


def test_highlight_marks_the_clusters_holding_its_nodes() -> None:
    cluster = "cluster:run:train@1"
    w = LineageWidget(wide_sweep(6), root="processed:v0")
    Recorder(w)
    w.highlight(["train-2", "processed:v0"])
    assert w._highlighted_clusters == [cluster]
    state = w.get_state()
    assert (state["highlighted"], state["_highlighted_clusters"]) == (
        ["train-2", "processed:v0"],
        [cluster],
    )
    w.pull_out("train-2")  # drawn as itself: its cluster no longer holds it
    assert w._highlighted_clusters == []
    w.put_back("train-2")
    assert w._highlighted_clusters == [cluster]
    w.cluster_threshold = None  # the cluster dissolves
    assert w._highlighted_clusters == []
    w.cluster_threshold = 5
    assert w._highlighted_clusters == [cluster]
    w.set_state({"highlighted": []})  # the page's "clear" button
    assert (w.highlighted, w._highlighted_clusters) == ([], [])


def test_a_highlighted_node_that_joins_a_cluster_later_marks_it() -> None:
    dataset = FakeArtifact("ana", "demo", "data", "v0", "dataset")
    sweep = FakeRun("ana", "demo", "s1", "sweep", "sweep")
    sweep.use(dataset)
    for i in range(8):
        sweep.log(FakeArtifact("ana", "demo", f"model-{i}", "v0", "model"))
    w = LineageWidget(dataset, depth=2, source=WandbSource(per_page=4))
    assert w.clusters == {}  # 4 models: under the threshold
    w.highlight(["ana/demo/model-1:v0"])
    assert w._highlighted_clusters == []
    w.expand("ana/demo/s1", "downstream")  # 4 more: the 8 form a cluster
    (cluster,) = w.clusters
    assert w._highlighted_clusters == [cluster]


def test_viewport_is_checked_by_name(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline)
    assert w.viewport == {}
    w.viewport = {"cx": 10, "cy": -5.5, "k": 0.5}
    assert w.viewport == {"cx": 10.0, "cy": -5.5, "k": 0.5}
    w.viewport = {}
    assert w.viewport == {}
    for bad, named in [
        ({"cx": 1, "cy": 2}, "cx, cy and k"),
        ({"cx": 1, "cy": 2, "k": 1, "zoom": 3}, "'zoom'"),
        ({"cx": "1", "cy": 2, "k": 1}, "viewport['cx']"),
        ({"cx": 1, "cy": 2, "k": 0}, "viewport['k']"),
        ({"cx": float("nan"), "cy": 2, "k": 1}, "viewport['cx']"),
        ({"cx": True, "cy": 2, "k": 1}, "viewport['cx']"),
    ]:
        with pytest.raises(traitlets.TraitError, match=named.replace("[", r"\[")):
            w.viewport = bad
    assert w.viewport == {}


def test_small_things_are_said_clearly() -> None:
    """Issue 13's small things: each fails loudly, naming what is wrong, or just works."""
    graph = LineageGraph()
    graph.add_artifact("raw:v0", type="dataset")
    graph.add_run("prep", type="preprocess")
    graph.add_edge("raw:v0", "prep")
    widget = LineageWidget(graph, root="prep")
    with pytest.raises(ValueError, match="'upstream', 'downstream' or 'both', got 'sideways'"):
        widget.expand("prep", direction="sideways")
    assert len(widget.graph.nodes()) == 2
    with pytest.raises(ValueError, match=r"pull_out\('prep'\): it is not in a cluster"):
        widget.pull_out("prep")
    with pytest.raises(ValueError, match=r"put_back\('prep'\): it was not pulled out"):
        widget.put_back("prep")
    with pytest.raises(KeyError, match="nowhere"):
        widget.pull_out("nowhere")
    widget.close()


def test_on_select_refuses_what_it_cannot_call(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    with pytest.raises(TypeError, match=r"on_select.*5"):
        w.on_select(5)  # type: ignore[arg-type]


def test_selection_callbacks_print_into_the_widgets_output(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    Recorder(w)

    def broken(ids: list[str]) -> None:
        raise RuntimeError("cannot cope")

    w.on_select(lambda ids: print("picked", ids))
    w.on_select(broken)
    with pytest.raises(RuntimeError):
        w.select("train-0")
    printed, error = w.output.outputs
    assert printed == {"output_type": "stream", "name": "stdout", "text": "picked ['train-0']\n"}
    assert error["name"] == "stderr"
    assert "on_select callback" in error["text"]
    assert "broken" in error["text"]
    assert "RuntimeError: cannot cope" in error["text"]


def test_the_widget_shows_its_output_under_it(
    pipeline: LineageGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = LineageWidget(pipeline, root="train-0")
    shown: list[Any] = []
    monkeypatch.setattr(widget_module, "display", lambda obj, **_: shown.append(obj))
    assert DisplayFormatter().ipython_display_formatter(w)  # how a cell's result is shown
    assert shown[0]["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert shown[1] is w.output


def test_the_member_panel_expands_every_member_of_a_cluster() -> None:
    w = LineageWidget(wide_sweep(6), root="processed:v0", depth=1)
    recorder = Recorder(w)
    (runs,) = w.clusters
    assert sorted(w.clusters[runs]) == [f"train-{i}" for i in range(6)]
    assert "model:v0" not in w.graph
    sent = recorder.browser_says(type="expand_cluster", cluster=runs, direction="downstream")
    assert all(f"model:v{i}" in w.graph for i in range(6))
    assert sorted(w.clusters[runs]) == [f"train-{i}" for i in range(6)]  # still folded
    assert [m for m in sent if m["type"] == "error"] == []
    arrived = {n for m in sent if m["type"] == "delta" for n in m["nodes"]["id"]}
    arrived |= {n for m in sent if m["type"] == "delta" for n in m["clusters"]["id"]}
    assert any(i.startswith("cluster:artifact:model") for i in arrived)


def test_expanding_an_unknown_cluster_names_it(pipeline: LineageGraph) -> None:
    w = LineageWidget(pipeline, root="train-0")
    recorder = Recorder(w)
    sent = recorder.browser_says(type="expand_cluster", cluster="nope", direction="upstream")
    assert sent[-1]["type"] == "error"
    assert "unknown cluster 'nope'" in sent[-1]["error"]
