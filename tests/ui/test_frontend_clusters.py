"""Front-end tests of clusters: cluster nodes, edge counts, the member panel (search, virtual
list, preview, pull out) and Python opening a cluster. Same harness as test_frontend.py.

The 10,000-member search time is printed (run with ``-s`` to see it), not asserted.
"""

from __future__ import annotations

from typing import Any

import pytest
from frontend_harness import (
    HOSTILE,
    READY,
    boxes,
    cluster,
    delta,
    details_reply,
    last_request,
    members_reply,
    node,
    node_sel,
    sent,
    show,
    snapshot,
    wait_frames,
    wait_glide,
    without_request_id,
)
from playwright.sync_api import Page

# ---- builders -------------------------------------------------------------------------------

TRAIN = "cluster:run:train@3"
MODEL = "cluster:artifact:model@4"
EVAL = "cluster:run:eval@5"
PANEL = "#view-0 .lw-members"
SEARCH = f"{PANEL} input[type='search']"
ROWS = f"{PANEL} [data-member-id]"


def members(
    page: Page,
    cluster_id: str,
    ids: list[str],
    *,
    labels: list[str] | None = None,
    versions: list[str | None] | None = None,
    aliases: list[list[str]] | None = None,
) -> dict[str, Any]:
    """The answer to the newest members request for ``cluster_id``."""
    asked = [m for m in members_requests(page) if m["cluster"] == cluster_id]
    assert asked, f"the members of {cluster_id!r} were not asked for"
    return members_reply(asked[-1], ids, labels, versions, aliases)


def model_members(page: Page, count: int = 6) -> dict[str, Any]:
    """model:v0 .. model:v{count-1}; the last is "latest", v2 is "best"."""
    ids = [f"model:v{i}" for i in range(count)]
    aliases = [["best"] if i == 2 else [] for i in range(count)]
    aliases[-1].append("latest")
    versions: list[str | None] = [f"v{i}" for i in range(count)]
    return members(page, MODEL, ids, labels=ids, versions=versions, aliases=aliases)


def sweep() -> dict[str, Any]:
    """raw data -> preprocess -> processed dataset -> 6 train runs -> 6 models -> 6 eval runs."""
    nodes = [
        node("raw-data:v0", "artifact", "dataset", 0),
        node("preprocess", "run", "preprocess", 1),
        node("processed:v0", "artifact", "dataset", 2),
    ]
    clusters = [
        cluster(TRAIN, "run", "train", 3, 6),
        cluster(MODEL, "artifact", "model", 4, 6),
        cluster(EVAL, "run", "eval", 5, 6),
    ]
    edges = [
        ("raw-data:v0", "preprocess", 1),
        ("preprocess", "processed:v0", 1),
        ("processed:v0", TRAIN, 6),
        (TRAIN, MODEL, 6),
        (MODEL, EVAL, 6),
    ]
    return snapshot(nodes, edges, root="processed:v0", clusters=clusters)


# ---- page helpers ---------------------------------------------------------------------------


def cluster_sel(id: str, view: int = 0) -> str:
    return f"#view-{view} [data-cluster-id='{id}']"


def edge_sel(source: str, target: str, view: int = 0) -> str:
    return f"#view-{view} .lw-edge[data-source='{source}'][data-target='{target}']"


def show_sweep(page: Page) -> None:
    show(page, sweep())
    page.wait_for_selector(READY)


def members_requests(page: Page) -> list[dict[str, Any]]:
    return [m for m in sent(page) if m["type"] == "members"]


def open_models(page: Page, count: int = 6) -> None:
    """Opens the model cluster and answers its members request."""
    page.click(cluster_sel(MODEL))
    show(page, model_members(page, count))
    page.wait_for_selector(ROWS)


