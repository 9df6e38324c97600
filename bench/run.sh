#!/usr/bin/env bash
# Benchmark: whole-process merge time of mlmerge against `git merge-file`,
# mergiraf (Python files) and nbdime's nbmerge (notebooks), on the same
# generated inputs in the same run. Prints a Markdown table.
#
#   bash bench/run.sh            # full run (about 5-10 minutes once the peers are installed)
#   bash bench/run.sh --quick    # small inputs only, to check the script
#
# Peers are installed on first use into bench/.tools (mergiraf, via cargo) and
# bench/.venv (nbdime, via pip); both are ignored by git. A peer that cannot be
# installed or fails shows as "n/a" with the reason; the table is still printed.
# Environment: MLMERGE_BENCH_KEEP=1 keeps the generated inputs and outputs;
# MLMERGE_BIN=PATH times that mlmerge binary instead of building this checkout.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=""
[[ "${1:-}" == "--quick" ]] && quick="--quick"
log() { printf '==> %s\n' "$*" >&2; }

# 1. mlmerge, the `dist` build (the release profile with whole-program LTO,
#    Cargo.toml), or the binary named by MLMERGE_BIN.
if [[ -n "${MLMERGE_BIN:-}" ]]; then
    mlmerge="$(realpath "$MLMERGE_BIN")"
else
    log "building mlmerge (dist profile)"
    if ! (cd "$root" && cargo build --profile dist --quiet --bin mlmerge); then
        log "cannot build mlmerge; stopping"
        exit 1
    fi
    target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
    mlmerge="${target_dir:-$root/target}/dist/mlmerge"
fi

peer_args=()

# 2. mergiraf: on PATH, or built once into bench/.tools.
mergiraf="$(command -v mergiraf || true)"
if [[ -z "$mergiraf" && -x "$here/.tools/bin/mergiraf" ]]; then
    mergiraf="$here/.tools/bin/mergiraf"
fi
if [[ -z "$mergiraf" ]]; then
    log "installing mergiraf into bench/.tools (cargo install; several minutes on 2 cores)"
    if cargo install mergiraf --locked --root "$here/.tools" >"$here/.tools-install.log" 2>&1; then
        mergiraf="$here/.tools/bin/mergiraf"
    else
        log "mergiraf install failed; see bench/.tools-install.log"
        peer_args+=(--peer-missing "mergiraf=cargo install failed")
    fi
fi
[[ -n "$mergiraf" ]] && peer_args+=(--mergiraf "$mergiraf")

# 3. nbdime: on PATH, or in bench/.venv.
nbmerge="$(command -v nbmerge || true)"
if [[ -z "$nbmerge" && -x "$here/.venv/bin/nbmerge" ]]; then
    nbmerge="$here/.venv/bin/nbmerge"
fi
if [[ -z "$nbmerge" ]]; then
    log "installing nbdime into bench/.venv (pip)"
    if python3 -m venv "$here/.venv" >"$here/.venv-install.log" 2>&1 &&
        "$here/.venv/bin/pip" install --quiet nbdime >>"$here/.venv-install.log" 2>&1; then
        nbmerge="$here/.venv/bin/nbmerge"
    else
        log "nbdime install failed; see bench/.venv-install.log"
        nbmerge=""
        peer_args+=(--peer-missing "nbmerge=pip install nbdime failed")
    fi
fi
[[ -n "$nbmerge" ]] && peer_args+=(--nbmerge "$nbmerge")

# 4. GNU time, for peak memory (measure.py reports "n/a" without it).
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (apt-get)"
    { apt-get update -qq && apt-get install -y -qq time; } >/dev/null 2>&1 ||
        log "cannot install GNU time; peak memory will show as n/a"
fi

# 5. Inputs, generated deterministically into a temporary folder.
work="$(mktemp -d "${TMPDIR:-/tmp}/mlmerge-bench.XXXXXX")"
if [[ -z "${MLMERGE_BENCH_KEEP:-}" ]]; then
    trap 'rm -rf "$work"' EXIT
else
    log "keeping inputs and outputs in $work"
fi
log "generating inputs in $work"
python3 "$here/gen_inputs.py" "$work" $quick || exit 1

# 6. Versions, then the measurements.
{
    version() { if [[ -n "$1" ]]; then "$1" --version 2>/dev/null | head -1; else echo n/a; fi; }
    cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
    echo "Machine: $(nproc) cores${cpu:+ ($cpu)}, $(uname -sr); $(git --version);" \
        "mlmerge: ${MLMERGE_BIN:-commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')};" \
        "mergiraf: $(version "$mergiraf"); nbdime nbmerge: $(version "$nbmerge");" \
        "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
}
log "measuring (median wall time of repeated whole-process runs)"
python3 "$here/measure.py" "$work" --mlmerge "$mlmerge" "${peer_args[@]}" --json "$work/results.json"
