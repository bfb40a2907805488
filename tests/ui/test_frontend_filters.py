"""Front-end tests of the filter control: clicks set the filter traits (model.set, then
save_changes) and traits set from Python update the controls. Same harness as test_frontend.py."""

from __future__ import annotations

from frontend_harness import (
    HOSTILE,
    READY,
    pipeline,
    restart,
    show,
    snapshot,
    traits,
)
from playwright.sync_api import Locator, Page, expect

ARTIFACT_TYPES = ["dataset", "model"]
RUN_TYPES = ["eval", "preprocess", "train"]
PANEL = "#view-0 .lw-filters"


def start(page: Page, root: str | None = "model:v0", **values: object) -> None:
    restart(page, traits(ARTIFACT_TYPES, RUN_TYPES, **values))
    show(page, snapshot(*pipeline(), root=root))
    page.wait_for_selector(READY)


def open_filters(page: Page) -> None:
    button = page.locator("#view-0").get_by_role("button", name="Filters")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(PANEL)).to_be_visible()


def box(page: Page, name: str) -> Locator:
    return page.locator(PANEL).get_by_role("checkbox", name=name, exact=True)


def saved(page: Page) -> dict[str, object]:
    saves = page.evaluate("lw.saves()")
    assert saves, "nothing was saved"
    last: dict[str, object] = saves[-1]
    return last


def test_button_opens_a_panel_with_the_types_in_the_graph(harness: Page) -> None:
    start(harness)
    button = harness.locator("#view-0").get_by_role("button", name="Filters")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(harness.locator(PANEL)).to_be_hidden()
    open_filters(harness)
    panel = harness.locator(PANEL)
    assert button.get_attribute("aria-controls") == panel.get_attribute("id")
    artifact_boxes = harness.locator(f"{PANEL} [data-filter='artifact_types'] input")
    assert artifact_boxes.evaluate_all("els => els.map(e => e.labels[0].textContent)") == (
        ARTIFACT_TYPES
    )
    run_boxes = harness.locator(f"{PANEL} [data-filter='job_types'] input")
    assert run_boxes.evaluate_all("els => els.map(e => e.labels[0].textContent)") == RUN_TYPES
    for name in [*ARTIFACT_TYPES, *RUN_TYPES]:
        expect(box(harness, name)).to_be_checked()
    expect(box(harness, "Hide runs")).not_to_be_checked()
    expect(panel.get_by_role("radio", name="Direct")).to_be_checked()
    expect(panel.get_by_role("radio", name="Extended")).not_to_be_checked()
    # Escape closes it and gives the focus back to the button; so does a click elsewhere.
    harness.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()
    open_filters(harness)
    harness.locator("#view-0 .lw-viewport").click(position={"x": 600, "y": 300})
    expect(panel).to_be_hidden()
    assert harness.evaluate("lw.saves()") == []  # looking changes nothing


def test_unchecking_a_type_sets_the_trait_and_checking_all_clears_it(harness: Page) -> None:
    start(harness)
    open_filters(harness)
    box(harness, "model").uncheck()
    assert saved(harness)["artifact_types"] == ["dataset"]
    assert harness.evaluate("lw.traits()")["artifact_types"] == ["dataset"]
    expect(box(harness, "dataset")).to_be_checked()
    # The last type shown cannot be unchecked (an empty filter would mean "all").
    expect(box(harness, "dataset")).to_be_disabled()
    button = harness.locator("#view-0").get_by_role("button", name="Filters")
    expect(button).to_have_attribute("data-active", "true")
    box(harness, "eval").uncheck()
    assert saved(harness)["job_types"] == ["preprocess", "train"]
    box(harness, "model").check()  # every type again: no filter (types found later show too)
    assert saved(harness)["artifact_types"] is None
    box(harness, "eval").check()
    assert saved(harness)["job_types"] is None
    expect(button).to_have_attribute("data-active", "false")


def test_hide_runs_and_the_lineage_switch_set_their_traits(harness: Page) -> None:
    start(harness)
    open_filters(harness)
    box(harness, "Hide runs").check()
    assert saved(harness)["hide_runs"] is True
    for name in RUN_TYPES:  # runs are hidden whatever their job type
        expect(box(harness, name)).to_be_disabled()
    box(harness, "Hide runs").uncheck()
    assert saved(harness)["hide_runs"] is False
    expect(box(harness, "train")).to_be_enabled()
    panel = harness.locator(PANEL)
    panel.get_by_role("radio", name="Extended").check()
    assert saved(harness)["lineage"] == "extended"
    panel.get_by_role("radio", name="Direct").check()
    assert saved(harness)["lineage"] == "direct"
    saves = len(harness.evaluate("lw.saves()"))
    expect(panel).to_be_visible()  # the panel stays open while the user works in it
    assert saves == 4


