"""Graph builders and page helpers for the front-end tests (the harness fixtures are in conftest).

Builders produce kernel messages as the types of lineage_widget/protocol.py (the kernel's own
definitions, held to js/src/protocol.ts by tests/test_protocol.py) and check them with
``protocol.check``; helpers drive `window.lw`.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page

from lineage_widget import protocol

HOSTILE = '<img src=x onerror="window.__pwned=1">'


# ---- graph builders -------------------------------------------------------------------------


def node(
    id: str,
    kind: str,
    type: str,
    level: int,
    *,
    order: int = 0,
    label: str | None = None,
    more_up: int = 0,
    more_down: int = 0,
    pulled_out: bool = False,
) -> dict[str, Any]:
    return {
        "id": id,
        "kind": kind,
        "type": type,
        "label": label if label is not None else id,
        "level": level,
        "order": order,
        "more_up": more_up,
        "more_down": more_down,
        "pulled_out": pulled_out,
    }


def columns(nodes: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Node rows as the kernel's columns: every required column, and an optional one (such as
    ``inaccessible``) only when some row has it, as the kernel sends them."""
    shape = protocol.NodeColumns
    keys = [
        k
        for k in shape.__annotations__
        if k in shape.__required_keys__ or any(k in n for n in nodes)
    ]
    return {key: [n.get(key) for n in nodes] for key in keys}


def cluster(
    id: str,
    kind: str,
    type: str,
    level: int,
    count: int,
    *,
    order: float = 0,
    version: int = 1,
    more: int = 0,
    more_from: str | None = None,
    more_direction: str | None = None,
) -> dict[str, Any]:
    """A cluster row; ``version``: the kernel's count of changes of its members (a new version
    makes an open member list ask again)."""
    return {
        "id": id,
        "kind": kind,
        "type": type,
        "level": level,
        "order": order,
        "count": count,
        "version": version,
        "more": more,
        "more_from": more_from,
        "more_direction": more_direction,
    }


