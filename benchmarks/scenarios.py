"""What the benchmark measures: the widgets compared, the scenarios' parameters, and the code
each runs in the kernel (cells as strings: they run in the notebook's kernel, not here)."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the tests' support module (tests/support.py: wide_sweep, Chromium, JupyterLab) and the
# harness it builds on live: put on the path here (every benchmark module imports this one before
# `support`).
sys.path[:0] = [
    path for path in (str(ROOT / "tests"), str(ROOT / "tests" / "ui")) if path not in sys.path
]

from support import BUNDLE, wide_sweep  # noqa: E402

STATIC = BUNDLE.parent

OURS = "ours"
CYTOSCAPE = "ipycytoscape"
SIGMA = "ipysigma"
PEERS = (CYTOSCAPE, SIGMA)
TIMEOUT = "timeout"
SKIPPED = "skipped"

EXPANDS = 20  # expand round trips per size (median reported)
SEARCH_MEMBERS = 10_000  # members of the searched cluster
SEARCH_TEXT = "train-9999"
CLUSTERS_OFF_N = 499  # wide_sweep(499) = 2,000 nodes, all drawn with clusters off
PAN_ZOOM_SECONDS = 2.0
# The wheel zooms this many notches (60 px each: x0.91) out, then as many back in, at least
# once: from the first view's scale (about 1) that crosses the far/near detail threshold
# (FAR_SCALE 0.3 in js/src/panzoom.ts) both ways, where issue 16 found a 200-400 ms frame.
WHEEL_NOTCHES = 20
NETWORKX_N = 25_000  # the 100,004-node graph drawn from a networkx graph (issue 16)
MILLION_N = 250_000  # 1,000,004 nodes shown whole (issue 16)
QUIET_MS = 100  # "page quiet": this long with no long task

# ---- code run in the kernel -------------------------------------------------------------------

IMPORTS = {
    OURS: "from lineage_widget import LineageWidget",
    CYTOSCAPE: "import ipycytoscape",
    SIGMA: "from ipysigma import Sigma",
}

RSS = """
def _rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
"""


def setup_cell(widget: str) -> str:
    """The first cell of a benchmark notebook: the imports ``widget`` needs (ours for a scenario
    of ours), ``wide_sweep`` and ``_rss``. The kernel gets wide_sweep's own source (one
    definition, the tests'): importing tests/support.py there would load the browser tools into
    the kernel whose memory and speed are measured."""
    imports = IMPORTS.get(widget, IMPORTS[OURS])
    return "\n".join(
        [
            "import gc, json, os, sys, time",
            "from lineage_widget import LineageGraph",
            imports,
            inspect.getsource(wide_sweep),
            RSS,
        ]
    )


# The graph, built before the timed cell; its kernel memory counted from here. The peers get the
# same lineage as a networkx graph (the input both take).
GRAPH = {
    OURS: "gc.collect(); _rss0 = _rss()\ng = wide_sweep({n})\n_graph_bytes = _rss() - _rss0",
    "peer": (
        "g = wide_sweep({n})\ngc.collect(); _rss0 = _rss()\nnx_g = g.to_networkx()\n"
        "_graph_bytes = _rss() - _rss0"
    ),
}

# A whole graph handed over as networkx (the "graph built in an earlier cell"): its
# LineageGraph is dropped before counting starts, so the memory is the widget's (its own
# LineageGraph included) beside the networkx graph the user keeps.
GRAPH_NETWORKX = (
    "nx_g = wide_sweep({n}).to_networkx()\ngc.collect(); _rss0 = _rss()\n_graph_bytes = 0"
)
# Which graph a whole-graph scenario of ours draws: a LineageGraph or a networkx graph.
INPUTS = {"lineage": (GRAPH[OURS], "g"), "networkx": (GRAPH_NETWORKX, "nx_g")}

# The timed cell: creates the widget (the kernel times that part alone, wall and CPU time: on a
# loaded machine the wall time is mostly waiting for a core) and displays it.
START = "_t0, _c0 = time.perf_counter(), time.process_time()\n"
DISPLAY = {
    OURS: START + "w = LineageWidget({graph}{kwargs})\n",
    CYTOSCAPE: (
        START + "w = ipycytoscape.CytoscapeWidget()\n"
        "w.graph.add_graph_from_networkx(nx_g, directed=True)\n"
        'w.set_layout(name="dagre", rankDir="LR")\n'
    ),
    SIGMA: START + "w = Sigma(nx_g)\n",
}
DISPLAY_END = "_build, _build_cpu = time.perf_counter() - _t0, time.process_time() - _c0\nw"

STATS = (
    'print(json.dumps({"build_s": _build, "build_cpu_s": _build_cpu, "graph_bytes": _graph_bytes, '
    '"kernel_bytes": _rss() - _rss0}))'
)

# Expand: 20 training runs pulled out of their cluster, each with a downstream control that
# fetches exactly one node (its model). The threshold keeps the 20 models from clustering.
EXPAND_SETUP = (
    'w_expand = LineageWidget(g, root="processed:v0", depth=1, cluster_threshold=50)\n'
    "for _i in range({count}):\n"
    '    if w_expand.cluster_of(f"train-{{_i}}") is not None:  # (N < 50: none is clustered)\n'
    '        w_expand.pull_out(f"train-{{_i}}")\n'
)


def widget_code_bytes() -> int:
    """What anywidget sends of our front end with each new widget (``_esm`` and ``_css`` as JSON
    strings in the comm_open): about, since the wire encoding may escape a little differently."""
    return sum(
        len(json.dumps(path.read_text())) for path in (STATIC / "widget.js", STATIC / "widget.css")
    )
