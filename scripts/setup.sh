#!/usr/bin/env bash
# Set up a development environment from a fresh clone; cheap to rerun.
#
#   scripts/setup.sh [extra]     extra: test (default) or demo
#
# - Chromium from Debian's apt (browser tests), when missing and we are root.
# - .venv with python3, the package installed editable with the extra, every version taken
#   from requirements/constraints.txt (refreshed by scripts/lock.sh).
# - js/node_modules from package-lock.json with `npm ci`, and the bundle in
#   lineage_widget/static/ rebuilt whenever js/ changed.
#
# npm is driven here rather than by the build hook: hatch-jupyter-builder's npm_builder always
# runs `npm install` (which may rewrite the lock) and only compares js/src with the bundle. The
# editable install is then made with HATCH_JUPYTER_BUILDER_SKIP_NPM=1; a plain `pip install .`
# still builds through the hook.
set -euo pipefail

extra="${1:-test}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.venv
stamp_dir="$venv/.lineage-widget-setup"

step() { printf '\n== %s\n' "$*"; }

# --- Chromium -------------------------------------------------------------------------------
if [[ "$extra" == test ]] && ! command -v chromium >/dev/null && [[ -z "${LINEAGE_WIDGET_CHROMIUM:-}" ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        step "installing Chromium from apt"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            chromium fonts-liberation >/dev/null
    else
        echo "WARNING: Chromium not found; the browser tests will fail. Install it with" >&2
        echo "  sudo apt-get install -y --no-install-recommends chromium fonts-liberation" >&2
        echo "or point LINEAGE_WIDGET_CHROMIUM at a Chromium binary." >&2
    fi
fi

# --- Python environment ---------------------------------------------------------------------
if [[ ! -x "$venv/bin/python" ]]; then
    step "creating $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
mkdir -p "$stamp_dir"

# Each step records a hash of its inputs and reruns only when they changed (hashes, not mtimes:
# a checkout or a deleted file must count as a change too).
inputs_hash() { find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1; }
changed() {  # changed NAME HASH: true when the stamp NAME does not hold HASH
    [[ "$(cat "$stamp_dir/$1" 2>/dev/null || true)" != "$2" ]]
}

# --- JavaScript dependencies and bundle -----------------------------------------------------
js_inputs=(js/package.json)
[[ -f js/package-lock.json ]] && js_inputs+=(js/package-lock.json)
deps_hash="$(inputs_hash "${js_inputs[@]}")"
if [[ ! -d js/node_modules ]] || changed npm-deps "$deps_hash"; then
    if [[ -f js/package-lock.json ]]; then
        step "npm ci"
        (cd js && npm ci --no-audit --no-fund --loglevel=error)
    else
        step "npm install (no package-lock.json: commit the one it writes)"
        (cd js && npm install --no-audit --no-fund --loglevel=error)
    fi
    echo "$deps_hash" >"$stamp_dir/npm-deps"
fi
bundle_hash="$(inputs_hash js/src "${js_inputs[@]}")"
if [[ ! -f lineage_widget/static/widget.js ]] || changed bundle "$bundle_hash"; then
    step "building the front-end bundle"
    (cd js && npm run --silent build)
    echo "$bundle_hash" >"$stamp_dir/bundle"
fi

# --- The package, editable; reinstalled when pyproject.toml or the lock changed ----------------
# Every dependency resolves to the version in requirements/constraints.txt (scripts/lock.sh
# refreshes it), so a fresh clone installs exactly what CI tested.
install_hash="$(inputs_hash pyproject.toml requirements/constraints.txt)"
if changed "install-$extra" "$install_hash"; then
    step "pip install -e .[$extra] (versions from requirements/constraints.txt)"
    HATCH_JUPYTER_BUILDER_SKIP_NPM=1 "$venv/bin/python" -m pip install --quiet \
        --disable-pip-version-check -c requirements/constraints.txt -e ".[$extra]"
    echo "$install_hash" >"$stamp_dir/install-$extra"
fi

echo "setup done: $venv ready with extra [$extra]"
