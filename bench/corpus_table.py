#!/usr/bin/env python3
"""Markdown table of docs/merge-quality.md from score.py results (standard library only).

    python3 bench/corpus_table.py GIT.jsonl TOOL.jsonl [TOOL.jsonl ...]

The first file must be git merge-file's run: it defines "git is clean" (and its
output) and is the denominator of the speed ratios. One table per file kind,
over the scenarios every file scored (so a partial run, e.g. --ext .py, compares fairly).
CPU ratios use ratios.py's formula: (cpu_a + 0.5) / (cpu_git + 0.5), paired by scenario.
"""
import json
import statistics
import sys

CLEAN = ("CLEAN-MATCH", "CLEAN-MATCH-NORM", "CLEAN-DIFF")
FLOOR = 0.5


def load(path):
    with open(path) as f:
        return {r["scenario"]: r for r in map(json.loads, f) if r}


def pct(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def share(k, n):
    return "%d/%d (%.1f%%)" % (k, n, 100.0 * k / n) if n else "0/0"


def column(recs, git, ext):
    mine = [r for r in recs.values() if r["ext"] == ext]
    conf = [r for r in mine if r["git_conflict"]]
    n = len(conf)
    cls = lambda rs, *c: sum(r["class"] in c for r in rs)
    dl = lambda rs: sum("DATA-LOSS-SUSPECT" in r.get("flags", ()) for r in rs)
    inv = lambda rs: cls(rs, "INVALID", "INVALID-CONFLICT")
    git_clean = [r for r in mine if r["scenario"] in git and git[r["scenario"]]["class"] in CLEAN]
    differ = [r for r in git_clean if r.get("out_sha1") != git[r["scenario"]].get("out_sha1")]
    cpu = [r["cpu_ms"] for r in mine]
    cpu_c = [r["cpu_ms"] for r in conf]
    paired = [(r["cpu_ms"] + FLOOR) / (git[r["scenario"]]["cpu_ms"] + FLOOR) for r in mine if r["scenario"] in git]
    return [
        str(len(mine)),
        str(n),
        share(cls(conf, *CLEAN), n),
        share(cls(conf, "CLEAN-MATCH"), n),
        share(cls(conf, "CLEAN-MATCH", "CLEAN-MATCH-NORM"), n),
        "%d / %d" % (dl(conf), dl(mine)),
        "%d / %d" % (inv(conf), inv(mine)),
        "%d of %d (%d conflict)" % (len(differ), len(git_clean), cls(differ, "CONFLICT", "INVALID-CONFLICT")),
        "%.1f / %.1f" % (statistics.median(cpu), pct(cpu, 0.9)) if cpu else "n/a",
        "%.1f / %.1f" % (statistics.median(cpu_c), pct(cpu_c, 0.9)) if cpu_c else "n/a",
        "%.2f / %.2f / %.2f / %.1f" % (statistics.median(paired), pct(paired, 0.9), pct(paired, 0.99), max(paired))
        if paired else "n/a",
    ]


ROWS = [
    "scenarios scored",
    "scenarios where git conflicts",
    "git's conflicts resolved (clean, valid)",
    "... equal to the human's, byte-equal",
    "... equal to the human's, byte or normalised",
    "data-loss suspects (git-conflict set / all)",
    "invalid results (git-conflict set / all)",
    "differs from git where git is clean",
    "CPU ms median / p90 (all)",
    "CPU ms median / p90 (git-conflict set)",
    "CPU ratio tool/git median / p90 / p99 / max (all)",
]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = [(p, load(p)) for p in sys.argv[1:]]
    common = set.intersection(*(set(m) for _, m in runs))
    runs = [(p, {k: v for k, v in m.items() if k in common}) for p, m in runs]
    git = runs[0][1]
    names = [next(iter(m.values()))["tool"] if m else p for p, m in runs]
    for ext in (".py", ".ipynb"):
        cols = [column(m, git, ext) for _, m in runs]
        print("\n### `%s`\n" % ext)
        print("| | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for i, row in enumerate(ROWS):
            print("| %s | %s |" % (row, " | ".join(c[i] for c in cols)))


if __name__ == "__main__":
    main()
