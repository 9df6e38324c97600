#!/usr/bin/env python3
"""Time whole-process merges of the benchmark inputs and print a Markdown table.

For every case folder written by gen_inputs.py it runs, on the same files in
the same run:
  git merge-file -p OURS BASE THEIRS
  mlmerge merge BASE OURS THEIRS --stdout -p <path>
  the peer: mergiraf (Python files) or nbdime's nbmerge (notebooks)
and reports the median wall and CPU time of repeated runs, the exit codes,
the peak resident memory (one run under GNU time), and a check of what
mlmerge produced. Standard library only.

A peer that is missing, fails or times out shows as "n/a" with the reason;
it never stops the table.

Usage: measure.py INPUT_DIR --mlmerge PATH [--mergiraf PATH] [--nbmerge PATH]
                  [--peer-missing NAME=REASON ...] [--json FILE]
"""

import argparse
import ast
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

# How long to keep repeating one (tool, input) pair, and the bounds on runs.
FAST_BUDGET_S = 2.0
FAST_RUNS = (5, 30)
PEER_BUDGET_S = 12.0
PEER_RUNS = (1, 10)
TIMEOUT_S = 180.0


class Run:
    def __init__(self, seconds, cpu_seconds, code):
        self.seconds = seconds
        self.cpu_seconds = cpu_seconds
        self.code = code


