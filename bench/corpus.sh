#!/usr/bin/env bash
# Score an mlmerge binary on the real-merge corpus (docs/merge-quality.md) and
# compare it with the git and mergiraf results already stored there.
#
#   bash bench/corpus.sh [BINARY [TOOL [SCORE.PY OPTIONS...]]]
#   bash bench/corpus.sh                                  # target/release/mlmerge as "mlmerge"
#   bash bench/corpus.sh target/release/mlmerge mine --ext .py --save-outputs
#
# Environment: MLMERGE_CORPUS (default ~/.cache/mlmerge-corpus), JOBS (default 2).
# Writes CORPUS/results/TOOL.jsonl; never writes into the repository.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/release/mlmerge}"
tool="${2:-mlmerge}"
extra=("${@:3}")
corpus="${MLMERGE_CORPUS:-$HOME/.cache/mlmerge-corpus}"
results="$corpus/results"
die() { printf 'corpus.sh: %s\n' "$*" >&2; exit 1; }

scorer="$root/../shared/corpus"
[[ -f "$scorer/score.py" ]] || scorer=/work/shared/corpus
[[ -f "$scorer/score.py" && -f "$scorer/ratios.py" ]] || die "no score.py/ratios.py in ../shared/corpus or /work/shared/corpus"
[[ -f "$corpus/manifest.json" ]] ||
    die "no corpus at $corpus (manifest.json missing): build it with $scorer/extract.py, see docs/merge-quality.md, or set MLMERGE_CORPUS"
[[ -x "$bin" ]] || die "no executable mlmerge at $bin (cargo build --release, or pass a path)"
[[ "$tool" != git && "$tool" != mergiraf ]] || die "tool name '$tool' would overwrite the reference results"
bin="$(realpath "$bin")"

printf -v cmd '%q merge %%O %%A %%B -p %%P' "$bin"
python3 "$scorer/score.py" --corpus "$corpus" --tool "$tool" --cmd "$cmd" --jobs "${JOBS:-2}" ${extra[@]+"${extra[@]}"}

# Side by side with the stored references (split by .py / .ipynb, conflict set and all),
# on the scenarios every run scored.
refs=()
for r in git mergiraf mlmerge-baseline; do
    [[ "$r" != "$tool" && -f "$results/$r.jsonl" ]] && refs+=("$results/$r.jsonl")
done
echo
python3 "$scorer/score.py" --common --compare ${refs[@]+"${refs[@]}"} "$results/$tool.jsonl"

# Paired CPU-time ratios TOOL/git per .py|.ipynb x git-conflict|git-clean.
if [[ -f "$results/git.jsonl" ]]; then
    python3 "$scorer/ratios.py" "$results/$tool.jsonl" "$results/git.jsonl" --by both
    # The BEFORE/AFTER table of docs/merge-quality.md, git first.
    python3 "$root/bench/corpus_table.py" "$results/git.jsonl" ${refs[@]+"${refs[@]:1}"} "$results/$tool.jsonl"
else
    echo "corpus.sh: no $results/git.jsonl, so no speed ratios (score git first, see docs/merge-quality.md)" >&2
fi
