//! What tests/write_target.rs needs beside its cases (the file written is
//! OURS of `merge` or MERGED of `mergetool`): the three versions and their
//! merge, the binary
//! run isolated from the machine's git configuration and killed if it
//! hangs, and the way to run it as a user a read-only file stops.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub const BASE: &str = "model = keras.Sequential([\n    layers.Dense(64),\n])\n";
pub const OURS: &str = "model = keras.Sequential([\n    layers.Dense(128),\n])\n";
pub const THEIRS: &str =
    "model = keras.Sequential([\n    layers.Dense(64),\n    layers.Dropout(0.5),\n])\n";
pub const MERGED: &str =
    "model = keras.Sequential([\n    layers.Dense(128),\n    layers.Dropout(0.5),\n])\n";

/// `command` run in `dir` with no git configuration but an empty one there.
pub fn isolated(mut command: Command, dir: &Path) -> Command {
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join("no-gitconfig"))
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .stdin(Stdio::null());
    command
}

/// Runs the binary, killing it if it hangs (a FIFO opened for reading).
pub fn run(mut command: Command) -> Output {
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

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names in `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo failed");
}

/// `command` as a user whom a 0444 file stops: unchanged for an
/// unprivileged user; as `nobody` through `setpriv` for root (root may
/// write a 0444 file, git too), `dir` opened to everyone; `None`, with a
/// note, when root cannot drop to `nobody` here.
pub fn unprivileged(command: Command, dir: &Path) -> Option<Command> {
    if !running_as_root(dir) {
        return Some(command);
    }
    if Command::new("setpriv").arg("--help").output().is_err() {
        eprintln!("setpriv missing: cannot drop root, read-only case not run");
        return None;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o777)).unwrap();
    if !readable_by_everyone(Path::new(env!("CARGO_BIN_EXE_mlmerge"))) {
        eprintln!("the binary is not reachable by nobody: read-only case not run");
        return None;
    }
    let mut dropped = isolated(Command::new("setpriv"), dir);
    dropped
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(command.get_program())
        .args(command.get_args());
    Some(dropped)
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
