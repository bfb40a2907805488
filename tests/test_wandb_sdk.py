"""WandbSource through the real wandb SDK (its wandb-core sidecar) against the fake W&B backend.

Request counts are what the backend received, by GraphQL operation name.
"""

from __future__ import annotations

import gzip
import json
import urllib.request
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import wandb
from fake_wandb import FakeWandb
from polling import wait_until
from support import CONSUMERS, OUTPUTS, build_lineage
from wandb.apis.public import Run as SdkRun
from widget_support import Recorder

from lineage_widget import LineageWidget
from lineage_widget._payload import node_columns


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeWandb]:
    backend = FakeWandb(build_lineage())
    with backend.serve(), pytest.MonkeyPatch.context() as patch:
        for key, value in backend.environment(tmp_path_factory.mktemp("wandb")).items():
            patch.setenv(key, value)
        yield backend


@pytest.fixture(scope="module")
def api(fake: FakeWandb) -> Any:
    """One wandb.Api() for the module: starting its sidecar takes about a second. Its first
    lookup is made here: the SDK's own one-time queries are not counted in the tests."""
    api = wandb.Api(overrides={"base_url": fake.url}, api_key="f" * 40)
    api.artifact("ana/demo/raw:v0")
    return api


def test_opening_an_artifact_with_500_consumers_costs_at_most_5_requests(
    fake: FakeWandb, api: Any
) -> None:
    fake.reset()
    w = LineageWidget(api.artifact("ana/demo/model:v1"))
    assert fake.count() <= 5, fake.requests()
    assert fake.requests()["LineageArtifactWalk"] == 1  # producer and first consumers together
    root = w.root
    assert root == "ana/demo/model:v1"
    assert [n.id for n in w.graph.producers(root)] == ["ana/demo/t1"]
    consumers = w.graph.consumers(root)
    assert len(consumers) == 100
    assert w._explorer.more(root, "downstream") == CONSUMERS - 100
    eval0 = w.graph.node("ana/demo/e0")
    assert (eval0.name, eval0.type, eval0.details["Author"]) == ("eval-0", "eval", "ana")
    # Every consumer's own counts came with the page: the expand controls show them.
    assert w._explorer.more("ana/demo/e0", "upstream") == 0
    assert w._explorer.more("ana/demo/e0", "downstream") == 0


def test_walking_two_hops_asks_nothing_of_nodes_counted_empty(fake: FakeWandb, api: Any) -> None:
    artifact = api.artifact("ana/demo/model:v1")
    fake.reset()
    w = LineageWidget(artifact, depth=2)
    assert "ana/demo/clean:v0" in w.graph  # the producer's input, two hops up
    # The 100 consumers have no outputs (their page said so): one query for the producer's
    # inputs and outputs, none for them.
    assert fake.requests() == {"LineageArtifactWalk": 1, "LineageRunWalk": 1}


def test_each_further_page_costs_one_request_and_a_walk_done_costs_none(
    fake: FakeWandb, api: Any
) -> None:
    w = LineageWidget(api.artifact("ana/demo/model:v1"))
    root = w.root
    assert root is not None
    for shown in range(200, CONSUMERS + 1, 100):
        fake.reset()
        w.expand(root, "downstream")
        assert fake.count() <= 2, fake.requests()
        assert len(w.graph.consumers(root)) == shown
    assert w._explorer.more(root, "downstream") == 0
    fake.reset()
    w.expand(root, "both")
    # The same walks in a new widget on the same source: answered from what it was told.
    again = LineageWidget(api.artifact("ana/demo/model:v1"), source=w._explorer.source)
    assert fake.requests() == {"ArtifactMembershipByName": 1}
    assert len(again.graph.consumers(root)) == 100


def test_opening_by_alias_gives_the_versions_id_and_no_duplicate(fake: FakeWandb, api: Any) -> None:
    best = api.artifact("ana/demo/model:best")
    assert best.qualified_name.endswith(":best")  # what the SDK calls it
    w = LineageWidget(best)
    assert w.root == "ana/demo/model:v1"
    node = w.graph.node(w.root)
    assert (node.label, "best" in node.aliases) == ("model:v1", True)
    assert node.details["Full name"] == "ana/demo/model:v1"
    w.expand("ana/demo/t1", "downstream")  # the producer's outputs: model:v0 and model:v1
    models = sorted(n.id for n in w.graph.nodes() if "/model:" in n.id)
    assert models == ["ana/demo/model:v0", "ana/demo/model:v1"]
    assert not any(":best" in n.id or ":latest" in n.id for n in w.graph.nodes())


def test_paging_through_250_outputs_of_a_run(fake: FakeWandb, api: Any) -> None:
    run = api.run("ana/demo/sweep")
    fake.reset()
    w = LineageWidget(run)
    assert fake.requests() == {"LineageRunWalk": 1}
    while w._explorer.more(w.root, "downstream"):
        w.expand(w.root, "downstream")
    outputs = {n.id for n in w.graph.consumers("ana/demo/sweep")}
    assert outputs == {f"ana/demo/ckpt-{i}:v0" for i in range(OUTPUTS)}
    assert fake.requests() == {"LineageRunWalk": 3}


