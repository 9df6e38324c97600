//! Writing the merged result: only into a regular file, through a temporary
//! file beside it renamed over it, so a crash never leaves a truncated file.
//!
//! What OURS may be (docs/limits.md, "Files that are not regular files"):
//! - a regular file: replaced atomically, its mode (and, where allowed, its
//!   owner) kept;
//! - a symbolic link: followed; the file it points to is replaced and the
//!   link stays a link;
//! - anything else (directory, FIFO, socket, device): refused before it is
//!   opened, so a FIFO is never read and `/dev/null` never replaced;
//! - a file the user may not write: refused with git's own message, after
//!   the same check git makes (opening it for writing, without truncating);
//! - a file with other hard links: written under this name only (the rename
//!   gives the name a new file); [`WriteTarget::other_links`] says so, and
//!   the command warns.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why OURS cannot take the merged result.
#[derive(Debug)]
pub enum TargetError {
    /// It is not a regular file (after following symbolic links).
    NotRegular { path: PathBuf, kind: &'static str },
    /// git's own check failed: it cannot be opened for writing.
    NotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// It (or the file a link points to) does not exist or cannot be read.
    Missing {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotRegular { path, kind } => write!(
                f,
                "{} is a {kind}, not a regular file: the merge writes its result into OURS (use --stdout to print it instead)",
                path.display()
            ),
            // git merge-file's words.
            Self::NotWritable { path, source } => {
                write!(f, "Could not open {} for writing: {}", path.display(), plain(source))
            }
            Self::Missing { path, source } => {
                write!(f, "cannot read the ours version {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for TargetError {}

/// An io error without Rust's " (os error N)" suffix, as C's strerror.
fn plain(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// A checked place to write the merged result.
#[derive(Debug, Clone)]
pub struct WriteTarget {
    /// The regular file to replace (a symbolic link resolved).
    pub path: PathBuf,
    /// Hard links to it other than this name; they keep the old content.
    pub other_links: u64,
}

/// Checks that `path` can take a merged result, without opening anything
/// that is not a regular file.
pub fn check_target(path: &Path) -> Result<WriteTarget, TargetError> {
    let missing = |source| TargetError::Missing {
        path: path.to_path_buf(),
        source,
    };
    let own = std::fs::symlink_metadata(path).map_err(missing)?;
    let resolved = if own.file_type().is_symlink() {
        std::fs::canonicalize(path).map_err(missing)?
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&resolved).map_err(missing)?;
    if !meta.is_file() {
        return Err(TargetError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_name(&meta),
        });
    }
    // A regular file: opening it cannot block. No truncation, no creation.
    OpenOptions::new()
        .write(true)
        .open(&resolved)
        .map_err(|source| TargetError::NotWritable {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(WriteTarget {
        path: resolved,
        other_links: link_count(&meta).saturating_sub(1),
    })
}

/// [`check_target`] for a file the command may create (the mergetool's
/// MERGED, which git always makes, but a person running it by hand may
/// not): a name that does not exist at all (not even as a dangling link)
/// is a new regular file there.
pub fn check_target_or_new(path: &Path) -> Result<WriteTarget, TargetError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WriteTarget {
            path: path.to_path_buf(),
            other_links: 0,
        }),
        _ => check_target(path),
    }
}

fn kind_name(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
    }
    "special file"
}

#[cfg(unix)]
fn link_count(meta: &Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn link_count(_: &Metadata) -> u64 {
    1
}

/// Replaces `path` with `bytes` atomically, keeping its permissions (and
/// its owner where the process may set it). `path` is replaced as a name:
/// call [`check_target`] first for a file a user named.
///
/// Atomic, not durable: the rename means a reader (git, after the driver
/// exits) sees the old file or the whole new one, whatever happens to this
/// process; there is no fsync, as git writes its own work-tree files and
/// `git merge-file` its result (docs/performance.md, "The write without
/// fsync"). An fsync here cost a merge driver run about 1 ms of CPU time
/// and 15 ms of waiting, for a file git reads back at once.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.mlmerge-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
            keep_owner(&file, &meta);
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Gives the new file the old one's owner when allowed (as root); an
/// unprivileged user's new file is theirs already.
#[cfg(unix)]
fn keep_owner(file: &File, old: &Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(new) = file.metadata() else { return };
    if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.py");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_directory_is_not_a_target() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_target(dir.path()).unwrap_err();
        assert!(matches!(
            err,
            TargetError::NotRegular {
                kind: "directory",
                ..
            }
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_resolves_to_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real.py");
        std::fs::write(&file, "x").unwrap();
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink("real.py", &link).unwrap();
        let target = check_target(&link).unwrap();
        assert_eq!(target.path, std::fs::canonicalize(&file).unwrap());
        assert_eq!(target.other_links, 0);
    }
}
