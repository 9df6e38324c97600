//! What MERGED may be for `mlmerge mergetool BASE LOCAL REMOTE MERGED`,
//! through the real binary: the same rules as OURS of `mlmerge merge`
//! (tests/ours_target.rs, docs/limits.md "Files that are not regular
//! files"): a symbolic link is followed, a directory, FIFO, socket or
//! device is a usage error (exit 2, nothing opened or written), a file the
//! user may not write is exit 2 with git's message, the mode is kept. A
//! MERGED that does not exist is created (git always makes it; a person
//! running the command by hand may not).

mod target_support;

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use target_support::*;

/// What git leaves in the work tree before the tool runs.
const MARKED: &str = "<<<<<<< ours\n=======\n>>>>>>> theirs\n";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("base.py"), BASE).unwrap();
    fs::write(dir.path().join("local.py"), OURS).unwrap();
    fs::write(dir.path().join("remote.py"), THEIRS).unwrap();
    dir
}

/// The binary as `git mergetool` runs it, without a terminal.
fn mergetool(dir: &Path, merged: &Path) -> Command {
    let mut command = isolated(Command::new(env!("CARGO_BIN_EXE_mlmerge")), dir);
    command
        .arg("mergetool")
        .arg(dir.join("base.py"))
        .arg(dir.join("local.py"))
        .arg(dir.join("remote.py"))
        .arg(merged);
    command
}

const INPUTS: [&str; 3] = ["base.py", "local.py", "remote.py"];

fn with_inputs(extra: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = INPUTS.iter().chain(extra).map(|s| s.to_string()).collect();
    names.sort();
    names
}

#[test]
fn a_regular_merged_is_replaced_keeping_its_mode() {
    let dir = setup();
    let merged = dir.path().join("model.py");
    fs::write(&merged, MARKED).unwrap();
    fs::set_permissions(&merged, fs::Permissions::from_mode(0o751)).unwrap();
    let out = run(mergetool(dir.path(), &merged));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&merged).unwrap(), MERGED);
    let mode = fs::metadata(&merged).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o751);
    assert_eq!(files(dir.path()), with_inputs(&["model.py"]));
}

#[test]
fn a_missing_merged_is_created() {
    let dir = setup();
    let merged = dir.path().join("model.py");
    let out = run(mergetool(dir.path(), &merged));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&merged).unwrap(), MERGED);
}

#[test]
fn a_symlinked_merged_is_followed_and_stays_a_link() {
    let dir = setup();
    let real = dir.path().join("real.py");
    fs::write(&real, MARKED).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("model.py");
    std::os::unix::fs::symlink("real.py", &link).unwrap();
    let out = run(mergetool(dir.path(), &link));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), PathBuf::from("real.py"));
    assert_eq!(fs::read_to_string(&real).unwrap(), MERGED);
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert_eq!(files(dir.path()), with_inputs(&["model.py", "real.py"]));
}

#[test]
fn a_dangling_symlink_as_merged_is_a_usage_error() {
    let dir = setup();
    let link = dir.path().join("model.py");
    std::os::unix::fs::symlink("nowhere.py", &link).unwrap();
    let out = run(mergetool(dir.path(), &link));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("nowhere.py").exists());
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_fifo_as_merged_is_refused_without_being_opened() {
    let dir = setup();
    let fifo = dir.path().join("model.py");
    mkfifo(&fifo);
    let out = run(mergetool(dir.path(), &fifo));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a FIFO, not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(files(dir.path()), with_inputs(&["model.py"]));
}

#[test]
fn a_directory_as_merged_is_refused() {
    let dir = setup();
    let sub = dir.path().join("model.py");
    fs::create_dir(&sub).unwrap();
    let out = run(mergetool(dir.path(), &sub));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory, not a regular file"));
    assert!(sub.is_dir());
    assert!(files(&sub).is_empty());
}

#[test]
fn a_socket_as_merged_is_refused() {
    let dir = setup();
    let path = dir.path().join("model.py");
    let _socket = std::os::unix::net::UnixListener::bind(&path).expect("bind a socket");
    let out = run(mergetool(dir.path(), &path));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a socket"));
}

/// `/dev/null` through a symlink: a bug would replace the link's target.
#[test]
fn a_device_as_merged_is_refused_and_left_alone() {
    let dir = setup();
    let link = dir.path().join("model.py");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let before = fs::metadata("/dev/null").unwrap();
    let out = run(mergetool(dir.path(), &link));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a character device"));
    let after = fs::metadata("/dev/null").unwrap();
    assert!(after.file_type().is_char_device());
    assert_eq!((before.ino(), before.rdev()), (after.ino(), after.rdev()));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_hard_linked_merged_keeps_the_other_name_and_says_so() {
    let dir = setup();
    let merged = dir.path().join("model.py");
    fs::write(&merged, MARKED).unwrap();
    let other = dir.path().join("other.py");
    fs::hard_link(&merged, &other).unwrap();
    let out = run(mergetool(dir.path(), &merged));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&merged).unwrap(), MERGED);
    assert_eq!(fs::read_to_string(&other).unwrap(), MARKED);
    assert!(
        stderr(&out).contains("1 other hard link(s); they keep the old content"),
        "{}",
        stderr(&out)
    );
}

/// Before the check, the rename replaced a 0444 MERGED in a writable
/// folder: now it is refused as git refuses it.
#[test]
fn a_merged_the_user_may_not_write_is_refused_with_gits_message() {
    let dir = setup();
    let merged = dir.path().join("model.py");
    fs::write(&merged, MARKED).unwrap();
    fs::set_permissions(&merged, fs::Permissions::from_mode(0o444)).unwrap();
    let Some(command) = unprivileged(mergetool(dir.path(), &merged), dir.path()) else {
        return;
    };
    let out = run(command);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "mlmerge: Could not open {} for writing: Permission denied",
            merged.display()
        )
    );
    assert_eq!(fs::read_to_string(&merged).unwrap(), MARKED);
    assert_eq!(files(dir.path()), with_inputs(&["model.py"]));
}
