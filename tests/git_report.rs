//! `mlmerge report` on real repositories: during a conflicted merge,
//! rebase and cherry-pick, `--preview` (work tree and index untouched),
//! the driver's journal (current entries only), the JSON schema from
//! docs/report-schema.md, colour rules, and hostile inputs (binary,
//! modify/delete, a huge notebook).

mod git_support;

use std::time::{Duration, Instant};

use git_support::{assert_snapshot, keras, stdout, text, Sandbox};
use serde_json::Value;

fn report(sb: &Sandbox, args: &[&str]) -> (Option<i32>, Value) {
    let out = sb.mlmerge(&[&["report", "--format", "json"], args].concat());
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&out)));
    validate(&json, &schema(), &schema());
    (out.status.code(), json)
}

/// A conflicted merge: `model.py` clashes on one layer; `other.py` is
/// merged cleanly by the driver (needs the structured Python merge);
/// `weights.bin` is binary; `notes.py` was deleted by theirs.
fn conflicted_merge() -> Sandbox {
    let sb = Sandbox::new();
    sb.install();
    sb.branches_many(&[
        (
            "model.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::UNITS_128_DROPOUT.as_bytes()),
            Some(keras::UNITS_256.as_bytes()),
        ),
        (
            "other.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::DROPOUT.as_bytes()),
            Some(keras::BATCHNORM.as_bytes()),
        ),
        (
            "weights.bin",
            Some(b"\0\x01base"),
            Some(b"\0\x02ours"),
            Some(b"\0\x03theirs"),
        ),
        ("notes.py", Some(b"x = 1\n"), Some(b"x = 2\n"), None),
    ]);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    sb
}

