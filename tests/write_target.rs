//! What the file mlmerge writes into may be, through the real binary: OURS
//! of `mlmerge merge` and MERGED of `mlmerge mergetool` follow the same
//! rules (docs/limits.md, "Files that are not regular files"), so every
//! case runs once per command:
//!
//! - a symbolic link is followed: its target gets the result, the link stays;
//! - a directory, FIFO, socket or device is a usage error (exit 2), nothing
//!   written, nothing opened (a FIFO without a writer would block forever);
//! - a file the user may not write is exit 2 with git's message;
//! - the file mode is kept; a hard link's other names keep the old content
//!   and the command warns.
//!
//! Then what only one command has: `merge --stdout` reads every kind that
//! can be read; a MERGED that does not exist is created (git always makes
//! it, a person running `mergetool` by hand may not).
//!
//! The tests run as root, where permission bits do not stop a write; the
//! read-only case runs the binary as `nobody` through `setpriv` when that is
//! possible (as root), and directly otherwise (as an unprivileged user).

mod target_support;

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use target_support::*;

/// The written file's name in every case.
const TARGET: &str = "model.py";

/// One of the two commands that write into a file, and what its case needs.
struct Tool {
    /// The subcommand.
    name: &'static str,
    /// The files the command reads besides the target, with their contents.
    inputs: &'static [(&'static str, &'static str)],
    /// The target's content before the run: OURS itself for `merge`, the
    /// file with git's markers for `mergetool`.
    before: &'static str,
}

const MERGE: Tool = Tool {
    name: "merge",
    inputs: &[("base.py", BASE), ("theirs.py", THEIRS)],
    before: OURS,
};

const MERGETOOL: Tool = Tool {
    name: "mergetool",
    inputs: &[("base.py", BASE), ("local.py", OURS), ("remote.py", THEIRS)],
    before: "<<<<<<< ours\n=======\n>>>>>>> theirs\n",
};

impl Tool {
    fn setup(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in self.inputs {
            fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// The command writing into `target`, as git runs it: no terminal.
    fn command(&self, dir: &Path, target: &Path, extra: &[&str]) -> Command {
        let mut command = isolated(Command::new(env!("CARGO_BIN_EXE_mlmerge")), dir);
        command.arg(self.name);
        let path = |name: &str| dir.join(name);
        match self.name {
            "merge" => command
                .arg(path("base.py"))
                .arg(target)
                .arg(path("theirs.py"))
                .args(["-p", TARGET]),
            _ => command
                .arg(path("base.py"))
                .arg(path("local.py"))
                .arg(path("remote.py"))
                .arg(target),
        };
        command.args(extra);
        command
    }

    /// The names `dir` must hold afterwards: the inputs and `extra`.
    fn files_with(&self, extra: &[&str]) -> Vec<String> {
        let inputs = self.inputs.iter().map(|(name, _)| *name);
        let mut names: Vec<String> = inputs
            .chain(extra.iter().copied())
            .map(String::from)
            .collect();
        names.sort();
        names
    }
}

/// Each function below is a case; this runs it once per command.
macro_rules! for_both_commands {
    ($($case:ident),* $(,)?) => {
        mod merge {
            $(#[test] fn $case() { super::$case(&super::MERGE) })*
        }
        mod mergetool {
            $(#[test] fn $case() { super::$case(&super::MERGETOOL) })*
        }
    };
}

for_both_commands!(
    a_regular_file_is_replaced_keeping_its_mode,
    a_symlink_is_followed_and_stays_a_link,
    a_link_to_a_link_in_another_folder_replaces_the_last_target,
    a_dangling_symlink_is_a_usage_error,
    a_fifo_is_refused_without_being_opened,
    a_symlink_to_a_fifo_is_refused_too,
    a_directory_is_refused,
    a_socket_is_refused,
    a_device_is_refused_and_left_alone,
    a_hard_link_keeps_the_old_content_and_the_command_says_so,
    a_file_the_user_may_not_write_is_refused_with_gits_message,
);

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).unwrap().file_type().is_symlink()
}

fn a_regular_file_is_replaced_keeping_its_mode(tool: &Tool) {
    let dir = tool.setup();
    let target = dir.path().join(TARGET);
    fs::write(&target, tool.before).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o751)).unwrap();
    let out = run(tool.command(dir.path(), &target, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&target).unwrap(), MERGED);
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o751);
    assert_eq!(files(dir.path()), tool.files_with(&[TARGET]));
}

