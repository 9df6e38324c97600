//! `mlmerge check`, the pre-commit hook, with the real git: markers in a
//! staged `.py`, markers inside a notebook's JSON after a plain-git merge,
//! an invalid notebook, and clean files passing; paths given or the index.

mod git_support;

use git_support::{keras, stdout, text, Sandbox};

const NOTEBOOK: &str = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "lr = 1e-3\n"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

#[test]
fn clean_staged_files_pass() {
    let sb = Sandbox::new();
    sb.write("model.py", keras::BASE);
    sb.write("explore.ipynb", NOTEBOOK);
    sb.git(&["add", "-A"]);
    let out = sb.mlmerge(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    let out = sb.mlmerge(&["check", "model.py", "explore.ipynb"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn markers_left_in_python_after_a_plain_git_merge_fail_with_file_and_line() {
    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::UNITS_128, keras::UNITS_256);
    let merge = sb.git_status(&["merge", "-q", "theirs"]);
    assert!(!merge.status.success());
    // The person `git add`s the file without resolving it.
    sb.git(&["add", "model.py"]);
    let out = sb.mlmerge(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).starts_with("model.py:5: conflict markers (lines 5-9)"),
        "{}",
        text(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file not ready to commit"));
    // The same through a path, as pre-commit passes it.
    let out = sb.mlmerge(&["check", "model.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).starts_with("model.py:5: "), "{}", text(&out));
}

#[test]
fn markers_inside_notebook_json_fail_with_the_json_error_too() {
    let sb = Sandbox::new();
    let ours = NOTEBOOK.replace("lr = 1e-3", "lr = 1e-2");
    let theirs = NOTEBOOK.replace("lr = 1e-3", "lr = 3e-4");
    sb.branches("explore.ipynb", NOTEBOOK, &ours, &theirs);
    assert!(!sb.git_status(&["merge", "-q", "theirs"]).status.success());
    sb.git(&["add", "explore.ipynb"]);
    let out = sb.mlmerge(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("explore.ipynb:9: conflict markers"),
        "{shown}"
    );
    assert!(shown.contains(": not valid JSON"), "{shown}");
}

#[test]
fn a_notebook_that_is_not_nbformat_4_fails_and_a_still_unmerged_path_too() {
    let sb = Sandbox::new();
    sb.write("old.ipynb", r#"{"nbformat": 3, "worksheets": []}"#);
    sb.write("notes.txt", "<<<<<<< not checked: not code\n");
    sb.git(&["add", "-A"]);
    let out = sb.mlmerge(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        "old.ipynb:1: nbformat 3: only nbformat 4 notebooks are supported\n"
    );

    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::UNITS_128, keras::UNITS_256);
    assert!(!sb.git_status(&["merge", "-q", "theirs"]).status.success());
    let out = sb.mlmerge(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).contains("model.py: still unmerged"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_missing_path_is_named() {
    let sb = Sandbox::new();
    let out = sb.mlmerge(&["check", "gone.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).starts_with("gone.py: cannot read"),
        "{}",
        text(&out)
    );
}
