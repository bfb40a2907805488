"""Static checks on the front end's sources (js/src): its modules import each other without a
cycle (each module can be read, and tested, after the ones it builds on)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).parents[1] / "js" / "src"

# `import ... from "./x"`, `import type ... from "./x"`, `export ... from "./x"` and `import "./x"`.
_SIBLING = re.compile(r"""^\s*(?:import|export)\b[^;]*?["']\./([\w.-]+)["']""", re.M | re.S)


def sibling_imports(source: str) -> set[str]:
    """The js/src modules (file stems) a source imports, type-only imports included."""
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    code = re.sub(r"^\s*//[^\n]*", "", code, flags=re.M)
    return {name.removesuffix(".ts") for name in _SIBLING.findall(code)}


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    modules = {path.stem: path for path in src.glob("*.ts") if not path.name.endswith(".d.ts")}
    return {name: sibling_imports(path.read_text()) & set(modules) for name, path in modules.items()}


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
    assert "view" in graph and "protocol" in graph["filters"]
    assert cycles(graph) == []