#[test]
fn report_during_a_conflicted_merge() {
    let sb = conflicted_merge();
    let out = sb.mlmerge(&["report"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        !stdout(&out).contains('\x1b'),
        "no colour without a terminal"
    );
    assert_snapshot("report-conflicted-merge.txt", &stdout(&out));

    let (code, json) = report(&sb, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(json["operation"], "merge");
    let files = json["conflicted"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["model.py", "notes.py", "weights.bin"]);
    assert_eq!(files[1]["state"], "modify-delete");
    assert_eq!(files[2]["state"], "binary");
    // The marker lines reported are the real ones in the work tree.
    let model = sb.read("model.py");
    let span = &files[0]["markers"][0];
    let line = |n: &Value| {
        model
            .lines()
            .nth(n.as_u64().unwrap() as usize - 1)
            .unwrap()
            .to_string()
    };
    assert!(line(&span["start"]).starts_with("<<<<<<< "), "{model}");
    assert!(line(&span["end"]).starts_with(">>>>>>> "), "{model}");
    assert_eq!(files[0]["clashes"], 1);
    // Needs the structured Python merge: the clash in model terms, and the
    // driver's decisions on the file it merged cleanly.
    let clash = files[0]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "clash")
        .expect("a clash decision");
    assert!(
        clash["subject"].as_str().unwrap().contains("Dense"),
        "{clash}"
    );
    assert_eq!(json["resolved"][0]["path"], "other.py");
    assert_eq!(json["clashes"], 3);
}

#[test]
fn preview_touches_neither_work_tree_nor_index() {
    let sb = Sandbox::new();
    sb.branches_many(&[
        (
            "model.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::UNITS_128.as_bytes()),
            Some(keras::UNITS_256.as_bytes()),
        ),
        (
            "other.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::DROPOUT.as_bytes()),
            Some(keras::BATCHNORM.as_bytes()),
        ),
    ]);
    // Installed (attributes in the work tree) as in real use.
    sb.install();
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for entry in walk(&sb.repo) {
            files.push((entry.display().to_string(), std::fs::read(&entry).unwrap()));
        }
        (
            files,
            stdout(&sb.git(&["status", "--porcelain", "--ignored"])),
        )
    };
    let before = snapshot();
    let (code, json) = report(&sb, &["--preview", "ours", "theirs"]);
    assert_eq!(snapshot(), before, "the preview changed the repository");
    assert_eq!(code, Some(1));
    assert_eq!(json["operation"], "preview");
    assert_eq!(json["ours"]["label"], "ours");
    assert_eq!(json["conflicted"][0]["path"], "model.py");
    assert_eq!(json["conflicted"][0]["markers_in"], "merged result");
    // Needs the structured Python merge.
    assert_eq!(json["resolved"][0]["path"], "other.py");

    let (code, _) = report(&sb, &["--preview", "ours", "ours"]);
    assert_eq!(code, Some(0));
    // No progress line off a terminal.
    let text_out = sb.mlmerge(&["report", "--preview", "ours", "theirs"]);
    assert!(text_out.stderr.is_empty(), "{}", text(&text_out));
    let bad = sb.mlmerge(&["report", "--preview", "ours", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-branch"));
}

/// Every file under `dir`, `.git` included (the index, HEAD, refs).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Entries of an aborted merge are not shown for the next merge from the
/// same HEAD, nor are those of a merge already committed.
#[test]
fn journal_entries_of_earlier_merges_are_not_current() {
    let sb = Sandbox::new();
    sb.install();
    sb.branches_many(&[
        (
            "model.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::UNITS_128.as_bytes()),
            Some(keras::UNITS_256.as_bytes()),
        ),
        (
            "other.py",
            Some(keras::BASE.as_bytes()),
            Some(keras::DROPOUT.as_bytes()),
            Some(keras::BATCHNORM.as_bytes()),
        ),
    ]);
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    let journal = std::fs::read_to_string(sb.repo.join(".git/mlmerge/journal.jsonl")).unwrap();
    assert!(journal.contains("\"path\":\"other.py\""));
    sb.git(&["merge", "--abort"]);
    // A second branch from the same base that clashes on model.py only.
    sb.git(&["checkout", "-q", "-b", "theirs2", "main"]);
    sb.write("model.py", keras::UNITS_256);
    sb.commit_all("theirs2");
    sb.git(&["checkout", "-q", "ours"]);
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs2"])
        .status
        .success());
    let (_, json) = report(&sb, &[]);
    assert_eq!(json["resolved"], Value::Array(vec![]), "{json:#}");
    // Settle it and commit: nothing from the journal describes HEAD now.
    sb.write("model.py", keras::UNITS_256);
    sb.commit_all("merged");
    let (code, json) = report(&sb, &[]);
    assert_eq!(
        (code, json["operation"].as_str()),
        (Some(0), Some("none")),
        "{json:#}"
    );
}

#[test]
fn report_during_rebase_and_cherry_pick() {
    for (command, operation) in [("rebase", "rebase"), ("cherry-pick", "cherry-pick")] {
        let sb = Sandbox::new();
        sb.install();
        sb.branches("model.py", keras::BASE, keras::UNITS_128, keras::UNITS_256);
        assert!(!sb.git_status(&[command, "theirs"]).status.success());
        let (code, json) = report(&sb, &[]);
        assert_eq!(code, Some(1));
        assert_eq!(json["operation"], operation, "{json:#}");
        assert_eq!(json["conflicted"][0]["path"], "model.py");
        assert!(json["theirs"]["commit"].is_string(), "{json:#}");
    }
}

/// A conflicted notebook far over the analysis limit: the report is not
/// slow and lists a bounded number of markers.
#[test]
fn huge_conflicted_notebook_keeps_the_report_fast_and_bounded() {
    let notebook = |tag: &str| {
        let cells: Vec<String> = (0..6000)
            .map(|i| {
                let source = if i % 20 == 0 { format!("x{i} = '{tag}' * 100") } else { format!("x{i} = {i}") };
                format!(" {{\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    \"{source}  # {}\"\n   ]\n  }}", "#".repeat(600))
            })
            .collect();
        format!("{{\n \"cells\": [\n{}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 4\n}}\n", cells.join(",\n"))
    };
    let sb = Sandbox::new();
    let base = notebook("base");
    assert!(base.len() > 4 << 20, "over the analysis limit");
    sb.branches("big.ipynb", &base, &notebook("ours"), &notebook("theirs"));
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    let start = Instant::now();
    let out = sb.mlmerge(&["report"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "report took {:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    let shown = stdout(&out);
    assert!(shown.lines().count() < 40, "{shown}");
    assert!(
        shown.contains("too large to analyse") && shown.contains("(and 250 more)"),
        "{shown}"
    );
    let (_, json) = report(&sb, &[]);
    assert_eq!(json["conflicted"][0]["state"], "too-large");
    assert_eq!(json["conflicted"][0]["clashes"], 300);
    assert_eq!(
        json["conflicted"][0]["markers"].as_array().unwrap().len(),
        50
    );
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::UNITS_128, keras::UNITS_256);
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIPPED: util-linux `script` is not installed; colour on a terminal not checked"
        );
        return;
    }
    let on_terminal = |no_color: Option<&str>| {
        let mut cmd = std::process::Command::new("script");
        sb.isolate(
            cmd.args([
                "-qec",
                &format!("{} report", git_support::MLMERGE),
                "/dev/null",
            ])
            .current_dir(&sb.repo),
        );
        cmd.env("SHELL", "/bin/sh");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        stdout(&cmd.output().unwrap())
    };
    assert!(
        on_terminal(None).contains("\x1b[31m"),
        "{}",
        on_terminal(None)
    );
    assert!(!on_terminal(Some("1")).contains('\x1b'));
}

