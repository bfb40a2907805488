"""What ties a widget to the one a re-run of its cell makes: the key of its saved view.

JupyterLab saves the synced state of live widgets in the notebook (setting "Save Widget State
Automatically"), and brings it back as kernel-less models when the notebook is reopened. A
widget made by re-running the cell asks the page for the saved view with its key and takes it
back (``LineageWidget._restore_from_page``; the page side is js/src/saved-views.ts).

The key is derived from the running cell: JupyterLab and Notebook 7 send the cell's id with
each execute request (``metadata.cellId``), and nbformat 4.5 keeps cell ids in the file. Several
widgets made by one run of a cell are told apart by the order they were made in. ``key=`` gives
a key of one's own instead.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from IPython import get_ipython

# More walks than any real view holds (a W&B walk of 5,000 runs is 50 pages): a page offering
# more is refused rather than replayed for minutes.
MAX_RESTORE_STEPS = 10_000
# Seconds the view must stay unchanged before the state saved with the notebook follows it: a
# burst of clicks sends it once (an expand itself sends only its delta).
VIEW_STATE_DELAY = 2.0

_lock = threading.Lock()
# Cell id -> (the execute request that last made a widget in that cell, how many it made).
_runs: dict[str, tuple[str, int]] = {}


def check_key(key: Any) -> str:
    """A ``key=`` argument: a non-empty string; ValueError naming anything else."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r:.200}")
    return key


def cell_key(root: str | None) -> str:
    """The key of a widget made now: the running cell's id, the widget's place among those this
    run of the cell made, and the node the view starts from (a cell edited to start elsewhere
    does not take back the old view). Empty outside a cell run by a front end that sends cell
    ids (a script, a thread, a button's callback, Jupyter clients without cell ids)."""
    parent = _parent_request()
    metadata = parent.get("metadata")
    header = parent.get("header")
    if not isinstance(metadata, dict) or not isinstance(header, dict):
        return ""
    cell_id, request = metadata.get("cellId"), header.get("msg_id")
    if not isinstance(cell_id, str) or not cell_id or not isinstance(request, str):
        return ""
    with _lock:
        last, made = _runs.get(cell_id, ("", 0))
        index = made if last == request else 0
        _runs[cell_id] = (request, index + 1)
    return json.dumps(["cell", cell_id, index, root])


def _parent_request() -> dict[str, Any]:
    """The request the kernel is answering in this thread (an execute request while a cell
    runs), or {} outside an IPython kernel."""
    kernel = getattr(get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:
        return {}
    try:
        parent = get_parent()
    except Exception:  # a kernel of another kind: no cell to tie the widget to
        return {}
    return parent if isinstance(parent, dict) else {}