def row_ids(page: Page) -> list[str]:
    """Ids of the rows shown, top to bottom."""
    ids: list[str] = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .filter((row) => !row.hidden)
            .sort((a, b) => a.getBoundingClientRect().y - b.getBoundingClientRect().y)
            .map((row) => row.dataset.memberId)""",
        ROWS,
    )
    return ids


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return dict(found)


def status(page: Page) -> str:
    return page.inner_text(f"{PANEL} .lw-members-status")


# ---- tests ------------------------------------------------------------------------------------


def test_snapshot_draws_clusters_and_edge_counts(harness: Page) -> None:
    show_sweep(harness)
    drawn = harness.locator("#view-0 [data-kind='cluster']")
    assert drawn.count() == 3
    expected = {TRAIN: ("run", "train", "6 runs"), MODEL: ("artifact", "model", "6 artifacts")}
    expected[EVAL] = ("run", "eval", "6 runs")
    for cid, (kind, type_, text) in expected.items():
        element = harness.locator(cluster_sel(cid))
        assert element.get_attribute("data-kind") == "cluster"
        assert element.get_attribute("data-count") == "6"
        assert element.get_attribute("data-member-kind") == kind
        assert element.locator(".lw-node-type").text_content() == type_
        assert element.locator(".lw-node-label").inner_text() == text
    # The members' kind colour, and "stacked cards" behind the face.
    colour = "el => getComputedStyle(el.querySelector('.lw-cluster-face')).borderTopColor"
    assert harness.locator(cluster_sel(TRAIN)).evaluate(colour) == "rgb(20, 160, 107)"
    assert harness.locator(cluster_sel(MODEL)).evaluate(colour) == "rgb(44, 134, 209)"
    assert harness.locator(f"{cluster_sel(MODEL)} .lw-cluster-card").count() == 2
    # Laid out in their columns, a little larger than nodes.
    node_box = box(harness, node_sel("processed:v0"))
    train, model, evals = (box(harness, cluster_sel(c)) for c in (TRAIN, MODEL, EVAL))
    assert node_box["x"] < train["x"] < model["x"] < evals["x"]
    assert train["height"] > node_box["height"]
    # Edges to clusters show how many lineage edges they stand for; plain edges show nothing.
    for source, target in [("processed:v0", TRAIN), (TRAIN, MODEL), (MODEL, EVAL)]:
        edge = harness.locator(edge_sel(source, target))
        assert edge.get_attribute("data-count") == "6"
        assert edge.locator(".lw-edge-count text").text_content() == "6"
    assert harness.locator(f"{edge_sel('preprocess', 'processed:v0')} .lw-edge-count").count() == 0
    # The summary counts members too: preprocess + 6 train + 6 eval runs.
    assert harness.inner_text("#view-0 .lw-summary") == "13 runs · 8 artifacts"


def test_delta_removes_nodes_and_adds_a_cluster(harness: Page) -> None:
    runs = [node(f"train-{i}", "run", "train", 1, order=i) for i in range(4)]
    first = snapshot(
        [node("data:v0", "artifact", "dataset", 0), *runs],
        [("data:v0", f"train-{i}", 1) for i in range(4)],
    )
    show(harness, first)
    harness.wait_for_selector(READY)
    assert harness.locator("#view-0 [data-node-id]").count() == 5

    # A fifth train run arrives: the group reaches the threshold and becomes one cluster.
    cid = "cluster:run:train@1"
    show(
        harness,
        delta(
            clusters=[cluster(cid, "run", "train", 1, 5)],
            edges=[("data:v0", cid, 5)],
            removed=[f"train-{i}" for i in range(4)],
            removed_edges=[("data:v0", f"train-{i}") for i in range(4)],
        ),
    )
    harness.wait_for_selector(cluster_sel(cid))
    wait_frames(harness)
    assert harness.locator("#view-0 [data-node-id]").count() == 1
    assert harness.get_attribute(cluster_sel(cid), "data-count") == "5"
    assert harness.locator("#view-0 .lw-edge").count() == 1
    assert harness.text_content(f"{edge_sel('data:v0', cid)} .lw-edge-count") == "5"

    # It dissolves again (threshold raised): the cluster goes, its members come back as nodes.
    show(
        harness,
        delta(
            nodes=runs,
            edges=[("data:v0", f"train-{i}", 1) for i in range(4)],
            removed=[cid],
            removed_edges=[("data:v0", cid)],
        ),
    )
    harness.wait_for_selector(node_sel("train-3"))
    wait_frames(harness)
    assert harness.locator("#view-0 [data-kind='cluster']").count() == 0
    assert harness.locator("#view-0 .lw-edge").count() == 4
    assert harness.locator("#view-0 .lw-edge-count").count() == 0


def test_click_cluster_requests_members_once_and_lists_them(harness: Page) -> None:
    show_sweep(harness)
    harness.click(cluster_sel(MODEL))
    panel = harness.locator(PANEL)
    assert panel.is_visible()
    assert panel.get_attribute("data-members-of") == MODEL
    assert harness.get_attribute(cluster_sel(MODEL), "data-open") == "true"
    assert "Loading" in status(harness)
    assert without_request_id(members_requests(harness)) == [{"type": "members", "cluster": MODEL}]
    # Opening before the reply does not ask twice.
    harness.click(cluster_sel(MODEL))  # closes
    assert not panel.is_visible()
    harness.click(cluster_sel(MODEL))
    assert len(members_requests(harness)) == 1

    show(harness, model_members(harness))
    harness.wait_for_selector(ROWS)
    assert row_ids(harness) == [f"model:v{i}" for i in range(6)]
    row = harness.locator(f"{PANEL} [data-member-id='model:v5']")
    assert row.locator(".lw-member-label").text_content() == "model:v5"
    assert row.locator(".lw-member-meta").text_content() == "v5 · latest"
    assert status(harness) == "6 artifacts"
    # The panel does not cover the cluster it lists.
    panel_box = box(harness, PANEL)
    assert panel_box["x"] + panel_box["width"] <= box(harness, cluster_sel(MODEL))["x"]

    # Closed and opened again: the list is known, nothing is asked.
    harness.keyboard.press("Escape")
    assert not panel.is_visible()
    harness.click(cluster_sel(MODEL))
    assert len(row_ids(harness)) == 6
    assert len(members_requests(harness)) == 1
    # The cluster's count changes while open: its list is asked for again.
    show(harness, delta(clusters=[cluster(MODEL, "artifact", "model", 4, 7, version=2)]))
    harness.wait_for_function(
        "lw.sent().filter((m) => m.type === 'members').length === 2", polling=50
    )
    assert "7 artifacts" in harness.inner_text(f"{PANEL} .lw-members-title")
    show(harness, model_members(harness, 7))
    harness.wait_for_function(f"document.querySelectorAll(`{ROWS}`).length === 7")


def test_search_narrows_the_rows(harness: Page) -> None:
    show_sweep(harness)
    open_models(harness, 12)
    search = harness.locator(SEARCH)
    assert search.evaluate("el => el === document.activeElement")  # ready to type
    search.press_sequentially("v1")
    assert row_ids(harness) == ["model:v1", "model:v10", "model:v11"]
    assert status(harness) == "3 of 12"
    # Aliases and ids match too, ignoring case.
    search.fill("LATEST")
    assert row_ids(harness) == ["model:v11"]
    search.fill("best")
    assert row_ids(harness) == ["model:v2"]
    search.fill("nothing like this")
    assert row_ids(harness) == []
    assert status(harness) == "0 of 12"
    assert harness.locator(f"{PANEL} .lw-members-empty").is_visible()
    search.fill("")
    assert len(row_ids(harness)) == 12
    assert status(harness) == "12 artifacts"


def test_ten_thousand_members_render_only_the_rows_in_view(harness: Page) -> None:
    show(harness, snapshot([], [], clusters=[cluster(MODEL, "artifact", "model", 4, 10_000)]))
    harness.wait_for_selector(READY)
    harness.click(cluster_sel(MODEL))
    show(harness, model_members(harness, 10_000))
    harness.wait_for_selector(ROWS)
    assert harness.locator(ROWS).count() < 100
    assert harness.locator(f"{PANEL} .lw-member").count() < 100
    assert row_ids(harness)[0] == "model:v0"

    # Scrolled to the end, the last members are shown by the same few elements.
    harness.eval_on_selector(f"{PANEL} .lw-members-list", "el => { el.scrollTop = 1e9; }")
    harness.wait_for_function(
        f"!!document.querySelector(`{PANEL} [data-member-id='model:v9999']`)", polling=50
    )
    assert harness.locator(f"{PANEL} .lw-member").count() < 100
    last = harness.locator(f"{PANEL} [data-member-id='model:v9999']")
    assert last.is_visible()

    # Search over all 10,000, timed in the page from the input event to the rows updated.
    timing: dict[str, Any] = harness.evaluate(
        """([sel, rows]) => new Promise((done) => {
            const input = document.querySelector(sel);
            const runs = [];
            for (const query of ["v99", "LATEST", "model:v1234", "v", ""]) {
                input.value = query;
                const start = performance.now();
                input.dispatchEvent(new Event("input", { bubbles: true }));
                runs.push({ query, ms: performance.now() - start,
                            rows: document.querySelectorAll(rows).length });
            }
            input.value = "v99";
            const start = performance.now();
            input.dispatchEvent(new Event("input", { bubbles: true }));
            requestAnimationFrame(() => done({ runs, toFrame: performance.now() - start }));
        })""",
        [SEARCH, ROWS],
    )
    for run in timing["runs"]:
        print(
            f"search {run['query']!r} over 10,000 members: {run['ms']:.2f} ms ({run['rows']} rows)"
        )
    print(f"search 'v99' to next frame: {timing['toFrame']:.2f} ms")
    assert status(harness) == "111 of 10,000"  # v99, v990-v999, v9900-v9999
    assert row_ids(harness)[0] == "model:v99"
    assert harness.locator(f"{PANEL} .lw-member").count() < 100


def test_pull_out_sends_one_message(harness: Page) -> None:
    show_sweep(harness)
    open_models(harness)
    button = harness.get_by_role("button", name="Pull out model:v3")
    assert button.get_attribute("data-action") == "pull-out"
    button.dblclick()
    assert [m for m in sent(harness) if m["type"] == "pull_out"] == [
        {"type": "pull_out", "id": "model:v3"}
    ]
    assert harness.evaluate("lw.traits().selected") == []  # pulling out is not previewing
    assert button.is_disabled()

    # The kernel answers: the node joins the column next to the cluster, the cluster shrinks.
    show(
        harness,
        delta(
            nodes=[node("model:v3", "artifact", "model", 4, order=0.5)],
            clusters=[cluster(MODEL, "artifact", "model", 4, 5, version=2)],
            edges=[(TRAIN, MODEL, 5), (TRAIN, "model:v3", 1), (MODEL, EVAL, 5)],
        ),
    )
    harness.wait_for_selector(node_sel("model:v3"))
    wait_glide(harness)  # (the view glides to the pulled-out node)
    assert harness.get_attribute(cluster_sel(MODEL), "data-count") == "5"
    assert harness.text_content(f"{edge_sel(TRAIN, MODEL)} .lw-edge-count") == "5"
    b = boxes(harness)
    assert b["model:v3"]["x"] == pytest.approx(box(harness, cluster_sel(MODEL))["x"], abs=1)
    # The open list is asked for again (the cluster changed).
    assert len(members_requests(harness)) == 2
    assert len([m for m in sent(harness) if m["type"] == "pull_out"]) == 1


def test_row_click_previews_the_member(harness: Page) -> None:
    show_sweep(harness)
    open_models(harness)
    harness.click(f"{PANEL} [data-member-id='model:v2'] .lw-member-label")
    assert harness.evaluate("lw.traits().selected") == ["model:v2"]
    assert harness.evaluate("lw.saves()")[-1]["selected"] == ["model:v2"]
    assert without_request_id(sent(harness)[-1:]) == [{"type": "details", "id": "model:v2"}]
    assert not [m for m in sent(harness) if m["type"] == "pull_out"]
    row = harness.locator(f"{PANEL} [data-member-id='model:v2']")
    assert row.get_attribute("data-selected") == "true"
    assert harness.get_attribute(cluster_sel(MODEL), "data-holds-selected") == "true"

    details = harness.locator("#view-0 .lineage-details")
    assert details.is_visible()
    assert details.locator(".lw-details-title").text_content() == "model:v2"
    assert details.locator(".lw-details-type").text_content() == "model"
    asked = last_request(harness, "details")
    show(harness, details_reply(asked, [("Aliases", "best")], inputs=1, outputs=1))
    assert details.locator("dd").all_text_contents() == ["best"]
    assert harness.locator(PANEL).is_visible()  # both panels side by side

    # Another row moves the mark.
    harness.click(f"{PANEL} [data-member-id='model:v4']")
    assert harness.evaluate("lw.traits().selected") == ["model:v4"]
    assert row.get_attribute("data-selected") is None


def test_open_cluster_from_python_opens_and_marks_the_member(harness: Page) -> None:
    count = 500
    show(harness, snapshot([], [], clusters=[cluster(MODEL, "artifact", "model", 4, count)]))
    harness.wait_for_selector(READY)
    # Python selected a clustered node: the trait changes, then open_cluster follows.
    harness.evaluate("lw.setTrait('selected', ['model:v321'])")
    show(harness, {"type": "open_cluster", "cluster": MODEL, "member": "model:v321"})
    assert harness.locator(PANEL).is_visible()
    assert without_request_id(members_requests(harness)) == [{"type": "members", "cluster": MODEL}]
    show(harness, model_members(harness, count))
    row = harness.locator(f"{PANEL} [data-member-id='model:v321']")
    row.wait_for()
    assert row.get_attribute("data-selected") == "true"
    assert row.is_visible()
    list_box = box(harness, f"{PANEL} .lw-members-list")
    row_box = box(harness, f"{PANEL} [data-member-id='model:v321']")
    assert list_box["y"] <= row_box["y"]
    assert row_box["y"] + row_box["height"] <= list_box["y"] + list_box["height"]
    assert harness.get_attribute(cluster_sel(MODEL), "data-holds-selected") == "true"
    assert harness.inner_text("#view-0 .lw-details-title") == "model:v321"

    # Opened again with a search that hides the member: the search is cleared to show it.
    harness.fill(SEARCH, "v4")
    harness.evaluate("lw.setTrait('selected', ['model:v7'])")
    show(harness, {"type": "open_cluster", "cluster": MODEL, "member": "model:v7"})
    assert harness.input_value(SEARCH) == ""
    seven = harness.locator(f"{PANEL} [data-member-id='model:v7']")
    assert seven.get_attribute("data-selected") == "true"
    assert seven.is_visible()
    assert len(members_requests(harness)) == 1


def test_escape_closes_the_member_panel_and_cleanup_detaches(harness: Page) -> None:
    show_sweep(harness)
    open_models(harness)
    harness.locator(SEARCH).fill("v1")
    harness.keyboard.press("Escape")
    assert not harness.locator(PANEL).is_visible()
    assert harness.get_attribute(cluster_sel(MODEL), "data-open") is None

    # Two views ask once; a removed view no longer reacts.
    harness.evaluate("lw.render(0)")
    harness.wait_for_selector(f"#view-1 {READY}")
    harness.evaluate("window.removed = lw.views[1].root; lw.cleanup(1)")
    show(harness, {"type": "open_cluster", "cluster": TRAIN, "member": "train-0"})
    assert harness.locator(PANEL).is_visible()
    assert harness.evaluate("removed.querySelector('.lw-members').hidden")
    assert len(members_requests(harness)) == 2  # models, then train


def test_hostile_member_text_is_shown_literally(harness: Page) -> None:
    show(harness, snapshot([], [], clusters=[cluster(HOSTILE, "artifact", HOSTILE, 0, 5)]))
    harness.wait_for_selector(READY)
    element = harness.locator("#view-0 [data-kind='cluster']")
    assert element.get_attribute("data-cluster-id") == HOSTILE
    assert element.locator(".lw-node-type").text_content() == HOSTILE
    element.click()
    ids = [f"{HOSTILE}{i}" for i in range(5)]
    show(
        harness,
        members(
            harness,
            HOSTILE,
            ids,
            labels=[HOSTILE] * 5,
            versions=[HOSTILE] * 5,
            aliases=[[HOSTILE]] * 5,
        ),
    )
    harness.wait_for_selector(ROWS)
    assert harness.locator(f"{PANEL} .lw-member-label").all_text_contents() == [HOSTILE] * 5
    assert harness.locator(f"{PANEL} .lw-members-type").text_content() == HOSTILE
    button = harness.locator(f"{PANEL} [data-action='pull-out']").first
    assert button.get_attribute("aria-label") == f"Pull out {HOSTILE}"
    harness.locator(SEARCH).fill("onerror")
    assert len(row_ids(harness)) == 5
    harness.locator(f"{PANEL} .lw-member-label").first.click()
    assert harness.locator(".lineage-widget img").count() == 0
    wait_frames(harness, 5)
    assert harness.evaluate("window.__pwned") is None


def test_member_list_loads_the_rest_of_an_unfinished_walk(harness: Page) -> None:
    nodes = [node("processed:v0", "artifact", "dataset", 2, more_down=150)]
    train = cluster(
        TRAIN, "run", "train", 3, 100, more=150, more_from="processed:v0",
        more_direction="downstream",
    )  # fmt: skip
    show(harness, snapshot(nodes, [("processed:v0", TRAIN, 100)], clusters=[train]))
    harness.wait_for_selector(READY)
    harness.click(cluster_sel(TRAIN))
    more = harness.locator(f"{PANEL} .lw-members-more")
    assert more.locator(".lw-members-more-text").text_content() == "150 more not loaded yet"
    button = more.locator("[data-action='load-more']")
    button.click()
    expands = [m for m in sent(harness) if m["type"] == "expand"]
    assert expands == [{"type": "expand", "id": "processed:v0", "direction": "downstream"}]
    assert button.is_disabled()  # while loading: no second request
    assert button.text_content() == "Loading…"
    done = dict(train, count=200, more=50, version=2)
    show(harness, {"type": "status", "id": "processed:v0", "direction": "downstream",
                   "state": "idle"})  # fmt: skip
    show(harness, delta(edges=[("processed:v0", TRAIN, 200)], clusters=[done]))
    harness.wait_for_function(
        "() => document.querySelector('#view-0 .lw-members-more-text')?.textContent"
        " === '50 more not loaded yet'"
    )
    assert not button.is_disabled()


def test_the_member_panel_expands_all_members_either_way(harness: Page) -> None:
    show_sweep(harness)
    open_models(harness)
    up = harness.locator(f"{PANEL} [data-action='expand-all-upstream']")
    down = harness.locator(f"{PANEL} [data-action='expand-all-downstream']")
    count = harness.get_attribute(cluster_sel(MODEL), "data-count")
    assert up.text_content() == f"Expand all {count} upstream"
    assert down.text_content() == f"Expand all {count} downstream"
    down.click()
    up.click()
    asked = [m for m in sent(harness) if m["type"] == "expand_cluster"]
    assert asked == [
        {"type": "expand_cluster", "cluster": MODEL, "direction": "downstream"},
        {"type": "expand_cluster", "cluster": MODEL, "direction": "upstream"},
    ]
