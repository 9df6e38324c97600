//! The invariants of merge-rules §1, checked on one generated case through
//! the library (`mlmerge::merge`) and, for some cases, the real binary.
//! Every check is written here, independently of mlmerge's own code: Python
//! validity by tree-sitter's grammar, notebook validity by a structural
//! nbformat 4 check on serde_json, git's bytes by `git merge-file` itself.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;

use mlmerge::core::Merge3;
use mlmerge::{ConflictStyle, MergeOptions, MergeOutcome};

use super::{preserve, Case};
use crate::notebook_common::check_nbformat;

/// How often each invariant was checked and violated, and the violations.
#[derive(Default)]
pub struct Tally {
    pub counts: BTreeMap<&'static str, (u64, u64)>,
    pub violations: Vec<Violation>,
    /// Results the change-preservation check cannot read (see
    /// `preserve::Preserved::Ambiguous`): listed with their seeds, no
    /// violation.
    pub ambiguous: Vec<Violation>,
    pub cases: u64,
}

/// The change-preservation invariant's name.
pub const PRESERVATION: &str = "verify: clean result holds every change";

/// Every invariant [`check_case`] checks (and the two counts kept beside
/// change preservation), listed in every summary, a count of 0 included:
/// a run's note says how often each was checked, not only the ones hit.
pub const INVARIANTS: &[&str] = &[
    "no panic",
    "no internal error caught",
    "a clean result adds no conflict markers",
    "trivial: merge(b, a, b) = a",
    "trivial: merge(b, b, a) = a",
    "trivial: merge(b, a, a) = a",
    "symmetric exit code",
    "symmetric clean content",
    "clean .py result parses",
    "valid notebooks give a valid notebook",
    PRESERVATION,
    NOT_CHECKABLE,
    AMBIGUOUS,
    "git's bytes where git is clean",
    "binary: exit code 0 or 1, no panic",
    "binary: exit code as the library",
    "binary: OURS whole, nothing left over",
];

const NOT_CHECKABLE: &str = "verify: not checkable (no violation)";
const AMBIGUOUS: &str = "verify: ambiguous for a line view (no violation)";

pub struct Violation {
    pub invariant: &'static str,
    pub case: String,
    pub detail: String,
}

impl Tally {
    /// Records one check of `invariant`; `problem` is `Some` when it failed.
    fn check(&mut self, invariant: &'static str, case: &Case, problem: Option<String>) {
        let entry = self.counts.entry(invariant).or_default();
        entry.0 += 1;
        if let Some(detail) = problem {
            entry.1 += 1;
            let violation = Violation {
                invariant,
                case: case.describe(),
                detail,
            };
            if let Some(dir) = std::env::var_os("MLMERGE_FUZZ_DUMP") {
                let _ = case.dump(Path::new(&dir));
            }
            self.violations.push(violation);
        }
    }

    pub fn absorb(&mut self, other: Tally) {
        for (k, (c, v)) in other.counts {
            let e = self.counts.entry(k).or_default();
            e.0 += c;
            e.1 += v;
        }
        self.violations.extend(other.violations);
        self.ambiguous.extend(other.ambiguous);
        self.cases += other.cases;
    }

    pub fn summary(&self) -> String {
        let mut out = format!("{} cases\n", self.cases);
        let others = self.counts.keys().filter(|k| !INVARIANTS.contains(k));
        for name in INVARIANTS.iter().chain(others) {
            let (checked, violated) = self.counts.get(name).copied().unwrap_or_default();
            out.push_str(&format!(
                "  {name:<48} checked {checked:>8}  violated {violated}\n"
            ));
        }
        out
    }
}

fn options(case: &Case) -> MergeOptions {
    MergeOptions {
        path: Some(format!("fuzz/file.{}", case.ext).into()),
        style: case.drawing.style,
        marker_size: case.drawing.marker_size,
        ..MergeOptions::default()
    }
}