def cluster_columns(clusters: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {key: [c[key] for c in clusters] for key in protocol.ClusterColumns.__annotations__}


# An edge: (source, target), or (source, target, how many lineage edges it stands for).
Edge = tuple[str, str] | tuple[str, str, int]


def edge_columns(
    edges: list[Edge], back: set[tuple[str, str]] | None = None
) -> dict[str, list[Any]]:
    """Edge columns; ``back`` lists the edges that close a cycle."""
    return {
        "source": [e[0] for e in edges],
        "target": [e[1] for e in edges],
        "count": [e[2] if len(e) == 3 else 1 for e in edges],
        "back": [(e[0], e[1]) in (back or set()) for e in edges],
    }


def snapshot(
    nodes: list[dict[str, Any]],
    edges: list[Edge],
    root: str | None = None,
    *,
    status: list[dict[str, Any]] | None = None,
    back: set[tuple[str, str]] | None = None,
    clusters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return protocol.check(
        {
            "type": "snapshot",
            "root": root,
            "nodes": columns(nodes),
            "clusters": cluster_columns(clusters or []),
            "edges": edge_columns(edges, back),
            "status": status or [],
        }
    )


def delta(
    nodes: list[dict[str, Any]] | None = None,
    edges: list[Edge] | None = None,
    *,
    clusters: list[dict[str, Any]] | None = None,
    removed: list[str] | None = None,
    removed_edges: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    gone = removed_edges or []
    return protocol.check(
        {
            "type": "delta",
            "nodes": columns(nodes or []),
            "clusters": cluster_columns(clusters or []),
            "edges": edge_columns(edges or []),
            "removed": removed or [],
            "removed_edges": {"source": [s for s, _ in gone], "target": [t for _, t in gone]},
        }
    )


def details_reply(
    request: dict[str, Any],
    fields: list[tuple[str, str]],
    *,
    truncated: list[str] | None = None,
    inputs: int = 0,
    outputs: int = 0,
) -> dict[str, Any]:
    """The kernel's answer to ``request`` (a details request the page sent: see
    :func:`last_request`), carrying its ``request_id`` back."""
    return protocol.check(
        {
            "type": "details",
            "request_id": request["request_id"],
            "id": request["id"],
            "fields": [list(field) for field in fields],
            "truncated": truncated or [],
            "inputs": inputs,
            "outputs": outputs,
        }
    )


def members_reply(
    request: dict[str, Any],
    ids: list[str],
    labels: list[str] | None = None,
    versions: list[str | None] | None = None,
    aliases: list[list[str]] | None = None,
) -> dict[str, Any]:
    """The kernel's answer to ``request`` (a members request the page sent)."""
    return protocol.check(
        {
            "type": "members",
            "request_id": request["request_id"],
            "cluster": request["cluster"],
            "id": ids,
            "label": labels if labels is not None else ids,
            "version": versions if versions is not None else [None] * len(ids),
            "aliases": aliases if aliases is not None else [[] for _ in ids],
        }
    )


def pipeline() -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """dataset -> preprocess run -> dataset -> 3 train runs -> 3 models -> eval run."""
    nodes = [
        node("raw-data:v0", "artifact", "dataset", 0, more_up=0),
        node("preprocess", "run", "preprocess", 1),
        node("clean-data:v2", "artifact", "dataset", 2),
        *[node(f"train-{i}", "run", "train", 3, order=i) for i in range(3)],
        *[node(f"model:v{i}", "artifact", "model", 4, order=i) for i in range(3)],
        node("eval-sweep", "run", "eval", 5, more_down=2),
    ]
    edges = [("raw-data:v0", "preprocess"), ("preprocess", "clean-data:v2")]
    for i in range(3):
        edges += [
            ("clean-data:v2", f"train-{i}"),
            (f"train-{i}", f"model:v{i}"),
            (f"model:v{i}", "eval-sweep"),
        ]
    return nodes, edges


def traits(
    artifact_choices: list[str] | None = None,
    run_choices: list[str] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """The synced traits as a new kernel-side widget has them: no filter, direct lineage, and
    these artifact types and job types in the graph (``values`` overrides any trait)."""
    return {
        "selected": [],
        "artifact_types": None,
        "job_types": None,
        "hide_runs": False,
        "lineage": "direct",
        "_node_types": {"artifact": artifact_choices or [], "run": run_choices or []},
        **values,
    }


# ---- page helpers ---------------------------------------------------------------------------


def restart(page: Page, start_traits: dict[str, Any]) -> None:
    """Replace the harness's model with one that starts with these traits (one view)."""
    page.evaluate("(t) => { lw.reset(); lw.start(t); }", start_traits)


READY = ".lineage-widget[data-ready='true']"


def show(page: Page, msg: dict[str, Any], m: int = 0) -> None:
    page.evaluate("([msg, m]) => lw.deliver(msg, m)", [msg, m])


def show_pipeline(page: Page) -> None:
    show(page, snapshot(*pipeline(), root="model:v0"))
    page.wait_for_selector(READY)


def node_sel(id: str, view: int = 0) -> str:
    return f"#view-{view} [data-node-id='{id}']"


def sent(page: Page, m: int = 0) -> list[dict[str, Any]]:
    """What model ``m`` sent to the kernel."""
    messages: list[dict[str, Any]] = page.evaluate("(m) => lw.sent(m)", m)
    return messages


def requests(page: Page, kind: str, m: int = 0) -> list[dict[str, Any]]:
    """The requests of this ``kind`` ("details", ...) model ``m`` sent, oldest first."""
    return [msg for msg in sent(page, m) if msg["type"] == kind]


def last_request(page: Page, kind: str, m: int = 0) -> dict[str, Any]:
    """The newest request of this ``kind`` model ``m`` sent (the one a reply answers)."""
    found = requests(page, kind, m)
    assert found, f"no {kind} request was sent"
    return found[-1]


def without_request_id(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``messages`` with their request ids left out (ids the page chose: compare the rest)."""
    return [{k: v for k, v in msg.items() if k != "request_id"} for msg in messages]


def transform(page: Page, view: int = 0) -> str:
    value: str = page.eval_on_selector(f"#view-{view} .lw-content", "el => el.style.transform")
    return value


def boxes(page: Page, view: int = 0) -> dict[str, dict[str, float]]:
    """Screen boxes of the drawn nodes, by id."""
    found: dict[str, dict[str, float]] = page.evaluate(
        """(view) => Object.fromEntries(
            [...document.querySelectorAll(`#view-${view} [data-node-id]`)].map((el) => {
                const r = el.getBoundingClientRect();
                return [el.dataset.nodeId, {x: r.x, y: r.y, w: r.width, h: r.height}];
            }))""",
        view,
    )
    return found


def assert_inside(page: Page, view: int = 0, ids: set[str] | None = None) -> None:
    """Every node of the view (or those of ``ids``) lies inside its viewport."""
    viewport = page.locator(f"#view-{view} .lw-viewport").bounding_box()
    assert viewport is not None
    right = viewport["x"] + viewport["width"]
    bottom = viewport["y"] + viewport["height"]
    drawn = boxes(page, view)
    assert ids is None or ids <= set(drawn), ids
    for box in (drawn[id] for id in ids) if ids is not None else drawn.values():
        assert viewport["x"] <= box["x"]
        assert box["x"] + box["w"] <= right
        assert viewport["y"] <= box["y"]
        assert box["y"] + box["h"] <= bottom


def name_sizes(page: Page, view: int = 0) -> dict[str, float]:
    """The on-screen size (px) of each drawn node's name: its font size times the zoom."""
    return view_name_sizes(page.locator(f"#view-{view} .lineage-widget"))


def view_name_sizes(root: Locator) -> dict[str, float]:
    """``name_sizes`` of the view whose ``.lineage-widget`` root is ``root`` (on any page)."""
    found: dict[str, float] = root.evaluate(
        """(root) => {
            const content = root.querySelector(".lw-content");
            const k = new DOMMatrix(getComputedStyle(content).transform).a;
            return Object.fromEntries([...root.querySelectorAll(".lw-node")].map((node) => [
                node.dataset.nodeId,
                parseFloat(getComputedStyle(node.querySelector(".lw-node-label")).fontSize) * k,
            ]));
        }"""
    )
    return found


def centre(page: Page, view: int = 0) -> dict[str, float]:
    """The graph point at the middle of a view's viewport, and its scale."""
    return view_centre(page.locator(f"#view-{view} .lineage-widget"))


def view_centre(root: Locator) -> dict[str, float]:
    """``centre`` of the view whose ``.lineage-widget`` root is ``root`` (on any page)."""
    found: dict[str, float] = root.evaluate(
        """(root) => {
            const viewport = root.querySelector(".lw-viewport");
            const m = new DOMMatrix(getComputedStyle(root.querySelector(".lw-content")).transform);
            return {cx: (viewport.clientWidth / 2 - m.e) / m.a,
                    cy: (viewport.clientHeight / 2 - m.f) / m.a, k: m.a};
        }"""
    )
    return found


def wait_frames(page: Page, frames: int = 2) -> None:
    """Lets pending layouts and paints finish (the layout runs asynchronously)."""
    page.evaluate(
        """(n) => new Promise((done) => {
            const step = (n) => (n === 0 ? done() : requestAnimationFrame(() => step(n - 1)));
            step(n);
        })""",
        frames,
    )


def wait_glide(page: Page, view: int = 0) -> None:
    """Waits until the view's glide (after an expand) has ended."""
    wait_frames(page)
    page.wait_for_function(
        f"document.querySelector('#view-{view} .lw-viewport').dataset.gliding !== 'true'",
        polling="raf",
    )


# Every element under a card the user could see (not display: none, visibility: hidden or
# opacity: 0, on it or an ancestor), by card id.
PAINTED_PARTS = """(root) => Object.fromEntries(
  [...root.querySelectorAll('.lw-node, .lw-cluster')].map((card) => [
    card.dataset.nodeId ?? card.dataset.clusterId,
    [...card.querySelectorAll('*')]
      .filter((el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true}))
      .map((el) => el.getAttribute('class') ?? el.tagName),
  ]))"""


def painted_parts(page: Page) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = page.locator("#view-0 .lw-nodes").evaluate(PAINTED_PARTS)
    return parts


def zoom_to(page: Page, k: float) -> None:
    """The view at scale ``k`` (as a viewport set from Python), drawn."""
    page.evaluate(f"lw.setTrait('viewport', {{cx: 400, cy: 200, k: {k}}})")
    wait_frames(page)
