#!/usr/bin/env bash
# Set up with the demo extra and open the quickstart notebook in a local JupyterLab.
#
#   scripts/demo.sh [jupyter lab args...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh demo

args=()
if [[ "$(id -u)" == 0 ]]; then
    args+=(--allow-root)  # Jupyter refuses to run as root without it
fi
exec .venv/bin/python -m jupyter lab "${args[@]}" "$@" notebooks/quickstart.ipynb