/// The library's merge, a panic caught and returned as `Err`.
fn merge(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    options: &MergeOptions,
) -> Result<MergeOutcome, String> {
    catch_unwind(AssertUnwindSafe(|| {
        mlmerge::merge(Merge3::new(base, ours, theirs), options)
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())
    })
}

/// Checks every invariant on `case`; `with_binary` also runs the binary.
pub fn check_case(case: &Case, with_binary: bool, tally: &mut Tally) {
    tally.cases += 1;
    let options = options(case);
    let (b, o, t) = (&case.base[..], &case.ours[..], &case.theirs[..]);
    let outcome = match merge(b, o, t, &options) {
        Ok(outcome) => {
            tally.check("no panic", case, None);
            outcome
        }
        Err(panic) => {
            tally.check("no panic", case, Some(panic));
            return;
        }
    };
    let internal = outcome
        .report
        .decisions
        .iter()
        .find(|d| d.detail.contains("internal error"));
    tally.check(
        "no internal error caught",
        case,
        internal.map(|d| d.detail.clone()),
    );
    if outcome.is_clean() {
        // A BOM opens the file, not its first line: a marker-like first
        // line after it is a marker line of that input wherever it lands.
        let starts = |bytes: &[u8]| {
            bytes
                .strip_prefix("\u{feff}".as_bytes())
                .unwrap_or(bytes)
                .split(|&c| c == b'\n')
                .filter(|line| line.starts_with(b"<<<<<<<"))
                .count()
        };
        let allowed = starts(b) + starts(o) + starts(t);
        let found = starts(&outcome.bytes);
        tally.check(
            "a clean result adds no conflict markers",
            case,
            (found > allowed).then(|| format!("{found} marker lines, inputs hold {allowed}")),
        );
    }

    check_trivial(case, &options, tally);
    check_symmetry(case, &options, &outcome, tally);
    match case.ext.as_str() {
        "py" => check_python(case, &outcome, tally),
        "ipynb" => check_notebook(case, &outcome, tally),
        _ => {}
    }
    check_preserved(case, &outcome, tally);
    check_git_bytes(case, &outcome, tally);
    if with_binary {
        check_binary(case, &outcome, tally);
    }
}

/// merge-rules §1.2: merge(b,a,b) = merge(b,b,a) = merge(b,a,a) = a, clean.
fn check_trivial(case: &Case, options: &MergeOptions, tally: &mut Tally) {
    let (b, a) = (&case.base[..], &case.ours[..]);
    let trials: [(&'static str, [&[u8]; 3]); 3] = [
        ("trivial: merge(b, a, b) = a", [b, a, b]),
        ("trivial: merge(b, b, a) = a", [b, b, a]),
        ("trivial: merge(b, a, a) = a", [b, a, a]),
    ];
    for (name, [x, y, z]) in trials {
        let problem = match merge(x, y, z, options) {
            Err(panic) => Some(format!("panic: {panic}")),
            Ok(r) if !r.is_clean() => Some("not clean".into()),
            Ok(r) if r.bytes != a => Some(format!("{} bytes, expected {}", r.bytes.len(), a.len())),
            Ok(_) => None,
        };
        tally.check(name, case, problem);
    }
}

/// merge-rules §1.3: swapping the sides gives the same clean/conflict
/// outcome, and a clean result the same up to the order of the sides'
/// pieces (the same tokens, see [`preserve::same_up_to_order`]).
fn check_symmetry(case: &Case, options: &MergeOptions, outcome: &MergeOutcome, tally: &mut Tally) {
    let swapped = merge(&case.base, &case.theirs, &case.ours, options);
    let problem = match &swapped {
        Err(panic) => Some(format!("panic on the swapped merge: {panic}")),
        Ok(swapped) if swapped.is_clean() != outcome.is_clean() => Some(format!(
            "clean {} one way, {} swapped",
            outcome.is_clean(),
            swapped.is_clean()
        )),
        Ok(_) => None,
    };
    tally.check("symmetric exit code", case, problem);
    let Ok(swapped) = swapped else { return };
    if !(outcome.is_clean() && swapped.is_clean()) {
        return;
    }
    let notebook = case.ext == "ipynb";
    if let Some(same) = preserve::same_up_to_order(notebook, &outcome.bytes, &swapped.bytes) {
        let problem = (!same).then(|| {
            format!(
                "the clean results differ beyond side order:\n{}\n--- swapped\n{}",
                excerpt(&outcome.bytes),
                excerpt(&swapped.bytes)
            )
        });
        tally.check("symmetric clean content", case, problem);
    }
}

fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(2000).collect()
}