def test_refused_and_deleted_neighbours_become_nodes_that_say_why(
    fake: FakeWandb, api: Any
) -> None:
    fake.reset()
    w = LineageWidget(api.artifact("ana/demo/clean:v0"))
    consumers = {n.id: n for n in w.graph.consumers(w.root)}
    # The readable ones landed: the training run and the run of another project.
    assert {"ana/demo/t1", "ana/other/a1"} <= set(consumers)
    lost = consumers["[deleted project]/g1"]
    assert lost.inaccessible == "its project was deleted"
    assert lost.details["Not accessible"] == "its project was deleted"
    (hidden,) = [n for n in consumers.values() if n.id.startswith("ana/demo/clean:v0 output")]
    assert hidden.inaccessible == "permission denied: project ana/secret"
    assert hidden.label == "not accessible"
    # The page is told which nodes could not be read, and why.
    rows = node_columns(w._explorer, w._view.clustering, list(consumers))
    marked = dict(zip(rows["id"], rows["inaccessible"], strict=True))
    assert marked[hidden.id] == "permission denied: project ana/secret"
    assert marked["ana/demo/t1"] is None
    # Refused neighbours cost three more requests in all (the page's cursors, the readable
    # rest, the producer alone), never one per neighbour.
    assert fake.requests() == {
        "ArtifactMembershipByName": 1,
        "LineageArtifactWalk": 2,
        "LineageCursors": 1,
        "LineageStretches": 1,
    }
    # An input of a deleted project, walking upstream from the training run.
    w.expand("ana/demo/t1", "upstream")
    old = w.graph.node("[deleted project]/old-data:v0")
    assert old.inaccessible == "its project was deleted"
    fake.reset()
    assert w.expand(hidden.id, "downstream") == []  # nothing to ask about it
    assert fake.count() == 0


def test_neighbours_in_other_projects_show_their_project(fake: FakeWandb, api: Any) -> None:
    w = LineageWidget(api.artifact("ana/demo/clean:v0"))
    audit = w.graph.node("ana/other/a1")
    assert audit.label == "other/audit-run"
    assert audit.details["Project"] == "ana/other"
    assert w.graph.node("ana/demo/t1").label == "brisk-sun-1"


def test_the_selection_gives_back_sdk_objects_made_when_asked(fake: FakeWandb, api: Any) -> None:
    w = LineageWidget(api.artifact("ana/demo/clean:v0"), depth=2)
    fake.reset()
    w.select("ana/demo/t1", "ana/demo/model:v1", "ana/demo/raw:v0")
    run, model, raw = w.selected_objects
    assert fake.count() == 0  # made from the fields the walk brought
    assert isinstance(run, SdkRun)
    assert (run.id, run.name, run.job_type, run.entity, run.project) == (
        "t1",
        "brisk-sun-1",
        "train",
        "ana",
        "demo",
    )
    assert isinstance(model, wandb.Artifact)
    assert (model.qualified_name, model.type, model.aliases) == (
        "ana/demo/model:v1",
        "model",
        ["latest", "best"],
    )
    assert raw.description == "the raw data"
    assert raw.metadata == {"rows": 3}
    assert [r.id for r in model.used_by()][:2] == ["e0", "e1"]  # a working SDK object


def test_an_older_server_without_a_field_still_walks(fake: FakeWandb, api: Any) -> None:
    art = api.artifact("ana/demo/model:v1")
    fake.drop_fields("RunConnection.totalCount", "ArtifactConnection.totalCount")
    try:
        fake.reset()
        w = LineageWidget(art)
        assert len(w.graph.consumers(w.root)) == 100
        w.expand(w.root, "downstream")
        assert len(w.graph.consumers(w.root)) == 200
        # One refused query (the field is then left out of every query), then one per page.
        assert fake.requests()["LineageArtifactWalk"] == 1 + 2
    finally:
        fake.drop_fields()


def test_a_walk_that_times_out_stops_asking_and_its_retry_resumes(
    fake: FakeWandb, api: Any
) -> None:
    w = LineageWidget(api.artifact("ana/demo/model:v1"), request_timeout=0.2)
    fake.latency = 0.6
    try:
        fake.reset()
        w._handle_message(w, {"type": "expand", "id": w.root, "direction": "downstream"}, [])
        wait_until(
            lambda: (
                w._explorer.status.get((w.root, "downstream")) is not None
                and not w._explorer.is_loading(w.root, "downstream")
            ),
            "the walk's status, no longer loading",
        )
        assert w._explorer.status[(w.root, "downstream")].state == "error"
        assert w.wait(timeout=10)
        assert fake.count() == 1  # the page in flight, and nothing after it
        assert len(w.graph.consumers(w.root)) == 100
    finally:
        fake.latency = 0.0
    fake.reset()
    w._handle_message(w, {"type": "expand", "id": w.root, "direction": "downstream"}, [])
    assert w.wait(timeout=10)
    assert fake.count() == 0  # the late answer was kept: the retry lands it
    assert len(w.graph.consumers(w.root)) == 200


