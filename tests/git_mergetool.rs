//! `git mergetool --tool=mlmerge`, configured by `mlmerge install`: without
//! a terminal (markers, exit 1) and on a real pseudo-terminal made by
//! util-linux `script`, answering the clash prompts.

mod git_support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use git_support::{has_markers, keras, stdout, text, Sandbox};

/// A merge git's line merge left conflicted: mlmerge is installed for the
/// mergetool, but its attributes are removed before merging.
fn conflicted(ours: &str, theirs: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.install();
    std::fs::remove_file(sb.repo.join(".gitattributes")).unwrap();
    sb.branches("model.py", keras::BASE, ours, theirs);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    sb
}

fn unmerged(sb: &Sandbox) -> String {
    stdout(&sb.git(&["diff", "--name-only", "--diff-filter=U"]))
}

/// Runs `command` on a pseudo-terminal, typing `input`; `None` when the
/// `script` tool is missing.
fn in_terminal(sb: &Sandbox, command: &str, input: &str, editor: Option<&str>) -> Option<Output> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` is not installed; the interactive mergetool test did not run");
        return None;
    }
    let mut cmd = Command::new("script");
    sb.isolate(
        cmd.args(["-qec", command, "/dev/null"])
            .current_dir(&sb.repo),
    );
    cmd.env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(editor) = editor {
        // The mergetool asks `git var GIT_EDITOR`, as git does: the
        // sandbox's GIT_EDITOR=true would win over EDITOR.
        cmd.env("GIT_EDITOR", editor);
    }
    let mut child = cmd.spawn().expect("script runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

const MERGETOOL: &str = "git mergetool --tool=mlmerge --no-prompt";

/// Needs the structured Python merge.
#[test]
fn without_a_terminal_a_resolvable_conflict_is_merged() {
    let sb = conflicted(keras::DROPOUT, keras::BATCHNORM);
    let out = sb.git_status(&["mergetool", "--tool=mlmerge", "--no-prompt"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
    assert_eq!(unmerged(&sb), "");
}

#[test]
fn without_a_terminal_a_clash_keeps_markers_and_fails() {
    let sb = conflicted(keras::UNITS_128, keras::UNITS_256);
    let out = sb.git_status(&["mergetool", "--tool=mlmerge", "--no-prompt"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(has_markers(&sb.read("model.py")));
    assert_eq!(unmerged(&sb), "model.py\n");
}

/// Needs the structured Python merge (the clash described in model terms,
/// the Dropout merged outside it).
#[test]
fn on_a_terminal_the_clash_is_shown_in_model_terms_and_settled_by_the_answer() {
    let sb = conflicted(keras::UNITS_128_DROPOUT, keras::UNITS_256);
    let Some(out) = in_terminal(&sb, MERGETOOL, "t\n", None) else {
        return;
    };
    let shown = stdout(&out);
    assert!(out.status.success(), "{}", text(&out));
    assert!(shown.contains("Clash 1 of 1 in model.py: "), "{shown}");
    let header = shown
        .lines()
        .find(|l| l.starts_with("Clash 1 of 1"))
        .unwrap();
    assert!(
        header.contains("`Dense`"),
        "the clash is named by its layer: {header}"
    );
    assert!(
        shown.contains("--- ours") && shown.contains("Dense(128") && shown.contains("Dense(256"),
        "{shown}"
    );
    assert!(shown.contains("[ot] both ours first"), "{shown}");
    assert_eq!(
        sb.read("model.py"),
        keras::UNITS_128_DROPOUT.replace("Dense(128", "Dense(256")
    );
    assert_eq!(unmerged(&sb), "");
}

#[test]
fn on_a_terminal_both_sides_in_either_order_and_a_bad_answer_asks_again() {
    let ours = keras::BASE
        .replace("Dense(64, activation=\"relu\")", "Dense(32)")
        .replace("Dense(10, activation=\"softmax\")", "Dense(11)");
    let theirs = keras::BASE
        .replace("Dense(64, activation=\"relu\")", "Dense(48)")
        .replace("Dense(10, activation=\"softmax\")", "Dense(12)");
    // Two clashes kept apart by an unchanged layer.
    let spread = |s: &str| {
        s.replace(
            "\n    layers.Dense(1",
            "\n    layers.Flatten(),\n    layers.Dense(1",
        )
    };
    let sb = Sandbox::new();
    sb.install();
    std::fs::remove_file(sb.repo.join(".gitattributes")).unwrap();
    sb.branches(
        "model.py",
        &spread(keras::BASE),
        &spread(&ours),
        &spread(&theirs),
    );
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    let Some(out) = in_terminal(&sb, MERGETOOL, "what\not\nto\n", None) else {
        return;
    };
    assert!(out.status.success(), "{}", text(&out));
    assert!(stdout(&out).contains("unknown answer `what`"));
    let merged = sb.read("model.py");
    assert!(merged.contains("    layers.Dense(32),\n    layers.Dense(48),\n    layers.Flatten(),\n    layers.Dense(12),\n    layers.Dense(11),\n"), "{merged}");
}

#[test]
fn on_a_terminal_skipping_leaves_markers_and_fails() {
    let sb = conflicted(keras::UNITS_128, keras::UNITS_256);
    let Some(out) = in_terminal(&sb, MERGETOOL, "s\n", None) else {
        return;
    };
    assert!(!out.status.success(), "{}", text(&out));
    let merged = sb.read("model.py");
    assert!(has_markers(&merged), "{merged}");
    assert!(
        !merged.contains("|||||||"),
        "the user's conflict style (merge) is kept: {merged}"
    );
    assert_eq!(unmerged(&sb), "model.py\n");
}

#[test]
fn on_a_terminal_the_editor_settles_a_clash() {
    let sb = conflicted(keras::UNITS_128, keras::UNITS_256);
    let editor = sb.root.join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '    layers.Dense(192, activation=\"relu\"),\\n' > \"$1\"\n",
    )
    .unwrap();
    let Some(out) = in_terminal(
        &sb,
        MERGETOOL,
        "e\n",
        Some(&format!("sh {}", editor.display())),
    ) else {
        return;
    };
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        sb.read("model.py"),
        keras::UNITS_128.replace("Dense(128", "Dense(192")
    );
}

/// A CRLF file's clashes are walked like any other and the answer keeps
/// the file CRLF.
#[test]
fn on_a_terminal_a_crlf_file_is_walked_and_stays_crlf() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let sb = Sandbox::new();
    sb.install();
    std::fs::remove_file(sb.repo.join(".gitattributes")).unwrap();
    sb.branches(
        "model.py",
        &crlf(keras::BASE),
        &crlf(keras::UNITS_128),
        &crlf(keras::UNITS_256),
    );
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let Some(out) = in_terminal(&sb, MERGETOOL, "o\n", None) else {
        return;
    };
    assert!(out.status.success(), "{}", text(&out));
    let merged = sb.read("model.py");
    assert_eq!(merged, crlf(keras::UNITS_128));
}
