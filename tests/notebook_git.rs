//! Notebooks through real git: the outputs policy from the environment and
//! from git config, and `git merge` with mlmerge installed as the driver.

mod notebook_common;

use std::path::Path;
use std::process::Command;

use notebook_common::*;
use serde_json::{json, Value};

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("MLMERGE_OUTPUTS")
        .args(args)
        .output()
        .expect("git runs");
    out
}

fn base() -> Value {
    notebook(
        vec![
            markdown_cell("# Run"),
            code_cell("x = 1\nprint(x)", Some(1), vec![stream_output("1\n")]),
        ],
        4,
    )
}

/// Ours and theirs both re-ran cell 1 with different results.
fn reruns() -> (Value, Value) {
    let mut ours = base();
    ours["cells"][1]["execution_count"] = json!(2);
    ours["cells"][1]["outputs"] = json!([stream_output("ours\n")]);
    let mut theirs = base();
    theirs["cells"][1]["execution_count"] = json!(3);
    theirs["cells"][1]["outputs"] = json!([stream_output("theirs\n")]);
    (ours, theirs)
}

fn write_inputs(dir: &Path) {
    let (ours, theirs) = reruns();
    std::fs::write(dir.join("base.ipynb"), jupyter(&base())).unwrap();
    std::fs::write(dir.join("ours.ipynb"), jupyter(&ours)).unwrap();
    std::fs::write(dir.join("theirs.ipynb"), jupyter(&theirs)).unwrap();
}

fn merged_output(bytes: &[u8]) -> String {
    let doc: Value = serde_json::from_slice(bytes).expect("JSON result");
    source_of(&json!({"source": doc["cells"][1]["outputs"][0]["text"].clone()}))
}

fn run_in(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlmerge"));
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("MLMERGE_OUTPUTS")
        .args([
            "merge",
            "base.ipynb",
            "ours.ipynb",
            "theirs.ipynb",
            "-p",
            "n.ipynb",
            "--stdout",
        ])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("mlmerge runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn outputs_policy_from_environment_and_flag() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path());
    assert_eq!(merged_output(&run_in(dir.path(), &[], &[])), "ours\n");
    assert_eq!(
        merged_output(&run_in(dir.path(), &[("MLMERGE_OUTPUTS", "theirs")], &[])),
        "theirs\n"
    );
    // The flag wins over the environment.
    let flagged = run_in(
        dir.path(),
        &[("MLMERGE_OUTPUTS", "theirs")],
        &["--outputs", "ours"],
    );
    assert_eq!(merged_output(&flagged), "ours\n");
}

#[test]
fn outputs_policy_from_git_config() {
    let dir = tempfile::tempdir().unwrap();
    assert!(git(dir.path(), &["init", "-q"]).status.success());
    assert!(git(dir.path(), &["config", "mlmerge.outputs", "clear"])
        .status
        .success());
    write_inputs(dir.path());
    let doc: Value = serde_json::from_slice(&run_in(dir.path(), &[], &[])).unwrap();
    assert_eq!(doc["cells"][1]["outputs"], json!([]));
    assert!(doc["cells"][1]["execution_count"].is_null());
}

#[test]
fn git_merge_with_the_driver_leaves_a_valid_notebook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let driver = format!(
        "{} merge %O %A %B -s %S -x %X -y %Y -p %P -l %L",
        env!("CARGO_BIN_EXE_mlmerge")
    );
    for args in [
        vec!["init", "-q", "-b", "main"],
        vec!["config", "merge.mlmerge.name", "mlmerge"],
        vec!["config", "merge.mlmerge.driver", driver.as_str()],
    ] {
        assert!(git(d, &args).status.success());
    }
    std::fs::write(d.join(".gitattributes"), "*.ipynb merge=mlmerge\n").unwrap();
    std::fs::write(d.join("n.ipynb"), jupyter(&base())).unwrap();
    let (mut ours, mut theirs) = reruns();
    ours["cells"]
        .as_array_mut()
        .unwrap()
        .push(markdown_cell("ours' note"));
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .push(markdown_cell("theirs' note"));
    let commit = |msg: &str| {
        assert!(git(d, &["add", "-A"]).status.success());
        assert!(git(d, &["commit", "-q", "-m", msg]).status.success());
    };
    commit("base");
    assert!(git(d, &["checkout", "-q", "-b", "other"]).status.success());
    std::fs::write(d.join("n.ipynb"), jupyter(&theirs)).unwrap();
    commit("theirs");
    assert!(git(d, &["checkout", "-q", "main"]).status.success());
    std::fs::write(d.join("n.ipynb"), jupyter(&ours)).unwrap();
    commit("ours");
    let merged = git(d, &["merge", "-q", "--no-edit", "other"]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let bytes = std::fs::read(d.join("n.ipynb")).unwrap();
    check_nbformat(&bytes).unwrap();
    let sources: Vec<String> = cells_of(&bytes).iter().map(source_of).collect();
    assert_eq!(
        sources,
        ["# Run", "x = 1\nprint(x)", "ours' note", "theirs' note"]
    );
    assert_eq!(merged_output(&bytes), "ours\n");
}
