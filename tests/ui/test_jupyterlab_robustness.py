"""Robustness end to end in JupyterLab: a kernel restart leaves the old output visibly
disconnected, and hostile names, types, metadata and error messages stay text."""

from __future__ import annotations

import json

import pytest
from jupyterlab_harness import LabNotebook
from notebook_support import WIDGET, expand_control, node, show
from playwright.sync_api import expect
from xss_payloads import COUNT_INJECTED_JS, FAILED_IMAGES_SETTLED_JS, INJECTED_SELECTOR, PAYLOADS

pytestmark = pytest.mark.browser

DISCONNECTED = "Disconnected from the kernel: re-run the cell to explore again"

# Lab's own restart, minus its confirmation dialog (the command "kernelmenu:restart" asks first).
RESTART_KERNEL_JS = """
async () => {
  const context = window.jupyterapp.shell.currentWidget.sessionContext;
  await context.restartKernel();
}
"""


def test_kernel_restart_shows_the_old_output_disconnected(notebook: LabNotebook) -> None:
    notebook.run(WIDGET)
    view = show(notebook)
    expect(view).to_have_attribute("data-connection", "connected")
    expand = expand_control(view, "clean:v0", "downstream")
    expect(expand).to_be_enabled()

    notebook.page.evaluate(RESTART_KERNEL_JS)

    expect(view).to_have_attribute("data-connection", "disconnected")
    expect(view.get_by_role("alert")).to_have_text(DISCONNECTED)
    expect(view.get_by_role("alert")).to_be_visible()
    expect(expand).to_be_disabled()
    # The picture stays readable: nodes are still drawn and can be selected on the page.
    expect(node(view, "prep")).to_be_visible()
    assert notebook.run("print('w' in globals())").strip() == "False"  # a new kernel indeed


# Payloads in every name, type and metadata entry; a source whose error message is a payload.
HOSTILE_GRAPH = """
import json
from lineage_widget import GraphSource, LineageGraph, LineageWidget

P = json.loads({payloads!r})
metadata = {{f"{{i}} {{p}}": p for i, p in enumerate(P)}}
metadata["run page"] = "https://example.org/runs/1"
metadata["script link"] = "javascript:window.__xss=(window.__xss||0)+1"
g = LineageGraph()
g.add_artifact("raw", type=P[0], name=P[1], details=metadata)
g.add_run("prep", type=P[2], name=P[3], details=metadata)
g.add_artifact("clean", type=P[4], name=P[5], version=P[6], aliases=P[7:9], details=metadata)
g.add_run("train", type=P[9], name=P[10])
g.add_edge("raw", "prep")
g.add_edge("prep", "clean")
g.add_edge("clean", "train")

class FailingSource(GraphSource):
    def neighbours(self, node, direction):
        if node.id == "clean" and direction == "downstream":
            raise ConnectionError(P[11])
        return super().neighbours(node, direction)

w = LineageWidget(g, root="prep", depth=1, source=FailingSource(g))
"""


def test_hostile_text_from_the_kernel_stays_text(notebook: LabNotebook) -> None:
    notebook.run(HOSTILE_GRAPH.format(payloads=json.dumps(PAYLOADS)))
    view = show(notebook)

    expect(node(view, "prep").locator(".lw-node-label")).to_have_text(PAYLOADS[3])
    expect(node(view, "prep").locator(".lw-node-type")).to_have_text(PAYLOADS[2])
    expect(node(view, "raw").locator(".lw-node-label")).to_have_text(PAYLOADS[1])
    details = view.locator(".lineage-details")
    for node_id in ["clean", "raw", "prep"]:
        if details.is_visible():  # it may cover the next node, and a click pans beside it
            details.locator(".lw-details-close").click()
            view.locator('[data-action="fit"]').click()
        node(view, node_id).click()
        expect(details).to_have_attribute("data-details-id", node_id)
        expect(details.locator(".lw-details-value").first).to_be_visible()
    shown = dict(
        details.locator("dd").evaluate_all(
            "els => els.map(e => [e.dataset.field, e.firstElementChild.textContent])"
        )
    )
    for i, payload in enumerate(PAYLOADS):
        assert shown[f"{i} {payload}"] == payload
    expect(details.locator(".lw-details-title")).to_have_text(PAYLOADS[3])
    link = details.locator('dd[data-field="run page"] a')
    expect(link).to_have_attribute("href", "https://example.org/runs/1")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(details.locator('dd[data-field="script link"] a')).to_have_count(0)

    details.locator(".lw-details-close").click()
    view.locator('[data-action="fit"]').click()
    view.get_by_role("button", name="Filters").click()  # the types, as filter choices
    for payload in (PAYLOADS[0], PAYLOADS[2], PAYLOADS[4]):
        expect(view.get_by_role("checkbox", name=payload, exact=True)).to_be_checked()
    notebook.page.keyboard.press("Escape")
    expand_control(view, "clean", "downstream").click()
    error = node(view, "clean").locator(".lw-node-error")
    expect(error).to_contain_text(PAYLOADS[11])
    node(view, "clean").hover()

    notebook.page.evaluate(FAILED_IMAGES_SETTLED_JS)
    assert notebook.page.evaluate("window.__xss") is None
    assert view.evaluate(COUNT_INJECTED_JS, INJECTED_SELECTOR) == []
