//! Runs the real `mlmerge` binary over every fixture case under `fixtures/`.
//!
//! A case is any folder (at any depth) holding a `base.<ext>` file, next to
//! `ours.<ext>`, `theirs.<ext>`, `expected.<ext>` and `exit_code` (`0` or
//! `1`). An optional `args` file adds command-line arguments (split on
//! whitespace, e.g. `--strict` or `--conflict-style diff3`). The binary is
//! called as git would, with `-p <case>/file.<ext>` naming the kind, plus
//! `--stdout` and the labels `base`, `ours`, `theirs`.
//!
//! A case folder may hold a `pending` file with a one-line reason: the case
//! is run and reported but does not fail the test, and once it passes the
//! test fails with "remove pending" so progress is never hidden. The list
//! of pending cases and their diffs is printed (`cargo test --test fixtures
//! -- --nocapture`) and written to `target/tmp/fixtures-report.txt`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use similar::TextDiff;

/// One fixture folder and what the binary did with it.
struct Case {
    name: String,
    dir: PathBuf,
    ext: String,
}

/// Why a case did not match its expectation.
struct Mismatch {
    name: String,
    detail: String,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every folder under `root` holding a `base.*` file, sorted by path.
fn find_cases(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(ext) = base_extension(&path) {
                let name = dir
                    .strip_prefix(root)
                    .unwrap_or(&dir)
                    .to_string_lossy()
                    .replace('\\', "/");
                cases.push(Case {
                    name,
                    dir: dir.clone(),
                    ext,
                });
            }
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn base_extension(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    file.strip_prefix("base.").map(str::to_string)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The case's extra command-line arguments (its `args` file).
fn extra_args(case: &Case) -> Vec<String> {
    match fs::read_to_string(case.dir.join("args")) {
        Ok(text) => text.split_whitespace().map(str::to_string).collect(),
        Err(_) => Vec::new(),
    }
}

/// Runs the real binary on a case, `ours` and `theirs` naming the files
/// passed as OURS and THEIRS.
fn run_merge(
    case: &Case,
    scratch: &Path,
    ours: &str,
    theirs: &str,
) -> Result<std::process::Output, String> {
    let file = |stem: &str| case.dir.join(format!("{stem}.{}", case.ext));
    Command::new(env!("CARGO_BIN_EXE_mlmerge"))
        // Outside any repository, with no user config: the conflict style
        // comes from the case, never from the machine running the tests.
        .current_dir(scratch)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", scratch.join("no-gitconfig"))
        .env("HOME", scratch)
        .env("XDG_CONFIG_HOME", scratch)
        .env_remove("GIT_DIR")
        .arg("merge")
        .arg(file("base"))
        .arg(file(ours))
        .arg(file(theirs))
        .args(["-s", "base", "-x", "ours", "-y", "theirs"])
        .arg("-p")
        .arg(format!("{}/file.{}", case.name, case.ext))
        .arg("--stdout")
        .args(extra_args(case))
        .output()
        .map_err(|e| format!("cannot run mlmerge: {e}"))
}

/// Runs the binary on one case; `Err` describes the mismatch.
fn check(case: &Case, scratch: &Path) -> Result<(), String> {
    let file = |stem: &str| case.dir.join(format!("{stem}.{}", case.ext));
    let expected = read(&file("expected"))?;
    let exit_text =
        String::from_utf8(read(&case.dir.join("exit_code"))?).map_err(|e| e.to_string())?;
    let expected_code: i32 = exit_text
        .trim()
        .parse()
        .map_err(|_| format!("exit_code holds {exit_text:?}, not a number"))?;
    let output = run_merge(case, scratch, "ours", "theirs")?;

    let code = output.status.code();
    let mut problems = String::new();
    if code != Some(expected_code) {
        let _ = writeln!(
            problems,
            "exit code: expected {expected_code}, got {code:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stderr.trim().is_empty() {
            let _ = writeln!(problems, "stderr: {}", stderr.trim());
        }
    }
    if output.stdout != expected {
        let _ = writeln!(
            problems,
            "output differs (- expected, + actual; \\r shown as ␍, BOM as ⟨BOM⟩):"
        );
        problems.push_str(&readable_diff(&expected, &output.stdout));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A unified diff of two outputs, with invisible differences made visible.
fn readable_diff(expected: &[u8], actual: &[u8]) -> String {
    let show = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace('\r', "␍")
            .replace('\u{feff}', "⟨BOM⟩")
    };
    let (expected, actual) = (show(expected), show(actual));
    let diff = TextDiff::from_lines(&expected, &actual);
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    if text.trim().is_empty() {
        text = "(the texts differ only in bytes that are not valid UTF-8)\n".into();
    }
    text
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn every_fixture_merges_as_expected() {
    let root = fixtures_root();
    let cases = find_cases(&root);
    assert!(
        !cases.is_empty(),
        "no fixture cases under {}",
        root.display()
    );
    let scratch = tempfile::tempdir().expect("temp dir");

    let mut failures: Vec<Mismatch> = Vec::new();
    let mut pending_report = String::new();
    let (mut passed, mut pending_failing) = (0usize, 0usize);
    for case in &cases {
        let pending = fs::read_to_string(case.dir.join("pending"))
            .ok()
            .map(|r| r.trim().to_string());
        match (check(case, scratch.path()), pending) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(reason)) => failures.push(Mismatch {
                name: case.name.clone(),
                detail: format!("passes now: remove pending (it said: {reason})\n"),
            }),
            (Err(detail), None) => failures.push(Mismatch {
                name: case.name.clone(),
                detail,
            }),
            (Err(detail), Some(reason)) => {
                pending_failing += 1;
                let _ = writeln!(
                    pending_report,
                    "pending {} — {reason}\n{}",
                    case.name,
                    indent(&detail)
                );
            }
        }
    }

    let summary = format!(
        "fixtures: {} cases, {passed} pass, {pending_failing} pending, {} failing\n",
        cases.len(),
        failures.len()
    );
    // Shown with `-- --nocapture`, and always kept in a file to read.
    println!("{pending_report}{summary}");
    let report_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures-report.txt");
    let _ = fs::write(&report_path, format!("{pending_report}{summary}"));
    if !failures.is_empty() {
        let mut message = format!(
            "{} of {} fixture cases failed:\n",
            failures.len(),
            cases.len()
        );
        for f in &failures {
            let _ = writeln!(message, "  - {}", f.name);
        }
        for f in &failures {
            let _ = write!(message, "\n=== {} ===\n{}", f.name, f.detail);
        }
        panic!("{message}");
    }
}

/// The layout every case needs, so a half-written case fails loudly
/// instead of being skipped.
/// merge-rules §1.3 over every realistic case: swapping ours and theirs
/// gives the same clean/conflict outcome and, when clean, the same tokens
/// (only the order of same-place insertions, ours first, may differ; and a
/// notebook cell both sides re-ran keeps ours' outputs, a tie-break like
/// that order, so outputs are left out of the comparison; so is the
/// environment metadata both sides changed and the cell ids both sides
/// re-keyed, where ours are kept by design).
#[test]
fn every_fixture_merges_symmetrically() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let without_outputs = |bytes: &[u8]| -> Vec<u8> {
        let Ok(mut nb) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return bytes.to_vec();
        };
        let volatile = mlmerge::notebook::metadata::DEFAULT_VOLATILE;
        let strip = |meta: Option<&mut serde_json::Value>| {
            if let Some(meta) = meta.and_then(|m| m.as_object_mut()) {
                meta.retain(|k, _| !volatile.contains(&k.as_str()));
            }
        };
        strip(nb.get_mut("metadata"));
        if let Some(cells) = nb.get_mut("cells").and_then(|c| c.as_array_mut()) {
            for cell in cells.iter_mut().filter_map(|c| c.as_object_mut()) {
                cell.remove("outputs");
                cell.remove("execution_count");
                // Ids both sides re-keyed: ours' are kept by design.
                cell.remove("id");
                strip(cell.get_mut("metadata"));
            }
        }
        serde_json::to_vec_pretty(&nb).unwrap_or_default()
    };
    let tokens = |bytes: &[u8]| {
        let bytes = without_outputs(bytes);
        let text = String::from_utf8_lossy(&bytes);
        let mut t: Vec<String> = text
            .split(|c: char| c.is_whitespace() || ",()[]{}:".contains(c))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        t.sort();
        t
    };
    let mut asymmetric = Vec::new();
    for case in find_cases(&fixtures_root()) {
        if extra_args(&case)
            .iter()
            .any(|a| a == "--prefer" || a == "--outputs")
        {
            continue; // one-sided by design
        }
        if case.dir.join("pending").exists() {
            continue; // a known-wrong merge, reported by the test above
        }
        let (Ok(a), Ok(b)) = (
            run_merge(&case, scratch.path(), "ours", "theirs"),
            run_merge(&case, scratch.path(), "theirs", "ours"),
        ) else {
            asymmetric.push(format!("{}: could not run", case.name));
            continue;
        };
        if a.status.code() != b.status.code() {
            asymmetric.push(format!(
                "{}: exit {:?} vs {:?} swapped",
                case.name,
                a.status.code(),
                b.status.code()
            ));
        } else if a.status.code() == Some(0) && tokens(&a.stdout) != tokens(&b.stdout) {
            asymmetric.push(format!("{}: clean results differ beyond order", case.name));
        }
    }
    assert!(asymmetric.is_empty(), "{}", asymmetric.join("\n"));
}

#[test]
fn every_fixture_case_is_complete() {
    let root = fixtures_root();
    let mut problems = Vec::new();
    for case in find_cases(&root) {
        for stem in ["ours", "theirs", "expected"] {
            let path = case.dir.join(format!("{stem}.{}", case.ext));
            if !path.is_file() {
                problems.push(format!("{}: missing {}", case.name, path.display()));
            }
        }
        match fs::read_to_string(case.dir.join("exit_code")) {
            Ok(code) if matches!(code.trim(), "0" | "1") => {}
            Ok(code) => problems.push(format!(
                "{}: exit_code holds {code:?}, want 0 or 1",
                case.name
            )),
            Err(_) => problems.push(format!("{}: missing exit_code", case.name)),
        }
        if let Ok(reason) = fs::read_to_string(case.dir.join("pending")) {
            if reason.trim().is_empty() {
                problems.push(format!("{}: `pending` must give a reason", case.name));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "incomplete fixture cases:\n{}",
        problems.join("\n")
    );
}
