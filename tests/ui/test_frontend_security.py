"""Security on the plain harness page: every XSS payload of xss_payloads.py in every data field
the kernel sends (node ids, labels, types, fetch errors, cluster types, member labels, versions
and aliases, detail labels and values, the filter control's type names) and typed into the member
search. Nothing may run
(``window.__xss`` stays unset), every payload shows literally, and no element or event-handler
attribute a payload would create exists in the widget.
"""

from __future__ import annotations

import itertools
from typing import Any

from frontend_harness import (
    READY,
    columns,
    details_reply,
    edge_columns,
    last_request,
    members_reply,
    node,
    restart,
    show,
    traits,
    wait_frames,
)
from playwright.sync_api import Page, expect
from xss_payloads import COUNT_INJECTED_JS, FAILED_IMAGES_SETTLED_JS, INJECTED_SELECTOR, PAYLOADS

VIEW = "#view-0"
PANEL = f"{VIEW} .lw-members"
DETAILS = f"{VIEW} .lineage-details"
CLUSTER = "cluster-of-payloads"


def payload_graph() -> dict[str, Any]:
    """Every payload as a node (id, label and type), chained by edges, the last back to the
    first (a back edge with payload ends); one cluster per payload, typed with it."""
    nodes = [
        node(p, "run" if i % 2 else "artifact", p, i % 4, order=i, label=p, more_down=-1)
        for i, p in enumerate(PAYLOADS)
    ]
    edges = [*itertools.pairwise(PAYLOADS), (PAYLOADS[-1], PAYLOADS[0])]
    level = {n["id"]: n["level"] for n in nodes}
    clusters = [CLUSTER, *(f"cluster:{p}" for p in PAYLOADS[1:])]
    return {
        "type": "snapshot",
        "root": PAYLOADS[0],
        "nodes": columns(nodes),
        "clusters": {
            "id": clusters,
            "kind": ["artifact"] * len(clusters),
            "type": PAYLOADS,
            "level": [5] * len(clusters),
            "order": list(range(len(clusters))),
            "count": [len(PAYLOADS)] * len(clusters),
        },
        "edges": edge_columns(edges, back={(s, t) for s, t in edges if level[s] >= level[t]}),
        "status": [
            {"id": p, "direction": "upstream", "state": "error", "error": p} for p in PAYLOADS
        ],
    }


def assert_nothing_ran(page: Page) -> None:
    """No payload ran, none left an element or a handler attribute behind, the page stayed."""
    page.evaluate(FAILED_IMAGES_SETTLED_JS)
    wait_frames(page, 3)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("top.__xss") is None
    assert page.locator("#views").evaluate(COUNT_INJECTED_JS, INJECTED_SELECTOR) == []
    assert page.url.endswith("/tests/ui/harness/index.html")


def texts(page: Page, selector: str) -> list[str]:
    found: list[str] = page.locator(selector).evaluate_all("els => els.map(e => e.textContent)")
    return found


