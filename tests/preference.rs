//! The side preference (`--prefer`, `MLMERGE_PREFER`, git config
//! `mlmerge.prefer`): clashes resolve to that side, while every change that
//! does not clash is still merged.

use std::path::Path;
use std::process::Command;

const BASE: &str = "m = Sequential([\n    Dense(64),\n    Dense(10),\n])\nx = 1\n";
const OURS: &str = "m = Sequential([\n    Dense(128),\n    Dense(10),\n])\nx = 2\n";
const THEIRS: &str =
    "m = Sequential([\n    Dense(256),\n    Dense(10),\n    Softmax(),\n])\nx = 3\n";

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (String, Option<i32>) {
    for (name, text) in [("base", BASE), ("ours", OURS), ("theirs", THEIRS)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mlmerge"))
        .current_dir(dir)
        .args([
            "merge", "base", "ours", "theirs", "-p", "model.py", "--stdout",
        ])
        .args(args)
        .env_remove("MLMERGE_PREFER")
        .envs(env.iter().copied())
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

#[test]
fn without_a_preference_clashes_are_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let (text, code) = run(dir.path(), &[], &[]);
    assert_eq!(code, Some(1));
    assert_eq!(text.matches("<<<<<<< ours").count(), 2, "{text}");
}

#[test]
fn prefer_ours_keeps_theirs_changes_that_do_not_clash() {
    let dir = tempfile::tempdir().unwrap();
    let (text, code) = run(dir.path(), &["--prefer", "ours"], &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        text,
        "m = Sequential([\n    Dense(128),\n    Dense(10),\n    Softmax(),\n])\nx = 2\n"
    );
}

#[test]
fn the_environment_and_git_config_set_the_preference() {
    let dir = tempfile::tempdir().unwrap();
    let (text, code) = run(dir.path(), &[], &[("MLMERGE_PREFER", "theirs")]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("Dense(256)") && text.contains("x = 3"),
        "{text}"
    );

    std::fs::write(
        dir.path().join(".gitconfig"),
        "[mlmerge]\n\tprefer = theirs\n",
    )
    .unwrap();
    let (text, code) = run(dir.path(), &[], &[]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("Dense(256)") && text.contains("x = 3"),
        "{text}"
    );
}

#[test]
fn an_unknown_preference_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(name), "x = 1\n").unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mlmerge"))
        .current_dir(dir.path())
        .args(["merge", "a", "b", "c"])
        .env("MLMERGE_PREFER", "mine")
        .env("HOME", dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("MLMERGE_PREFER") && stderr.contains("mine"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("b")).unwrap(),
        b"x = 1\n",
        "ours untouched"
    );
}
