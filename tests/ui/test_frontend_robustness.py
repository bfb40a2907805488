"""Front-end robustness on the plain harness page: back edges, "Show all" details, put back,
the disconnected state, right-to-left and very long text, detail links.
Same harness and builders as test_frontend.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from frontend_harness import (
    READY,
    delta,
    details_reply,
    last_request,
    members_reply,
    node,
    node_sel,
    pipeline,
    requests,
    sent,
    show,
    show_pipeline,
    snapshot,
    without_request_id,
)
from playwright.sync_api import Page, expect

DISCONNECTED = "Disconnected from the kernel: re-run the cell to explore again"
DETAILS = "#view-0 .lineage-details"


# ---- back edges -------------------------------------------------------------------------------


def cycle() -> dict[str, Any]:
    """a -> r -> b -> c, and c -> a closes a cycle (drawn from the last column to the first)."""
    nodes = [
        node("a", "artifact", "dataset", 0),
        node("r", "run", "train", 1),
        node("b", "artifact", "model", 2),
        node("c", "run", "eval", 3),
    ]
    edges = [("a", "r"), ("r", "b"), ("b", "c"), ("c", "a")]
    return snapshot(nodes, edges, back={("c", "a")})


def test_back_edge_is_dashed_titled_and_loops_around_the_nodes(harness: Page) -> None:
    show(harness, cycle())
    harness.wait_for_selector(READY)
    back = harness.locator("#view-0 .lw-edge[data-back='true']")
    expect(back).to_have_count(1)
    assert back.get_attribute("data-source") == "c"
    assert back.get_attribute("data-target") == "a"
    assert back.get_attribute("aria-label") == "closes a cycle"
    assert back.locator("title").text_content() == "closes a cycle"
    forward = harness.locator("#view-0 .lw-edge[data-source='a'][data-target='r']")
    assert forward.get_attribute("data-back") == "false"
    assert forward.locator("title").count() == 0

    style = """el => {
        const s = getComputedStyle(el.querySelector('.lw-edge-curve'));
        return {dash: s.strokeDasharray, stroke: s.stroke};
    }"""
    back_style, forward_style = back.evaluate(style), forward.evaluate(style)
    assert back_style["dash"] not in ("", "none")
    assert forward_style["dash"] in ("", "none")
    assert back_style["stroke"] != forward_style["stroke"]

    # The kernel's columns hold (the back edge does not reorder them) and the curve never
    # crosses a node: sampled along its length, no point falls inside any node's box.
    crossings = back.evaluate(
        """el => {
            const path = el.querySelector('.lw-edge-curve');
            const matrix = path.getScreenCTM();
            const boxes = [...document.querySelectorAll('#view-0 .lw-node')]
                .map(n => n.getBoundingClientRect());
            const length = path.getTotalLength();
            const hits = [];
            for (let i = 0; i <= 200; i++) {
                const p = path.getPointAtLength(length * i / 200).matrixTransform(matrix);
                for (const b of boxes) {
                    if (p.x > b.left && p.x < b.right && p.y > b.top && p.y < b.bottom) {
                        hits.push([Math.round(p.x), Math.round(p.y)]);
                    }
                }
            }
            return hits;
        }"""
    )
    assert crossings == []
    xs = [harness.locator(node_sel(i)).bounding_box()["x"] for i in "arbc"]  # type: ignore[index]
    assert xs == sorted(xs)


# ---- details: show all ----------------------------------------------------------------------


def test_show_all_asks_in_full_and_the_reply_replaces_the_values(harness: Page) -> None:
    show_pipeline(harness)
    harness.click(node_sel("model:v1"))
    cut = "x" * 300 + "…"
    show(
        harness,
        details_reply(
            last_request(harness, "details"),
            [("Type", "model"), ("Notes", cut), ("Config", '{"lr": 0.1, …')],
            truncated=["Notes", "Config"],
        ),
    )
    panel = harness.locator(DETAILS)
    buttons = panel.locator("[data-action='show-all']")
    expect(buttons).to_have_count(2)
    assert panel.locator("dd[data-field='Type'] [data-action]").count() == 0
    notes = panel.locator("dd[data-field='Notes']")
    expect(notes.get_by_role("button", name="Show all of Notes")).to_be_visible()

    notes.get_by_role("button").click()
    buttons.last.click(force=True)  # disabled while the reply is on its way: nothing more sent
    assert without_request_id(requests(harness, "details")[-1:]) == [
        {"type": "details", "id": "model:v1", "full": True}
    ]
    assert len(requests(harness, "details")) == 2

    full = "\n".join(f"line {i}: " + "y" * 80 for i in range(400))
    whole = [("Type", "model"), ("Notes", full), ("Config", '{"lr": 0.1}')]
    show(harness, details_reply(last_request(harness, "details"), whole))
    expect(buttons).to_have_count(0)
    assert notes.locator(".lw-details-value").text_content() == full
    # The long value scrolls inside its own box; the panel stays inside the widget and the
    # page does not grow.
    value = notes.locator(".lw-details-value")
    assert value.evaluate("el => el.scrollHeight > el.clientHeight + 100")
    widget = harness.locator("#view-0 .lineage-widget").bounding_box()
    box = panel.bounding_box()
    assert widget is not None
    assert box is not None
    assert box["y"] + box["height"] <= widget["y"] + widget["height"]
    assert box["x"] + box["width"] <= widget["x"] + widget["width"]
    assert harness.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_replies_are_matched_to_requests_by_id(harness: Page) -> None:
    """Two views of one node: one asks in full while the other asks for the short preview;
    each gets its own reply, whatever order the replies come in (matched by request id)."""
    harness.evaluate("lw.render(0)")
    show_pipeline(harness)
    harness.click(node_sel("train-0"))
    first = last_request(harness, "details")
    show(harness, details_reply(first, [("Notes", "short…")], truncated=["Notes"]))
    harness.locator(f"{DETAILS} [data-action='show-all']").click()
    harness.locator("#view-1 .lw-details-close").click()
    harness.locator(node_sel("train-0", view=1)).click()  # view 1 asks again, short
    asked = requests(harness, "details")
    assert [m.get("full", False) for m in asked] == [False, True, False]
    assert len({m["request_id"] for m in asked}) == 3
    full, short = asked[1], asked[2]
    show(harness, details_reply(short, [("Notes", "short…")], truncated=["Notes"]))  # last first
    show(harness, details_reply(full, [("Notes", "the full text")]))
    value = ".lineage-details .lw-details-value"
    expect(harness.locator(f"#view-0 {value}")).to_have_text("the full text")
    expect(harness.locator(f"#view-1 {value}")).to_have_text("short…")


# ---- put back ---------------------------------------------------------------------------------


def test_put_back_control_sends_once(harness: Page) -> None:
    nodes = [
        node("eval-3", "run", "eval", 1, label="eval #3", pulled_out=True),
        node("data", "artifact", "dataset", 0),
    ]
    show(harness, snapshot(nodes, [("data", "eval-3")]))
    harness.wait_for_selector(READY)
    pulled = harness.locator(node_sel("eval-3"))
    assert pulled.get_attribute("data-pulled-out") == "true"
    expect(harness.locator(f"{node_sel('data')} [data-action='put-back']")).to_be_hidden()

    control = pulled.get_by_role("button", name="Put eval #3 back into its cluster")
    expect(control).to_be_visible()
    assert control.get_attribute("data-action") == "put-back"
    control.click()
    control.click(force=True)
    assert requests(harness, "put_back") == [{"type": "put_back", "id": "eval-3"}]
    assert harness.evaluate("lw.traits().selected") == []  # the control does not select
    expect(control).to_be_disabled()

    # The kernel answers: the node is drawn as a plain node again (or leaves for its cluster).
    show(harness, delta([node("eval-3", "run", "eval", 1, label="eval #3")], []))
    expect(control).to_be_hidden()
    assert pulled.get_attribute("data-pulled-out") is None


# ---- disconnected -----------------------------------------------------------------------------


@pytest.mark.parametrize("event", ["comm_live_update", "comm:close"])
def test_disconnected_state_stops_requests(harness: Page, event: str) -> None:
    clusters = {"id": ["cl"], "kind": ["run"], "type": ["eval"], "level": [2], "order": [0]}
    msg = snapshot(
        [
            node("data", "artifact", "dataset", 0, more_up=-1),
            node("eval-1", "run", "eval", 1, pulled_out=True, more_down=2),
        ],
        [("data", "eval-1")],
    )
    show(harness, {**msg, "clusters": {**clusters, "count": [4]}})
    harness.wait_for_selector(READY)
    root = harness.locator("#view-0 .lineage-widget")
    assert root.get_attribute("data-connection") == "connected"
    expect(harness.get_by_text(DISCONNECTED)).to_be_hidden()
    harness.click(node_sel("data"))
    before = len(sent(harness))

    harness.evaluate("(event) => lw.models[0].emit(event)", event)

    expect(root).to_have_attribute("data-connection", "disconnected")
    banner = root.get_by_role("alert")
    expect(banner).to_have_text(DISCONNECTED)
    expect(banner).to_be_visible()
    expand = harness.locator(f"{node_sel('eval-1')} [data-expand='downstream']")
    expect(expand).to_be_disabled()
    expect(harness.locator(f"{node_sel('eval-1')} [data-action='put-back']")).to_be_disabled()
    expect(harness.locator(f"{DETAILS} [data-details-expand='upstream']")).to_be_disabled()
    for control in [expand, harness.locator(f"{node_sel('eval-1')} [data-action='put-back']")]:
        control.click(force=True)
    harness.click("#view-0 [data-cluster-id='cl']")
    harness.click(node_sel("eval-1"))
    assert sent(harness)[before:] == []
    assert "disconnected" in harness.inner_text(DETAILS)
    # The member list opened after the disconnection cannot pull anything out either: the
    # store refuses (a member list still arriving is shown, its pull-out controls disabled).
    show(harness, {"type": "members", "cluster": "cl", "id": ["m"], "label": ["m"]})
    expect(harness.locator("#view-0 [data-action='pull-out']")).to_be_disabled()
    assert sent(harness)[before:] == []
    # A view opened later (shown again) starts disconnected; the model's cleanup detaches.
    harness.evaluate("lw.render(0)")
    expect(harness.locator("#view-1 .lineage-widget")).to_have_attribute(
        "data-connection", "disconnected"
    )
    harness.evaluate("lw.models[0].disposeInit()")
    assert harness.evaluate("(event) => lw.models[0].listenerCount(event)", event) == 0


# ---- text direction, long text, links -------------------------------------------------------

RTL = "نموذج-التدريب"
LONG = "long-" + "a" * 495


def test_data_text_is_dir_auto_and_long_text_is_ellipsized_with_a_title(harness: Page) -> None:
    nodes = [
        node("rtl", "run", RTL, 0, label=RTL, more_down=-1),
        node("long", "artifact", LONG, 1, label=LONG, more_down=-1),
    ]
    clusters = {"id": ["cl"], "kind": ["artifact"], "type": [LONG], "level": [2], "order": [0]}
    show(harness, {**snapshot(nodes, []), "clusters": {**clusters, "count": [3]}})
    harness.wait_for_selector(READY)
    error = {"type": "status", "id": "long", "direction": "downstream", "state": "error"}
    show(harness, {**error, "error": LONG})
    harness.click("#view-0 [data-cluster-id='cl']")
    show(harness, members_reply(last_request(harness, "members"), ["m1"], [LONG], [RTL], [[LONG]]))
    harness.click(node_sel("long"))
    show(harness, details_reply(last_request(harness, "details"), [(LONG, LONG), (RTL, RTL)]))

    data_text = [
        ".lw-node-type",
        ".lw-node .lw-node-label",
        ".lw-node-error",
        "[data-kind='cluster'] .lw-node-type",
        ".lw-members-type",
        ".lw-member-label",
        ".lw-member-meta",
        ".lw-members-search",
        ".lw-details-type",
        ".lw-details-title",
        ".lw-details-fields dt",
        ".lw-details-value",
    ]
    for selector in data_text:
        found = harness.locator(f"#view-0 {selector}")
        assert found.count() > 0, selector
        dirs = found.evaluate_all("els => els.map(e => e.dir)")
        assert set(dirs) == {"auto"}, selector
    rtl_label = harness.locator(f"{node_sel('rtl')} .lw-node-label")
    assert rtl_label.evaluate("el => getComputedStyle(el).direction") == "rtl"

    # 500 characters: cut with an ellipsis on screen, whole in a title (the element's or its
    # node's / row's).
    ellipsized = {
        f"{node_sel('long')} .lw-node-label": node_sel("long"),
        f"{node_sel('long')} .lw-node-type": node_sel("long"),
        f"{node_sel('long')} .lw-node-error": f"{node_sel('long')} .lw-node-error",
        "#view-0 [data-kind='cluster'] .lw-node-type": "#view-0 [data-kind='cluster']",
        "#view-0 .lw-members-type": "#view-0 .lw-members-type",
        "#view-0 .lw-member-label": "#view-0 .lw-member",
        "#view-0 .lw-member-meta": "#view-0 .lw-member",
        "#view-0 .lw-details-title": "#view-0 .lw-details-title",
        "#view-0 .lw-details-type": "#view-0 .lw-details-type",
        "#view-0 .lw-details-fields dt >> nth=0": "#view-0 .lw-details-fields dt >> nth=0",
    }
    for shown, titled in ellipsized.items():
        element = harness.locator(shown)
        assert element.evaluate("el => el.scrollWidth > el.clientWidth + 10"), shown
        assert element.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis", shown
        assert LONG in (harness.locator(titled).get_attribute("title") or ""), titled
    # Nothing long pushes the panels or the page wider.
    for panel in ["#view-0 .lineage-details", "#view-0 .lw-members"]:
        assert harness.locator(panel).evaluate("el => el.scrollWidth <= el.clientWidth"), panel
    assert harness.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_only_http_urls_become_links(harness: Page) -> None:
    show_pipeline(harness)
    harness.click(node_sel("train-0"))
    url = "https://wandb.ai/team/project/runs/abc?tab=overview"
    fields = [
        ("Run page", url),
        ("Plain http", "http://example.org/x"),
        ("Script", "javascript:window.__xss=(window.__xss||0)+1"),
        ("Data", "data:text/html,<script>window.__xss=1</script>"),
        ("Spaced", f"see {url}"),
        ("Two", f"{url} {url}"),
        ("No host", "https://"),
    ]
    show(harness, details_reply(last_request(harness, "details"), fields))
    links = harness.locator(f"{DETAILS} a")
    expect(links).to_have_count(2)
    first = harness.locator(f"{DETAILS} dd[data-field='Run page'] a")
    assert first.get_attribute("href") == url
    assert first.get_attribute("target") == "_blank"
    assert first.get_attribute("rel") == "noopener noreferrer"
    assert first.text_content() == url
    for label, value in fields[2:]:
        data = harness.locator(f"{DETAILS} dd[data-field='{label}']")
        assert data.locator("a").count() == 0, label
        assert data.text_content() == value
    harness.locator(f"{DETAILS} dd[data-field='Script'] .lw-details-value").click()
    assert harness.evaluate("window.__xss") is None


# ---- kernel errors ----------------------------------------------------------------------------


def test_kernel_error_shows_as_text_under_the_toolbar_and_can_be_dismissed(harness: Page) -> None:
    show_pipeline(harness)
    harness.wait_for_selector(READY)
    drawn = harness.locator("#view-0 [data-node-id]").count()
    assert drawn > 0
    bar = harness.locator("#view-0 .lw-error")
    expect(bar).to_be_hidden()
    message = "KeyError: \"unknown node '<img src=x onerror=window.__xss=1>'\""
    show(harness, {"type": "error", "request": "details", "id": "x", "error": message})
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("role", "alert")
    assert bar.locator(".lw-error-text").text_content() == message
    assert harness.evaluate("window.__xss") is None
    bar.get_by_role("button", name="Dismiss the error").click()
    expect(bar).to_be_hidden()
    expect(harness.locator("#view-0 [data-node-id]")).to_have_count(drawn)  # graph untouched


def test_a_failed_expand_clears_the_loading_mark(harness: Page) -> None:
    show_pipeline(harness)
    control = harness.locator(f"{node_sel('eval-sweep')} [data-expand='downstream']")
    control.click()
    expect(harness.locator(node_sel("eval-sweep"))).to_have_attribute("data-state", "loading")
    error = {
        "type": "error",
        "request": "expand",
        "id": "eval-sweep",
        "direction": "downstream",
        "error": "KeyError: \"unknown node 'eval-sweep'\"",
    }
    show(harness, error)
    expect(harness.locator(node_sel("eval-sweep"))).not_to_have_attribute("data-state", "loading")
    control.click()  # the control works again: a second request goes out
    assert len(requests(harness, "expand")) == 2


UNANSWERED = (
    "Not connected to a kernel (an output saved with the notebook): "
    "re-run the cell to explore again"
)


def test_a_view_no_kernel_answers_says_so_instead_of_loading_for_ever(harness: Page) -> None:
    # A fresh model whose kernel never answers (an output shown again from a saved notebook).
    root = harness.locator("#view-0 .lineage-widget")
    expect(harness.locator("#view-0 .lw-message")).to_have_text("Loading lineage…")

    banner = root.get_by_role("alert").filter(has_text=UNANSWERED)
    expect(banner).to_be_visible(timeout=6000)
    expect(root).to_have_attribute("data-connection", "unanswered")
    expect(harness.locator("#view-0 .lw-message")).to_be_hidden()

    # A kernel busy with a long cell answers late: the view comes alive.
    show(harness, snapshot(*pipeline(), root="model:v0"))
    harness.wait_for_selector(READY)
    expect(banner).to_be_hidden()
    expect(root).to_have_attribute("data-connection", "connected")
