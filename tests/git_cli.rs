//! The git-facing commands as a user meets them: `--help` of each kept as
//! a snapshot (a change is reviewed as a diff), and `mlmerge demo` run
//! from a directory outside any repository.

mod git_support;

use git_support::{assert_snapshot, stdout, text, Sandbox};

#[test]
fn help_of_each_command() {
    let sb = Sandbox::new();
    for command in [
        "merge",
        "install",
        "uninstall",
        "mergetool",
        "report",
        "demo",
        "check",
        "resolve",
        "completions",
        "man",
    ] {
        let out = sb.mlmerge(&[command, "--help"]);
        assert!(out.status.success(), "{}", text(&out));
        assert_snapshot(&format!("help-{command}.txt"), &stdout(&out));
    }
    let out = sb.mlmerge(&["--help"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_snapshot("help.txt", &stdout(&out));
}

/// Completions for each shell and the man page come from the same clap
/// definitions as `--help`; their text is kept as snapshots.
#[test]
fn completions_and_man_page() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = sb.mlmerge(&["completions", shell]);
        assert!(out.status.success(), "{}", text(&out));
        let script = stdout(&out);
        for command in ["resolve", "check", "report", "mergetool"] {
            assert!(script.contains(command), "{shell}: no `{command}`");
        }
        assert_snapshot(&format!("completions-{shell}.txt"), &script);
    }
    let out = sb.mlmerge(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    let out = sb.mlmerge(&["man"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH mlmerge 1"), "{page}");
    let first_screen: String = page.lines().take(40).map(|l| format!("{l}\n")).collect();
    assert_snapshot("man-first-screen.txt", &first_screen);

    let dir = sb.root.join("man1");
    let out = sb.mlmerge(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let resolve = std::fs::read_to_string(dir.join("mlmerge-resolve.1")).unwrap();
    assert!(resolve.contains("\\-\\-dry\\-run"), "{resolve}");
    assert!(dir.join("mlmerge.1").exists());
}

/// Needs the structured Python merge (the model merges cleanly); the
/// notebook part shows whatever the notebook merge does today.
#[test]
fn demo_runs_from_anywhere_with_the_real_git() {
    let sb = Sandbox::new();
    let out = sb.mlmerge_in(&sb.home, &["demo"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let shown = stdout(&out);
    for expected in [
        "== $ mlmerge install --local",
        "+ *.py merge=mlmerge",
        "== $ git merge batchnorm",
        "== $ mlmerge report",
        "Merged cleanly by mlmerge:",
        "ordered-by-convention",
        "What plain git would have done",
        "model.py: 1 conflict",
    ] {
        assert!(
            shown.contains(expected),
            "missing `{expected}` in:\n{shown}"
        );
    }
    let merged = shown
        .split("== model.py after the merge")
        .nth(1)
        .unwrap()
        .split("== $ mlmerge report")
        .next()
        .unwrap();
    let order: Vec<usize> = [
        "Dense(128",
        "BatchNormalization()",
        "Dropout(0.5)",
        "Adam(learning_rate=1e-3)",
        "label_smoothing=0.1",
    ]
    .iter()
    .map(|needle| {
        merged
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing from the merged model:\n{merged}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{merged}");
    assert!(!merged.contains("<<<<<<<"), "{merged}");
    // The temporary repository is removed afterwards.
    let repo_line = shown.lines().next().unwrap_or("");
    assert!(!repo_line.is_empty());
    let path = shown
        .split("merged by the real `git merge` in ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert!(
        !std::path::Path::new(path).exists(),
        "{path} was left behind"
    );
}
