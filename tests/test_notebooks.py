"""The notebooks as a user runs them: what nbval (one run, in CI) does not cover."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHECKED = "# NBVAL_CHECK_OUTPUT"


def text_of(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("name", ["quickstart.ipynb", "mlflow.ipynb"])
def test_a_notebook_runs_again_in_the_same_kernel(name: str) -> None:
    """A second "Run All" in one kernel (the usual retry) gives what the first gave (the
    quickstart keeps trackio's folder, read once at its import, and starts its project afresh)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    once = len(notebook.cells)
    notebook.cells = notebook.cells + [nbformat.from_dict(c) for c in notebook.cells]
    client = NotebookClient(
        notebook,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # (raises CellExecutionError, with the traceback, if a cell fails)
    first, second = notebook.cells[:once], notebook.cells[once:]
    checked = [i for i, c in enumerate(first) if c.cell_type == "code" and CHECKED in c.source]
    assert checked  # (the notebook marks the outputs it promises)
    assert [text_of(second[i]) for i in checked] == [text_of(first[i]) for i in checked]
