//! `mlmerge check [PATH...]`, the pre-commit hook: fails, naming file and
//! line, on Python code or a notebook that still holds conflict markers,
//! and on a notebook that is not valid JSON or not nbformat 4. Without
//! paths it checks what is staged (the index, as the commit will hold it).

use std::path::PathBuf;

use clap::Args;
use mlmerge::core::conflicts::{self, DEFAULT_MARKER_SIZE};
use serde_json::Value;

use super::{CliError, Status};

#[derive(Args)]
pub struct CheckArgs {
    /// Files to check (as pre-commit passes them); none: the staged
    /// `.py` and `.ipynb` files.
    paths: Vec<PathBuf>,
}

/// A file's name and its content, or why it could not be read.
type FileToCheck = (String, Result<Vec<u8>, String>);

/// One thing wrong with a file, at a 1-based line.
#[derive(Debug, PartialEq, Eq)]
struct Problem {
    line: usize,
    message: String,
}

pub fn run(args: CheckArgs) -> Result<Status, CliError> {
    let files = if args.paths.is_empty() {
        staged_files()?
    } else {
        args.paths
            .iter()
            .map(|path| {
                let name = path.display().to_string();
                std::fs::read(path)
                    .map(|bytes| (name.clone(), Ok(bytes)))
                    .unwrap_or_else(|e| (name, Err(format!("cannot read: {e}"))))
            })
            .collect()
    };
    let mut failed = 0;
    for (name, content) in &files {
        let problems = match content {
            Ok(bytes) => check(name, bytes),
            Err(message) => vec![Problem {
                line: 0,
                message: message.clone(),
            }],
        };
        for problem in &problems {
            if problem.line == 0 {
                println!("{name}: {}", problem.message);
            } else {
                println!("{name}:{}: {}", problem.line, problem.message);
            }
        }
        failed += usize::from(!problems.is_empty());
    }
    if failed == 0 {
        return Ok(Status::Clean);
    }
    eprintln!(
        "mlmerge check: {failed} file{} not ready to commit",
        if failed == 1 { "" } else { "s" }
    );
    Ok(Status::Conflicts)
}

/// What is wrong with `bytes`, a file called `name`: conflict markers for
/// any file, and for a notebook its JSON and nbformat.
fn check(name: &str, bytes: &[u8]) -> Vec<Problem> {
    let text = String::from_utf8_lossy(bytes);
    let notebook = is_notebook(name);
    let mut problems = markers(&text, notebook);
    if notebook {
        problems.extend(notebook_problems(bytes, &text));
    }
    problems
}

fn is_notebook(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("ipynb"))
}

/// Conflict regions git left (reported at their opening line), and stray
/// opening or closing markers outside a complete region. In a notebook a
/// marker also counts inside a JSON string, where a merged cell source
/// holds it (`"<<<<<<< HEAD\n",`).
fn markers(text: &str, notebook: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut covered = Vec::new();
    for region in conflicts::regions(text, None) {
        problems.push(Problem {
            line: region.start_line,
            message: format!(
                "conflict markers (lines {}-{}): resolve the clash before committing",
                region.start_line, region.end_line
            ),
        });
        covered.push(region.start_line..=region.end_line);
    }
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        if covered.iter().any(|lines| lines.contains(&number)) {
            continue;
        }
        let (body, in_string) = match line.trim_start().strip_prefix('"') {
            // A JSON string line: its text up to the escaped newline.
            Some(string) if notebook => (string.split("\\n\"").next().unwrap_or(string), true),
            _ => (line, false),
        };
        let stray = [b'<', b'>', b'|'].into_iter().find(|&ch| {
            conflicts::marker_run(body.as_bytes(), ch)
                .is_some_and(|(n, _)| n >= DEFAULT_MARKER_SIZE)
        });
        if let Some(ch) = stray {
            let marker: String = std::iter::repeat_n(char::from(ch), DEFAULT_MARKER_SIZE).collect();
            let place = if in_string {
                " inside a notebook string"
            } else {
                ""
            };
            problems.push(Problem {
                line: number,
                message: format!("conflict marker `{marker}`{place}"),
            });
        }
    }
    problems.sort_by_key(|p| p.line);
    problems
}

