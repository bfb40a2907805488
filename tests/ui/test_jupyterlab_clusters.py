"""Clusters end to end in JupyterLab: the page and Python agree on what is clustered."""

from __future__ import annotations

import json

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import EVAL, SWEEP, drawn_ids, expand_control, node, show
from playwright.sync_api import Locator, expect
from support import save_screenshot

pytestmark = pytest.mark.browser


def page_clusters(view: Locator) -> dict[str, int]:
    return dict(
        view.locator('[data-kind="cluster"]').evaluate_all(
            "els => els.map(e => [e.dataset.clusterId, Number(e.dataset.count)])"
        )
    )


def test_sweep_draws_as_clusters_that_python_agrees_with(notebook: LabNotebook) -> None:
    notebook.run(SWEEP)
    view = show(notebook)

    expect(view.locator('[data-kind="cluster"]')).to_have_count(2)
    python = json.loads(
        notebook.run("import json; print(json.dumps({c: len(m) for c, m in w.clusters.items()}))")
    )
    assert page_clusters(view) == python == {EVAL: 8, "cluster:artifact:metrics@-1": 8}
    assert drawn_ids(view) == {"report"}


def test_search_pull_out_and_expand_a_member(notebook: LabNotebook) -> None:
    notebook.run(SWEEP)
    view = show(notebook)
    view.locator(f'[data-cluster-id="{EVAL}"]').click()

    search = view.locator('input[type="search"]')
    expect(view.locator("[data-member-id]")).to_have_count(8)
    search.fill("eval-3")
    expect(view.locator("[data-member-id]")).to_have_count(1)
    row = view.locator('[data-member-id="eval-3"]')
    expect(row).to_be_visible()

    row.locator('[data-action="pull-out"]').click()

    expect(node(view, "eval-3")).to_be_visible()
    expect(view.locator(f'[data-cluster-id="{EVAL}"]')).to_have_attribute("data-count", "7")
    assert notebook.wait_for_output('print(w.cluster_of("eval-3"))', "None") == "None"
    assert notebook.run(f'print(len(w.clusters["{EVAL}"]))').strip() == "7"

    # The pulled-out run is a node like any other: its upstream expand fetches its model.
    expand_control(view, "eval-3", "upstream").click()
    expect(node(view, "model:v3")).to_be_visible()
    assert notebook.wait_for_output('print("model:v3" in w.graph)', "True") == "True"


def test_selecting_a_clustered_node_from_python_opens_its_cluster(notebook: LabNotebook) -> None:
    notebook.run(SWEEP)
    view = show(notebook)

    notebook.run('w.select("eval-5")')

    row = view.locator('[data-member-id="eval-5"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-selected", "true")


@pytest.mark.parametrize("host", ["notebook", "notebook7"])
def test_expand_all_members_of_a_cluster_from_its_panel(
    host: str, request: pytest.FixtureRequest
) -> None:
    """The member panel's "Expand all 8 upstream" walks every member's inputs, in JupyterLab and
    Notebook 7: the eight models arrive in Python and are drawn (as a cluster of their own)."""
    notebook: LabNotebook = request.getfixturevalue(host)
    notebook.run(SWEEP)
    view = show(notebook)
    view.locator(f'[data-cluster-id="{EVAL}"]').click()
    button = view.locator('[data-action="expand-all-upstream"]')
    expect(button).to_have_text("Expand all 8 upstream")
    save_screenshot(notebook.page, f"expand-all-{host}")
    button.click()
    known = 'print(sum(f"model:v{i}" in w.graph for i in range(8)))'
    assert notebook.wait_for_output(known, "8", timeout=20) == "8"
    expect(view.locator('[data-cluster-id^="cluster:artifact:model"]')).to_have_attribute(
        "data-count", "8"
    )
