"""The marimo app of tests/ui/test_hosts.py: the widget wrapped in ``mo.ui.anywidget``.

raw:v0 -> prep -> clean:v0, as in notebook_support.py. One cell shows what Python sees of the
selection (marimo reruns it whenever the page changes the selection); a button selects clean:v0
from Python.
"""

# ruff: noqa: B018  (a marimo cell shows its last expression)

import marimo

__generated_with = "0.25.2"
app = marimo.App()

with app.setup:
    import marimo as mo

    import lineage_widget
    from lineage_widget import LineageGraph, LineageWidget


@app.cell
def _():
    # The test checks that the app runs the lineage_widget it tests, not another install.
    mo.plain_text(f"lineage_widget: {lineage_widget.__file__}")


@app.cell
def _():
    g = LineageGraph()
    g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
    g.add_run("prep", type="preprocess", name="prep")
    g.add_edge("raw:v0", "prep")
    g.add_artifact("clean:v0", type="dataset", name="clean", version="v0")
    g.add_edge("prep", "clean:v0")
    w = LineageWidget(g, root="prep", depth=1)
    wrapped = mo.ui.anywidget(w)
    wrapped
    return w, wrapped


@app.cell
def _(w, wrapped):
    mo.vstack(
        [
            mo.plain_text(f"wrapped.value: {wrapped.value['selected']}"),
            mo.plain_text(f"w.selected: {w.selected}"),
        ]
    )


@app.cell
def _(w):
    select_button = mo.ui.button(
        label="Select clean:v0 from Python", on_click=lambda _: w.select("clean:v0")
    )
    select_button


if __name__ == "__main__":
    app.run()