/// merge-rules §1.1 and §5: a clean structured result passes the
/// independent change-preservation check (`mlmerge::verify`, read as
/// `preserve` says). A result no reading can check (not UTF-8, a line
/// the merge combined from both sides' edits, over budget) is counted
/// apart and is no violation.
fn check_preserved(case: &Case, outcome: &MergeOutcome, tally: &mut Tally) {
    if !outcome.is_clean() || outcome.method != mlmerge::Method::Structured {
        return;
    }
    let notebook = case.ext == "ipynb";
    let versions = [&case.base[..], &case.ours[..], &case.theirs[..]];
    let problem = match preserve::check(notebook, versions, &outcome.bytes) {
        preserve::Preserved::NotChecked => {
            tally.check(NOT_CHECKABLE, case, None);
            return;
        }
        preserve::Preserved::Ambiguous(why) => {
            tally.check(AMBIGUOUS, case, None);
            tally.ambiguous.push(Violation {
                invariant: AMBIGUOUS,
                case: case.describe(),
                detail: why,
            });
            if let Some(dir) = std::env::var_os("MLMERGE_FUZZ_DUMP") {
                let _ = case.dump(Path::new(&dir));
            }
            return;
        }
        preserve::Preserved::Holds => None,
        preserve::Preserved::Violated(why) => {
            Some(format!("{why}; result:\n{}", excerpt(&outcome.bytes)))
        }
    };
    tally.check(PRESERVATION, case, problem);
}

