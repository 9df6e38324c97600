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

/// Reads base, ours and theirs.
pub fn read_versions(paths: Merge3<&Path>) -> Result<Merge3<Vec<u8>>, InputError> {
    let read = |role, path: &Path| {
        std::fs::read(path).map_err(|source| InputError {
            role,
            path: path.to_path_buf(),
            source,
        })
    };
    Ok(Merge3::new(
        read("base", paths.base)?,
        read("ours", paths.ours)?,
        read("theirs", paths.theirs)?,
    ))
}
