"""Graph builders and page helpers for the front-end tests (the harness fixtures are in conftest).

Builders produce kernel messages in the shapes of js/src/protocol.ts; helpers drive `window.lw`.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

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
    keys = ["id", "kind", "type", "label", "level", "order", "more_up", "more_down", "pulled_out"]
    return {key: [n[key] for n in nodes] for key in keys}


def edge_columns(
    edges: list[tuple[str, str]], back: set[tuple[str, str]] | None = None
) -> dict[str, list[Any]]:
    """Edge columns; ``back`` lists the edges that close a cycle."""
    return {
        "source": [s for s, _ in edges],
        "target": [t for _, t in edges],
        "back": [edge in (back or set()) for edge in edges],
    }


def snapshot(
    nodes: list[dict[str, Any]],
    edges: list[tuple[str, str]],
    root: str | None = None,
    status: list[dict[str, Any]] | None = None,
    back: set[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "root": root,
        "nodes": columns(nodes),
        "edges": edge_columns(edges, back),
        "status": status or [],
    }


def delta(nodes: list[dict[str, Any]], edges: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "delta", "nodes": columns(nodes), "edges": edge_columns(edges)}


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


# ---- page helpers ---------------------------------------------------------------------------

READY = ".lineage-widget[data-ready='true']"


def show(page: Page, msg: dict[str, Any], m: int = 0) -> None:
    page.evaluate("([msg, m]) => lw.deliver(msg, m)", [msg, m])


def show_pipeline(page: Page) -> None:
    show(page, snapshot(*pipeline(), root="model:v0"))
    page.wait_for_selector(READY)


def node_sel(id: str, view: int = 0) -> str:
    return f"#view-{view} [data-node-id='{id}']"


def sent(page: Page) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = page.evaluate("lw.sent()")
    return messages


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


def assert_inside(page: Page, view: int = 0) -> None:
    """Every node of the view lies inside its viewport."""
    viewport = page.locator(f"#view-{view} .lw-viewport").bounding_box()
    assert viewport is not None
    right = viewport["x"] + viewport["width"]
    bottom = viewport["y"] + viewport["height"]
    for box in boxes(page, view).values():
        assert viewport["x"] <= box["x"]
        assert box["x"] + box["w"] <= right
        assert viewport["y"] <= box["y"]
        assert box["y"] + box["h"] <= bottom


def wait_frames(page: Page, frames: int = 2) -> None:
    """Lets pending layouts and paints finish (ELK runs on the main thread, asynchronously)."""
    page.evaluate(
        """(n) => new Promise((done) => {
            const step = (n) => (n === 0 ? done() : requestAnimationFrame(() => step(n - 1)));
            step(n);
        })""",
        frames,
    )