def test_expand_returns_what_a_walk_landed_meanwhile_for_the_hops_asked(
    fake: FakeWandb, api: Any
) -> None:
    """The notebook's "two hops up" while the page's walk of the producer's inputs is in
    flight: the nodes it lands during the call are what the call made shown."""
    w = LineageWidget(api.artifact("ana/demo/model:v1"))
    fake.latency = 0.5
    try:
        w._handle_message(w, {"type": "expand", "id": "ana/demo/t1", "direction": "upstream"}, [])
        assert w._explorer.is_loading("ana/demo/t1", "upstream")  # claimed by the page's walk
        new = w.expand(w.root, direction="upstream", depth=2)
    finally:
        fake.latency = 0.0
        assert w.wait(timeout=10)
    assert sorted(n.id for n in new) == ["[deleted project]/old-data:v0", "ana/demo/clean:v0"]
    assert w.expand(w.root, direction="upstream", depth=2) == []  # nothing more to show


def test_focus_on_a_node_not_shown_looks_it_up_and_walks_a_few_pages_to_what_is(
    fake: FakeWandb, api: Any
) -> None:
    w = LineageWidget(api.artifact("ana/demo/model:v1"))
    assert "ana/demo/raw:v0" not in w.graph
    fake.reset()
    w.focus("ana/demo/raw:v0")  # three hops above what is shown (t1)
    path = ["ana/demo/raw:v0", "ana/demo/p1", "ana/demo/clean:v0", "ana/demo/t1"]
    assert all(w.graph.has_edge(a, b) for a, b in pairwise(path))
    asked = fake.requests()
    assert asked["LineageFindArtifact"] == 1
    # raw, p1 and clean one page each (clean's refused consumers cost two more queries).
    assert asked["LineageRunWalk"] == 1
    assert fake.count() <= 7, asked
    fake.reset()
    w.expand("ana/demo/p1", "both")  # pages the search read are not asked again
    assert fake.count() == 0
    w.focus("ana/demo/e1")  # shown already: no request
    assert fake.count() == 0
    with pytest.raises(KeyError, match="nosuch:v0"):
        w.focus("ana/demo/nosuch:v0")
    assert fake.requests() == {"LineageFindArtifact": 1}


def test_focus_and_compare_by_alias_use_the_versions_id(fake: FakeWandb, api: Any) -> None:
    w = LineageWidget(api.artifact("ana/demo/clean:v0"))
    recorder = Recorder(w)
    w.focus("ana/demo/model:best")  # model:v1, not shown yet
    assert "ana/demo/model:best" not in w.graph
    assert w.graph.has_edge("ana/demo/t1", "ana/demo/model:v1")
    assert recorder.sent[-1] == {"type": "focus", "id": "ana/demo/model:v1"}
    w.focus("ana/demo/model:best")  # shown now: the same node, focused again
    assert recorder.sent[-1] == {"type": "focus", "id": "ana/demo/model:v1"}
    w.compare("ana/demo/model:best", "ana/demo/clean:v0")
    assert w._comparison is not None
    assert "ana/demo/model:v1" in [n.id for n in w._comparison.only_a]


def test_focus_on_a_run_not_shown(fake: FakeWandb, api: Any) -> None:
    w = LineageWidget(api.artifact("ana/demo/model:v1"))
    fake.reset()
    w.focus("ana/demo/p1")
    assert w.graph.has_edge("ana/demo/p1", "ana/demo/clean:v0")
    assert w.graph.has_edge("ana/demo/clean:v0", "ana/demo/t1")
    assert fake.requests()["LineageFindRun"] == 1
    # p1, then raw and clean one page each (clean's refused consumers cost two more queries).
    assert fake.count() <= 7, fake.requests()


def test_the_wandb_notebook_runs_against_the_fake_backend(fake: FakeWandb, api: Any) -> None:
    """notebooks/wandb.ipynb's code, its project swapped for the fake's (it needs a login)."""
    del api  # (the module's Api: the sidecar is running already)
    notebook = json.loads((Path(__file__).parents[1] / "notebooks" / "wandb.ipynb").read_text())
    namespace: dict[str, Any] = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            code = "".join(cell["source"]).replace('"my-team/my-project"', '"ana/demo"')
            exec(compile(code, "wandb.ipynb", "exec"), namespace)
    w = namespace["w"]
    assert w.root == "ana/demo/model:v1"  # opened as model:latest
    assert "ana/demo/clean:v0" in w.graph  # two hops upstream
    assert isinstance(namespace["artifact"], wandb.Artifact)


def test_the_fake_backend_reads_gzip_bodies_and_answers_only_what_is_asked(
    fake: FakeWandb,
) -> None:
    body = {"query": "query Probe { viewer { username } }", "variables": {}}
    request = urllib.request.Request(
        f"{fake.url}/graphql",
        data=gzip.compress(json.dumps(body).encode()),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    fake.reset()
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"data": {"viewer": {"username": "ana"}}}
    assert fake.requests() == {"Probe": 1}
