"""How long the kernel takes to open an MLflow store with 2,000 runs on one dataset.

    .venv/bin/python benchmarks/mlflow_store.py [--runs 2000] [--repeats 5]

Builds the store with the tests' builder (``tests/mlflow_stores.py``: MLflow writes it, into a
temporary folder), then times, in fresh Python processes that have imported mlflow and
lineage_widget, "open": ``LineageWidget.from_mlflow("runs:/<a run>", tracking_uri=...)`` and
the first page of the dataset's consumers (``w.expand(dataset, "downstream")``: 100 runs):

- open, store used before: MLflow has already used the store in the process (a notebook that
  just logged to it; here one ``MlflowClient(uri).search_experiments()``, timed apart as
  "MLflow's first use of a SQL store": MLflow imports its SQLAlchemy store then);
- open, store never used: the open is the process's first use of the store, so it includes
  that MLflow cost;
- open, again: a second widget (and source) in the same process;
- next page: each further expand of the dataset (100 runs, one ``search_runs``).

Target (issue 14): open <= 1 s in the kernel. Prints each figure with MET / NOT MET.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

TARGET_OPEN_S = 1.0

# Runs in a fresh process: argv = tracking URI, root run id, dataset node id, "warm" | "cold".
_MEASURE = """
import json, sys, time
import mlflow
import lineage_widget
from lineage_widget import LineageWidget

uri, run_id, dataset, mode = sys.argv[1:5]
figures = {}
if mode == "warm":
    start = time.perf_counter()
    mlflow.MlflowClient(uri).search_experiments(max_results=1)
    figures["mlflow"] = time.perf_counter() - start

def open_store():
    start = time.perf_counter()
    widget = LineageWidget.from_mlflow(f"runs:/{run_id}", tracking_uri=uri)
    widget.expand(dataset, "downstream")
    elapsed = time.perf_counter() - start
    assert len(widget.graph.consumers(dataset)) == 100, len(widget.graph.consumers(dataset))
    return widget, elapsed

widget, figures[mode] = open_store()
widget.close()
widget, figures["again"] = open_store()
figures["pages"] = []
for _ in range(5):
    start = time.perf_counter()
    widget.expand(dataset, "downstream")
    figures["pages"].append(time.perf_counter() - start)
print(json.dumps(figures))
"""


def _verdict(seconds: float, target: float) -> str:
    return "MET" if seconds <= target else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs on the one dataset")
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes measured")
    args = parser.parse_args()

    from mlflow_stores import add_runs_on_dataset, empty_store, store_uri  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        uri = store_uri(empty_store(Path(folder)))
        digest, run_ids = add_runs_on_dataset(uri, args.runs)
        print(
            f"store with {args.runs:,} runs on one dataset built in "
            f"{time.perf_counter() - start:.1f} s"
        )
        results: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            for mode in ("warm", "cold"):
                done = subprocess.run(
                    [sys.executable, "-c", _MEASURE, uri, run_ids[0], f"wide@{digest}", mode],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=folder,
                )
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                for key, value in figures.items():
                    results.setdefault(key, []).extend(
                        value if isinstance(value, list) else [value]
                    )

    def line(label: str, values: list[float], target: float | None) -> str:
        median = statistics.median(values)
        spread = f"[{min(values):.3f}..{max(values):.3f}]"
        verdict = f"  target <= {target:g} s: {_verdict(median, target)}" if target else ""
        return f"{label:<48} {median:7.3f} s {spread}{verdict}"

    print(f"median of {args.repeats} fresh processes each [min..max]:")
    print(line("open, store used before in the process", results["warm"], TARGET_OPEN_S))
    print(line("open, store never used in the process", results["cold"], TARGET_OPEN_S))
    print(line("MLflow alone: its first use of a SQL store", results["mlflow"], None))
    print(line("open, again (new widget and source)", results["again"], TARGET_OPEN_S))
    print(line("next page of 100 consumers", results["pages"], None))


if __name__ == "__main__":
    main()
