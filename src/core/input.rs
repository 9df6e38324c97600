//! Reading the three versions git hands the driver.

use std::path::{Path, PathBuf};

use crate::core::merge3::Merge3;

/// A version that could not be read.
#[derive(Debug)]
pub struct InputError {
    pub role: &'static str,
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot read the {} version {}: {}",
            self.role,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for InputError {}

/// What a missing or unreadable base version means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingBase {
    /// An error, like any other version (the merge driver: git always
    /// hands it one).
    Error,
    /// An empty base (the mergetool: both sides added the file).
    Empty,
}

/// Reads base, ours and theirs; `names` are the roles the error names
/// (`base`, `ours`, `theirs` for the driver; `local`, `remote` for the
/// mergetool).
pub fn read_versions(
    paths: Merge3<&Path>,
    names: Merge3<&'static str>,
    missing_base: MissingBase,
) -> Result<Merge3<Vec<u8>>, InputError> {
    let read = |role, path: &Path| {
        std::fs::read(path).map_err(|source| InputError {
            role,
            path: path.to_path_buf(),
            source,
        })
    };
    let base = match (read(names.base, paths.base), missing_base) {
        (Err(_), MissingBase::Empty) => Vec::new(),
        (base, _) => base?,
    };
    Ok(Merge3::new(
        base,
        read(names.ours, paths.ours)?,
        read(names.theirs, paths.theirs)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_base_is_empty_or_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (ours, theirs) = (dir.path().join("o"), dir.path().join("t"));
        std::fs::write(&ours, "o").unwrap();
        std::fs::write(&theirs, "t").unwrap();
        let missing = dir.path().join("missing");
        let paths = Merge3::new(missing.as_path(), ours.as_path(), theirs.as_path());
        let names = Merge3::new("base", "local", "remote");
        let read = read_versions(paths, names, MissingBase::Empty).unwrap();
        assert_eq!(read, Merge3::new(vec![], b"o".to_vec(), b"t".to_vec()));
        let err = read_versions(paths, names, MissingBase::Error).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot read the base version "),
            "{err}"
        );
        let paths = Merge3::new(ours.as_path(), missing.as_path(), theirs.as_path());
        let err = read_versions(paths, names, MissingBase::Empty).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read the local version "),
            "{err}"
        );
    }
}