/// `--color always` colours even a pipe (and beats NO_COLOR); `never`
/// and `auto` off a terminal do not. The coloured report is a snapshot
/// like the plain one.
#[test]
fn color_flag_always_never_auto() {
    let sb = conflicted_merge();
    let plain = stdout(&sb.mlmerge(&["report"]));
    let never = sb.mlmerge(&["report", "--color", "never"]);
    assert_eq!(never.status.code(), Some(1), "{}", text(&never));
    assert_eq!(stdout(&never), plain);
    let always = sb.mlmerge(&["report", "--color", "always"]);
    assert_eq!(always.status.code(), Some(1), "{}", text(&always));
    let coloured = stdout(&always);
    assert!(coloured.contains("\x1b[31m"), "{coloured}");
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
    assert_snapshot("report-conflicted-merge-color.txt", &coloured);
    let mut cmd = std::process::Command::new(git_support::MLMERGE);
    sb.isolate(&mut cmd)
        .args(["report", "--color", "always"])
        .current_dir(&sb.repo)
        .env("NO_COLOR", "1");
    assert_eq!(stdout(&cmd.output().unwrap()), coloured);
    let bad = sb.mlmerge(&["report", "--color", "sometimes"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `text` without its ANSI escape sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}

#[test]
fn outside_a_repository_is_an_error() {
    let sb = Sandbox::new();
    let out = sb.mlmerge_in(&sb.home, &["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
}

#[test]
fn nothing_in_progress_is_clean() {
    let sb = Sandbox::new();
    sb.write("a.py", "x = 1\n");
    sb.commit_all("one");
    let out = sb.mlmerge(&["report"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("No merge, rebase or cherry-pick in progress"));
}

/// The JSON Schema block of docs/report-schema.md.
fn schema() -> Value {
    let doc = include_str!("../docs/report-schema.md");
    let start = doc.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    serde_json::from_str(&doc[start..end]).expect("the documented schema is JSON")
}

/// Validates `value` against the subset of JSON Schema the document uses:
/// type, enum, minimum, required, properties, additionalProperties, items, $ref.
fn validate(value: &Value, schema: &Value, root: &Value) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        return validate(value, &root["$defs"][name], root);
    }
    let type_name = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        assert!(allowed.contains(&type_name), "{value} is not {allowed:?}");
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        assert!(allowed.contains(value), "{value} is not one of {allowed:?}");
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_i64),
        value.as_i64(),
    ) {
        assert!(n >= min, "{n} < {min}");
    }
    if let Value::Object(map) = value {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                map.contains_key(key.as_str().unwrap()),
                "missing {key} in {value}"
            );
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, field) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(field_schema) => validate(field, field_schema, root),
                None => assert!(
                    schema.get("additionalProperties") != Some(&Value::Bool(false)),
                    "undocumented field `{key}` in {value}"
                ),
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for item in items {
            validate(item, item_schema, root);
        }
    }
}
