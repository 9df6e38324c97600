//! What OURS may be, through the real binary: the merge writes only into a
//! regular file (docs/limits.md, "Files that are not regular files").
//!
//! - a symbolic link is followed: its target gets the result, the link stays;
//! - a directory, FIFO, socket or device is a usage error (exit 2), nothing
//!   written, nothing opened (a FIFO without a writer would block forever);
//! - a file the user may not write is exit 2 with git's message;
//! - the file mode is kept; a hard link's other names keep the old content
//!   and the command warns;
//! - `--stdout` works for every one of them that can be read.
//!
//! The tests run as root, where permission bits do not stop a write; the
//! read-only case runs the binary as `nobody` through `setpriv` when that is
//! possible (as root), and directly otherwise (as an unprivileged user).

mod target_support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use target_support::*;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("base.py"), BASE).unwrap();
    fs::write(dir.path().join("theirs.py"), THEIRS).unwrap();
    dir
}

fn mlmerge(dir: &Path, ours: &Path, extra: &[&str]) -> Command {
    let mut command = isolated(Command::new(env!("CARGO_BIN_EXE_mlmerge")), dir);
    command
        .arg("merge")
        .arg(dir.join("base.py"))
        .arg(ours)
        .arg(dir.join("theirs.py"))
        .args(["-p", "model.py"])
        .args(extra);
    command
}

#[test]
fn a_regular_file_is_merged_in_place_keeping_its_mode() {
    let dir = setup();
    let ours = dir.path().join("ours.py");
    fs::write(&ours, OURS).unwrap();
    fs::set_permissions(&ours, fs::Permissions::from_mode(0o751)).unwrap();
    let out = run(mlmerge(dir.path(), &ours, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&ours).unwrap(), MERGED);
    let mode = fs::metadata(&ours).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o751);
    assert_eq!(files(dir.path()), ["base.py", "ours.py", "theirs.py"]);
}

#[test]
fn a_symlink_is_followed_and_stays_a_link() {
    let dir = setup();
    let real = dir.path().join("real.py");
    fs::write(&real, OURS).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink("real.py", &link).unwrap();
    let out = run(mlmerge(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), PathBuf::from("real.py"));
    assert_eq!(fs::read_to_string(&real).unwrap(), MERGED);
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert_eq!(
        files(dir.path()),
        ["base.py", "link.py", "real.py", "theirs.py"]
    );
}

#[test]
fn a_link_to_a_link_in_another_folder_replaces_the_last_target() {
    let dir = setup();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let real = sub.join("real.py");
    fs::write(&real, OURS).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("hop.py")).unwrap();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink("hop.py", &link).unwrap();
    let out = run(mlmerge(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&real).unwrap(), MERGED);
    assert_eq!(files(&sub), ["real.py"]);
    assert!(fs::symlink_metadata(dir.path().join("hop.py"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_dangling_symlink_is_a_usage_error() {
    let dir = setup();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink("nowhere.py", &link).unwrap();
    let out = run(mlmerge(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!dir.path().join("nowhere.py").exists());
}

#[test]
fn a_fifo_is_refused_without_being_opened() {
    let dir = setup();
    let fifo = dir.path().join("ours.py");
    mkfifo(&fifo);
    // No writer: opening it for reading would block forever.
    let out = run(mlmerge(dir.path(), &fifo, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a FIFO, not a regular file"));
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(files(dir.path()), ["base.py", "ours.py", "theirs.py"]);
}

#[test]
fn a_symlink_to_a_fifo_is_refused_too() {
    let dir = setup();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let link = dir.path().join("ours.py");
    std::os::unix::fs::symlink("pipe", &link).unwrap();
    let out = run(mlmerge(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("FIFO"));
}

#[test]
fn a_directory_is_refused() {
    let dir = setup();
    let sub = dir.path().join("ours.py");
    fs::create_dir(&sub).unwrap();
    let out = run(mlmerge(dir.path(), &sub, &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory, not a regular file"));
    assert!(sub.is_dir());
    assert_eq!(files(&sub), Vec::<String>::new());
}

#[test]
fn a_socket_is_refused() {
    let dir = setup();
    let path = dir.path().join("ours.py");
    let _socket = std::os::unix::net::UnixListener::bind(&path).expect("bind a socket");
    let out = run(mlmerge(dir.path(), &path, &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a socket"));
}

/// A character device: `/dev/null` itself (through a symlink, so that a
/// bug would show as a replaced link target, and the test checks the
/// device is still a device afterwards). Nothing is written: the check
/// happens before any write, and a rename over `/dev/null` would need the
/// merge to get past it.
#[test]
fn a_device_is_refused_and_left_alone() {
    let dir = setup();
    let link = dir.path().join("ours.py");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let before = fs::metadata("/dev/null").unwrap();
    let out = run(mlmerge(dir.path(), &link, &[]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a character device"));
    let after = fs::metadata("/dev/null").unwrap();
    use std::os::unix::fs::FileTypeExt;
    assert!(after.file_type().is_char_device());
    assert_eq!((before.ino(), before.rdev()), (after.ino(), after.rdev()));
    let out = run(mlmerge(dir.path(), Path::new("/dev/null"), &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn stdout_reads_every_readable_kind_and_writes_nothing() {
    let dir = setup();
    let real = dir.path().join("real.py");
    fs::write(&real, OURS).unwrap();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink("real.py", &link).unwrap();
    for ours in [&real, &link] {
        let out = run(mlmerge(dir.path(), ours, &["--stdout"]));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), MERGED);
    }
    assert_eq!(fs::read_to_string(&real).unwrap(), OURS);
    // /dev/null reads as an empty ours: theirs' change against a deleted file.
    let out = run(mlmerge(dir.path(), Path::new("/dev/null"), &["--stdout"]));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    // A FIFO with a writer, as a shell's process substitution gives.
    let fifo = dir.path().join("pipe.py");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(fifo, OURS))
    };
    let out = run(mlmerge(dir.path(), &fifo, &["--stdout"]));
    writer.join().unwrap().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), MERGED);
    // A directory cannot be read at all.
    let out = run(mlmerge(dir.path(), dir.path(), &["--stdout"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_hard_link_keeps_the_old_content_and_the_command_says_so() {
    let dir = setup();
    let ours = dir.path().join("ours.py");
    fs::write(&ours, OURS).unwrap();
    let other = dir.path().join("other.py");
    fs::hard_link(&ours, &other).unwrap();
    let out = run(mlmerge(dir.path(), &ours, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&ours).unwrap(), MERGED);
    assert_eq!(fs::read_to_string(&other).unwrap(), OURS);
    assert!(
        stderr(&out).contains("1 other hard link(s); they keep the old content"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::metadata(&other).unwrap().nlink(), 1);
}

#[test]
fn a_file_the_user_may_not_write_is_refused_with_gits_message() {
    let dir = setup();
    let ours = dir.path().join("ours.py");
    fs::write(&ours, OURS).unwrap();
    fs::set_permissions(&ours, fs::Permissions::from_mode(0o444)).unwrap();
    let Some(command) = unprivileged(mlmerge(dir.path(), &ours, &[]), dir.path()) else {
        return;
    };
    let out = run(command);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "mlmerge: Could not open {} for writing: Permission denied",
            ours.display()
        )
    );
    assert_eq!(fs::read_to_string(&ours).unwrap(), OURS);
    assert_eq!(files(dir.path()), ["base.py", "ours.py", "theirs.py"]);
}
