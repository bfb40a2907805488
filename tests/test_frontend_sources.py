"""Static checks on the front end's sources (js/src): its modules import each other without a
cycle (each module can be read, and tested, after the ones it builds on), and every size
widget.css reads from geometry.ts (`var(--lw-…)`) is one geometry.ts gives it."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).parents[1] / "js" / "src"
CSS = SRC / "widget.css"
GEOMETRY = SRC / "geometry.ts"

# `import ... from "./x"`, `import type ... from "./x"`, `export ... from "./x"` and `import "./x"`.
_SIBLING = re.compile(r"""^\s*(?:import|export)\b[^;]*?["']\./([\w.-]+)["']""", re.M | re.S)


def sibling_imports(source: str) -> set[str]:
    """The js/src modules (file stems) a source imports, type-only imports included."""
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    code = re.sub(r"^\s*//[^\n]*", "", code, flags=re.M)
    return {name.removesuffix(".ts") for name in _SIBLING.findall(code)}


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    modules = {path.stem: path for path in src.glob("*.ts") if not path.name.endswith(".d.ts")}
    names = set(modules)
    return {name: sibling_imports(path.read_text()) & names for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle through each module that is on one (as a path that ends where it starts)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            found.append([*path[path.index(name) :], name])
            return
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return found


def test_the_parser_reads_every_kind_of_import() -> None:
    source = (
        'import { a } from "./alpha";\nimport type {\n  B,\n  C,\n} from "./beta";\n'
        'export { d } from "./delta";\nimport "./widget.css";\n'
        '// import { x } from "./commented";\nconst s = "from ./nowhere";\n'
    )
    assert sibling_imports(source) == {"alpha", "beta", "delta", "widget.css"}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"view": {"filters"}, "filters": {"view", "dom"}, "dom": set()}) == [
        ["filters", "view", "filters"]
    ]
    assert cycles({"view": {"filters", "dom"}, "filters": {"dom"}, "dom": set()}) == []


def test_js_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph()
    assert "view" in graph
    assert "protocol" in graph["filters"]
    assert cycles(graph) == []


def css_variables(css: str) -> tuple[set[str], set[str]]:
    """The custom properties a stylesheet declares (``--lw-x: …``) and those it reads."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    declared = set(re.findall(r"(--lw-[\w-]+)\s*:", css))
    read = set(re.findall(r"var\(\s*(--lw-[\w-]+)", css))
    return declared, read


def geometry_sizes(source: str) -> set[str]:
    """The custom properties geometry.ts's CSS_SIZES gives the view's root."""
    block = re.search(r"export const CSS_SIZES[^{]*\{(.*?)\n\};", source, flags=re.S)
    assert block, "CSS_SIZES not found in geometry.ts"
    return set(re.findall(r'"(--lw-[\w-]+)":', block.group(1)))


def test_the_css_parsers_read_declarations_uses_and_sizes() -> None:
    declared, read = css_variables(".a { --lw-x: 1px; gap: var(--lw-y); /* var(--lw-z) */ }")
    assert (declared, read) == ({"--lw-x"}, {"--lw-y"})
    sizes = 'export const CSS_SIZES: R = {\n  "--lw-card-gap": `${GAP}px`,\n};'
    assert geometry_sizes(sizes) == {"--lw-card-gap"}


def test_every_css_size_comes_from_geometry_ts() -> None:
    declared, read = css_variables(CSS.read_text())
    sizes = geometry_sizes(GEOMETRY.read_text())
    assert len(sizes) > 10
    # (a script's own, such as marks.ts's colour of one node)
    per_element = {
        name
        for path in SRC.glob("*.ts")
        for name in re.findall(r'setProperty\(\s*"(--lw-[\w-]+)"', path.read_text())
    }
    # Each variable widget.css reads is declared there (the theme's colours), by geometry.ts, or
    # on one element by a script; a size both widget.css and geometry.ts declared would be
    # written twice.
    assert read - declared - sizes - per_element == set()
    assert declared & sizes == set()
    # And geometry.ts hands widget.css nothing it does not use.
    assert sizes - read == set()