/// Whether tree-sitter's Python grammar reads `bytes` without an error.
fn parses(bytes: &[u8]) -> bool {
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    parser
        .parse(bytes, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

/// merge-rules §1.6: a clean `.py` result parses when all inputs parse.
fn check_python(case: &Case, outcome: &MergeOutcome, tally: &mut Tally) {
    if !outcome.is_clean()
        || ![&case.base, &case.ours, &case.theirs]
            .iter()
            .all(|v| parses(v))
    {
        return;
    }
    let problem = (!parses(&outcome.bytes)).then(|| {
        format!(
            "the clean result does not parse:\n{}",
            String::from_utf8_lossy(&outcome.bytes)
                .chars()
                .take(3000)
                .collect::<String>()
        )
    });
    tally.check("clean .py result parses", case, problem);
}

/// merge-rules §1.6: three valid notebooks give a valid notebook.
fn check_notebook(case: &Case, outcome: &MergeOutcome, tally: &mut Tally) {
    let all_valid = [&case.base, &case.ours, &case.theirs]
        .iter()
        .all(|v| check_nbformat(v).is_ok());
    if !all_valid {
        return;
    }
    let problem = check_nbformat(&outcome.bytes).err().map(|e| {
        format!(
            "{e}; clean {}; result starts:\n{}",
            outcome.is_clean(),
            String::from_utf8_lossy(&outcome.bytes)
                .chars()
                .take(1500)
                .collect::<String>()
        )
    });
    tally.check("valid notebooks give a valid notebook", case, problem);
}

/// `git merge-file -p` on the case: its bytes and whether it was clean;
/// `None` when git refuses (binary) or cannot run.
fn git_merge_file(case: &Case) -> Option<(Vec<u8>, bool)> {
    let dir = tempfile::tempdir().ok()?;
    let d = dir.path();
    std::fs::write(d.join("base"), &case.base).ok()?;
    std::fs::write(d.join("ours"), &case.ours).ok()?;
    std::fs::write(d.join("theirs"), &case.theirs).ok()?;
    let mut command = isolated("git", d);
    command.args([
        "merge-file",
        "-p",
        "-L",
        "ours",
        "-L",
        "base",
        "-L",
        "theirs",
    ]);
    match case.drawing.style {
        ConflictStyle::Merge => {}
        ConflictStyle::Diff3 => {
            command.arg("--diff3");
        }
        ConflictStyle::Zdiff3 => {
            command.arg("--zdiff3");
        }
    }
    let size = match case.drawing.marker_size {
        0 => 7,
        n => n,
    };
    let output = command
        .arg(format!("--marker-size={size}"))
        .args(["ours", "base", "theirs"])
        .output()
        .ok()?;
    match output.status.code() {
        Some(0) => Some((output.stdout, true)),
        Some(1..=127) => Some((output.stdout, false)),
        _ => None,
    }
}

/// merge-rules §1.5: where git's line merge is clean, mlmerge writes git's
/// bytes, unless a structured rule applied and the report says which.
fn check_git_bytes(case: &Case, outcome: &MergeOutcome, tally: &mut Tally) {
    let Some((git_bytes, true)) = git_merge_file(case) else {
        return;
    };
    let problem = match outcome.method {
        mlmerge::Method::LineMerge if outcome.bytes != git_bytes => Some(format!(
            "line merge differs from git merge-file ({} vs {} bytes)",
            outcome.bytes.len(),
            git_bytes.len()
        )),
        mlmerge::Method::Structured
            if outcome.bytes != git_bytes && outcome.report.decisions.is_empty() =>
        {
            Some("differs from git's clean merge and the report says nothing".into())
        }
        _ => None,
    };
    tally.check("git's bytes where git is clean", case, problem);
}

fn isolated(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join("no-gitconfig"))
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("GIT_DIR");
    command
}

/// The binary, writing into OURS as git's driver: exit 0 or 1 as the
/// library says, OURS holding exactly the library's bytes, nothing left over.
fn check_binary(case: &Case, outcome: &MergeOutcome, tally: &mut Tally) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let d = dir.path();
    let written = std::fs::write(d.join("base"), &case.base)
        .and(std::fs::write(d.join("ours"), &case.ours))
        .and(std::fs::write(d.join("theirs"), &case.theirs));
    if written.is_err() {
        return;
    }
    let style = match case.drawing.style {
        ConflictStyle::Merge => "merge",
        ConflictStyle::Diff3 => "diff3",
        ConflictStyle::Zdiff3 => "zdiff3",
    };
    let Ok(output) = isolated(env!("CARGO_BIN_EXE_mlmerge"), d)
        .args([
            "merge", "base", "ours", "theirs", "-s", "base", "-x", "ours", "-y", "theirs",
        ])
        .args(["-p", &format!("fuzz/file.{}", case.ext)])
        .args(["-l", &case.drawing.marker_size.to_string()])
        .args(["--conflict-style", style])
        .output()
    else {
        return;
    };
    let code = output.status.code();
    let stderr = String::from_utf8_lossy(&output.stderr);
    tally.check(
        "binary: exit code 0 or 1, no panic",
        case,
        (!matches!(code, Some(0 | 1)) || stderr.contains("panicked"))
            .then(|| format!("exit {code:?}: {stderr}")),
    );
    let expected_code = if outcome.is_clean() { 0 } else { 1 };
    tally.check(
        "binary: exit code as the library",
        case,
        (code != Some(expected_code)).then(|| format!("exit {code:?}, library {expected_code}")),
    );
    let result = std::fs::read(d.join("ours")).unwrap_or_default();
    let mut files: Vec<String> = std::fs::read_dir(d)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let problem = if result != outcome.bytes {
        Some(format!(
            "OURS holds {} bytes, the merge {} bytes",
            result.len(),
            outcome.bytes.len()
        ))
    } else if files != ["base", "ours", "theirs"] {
        Some(format!("files left: {files:?}"))
    } else {
        None
    };
    tally.check("binary: OURS whole, nothing left over", case, problem);
}
