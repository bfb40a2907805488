"""TrackioSource over real Trackio projects, written by trackio itself into a temporary store.

One store per module (trackio writes a few hundred ms of SQLite): project "sweep" is
upload -> raw:v0 -> prep -> clean:v0 -> train-0..2 -> model:v0..v2 -> eval -> scores:v0,
project "other" has two runs named "dup". The tests only read it.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trackio  # a test dependency: if it is missing the set-up is broken, which must fail
from trackio_support import log_file_artifact, point_trackio_at, start_run, write_wide_store

from lineage_widget import LineageWidget, _payload
from lineage_widget.sources.trackio import (
    TrackioArtifact,
    TrackioRun,
    TrackioSource,
)
from lineage_widget.sources.trackio import store as trackio_store
from lineage_widget.sources.trackio.source import db_filename

BUILD_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("trackio")
    store, files = root / "store", root / "files"
    files.mkdir()
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as mp:
        point_trackio_at(mp, store)
        start_run("sweep", "upload")  # logs no metrics: no config row, so no job type
        log_file_artifact(
            files, "raw", "dataset", "r0", description="the raw data", metadata={"rows": 100}
        )
        trackio.finish()
        start_run("sweep", "prep", job_type="preprocess")
        trackio.use_artifact("raw")
        trackio.log({"rows": 100})
        log_file_artifact(files, "clean", "dataset", "c0")
        trackio.finish()
        for i in range(3):
            start_run("sweep", f"train-{i}", job_type="train", lr=10**-i)
            trackio.use_artifact("clean:latest")
            trackio.log({"loss": 1 / (i + 1)})
            log_file_artifact(
                files, "model", "model", f"m{i}", aliases=["best"] if i == 1 else None
            )
            trackio.finish()
        start_run("sweep", "eval", job_type="eval")
        for i in range(3):
            trackio.use_artifact(f"model:v{i}")
        trackio.log({"acc": 0.9})
        log_file_artifact(files, "scores", "report", "s0")
        trackio.finish()
        for _ in range(2):
            start_run("other", "dup")
            trackio.log({"x": 1})
            trackio.finish()
        BUILD_SECONDS["store"] = time.perf_counter() - started
        yield store


@pytest.fixture(scope="module")
def source(store: Path) -> TrackioSource:
    return TrackioSource("sweep", trackio_dir=store)


def _ids(objs: Any, source: TrackioSource) -> list[str]:
    return [source.to_node(o).id for o in objs]


# ---- lookups ------------------------------------------------------------------------------


def test_artifact_lookup_by_version_alias_and_latest(source: TrackioSource) -> None:
    assert source.artifact("model:v1").version == "v1"
    assert source.artifact("model:best") == source.artifact("model:v1")
    assert source.artifact("model").version == "v2"  # latest
    assert source.artifact("model:latest").version == "v2"
    assert source.artifact("sweep/model:v0").qualified_name == "sweep/model:v0"


def test_artifact_node_fields(source: TrackioSource) -> None:
    raw = source.artifact("raw:v0")
    node = source.to_node(raw)
    assert node.id == "sweep/raw:v0"
    assert (node.kind, node.type, node.name, node.version, node.label) == (
        "artifact",
        "dataset",
        "raw",
        "v0",
        "raw:v0",
    )
    assert node.aliases == ("latest",)
    assert (node.created_at or "").startswith("20")
    assert node.details["Description"] == "the raw data"
    assert node.details["rows"] == 100  # the metadata's fields, each a row of the panel
    assert "Metadata" not in node.details
    assert node.details["Size"] == 2
    assert node.details["Files"] == 1
    assert len(node.details["Digest"]) == 64
    assert node.obj is raw
    assert source.to_node(source.artifact("model:v1")).aliases == ("best",)


def test_artifact_object_is_useful_on_its_own(source: TrackioSource) -> None:
    model = source.artifact("model:best")
    assert repr(model) == "TrackioArtifact('sweep/model:v1', type='model', aliases=['best'])"
    assert (model.spec, model.qualified_name, model.producer_run_name) == (
        "model:v1",
        "sweep/model:v1",
        "train-1",
    )
    # W&B-style walks on the object itself
    assert model.logged_by() == source.run("train-1")
    assert [r.name for r in model.used_by()] == ["eval"]


def test_run_node_fields(source: TrackioSource) -> None:
    run = source.run("train-1")
    node = source.to_node(run)
    assert node.id == f"sweep/{run.id}"
    assert len(run.id) == 32  # trackio's run id (a uuid4 hex), unique where names need not be
    assert (node.kind, node.type, node.label) == ("run", "train", "train-1")
    assert node.details["Run id"] == run.id
    assert node.details["Config"] == {"job_type": "train", "lr": 0.1}
    assert (node.created_at or "").startswith("20")
    assert source.run(run.id) == run  # by id too
    assert [r.name for r in run.used_artifacts()] == ["clean"]


def test_run_without_config_is_typed_run(source: TrackioSource) -> None:
    upload = source.run("upload")
    assert upload.job_type is None
    assert upload.config == {}
    node = source.to_node(upload)
    assert (node.type, node.label) == ("run", "upload")
    assert node.created_at  # from its first link


def test_lookup_errors_name_what_is_missing_and_what_exists(
    source: TrackioSource, store: Path
) -> None:
    with pytest.raises(LookupError, match=r"no artifact 'modle' in Trackio project 'sweep'") as e:
        source.artifact("modle:v1")
    assert str(store) in str(e.value)
    assert "artifacts: clean, model, raw, scores" in str(e.value)
    with pytest.raises(LookupError, match=r"no version or alias 'v7'.*versions: v0, v1, v2.*"):
        source.artifact("model:v7")
    with pytest.raises(LookupError, match=r"aliases: best, latest"):
        source.artifact("model:prod")
    with pytest.raises(LookupError, match=r"names project 'elsewhere'"):
        source.artifact("elsewhere/model:v1")
    with pytest.raises(LookupError, match=r"no run named 'trian-1'.*runs: eval, prep, train-0"):
        source.run("trian-1")


def test_ambiguous_run_name_lists_the_ids(store: Path) -> None:
    other = TrackioSource("other", trackio_dir=store)
    with pytest.raises(LookupError, match=r"2 runs are named 'dup'.*pass one of their ids"):
        other.run("dup")
    ids = {key for (key,) in _config_run_ids(store / "other.db")}
    assert {other.run(i).id for i in ids} == ids


def _config_run_ids(db: Path) -> list[tuple[str]]:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT run_id FROM configs").fetchall()


def test_unknown_project_or_store(store: Path, tmp_path: Path) -> None:
    with pytest.raises(
        FileNotFoundError, match=r"no Trackio project 'swep'.*projects: other, sweep"
    ):
        TrackioSource("swep", trackio_dir=store)
    with pytest.raises(FileNotFoundError, match=r"which does not exist"):
        TrackioSource("sweep", trackio_dir=tmp_path / "nowhere")


def test_store_defaults_to_trackio_dir(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKIO_DIR", str(store))
    assert TrackioSource("sweep").trackio_dir == store
    monkeypatch.delenv("TRACKIO_DIR")
    point_trackio_at(monkeypatch, store)  # as if trackio had been imported with it
    monkeypatch.delenv("TRACKIO_DIR")
    assert TrackioSource("sweep").db_path == store / "sweep.db"


def test_wrong_object_is_named(source: TrackioSource) -> None:
    with pytest.raises(TypeError, match=r"'nope' is neither a TrackioArtifact nor a TrackioRun"):
        source.to_node("nope")


# ---- walks and counts -------------------------------------------------------------------


def test_the_four_walks(source: TrackioSource) -> None:
    clean = source.artifact("clean:v0")
    assert source.to_node(source.logged_by(clean)).label == "prep"
    assert [r.name for r in source.used_by(clean)] == ["train-0", "train-1", "train-2"]
    evaluation = source.run("eval")
    assert [a.spec for a in source.used_artifacts(evaluation)] == [
        "model:v0",
        "model:v1",
        "model:v2",
    ]
    assert [a.spec for a in source.logged_artifacts(evaluation)] == ["scores:v0"]
    assert source.used_artifacts(source.run("upload")) == []
    assert source.used_by(source.artifact("scores")) == []


@pytest.mark.parametrize(
    ("obj", "direction", "expected"),
    [
        ("raw:v0", "upstream", 1),
        ("raw:v0", "downstream", 1),
        ("clean:v0", "downstream", 3),
        ("scores:v0", "downstream", 0),
        ("run:eval", "upstream", 3),
        ("run:eval", "downstream", 1),
        ("run:upload", "upstream", 0),
    ],
)
def test_counts_match_the_walks(
    source: TrackioSource, obj: str, direction: str, expected: int
) -> None:
    thing = source.run(obj[4:]) if obj.startswith("run:") else source.artifact(obj)
    node = source.to_node(thing)
    assert source.neighbour_count(node, direction) == expected  # type: ignore[arg-type]
    assert len(source.neighbours(node, direction)) == expected  # type: ignore[arg-type]


def test_find_path_from_the_known_end(source: TrackioSource) -> None:
    train1 = source.to_node(source.run("train-1")).id
    found = source.find_path("sweep/raw:v0", [train1])
    assert found is not None
    target, edges = found
    assert target.id == "sweep/raw:v0"
    labels = [(s.label, d.label) for s, d in edges]
    assert labels == [("clean:v0", "train-1"), ("prep", "clean:v0"), ("raw:v0", "prep")]
    prep = source.to_node(source.run("prep")).id
    run_found = source.find_path(prep, ["sweep/raw:v0"])
    assert run_found is not None
    assert [(s.label, d.label) for s, d in run_found[1]] == [("raw:v0", "prep")]
    lone = source.find_path("sweep/scores:v0", [])
    assert lone is not None
    assert lone[1] == []
    assert source.find_path("sweep/ghost:v0", [train1]) is None
    assert source.find_path("elsewhere/raw:v0", [train1]) is None


# ---- read-only --------------------------------------------------------------------------


def _fingerprint(store: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every file, except SQLite's WAL companions."""
    return {
        str(p.relative_to(store)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(store.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def test_reading_never_writes_the_store(store: Path) -> None:
    before = _fingerprint(store)
    source = TrackioSource("sweep", trackio_dir=store)
    for spec in ("raw", "clean", "model:v0", "model:v1", "model:v2", "scores"):
        art = source.artifact(spec)
        for direction in ("upstream", "downstream"):
            node = source.to_node(art)
            source.neighbour_count(node, direction)
            for run in source.neighbours(node, direction):
                source.neighbours(source.to_node(run), "upstream")
    source.find_path("sweep/raw:v0", ["sweep/scores:v0"])
    with pytest.raises(LookupError):
        source.run("nobody")
    assert _fingerprint(store) == before
    assert all(p.stat().st_size == 0 for p in store.glob("*-wal"))  # no pending writes either


# ---- the widget -------------------------------------------------------------------------


def test_widget_end_to_end(source: TrackioSource) -> None:
    w = LineageWidget(source.artifact("model:v1"), source=source)
    train1, evaluation = source.run("train-1"), source.run("eval")
    t1, ev = f"sweep/{train1.id}", f"sweep/{evaluation.id}"
    assert w.root == "sweep/model:v1"
    assert set(w.graph) == {"sweep/model:v1", t1, ev}
    assert w._explorer.more(t1, "upstream") == 1  # clean:v0, counted in SQL
    assert w._explorer.more(ev, "upstream") == 2  # model:v0 and model:v2
    w.expand(ev, "upstream")
    assert {"sweep/model:v0", "sweep/model:v2"} <= set(w.graph)
    w.focus("sweep/raw:v0")  # found through find_path, with the path to what is shown
    assert w.graph.has_edge("sweep/raw:v0", f"sweep/{source.run('prep').id}")
    w.select("sweep/model:v1", t1)
    assert w.selected_objects == [source.artifact("model:best"), train1]
    assert isinstance(w.selected_objects[0], TrackioArtifact)
    assert isinstance(w.selected_objects[1], TrackioRun)
    fields = dict(_payload.details(w._explorer, "sweep/model:v1")["fields"])
    assert fields["Aliases"] == "best"
    assert fields["Logged by"] == "train-1"


def test_widget_accepts_a_run(source: TrackioSource) -> None:
    w = LineageWidget(source.run("prep"), source=source, depth=2)
    labels = sorted(w.graph.node(i).label for i in w.graph)
    assert labels == ["clean:v0", "prep", "raw:v0", "train-0", "train-1", "train-2", "upload"]


def test_store_build_time_is_reported(store: Path) -> None:
    print(f"trackio wrote the test store in {BUILD_SECONDS['store']:.2f}s")
    assert BUILD_SECONDS["store"] < 60


# ---- other projects -----------------------------------------------------------------------
# Project "vendor" logs ext:v0; "lab" uses it (an artifact of another project), logs feat:v0 and
# model:v0 from it, and its run "mix" uses feat:v0 and ext:v0; "judges" uses lab's model:v0 (a
# run of another project). Written by trackio.


@pytest.fixture(scope="module")
def cross_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trackio-cross")
    store, files = root / "store", root / "files"
    files.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        point_trackio_at(mp, store)
        start_run("vendor", "fetch", job_type="download")
        trackio.log({"n": 1})
        ext = log_file_artifact(files, "ext", "dataset", "e0", description="vendor data")
        trackio.finish()
        start_run("lab", "prep", job_type="preprocess")
        trackio.use_artifact(ext)  # an Artifact of project "vendor": trackio links both stores
        trackio.log({"n": 1})
        log_file_artifact(files, "feat", "dataset", "f0")
        trackio.finish()
        start_run("lab", "train", job_type="train")
        trackio.use_artifact("feat")
        trackio.log({"loss": 1})
        model = log_file_artifact(files, "model", "model", "m0")
        trackio.finish()
        start_run("lab", "mix", job_type="eval")  # inputs of this project and of another
        trackio.use_artifact("feat")
        trackio.use_artifact(ext)
        trackio.log({"n": 1})
        trackio.finish()
        start_run("judges", "judge", job_type="eval")
        trackio.use_artifact(model)
        trackio.log({"acc": 1})
        trackio.finish()
    return store


def test_runs_of_other_projects_are_shown_with_their_project(cross_store: Path) -> None:
    lab = TrackioSource("lab", trackio_dir=cross_store)
    model = lab.artifact("model:v0")
    (judge,) = lab.used_by(model)
    assert (judge.project, judge.name, judge.job_type) == ("judges", "judge", "eval")
    node = lab.to_node(judge)
    assert node.id == f"judges/{judge.id}"
    assert node.label == "judges/judge"  # the project is in the label, not only in the id
    assert node.details["Project"] == "judges"
    assert lab.neighbour_count(lab.to_node(model), "downstream") == 1
    # its walks go on in its own project's database: it used lab's model
    assert [a.qualified_name for a in judge.used_artifacts()] == ["lab/model:v0"]


def test_artifacts_of_other_projects_are_shown_with_their_project(cross_store: Path) -> None:
    lab = TrackioSource("lab", trackio_dir=cross_store)
    prep = lab.run("prep")
    (ext,) = lab.used_artifacts(prep)
    assert ext.qualified_name == "vendor/ext:v0"
    assert ext.description == "vendor data"  # read from vendor's own database
    node = lab.to_node(ext)
    assert (node.label, node.details["Project"]) == ("vendor/ext:v0", "vendor")
    counts = lab.neighbour_counts([lab.to_node(prep)])
    assert counts[(lab.to_node(prep).id, "upstream")] == 1  # the external link is counted
    fetch = lab.logged_by(ext)
    assert fetch is not None
    assert (fetch.project, fetch.name) == ("vendor", "fetch")  # the lineage crosses projects
    assert lab.run("prep") == prep


def test_an_other_project_missing_from_the_store_shows_what_was_noted(
    cross_store: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "store"
    partial.mkdir()
    for name in ("lab.db",):
        shutil.copy(cross_store / name, partial / name)
    lab = TrackioSource("lab", trackio_dir=partial)
    (ext,) = lab.used_artifacts(lab.run("prep"))
    assert (ext.qualified_name, ext.type, ext.size) == ("vendor/ext:v0", "dataset", 2)
    node = lab.to_node(ext)
    assert lab.neighbour_counts([node]) == {(node.id, "upstream"): 0, (node.id, "downstream"): 0}
    assert lab.logged_by(ext) is None
    (judge,) = lab.used_by(lab.artifact("model:v0"))
    assert (judge.project, judge.name) == ("judges", "judge")
    assert [a.qualified_name for a in judge.used_artifacts()] == ["lab/model:v0"]


def test_a_run_pages_through_its_own_and_other_projects_artifacts(cross_store: Path) -> None:
    lab = TrackioSource("lab", trackio_dir=cross_store)
    mix = lab.to_node(lab.run("mix"))
    first = lab.page(mix, "upstream", None, 1)
    assert ([a.qualified_name for a in first.items], first.total) == (["lab/feat:v0"], 2)
    second = lab.page(mix, "upstream", first.cursor, 1)
    assert [a.qualified_name for a in second.items] == ["vendor/ext:v0"]
    assert second.cursor is None
    assert [a.qualified_name for a in lab.used_artifacts(mix.obj)] == [
        "lab/feat:v0",
        "vendor/ext:v0",
    ]


def test_widget_crosses_projects(cross_store: Path) -> None:
    w = LineageWidget.from_trackio("lab", artifact="feat:v0", trackio_dir=cross_store, depth=2)
    labels = sorted(w.graph.node(i).label for i in w.graph)
    assert labels == ["feat:v0", "mix", "model:v0", "prep", "train", "vendor/ext:v0"]
    judge = TrackioSource("judges", trackio_dir=cross_store).run("judge")
    w.focus(f"judges/{judge.id}")  # a run of another project, found by the path search
    assert w.graph.has_edge("lab/model:v0", f"judges/{judge.id}")
    w.focus("vendor/ext:v0")
    assert "vendor/ext:v0" in w.graph


# ---- paging, counts and connections on a big store ----------------------------------------

WIDE = 1_000  # bulk consumers of wide/model:v0, beside the one logged through trackio


@pytest.fixture(scope="module")
def wide_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wide_store(tmp_path_factory.mktemp("trackio-wide"), WIDE)


@pytest.fixture
def wide(wide_store: Path) -> TrackioSource:
    return TrackioSource("wide", trackio_dir=wide_store)


def test_walks_are_paged_in_sql(wide: TrackioSource) -> None:
    model = wide.to_node(wide.artifact("model:v0"))
    seen: list[str] = []
    first = wide.page(model, "downstream", None, 100)
    assert (len(first.items), first.total) == (100, WIDE + 1)
    cursor, pages = first.cursor, 1
    seen += [r.qualified_name for r in first.items]
    while cursor is not None:
        page = wide.page(model, "downstream", cursor, 100)
        seen += [r.qualified_name for r in page.items]
        cursor, pages = page.cursor, pages + 1
    assert pages == 11
    assert len(seen) == len(set(seen)) == WIDE + 1  # every consumer once
    assert wide.used_by(wide.artifact("model:v0"))[0].name == "eval-api"  # link order


def test_a_page_costs_a_few_queries_and_its_counts_one(wide: TrackioSource) -> None:
    model = wide.to_node(wide.artifact("model:v0"))
    statements: list[str] = []
    wide.store.conn.set_trace_callback(statements.append)
    try:
        page = wide.page(model, "downstream", None, 100)
        walked = len(statements)
        nodes = [wide.to_node(r) for r in page.items]
        counts = wide.neighbour_counts(nodes)
    finally:
        wide.store.conn.set_trace_callback(None)
    assert walked <= 4  # count, links, configs, first links: whatever the fan-out
    assert len(statements) - walked == 1  # the counts of 100 runs
    assert all(counts[(n.id, "upstream")] == 1 for n in nodes)
    assert all(counts[(n.id, "downstream")] == 0 for n in nodes)


def test_one_connection_per_thread_reused(
    wide: TrackioSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    real_connect = sqlite3.connect

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(threading.get_ident())
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(trackio_store.sqlite3, "connect", counting_connect)
    fresh = TrackioSource("wide", trackio_dir=wide.trackio_dir)
    w = LineageWidget(fresh.artifact("model:v0"), source=fresh)
    w.expand("wide/model:v0", "downstream")
    assert len(opened) == 1
    worker = threading.Thread(target=lambda: fresh.used_by(fresh.artifact("clean")))
    worker.start()
    worker.join()
    assert len(opened) == 2
    assert opened[1] != opened[0]


def test_the_widget_reaches_every_consumer_by_paging(wide: TrackioSource) -> None:
    w = LineageWidget(wide.artifact("model:v0"), source=wide)
    root = "wide/model:v0"
    consumers = {i for i in w.graph if w.graph.has_edge(root, i)}
    assert len(consumers) == 100  # the first page
    assert w._explorer.more(root, "downstream") == WIDE + 1 - 100  # the count of the rest
    while w._explorer.more(root, "downstream"):
        w.expand(root, "downstream")
    consumers = {i for i in w.graph if w.graph.has_edge(root, i)}
    assert len(consumers) == WIDE + 1


def test_path_search_reads_only_the_hops_it_needs(wide: TrackioSource) -> None:
    target = wide.run("eval-999")
    statements: list[str] = []
    wide.store.conn.set_trace_callback(statements.append)
    try:
        found = wide._search(target.qualified_name, {"wide/model:v0"})
    finally:
        wide.store.conn.set_trace_callback(None)
    assert found is not None
    records, explored = found
    assert [r.qualified_name for r in records] == ["wide/model:v0", target.qualified_name]
    assert len(explored) == 2  # one hop: the consumers of model:v0 were never read
    assert len(statements) <= 6
    far = wide.find_path("wide/raw:v0", [target.qualified_name])
    assert far is not None
    assert [(s.label, d.label) for s, d in far[1]] == [
        ("model:v0", "eval-999"),
        ("train", "model:v0"),
        ("clean:v0", "train"),
        ("prep", "clean:v0"),
        ("raw:v0", "prep"),
    ]


@pytest.mark.parametrize("project", ["sweep", "my.model", "a b/c", "ünï-cödé_1", "...", ""])
def test_db_filename_follows_trackio(project: str) -> None:
    from trackio.sqlite_storage import SQLiteStorage  # noqa: PLC0415

    assert db_filename(project) == SQLiteStorage.get_project_db_filename(project)
