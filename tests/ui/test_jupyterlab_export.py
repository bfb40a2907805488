"""End to end in JupyterLab: ``w.save()`` in one cell, the page draws the picture, the kernel
writes the file once that cell has finished; a later cell reads it back."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from frontend_harness import READY
from jupyterlab_harness import JupyterServer, LabNotebook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__xss=1">&amp; "quoted"'
WIDGET = f"""
from lineage_widget import LineageGraph, LineageWidget

g = LineageGraph()
g.add_artifact("raw:v0", type="dataset", name="raw", version="v0")
g.add_run("prep", type="preprocess", name={HOSTILE!r})
g.add_edge("raw:v0", "prep")
g.add_artifact("clean:v0", type="dataset", name="clean", version="v0")
g.add_edge("prep", "clean:v0")
w = LineageWidget(g)
"""

# Run in the kernel after the files are written: what they hold, as one line of text.
READ_BACK = """
import struct
import xml.etree.ElementTree as ET

svg_path, png_path = svg_future.result(), png_future.result()
root = ET.parse(svg_path).getroot()
ns = "{http://www.w3.org/2000/svg}"
titles = sorted(t.text for g in root.iter(ns + "g") if g.get("data-node-id")
                for t in g.findall(ns + "title"))
png = png_path.read_bytes()
size = struct.unpack(">II", png[16:24])
print(root.tag == ns + "svg", png[:8] == b"\\x89PNG\\r\\n\\x1a\\n",
      size == (2 * int(root.get("width")), 2 * int(root.get("height"))), titles)
"""


def test_save_writes_svg_and_png_once_the_cell_has_finished(
    notebook: LabNotebook, jupyter_server: JupyterServer
) -> None:
    notebook.run(WIDGET)
    expect(notebook.display("w").locator(READY)).to_have_count(1)

    # Inside the cell nothing can be written yet, and waiting there is refused, not a hang.
    during = notebook.run(
        'svg_future = w.save("lineage.svg")\n'
        'png_future = w.save("lineage.png")\n'
        "try:\n"
        "    svg_future.result()\n"
        "except RuntimeError as exc:\n"
        '    print("refused:", exc)\n'
        "print(svg_future.done(), png_future.done())"
    )
    assert "refused: the file is not written yet" in during
    assert during.strip().endswith("False False")

    # Once that cell has finished the page answers: a later cell sees both futures done.
    done = notebook.wait_for_output(
        "print(svg_future.done() and png_future.done())", "True", timeout=20
    )
    assert done == "True"
    assert (jupyter_server.root_dir / "lineage.svg").is_file()

    expected_titles = ["dataset: clean:v0", f"preprocess: {HOSTILE}", "dataset: raw:v0"]
    assert notebook.run(READ_BACK).strip() == f"True True True {sorted(expected_titles)!r}"
    # Read from this side too: the files are where the notebook is, and well-formed.
    svg = (jupyter_server.root_dir / "lineage.svg").read_text(encoding="utf-8")
    assert "<img" not in svg
    assert 'preprocess: &lt;img src=x onerror="window.__xss=1"&gt;&amp;amp; "quoted"' in svg
    root = ET.fromstring(svg.encode("utf-8"))
    png = (jupyter_server.root_dir / "lineage.png").read_bytes()
    assert struct.unpack(">II", png[16:24]) == (
        2 * int(root.attrib["width"]),
        2 * int(root.attrib["height"]),
    )
    assert notebook.page.evaluate("window.__xss") is None
