#!/usr/bin/env python3
"""Paired CPU timing of two mlmerge binaries on corpus scenarios.

On a shared machine, whole-corpus runs taken at different times differ by
their load more than by the code. This script runs both binaries on each
scenario in turn (the order alternating from round to round), keeps each
binary's fastest CPU time (user + system of the child, from wait4), and
also compares the two outputs and exit codes byte for byte.

    python3 bench/paired.py OLD_BIN NEW_BIN [--ext .py] [--sample 60]
        [--slowest 10 --results RESULTS.jsonl] [--rounds 2] [--seed 1]
        [--scenario REPO/ID ...]

Scenarios are drawn from the corpus (MLMERGE_CORPUS, default
~/.cache/mlmerge-corpus) among those where git conflicts, as recorded in
its results/git.jsonl. Nothing is written outside a temporary directory.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def cpu_run(argv):
    """Runs argv; returns (exit code, CPU seconds of the child)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def merge_once(binary, scenario_dir, ext, work, path):
    """One merge of a scenario in a scratch copy; returns (rc, cpu, output bytes)."""
    names = {}
    for side in ("base", "ours", "theirs"):
        target = work / f"{side}{ext}"
        shutil.copyfile(scenario_dir / f"{side}{ext}", target)
        names[side] = str(target)
    argv = [binary, "merge", names["base"], names["ours"], names["theirs"], "-p", path]
    rc, cpu = cpu_run(argv)
    return rc, cpu, Path(names["ours"]).read_bytes()


def pick_scenarios(corpus, args):
    if args.scenario:
        return list(dict.fromkeys(args.scenario))
    rows = [json.loads(line) for line in open(corpus / "results" / "git.jsonl")]
    pool = sorted(
        r["scenario"] for r in rows if r.get("git_conflict") and r.get("ext") == args.ext
    )
    chosen = random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
    if args.slowest and args.results:
        timed = [json.loads(line) for line in open(args.results)]
        timed = [r for r in timed if r.get("ext") == args.ext and r.get("git_conflict")]
        timed.sort(key=lambda r: r.get("cpu_ms", 0), reverse=True)
        chosen += [r["scenario"] for r in timed[: args.slowest]]
    return list(dict.fromkeys(chosen))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--ext", default=".py")
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--slowest", type=int, default=0)
    parser.add_argument("--results", help="a scorer results .jsonl to take the slowest from")
    parser.add_argument("--scenario", action="append", help="REPO/ID; repeatable")
    args = parser.parse_args()

    corpus = Path(os.environ.get("MLMERGE_CORPUS", Path.home() / ".cache" / "mlmerge-corpus"))
    binaries = [os.path.realpath(args.old), os.path.realpath(args.new)]
    for b in binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"paired.py: no executable at {b}")
    scenarios = pick_scenarios(corpus, args)
    if not scenarios:
        sys.exit("paired.py: no scenario picked")

    rows = []
    with tempfile.TemporaryDirectory(prefix="mlmerge-paired-") as scratch:
        work = Path(scratch)
        for n, scenario in enumerate(scenarios, 1):
            sdir = corpus / scenario
            meta = json.loads((sdir / "meta.json").read_text())
            best = [float("inf"), float("inf")]
            outs = [None, None]
            for r in range(args.rounds):
                order = (0, 1) if (n + r) % 2 == 0 else (1, 0)
                for i in order:
                    rc, cpu, out = merge_once(binaries[i], sdir, args.ext, work, meta["path"])
                    best[i] = min(best[i], cpu)
                    outs[i] = (rc, out)
            same = outs[0] == outs[1]
            rows.append((scenario, best[0] * 1000, best[1] * 1000, same))
            print(f"  {n}/{len(scenarios)} {scenario}: {best[0]*1000:.1f} -> {best[1]*1000:.1f} ms"
                  f"{'' if same else '  OUTPUT DIFFERS'}", file=sys.stderr)

    ratios = [new / old for _, old, new, _ in rows if old > 0]
    total_old = sum(r[1] for r in rows)
    total_new = sum(r[2] for r in rows)
    print(f"| scenarios | rounds | old total ms | new total ms | total | median ratio | p90 ratio | outputs differ |")
    print(f"|---|---|---|---|---|---|---|---|")
    p90 = statistics.quantiles(ratios, n=10)[-1] if len(ratios) > 1 else ratios[0]
    print(f"| {len(rows)} | {args.rounds} | {total_old:.0f} | {total_new:.0f} | "
          f"{total_new / total_old:.3f}x | {statistics.median(ratios):.3f}x | {p90:.3f}x | "
          f"{sum(not r[3] for r in rows)} |")
    worst = sorted(rows, key=lambda r: r[2] / r[1] if r[1] else 0, reverse=True)[:5]
    print("\nlargest slowdowns:")
    for scenario, old, new, same in worst:
        print(f"  {scenario}: {old:.1f} -> {new:.1f} ms ({new / old:.2f}x){'' if same else ', output differs'}")
    differ = [r[0] for r in rows if not r[3]]
    if differ:
        print("\noutputs or exit codes differ:", *differ, sep="\n  ")


if __name__ == "__main__":
    main()