def test_payloads_in_every_field_stay_text(harness: Page) -> None:
    show(harness, payload_graph())
    harness.wait_for_selector(READY)

    # Nodes: id (data attribute), type, label, error; a delta relabels them and pulls them out
    # (the put-back control's accessible name holds the label).
    relabelled = [
        node(p, "run" if i % 2 else "artifact", p, i % 4, order=i, label=p[::-1], pulled_out=True)
        for i, p in enumerate(PAYLOADS)
    ]
    show(harness, {"type": "delta", "nodes": columns(relabelled)})
    ids = harness.locator(f"{VIEW} .lw-node").evaluate_all("els => els.map(e => e.dataset.nodeId)")
    assert sorted(ids) == sorted(PAYLOADS)
    expect(harness.locator(f"{VIEW} .lw-node-label").first).to_have_text(PAYLOADS[0][::-1])
    assert sorted(texts(harness, f"{VIEW} .lw-node .lw-node-label")) == sorted(
        p[::-1] for p in PAYLOADS
    )
    assert sorted(texts(harness, f"{VIEW} .lw-node .lw-node-type")) == sorted(PAYLOADS)
    errors = texts(harness, f"{VIEW} .lw-node-error")
    for p in PAYLOADS:
        assert any(p in error for error in errors), p
    put_back = harness.locator(f"{VIEW} [data-action='put-back']")
    names = put_back.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert sorted(names) == sorted(f"Put {p[::-1]} back into its cluster" for p in PAYLOADS)
    sources = harness.locator(f"{VIEW} .lw-edge").evaluate_all(
        "els => els.map(e => e.getAttribute('data-source'))"
    )
    assert sorted(sources) == sorted(PAYLOADS)

    # Hover every node (titles, on* attributes a payload might have smuggled in).
    for element in harness.locator(f"{VIEW} .lw-node").all()[:12]:
        element.hover(force=True)

    # Clusters: the type of each.
    assert sorted(texts(harness, f"{VIEW} [data-kind='cluster'] .lw-node-type")) == sorted(PAYLOADS)

    # Details of a payload node: payload labels and values, all cut short ("Show all").
    harness.locator(f"{VIEW} .lw-node").first.click()
    shown = harness.locator(DETAILS).get_attribute("data-details-id")
    assert shown in PAYLOADS
    asked = last_request(harness, "details")
    assert asked["id"] == shown
    fields = [(p, p) for p in PAYLOADS]
    show(harness, details_reply(asked, fields, truncated=PAYLOADS, inputs=1, outputs=1))
    assert texts(harness, f"{DETAILS} dt") == PAYLOADS
    assert texts(harness, f"{DETAILS} .lw-details-value") == PAYLOADS
    assert harness.locator(f"{DETAILS} .lw-details-title").text_content() == shown[::-1]
    expect(harness.locator(f"{DETAILS} [data-action='show-all']")).to_have_count(len(PAYLOADS))

    # Members: labels, versions and aliases; then every payload typed into the search.
    harness.click(f"{VIEW} [data-action='fit']")  # (the first view shows the root's part)
    harness.locator(f"{VIEW} [data-cluster-id='{CLUSTER}']").click()
    asked = last_request(harness, "members")
    ids = [f"member:{p}" for p in PAYLOADS]
    aliases = [[p, p] for p in PAYLOADS]
    show(harness, members_reply(asked, ids, PAYLOADS, list(PAYLOADS), aliases))
    search = harness.locator(f"{PANEL} input[type='search']")
    label = harness.locator(f"{PANEL} .lw-member:not([hidden]) .lw-member-label")
    meta = harness.locator(f"{PANEL} .lw-member:not([hidden]) .lw-member-meta")
    for p in PAYLOADS:
        search.fill(p)
        expect(label.first).to_be_visible()
        assert p in texts(harness, f"{PANEL} .lw-member:not([hidden]) .lw-member-label"), p
        assert f"{p} · {p}, {p}" in meta.all_text_contents(), p
        assert search.input_value() == p
    label.first.hover()

    assert_nothing_ran(harness)


def test_payloads_as_type_names_in_the_filters_stay_text(harness: Page) -> None:
    restart(harness, traits(PAYLOADS, PAYLOADS[::-1], artifact_types=PAYLOADS[:2]))
    show(harness, payload_graph())
    harness.wait_for_selector(READY)
    harness.locator(VIEW).get_by_role("button", name="Filters").click()
    for kind in ("artifact_types", "job_types"):
        names = texts(harness, f"{VIEW} [data-filter='{kind}'] .lw-filter-name")
        assert sorted(names) == sorted(PAYLOADS)
    box = harness.locator(f"{VIEW} [data-filter='artifact_types']").get_by_role(
        "checkbox", name=PAYLOADS[5], exact=True
    )
    box.check()
    saved = harness.evaluate("lw.saves()")[-1]["artifact_types"]
    assert sorted(saved) == sorted([*PAYLOADS[:2], PAYLOADS[5]])
    assert_nothing_ran(harness)
