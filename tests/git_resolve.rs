//! `mlmerge resolve` after a merge, rebase or cherry-pick that conflicted
//! under plain git (no driver installed): the index's stages re-merged,
//! the work tree rewritten, `--add`, `--dry-run`, the refusal to overwrite
//! a file edited after the conflict, and a lone file rebuilt from its
//! diff3 markers. All with the real git.

mod git_support;

use std::process::Command;

use git_support::{has_markers, keras, stdout, text, Sandbox};

fn unmerged(sb: &Sandbox) -> String {
    stdout(&sb.git(&["diff", "--name-only", "--diff-filter=U"]))
}

/// A merge of the Dropout branch into the BatchNormalization one: a line
/// conflict for git, clean for mlmerge.
fn conflicted_merge() -> Sandbox {
    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::BATCHNORM, keras::DROPOUT);
    let merge = sb.git_status(&["merge", "-q", "theirs"]);
    assert!(!merge.status.success(), "{}", text(&merge));
    assert!(has_markers(&sb.read("model.py")));
    sb
}

#[test]
fn merge_conflicted_under_git_is_resolved_in_the_work_tree() {
    let sb = conflicted_merge();
    let out = sb.mlmerge(&["resolve"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
    let shown = stdout(&out);
    assert!(
        shown.starts_with("model.py: merged cleanly, written\n"),
        "{shown}"
    );
    assert!(shown.contains("Merge in progress: MERGE_HEAD"), "{shown}");
    assert!(shown.contains("Merged cleanly by mlmerge:"), "{shown}");
    assert!(shown.contains("ordered-by-convention"), "{shown}");
    assert!(shown.contains("No clashes left."), "{shown}");
    // No progress line off a terminal.
    assert!(out.stderr.is_empty(), "{}", text(&out));
    // Without --add the conflict stays in the index for git.
    assert_eq!(unmerged(&sb), "model.py\n");
    // Running it again finds the work tree already holding its result.
    let again = sb.mlmerge(&["resolve"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(sb.read("model.py"), keras::MERGED);
}

#[test]
fn add_stages_the_clean_files_and_the_merge_can_be_committed() {
    let sb = conflicted_merge();
    let out = sb.mlmerge(&["resolve", "--add"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("staged: model.py"), "{}", text(&out));
    assert_eq!(unmerged(&sb), "");
    sb.git(&["commit", "-q", "--no-edit"]);
    let committed = stdout(&sb.git(&["show", "HEAD:model.py"]));
    assert_eq!(committed, keras::MERGED);
}

#[test]
fn dry_run_writes_nothing() {
    let sb = conflicted_merge();
    let before = sb.read("model.py");
    let out = sb.mlmerge(&["resolve", "--dry-run", "--add"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).starts_with("model.py: merged cleanly, would write\n"));
    assert_eq!(sb.read("model.py"), before);
    assert_eq!(unmerged(&sb), "model.py\n");
}

#[test]
fn a_file_edited_after_the_conflict_is_not_overwritten_without_force() {
    let sb = conflicted_merge();
    let edited = sb
        .read("model.py")
        .replace("import keras\n", "import keras  # mine\n");
    sb.write("model.py", &edited);
    let out = sb.mlmerge(&["resolve"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("model.py: not overwritten: it differs from the conflicted merge git wrote"),
        "{shown}"
    );
    assert!(shown.contains("--force"), "{shown}");
    assert_eq!(sb.read("model.py"), edited);

    // Resolved by hand (no markers): refused too.
    sb.write("model.py", keras::UNITS_128);
    let out = sb.mlmerge(&["resolve", "model.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).contains("looks resolved by hand"),
        "{}",
        text(&out)
    );
    assert_eq!(sb.read("model.py"), keras::UNITS_128);

    let out = sb.mlmerge(&["resolve", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
}

#[test]
fn rebase_that_conflicted_is_resolved_and_continues() {
    let sb = Sandbox::new();
    sb.write("model.py", keras::BASE);
    sb.commit_all("base");
    sb.git(&["checkout", "-q", "-b", "feature"]);
    sb.write("model.py", keras::DROPOUT);
    sb.commit_all("dropout");
    sb.git(&["checkout", "-q", "main"]);
    sb.write("model.py", keras::BATCHNORM);
    sb.commit_all("batchnorm");
    sb.git(&["checkout", "-q", "feature"]);
    let rebase = sb.git_status(&["rebase", "main"]);
    assert!(!rebase.status.success(), "{}", text(&rebase));
    let out = sb.mlmerge(&["resolve", "--add"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout(&out).contains("Rebase in progress"),
        "{}",
        text(&out)
    );
    sb.git(&["rebase", "--continue"]);
    assert_eq!(sb.read("model.py"), keras::MERGED);
    let log = stdout(&sb.git(&["log", "--format=%s"]));
    assert_eq!(log, "dropout\nbatchnorm\nbase\n");
}

#[test]
fn cherry_pick_that_conflicted_is_resolved() {
    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::BATCHNORM, keras::DROPOUT);
    let pick = sb.git_status(&["cherry-pick", "theirs"]);
    assert!(!pick.status.success(), "{}", text(&pick));
    let out = sb.mlmerge(&["resolve", "model.py", "--add"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout(&out).contains("Cherry-pick in progress"),
        "{}",
        text(&out)
    );
    sb.git(&["cherry-pick", "--continue"]);
    assert_eq!(sb.read("model.py"), keras::MERGED);
}

#[test]
fn a_real_clash_is_left_with_narrower_markers() {
    let sb = Sandbox::new();
    sb.branches(
        "model.py",
        keras::BASE,
        keras::UNITS_128_DROPOUT,
        keras::UNITS_256,
    );
    assert!(!sb.git_status(&["merge", "-q", "theirs"]).status.success());
    let out = sb.mlmerge(&["resolve"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.starts_with("model.py: 1 clash left, written\n"),
        "{shown}"
    );
    assert!(shown.contains("1 clash left in 1 file."), "{shown}");
    let merged = sb.read("model.py");
    assert!(merged.contains("<<<<<<< HEAD\n"), "{merged}");
    assert!(merged.contains(">>>>>>> theirs\n"), "{merged}");
    // The Dropout line is outside the clash now.
    let dropout = merged.find("layers.Dropout(0.2)").unwrap();
    assert!(dropout > merged.find(">>>>>>>").unwrap(), "{merged}");
}

/// `git merge-file -p` of the three Keras versions, in `style` (a flag,
/// or none for the merge style).
fn merge_file(sb: &Sandbox, style: Option<&str>) -> String {
    for (name, content) in [
        ("b.py", keras::BASE),
        ("o.py", keras::BATCHNORM),
        ("t.py", keras::DROPOUT),
    ] {
        std::fs::write(sb.root.join(name), content).unwrap();
    }
    let mut cmd = Command::new("git");
    cmd.args(["merge-file", "-p"])
        .args(style)
        .args(["-L", "HEAD", "-L", "base", "-L", "feature"])
        .args(["o.py", "b.py", "t.py"])
        .current_dir(&sb.root);
    let out = sb.isolate(&mut cmd).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    stdout(&out)
}

#[test]
fn a_lone_file_with_diff3_markers_is_rebuilt_from_them() {
    let sb = Sandbox::new();
    for style in ["--diff3", "--zdiff3"] {
        let style = Some(style);
        let lone = sb.root.join("lone.py");
        std::fs::write(&lone, merge_file(&sb, style)).unwrap();
        let out = sb.mlmerge_in(&sb.root, &["resolve", "lone.py"]);
        assert_eq!(out.status.code(), Some(0), "{style:?}: {}", text(&out));
        assert_eq!(
            std::fs::read_to_string(&lone).unwrap(),
            keras::MERGED,
            "{style:?}"
        );
    }
}

#[test]
fn markers_without_a_base_section_are_a_clear_error() {
    let sb = Sandbox::new();
    let lone = sb.root.join("lone.py");
    let conflicted = merge_file(&sb, None);
    std::fs::write(&lone, &conflicted).unwrap();
    let out = sb.mlmerge_in(&sb.root, &["resolve", "lone.py"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lone.py: the conflict at lines 6-10 has no base section"),
        "{err}"
    );
    assert!(err.contains("merge.conflictStyle diff3"), "{err}");
    assert_eq!(std::fs::read_to_string(&lone).unwrap(), conflicted);
}

/// A notebook whose cells both sides inserted is merged; a Python file
/// deleted on one side is left alone with what to do.
#[test]
fn a_notebook_is_merged_and_a_modify_delete_is_left_alone() {
    let notebook = |cells: &[(&str, &str)]| {
        let cells: Vec<serde_json::Value> = cells
            .iter()
            .map(|(id, source)| {
                serde_json::json!({"cell_type": "code", "execution_count": null, "id": id,
                    "metadata": {}, "outputs": [], "source": [source]})
            })
            .collect();
        let nb =
            serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
        serde_json::to_string_pretty(&nb).unwrap() + "\n"
    };
    let base = notebook(&[("a", "import keras\n"), ("b", "model.fit(x)\n")]);
    let ours = notebook(&[
        ("a", "import keras\n"),
        ("c", "print('ours')\n"),
        ("b", "model.fit(x)\n"),
    ]);
    let theirs = notebook(&[
        ("a", "import keras\n"),
        ("d", "print('theirs')\n"),
        ("b", "model.fit(x)\n"),
    ]);
    let sb = Sandbox::new();
    sb.branches_many(&[
        (
            "train.ipynb",
            Some(base.as_bytes()),
            Some(ours.as_bytes()),
            Some(theirs.as_bytes()),
        ),
        ("gone.py", Some(b"x = 1\n"), None, Some(b"x = 2\n")),
    ]);
    assert!(!sb.git_status(&["merge", "-q", "theirs"]).status.success());
    let out = sb.mlmerge(&["resolve", "--add"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.starts_with(
            "gone.py: modify-delete, left as it is\ntrain.ipynb: merged cleanly, written\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("keep it (`git add`) or delete it (`git rm`)"),
        "{shown}"
    );
    let merged: serde_json::Value = serde_json::from_str(&sb.read("train.ipynb")).unwrap();
    let ids: Vec<&str> = merged["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "c", "d", "b"]);
    assert_eq!(unmerged(&sb), "gone.py\n");
}

#[test]
fn nothing_in_conflict_says_so() {
    let sb = Sandbox::new();
    sb.write("model.py", keras::BASE);
    sb.commit_all("base");
    let out = sb.mlmerge(&["resolve"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        "No conflicted .py or .ipynb files: nothing to resolve.\n"
    );
}