fn a_symlink_is_followed_and_stays_a_link(tool: &Tool) {
    let dir = tool.setup();
    let real = dir.path().join("real.py");
    fs::write(&real, tool.before).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join(TARGET);
    std::os::unix::fs::symlink("real.py", &link).unwrap();
    let out = run(tool.command(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(is_symlink(&link));
    assert_eq!(fs::read_link(&link).unwrap(), PathBuf::from("real.py"));
    assert_eq!(fs::read_to_string(&real).unwrap(), MERGED);
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert_eq!(files(dir.path()), tool.files_with(&[TARGET, "real.py"]));
}

fn a_link_to_a_link_in_another_folder_replaces_the_last_target(tool: &Tool) {
    let dir = tool.setup();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let real = sub.join("real.py");
    fs::write(&real, tool.before).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("hop.py")).unwrap();
    let link = dir.path().join(TARGET);
    std::os::unix::fs::symlink("hop.py", &link).unwrap();
    let out = run(tool.command(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&real).unwrap(), MERGED);
    assert_eq!(files(&sub), ["real.py"]);
    assert!(is_symlink(&dir.path().join("hop.py")));
    assert!(is_symlink(&link));
}

fn a_dangling_symlink_is_a_usage_error(tool: &Tool) {
    let dir = tool.setup();
    let link = dir.path().join(TARGET);
    std::os::unix::fs::symlink("nowhere.py", &link).unwrap();
    let out = run(tool.command(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(is_symlink(&link));
    assert!(!dir.path().join("nowhere.py").exists());
}

fn a_fifo_is_refused_without_being_opened(tool: &Tool) {
    let dir = tool.setup();
    let fifo = dir.path().join(TARGET);
    mkfifo(&fifo);
    // No writer: opening it for reading would block forever.
    let out = run(tool.command(dir.path(), &fifo, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a FIFO, not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(files(dir.path()), tool.files_with(&[TARGET]));
}

fn a_symlink_to_a_fifo_is_refused_too(tool: &Tool) {
    let dir = tool.setup();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let link = dir.path().join(TARGET);
    std::os::unix::fs::symlink("pipe", &link).unwrap();
    let out = run(tool.command(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
    assert!(is_symlink(&link));
}

fn a_directory_is_refused(tool: &Tool) {
    let dir = tool.setup();
    let sub = dir.path().join(TARGET);
    fs::create_dir(&sub).unwrap();
    let out = run(tool.command(dir.path(), &sub, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory, not a regular file"));
    assert!(sub.is_dir());
    assert!(files(&sub).is_empty());
}

fn a_socket_is_refused(tool: &Tool) {
    let dir = tool.setup();
    let path = dir.path().join(TARGET);
    let _socket = std::os::unix::net::UnixListener::bind(&path).expect("bind a socket");
    let out = run(tool.command(dir.path(), &path, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a socket"));
}

/// `/dev/null` through a symlink (a bug would show as a replaced link
/// target) and given directly; the device must still be the same device.
/// Nothing is written: the check comes before any write.
fn a_device_is_refused_and_left_alone(tool: &Tool) {
    let dir = tool.setup();
    let link = dir.path().join(TARGET);
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let before = fs::metadata("/dev/null").unwrap();
    let out = run(tool.command(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a character device"));
    assert!(is_symlink(&link));
    let out = run(tool.command(dir.path(), Path::new("/dev/null"), &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let after = fs::metadata("/dev/null").unwrap();
    assert!(after.file_type().is_char_device());
    assert_eq!((before.ino(), before.rdev()), (after.ino(), after.rdev()));
}

fn a_hard_link_keeps_the_old_content_and_the_command_says_so(tool: &Tool) {
    let dir = tool.setup();
    let target = dir.path().join(TARGET);
    fs::write(&target, tool.before).unwrap();
    let other = dir.path().join("other.py");
    fs::hard_link(&target, &other).unwrap();
    let out = run(tool.command(dir.path(), &target, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&target).unwrap(), MERGED);
    assert_eq!(fs::read_to_string(&other).unwrap(), tool.before);
    assert!(
        stderr(&out).contains("1 other hard link(s); they keep the old content"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::metadata(&other).unwrap().nlink(), 1);
}

/// Before the check, the rename replaced a 0444 file in a writable folder:
/// now it is refused as git refuses it.
fn a_file_the_user_may_not_write_is_refused_with_gits_message(tool: &Tool) {
    let dir = tool.setup();
    let target = dir.path().join(TARGET);
    fs::write(&target, tool.before).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
    let Some(command) = unprivileged(tool.command(dir.path(), &target, &[]), dir.path()) else {
        return;
    };
    let out = run(command);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "mlmerge: Could not open {} for writing: Permission denied",
            target.display()
        )
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), tool.before);
    assert_eq!(files(dir.path()), tool.files_with(&[TARGET]));
}

#[test]
fn merge_stdout_reads_every_readable_kind_and_writes_nothing() {
    let tool = &MERGE;
    let dir = tool.setup();
    let real = dir.path().join("real.py");
    fs::write(&real, OURS).unwrap();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink("real.py", &link).unwrap();
    for ours in [&real, &link] {
        let out = run(tool.command(dir.path(), ours, &["--stdout"]));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), MERGED);
    }
    assert_eq!(fs::read_to_string(&real).unwrap(), OURS);
    // /dev/null reads as an empty ours: theirs' change against a deleted file.
    let out = run(tool.command(dir.path(), Path::new("/dev/null"), &["--stdout"]));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    // A FIFO with a writer, as a shell's process substitution gives.
    let fifo = dir.path().join("pipe.py");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(fifo, OURS))
    };
    let out = run(tool.command(dir.path(), &fifo, &["--stdout"]));
    writer.join().unwrap().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), MERGED);
    // A directory cannot be read at all.
    let out = run(tool.command(dir.path(), dir.path(), &["--stdout"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn mergetool_creates_a_missing_merged() {
    let tool = &MERGETOOL;
    let dir = tool.setup();
    let merged = dir.path().join(TARGET);
    let out = run(tool.command(dir.path(), &merged, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&merged).unwrap(), MERGED);
}
