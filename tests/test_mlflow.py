"""MlflowSource over real MLflow stores, written by MLflow itself into a temporary folder.

The stores are built once per module (``tests/mlflow_stores.py``): the pipeline (datasets
reviews / reviews-test, runs train-lr0.1/0.03/0.01 each logging a pyfunc model, evaluate
logging accuracy for each model, "notes" with no lineage, version 1 of "sentiment" with alias
"champion" on the second model) and a store with 2,000 runs on one dataset. Tests only read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mlflow  # a test dependency: if it is missing the set-up is broken, which must fail
import pandas as pd
import pytest
from mlflow.entities import Dataset, LoggedModel, Run
from mlflow_stores import (
    Echo,
    Pipeline,
    add_runs_on_dataset,
    copy_store,
    empty_store,
    log_pipeline,
    use_experiment,
)
from polling import wait_until

from lineage_widget import LineageNode, LineageWidget, MlflowSource, _payload
from lineage_widget.explorer import Explorer

WIDE_RUNS = 2000


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder holding an empty MLflow store to copy (creating the tables is slow)."""
    previous = mlflow.get_tracking_uri()
    yield empty_store(tmp_path_factory.mktemp("mlflow") / "template")
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="module")
def pipeline_uri(stores: Path) -> str:
    return copy_store(stores, stores.parent / "pipeline")