def test_traits_set_from_python_update_the_controls(harness: Page) -> None:
    start(harness)
    open_filters(harness)
    harness.evaluate("lw.setTrait('artifact_types', ['model'])")
    expect(box(harness, "model")).to_be_checked()
    expect(box(harness, "dataset")).not_to_be_checked()
    harness.evaluate("lw.setTrait('job_types', ['train', 'checkpointing'])")
    # A type not in the graph yet is listed (checked), the others are not.
    expect(box(harness, "checkpointing")).to_be_checked()
    expect(box(harness, "eval")).not_to_be_checked()
    harness.evaluate("lw.setTrait('hide_runs', true)")
    expect(box(harness, "Hide runs")).to_be_checked()
    harness.evaluate("lw.setTrait('lineage', 'extended')")
    expect(harness.locator(PANEL).get_by_role("radio", name="Extended")).to_be_checked()
    # New types arriving in the graph get their checkbox (unchecked: a filter is on).
    harness.evaluate(
        "lw.setTrait('_node_types', {artifact: ['dataset', 'metrics', 'model'], run: []})"
    )
    expect(box(harness, "metrics")).not_to_be_checked()
    harness.evaluate("lw.setTrait('artifact_types', null)")
    for name in ["dataset", "metrics", "model"]:
        expect(box(harness, name)).to_be_checked()
    assert harness.evaluate("lw.saves()") == []  # Python's changes are not echoed back


def test_type_names_from_data_are_text(harness: Page) -> None:
    start(harness, _node_types={"artifact": [HOSTILE, "model"], "run": ["<b>bold</b>"]})
    open_filters(harness)
    expect(box(harness, HOSTILE)).to_be_checked()
    assert harness.locator(f"{PANEL} img, {PANEL} b").count() == 0
    label = harness.locator(f"{PANEL} .lw-filter-name", has_text="<b>bold</b>")
    assert label.text_content() == "<b>bold</b>"
    box(harness, HOSTILE).uncheck()
    assert saved(harness)["artifact_types"] == ["model"]
    assert harness.evaluate("window.__pwned") is None


def test_lineage_switch_is_off_for_a_graph_shown_whole(harness: Page) -> None:
    start(harness, root=None)
    open_filters(harness)
    panel = harness.locator(PANEL)
    expect(panel.get_by_role("radio", name="Direct")).to_be_disabled()
    expect(panel.get_by_text("The whole graph is shown: there is no base node")).to_be_visible()
    show(harness, snapshot(*pipeline(), root="model:v0"))  # (a snapshot with a base node)
    expect(panel.get_by_role("radio", name="Extended")).to_be_enabled()
    expect(panel.get_by_text("The whole graph is shown: there is no base node")).to_be_hidden()


def test_two_views_share_the_filters(harness: Page) -> None:
    start(harness)
    harness.evaluate("lw.render(0)")
    open_filters(harness)
    box(harness, "Hide runs").check()
    other = harness.locator("#view-1").get_by_role("button", name="Filters")
    expect(other).to_have_attribute("data-active", "true")
    other.click()
    expect(
        harness.locator("#view-1 .lw-filters").get_by_role("checkbox", name="Hide runs")
    ).to_be_checked()


# The ids used by more than one element, and the radio groups (names) used in more than one view.
DUPLICATE_IDS_JS = """() => {
    const shared = (pairs) => {
        const seen = {};
        for (const [value, owner] of pairs) (seen[value] ??= new Set()).add(owner);
        return Object.fromEntries(
            Object.entries(seen).filter(([, owners]) => owners.size > 1)
                .map(([value, owners]) => [value, owners.size]));
    };
    return {
        ids: shared([...document.querySelectorAll("[id]")].map((e, i) => [e.id, i])),
        radios: shared([...document.querySelectorAll("input[type=radio]")].map(
            (e) => [e.name, e.closest(".view").id])),
    };
}"""


def test_two_widgets_with_their_own_module_share_no_ids_or_radio_groups(harness: Page) -> None:
    # anywidget imports the module once per model: two widgets, two module instances.
    harness.evaluate("lw.reset()")
    for _ in range(2):
        model = harness.evaluate("(t) => lw.startOwnModule(t)", traits(ARTIFACT_TYPES, RUN_TYPES))
        show(harness, snapshot(*pipeline(), root="model:v0"), model)
    harness.evaluate("lw.render(0)")  # a second view of the first widget
    for view in range(3):
        harness.wait_for_selector(f"#view-{view} {READY}")

    assert harness.evaluate(DUPLICATE_IDS_JS) == {"ids": {}, "radios": {}}
    # Each view's references resolve inside the view itself.
    for view in range(3):
        root = harness.locator(f"#view-{view}")
        button = root.get_by_role("button", name="Filters")
        assert root.locator(f"#{button.get_attribute('aria-controls')}").count() == 1
        help_id = root.locator(".lw-viewport").get_attribute("aria-describedby")
        assert root.locator(f"#{help_id}").count() == 1

    # Choosing "Extended" in the second widget leaves the first one's "Direct" checked.
    second = harness.locator("#view-1")
    second.get_by_role("button", name="Filters").click()
    second.get_by_role("radio", name="Extended").check()
    first = harness.locator("#view-0")
    first.get_by_role("button", name="Filters").click()
    expect(first.get_by_role("radio", name="Direct")).to_be_checked()
    assert harness.evaluate("lw.traits(0).lineage") == "direct"
    assert harness.evaluate("lw.traits(1).lineage") == "extended"
