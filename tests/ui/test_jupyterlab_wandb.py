"""End to end in JupyterLab: the real wandb SDK in the kernel, talking to the fake W&B server.

A neighbour W&B refuses or whose project was deleted is drawn as "not accessible" with its
reason, a neighbour of another project shows it, and the selection hands back SDK objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_wandb import FakeWandb
from jupyterlab_harness import LabNotebook
from notebook_support import node, show
from playwright.sync_api import expect
from support import build_lineage

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeWandb]:
    backend = FakeWandb(build_lineage())
    with backend.serve():
        yield backend


def test_not_accessible_neighbours_and_other_projects_in_the_page(
    notebook: LabNotebook, fake: FakeWandb, tmp_path: Path
) -> None:
    environment = fake.environment(tmp_path)
    notebook.run(
        f"import os\nos.environ.update({environment!r})\n"
        "import wandb\nfrom lineage_widget import LineageWidget\n"
        'w = LineageWidget(wandb.Api().artifact("ana/demo/clean:v0"))\n'
    )
    view = show(notebook)
    marked = view.locator('[data-inaccessible="true"]')
    expect(marked).to_have_count(2)  # the run of a deleted project, the refused one
    lost = node(view, "[deleted project]/g1")
    expect(lost).to_have_attribute("data-inaccessible", "true")
    expect(lost).to_have_attribute(
        "title", "eval: lost-run\nNot accessible: its project was deleted"
    )
    lost.click()
    details = view.locator(".lineage-details")
    expect(details).to_contain_text("Not accessible")
    expect(details).to_contain_text("its project was deleted")
    expect(node(view, "ana/other/a1")).to_contain_text("other/audit-run")
    expect(node(view, "ana/demo/t1")).not_to_have_attribute("data-inaccessible", "true")

    node(view, "ana/demo/t1").click()
    expect(node(view, "ana/demo/t1")).to_have_attribute("data-selected", "true")
    selected = notebook.run(
        "print(type(w.selected_objects[0]).__module__, w.selected_objects[0].id)"
    )
    assert selected.strip() == "wandb.apis.public.runs t1"
