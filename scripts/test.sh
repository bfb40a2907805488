#!/usr/bin/env bash
# Set up, then run every check: lint, types, all test tiers and the wheel. Stops at the first
# failure with a non-zero exit code.
#
#   scripts/test.sh [pytest args...]    extra args go to the pytest run (e.g. -x, -k expand)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh test

venv_bin="$PWD/.venv/bin"
export PATH="$venv_bin:$PATH"
SECONDS=0
step() { printf '\n== [%3ss] %s\n' "$SECONDS" "$*"; }

step "ruff"
ruff check lineage_widget tests benchmarks scripts
ruff format --check lineage_widget tests benchmarks scripts

step "mypy (strict)"
mypy

step "tsc and biome"
(cd js && npx --no-install tsc --noEmit && npx --no-install biome check src)

# One pytest run for every tier (Python, front end, JupyterLab, notebooks via nbval) so there is
# one closing summary. --nbval-lax checks only cells marked `# NBVAL_CHECK_OUTPUT`: the
# text/plain of a widget holds a memory address. --nbval-current-env: notebooks run in this venv.
step "pytest"
status=0
pytest --nbval-lax --nbval-current-env "$@" || status=$?
if [[ $status -eq 5 ]]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
elif [[ $status -ne 0 ]]; then
    exit "$status"
fi

# The wheel is built from a copy of the files git would ship (no node_modules, no bundle), so
# the build hook has to run npm itself, like a `pip install .` from a fresh clone.
step "wheel"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/src"
PIP_CONSTRAINT="$PWD/requirements/constraints.txt" \
    python -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$work/dist" "$work/src"
mkdir "$work/unpacked"
python - "$work" <<'PY'
import subprocess
import sys
import zipfile
from pathlib import Path

work = Path(sys.argv[1])
(wheel,) = (work / "dist").glob("lineage_widget-*.whl")
with zipfile.ZipFile(wheel) as archive:
    names = set(archive.namelist())
    for required in ("lineage_widget/static/widget.js", "lineage_widget/static/widget.css"):
        if required not in names or archive.getinfo(required).file_size == 0:
            sys.exit(f"{wheel.name} lacks a non-empty {required}")
    archive.extractall(work / "unpacked")
# Import from the unpacked wheel, not the editable checkout, and build a widget from it.
check = """
from pathlib import Path
import lineage_widget
from lineage_widget import LineageGraph, LineageWidget
assert Path(lineage_widget.__file__).parent == Path("lineage_widget").resolve(), lineage_widget.__file__
graph = LineageGraph()
graph.add_artifact("a:v0", type="dataset", name="a", version="v0")
widget = LineageWidget(graph)
esm = widget._esm
assert "a:v0" in widget.graph
assert len(esm if isinstance(esm, str) else Path(esm).read_text()) > 1000
"""
subprocess.run([sys.executable, "-c", check], cwd=work / "unpacked", check=True)
print(f"{wheel.name}: bundle present, imports and builds a widget")
PY

step "all checks passed"
