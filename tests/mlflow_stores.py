"""Real MLflow tracking stores for the tests, the notebook's twin and the benchmark.

Everything is written by MLflow itself (its fluent API and ``MlflowClient``) into SQLite
stores in a temporary folder; nothing is faked.

- :func:`empty_store`: a store with MLflow's tables. Creating them runs MLflow's migrations
  (several seconds), so a session makes one and copies the file for each store it needs.
- :func:`log_pipeline`: a dataset, a sweep of three training runs each logging a pyfunc
  model, an evaluation logging metrics for each model on a test dataset, a registered
  version with an alias, and a run without a job type.
- :func:`add_runs_on_dataset`: many runs using one dataset. Logging them one by one through
  the fluent API (``start_run`` + ``log_input``) costs 0.14 s a run here (about 5 minutes for
  2,000), so the first few are logged through the API and the rest are copies of their rows
  (``runs``, ``tags``, ``inputs``, ``input_tags``) inserted in one transaction with MLflow's own
  SQLAlchemy tables, with new run ids, names and start times: about 1 s for 2,000.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import sqlalchemy as sa
from mlflow.store.tracking.dbmodels.models import SqlInput, SqlInputTag, SqlRun, SqlTag

STORE_FILE = "mlflow.db"


def store_uri(folder: Path) -> str:
    return f"sqlite:///{folder / STORE_FILE}"


def empty_store(folder: Path) -> Path:
    """A store with MLflow's tables (and nothing else) in ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    mlflow.MlflowClient(store_uri(folder)).search_experiments()  # creates the tables
    return folder


def copy_store(template: Path, folder: Path) -> str:
    """A new store in ``folder``, copied from ``template``; returns its tracking URI."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template / STORE_FILE, folder / STORE_FILE)
    return store_uri(folder)


class Echo(mlflow.pyfunc.PythonModel):
    """A pyfunc model needing no ML library."""

    # (model_input's hint: MLflow warns about a predict without one, or with one it cannot use)
    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        del context, params
        return model_input


@dataclass
class Pipeline:
    """What :func:`log_pipeline` logged: ids to look for."""

    uri: str
    train: pd.DataFrame
    train_digest: str
    test_digest: str
    train_runs: list[str]
    models: list[str]
    eval_run: str
    plain_run: str


def use_experiment(uri: str, name: str) -> str:
    """Log to experiment ``name`` of the store at ``uri`` from now on; returns its id.

    Its artifacts go next to the store (MLflow's default is ``./mlruns`` in the working folder).
    """
    mlflow.set_tracking_uri(uri)
    client = mlflow.MlflowClient(uri)
    found = client.get_experiment_by_name(name)
    if found is not None:
        experiment_id = str(found.experiment_id)
    else:
        artifacts = Path(uri.removeprefix("sqlite:///")).parent / "artifacts"
        experiment_id = client.create_experiment(name, artifact_location=artifacts.as_uri())
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def log_pipeline(uri: str, *, sweep: tuple[float, ...] = (0.1, 0.03, 0.01)) -> Pipeline:
    """Log the pipeline (module docs) into the store at ``uri`` through MLflow's fluent API."""
    use_experiment(uri, "sentiment")
    frame = pd.DataFrame({"text": ["good", "bad", "fine", "awful"], "label": [1, 0, 1, 0]})
    train = mlflow.data.from_pandas(frame, name="reviews", targets="label")
    test = mlflow.data.from_pandas(frame.iloc[:2], name="reviews-test", targets="label")
    train_runs, models = [], []
    for lr in sweep:
        with mlflow.start_run(run_name=f"train-lr{lr}", tags={"job_type": "train"}) as run:
            mlflow.log_input(train, context="training")
            mlflow.log_params({"lr": lr, "epochs": 3})
            # pip_requirements given: MLflow would otherwise infer them (seconds per model).
            info = mlflow.pyfunc.log_model(
                name="classifier", python_model=Echo(), pip_requirements=[]
            )
            mlflow.log_metric("loss", 1 - lr, model_id=info.model_id, dataset=train)
            train_runs.append(run.info.run_id)
            models.append(info.model_id)
    with mlflow.start_run(run_name="evaluate", tags={"job_type": "eval"}) as run:
        for model_id, score in zip(models, (0.81, 0.92, 0.77), strict=False):
            mlflow.log_metric("accuracy", score, model_id=model_id, dataset=test)
        eval_run = run.info.run_id
    with mlflow.start_run(run_name="notes") as run:  # no job_type tag, no lineage
        mlflow.set_tag("purpose", "scratch")
        plain_run = run.info.run_id
    version = mlflow.register_model(f"models:/{models[1]}", "sentiment")
    mlflow.MlflowClient().set_registered_model_alias("sentiment", "champion", version.version)
    return Pipeline(uri, frame, train.digest, test.digest, train_runs, models, eval_run, plain_run)


def add_runs_on_dataset(uri: str, runs: int, *, logged: int = 3) -> tuple[str, list[str]]:
    """``runs`` runs using one dataset (``wide@<digest>``) in a new experiment "wide";
    returns the dataset's digest and the run ids, oldest first (module docs)."""
    use_experiment(uri, "wide")
    frame = pd.DataFrame({"x": list(range(10))})
    dataset = mlflow.data.from_pandas(frame, name="wide")
    run_ids = []
    for index in range(min(logged, runs)):
        with mlflow.start_run(run_name=f"sweep-{index}", tags={"job_type": "sweep"}) as run:
            mlflow.log_input(dataset, context="training")
            run_ids.append(run.info.run_id)
    engine = sa.create_engine(uri)
    try:
        with engine.begin() as conn:
            model = (
                conn.execute(sa.select(SqlRun.__table__).where(SqlRun.run_uuid == run_ids[0]))
                .mappings()
                .one()
            )
            tags = (
                conn.execute(sa.select(SqlTag.__table__).where(SqlTag.run_uuid == run_ids[0]))
                .mappings()
                .all()
            )
            link = (
                conn.execute(
                    sa.select(SqlInput.__table__).where(SqlInput.destination_id == run_ids[0])
                )
                .mappings()
                .one()
            )
            link_tags = (
                conn.execute(
                    sa.select(SqlInputTag.__table__).where(
                        SqlInputTag.input_uuid == link["input_uuid"]
                    )
                )
                .mappings()
                .all()
            )
            new_runs, new_tags, new_links, new_link_tags = [], [], [], []
            for index in range(len(run_ids), runs):
                run_id, input_id, name = uuid.uuid4().hex, uuid.uuid4().hex, f"sweep-{index}"
                run_ids.append(run_id)
                new_runs.append(
                    {
                        **model,
                        "run_uuid": run_id,
                        "name": name,
                        "start_time": model["start_time"] + index,
                        "artifact_uri": model["artifact_uri"].replace(run_ids[0], run_id),
                    }
                )
                for tag in tags:
                    value = name if tag["key"] == "mlflow.runName" else tag["value"]
                    new_tags.append({**tag, "run_uuid": run_id, "value": value})
                new_links.append({**link, "input_uuid": input_id, "destination_id": run_id})
                new_link_tags += [{**t, "input_uuid": input_id} for t in link_tags]
            conn.execute(SqlRun.__table__.insert(), new_runs)
            conn.execute(SqlTag.__table__.insert(), new_tags)
            conn.execute(SqlInput.__table__.insert(), new_links)
            if new_link_tags:
                conn.execute(SqlInputTag.__table__.insert(), new_link_tags)
    finally:
        engine.dispose()
    return dataset.digest, run_ids
