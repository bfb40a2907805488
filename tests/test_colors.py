"""Colour by a value (lineage_widget.colors): lookup, scales, legend, cluster ranges."""

from __future__ import annotations

import pytest
from support import wide_sweep
from widget_support import Recorder

from lineage_widget import LineageGraph, LineageWidget
from lineage_widget.colors import color_nodes, lookup


def sweep() -> LineageGraph:
    g = LineageGraph()
    for i, (lr, opt) in enumerate(((0.1, "adam"), (0.01, "sgd"), (0.001, "adam"))):
        g.add_run(
            f"train-{i}",
            type="train",
            details={"Config": {"lr": lr, "optimizer": {"name": opt}}, "State": "finished"},
        )
    g.add_artifact("data:v0", type="dataset", details={"Metadata": {"rows": 10}})
    return g


def test_lookup_finds_nested_keys_and_dotted_paths() -> None:
    details = {"Config": {"lr": 0.1, "optimizer": {"name": "adam", "lr": 9}}, "lr_top": 1}
    assert lookup(details, "lr") == 0.1  # the shallowest wins
    assert lookup(details, "name") == "adam"
    assert lookup(details, "Config.optimizer.lr") == 9
    assert lookup(details, "missing") is None


def test_numbers_go_on_a_continuous_scale_with_a_legend() -> None:
    coloring = color_nodes(sweep().nodes(), "lr")
    assert set(coloring.colors) == {"train-0", "train-1", "train-2"}  # the dataset: neutral
    assert coloring.colors["train-2"] == "#440154"  # the lowest: viridis' dark end
    assert coloring.colors["train-0"] == "#fde725"  # the highest: its light end
    assert coloring.legend["kind"] == "continuous"
    assert (coloring.legend["key"], coloring.legend["min"], coloring.legend["max"]) == (
        "lr",
        0.001,
        0.1,
    )
    assert coloring.range_of(["train-1", "train-2", "data:v0"]) == {"min": 0.001, "max": 0.01}


def test_numbers_spanning_orders_of_magnitude_go_on_a_log_scale() -> None:
    coloring = color_nodes(sweep().nodes(), "lr")  # 0.1, 0.01, 0.001: a hundredfold
    assert coloring.legend["scale"] == "log"
    assert coloring.colors["train-1"] == "#21918c"  # 0.01: the middle of the scale
    g = sweep()
    for i, lr in enumerate((3.0, 2.0, 1.0)):  # within a hundredfold: linear
        g.add_run(f"train-{i}", type="train", details={"Config": {"lr": lr}})
    linear = color_nodes(g.nodes(), "lr")
    assert linear.legend["scale"] == "linear"
    assert linear.colors["train-1"] == "#21918c"  # 2.0: the middle, linearly


def test_strings_are_categories() -> None:
    coloring = color_nodes(sweep().nodes(), "name")
    assert coloring.legend["kind"] == "categorical"
    assert [label for label, _ in coloring.legend["categories"]] == ["adam", "sgd"]
    assert coloring.colors["train-0"] == coloring.colors["train-2"] != coloring.colors["train-1"]
    assert coloring.range_of(["train-0", "train-1"]) == {"categories": ["adam", "sgd"]}


def test_a_function_colours_too_and_its_failure_names_the_node() -> None:
    coloring = color_nodes(sweep().nodes(), lambda node: node.kind)
    assert coloring.legend["key"] == "<lambda>"
    assert coloring.values["data:v0"] == "artifact"

    def rows(node: object) -> int:
        return node.details["Metadata"]["rows"]  # type: ignore[attr-defined,no-any-return]

    with pytest.raises(ValueError, match=r"'rows' failed on node 'train-0'"):
        color_nodes(sweep().nodes(), rows)


def test_nothing_to_colour_gives_no_legend() -> None:
    coloring = color_nodes(sweep().nodes(), "nope")
    assert coloring.colors == {}
    assert coloring.legend == {}


def test_a_color_by_function_sees_what_changed_outside_the_graph() -> None:
    metrics: dict[str, float] = {}
    w = LineageWidget(
        wide_sweep(6),
        root="processed:v0",
        depth=1,
        cluster_threshold=None,
        color_by=lambda node: metrics.get(node.id),
    )
    recorder = Recorder(w)
    recorder.browser_says(type="hello")
    assert "train-1" not in w._coloring.get("values", {})
    metrics["train-1"] = 0.3  # (a run finished meanwhile)
    recorder.browser_says(type="expand", id="train-0", direction="downstream")
    assert w._coloring["values"]["train-1"] == 0.3
