#!/usr/bin/env python3
"""Scenarios whose class changed between two scorer runs (results/*.jsonl).

    python3 bench/class_changes.py OLD.jsonl NEW.jsonl [--all]

By default only scenarios where git conflicts; --all includes the rest.
Read every line it prints after merging a branch: a combination of
branches can turn a merge that equalled the human's into a conflict.
"""
import json
import sys


def load(path):
    with open(path) as f:
        rows = (json.loads(line) for line in f if line.strip())
        return {f"{r['repo']}/{r['scenario']}": r for r in rows}


def main(argv):
    args = [a for a in argv if a != "--all"]
    if len(args) != 2:
        sys.exit(__doc__.strip())
    old, new = (load(p) for p in args)
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        if a["class"] != b["class"] and ("--all" in argv or a["git_conflict"]):
            print(f"{key.split('/', 2)[2]:55} {a['ext']:7} {a['class']} -> {b['class']}")


if __name__ == "__main__":
    main(sys.argv[1:])
