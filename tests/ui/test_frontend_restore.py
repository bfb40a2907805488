"""Front-end tests of saved views: models brought back from the notebook (no kernel: they never
hear from one) offer their `_view_state` to a live model with the same `_key`, once; a restored
snapshot is drawn where the view was saved."""

from __future__ import annotations

from typing import Any

import pytest
from frontend_harness import READY, centre, pipeline, sent, show, snapshot, wait_frames
from playwright.sync_api import Page

SAVED = {"steps": [{"focus": "eval-sweep"}], "selected": ["model:v1"], "viewport": {}}
OLDER = {"steps": [], "selected": ["model:v0"], "viewport": {}}


def start(page: Page, key: str, created: float, state: dict[str, Any] | None = None) -> int:
    """A model with a key (and a view): a saved one until it hears from a kernel."""
    traits = {"_key": key, "_created": created, "_view_state": state or {}}
    m: int = page.evaluate("(traits) => lw.start(traits)", traits)
    return m


def go_live(page: Page, m: int) -> None:
    """The model's kernel answers its hello."""
    show(page, snapshot(*pipeline(), root="model:v0"), m)


def test_a_live_model_gets_the_newest_saved_view_with_its_key_once(harness: Page) -> None:
    older = start(harness, "cell-a", 1.0, OLDER)
    newest = start(harness, "cell-a", 2.0, SAVED)
    start(harness, "cell-b", 3.0, {"selected": ["other"]})  # another cell's
    live = start(harness, "cell-a", 10.0)
    assert sent(harness, live) == [{"type": "hello"}]  # not before its kernel answers

    go_live(harness, live)
    assert sent(harness, live)[1:] == [{"type": "restore", "state": SAVED}]
    # Saved models never hear from a kernel: they ask for nothing.
    for m in (older, newest):
        assert sent(harness, m) == [{"type": "hello"}]

    go_live(harness, live)  # another snapshot (a second page said hello)
    start(harness, "cell-a", 5.0, OLDER)  # another saved view turns up
    assert len([m for m in sent(harness, live) if m["type"] == "restore"]) == 1


def test_saved_views_started_after_the_live_model_still_reach_it(harness: Page) -> None:
    """Run All just after the notebook opened: the cell's widget may start before JupyterLab
    has brought the saved models back."""
    live = start(harness, "cell-late", 10.0)
    go_live(harness, live)
    assert sent(harness, live) == [{"type": "hello"}]
    start(harness, "cell-late", 1.0, SAVED)
    assert sent(harness, live)[1:] == [{"type": "restore", "state": SAVED}]


def test_a_live_model_is_no_saved_view_and_a_rerun_stops_the_older_waiting(
    harness: Page,
) -> None:
    first = start(harness, "cell-r", 10.0)
    go_live(harness, first)  # the cell's first run: nothing saved
    second = start(harness, "cell-r", 20.0)  # the cell re-run
    go_live(harness, second)
    # The first run's model heard from its kernel: it is offered to nobody.
    assert sent(harness, second) == [{"type": "hello"}]
    start(harness, "cell-r", 1.0, SAVED)  # a saved view turns up: for the newest run only
    assert sent(harness, first) == [{"type": "hello"}]
    assert sent(harness, second)[1:] == [{"type": "restore", "state": SAVED}]


@pytest.mark.parametrize("key", [None, "", 7])
def test_no_key_no_restore(harness: Page, key: Any) -> None:
    harness.evaluate(
        "(key) => lw.start({_key: key, _created: 1, _view_state: {selected: ['x']}})", key
    )
    live = harness.evaluate("(key) => lw.start({_key: key, _created: 2})", key)
    go_live(harness, live)
    assert sent(harness, live) == [{"type": "hello"}]


def test_a_saved_view_that_is_not_an_object_is_not_offered(harness: Page) -> None:
    start(harness, "cell-x", 1.0)
    harness.evaluate("lw.models.at(-1).traits._view_state = 'steps'")
    live = start(harness, "cell-x", 2.0)
    go_live(harness, live)
    assert sent(harness, live) == [{"type": "hello"}]


def test_a_closed_model_leaves_the_saved_views(harness: Page) -> None:
    saved = start(harness, "cell-c", 1.0, SAVED)
    harness.evaluate("(m) => lw.models[m].disposeInit()", saved)
    live = start(harness, "cell-c", 2.0)
    go_live(harness, live)
    assert sent(harness, live) == [{"type": "hello"}]


def test_a_restored_snapshot_is_drawn_at_the_saved_viewport(harness: Page) -> None:
    """The kernel sets `viewport` with the restore and sends a snapshot marked `restored`: the
    view starts there, where a plain snapshot is fitted."""
    nodes, edges = pipeline()
    show(harness, snapshot(nodes, edges, root="model:v0"))
    harness.wait_for_selector(READY)
    wait_frames(harness)
    fitted = centre(harness)
    saved = {"cx": 120.0, "cy": 40.0, "k": 0.6}
    # The trait arrives with no change event of its own (as if before the views existed).
    harness.evaluate("(v) => { lw.models[0].traits.viewport = v; }", saved)

    show(harness, snapshot(nodes, edges, root="model:v0"))  # a plain snapshot: fitted again
    wait_frames(harness)
    assert centre(harness) == pytest.approx(fitted, abs=0.5)

    show(harness, {**snapshot(nodes, edges, root="model:v0"), "restored": True})
    wait_frames(harness)
    assert centre(harness) == pytest.approx(saved, abs=0.5)
    assert harness.evaluate("lw.saves()") == []  # drawing is no user move