@pytest.fixture(scope="module")
def server_process(
    pipeline_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``mlflow server`` on the pipeline's store, started before the pipeline is logged: it
    takes 15-45 s to come up here, which then overlaps the other tests. (process, URI, log)"""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("mlflow-server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mlflow",
                "server",
                "--backend-store-uri",
                pipeline_uri,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its uvicorn child goes with it (killpg below)
        )
    try:
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def pipe(pipeline_uri: str, server_process: object) -> Pipeline:
    del server_process  # (started first, so that it boots while MLflow logs)
    return log_pipeline(pipeline_uri)


@pytest.fixture(scope="module")
def wide(stores: Path) -> tuple[str, str, list[str]]:
    """(tracking URI, dataset digest, run ids) of the store with 2,000 runs on one dataset."""
    uri = copy_store(stores, stores.parent / "wide")
    digest, run_ids = add_runs_on_dataset(uri, WIDE_RUNS)
    return uri, digest, run_ids


@pytest.fixture
def current_store(pipe: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The pipeline's store as MLflow's current tracking URI (and nothing else)."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(pipe.uri)
    yield pipe.uri
    mlflow.set_tracking_uri(previous)


def _client(pipe: Pipeline) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(pipe.uri)


def _edges(widget: LineageWidget) -> set[tuple[str, str]]:
    graph = widget.graph
    return {(graph.node(a).label, graph.node(b).label) for a, b in graph.edges()}


def _fields(explorer: Explorer, node_id: str) -> dict[str, str]:
    return dict(_payload.details(explorer, node_id, full=True)["fields"])


# ---- URIs and objects ---------------------------------------------------------------------


def test_each_uri_form_names_its_entity(pipe: Pipeline) -> None:
    client = _client(pipe)
    champion = pipe.models[1]
    for uri, expected in [
        (f"models:/{champion}", champion),
        ("models:/sentiment/1", champion),
        ("models:/sentiment@champion", champion),
        (f"runs:/{pipe.eval_run}", pipe.eval_run),
        (f"runs:/{pipe.train_runs[0]}/classifier", pipe.train_runs[0]),
    ]:
        widget = LineageWidget.from_mlflow(uri, tracking_uri=pipe.uri)
        assert widget.root == expected, uri
        obj = widget.graph.node(expected).obj
        if expected.startswith("m-"):
            assert isinstance(obj, LoggedModel)
            assert obj.model_id == client.get_logged_model(expected).model_id
        else:
            assert isinstance(obj, Run)
            assert obj.info.run_id == expected


def test_tracking_uri_defaults_to_mlflows_current_one(current_store: str, pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow("models:/sentiment@champion")
    assert widget.root == pipe.models[1]
    assert MlflowSource().tracking_uri == current_store


def test_widget_takes_mlflow_run_and_logged_model(current_store: str, pipe: Pipeline) -> None:
    client = mlflow.MlflowClient(current_store)
    run = client.get_run(pipe.train_runs[0])
    model = client.get_logged_model(pipe.models[0])
    from_run = LineageWidget(run)
    assert from_run.root == pipe.train_runs[0]
    assert ("reviews:" + pipe.train_digest, "train-lr0.1") in _edges(from_run)
    from_model = LineageWidget(model, depth=2)
    assert from_model.root == pipe.models[0]
    assert {("train-lr0.1", "classifier"), ("classifier", "evaluate")} <= _edges(from_model)
    dataset = run.inputs.dataset_inputs[0].dataset
    from_dataset = LineageWidget(dataset)
    assert from_dataset.root == f"reviews@{pipe.train_digest}"
    assert {n.id for n in from_dataset.graph.consumers(from_dataset.root)} == set(pipe.train_runs)


def test_selected_objects_are_mlflow_entities(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow(f"runs:/{pipe.train_runs[0]}", tracking_uri=pipe.uri)
    dataset = f"reviews@{pipe.train_digest}"
    widget.select(dataset, pipe.models[0], pipe.train_runs[0])
    ds, model, run = widget.selected_objects
    assert isinstance(ds, Dataset)
    assert (ds.name, ds.digest) == ("reviews", pipe.train_digest)
    assert isinstance(model, LoggedModel)
    assert model.model_id == pipe.models[0]
    assert isinstance(run, Run)
    assert run.info.run_id == pipe.train_runs[0]


@pytest.mark.parametrize(
    ("uri", "names"),
    [
        ("runs:/0123456789abcdef", ["train-lr0.1", "evaluate", "notes"]),
        ("models:/m-0123456789abcdef", ["classifier"]),
        ("models:/nope/1", ["registered models: sentiment"]),
        ("models:/sentiment/7", ["versions: 1", "aliases: champion"]),
        ("models:/sentiment@gone", ["versions: 1", "aliases: champion"]),
    ],
)
def test_uri_naming_nothing_says_what_exists(pipe: Pipeline, uri: str, names: list[str]) -> None:
    with pytest.raises(LookupError) as caught:
        LineageWidget.from_mlflow(uri, tracking_uri=pipe.uri)
    message = str(caught.value)
    assert repr(uri) in message
    assert repr(pipe.uri) in message
    for name in names:
        assert name in message


def test_missing_run_in_a_big_store_does_not_list_them_all(
    wide: tuple[str, str, list[str]],
) -> None:
    uri = wide[0]
    with pytest.raises(LookupError, match="it has more than 20 runs"):
        LineageWidget.from_mlflow("runs:/0123456789abcdef", tracking_uri=uri)


@pytest.mark.parametrize("uri", ["sentiment", "s3://bucket/model", "models:/", "models:/a/b/c"])
def test_uri_of_another_form_is_refused_by_name(pipe: Pipeline, uri: str) -> None:
    with pytest.raises(ValueError, match=repr(uri).replace("/", "/")):
        LineageWidget.from_mlflow(uri, tracking_uri=pipe.uri)


def test_per_page_must_be_positive(pipe: Pipeline) -> None:
    with pytest.raises(ValueError, match="per_page must be a positive integer, got 0"):
        MlflowSource(pipe.uri, per_page=0)


# ---- the lineage --------------------------------------------------------------------------


def test_walks_follow_mlflow_lineage(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow("models:/sentiment@champion", tracking_uri=pipe.uri)
    graph = widget.graph
    train, evaluate = pipe.train_runs[1], pipe.eval_run
    model = pipe.models[1]
    assert [n.id for n in graph.producers(model)] == [train]
    assert [n.id for n in graph.consumers(model)] == [evaluate]
    widget.expand(train, "upstream")
    widget.expand(evaluate, "upstream")
    widget.wait()
    assert [n.id for n in graph.producers(train)] == [f"reviews@{pipe.train_digest}"]
    # evaluate used the test dataset and the three models (its model inputs)
    assert {n.id for n in graph.producers(evaluate)} == {
        f"reviews-test@{pipe.test_digest}",
        *pipe.models,
    }
    widget.expand(f"reviews@{pipe.train_digest}", "downstream")
    widget.wait()
    assert {n.id for n in graph.consumers(f"reviews@{pipe.train_digest}")} == set(pipe.train_runs)


def test_node_ids_kinds_and_types(pipe: Pipeline) -> None:
    source = MlflowSource(pipe.uri)
    client = source.client
    dataset = client.get_run(pipe.train_runs[0]).inputs.dataset_inputs[0].dataset
    nodes = [
        source.to_node(dataset),
        source.to_node(client.get_run(pipe.train_runs[0])),
        source.to_node(client.get_run(pipe.eval_run)),
        source.to_node(client.get_run(pipe.plain_run)),
        source.to_node(client.get_logged_model(pipe.models[1])),
    ]
    assert [(n.id, n.kind, n.type, n.label) for n in nodes] == [
        (f"reviews@{pipe.train_digest}", "artifact", "dataset", f"reviews:{pipe.train_digest}"),
        (pipe.train_runs[0], "run", "train", "train-lr0.1"),
        (pipe.eval_run, "run", "eval", "evaluate"),
        (pipe.plain_run, "run", "run", "notes"),
        (pipe.models[1], "artifact", "model", "classifier"),
    ]
    assert nodes[-1].aliases == ("sentiment v1", "sentiment@champion")
    with pytest.raises(TypeError, match="not an MLflow Dataset, Run or LoggedModel"):
        source.to_node("m-123")


def test_a_models_versions_read_while_another_walk_reads_them(
    pipe: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walks run in threads: one that asks for a model's registered versions while another is
    still reading them gets them too (not the empty list being filled in), and a refresh's
    forget() in between loses neither."""
    source = MlflowSource(pipe.uri)
    model = source.client.get_logged_model(pipe.models[1])
    search = source.client.search_model_versions
    meanwhile: list[LineageNode] = []
    interleaved: list[bool] = []

    def another_walk_then_a_refresh(*args: Any, **kwargs: Any) -> Any:
        if not interleaved:  # (once: the other walk's own search goes straight to MLflow)
            interleaved.append(True)
            meanwhile.append(source.to_node(model))
            source.forget()
        return search(*args, **kwargs)

    monkeypatch.setattr(source.client, "search_model_versions", another_walk_then_a_refresh)
    registered = ("sentiment v1", "sentiment@champion")
    assert source.to_node(model).aliases == registered
    assert meanwhile[0].aliases == registered
    # What was read before the refresh began is not kept after it: the next walk asks again.
    asked: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(str(args))
        return search(*args, **kwargs)

    monkeypatch.setattr(source.client, "search_model_versions", counted)
    assert source.to_node(model).aliases == registered
    assert len(asked) == 1


def test_dataset_has_no_producer_and_run_without_lineage_has_no_neighbours(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow(f"runs:/{pipe.plain_run}", tracking_uri=pipe.uri)
    assert list(widget.graph) == [pipe.plain_run]
    dataset_widget = LineageWidget.from_mlflow(f"runs:/{pipe.train_runs[0]}", tracking_uri=pipe.uri)
    dataset = f"reviews@{pipe.train_digest}"
    dataset_widget.expand(dataset, "upstream")
    dataset_widget.wait()
    assert dataset_widget.graph.producers(dataset) == []


def test_four_walks_return_mlflow_entities(pipe: Pipeline) -> None:
    source = MlflowSource(pipe.uri)
    client = source.client
    model = client.get_logged_model(pipe.models[0])
    producer = source.logged_by(model)
    assert isinstance(producer, Run)
    assert producer.info.run_id == pipe.train_runs[0]
    assert [r.info.run_id for r in source.used_by(model)] == [pipe.eval_run]
    train = client.get_run(pipe.train_runs[0])
    assert [m.model_id for m in source.logged_artifacts(train)] == [pipe.models[0]]
    (dataset,) = source.used_artifacts(train)
    assert [r.info.run_id for r in source.used_by(dataset)] == pipe.train_runs


# ---- previews ------------------------------------------------------------------------------


def test_run_preview_has_mlflows_fields(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow(f"runs:/{pipe.train_runs[0]}", tracking_uri=pipe.uri)
    fields = _fields(widget._explorer, pipe.train_runs[0])
    run = _client(pipe).get_run(pipe.train_runs[0])
    assert fields["Job type"] == "train"
    assert fields["Status"] == "FINISHED"
    assert fields["Params"] == '{"epochs": "3", "lr": "0.1"}'
    assert fields["Metrics"] == '{"loss": 0.9}'
    assert fields["Tags"] == '{"job_type": "train"}'
    assert fields["Started"].startswith(fields["Created"][:10])
    assert "Ended" in fields
    assert fields["Artifact location"] == run.info.artifact_uri
    assert all(isinstance(v, str) for v in fields.values())


def test_model_preview_lists_metrics_with_dataset_and_run(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow("models:/sentiment/1", tracking_uri=pipe.uri)
    fields = _fields(widget._explorer, pipe.models[1])
    assert fields["Registered versions"] == "sentiment v1 @champion"
    assert fields["Aliases"] == "sentiment v1, sentiment@champion"
    metrics = fields["Metrics"]
    assert f"loss = 0.97 (dataset reviews@{pipe.train_digest}; run {pipe.train_runs[1]})" in metrics
    assert f"accuracy = 0.92 (dataset reviews-test@{pipe.test_digest}; run {pipe.eval_run})" in (
        metrics
    )
    assert fields["Status"] == "READY"
    assert fields["Source run"] == pipe.train_runs[1]
    assert fields["Params"] == '{"epochs": "3", "lr": "0.03"}'  # the run's, as MLflow copies them
    assert fields["Model URI"] == f"models:/{pipe.models[1]}"
    # the counts come with the model (its source run, the runs that logged metrics for it)
    preview = _payload.details(widget._explorer, pipe.models[1])
    assert (preview["inputs"], preview["outputs"]) == (1, 1)


def test_dataset_preview_has_digest_schema_and_profile(pipe: Pipeline) -> None:
    widget = LineageWidget.from_mlflow(f"runs:/{pipe.train_runs[0]}", tracking_uri=pipe.uri)
    fields = _fields(widget._explorer, f"reviews@{pipe.train_digest}")
    assert fields["Type"] == "dataset"
    assert fields["Digest"] == pipe.train_digest
    assert '"name": "text"' in fields["Schema"]
    assert '"num_rows": 4' in fields["Profile"]


# ---- cost per page ---------------------------------------------------------------------------


class _Calls:
    """Counts the MlflowClient calls a source makes (the real client answers them)."""

    def __init__(self, source: MlflowSource) -> None:
        self.counts: Counter[str] = Counter()
        for name in (
            "search_runs",
            "get_run",
            "search_logged_models",
            "get_logged_model",
            "search_model_versions",
            "get_registered_model",
            "search_experiments",
        ):
            setattr(source.client, name, self._counted(name, getattr(source.client, name)))

    def _counted(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] += 1
            return method(*args, **kwargs)

        return call


def test_small_pages_resume_where_they_stopped(pipe: Pipeline) -> None:
    source = MlflowSource(pipe.uri, per_page=2)
    widget = LineageWidget(source.lookup(f"runs:/{pipe.eval_run}"), source=source)
    graph = widget.graph
    seen = [n.id for n in graph.producers(pipe.eval_run)]
    assert len(seen) == 2  # one page of the four inputs
    for _ in range(3):
        widget.expand(pipe.eval_run, "upstream")
        widget.wait()
    assert {n.id for n in graph.producers(pipe.eval_run)} == {
        f"reviews-test@{pipe.test_digest}",
        *pipe.models,
    }
    dataset = f"reviews@{pipe.train_digest}"
    widget.expand(pipe.models[0], "upstream")
    widget.wait()
    widget.expand(pipe.train_runs[0], "upstream")
    widget.wait()
    for _ in range(3):
        widget.expand(dataset, "downstream")
        widget.wait()
    assert [n.id for n in graph.consumers(dataset)] == pipe.train_runs


def test_dataset_of_2000_runs_pages_through_searches(wide: tuple[str, str, list[str]]) -> None:
    uri, digest, run_ids = wide
    source = MlflowSource(uri)
    calls = _Calls(source)
    widget = LineageWidget(source.lookup(f"runs:/{run_ids[0]}"), source=source)
    dataset = f"wide@{digest}"
    widget.expand(dataset, "downstream")
    assert len(widget.graph.consumers(dataset)) == 100  # the first page only
    assert calls.counts["search_runs"] == 1
    while widget._explorer.more(dataset, "downstream"):
        widget.expand(dataset, "downstream")
        widget.wait()
    consumers = [n.id for n in widget.graph.consumers(dataset)]
    assert sorted(consumers) == sorted(run_ids)
    assert len(consumers) == WIDE_RUNS
    # one search per page of 100, never a request per run
    assert calls.counts["search_runs"] == WIDE_RUNS // 100
    assert calls.counts["get_run"] == 1  # the root's inputs


def test_used_by_reads_every_page_of_a_big_walk(wide: tuple[str, str, list[str]]) -> None:
    """The W&B-style walks read a walk whole, page after page (``PagedSource.walk``)."""
    uri, _digest, run_ids = wide
    source = MlflowSource(uri)
    calls = _Calls(source)
    (dataset,) = source.used_artifacts(source.lookup(f"runs:/{run_ids[0]}"))
    searches = calls.counts["search_runs"]
    consumers = source.used_by(dataset)
    assert sorted(r.info.run_id for r in consumers) == sorted(run_ids)
    assert calls.counts["search_runs"] - searches == WIDE_RUNS // source.walk_page  # 2 pages


def test_focus_on_nodes_not_shown_finds_them_and_their_path(pipe: Pipeline) -> None:
    source = MlflowSource(pipe.uri)
    widget = LineageWidget(source.lookup(f"runs:/{pipe.train_runs[0]}"), source=source)
    calls = _Calls(source)
    other_model, other_run = pipe.models[2], pipe.train_runs[2]
    assert other_model not in widget.graph
    # model 2 <- train-lr0.01 <- reviews (shown: the root's input)
    widget.focus(other_model)
    assert widget.graph.has_edge(other_run, other_model)
    assert widget.graph.has_edge(f"reviews@{pipe.train_digest}", other_run)
    assert calls.counts["get_logged_model"] <= 2, calls.counts  # the lookup, its consumers
    # get_logged_model, its source run, that run's inputs (reviews: shown), and the model's
    # registered versions and consumers: 6 client calls here.
    assert sum(calls.counts.values()) <= 6, calls.counts
    test_data = f"reviews-test@{pipe.test_digest}"
    widget.focus(test_data)  # a dataset: found through a run that used it, then evaluate
    assert widget.graph.has_edge(test_data, pipe.eval_run)
    assert any(widget.graph.has_edge(m, pipe.eval_run) for m in (pipe.models[0], other_model))
    widget.focus(pipe.plain_run)  # no lineage: drawn on its own
    assert pipe.plain_run in widget.graph
    for missing in ("m-0123abcd", "0" * 32, "nothing@0000"):
        with pytest.raises(KeyError, match=missing):
            widget.focus(missing)


# ---- through a tracking server -------------------------------------------------------------


@pytest.fixture(scope="module")
def server(server_process: tuple[subprocess.Popen[bytes], str, Path], pipe: Pipeline) -> str:
    """The tracking URI (http://...) of ``mlflow server`` on the pipeline's store, once it
    answers."""
    process, uri, log = server_process

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"mlflow server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2):
                return True
        except OSError:
            return False

    wait_until(
        answers, lambda: f"mlflow server's /health; log: {log.read_text()[-2000:]}", 120, 0.2
    )
    return uri


def test_a_tracking_server_is_read_like_a_local_store(server: str, pipe: Pipeline) -> None:
    local = LineageWidget.from_mlflow("models:/sentiment@champion", tracking_uri=pipe.uri, depth=2)
    remote = LineageWidget.from_mlflow("models:/sentiment@champion", tracking_uri=server, depth=2)
    assert sorted(remote.graph) == sorted(local.graph)
    assert _edges(remote) == _edges(local)
    dataset = f"reviews@{pipe.train_digest}"
    source = MlflowSource(server, per_page=2)
    paged = LineageWidget(source.lookup(f"runs:/{pipe.train_runs[0]}"), source=source)
    for _ in range(2):
        paged.expand(dataset, "downstream")
        paged.wait()
    assert [n.id for n in paged.graph.consumers(dataset)] == pipe.train_runs
    with pytest.raises(LookupError, match="aliases: champion"):
        source.lookup("models:/sentiment@gone")


# ---- without mlflow ---------------------------------------------------------------------------


def test_lineage_widget_imports_and_works_without_mlflow() -> None:
    code = """
import sys
sys.modules["mlflow"] = None  # as if mlflow were not installed
import lineage_widget
from lineage_widget import LineageGraph, LineageWidget, MlflowSource
graph = LineageGraph()
graph.add_artifact("a:v0", type="dataset")
LineageWidget(graph)
try:
    MlflowSource()
except ImportError as exc:
    print(exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert 'pip install "lineage-widget[mlflow]"' in done.stdout


def test_refresh_draws_what_mlflow_logged_meanwhile(stores: Path) -> None:
    uri = copy_store(stores, stores.parent / "refresh")
    use_experiment(uri, "grow")
    data = mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2]}), name="grow")
    with mlflow.start_run(run_name="train-0", tags={"job_type": "train"}) as first:
        mlflow.log_input(data, context="training")
        model = mlflow.pyfunc.log_model(name="m", python_model=Echo(), pip_requirements=[])
    w = LineageWidget.from_mlflow(
        f"runs:/{first.info.run_id}", tracking_uri=uri, cluster_threshold=None
    )
    dataset = f"grow@{data.digest}"
    w.expand(dataset, "downstream")
    assert w.graph.node(model.model_id).aliases == ()
    with mlflow.start_run(run_name="train-1", tags={"job_type": "train"}) as second:
        mlflow.log_input(data, context="training")  # the sweep goes on
    mlflow.register_model(f"models:/{model.model_id}", "grown")
    new = w.refresh()
    assert [n.id for n in new] == [second.info.run_id]
    # The source read the model's registered versions before: a refresh asks again.
    assert w.graph.node(model.model_id).aliases == ("grown v1",)
