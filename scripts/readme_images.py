"""Make the README's pictures from the real widget: the quickstart run in JupyterLab, in Chromium.

    .venv/bin/python scripts/readme_images.py      # writes docs/*.png

Uses the tests' support module (tests/support.py: Chromium, JupyterLab, opening a notebook).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "ui")]

from notebook_support import READY  # noqa: E402
from support import chromium, jupyter_server, open_notebook  # noqa: E402


def quickstart_cells() -> list[str]:
    notebook = json.loads((ROOT / "notebooks" / "quickstart.ipynb").read_text())
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def main() -> None:
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    cells = quickstart_cells()
    with (
        tempfile.TemporaryDirectory() as tmp,
        jupyter_server(Path(tmp)) as server,
        chromium() as browser,
    ):
        # Wide enough for the pictured lineages to fit at a readable zoom (a first view never
        # goes below one: it starts at the root instead).
        page = browser.new_page(viewport={"width": 1900, "height": 900}, device_scale_factor=2)
        lab = open_notebook(page, server, "quickstart.ipynb", "README images", timeout_s=30)
        for code in cells[:3]:  # set up the store, log the sweep, import
            lab.run(code)
        provenance = lab.display(
            'w = LineageWidget.from_trackio("quickstart", artifact="model:best", depth=2)\nw'
        ).locator(READY)
        provenance.wait_for()
        page.wait_for_timeout(400)
        provenance.screenshot(path=out / "screenshot.png")

        sweep = lab.display(
            'sweep = LineageWidget.from_trackio("quickstart", artifact="clean:v0", depth=3)\nsweep'
        ).locator(READY)
        sweep.wait_for()
        sweep.locator('[data-kind="cluster"]').first.click()
        sweep.locator('input[type="search"]').fill("lr1e-0")
        page.wait_for_timeout(400)
        sweep.screenshot(path=out / "clusters.png")

        for code, ready, name in BEYOND:
            view = lab.display(code).locator(READY)
            view.locator(ready).first.wait_for()
            page.wait_for_timeout(400)
            view.screenshot(path=out / name)
    print(f"wrote {', '.join(str(out / n) for n in PICTURES)}")


# "Beyond W&B": (the cell, what shows it is drawn, the picture).
BEYOND = (
    (
        'lr = LineageWidget.from_trackio("quickstart", artifact="clean:v0", depth=2,\n'
        '                                cluster_threshold=None, color_by="lr")\n'
        "lr",
        ".lineage-legend",
        "color-by.png",
    ),
    (
        'diff = LineageWidget.from_trackio("quickstart", artifact="model:v2", depth=1)\n'
        'diff.compare("quickstart/model:v1", "quickstart/model:v2")\n'
        "diff",
        "[data-diff='b']",
        "diff.png",
    ),
)
PICTURES = ("screenshot.png", "clusters.png", *(name for _, _, name in BEYOND))


if __name__ == "__main__":
    main()
