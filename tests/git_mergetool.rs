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
    let plain = format!("NO_COLOR=1 {MERGETOOL}");
    let Some(out) = in_terminal(&sb, &plain, "t\n", None) else {
        return;
    };
    let shown = stdout(&out);
    assert!(!shown.contains('\x1b'), "NO_COLOR: {shown}");
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
    // One layer argument differs: the values are offered, not the layers.
    assert!(
        shown.contains("\n  ours    128\r\n  base    64\r\n  theirs  256\r\n"),
        "{shown}"
    );
    assert!(
        shown.contains("[o]urs 128, [t]heirs 256, [b]ase 64, [ot]/[to] both"),
        "{shown}"
    );
    assert!(!shown.contains("--- ours"), "{shown}");
    assert_eq!(
        sb.read("model.py"),
        keras::UNITS_128_DROPOUT.replace("Dense(128", "Dense(256")
    );
    assert_eq!(unmerged(&sb), "");
}

/// A keyword argument both sides changed (`learning_rate`, on a line of
/// its own: a clash sharing its line with another change is the whole
/// statement's, docs/merge-rules-decided.md), everything else in the
/// statement merged: the values are offered, the differing
/// tokens coloured on a terminal, and the answer keeps the rest merged.
#[test]
fn on_a_terminal_a_keyword_argument_clash_offers_its_values_in_colour() {
    let base = "import keras\n\nopt = keras.optimizers.Adam(\n    learning_rate=0.001,\n    beta_1=0.9,\n)\nmodel.compile(optimizer=opt, loss=\"mse\")\n";
    let ours = base
        .replace("learning_rate=0.001", "learning_rate=0.0001")
        .replace("beta_1=0.9", "beta_1=0.8");
    let theirs = base
        .replace("learning_rate=0.001", "learning_rate=0.01")
        .replace("beta_1=0.9,", "beta_1=0.9,\n    epsilon=1e-7,")
        .replace("\"mse\"", "\"mae\"");
    let sb = Sandbox::new();
    sb.install();
    std::fs::remove_file(sb.repo.join(".gitattributes")).unwrap();
    sb.branches("train.py", base, &ours, &theirs);
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    let Some(out) = in_terminal(&sb, MERGETOOL, "b\n", None) else {
        return;
    };
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(shown.contains("learning_rate"), "{shown}");
    assert!(
        shown.contains("    learning_rate=\x1b[2m…\x1b[0m,"),
        "{shown}"
    );
    assert!(
        shown.contains("  ours    \x1b[1;32m0.0001\x1b[0m"),
        "{shown}"
    );
    assert!(shown.contains("  theirs  \x1b[1;35m0.01\x1b[0m"), "{shown}");
    assert!(shown.contains("[o]urs \x1b[1;32m0.0001\x1b[0m, [t]heirs \x1b[1;35m0.01\x1b[0m, [b]ase \x1b[1;33m0.001\x1b[0m"), "{shown}");
    // Base's learning rate, both sides' other changes.
    assert_eq!(
        sb.read("train.py"),
        "import keras\n\nopt = keras.optimizers.Adam(\n    learning_rate=0.001,\n    beta_1=0.8,\n    epsilon=1e-7,\n)\nmodel.compile(optimizer=opt, loss=\"mae\")\n"
    );
    assert_eq!(unmerged(&sb), "");
}

/// A notebook whose cell both sides changed: the clash is named as the
/// report names it (cell index, type, first line) with the values that
/// differ; the tool fails (exit 1) so git keeps the file unmerged (it
/// used to report such a notebook as merged cleanly).
#[test]
fn on_a_terminal_a_notebook_clash_is_named_by_its_cell_and_left_marked() {
    let notebook = |lr: &str| {
        format!(
            "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"markdown\",\n   \"id\": \"a1\",\n   \"metadata\": {{}},\n   \"source\": [\"# Train\\n\"]\n  }},\n  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"b2\",\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    \"import keras\\n\",\n    \"opt = keras.optimizers.Adam(learning_rate={lr})\\n\"\n   ]\n  }}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n"
        )
    };
    let sb = Sandbox::new();
    sb.install();
    std::fs::remove_file(sb.repo.join(".gitattributes")).unwrap();
    sb.branches(
        "train.ipynb",
        &notebook("0.001"),
        &notebook("0.0001"),
        &notebook("0.01"),
    );
    assert!(!sb
        .git_status(&["merge", "--no-edit", "theirs"])
        .status
        .success());
    let command = format!("NO_COLOR=1 {MERGETOOL}");
    let Some(out) = in_terminal(&sb, &command, "o\n", None) else {
        return;
    };
    assert!(!out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Clash 1 of 1 in train.ipynb: cell 2 (code, id b2) `import keras`"),
        "{shown}"
    );
    assert!(
        shown.contains("  ours    0.0001\r\n  theirs  0.01\r\n"),
        "{shown}"
    );
    assert!(shown.contains("train.ipynb: 1 clash left"), "{shown}");
    // Not claimed as merged: git keeps the file in conflict.
    assert_eq!(unmerged(&sb), "train.ipynb\n");
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
