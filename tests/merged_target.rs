//! What MERGED may be for `mlmerge mergetool BASE LOCAL REMOTE MERGED`,
//! through the real binary: the same rules as OURS of `mlmerge merge`
//! (tests/ours_target.rs, docs/limits.md "Files that are not regular
//! files"): a symbolic link is followed, a directory, FIFO, socket or
//! device is a usage error (exit 2, nothing opened or written), a file the
//! user may not write is exit 2 with git's message, the mode is kept. A
//! MERGED that does not exist is created (git always makes it; a person
//! running the command by hand may not).

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BASE: &str = "model = keras.Sequential([\n    layers.Dense(64),\n])\n";
const OURS: &str = "model = keras.Sequential([\n    layers.Dense(128),\n])\n";
const THEIRS: &str =
    "model = keras.Sequential([\n    layers.Dense(64),\n    layers.Dropout(0.5),\n])\n";
const MERGED: &str =
    "model = keras.Sequential([\n    layers.Dense(128),\n    layers.Dropout(0.5),\n])\n";
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
    let mut command = Command::new(env!("CARGO_BIN_EXE_mlmerge"));
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join("no-gitconfig"))
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .arg("mergetool")
        .arg(dir.join("base.py"))
        .arg(dir.join("local.py"))
        .arg(dir.join("remote.py"))
        .arg(merged)
        .stdin(Stdio::null());
    command
}

/// Runs the binary, killing it if it hangs (a FIFO opened for reading).
fn run(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mlmerge");
    for _ in 0..200 {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("mlmerge hung for 10 s");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
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
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(status.success());
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

/// Whether this process is root (the owner of a file it just created).
fn running_as_root(dir: &Path) -> bool {
    let probe = dir.join("probe");
    fs::write(&probe, "").unwrap();
    let root = fs::metadata(&probe).unwrap().uid() == 0;
    fs::remove_file(probe).unwrap();
    root
}

/// Whether every folder above `path` can be entered and `path` run by any user.
fn readable_by_everyone(path: &Path) -> bool {
    let runnable =
        |p: &Path, bits: u32| fs::metadata(p).is_ok_and(|m| m.permissions().mode() & bits == bits);
    runnable(path, 0o005) && path.ancestors().skip(1).all(|p| runnable(p, 0o001))
}

/// Before the check, the rename replaced a 0444 MERGED in a writable
/// folder: now it is refused as git refuses it.
#[test]
fn a_merged_the_user_may_not_write_is_refused_with_gits_message() {
    let dir = setup();
    let merged = dir.path().join("model.py");
    fs::write(&merged, MARKED).unwrap();
    fs::set_permissions(&merged, fs::Permissions::from_mode(0o444)).unwrap();
    let mut command = mergetool(dir.path(), &merged);
    if running_as_root(dir.path()) {
        // Root may write a 0444 file: run as nobody, who may read
        // everything here and write only the folder.
        if Command::new("setpriv").arg("--help").output().is_err() {
            eprintln!("setpriv missing: cannot drop root, read-only case not run");
            return;
        }
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        if !readable_by_everyone(Path::new(env!("CARGO_BIN_EXE_mlmerge"))) {
            eprintln!("the binary is not reachable by nobody: read-only case not run");
            return;
        }
        let program = command.get_program().to_owned();
        let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
        let mut dropped = Command::new("setpriv");
        dropped
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", dir.path().join("no-gitconfig"))
            .env("HOME", dir.path())
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program)
            .args(args)
            .stdin(Stdio::null());
        command = dropped;
    }
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
