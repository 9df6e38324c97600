#!/usr/bin/env bash
# Builds the mlmerge wheel with maturin (release), installs it into a fresh
# virtual environment and runs the installed `mlmerge` from there:
# --version, `install --dry-run` in a scratch repository, and `demo`.
# Not run by CI: the release build takes minutes.
#
#   scripts/build-wheel.sh            # wheel left in target/wheels/
#   PYTHON=python3.12 scripts/build-wheel.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/mlmerge-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "maturin into a build venv"
"$python" -m venv "$work/build"
"$work/build/bin/python" -m pip install --quiet --upgrade pip
"$work/build/bin/python" -m pip install --quiet "maturin>=1.5,<2.0"
"$work/build/bin/maturin" --version

step "maturin build --release"
"$work/build/bin/maturin" build --release --out target/wheels
wheel=$(ls -t target/wheels/mlmerge-*.whl | head -n 1)
echo "built $wheel ($(du -h "$wheel" | cut -f1))"

step "pip install into a fresh venv"
"$python" -m venv "$work/user"
"$work/user/bin/python" -m pip install --quiet "$wheel"
mlmerge="$work/user/bin/mlmerge"
command -v "$mlmerge"

# Everything below runs as a user would: the venv's bin on PATH, outside
# this checkout, with a git configuration of its own.
export PATH="$work/user/bin:$PATH"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
cd "$work"

step "mlmerge --version"
mlmerge --version

step "mlmerge install --dry-run (in a scratch repository)"
git init -q scratch
(cd scratch && mlmerge install --dry-run)
grep -q "$work/user/bin/mlmerge" <(cd scratch && mlmerge install --dry-run) \
    || { echo "the driver line does not point at the installed binary" >&2; exit 1; }

step "mlmerge demo"
mlmerge demo

step "ok: the wheel installs a working mlmerge"