/// A notebook that Jupyter would refuse: not JSON, or not nbformat 4 with
/// a list of cells each having a known type and a source.
fn notebook_problems(bytes: &[u8], text: &str) -> Vec<Problem> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            return vec![Problem {
                line: e.line().max(1),
                message: format!("not valid JSON: {e}"),
            }]
        }
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1)
    };
    let problem = |needle: &str, message: String| Problem {
        line: line_of(needle),
        message,
    };
    let Some(top) = value.as_object() else {
        return vec![problem(
            "",
            "not a notebook: the JSON is not an object".into(),
        )];
    };
    match top.get("nbformat").and_then(Value::as_u64) {
        Some(4) => {}
        Some(n) => {
            return vec![problem(
                "\"nbformat\"",
                format!("nbformat {n}: only nbformat 4 notebooks are supported"),
            )]
        }
        None => return vec![problem("", "not a notebook: no integer `nbformat`".into())],
    }
    let Some(cells) = top.get("cells").and_then(Value::as_array) else {
        return vec![problem(
            "\"cells\"",
            "not a notebook: `cells` is not a list".into(),
        )];
    };
    let mut problems = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let kind = cell.get("cell_type").and_then(Value::as_str);
        let source_ok = match cell.get("source") {
            Some(Value::String(_)) => true,
            Some(Value::Array(lines)) => lines.iter().all(Value::is_string),
            _ => false,
        };
        let message = match kind {
            Some("code" | "markdown" | "raw") if source_ok => continue,
            Some("code" | "markdown" | "raw") => {
                format!("cell {index}: `source` is not a string or a list of strings")
            }
            Some(other) => format!("cell {index}: unknown cell_type `{other}`"),
            None => format!("cell {index}: no `cell_type`"),
        };
        problems.push(problem("\"cells\"", message));
    }
    problems
}

/// The staged `.py` and `.ipynb` files that differ from HEAD (all of them
/// before the first commit), read from the index; a path still in
/// conflict is a problem of its own.
fn staged_files() -> Result<Vec<FileToCheck>, CliError> {
    let repo = git2::Repository::open_from_env()
        .map_err(|e| format!("not inside a git repository ({})", e.message()))?;
    let index = repo.index()?;
    let wanted = |path: &str| {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".py") || lower.ends_with(".ipynb")
    };
    let mut files = Vec::new();
    for conflict in index.conflicts()? {
        let conflict = conflict?;
        if let Some(entry) = [&conflict.our, &conflict.their, &conflict.ancestor]
            .into_iter()
            .flatten()
            .next()
        {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            if wanted(&path) {
                files.push((
                    path,
                    Err("still unmerged: resolve it and `git add` it".to_string()),
                ));
            }
        };
    }
    let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let diff = repo.diff_tree_to_index(head.as_ref(), Some(&index), None)?;
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Deleted || delta.status() == git2::Delta::Conflicted {
            continue;
        }
        let file = delta.new_file();
        let Some(path) = file.path().map(|p| p.to_string_lossy().into_owned()) else {
            continue;
        };
        if !wanted(&path) {
            continue;
        }
        let content = repo
            .find_blob(file.id())
            .map(|blob| blob.content().to_vec())
            .map_err(|e| format!("cannot read the staged version: {}", e.message()));
        files.push((path, content));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(problems: &[Problem]) -> Vec<usize> {
        problems.iter().map(|p| p.line).collect()
    }

    #[test]
    fn python_region_is_named_at_its_opening_line() {
        let text = "import keras\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\n";
        let found = check("model.py", text.as_bytes());
        assert_eq!(lines(&found), vec![2]);
        assert!(found[0].message.contains("lines 2-6"), "{found:?}");
    }

    #[test]
    fn stray_marker_left_after_a_hand_edit() {
        let text = "x = 1\n>>>>>>> feature\n";
        assert_eq!(lines(&check("train.py", text.as_bytes())), vec![2]);
    }

    #[test]
    fn rst_underlines_and_doctest_prompts_are_not_markers() {
        let text = "def f():\n    \"\"\"Title\n    =======\n\n    >>> f()\n    \"\"\"\n";
        assert!(check("train.py", text.as_bytes()).is_empty());
    }

    #[test]
    fn marker_inside_a_cell_source_string() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": [
  "<<<<<<< HEAD\n",
  "lr = 1e-3\n",
  "=======\n",
  "lr = 1e-2\n",
  ">>>>>>> theirs\n"
 ], "metadata": {}, "outputs": [], "execution_count": null}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
"#;
        let found = check("a.ipynb", nb.as_bytes());
        assert_eq!(lines(&found), vec![2, 6], "{found:?}");
    }

    #[test]
    fn notebook_versions_and_shapes() {
        let v3 = r#"{"nbformat": 3, "worksheets": []}"#;
        assert!(check("a.ipynb", v3.as_bytes())[0]
            .message
            .contains("nbformat 3"));
        let bad_cell =
            "{\"nbformat\": 4, \"metadata\": {},\n\"cells\": [{\"cell_type\": \"code\"}]}";
        let found = check("a.ipynb", bad_cell.as_bytes());
        assert_eq!(lines(&found), vec![2]);
        assert!(found[0].message.contains("cell 0"), "{found:?}");
        assert!(check("a.ipynb", b"[1, 2")[0]
            .message
            .contains("not valid JSON"));
    }
}