def run_once(argv, cwd, stdout_path, stderr_path, timeout=TIMEOUT_S):
    """Spawn `argv` with stdout/stderr sent to files; wall time, CPU time
    (user + system) and exit code (negative: killed by that signal; None:
    timed out)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(stdout_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    timed_out = threading.Event()
    old_cwd = os.getcwd()
    os.chdir(cwd)
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    finally:
        os.chdir(old_cwd)

    def kill():
        timed_out.set()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    timer.cancel()
    code = None if timed_out.is_set() else os.waitstatus_to_exitcode(status)
    return Run(elapsed, usage.ru_utime + usage.ru_stime, code)


def peak_rss_kib(argv, cwd):
    """Peak resident memory of one run, in KiB, measured by GNU time.

    Not from this script's own wait4(): a child spawned from Python starts
    with Python's resident pages, and Linux carries that high-water mark
    across exec, so every tool would look at least as big as Python."""
    gnu_time = "/usr/bin/time"
    if not os.access(gnu_time, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        run = run_once([gnu_time, "-f", "%M", "-o", report.name, *argv], cwd, "/dev/null", "/dev/null")
        if run.code is None:
            return None
        try:
            return int(report.read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


def first_line(path):
    try:
        text = Path(path).read_text(errors="replace").strip()
    except OSError:
        return ""
    return text.splitlines()[0][:120] if text else ""


class Tool:
    """One command to time on one input."""

    def __init__(self, argv, cwd, out_path, ok_codes, rss=False):
        self.argv, self.cwd, self.out_path, self.ok_codes, self.rss = argv, cwd, out_path, ok_codes, rss
        self.err_path = Path(str(out_path) + ".stderr")
        self.first = None
        self.error = None
        self.times = []
        self.cpu_times = []

    def check(self):
        """The first run: keeps the output for checking, and counts as a
        warm-up (page cache, dynamic loader). False when the tool failed."""
        try:
            self.first = run_once(self.argv, self.cwd, self.out_path, self.err_path)
        except OSError as e:
            self.error = f"cannot start {self.argv[0]}: {e.strerror}"
            return False
        if self.first.code is None:
            self.error = f"timed out after {TIMEOUT_S:.0f} s"
        elif self.first.code not in self.ok_codes:
            self.error = f"exit {self.first.code}: {first_line(self.err_path) or 'no message'}"
        return self.error is None

    def again(self):
        run = run_once(self.argv, self.cwd, "/dev/null", self.err_path)
        if run.code != self.first.code:
            self.error = f"exit code changed between runs ({self.first.code} then {run.code})"
        self.times.append(run.seconds)
        self.cpu_times.append(run.cpu_seconds)

    def result(self):
        if self.error:
            return None, self.error
        return {
            "median_ms": statistics.median(self.times) * 1000,
            "median_cpu_ms": statistics.median(self.cpu_times) * 1000,
            "runs": len(self.times),
            "code": self.first.code,
            "max_rss_kib": peak_rss_kib(self.argv, self.cwd) if self.rss else None,
        }, None


def measure(tools, budget, runs_bounds):
    """Times `tools` on one input in interleaved rounds (A, B, A, B, ...), so
    that load from other processes falls on all of them alike; a round costing
    more than half the budget is not repeated and the checked run counts."""
    live = [t for t in tools if t.check()]
    low, high = runs_bounds
    if sum(t.first.seconds for t in live) * 2 > budget:
        for t in live:
            t.times.append(t.first.seconds)
            t.cpu_times.append(t.first.cpu_seconds)
        return [t.result() for t in tools]
    started = time.perf_counter()
    rounds = 0
    while live and rounds < high and (rounds < low or time.perf_counter() - started < budget):
        for t in live:
            t.again()
        live = [t for t in live if not t.error]
        rounds += 1
    return [t.result() for t in tools]


# What mlmerge produced -------------------------------------------------------


def count_markers(text):
    return sum(1 for line in text.splitlines() if line.startswith("<<<<<<<"))


def check_python(case, folder, result_path, git_path):
    text = Path(result_path).read_text(errors="replace")
    if case["scenario"] == "clean":
        same = Path(result_path).read_bytes() == Path(git_path).read_bytes()
        return "same bytes as git" if same else "DIFFERS from git's clean merge"
    if case["scenario"] == "hostile":
        same = Path(result_path).read_bytes() == Path(git_path).read_bytes()
        return "same bytes as git" if same else f"{count_markers(text)} conflict(s), not git's bytes"
    markers = count_markers(text)
    if markers:
        return f"{markers} conflict(s) left (git: {count_markers(Path(git_path).read_text(errors='replace'))})"
    try:
        ast.parse(text)
    except SyntaxError as e:
        return f"clean but does NOT parse (line {e.lineno})"
    sites = case["sites"]
    wanted = {
        "Dropout(0.5)": sites,
        "BatchNormalization()": sites,
        "learning_rate=3e-4": sites,
        "top_k_categorical_accuracy": sites,
    }
    missing = [k for k, n in wanted.items() if text.count(k) < n]
    if missing:
        return "clean but LOST " + ", ".join(missing)
    return f"clean, parses, all {4 * sites} edits kept"


def notebook_source_lines(nb):
    """Every line of every cell's source, counted (a cell's `source` is a
    string or a list of strings)."""
    lines = Counter()
    for cell in nb.get("cells") or []:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        text = "".join(source) if isinstance(source, list) else str(source)
        lines.update(text.splitlines())
    return lines


def lost_source_edits(folder, ext, merged):
    """Source lines a side added (its lines minus the base's, counted) that
    the merged notebook does not hold as often, inside a conflict or not:
    computed from the three inputs, so it holds for every generated row."""
    versions = {}
    for role in ("base", "ours", "theirs"):
        try:
            versions[role] = notebook_source_lines(json.loads((folder / f"{role}.{ext}").read_bytes()))
        except ValueError:
            return []
    have = notebook_source_lines(merged)
    lost = []
    for role in ("ours", "theirs"):
        for line, count in (versions[role] - versions["base"]).items():
            if have[line] < count:
                lost.append((role, line))
    return lost


def check_notebook(case, folder, result_path, git_path):
    raw = Path(result_path).read_bytes()
    try:
        nb = json.loads(raw)
    except ValueError:
        return "NOT valid JSON"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "JSON but not a notebook"
    sources = ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "") for c in nb["cells"]]
    markers = sum(count_markers(s) for s in sources)
    lost = lost_source_edits(folder, case["ext"], nb)
    images = sum(
        1
        for c in nb["cells"]
        for o in (c.get("outputs") or [])
        if isinstance(o, dict) and "image/png" in (o.get("data") or {})
    )
    note = "valid JSON, " + (f"{markers} conflict(s) in cells" if markers else "no markers")
    note += f", {images} images"
    if raw == Path(git_path).read_bytes():
        note += ", same bytes as git"
    if lost:
        role, line = lost[0]
        return note + f", LOST {len(lost)} source edit(s) (first: {role}'s {line.strip()[:60]!r})"
    return note + ", every added source line kept"


# Table -----------------------------------------------------------------------


def human_size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB" if n >= 1e3 else f"{n} B"


def fmt_ms(ms):
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--mlmerge", required=True)
    parser.add_argument("--mergiraf")
    parser.add_argument("--nbmerge")
    parser.add_argument("--peer-missing", action="append", default=[], metavar="NAME=REASON")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    missing = dict(item.split("=", 1) for item in args.peer_missing)
    # The tools run inside each case folder: make path-like commands absolute.
    for name in ("mlmerge", "mergiraf", "nbmerge"):
        value = getattr(args, name)
        if value and os.sep in value:
            setattr(args, name, os.path.abspath(value))

    cases = []
    for folder in sorted(p for p in args.inputs.iterdir() if (p / "case.json").is_file()):
        case = json.loads((folder / "case.json").read_text())
        case["folder"] = folder
        cases.append(case)
    order = {"python": 0, "notebook": 1}
    cases.sort(key=lambda c: (order[c["kind"]], c["bytes"], c["scenario"]))

    rows = []
    for case in cases:
        folder, ext = case["folder"], case["ext"]
        base, ours, theirs = (f"{role}.{ext}" for role in ("base", "ours", "theirs"))
        git = ["git", "merge-file", "-p", ours, base, theirs]
        mine = [args.mlmerge, "merge", base, ours, theirs, "--stdout", "-p", f"model.{ext}" if ext == "py" else f"notebook.{ext}"]
        # git merge-file labels conflicts with the file names: the same labels,
        # so a conflicted result can be compared byte for byte.
        mine += ["-s", base, "-x", ours, "-y", theirs]
        if case.get("peer") is False:
            # Hostile rows measure mlmerge against git only.
            peer_name, peer_bin, peer, peer_ok = "mergiraf", None, None, {0, 1}
        elif case["kind"] == "python":
            peer_name, peer_bin = "mergiraf", args.mergiraf
            peer = [peer_bin, "merge", base, ours, theirs, "-o", "out.peer." + ext] if peer_bin else None
            peer_ok = {0, 1}
        else:
            peer_name, peer_bin = "nbmerge", args.nbmerge
            peer = [peer_bin, base, ours, theirs, "--out", "out.peer." + ext] if peer_bin else None
            peer_ok = {0, 1}
        print(f"measuring {folder.name} ...", file=sys.stderr, flush=True)
        git_tool = Tool(git, folder, folder / "out.git", set(range(0, 128)), rss=True)
        ml_tool = Tool(mine, folder, folder / "out.mlmerge", {0, 1}, rss=True)
        (git_res, git_err), (ml_res, ml_err) = measure([git_tool, ml_tool], 2 * FAST_BUDGET_S, FAST_RUNS)
        peer_out = folder / f"out.peer.{ext}"
        peer_out.unlink(missing_ok=True)
        if peer is None and case.get("peer") is False:
            peer_res, peer_err = None, "not run on hostile input"
        elif peer is None:
            peer_res, peer_err = None, missing.get(peer_name, "not installed")
        else:
            # The peer writes its own output file; stdout is only its chatter.
            [(peer_res, peer_err)] = measure([Tool(peer, folder, folder / "out.peer.stdout", peer_ok)], PEER_BUDGET_S, PEER_RUNS)
        if peer_res and not peer_out.is_file():
            peer_res, peer_err = None, f"wrote no output (exit {peer_res['code']})"
        if peer_res:
            text = peer_out.read_text(errors="replace")
            markers = count_markers(text)
            peer_res["result"] = f"{markers} conflict(s)" if markers else "no markers" if text else "no output"
            chatter = Path(str(folder / "out.peer.stdout") + ".stderr").read_text(errors="replace")
            if "took too long" in chatter:
                peer_res["result"] += " (hit its time limit, fell back to a line merge)"
        if ml_res and git_res:
            checker = check_python if case["kind"] == "python" else check_notebook
            check = checker(case, folder, folder / "out.mlmerge", folder / "out.git")
        else:
            check = ""
        rows.append(
            {
                "name": folder.name,
                "kind": case["kind"],
                "scenario": case["scenario"],
                "bytes": case["bytes"],
                "largest_bytes": max((folder / f"{role}.{ext}").stat().st_size for role in ("base", "ours", "theirs")),
                "lines": case["lines"],
                "git": git_res,
                "git_error": git_err,
                "mlmerge": ml_res,
                "mlmerge_error": ml_err,
                "peer_name": peer_name,
                "peer": peer_res,
                "peer_error": peer_err,
                "check": check,
            }
        )

    print(table(rows))
    print()
    print(targets(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


def fmt_rss(kib, size=None):
    if kib is None:
        return "n/a"
    mib = kib / 1024
    text = f"{mib:.0f} MiB" if mib >= 10 else f"{mib:.1f} MiB"
    return text + (f" ({kib * 1024 / size:.1f}x)" if size else "")


def table(rows):
    head = (
        "| input | size | git ms | mlmerge ms | mlmerge CPU ms | peer | peer ms | mlmerge/git | peer/mlmerge "
        "| exit git/mlmerge/peer | peak RSS git | peak RSS mlmerge | mlmerge result | peer result |"
    )
    lines = [head, "|" + "---|" * (head.count(" | ") + 1)]
    for r in rows:
        g, m, p = r["git"], r["mlmerge"], r["peer"]
        size = f"{r['lines']:,} lines, {human_size(r['bytes'])}"
        git_ms = fmt_ms(g["median_ms"]) if g else f"n/a ({r['git_error']})"
        ml_ms = fmt_ms(m["median_ms"]) if m else f"n/a ({r['mlmerge_error']})"
        if p:
            peer_ms = fmt_ms(p["median_ms"]) + (" (1 run)" if p["runs"] == 1 else "")
        else:
            peer_ms = f"n/a ({r['peer_error']})"
        notebook = r["kind"] == "notebook"
        cells = [
            r["name"],
            size,
            git_ms,
            ml_ms,
            fmt_ms(m["median_cpu_ms"]) if m else "n/a",
            r["peer_name"],
            peer_ms,
            f"{m['median_ms'] / g['median_ms']:.2f}x" if m and g else "n/a",
            f"{p['median_ms'] / m['median_ms']:.1f}x" if m and p else "n/a",
            "/".join(str(x["code"]) if x else "n/a" for x in (g, m, p)),
            fmt_rss(g["max_rss_kib"]) if g else "n/a",
            fmt_rss(m["max_rss_kib"], r["bytes"] if notebook or r["scenario"] == "hostile" else None) if m else "n/a",
            r["check"],
            p["result"] if p else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(rows):
    """The targets of issues 2 and 3, judged on the measured rows. A speed
    target on a structured input only counts when mlmerge's result is a
    clean merge: a fast fallback to the line merge proves nothing."""
    out = ["| target | input | measured | met |", "|---|---|---|---|"]

    def add(target, name, measured, met, why=""):
        verdict = "yes" if met else "**no**" + (f" ({why})" if why else "")
        out.append(f"| {target} | {name} | {measured} | {verdict} |")

    for r in rows:
        g, m, p = r["git"], r["mlmerge"], r["peer"]
        if not (g and m):
            continue
        ratio = m["median_ms"] / g["median_ms"]
        merged = m["code"] == 0 and "LOST" not in r["check"] and "NOT" not in r["check"]
        not_merged = "" if merged else "result not a clean merge"
        if r["scenario"] == "hostile":
            # Issue 9: bounded time and memory on any input.
            if r["bytes"] < 10_000_000:
                add("hostile input < 10 MB: <= 2 s", r["name"], f"{m['median_ms'] / 1000:.2f} s", m["median_ms"] <= 2000)
                add("hostile input < 10 MB: <= 10x git", r["name"], f"{ratio:.2f}x", ratio <= 10)
            if m["max_rss_kib"] is not None:
                # The largest input, plus 16 MiB for the program itself.
                allowed = 5 * r["largest_bytes"] + 16 * 1024 * 1024
                peak = m["max_rss_kib"] * 1024
                add("peak RSS <= 5x largest input + 16 MiB", r["name"], f"{peak / r['largest_bytes']:.1f}x", peak <= allowed)
            continue
        if r["kind"] == "python" and r["scenario"] == "clean":
            add("clean merge <= 1.5x git", r["name"], f"{ratio:.2f}x", ratio <= 1.5 and merged, not_merged)
        elif r["kind"] == "python":
            add("structured merge <= 5x git", r["name"], f"{ratio:.2f}x", ratio <= 5 and merged, not_merged)
            if p:
                speedup = p["median_ms"] / m["median_ms"]
                add(">= 20x faster than mergiraf", r["name"], f"{speedup:.1f}x", speedup >= 20 and merged, not_merged)
            else:
                add(">= 20x faster than mergiraf", r["name"], "n/a", False, r["peer_error"])
        else:
            add("notebook <= 2x git", r["name"], f"{ratio:.2f}x", ratio <= 2 and merged, not_merged)
            if m["max_rss_kib"] is None:
                add("notebook peak RSS < 5x input", r["name"], "n/a", False, "no /usr/bin/time")
            else:
                mem = m["max_rss_kib"] * 1024 / r["bytes"]
                add("notebook peak RSS < 5x input", r["name"], f"{mem:.1f}x", mem < 5)
    # Growth between consecutive Python sizes of one scenario: "10x the file,
    # at most ~12x the time" read as time ratio <= 1.2 x size ratio. Judged on
    # CPU time, which load from other processes on the machine barely moves.
    for scenario in ("clean", "structured"):
        sized = sorted(
            (r for r in rows if r["kind"] == "python" and r["scenario"] == scenario and r["mlmerge"]),
            key=lambda r: r["bytes"],
        )
        for small, large in zip(sized, sized[1:]):
            size_ratio = large["bytes"] / small["bytes"]
            time_ratio = large["mlmerge"]["median_cpu_ms"] / small["mlmerge"]["median_cpu_ms"]
            add(
                "~linear growth (CPU time ratio <= 1.2x size ratio)",
                f"{small['name']} -> {large['name']}",
                f"size x{size_ratio:.1f}, time x{time_ratio:.1f}",
                time_ratio <= 1.2 * size_ratio,
            )
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
