"""The front end needs nothing from its host but the anywidget standard, nor from the network.

That is what lets it run in VS Code and Colab, which the end-to-end tests do not drive: the
bundle must not import a JupyterLab or ipywidgets module (only JupyterLab would resolve it),
and must not load code, styles or fonts from a CDN (closed networks, offline use, Colab's
sandboxed output frames). The static checks read the built bundle and the sources; the browser
check loads the bundle on the harness page and records every request it makes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from frontend_harness import READY, node_sel, show_pipeline
from playwright.sync_api import Browser
from support import HARNESS, JS

# Module specifiers still in a bundle (the host would have to resolve them) or in a source file.
# (A specifier holds no spaces or commas: a list of keywords such as `"import","in"` is not one.)
_SPECIFIERS = [
    re.compile(r"""\bfrom\s*["'`]([^"'`\s,]+)["'`]"""),
    re.compile(r"""\bimport\s*\(\s*["'`]([^"'`\s,]+)["'`]"""),
    re.compile(r"""\bimport\s*["'`]([^"'`\s,]+)["'`]"""),
    re.compile(r"""\brequire\s*\(\s*["'`]([^"'`\s,]+)["'`]"""),
]
_URL = re.compile(r"""(?:\bhttps?:)?//[^\s"'`()<>\\]+""")  # protocol-relative too
# URLs that are text, never fetched: XML/SVG namespaces, and the issue tracker that the layout
# engine (d3-dag) names in its internal-error messages.
_IDENTIFIER_URLS = ("http://www.w3.org/", "https://github.com/erikbrinkman/d3-dag/issues")
# Names that only exist in a Jupyter front end (the widget reaches its host through the
# anywidget model alone).
_HOST_ONLY = re.compile(r"@jupyterlab/|@jupyter-widgets/|@lumino/|\bjupyterapp\b|\brequirejs\b")
# Packages js/src may import: esbuild bundles them, and type-only imports vanish.
_SOURCE_PACKAGES = {"@anywidget/types", "d3-dag"}


def bundle_problems(code: str) -> list[str]:
    """What in a built bundle (JS or CSS) would need a particular host or the network."""
    problems = [
        f"module left for the host to resolve: {m[1]!r}"
        for p in _SPECIFIERS
        for m in p.finditer(code)
    ]
    problems += [
        f"URL: {m[0]!r}" for m in _URL.finditer(code) if not m[0].startswith(_IDENTIFIER_URLS)
    ]
    problems += [f"host-only name: {m[0]!r}" for m in _HOST_ONLY.finditer(code)]
    problems += [f"CSS import: {m[0]!r}" for m in re.finditer(r"@import[^;]*", code)]
    return problems


def css_problems(css: str) -> list[str]:
    """``bundle_problems``, and JupyterLab theme variables without a fallback (they are unset
    in marimo, VS Code and Colab)."""
    bare = [
        f"--jp- variable without a fallback: {m[0]!r}"
        for m in re.finditer(r"var\(\s*--jp-[\w-]+\s*\)", css)
    ]
    return bundle_problems(css) + bare


def source_problems(source: str) -> list[str]:
    """Imports in a js/src file of anything but its siblings and the allowed packages.

    Comments are left out first (prose such as "from `from`" is no import); only whole-line
    `//` comments, so a URL inside a string is never cut."""
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    code = re.sub(r"^\s*//[^\n]*", "", code, flags=re.M)
    specifiers = {m[1] for p in _SPECIFIERS for m in p.finditer(code)}
    return [
        f"import of {name!r}"
        for name in sorted(specifiers)
        if not name.startswith("./") and name not in _SOURCE_PACKAGES
    ]


@pytest.mark.parametrize(
    "snippet",
    [
        'import*as d3 from"https://esm.sh/d3@7";',
        'import{Widget as w}from"@lumino/widgets";',
        'const m=await import("https://cdn.jsdelivr.net/npm/d3-dag/+esm");',
        'var b=require("@jupyter-widgets/base");',
        'const s=document.createElement("script");s.src="//unpkg.com/x";',
        "fetch(`https://fonts.googleapis.com/css2?family=Inter`)",
        "const app=window.jupyterapp;",
        '@import url("https://fonts.googleapis.com/css2?family=Inter");',
    ],
)
def test_the_bundle_check_catches(snippet: str) -> None:
    assert bundle_problems(snippet), snippet


def test_the_checks_pass_clean_code() -> None:
    clean = (
        'const NS="http://www.w3.org/2000/svg";const r=/^https?:\\/\\/\\S+$/i;export{a as default};'
    )
    assert bundle_problems(clean) == []
    assert css_problems(".x{color:var(--jp-ui-font-color1, #1f2328)}") == []
    assert css_problems(".x{color:var(--jp-ui-font-color1)}")
    assert (
        source_problems('import type { AnyModel } from "@anywidget/types";\nimport "./widget.css";')
        == []
    )
    assert source_problems('import { URLExt } from "@jupyterlab/coreutils";')
    assert source_problems('/** The node to move to from `from`. */\nconst a = "x";') == []
    assert source_problems('const u = "https://esm.sh/x"; import { y } from "https://esm.sh/y";')


def test_bundle_needs_no_particular_host_and_no_network(bundle: Path) -> None:
    assert bundle_problems(bundle.read_text()) == []
    assert css_problems(bundle.with_name("widget.css").read_text()) == []


def test_sources_import_only_siblings_and_allowed_packages() -> None:
    problems = {
        path.name: found
        for path in sorted(JS.joinpath("src").glob("*.ts"))
        if (found := source_problems(path.read_text()))
    }
    assert problems == {}


@pytest.mark.browser
def test_drawing_and_clicking_load_nothing_from_elsewhere(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        page.goto(server + HARNESS)
        page.wait_for_function("window.lwReady === true")
        page.evaluate("lw.reset(); lw.start()")
        show_pipeline(page)
        page.click(node_sel("model:v0"))
        page.wait_for_selector(f"{READY} [data-selected='true']")
    finally:
        context.close()
    assert any(url.endswith("/lineage_widget/static/widget.js") for url in requests)
    assert [url for url in requests if not url.startswith(server + "/")] == []
