"""The W&B stand-ins and WandbSource against the installed wandb SDK (a test dependency).

Unit tests use the look-alike objects of tests/wandb_fakes.py (tests/test_wandb_sdk.py drives
the real SDK against a fake W&B server). These checks keep the look-alikes, and the adapter's
path for them, from drifting away from the real public API: same method names, same
parameters, and every field WandbSource reads really exists on wandb's objects.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import pytest
import wandb
from wandb.apis.attrs import Attrs
from wandb.apis.public import runs as wandb_runs
from wandb_fakes import FakeApi, FakeArtifact, FakeRun, wandb_pipeline

from lineage_widget import LineageWidget
from lineage_widget.sources import wandb as adapter

PAIRS = [
    (wandb.Artifact, FakeArtifact, ["logged_by", "used_by"]),
    (wandb_runs.Run, FakeRun, ["used_artifacts", "logged_artifacts"]),
    (wandb.Api, FakeApi, ["artifact", "run"]),
]


def parameters(function: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(("real", "fake", "names"), PAIRS, ids=lambda v: getattr(v, "__name__", ""))
def test_fakes_have_the_real_method_signatures(real: type, fake: type, names: list[str]) -> None:
    for name in names:
        assert parameters(getattr(fake, name)) == parameters(getattr(real, name)), name


def test_the_walks_the_adapter_calls_are_the_real_ones() -> None:
    assert adapter._ARTIFACT_METHODS == ("logged_by", "used_by")
    assert adapter._RUN_METHODS == ("used_artifacts", "logged_artifacts")
    for name in adapter._ARTIFACT_METHODS:
        assert callable(getattr(wandb.Artifact, name))
    for name in adapter._RUN_METHODS:
        assert callable(getattr(wandb_runs.Run, name))
    # Paginated walks take per_page, which WandbSource passes.
    assert "per_page" in inspect.signature(wandb_runs.Run.used_artifacts).parameters


ARTIFACT_FIELDS = ["qualified_name", "type", "name", "version", "aliases", "created_at"]


def test_every_artifact_field_read_is_a_real_property() -> None:
    read = ARTIFACT_FIELDS + [attr for _, attr in adapter._ARTIFACT_DETAILS]
    for name in read:
        assert isinstance(inspect.getattr_static(wandb.Artifact, name), property), name
        assert hasattr(FakeArtifact("e", "p", "c", "v0", "t"), name), name
    assert "url" not in read  # a request on every access


def test_every_run_field_read_exists() -> None:
    run = wandb_runs.Run
    for name in ["id", "name", "path", "state", "url"]:
        assert isinstance(inspect.getattr_static(run, name, None), property | type(None)), name
    # job_type and created_at come from the GraphQL fragment through Attrs.__getattr__.
    assert issubclass(run, Attrs)
    fragment = inspect.getsource(wandb_runs)
    for name in ["job_type", "created_at"]:
        assert Attrs({}).snake_to_camel(name) in fragment, name
    assert 'self._attrs["user"]' in inspect.getsource(run)
    fake = FakeRun("e", "p", "id", "n")
    for name in ["id", "name", "path", "state", "url", "job_type", "created_at", "user"]:
        assert hasattr(fake, name), name


def test_from_wandb_looks_up_artifacts_and_runs_by_path() -> None:
    objs = wandb_pipeline()
    api = FakeApi({"ana/demo/model:v0": objs["model"], "ana/demo/t1": objs["train"]})
    by_artifact = LineageWidget.from_wandb("ana/demo/model:v0", api=api)
    assert by_artifact.root == "ana/demo/model:v0"
    by_run = LineageWidget.from_wandb("ana/demo/t1", api=api)
    assert by_run.root == "ana/demo/t1"
    assert api.asked == ["ana/demo/model:v0", "ana/demo/t1"]


def test_from_wandb_without_wandb_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "wandb", None)
    with pytest.raises(ImportError, match="pip install wandb"):
        LineageWidget.from_wandb("ana/demo/model:v0")
