"""Writing real Trackio stores for the tests and the benchmark: through trackio's own API, plus
bulk rows written exactly as trackio writes them (for stores of tens of thousands of runs, which
trackio's API would take minutes to log one run at a time).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import trackio

# trackio computes its directory when imported and copies it into several modules.
_DIR_NAMES = {"TRACKIO_DIR": "", "MEDIA_DIR": "media", "ARTIFACTS_DIR": "artifacts"}
# Environment that would send trackio to a Space, a server or a bucket instead.
_REMOTE_ENV = ("TRACKIO_SPACE_ID", "TRACKIO_SERVER_URL", "TRACKIO_BUCKET_ID", "TRACKIO_DATASET_ID")


def point_trackio_at(mp: pytest.MonkeyPatch, store: Path) -> None:
    """Make trackio log to ``store`` (it read its directory when imported)."""
    mp.setenv("TRACKIO_DIR", str(store))
    for name in _REMOTE_ENV:
        mp.delenv(name, raising=False)
    for module_name, module in list(sys.modules.items()):
        if module_name == "trackio" or module_name.startswith("trackio."):
            for attr, sub in _DIR_NAMES.items():
                if isinstance(getattr(module, attr, None), Path):
                    mp.setattr(module, attr, store / sub if sub else store)


def start_run(project: str, name: str, **config: Any) -> None:
    trackio.init(
        project=project,
        name=name,
        config=config or None,
        embed=False,
        auto_log_cpu=False,
        auto_log_gpu=False,
    )


def log_file_artifact(files: Path, name: str, type: str, content: str, **kwargs: Any) -> Any:
    """Log a one-file artifact from the current run; returns trackio's logged ``Artifact``
    (which another project's run can pass to ``trackio.use_artifact``)."""
    aliases = kwargs.pop("aliases", None)
    path = files / f"{name}-{content}.txt"
    path.write_text(content)
    artifact = trackio.Artifact(name, type=type, **kwargs)
    artifact.add_file(path)
    return trackio.log_artifact(artifact, aliases=aliases)


def add_consumers(db: Path, artifact: str, version: int, count: int, job_type: str) -> None:
    """``count`` runs that used ``artifact:v<version>`` and logged metrics, written as trackio
    0.43 writes them: one ``run_artifact_links`` "input" row per run (``run_project`` the
    project's canonical name, as ``Run.use_artifact`` passes it) and one ``configs`` row (the
    config trackio serialises, with ``_Username``, ``_Created`` and ``_Group``)."""
    project = db.stem
    with sqlite3.connect(db) as conn:
        (version_id,) = conn.execute(
            "SELECT av.id FROM artifact_versions av JOIN artifacts a ON a.id = av.artifact_id "
            "WHERE a.name = ? AND av.version = ?",
            (artifact, version),
        ).fetchone()
        links, configs = [], []
        for i in range(count):
            run_id, name = uuid.uuid4().hex, f"{job_type}-{i}"
            now = datetime.now(timezone.utc).isoformat()
            config = {"job_type": job_type, "_Username": None, "_Created": now, "_Group": None}
            links.append((run_id, name, project, version_id, "input", now))
            configs.append((run_id, name, json.dumps(config, separators=(",", ":")), now))
        conn.executemany(
            "INSERT INTO run_artifact_links "
            "(run_id, run_name, run_project, artifact_version_id, direction, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            links,
        )
        conn.executemany(
            "INSERT INTO configs (run_id, run_name, config, created_at) VALUES (?, ?, ?, ?)",
            configs,
        )


def write_wide_store(root: Path, consumers: int) -> Path:
    """A store whose project "wide" is a pipeline logged with trackio's API (upload -> raw:v0
    -> prep -> clean:v0 -> train -> model:v0 -> eval-api) plus ``consumers`` more runs that
    used model:v0, written in bulk. Returns the store directory."""
    store, files = root / "store", root / "files"
    files.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        point_trackio_at(mp, store)
        start_run("wide", "upload")
        log_file_artifact(files, "raw", "dataset", "r0")
        trackio.finish()
        start_run("wide", "prep", job_type="preprocess")
        trackio.use_artifact("raw")
        trackio.log({"rows": 1})
        log_file_artifact(files, "clean", "dataset", "c0")
        trackio.finish()
        start_run("wide", "train", job_type="train")
        trackio.use_artifact("clean")
        trackio.log({"loss": 0.1})
        log_file_artifact(files, "model", "model", "m0")
        trackio.finish()
        start_run("wide", "eval-api", job_type="eval")
        trackio.use_artifact("model:v0")
        trackio.log({"acc": 0.9})
        trackio.finish()
    add_consumers(store / "wide.db", "model", 0, consumers, "eval")
    return store
